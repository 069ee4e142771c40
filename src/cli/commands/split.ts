// `aiot-lens split MODEL --device ID --remote ID --link ID`: where to cut the model between a device and an
// edge/cloud machine, with the cost of every cut; `--out-dir` exports the best cut's halves (`--cut` any cut's) and
// proves them in onnxruntime.

import { mkdirSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, resolve } from 'node:path';
import { analyzeModelFileSync } from '../../core/analyze';
import { formatBytes, formatMs, textTable } from '../../core/format';
import { withRange } from '../../core/estimate';
import { saveModel, withInlineTensors } from '../../core/onnx/save';
import { verifyMemoryPlan } from '../../core/verify/budget';
import {
  bestInnerCut, describeCut, resolveCut, searchSplit, splitModel, splitTableRows, topologicalOrder, verifySplit,
  type CutEvaluation, type SplitResult, type SplitVerification,
} from '../../core/partition';
import { agreementLine, jsonNumbers, verdictLine } from '../../core/verify/agreement';
import { catchLensAsync } from '../../core/result';
import { asList, startCommand, parseInputShapes, parseInputValues, parseNumber } from '../args';
import { EXIT_CHECK_FAILED, EXIT_ERROR, EXIT_OK, type CliIO } from '../io';
import { EXTERNAL_DATA_HELP, MEMORY_BUDGET_HELP, parseExternalData, parseMemoryBudget } from '../modelOutput';
import { parseThresholds, THRESHOLD_HELP, THRESHOLD_OPTIONS } from '../verifyFlags';
import { deviceFor, linkFor, registryFor } from './devices';

export const summary = 'find the best cut between a device and an edge/cloud machine; export and verify any cut';

const HELP = `usage: aiot-lens split MODEL --device ID --remote ID --link ID [--objective latency|energy|mix]
                      [--latency-weight W] [--compress none|fp16|int8] [--cut N|NODE_NAME] [--out-dir D] [--force]
                      [--input-shape NAME=DIMS]... [--value NAME=N]... [--profiles FILE_OR_DIR]... [--json]

  --device ID        the device that holds the sensor (runs the first part)
  --remote ID        the edge or cloud machine that runs the rest
  --link ID          the link between them (aiot-lens devices lists links)
  --objective        what the best cut minimises: total latency (default), device energy, or a mix
  --latency-weight W for --objective mix: weight of latency against energy (0..1, default 0.5)
  --compress         send float crossing tensors as fp16 or int8
  --cut N|NODE_NAME  export and verify this cut instead of the best: N = nodes run on the device (the table's
                     "cut" column; 0 = all remote), or the node (or node output) after which to cut; node:NAME
                     for names that are numbers. Writes to --out-dir, default the current folder
  --out-dir D        write MODEL.device.onnx and MODEL.remote.onnx (the best cut, or --cut) and verify them in
                     onnxruntime: the chained halves against the original (exit 1 when the verdict fails)
  --value NAME=N     an input known at analysis time (e.g. sr=16000): decides If branches; verification feeds it
${EXTERNAL_DATA_HELP.replace(/OUT/g, 'each half')}${MEMORY_BUDGET_HELP}${THRESHOLD_HELP}`;

interface Exported {
  cut: CutEvaluation;
  device: string;
  remote: string;
  verify: SplitVerification;
}

