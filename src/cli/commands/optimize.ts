// `aiot-lens optimize MODEL --passes a,b,c -o OUT`: applies optimization passes, writes the result atomically to a
// new file, reports before/after figures and, with --verify, proves the result in onnxruntime-node.

import { existsSync } from 'node:fs';
import { dirname, isAbsolute, relative, resolve } from 'node:path';
import { analyzeModel, checkPins } from '../../core/analyze';
import type { Model, Shape } from '../../core/onnx/ir';
import { loadModelFile } from '../../core/onnx/load';
import { saveModel, type SavedModel } from '../../core/onnx/save';
import { ScratchSink } from '../../core/onnx/sink';
import { verifyMemoryPlan, type VerifyMemoryPlan } from '../../core/verify/budget';
import { passNames, runPasses, type PassOptions, type PassRun } from '../../core/passes';
import { catchLens } from '../../core/result';
import { verifyModels, type VerifyReport } from '../../core/verify';
import { agreementLine, jsonNumbers, verdictLine } from '../../core/verify/agreement';
import { formatBytes, formatCount } from '../../core/format';
import { parse, parseInputShapes, parseInputValues, parseNumber, parsePositiveInt } from '../args';
import { EXIT_CHECK_FAILED, EXIT_ERROR, EXIT_OK, type CliIO } from '../io';
import { EXTERNAL_DATA_HELP, formatDiskSize, MEMORY_BUDGET_HELP, parseExternalData, parseMemoryBudget } from '../modelOutput';
import { parseThresholds, THRESHOLD_HELP, THRESHOLD_OPTIONS } from '../verifyFlags';

export const summary = 'apply optimization passes and verify the result with onnxruntime';

const HELP = `usage: aiot-lens optimize MODEL --passes a,b,c -o OUT [options]

passes: ${passNames().join(', ')}

  --passes LIST            comma-separated passes, applied in order
  -o, --output OUT         where to write the optimized model (never the input file)
  --force                  overwrite OUT (and OUT.data) if it exists
${EXTERNAL_DATA_HELP}${MEMORY_BUDGET_HELP}  --calibration DIR        calibration/verification inputs: .npy or TensorProto .pb files (one per sample, or one
                           subfolder per sample with one file per input); seeded random inputs when absent
  --calibration-method M   minmax (default) or percentile (int8-static)
  --percentile P           percentile for --calibration-method percentile (default 99.99)
  --sparsity S             target fraction of zero weights for prune (0..1, default 0.5)
  --channel-sparsity S     fraction of Conv output channels prune removes structurally (default 0: off)
  --energy E               singular-value energy low-rank keeps (default 0.95)
  --rank R                 fixed rank for low-rank (overrides --energy)
  --max-overhead X         extra MACs patch may add, as a fraction of the model's (default 0.15)
  --input-shape NAME=DIMS  pin an input's dims (and the new dims for resize-input); repeatable
  --value NAME=N           an input known at analysis time (e.g. sr=16000): figures take its If branches;
                           calibration and verification feed it instead of random data (repeatable)
  --verify                 run original and result in onnxruntime-node on the same inputs and compare: relative
                           error, SNR, cosine and top-1 agreement, and a verdict (exit 1 when it fails)
${THRESHOLD_HELP}  --runs N                 timed runs per model for the latency medians (default 20)
  --seed N                 seed of random calibration/verification inputs (default 1)
  --json                   print the result as JSON
`;

interface Figures {
  /** The .onnx protobuf alone. */
  fileBytes: number;
  /** Its external-data file(s); 0 without. */
  externalDataBytes: number;
  /** fileBytes + externalDataBytes: the model's size on disk. */
  totalBytes: number;
  nodeCount: number;
  macs: number | null;
  params: number | null;
  peakActivationBytes: number | null;
}

