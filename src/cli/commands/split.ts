// `aiot-lens split MODEL --device ID --remote ID --link ID`: where to cut the model between a device and an
// edge/cloud machine, with the cost of every cut; `--out-dir` exports the halves and proves them in onnxruntime.

import { mkdirSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, resolve } from 'node:path';
import { analyzeModelFileSync } from '../../core/analyze';
import { formatBytes, formatMs, textTable } from '../../core/format';
import { saveModel, withInlineTensors } from '../../core/onnx/save';
import { verifyMemoryPlan } from '../../core/verify/budget';
import { searchSplit, splitModel, topologicalOrder, verifySplit, type CutEvaluation, type SplitResult } from '../../core/partition';
import { catchLensAsync } from '../../core/result';
import { startCommand, parseInputShapes, parseInputValues, parseNumber } from '../args';
import { EXIT_ERROR, EXIT_OK, type CliIO } from '../io';
import { EXTERNAL_DATA_HELP, MEMORY_BUDGET_HELP, parseExternalData, parseMemoryBudget } from '../modelOutput';
import { deviceFor, linkFor, registryFor } from './devices';

export const summary = 'find the best cut between a device and an edge/cloud machine; export and verify the halves';

const HELP = `usage: aiot-lens split MODEL --device ID --remote ID --link ID [--objective latency|energy|mix]
                      [--latency-weight W] [--compress none|fp16|int8] [--out-dir D] [--force]
                      [--input-shape NAME=DIMS]... [--value NAME=N]... [--profiles FILE_OR_DIR]... [--json]

  --device ID        the device that holds the sensor (runs the first part)
  --remote ID        the edge or cloud machine that runs the rest
  --link ID          the link between them (aiot-lens devices lists links)
  --objective        what the best cut minimises: total latency (default), device energy, or a mix
  --latency-weight W for --objective mix: weight of latency against energy (0..1, default 0.5)
  --compress         send float crossing tensors as fp16 or int8
  --out-dir D        write MODEL.device.onnx and MODEL.remote.onnx for the best cut and verify them in onnxruntime
  --value NAME=N     an input known at analysis time (e.g. sr=16000): decides If branches; verification feeds it
${EXTERNAL_DATA_HELP.replace(/OUT/g, 'each half')}${MEMORY_BUDGET_HELP}`;