export async function run(argv: string[], io: CliIO): Promise<number> {
  const started = startCommand('split', argv, io, {
    device: { type: 'string' }, remote: { type: 'string' }, link: { type: 'string' }, objective: { type: 'string' },
    'latency-weight': { type: 'string' }, compress: { type: 'string' }, 'out-dir': { type: 'string' }, force: { type: 'boolean' },
    cut: { type: 'string' },
    'input-shape': { type: 'string', multiple: true }, value: { type: 'string', multiple: true },
    profiles: { type: 'string', multiple: true }, json: { type: 'boolean' },
    'external-data': { type: 'string' }, 'memory-budget': { type: 'string' }, ...THRESHOLD_OPTIONS,
  }, HELP, 1);
  if ('exit' in started) return started.exit;
  const { values, positionals } = started;
  const fail = (m: string) => (io.err(`aiot-lens split: ${m}\n`), EXIT_ERROR);
  for (const k of ['device', 'remote', 'link']) if (typeof values[k] !== 'string') return fail(`--${k} ID is required\n${HELP}`);
  const objective = (values['objective'] ?? 'latency') as string;
  if (!['latency', 'energy', 'mix'].includes(objective)) return fail(`--objective must be latency, energy or mix, got '${objective}'`);
  const compression = (values['compress'] ?? 'none') as string;
  if (!['none', 'fp16', 'int8'].includes(compression)) return fail(`--compress must be none, fp16 or int8, got '${compression}'`);
  const weight = parseNumber('latency-weight', values['latency-weight']);
  if (!weight.ok) return fail(weight.error.message);
  const thresholds = parseThresholds(values);
  if (!thresholds.ok) return fail(thresholds.error.message);
  const parsedFills = parseInputValues(values['value']);
  if (!parsedFills.ok) return fail(parsedFills.error.message);
  const fills = parsedFills.value;

  const reg = registryFor(io, values['profiles']);
  if (!reg.ok) return fail(reg.error.message);
  const device = deviceFor(reg.value, values['device'] as string);
  if (!device.ok) return fail(device.error.message);
  const remote = deviceFor(reg.value, values['remote'] as string);
  if (!remote.ok) return fail(remote.error.message);
  const link = linkFor(reg.value, values['link'] as string);
  if (!link.ok) return fail(link.error.message);
  const shapes = parseInputShapes(values['input-shape']);
  if (!shapes.ok) return fail(shapes.error.message);
  const externalData = parseExternalData(values['external-data']);
  if (!externalData.ok) return fail(externalData.error.message);
  const budget = parseMemoryBudget(values['memory-budget']);
  if (!budget.ok) return fail(budget.error.message);

  const file = positionals[0]!;
  const path = isAbsolute(file) ? file : resolve(io.cwd, file);
  const a = analyzeModelFileSync(path, { inputShapes: shapes.value, inputValues: fills });
  if (!a.ok) return fail(a.error.message);
  const r = searchSplit(a.value, device.value, link.value, remote.value, {
    objective: objective as 'latency', compression: compression as 'none', ...(weight.value !== undefined ? { latencyWeight: weight.value } : {}),
  });
  if (!r.ok) return fail(`${file}: ${r.error.message}`);
  const nodeCount = a.value.model.graph.nodes.length;
  const order = topologicalOrder(a.value.model.graph)!;

  // Which cut to export: the one asked for (--cut), else the best when --out-dir is given.
  let chosen: CutEvaluation | undefined;
  if (typeof values['cut'] === 'string') {
    const k = resolveCut(a.value.model.graph, order, values['cut']);
    if (!k.ok) return fail(`${file}: ${k.error.message}`);
    chosen = r.value.cuts.find((c) => c.index === k.value);
    if (!chosen) return fail(`${file}: cut ${k.value} sends a tensor of unknown size; pin the inputs with --input-shape`);
    if (k.value === 0 || k.value === nodeCount) {
      return fail(`${file}: cut ${k.value} runs everything ${k.value === 0 ? 'remotely' : 'on the device'}, so there are no halves to export; pick a cut between 1 and ${nodeCount - 1}`);
    }
  }
  const outDir = typeof values['out-dir'] === 'string' ? values['out-dir'] : chosen ? '.' : undefined;
  const target = chosen ?? (outDir !== undefined ? r.value.best : undefined);
  let exported: Exported | undefined;
  let notExported: string | undefined;
  if (target && outDir !== undefined) {
    if (target.index === 0 || target.index === nodeCount) {
      const inner = bestInnerCut(r.value, nodeCount);
      notExported = `nothing exported: the best cut runs everything ${target.index === 0 ? 'remotely' : 'on the device'}` +
        (inner ? `; to export halves anyway, choose a cut with --cut (the best that splits the model is --cut ${inner.index}, ${describeCut(inner, nodeCount)})` : '');
    } else {
      const dir = isAbsolute(outDir) ? outDir : resolve(io.cwd, outDir);
      mkdirSync(dir, { recursive: true });
      const halves = splitModel(a.value.model, a.value.shapes.values, order, target.index);
      const stem = basename(file).replace(/\.onnx$/i, '');
      const paths = { device: join(dir, `${stem}.device.onnx`), remote: join(dir, `${stem}.remote.onnx`) };
      // Weights in external data are read in for onnxruntime (which gets the halves as bytes), within the budget.
      const modelDir = a.value.modelDir ?? dirname(path);
      const external = a.value.report.model.externalDataBytes > 0;
      // In memory: the model and its halves read in (2× the weights); in onnxruntime: the original and both halves.
      const total = a.value.report.model.totalBytes;
      const plan = verifyMemoryPlan(2 * total, total, budget.value);
      if (!plan.fits) return fail(`${file}: the halves cannot be verified: ${plan.explanation}`);
      const inl = (m: typeof halves.device) => (external ? withInlineTensors(m, modelDir) : m);
      const verify = await catchLensAsync(() => verifySplit(inl(a.value.model), inl(halves.device), inl(halves.remote), {
        inputShapes: shapes.value, values: fills, thresholds: thresholds.value,
      }));
      if (!verify.ok) return fail(`${file}: the halves could not be verified: ${verify.error.message}`);
      for (const role of ['device', 'remote'] as const) {
        const w = saveModel(halves[role], paths[role], {
          externalData: externalData.value, preferExternal: external, force: values['force'] === true, sourceDir: modelDir,
        });
        if (!w.ok) return fail(`${paths[role]}: ${w.error.message}`);
      }
      exported = { cut: target, device: paths.device, remote: paths.remote, verify: verify.value };
    }
  }

  if (values['json']) {
    io.out(`${JSON.stringify(toJson(r.value, nodeCount, chosen, exported, notExported), jsonNumbers, 2)}\n`);
  } else {
    io.out(human(file, r.value, nodeCount, chosen, exported, notExported));
  }
  return exported && !exported.verify.verdict.pass ? EXIT_CHECK_FAILED : EXIT_OK;
}

