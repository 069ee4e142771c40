// `aiot-lens check MODEL... --device ID [--budget FILE]`: the CI budget gate. One line per model and resource; exit 1
// when any resource is over budget, so the pull request that makes a model stop fitting its board fails.

import { isAbsolute, resolve } from 'node:path';
import { analyzeModelFileSync } from '../../core/analyze';
import { checkModel, loadBudget, toBudget, type CheckResult } from '../../core/budget';
import type { LinkProfile } from '../../core/devices';
import { formatBytes, formatMs } from '../../core/format';
import { asList, parse, parseInputShapes, parseInputValues, PIN_HELP } from '../args';
import { EXIT_CHECK_FAILED, EXIT_ERROR, EXIT_OK, type CliIO } from '../io';
import { deviceFor, linkFor, registryFor } from './devices';
import { parsePlan, PLAN_HELP } from '../plan';

export const summary = 'budget gate for CI: exit 1 when a model is over its device budget';

const HELP = `usage: aiot-lens check MODEL... [--device ID] [--budget FILE] [--profiles FILE_OR_DIR]... [--input-shape NAME=DIMS]... [--value NAME=N]... [--json]

${PIN_HELP}  --budget FILE            budget JSON (default .aiot/budget.json; schema: schemas/budget.schema.json)
  --device ID              device (overrides the budget file's)
${PLAN_HELP}  --json                   one JSON object per model
Exit status: 0 all within budget, 1 some resource over budget or undecided (a lower bound within budget because
some shapes are unknown: pin them), 2 usage or input error.
`;

function show(v: number, unit: string): string {
  if (unit === 'bytes') return formatBytes(v);
  if (unit === 'ms') return formatMs(v);
  if (unit === 'bytes/s') return `${formatBytes(v)}/s`;
  if (unit === 'J') return v >= 1 ? `${v.toFixed(2)} J` : `${(v * 1000).toFixed(2)} mJ`;
  return `${v} ${unit}`;
}

export async function run(argv: string[], io: CliIO): Promise<number> {
  const parsed = parse(argv, {
    device: { type: 'string' }, budget: { type: 'string' }, profiles: { type: 'string', multiple: true },
    'input-shape': { type: 'string', multiple: true }, value: { type: 'string', multiple: true }, json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' },
    plan: { type: 'string' },
  });
  const fail = (m: string) => (io.err(`aiot-lens check: ${m}\n`), EXIT_ERROR);
  if (!parsed.ok) return fail(`${parsed.error.message}\n${HELP}`);
  const { values, positionals } = parsed.value;
  if (values['help']) return (io.out(HELP), EXIT_OK);
  if (positionals.length === 0) return fail(`no model given\n${HELP}`);
  const b = loadBudget(io.cwd, typeof values['budget'] === 'string' ? values['budget'] : undefined);
  if (!b.ok) return fail(b.error.message);
  const budgetFile = b.value?.budget;
  const deviceId = typeof values['device'] === 'string' ? values['device'] : budgetFile?.device;
  if (!deviceId) return fail('no device: pass --device ID or write .aiot/budget.json with a "device"');
  const reg = registryFor(io, [...(budgetFile?.profiles ?? []), ...asList(values['profiles'])]);
  if (!reg.ok) return fail(reg.error.message);
  const device = deviceFor(reg.value, deviceId);
  if (!device.ok) return fail(device.error.message);
  let link: LinkProfile | undefined;
  if (budgetFile?.link) {
    const l = linkFor(reg.value, budgetFile.link);
    if (!l.ok) return fail(`${b.value!.path}: ${l.error.message}`);
    link = l.value;
  }
  const shapes = parseInputShapes(values['input-shape']);
  if (!shapes.ok) return fail(shapes.error.message);
  const fills = parseInputValues(values['value']);
  if (!fills.ok) return fail(fills.error.message);
  const plan = parsePlan(values['plan']);
  if (!plan.ok) return fail(plan.error.message);
  const budget = budgetFile ? toBudget(budgetFile) : {};
  let over = false;
  let errors = 0;
  for (const file of positionals) {
    const a = analyzeModelFileSync(isAbsolute(file) ? file : resolve(io.cwd, file), {
      inputShapes: { ...(budgetFile?.inputShapes ?? {}), ...shapes.value }, inputValues: { ...(budgetFile?.inputValues ?? {}), ...fills.value },
    });
    if (!a.ok) {
      errors++;
      io.err(`aiot-lens check: ${a.error.message}\n`);
      continue;
    }
    if (plan.value) a.value.memoryPlan = plan.value;
    const r = checkModel(a.value, file, device.value, budget, link);
    if (!r.pass) over = true;
    io.out(values['json'] ? `${JSON.stringify(r)}\n` : lines(r));
  }
  if (errors > 0) return EXIT_ERROR;
  return over ? EXIT_CHECK_FAILED : EXIT_OK;
}

function lines(r: CheckResult): string {
  return r.resources.map((x) => {
    const verdict = x.verdict === 'unknown' ? 'UNKN' : x.budget === null ? 'n/a ' : x.fits ? 'PASS' : 'FAIL';
    const budget = x.budget === null ? 'no budget' : `${show(x.budget, x.unit)} (${((x.utilization ?? 0) * 100).toFixed(0)}%)`;
    const extra = x.name === 'compute' && !x.fits && x.budget === null ? ' (dtype unsupported)'
      : x.verdict === 'unknown' ? ` (a ${x.bound} bound: no verdict until the inputs are pinned with --input-shape/--value)`
      : x.bound ? ` (a ${x.bound} bound)` : x.name === 'energy' && x.budget === null ? ` (${x.assumption})` : '';
    const demand = x.bound === 'lower' && x.demand === 0 ? 'unknown' : `${x.bound === 'lower' ? '≥ ' : x.bound === 'upper' ? '≤ ' : ''}${show(x.demand, x.unit)}`;
    const range = x.range && !(x.bound === 'lower' && x.demand === 0) ? ` (${show(x.range[0], x.unit)}–${show(x.range[1], x.unit)})` : '';
    return `${verdict === 'n/a ' && !x.fits ? 'FAIL' : verdict} ${r.model} ${r.device} ${x.name}: ${demand}${range} / ${budget}${extra}\n`;
  }).join('') + r.warnings.map((w) => `warning ${r.model}: ${w}\n`).join('');
}
