// `aiot-lens advise MODEL --device ID [budget flags] [--json]`: the five resources against the budget, the binding
// one and its module, and techniques ranked by their re-estimated effect.

import { isAbsolute, resolve } from 'node:path';
import { advise, type Advice, type AdviseOptions } from '../../core/advisor';
import { analyzeModelFileSync } from '../../core/analyze';
import { formatBytes, formatMs } from '../../core/format';
import { asList, PIN_HELP, startCommand, parseInputShapes, parseInputValues, parseNumber } from '../args';
import { parsePlan, PLAN_HELP } from '../plan';
import { EXIT_ERROR, EXIT_OK, type CliIO } from '../io';
import { formatDiskSize, type DiskSize } from '../modelOutput';
import { deviceFor, linkFor, registryFor } from './devices';

export const summary = 'find the binding resource on a device and rank techniques by their estimated effect';

const HELP = `usage: aiot-lens advise MODEL --device ID [--latency-ms N] [--fps N] [--battery-mah N --battery-v V --hours N]
                        [--link ID] [--edge ID] [--input-shape NAME=DIMS]... [--value NAME=N]... [--profiles FILE_OR_DIR]... [--json]

  --device ID              target device (aiot-lens devices lists them)
  --latency-ms N           deadline per inference
  --fps N                  inferences per second (deadline when --latency-ms is absent; period for energy)
  --battery-mah N --battery-v V --hours N   battery-life target
  --link ID                link for offloading (communication budget and the offload suggestion)
  --edge ID                device offloading sends to (default jetson-orin-nano)
${PIN_HELP}  --profiles FILE_OR_DIR   extra profile JSON (repeatable)
${PLAN_HELP}  --json                   print the advice as JSON
`;

export async function run(argv: string[], io: CliIO): Promise<number> {
  const started = startCommand('advise', argv, io, {
    device: { type: 'string' }, 'latency-ms': { type: 'string' }, fps: { type: 'string' }, 'battery-mah': { type: 'string' },
    'battery-v': { type: 'string' }, hours: { type: 'string' }, link: { type: 'string' }, edge: { type: 'string' },
    'input-shape': { type: 'string', multiple: true }, value: { type: 'string', multiple: true }, profiles: { type: 'string', multiple: true }, json: { type: 'boolean' },
    plan: { type: 'string' },
  }, HELP, 1);
  if ('exit' in started) return started.exit;
  const { values, positionals } = started;
  const fail = (m: string) => (io.err(`aiot-lens advise: ${m}\n`), EXIT_ERROR);
  if (typeof values['device'] !== 'string') return fail(`--device ID is required\n${HELP}`);
  const reg = registryFor(io, values['profiles']);
  if (!reg.ok) return fail(reg.error.message);
  const device = deviceFor(reg.value, values['device']);
  if (!device.ok) return fail(device.error.message);
  const plan = parsePlan(values['plan']);
  if (!plan.ok) return fail(plan.error.message);
  // Printed commands repeat the device, the profiles that define it and the plan.
  const profileArgs = asList(values['profiles']).map((x) => ` --profiles ${x}`).join('');
  const o: AdviseOptions = { modelPath: positionals[0]!, deviceArgs: `--device ${values['device']}${profileArgs}${plan.value ? ` --plan ${plan.value}` : ''}` };
  for (const [flag, key] of [['latency-ms', 'latencyMs'], ['fps', 'fps'], ['battery-mah', 'batteryMah'], ['battery-v', 'batteryV'], ['hours', 'hours']] as const) {
    const n = parseNumber(flag, values[flag]);
    if (!n.ok) return fail(n.error.message);
    if (n.value !== undefined) {
      if (n.value <= 0) return fail(`--${flag} must be positive, got ${n.value}`);
      o[key] = n.value;
    }
  }
  const battery = [o.batteryMah, o.batteryV, o.hours].filter((x) => x !== undefined).length;
  if (battery !== 0 && battery !== 3) return fail('--battery-mah, --battery-v and --hours go together');
  if (typeof values['link'] === 'string') {
    const l = linkFor(reg.value, values['link']);
    if (!l.ok) return fail(l.error.message);
    o.link = l.value;
    const e = deviceFor(reg.value, typeof values['edge'] === 'string' ? values['edge'] : 'jetson-orin-nano');
    if (!e.ok) return fail(e.error.message);
    o.edge = e.value;
  }
  const shapes = parseInputShapes(values['input-shape']);
  if (!shapes.ok) return fail(shapes.error.message);
  if (Object.keys(shapes.value).length) o.inputShapes = shapes.value;
  const fills = parseInputValues(values['value']);
  if (!fills.ok) return fail(fills.error.message);
  if (Object.keys(fills.value).length) o.inputValues = fills.value;
  const file = positionals[0]!;
  const a = analyzeModelFileSync(isAbsolute(file) ? file : resolve(io.cwd, file), { inputShapes: shapes.value, inputValues: fills.value });
  if (!a.ok) return fail(a.error.message);
  if (plan.value) a.value.memoryPlan = plan.value;
  const advice = await advise(a.value, device.value, o);
  // The model's size on disk, external data included (the storage resource above counts weights, not files).
  const { fileBytes, externalDataBytes, totalBytes } = a.value.report.model;
  const size = { fileBytes, externalDataBytes, totalBytes };
  io.out(values['json'] ? `${JSON.stringify({ ...advice, file: size }, null, 2)}\n` : human(advice, size));
  return EXIT_OK;
}