function cutJson(c: CutEvaluation) {
  return {
    index: c.index, afterNode: c.afterNode, tensors: c.tensors.map((t) => ({ name: t.name, dtype: t.dtype, shape: t.shape, bytes: t.bytes })),
    bytes: c.bytes, downloadBytes: c.downloadBytes, deviceMs: c.deviceMs, linkMs: c.linkMs, remoteMs: c.remoteMs, totalMs: c.totalMs,
    deviceMsRange: c.deviceMsRange, remoteMsRange: c.remoteMsRange, totalMsRange: c.totalMsRange,
    deviceEnergyMj: c.deviceEnergyMj,
  };
}

function toJson(r: SplitResult, nodeCount: number, chosen?: CutEvaluation, exported?: Exported, notExported?: string) {
  return {
    device: r.device, remote: r.remote, link: r.link, objective: r.objective, compression: r.compression,
    best: cutJson(r.best),
    ...(chosen ? { chosen: cutJson(chosen) } : {}),
    cuts: r.cuts.map(cutJson),
    baseline: { allDevice: cutJson(r.baseline.allDevice), allRemote: cutJson(r.baseline.allRemote) },
    /** The rows the human table shows, in its order: the cut index and why it is shown. */
    table: splitTableRows(r, nodeCount, { chosen: chosen?.index }).map((x) => ({ role: x.role, ...(x.extreme ? { extreme: x.extreme } : {}), index: x.cut.index })),
    gain: r.gain,
    skippedCuts: r.skippedCuts,
    assumptions: r.assumptions,
    ...(exported ? { exportedCut: exported.cut.index, files: { device: exported.device, remote: exported.remote }, verify: exported.verify } : {}),
    ...(notExported ? { notExported } : {}),
  };
}

function human(file: string, r: SplitResult, nodeCount: number, chosen?: CutEvaluation, exported?: Exported, notExported?: string): string {
  const rows = splitTableRows(r, nodeCount, { chosen: chosen?.index });
  const label = (role: string) => (role === 'best' ? 'best' : role === 'chosen' ? 'chosen' : role === 'best-split' ? 'best split' : '');
  const table = textTable(
    ['', 'cut', 'runs on the device', 'upload', 'device', 'link', 'remote', 'total', 'device energy'],
    rows.map(({ role, cut: c }) => [
      label(role), String(c.index), describeCut(c, nodeCount), formatBytes(c.bytes), formatMs(c.deviceMs), formatMs(c.linkMs), formatMs(c.remoteMs),
      formatMs(c.totalMs), `${c.deviceEnergyMj.toFixed(2)} mJ`,
    ]),
  );
  const lines = [
    `${file}: ${r.device} → ${r.link} → ${r.remote}, objective ${r.objective}${r.compression !== 'none' ? `, ${r.compression} on the link` : ''}`,
    '',
    ...table.split('\n').map((l) => `  ${l}`),
    '',
    `  best cut ${r.best.index}, ${describeCut(r.best, nodeCount)}: ${r.gain.latencyX.toFixed(2)}x faster than all on device, ${(100 * r.gain.deviceEnergySaving).toFixed(1)}% less device energy`,
    `  80% ranges from the profiles' fits: best cut total ${withRange(r.best.totalMs, r.best.totalMsRange, 'ms')}, all on device ${withRange(r.baseline.allDevice.totalMs, r.baseline.allDevice.totalMsRange, 'ms')}, all remote ${withRange(r.baseline.allRemote.totalMs, r.baseline.allRemote.totalMsRange, 'ms')}`,
  ];
  const shown = exported?.cut ?? r.best;
  if (shown.tensors.length && shown.index !== nodeCount) {
    lines.push(`  crossing at cut ${shown.index}: ${shown.tensors.map((t) => `${t.name} ${t.dtype}[${t.shape.join('x')}] ${formatBytes(t.bytes)}`).join(', ')}`);
  }
  if (exported) {
    const v = exported.verify;
    lines.push(`  exported cut ${exported.cut.index} (${describeCut(exported.cut, nodeCount)}):`, `    wrote ${exported.device}`, `    wrote ${exported.remote}`,
      `  verify on ${v.inputs} seeded random inputs, the chained halves against the original in onnxruntime:`, `    ${agreementLine(v)}`);
    for (const w of v.warnings) lines.push(`    warning: ${w}`);
    lines.push(`    verdict: ${verdictLine(v.verdict)}`);
  }
  if (notExported) lines.push(`  ${notExported}`);
  if (r.skippedCuts) lines.push(`  ${r.skippedCuts} cut(s) skipped: a crossing tensor has unknown size`);
  for (const x of r.assumptions) lines.push(`  assumption: ${x}`);
  return lines.join('\n') + '\n';
}