export async function run(argv: string[], io: CliIO): Promise<number> {
  const parsed = parse(argv, {
    passes: { type: 'string' }, output: { type: 'string', short: 'o' }, force: { type: 'boolean' },
    calibration: { type: 'string' }, 'calibration-method': { type: 'string' }, percentile: { type: 'string' },
    sparsity: { type: 'string' }, 'channel-sparsity': { type: 'string' }, energy: { type: 'string' }, rank: { type: 'string' }, 'max-overhead': { type: 'string' },
    'input-shape': { type: 'string', multiple: true }, value: { type: 'string', multiple: true }, verify: { type: 'boolean' }, runs: { type: 'string' },
    seed: { type: 'string' }, json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' },
    'external-data': { type: 'string' }, 'memory-budget': { type: 'string' }, ...THRESHOLD_OPTIONS,
  });
  const fail = (message: string) => { io.err(`aiot-lens optimize: ${message}\n`); return EXIT_ERROR; };
  if (!parsed.ok) return fail(`${parsed.error.message}\n${HELP}`);
  const { values, positionals } = parsed.value;
  if (values['help']) { io.out(HELP); return EXIT_OK; }
  if (positionals.length !== 1) return fail(`give exactly one model\n${HELP}`);
  const passList = String(values['passes'] ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  if (passList.length === 0) return fail(`--passes is required (available: ${passNames().join(', ')})`);
  if (!values['output']) return fail('-o OUT is required: the input model is never modified');
  const file = positionals[0]!;
  const inPath = isAbsolute(file) ? file : resolve(io.cwd, file);
  const outArg = String(values['output']);
  const outPath = isAbsolute(outArg) ? outArg : resolve(io.cwd, outArg);
  if (outPath === inPath) return fail(`${outArg}: the output must be a new file; the input model is never modified`);
  if (existsSync(outPath) && !values['force']) return fail(`${outArg}: already exists (use --force to overwrite)`);

  const shapes = parseInputShapes(values['input-shape']);
  if (!shapes.ok) return fail(shapes.error.message);
  const fills = parseInputValues(values['value']);
  if (!fills.ok) return fail(fills.error.message);
  const nums: Record<string, number | undefined> = {};
  for (const k of ['sparsity', 'channel-sparsity', 'energy', 'percentile', 'max-overhead']) {
    const r = parseNumber(k, values[k]);
    if (!r.ok) return fail(r.error.message);
    nums[k] = r.value;
  }
  const rank = values['rank'] === undefined ? undefined : parsePositiveInt('rank', values['rank'], 1);
  const runs = parsePositiveInt('runs', values['runs'], 20);
  const seed = parsePositiveInt('seed', values['seed'], 1);
  for (const r of [rank, runs, seed]) if (r && !r.ok) return fail(r.error.message);
  const method = values['calibration-method'];
  if (method !== undefined && method !== 'minmax' && method !== 'percentile') return fail(`--calibration-method expects minmax or percentile, got '${String(method)}'`);
  const thresholds = parseThresholds(values);
  if (!thresholds.ok) return fail(thresholds.error.message);
  const calibrationDir = values['calibration'] === undefined ? undefined : resolve(io.cwd, String(values['calibration']));
  const externalData = parseExternalData(values['external-data']);
  if (!externalData.ok) return fail(externalData.error.message);
  const budget = parseMemoryBudget(values['memory-budget']);
  if (!budget.ok) return fail(budget.error.message);
  if (!existsSync(dirname(outPath))) return fail(`${outArg}: the folder ${dirname(outArg) || '.'} does not exist`);

  const loaded = loadModelFile(inPath);
  if (!loaded.ok) return fail(loaded.error.message);
  const { model, modelDir } = loaded.value;
  const inputExternal = loaded.value.externalBytes > 0;
  // When the result will have external data, the tensors passes make go to a scratch data file beside the output as
  // they are made (deleted afterwards), so memory holds about one tensor whatever the model's size.
  const scratch = externalData.value === 'always' || (externalData.value === 'auto' && inputExternal) ? new ScratchSink(dirname(outPath)) : undefined;
  const options: PassOptions = {
    path: file, modelDir, calibrationDir, inputShapes: shapes.value, inputValues: fills.value, sparsity: nums['sparsity'], channelSparsity: nums['channel-sparsity'],
    energy: nums['energy'], percentile: nums['percentile'], maxOverhead: nums['max-overhead'], rank: rank && rank.ok ? rank.value : undefined,
    calibrationMethod: method as PassOptions['calibrationMethod'], seed: seed.ok ? seed.value : 1,
    ...(scratch ? { sink: scratch } : {}), memoryBudgetBytes: budget.value,
  };
  const pinsOk = checkPins(model, shapes.value, fills.value);
  if (!pinsOk.ok) return fail(`${file}: ${pinsOk.error.message}`);
  let result: Awaited<ReturnType<typeof runPasses>>;
  let saved: SavedModel;
  try {
    result = await runPasses(model, passList, options);
    if (!result.ok) return fail(`${file}: ${result.error.message}`);
    const s = saveModel(result.value.model, outPath, {
      externalData: externalData.value, preferExternal: inputExternal, force: values['force'] === true, sourceDir: modelDir,
      ...(scratch ? { scratch } : {}),
    });
    if (!s.ok) return fail(`${outArg}: ${s.error.message}`);
    saved = s.value;
  } finally {
    scratch?.dispose();
  }

  const before = figures(model, { fileBytes: loaded.value.fileBytes, externalDataBytes: loaded.value.externalDataBytes }, shapes.value, modelDir, fills.value);
  const after = figures(saved.model, saved, shapes.value, dirname(outPath), fills.value);
  let verify: VerifyReport | undefined;
  let verifyMemory: (VerifyMemoryPlan & { measuredPeakRssBytes?: number }) | undefined;
  if (values['verify']) {
    verifyMemory = verifyMemoryPlan(before.totalBytes, after.totalBytes, budget.value);
    if (verifyMemory.fits) {
      // From the paths: onnxruntime then finds the external data beside each model itself.
      const v = await verifyModels(model, inPath, outPath, {
        calibrationDir, inputShapes: shapes.value, values: fills.value, seed: options.seed, runs: runs.ok ? runs.value : 20, optimizedModel: result.value.model,
        thresholds: thresholds.value,
      });
      if (!v.ok) return fail(`${file}: verification could not run: ${v.error.message}`);
      verify = v.value;
      verifyMemory.measuredPeakRssBytes = process.resourceUsage().maxRSS * 1024;
    }
  }
  const dataFile = saved.dataPath ? relative(io.cwd, saved.dataPath) : undefined;
  const report = {
    input: file, output: outArg, ...(dataFile ? { outputData: dataFile } : {}), passes: result.value.passes, before, after,
    ...(verify ? { verify } : {}), ...(verifyMemory ? { verifyMemory } : {}),
    ...(verifyMemory && !verifyMemory.fits ? { verifyDeclined: verifyMemory.explanation } : {}),
  };
  // SNR is infinite for identical outputs: JSON gets the string "Infinity" rather than a silent null.
  if (values['json']) io.out(`${JSON.stringify(report, jsonNumbers, 2)}\n`);
  else io.out(human(report.passes, before, after, verify, outArg, dataFile, verifyMemory));
  const declined = verifyMemory !== undefined && !verifyMemory.fits;
  return (verify && (!verify.ranOk || verify.verdict?.pass === false)) || declined ? EXIT_CHECK_FAILED : EXIT_OK;
}


function figures(model: Model, size: { fileBytes: number; externalDataBytes: number }, inputShapes: Record<string, Shape>, modelDir: string,
  inputValues: Record<string, number>): Figures {
  const { fileBytes, externalDataBytes } = size;
  // --input-shape pins symbolic dims for the figures; inputs with fixed declared dims keep them (so the original of a
  // resize-input run is measured at its own size).
  const pinned: Record<string, Shape> = {};
  for (const [name, dims] of Object.entries(inputShapes)) {
    const v = model.graph.inputs.find((i) => i.name === name);
    if (!v || v.type.kind !== 'tensor' || !v.type.shape || v.type.shape.some((d) => typeof d !== 'number')) pinned[name] = dims;
  }
  const values = Object.fromEntries(Object.entries(inputValues).filter(([name]) => model.graph.inputs.some((i) => i.name === name)));
  const a = catchLens(() => analyzeModel(model, { inputShapes: pinned, inputValues: values, fileBytes, modelDir }));
  const t = a.ok ? a.value.report.totals : undefined;
  return {
    fileBytes, externalDataBytes, totalBytes: fileBytes + externalDataBytes, nodeCount: model.graph.nodes.length, macs: t ? t.macs : null, params: t ? t.params : null,
    peakActivationBytes: t ? t.peakActivationBytes : null,
  };
}

function human(passes: PassRun[], b: Figures, a: Figures, v: VerifyReport | undefined, out: string, dataFile?: string, memory?: VerifyMemoryPlan): string {
  const ratio = (x: number | null, y: number | null) => (x && y !== null ? ` (${(y / x).toFixed(3)}×)` : '');
  const row = (label: string, x: number | null, y: number | null, fmt: (n: number) => string) =>
    `  ${label.padEnd(20)} ${x === null ? '-' : fmt(x)} → ${y === null ? '-' : fmt(y)}${ratio(x, y)}`;
  const lines = [
    ...passes.map((p) => `  ${p.name.padEnd(16)} ${p.changed ? 'changed' : 'no change'}   ${summarize(p.details)}`),
    '',
    // The size on disk counts the external data: the protobuf alone says nothing about a model whose weights live beside it.
    `  ${'size on disk'.padEnd(20)} ${formatDiskSize(b)} → ${formatDiskSize(a)}${ratio(b.totalBytes, a.totalBytes)}`,
    row('nodes', b.nodeCount, a.nodeCount, String),
    row('MACs', b.macs, a.macs, formatCount),
    row('params', b.params, a.params, formatCount),
    row('peak activations', b.peakActivationBytes, a.peakActivationBytes, formatBytes),
  ];
  if (memory && (b.externalDataBytes > 0 || a.externalDataBytes > 0 || !memory.fits)) {
    lines.push('', memory.fits ? `  verify memory: ${memory.explanation}` : `  verify: declined — ${memory.explanation}`);
  }
  if (v) {
    lines.push('');
    if (!v.ranOk) lines.push(`  verify: FAILED — ${v.error ?? 'onnxruntime could not run the result'}`);
    else if (!v.comparable || !v.verdict) {
      lines.push(`  verify (${v.inputs}): both models run; outputs are not compared because the input dims changed`);
    } else {
      lines.push(`  verify on ${v.inputs} inputs, onnxruntime CPU:`, `    ${agreementLine({ ...v, relativeError: v.relativeError!, snrDb: v.snrDb!, referenceMaxAbs: v.referenceMaxAbs!, maxAbsError: v.maxAbsError!, cosine: v.cosine!, top1Rows: v.outputs.reduce((n, o) => n + (o.top1Rows ?? 0), 0) })}`);
      for (const w of v.warnings) lines.push(`    warning: ${w}`);
      lines.push(`    verdict: ${verdictLine(v.verdict)}`);
    }
    if (v.ranOk) lines.push(`  latency (median of ${v.runs}, onnxruntime CPU, 1 thread): ${v.latencyMsBefore} ms → ${v.latencyMsAfter} ms`);
  }
  lines.push('', `  wrote ${out}${dataFile ? ` and ${dataFile}` : ''}`, '');
  return lines.join('\n');
}

function summarize(d: Record<string, unknown>): string {
  return Object.entries(d)
    .filter(([, v]) => (typeof v === 'number' && v !== 0) || typeof v === 'boolean' || typeof v === 'string' || (Array.isArray(v) && v.length > 0 && typeof v[0] === 'string'))
    .map(([k, v]) => `${k}=${Array.isArray(v) ? v.join('; ') : typeof v === 'number' && !Number.isInteger(v) ? v.toFixed(4) : String(v)}`)
    .join(' ');
}