function show(v: number, unit: string): string {
  if (unit === 'bytes') return formatBytes(v);
  if (unit === 'ms') return formatMs(v);
  if (unit === 'bytes/s') return `${formatBytes(v)}/s`;
  if (unit === 'J') return v >= 1 ? `${v.toFixed(1)} J` : `${(v * 1000).toFixed(2)} mJ`;
  return `${v} ${unit}`;
}

function human(a: Advice, file: DiskSize): string {
  const lines = [`${a.model} on ${a.device} (${formatDiskSize(file)} on disk)`, ''];
  for (const w of a.warnings) lines.push(`  warning: ${w}`);
  if (a.warnings.length) lines.push('');
  for (const r of a.resources) {
    const budget = r.budget === null ? 'no budget' : show(r.budget, r.unit);
    const util = r.utilization === null ? '' : ` (${(r.utilization * 100).toFixed(0)}%)`;
    const mark = r.verdict === 'unknown' ? '??  ' : r.fits ? 'ok  ' : 'OVER';
    const demand = r.bound === 'lower' && r.demand === 0 ? 'unknown' : `${r.bound === 'lower' ? '≥ ' : r.bound === 'upper' ? '≤ ' : ''}${show(r.demand, r.unit)}`;
    const tail = r.verdict === 'unknown' ? `  no verdict: a ${r.bound} bound` : r.bound && r.budget === null ? `  (a ${r.bound} bound)`
      : r.name === 'energy' && r.budget === null ? `  (${r.assumption})` : '';
    const range = r.range && !(r.bound === 'lower' && r.demand === 0) ? ` (${show(r.range[0], r.unit)}–${show(r.range[1], r.unit)})` : '';
    lines.push(`  ${mark} ${r.name.padEnd(13)} ${demand.padStart(11)}${range} / ${budget}${util}${tail}`);
  }
  lines.push('', `  binding: ${a.bottleneck.resource} (${a.bottleneck.module}): ${a.bottleneck.reason}`);
  if (a.applied.length) lines.push('', `  already applied: ${a.applied.map((x) => `${x.id} (${x.evidence})`).join('; ')}`);
  const byReason = new Map<string, string[]>();
  for (const n of a.notSuggested) {
    const why = `${n.because} already applied${n.instead ? `: ${n.instead}` : ''}`;
    byReason.set(why, [...(byReason.get(why) ?? []), n.technique]);
  }
  for (const [why, list] of byReason) lines.push(`  not suggested: ${list.join(', ')} (${why})`);
  const item = (s: Advice['suggestions'][number], i: number | string) => {
    const after = s.estimate;
    const fits = Object.entries(after.fits).filter(([, v]) => !v).map(([k]) => k);
    lines.push(`  ${typeof i === 'number' ? `${i + 1}.` : i} ${s.technique}${s.analytic ? ' [analytic]' : ''}`);
    lines.push(`     → ${formatMs(after.latencyMs)}, ${formatBytes(after.peakRamBytes)} RAM, ${formatBytes(after.flashBytes)} flash; ${fits.length ? `still over: ${fits.join(', ')}` : 'everything fits'}`);
    if (s.note) lines.push(`     (${s.note})`);
    lines.push(`     $ ${s.command}`);
  };
  lines.push('', a.suggestions.length ? `  suggestions for ${a.bottleneck.resource} (best first):` : `  no technique lowers ${a.bottleneck.resource}`);
  a.suggestions.forEach((s, i) => item(s, i));
  if (a.elsewhere.length) {
    lines.push('', `  does not fix ${a.bottleneck.resource}:`);
    for (const s of a.elsewhere) {
      item(s, '-');
      lines.push(`     (${s.reason})`);
    }
  }
  return `${lines.join('\n')}\n`;
}
