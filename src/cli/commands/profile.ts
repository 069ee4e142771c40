// `aiot-lens profile MODEL [--runs N] [--json]`: measured latency in onnxruntime-node (median and p90 with full
// optimization) and per-node times from one unoptimized profiled run, so they carry the model's node names.

import { isAbsolute, resolve } from 'node:path';
import { formatMs, textTable } from '../../core/format';
import { catchLensAsync } from '../../core/result';
import { median, percentile, profileModel } from '../../core/runtime';
import { timeTflite } from '../../core/runtime/litert';
import { formatOfFile } from '../../core/model';
import { parse, parseInputShapes, parseInputValues, parsePositiveInt } from '../args';
import { EXIT_ERROR, EXIT_OK, type CliIO } from '../io';

export const summary = 'measure latency in onnxruntime-node (median, p90) and per-node times; a .tflite in LiteRT.js';

const HELP = `usage: aiot-lens profile MODEL [--runs N] [--threads N] [--input-shape NAME=DIMS]... [--value NAME=N]... [--json]

  --runs N                 timed runs after warm-up (default 50)
  --threads N              onnxruntime intra-op threads (default 1, as calibration uses)
  --input-shape NAME=DIMS  dims for symbolic input dimensions (others are taken as 1)
  --value NAME=N           fill an input with one value instead of seeded random data (e.g. sr=16000)
  --json                   {"medianMs","p90Ms","runs","nodes":[{"name","opType","ms"}]}

A .tflite model runs in LiteRT.js (@litertjs/core: LiteRT's CPU kernels, XNNPACK, as WebAssembly, one thread):
end-to-end times only (it reports no per-operator times), models with float32/int32 inputs (it cannot feed int8
tensors) and without variable tensors.
`;

export async function run(argv: string[], io: CliIO): Promise<number> {
  const parsed = parse(argv, {
    runs: { type: 'string' }, threads: { type: 'string' }, 'input-shape': { type: 'string', multiple: true },
    value: { type: 'string', multiple: true }, json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' },
  });
  const fail = (m: string) => (io.err(`aiot-lens profile: ${m}\n`), EXIT_ERROR);
  if (!parsed.ok) return fail(`${parsed.error.message}\n${HELP}`);
  const { values, positionals } = parsed.value;
  if (values['help']) return (io.out(HELP), EXIT_OK);
  if (positionals.length !== 1) return fail(`give exactly one model\n${HELP}`);
  const runs = parsePositiveInt('runs', values['runs'], 50);
  const threads = parsePositiveInt('threads', values['threads'], 1);
  const shapes = parseInputShapes(values['input-shape']);
  for (const r of [runs, threads, shapes]) if (!r.ok) return fail(r.error.message);
  const parsedFills = parseInputValues(values['value']);
  if (!parsedFills.ok) return fail(parsedFills.error.message);
  const fills = parsedFills.value;
  const file = positionals[0]!;
  const path = isAbsolute(file) ? file : resolve(io.cwd, file);
  if (formatOfFile(path) === 'tflite') return profileTflite(file, path, runs.ok ? runs.value : 50, values['json'] === true, io);
  const r = await catchLensAsync(() => profileModel(path, {
    runs: runs.ok ? runs.value : 50, threads: threads.ok ? threads.value : 1,
    inputShapes: shapes.ok ? shapes.value : {}, values: fills,
  }), file);
  if (!r.ok) {
    const msg = r.error.message.startsWith(file) || r.error.message.startsWith(path) ? r.error.message : `${file}: ${r.error.message}`;
    // Symbolic dims default to 1, which many sequence models reject: say how to pin them.
    const hint = /shape|dimension|axis/i.test(msg) && !Object.keys(shapes.ok ? shapes.value : {}).length ? ' (symbolic input dims were taken as 1: pin them with --input-shape NAME=DIMS)' : '';
    return fail(msg + hint);
  }
  const p = r.value;
  if (values['json']) {
    io.out(`${JSON.stringify({ medianMs: p.medianMs, p90Ms: p.p90Ms, runs: p.runs, minMs: p.minMs, cpuMedianMs: p.cpuMedianMs, threads: p.threads, nodes: p.nodes }, null, 2)}\n`);
    return EXIT_OK;
  }
  const top = [...p.nodes].sort((a, b) => b.ms - a.ms).slice(0, 15);
  io.out([
    `${file}  (onnxruntime-node CPU, ${p.threads} thread${p.threads > 1 ? 's' : ''})`,
    `  optimized ('all'):  median ${formatMs(p.medianMs)}   p90 ${formatMs(p.p90Ms)}   min ${formatMs(p.minMs)}   over ${p.runs} runs`,
    `  CPU time per run:   median ${formatMs(p.cpuMedianMs)} (unaffected by other processes; ${p.threads > 1 ? 'sums all threads' : 'one inference thread'})`,
    `  unoptimized profiled run: ${formatMs(p.unoptimizedKernelMs ?? 0)} in ${p.nodes.length} node kernels`,
    '',
    textTable(['node', 'op', 'ms', 'share'], top.map((n) => [n.name, n.opType, n.ms.toFixed(3), `${((n.ms / (p.unoptimizedKernelMs || 1)) * 100).toFixed(1)}%`])),
    '',
  ].join('\n'));
  return EXIT_OK;
}

/** A .tflite in LiteRT.js: end-to-end wall and CPU time (LiteRT.js exposes no per-operator profile). */
async function profileTflite(file: string, path: string, runs: number, json: boolean, io: CliIO): Promise<number> {
  const r = await catchLensAsync(() => timeTflite(path, { runs }), file);
  if (!r.ok) {
    io.err(`aiot-lens profile: ${file}: ${r.error.message.replace(`${file}: `, '')}\n`);
    return EXIT_ERROR;
  }
  const t = r.value;
  const sorted = [...t.wallMs].sort((a, b) => a - b);
  const p = { medianMs: median(t.wallMs), p90Ms: percentile(sorted, 90), runs: t.wallMs.length, minMs: sorted[0]!, cpuMedianMs: median(t.cpuMs), threads: 1, nodes: [] };
  const runtime = `LiteRT.js ${t.version} (XNNPACK CPU kernels, WebAssembly, 1 thread)`;
  if (json) {
    io.out(`${JSON.stringify({ ...p, runtime, inputs: t.inputs, outputs: t.outputs }, null, 2)}\n`);
    return EXIT_OK;
  }
  io.out([
    `${file}  (${runtime})`,
    `  median ${formatMs(p.medianMs)}   p90 ${formatMs(p.p90Ms)}   min ${formatMs(p.minMs)}   over ${p.runs} runs`,
    `  CPU time per run:   median ${formatMs(p.cpuMedianMs)}`,
    `  inputs: ${t.inputs.map((i) => `${i.name} ${i.dtype}[${i.shape.join(', ')}]`).join(', ')} (seeded random data)`,
    '  per-operator times: LiteRT.js reports none',
    '',
  ].join('\n'));
  return EXIT_OK;
}