export async function run(argv: string[], io: CliIO): Promise<number> {
  const started = startCommand('split', argv, io, {
    device: { type: 'string' }, remote: { type: 'string' }, link: { type: 'string' }, objective: { type: 'string' },
    'latency-weight': { type: 'string' }, compress: { type: 'string' }, 'out-dir': { type: 'string' }, force: { type: 'boolean' },
    'input-shape': { type: 'string', multiple: true }, value: { type: 'string', multiple: true },
    profiles: { type: 'string', multiple: true }, json: { type: 'boolean' },
    'external-data': { type: 'string' }, 'memory-budget': { type: 'string' },
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

  let exported: { device: string; remote: string; verify: { maxAbsError: number; inputs: number } } | undefined;
  const outDir = values['out-dir'];
  if (typeof outDir === 'string') {
    const best = r.value.best;
    const n = a.value.model.graph.nodes.length;
    if (best.index === 0 || best.index === n) {
      io.err(`aiot-lens split: the best cut runs everything ${best.index === 0 ? 'remotely' : 'on the device'}: there are no halves to export\n`);
    } else {
      const dir = isAbsolute(outDir) ? outDir : resolve(io.cwd, outDir);
      mkdirSync(dir, { recursive: true });
      const order = topologicalOrder(a.value.model.graph)!;
      const halves = splitModel(a.value.model, a.value.shapes.values, order, best.index);
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
      const verify = await catchLensAsync(() => verifySplit(inl(a.value.model), inl(halves.device), inl(halves.remote), { inputShapes: shapes.value, values: fills }));
      if (!verify.ok) return fail(`${file}: the halves could not be verified: ${verify.error.message}`);
      for (const role of ['device', 'remote'] as const) {
        const w = saveModel(halves[role], paths[role], {
          externalData: externalData.value, preferExternal: external, force: values['force'] === true, sourceDir: modelDir,
        });
        if (!w.ok) return fail(`${paths[role]}: ${w.error.message}`);
      }
      exported = { device: paths.device, remote: paths.remote, verify: verify.value };
    }
  }

  if (values['json']) {
    io.out(`${JSON.stringify(toJson(r.value, exported), null, 2)}\n`);
  } else {
    io.out(human(file, r.value, exported));
  }
  return EXIT_OK;
}

function cutJson(c: CutEvaluation) {
  return {
    index: c.index, afterNode: c.afterNode, tensors: c.tensors.map((t) => ({ name: t.name, dtype: t.dtype, shape: t.shape, bytes: t.bytes })),
    bytes: c.bytes, downloadBytes: c.downloadBytes, deviceMs: c.deviceMs, linkMs: c.linkMs, remoteMs: c.remoteMs, totalMs: c.totalMs,
    deviceEnergyMj: c.deviceEnergyMj,
  };
}

function toJson(r: SplitResult, exported?: { device: string; remote: string; verify: { maxAbsError: number; inputs: number } }) {
  return {
    device: r.device, remote: r.remote, link: r.link, objective: r.objective, compression: r.compression,
    best: cutJson(r.best),
    cuts: r.cuts.map(cutJson),
    baseline: { allDevice: cutJson(r.baseline.allDevice), allRemote: cutJson(r.baseline.allRemote) },
    gain: r.gain,
    skippedCuts: r.skippedCuts,
    assumptions: r.assumptions,
    ...(exported ? { files: { device: exported.device, remote: exported.remote }, verify: exported.verify } : {}),
  };
}

function human(file: string, r: SplitResult, exported?: { device: string; remote: string; verify: { maxAbsError: number; inputs: number } }): string {
  const { allDevice, allRemote } = r.baseline;
  const where = (c: CutEvaluation) => (c.index === 0 ? 'all remote (raw input upload)' : c.index === allDevice.index ? 'all on device' : `after #${c.index - 1} ${c.afterNode}`);
  const row = (label: string, c: CutEvaluation) => [label, where(c), formatBytes(c.bytes), formatMs(c.deviceMs), formatMs(c.linkMs), formatMs(c.remoteMs), formatMs(c.totalMs), `${c.deviceEnergyMj.toFixed(2)} mJ`];
  // The cuts worth looking at: the baselines, the best, and the five best others by the objective — one per distinct
  // set of crossing tensors, leaving out cuts that still send the raw input (only constants ran on the device).
  const key = (c: CutEvaluation) => c.tensors.map((t) => t.name).join('\u0000');
  const seen = new Set([key(allRemote), key(r.best)]);
  const others = [...r.cuts]
    .filter((c) => c !== r.best && c !== allDevice && c !== allRemote)
    .sort((x, y) => (r.objective === 'energy' ? x.deviceEnergyMj - y.deviceEnergyMj : x.totalMs - y.totalMs))
    .filter((c) => !seen.has(key(c)) && (seen.add(key(c)), true))
    .slice(0, 5);
  const table = textTable(
    ['', 'cut', 'upload', 'device', 'link', 'remote', 'total', 'device energy'],
    [row('best', r.best), row('', allDevice), row('', allRemote), ...others.map((c) => row('', c))],
  );
  const lines = [
    `${file}: ${r.device} → ${r.link} → ${r.remote}, objective ${r.objective}${r.compression !== 'none' ? `, ${r.compression} on the link` : ''}`,
    '',
    ...table.split('\n').map((l) => `  ${l}`),
    '',
    `  best cut: ${r.gain.latencyX.toFixed(2)}x faster than all on device, ${(100 * r.gain.deviceEnergySaving).toFixed(1)}% less device energy`,
  ];
  if (r.best.tensors.length && r.best.index !== allDevice.index) {
    lines.push(`  crossing: ${r.best.tensors.map((t) => `${t.name} ${t.dtype}[${t.shape.join('x')}] ${formatBytes(t.bytes)}`).join(', ')}`);
  }
  if (exported) {
    lines.push(`  wrote ${exported.device}`, `  wrote ${exported.remote}`,
      `  verified in onnxruntime on ${exported.verify.inputs} seeded inputs: max abs error ${exported.verify.maxAbsError.toExponential(2)}`);
  }
  if (r.skippedCuts) lines.push(`  ${r.skippedCuts} cut(s) skipped: a crossing tensor has unknown size`);
  for (const x of r.assumptions) lines.push(`  assumption: ${x}`);
  return lines.join('\n') + '\n';
}

