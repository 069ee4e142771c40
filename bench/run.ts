// `npm run bench`: time decode, shape inference, cost and memory plan per model (median of runs, in-process),
// the heap they hold, and the CLI's whole-process time; print ratios against onnx-tool's figures measured on this
// machine class (quoted in issue 2; onnx-tool is Python and cannot be installed here, so its numbers are constants
// of the baseline, labelled as such), then the CLI's cold start against them and against a same-run Python peer
// (bench/coldstart.ts). EfficientNet-B0 is generated with python3-torch (bench/models/efficientnet_b0.py) when
// available. Other benches (layout, estimator, python) run after this one.

import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { costModel } from '../src/core/cost';
import { planMemory } from '../src/core/memory';
import { decodeModel } from '../src/core/onnx/decode';
import { encodeModel } from '../src/core/onnx/encode';
import { inferShapes } from '../src/core/shapes';
import { resnet18Model, transformerWithNodes } from './generate';
import { coldStart, efficientnetB0 } from './coldstart';

/** onnx-tool (shape inference + per-node profile), measured in-process and as a whole process, from issue 2. */
const ONNX_TOOL_MS: Record<string, { inProcess?: number; process?: number }> = {
  'mobilenet_v2.onnx': { inProcess: 22, process: 148 },
  'squeezenet1_1.onnx': { inProcess: 9 },
  // Whole process derived, not measured: 46 ms in-process plus the 126–133 ms of start-up onnx-tool shows on
  // mobilenet_v2 (148 − 22) and resnet18 (202 − 69); the lower end, so the target is the stricter one.
  'efficientnet_b0 (generated)': { inProcess: 46, process: 46 + 126 },
  'resnet18 (generated)': { inProcess: 69, process: 202 },
  'transformer 3931 nodes (generated)': { inProcess: 191 },
  'transformer 13115 nodes (generated)': { inProcess: 1950, process: 2100 },
};

const gc = (globalThis as { gc?: () => void }).gc ?? (() => undefined);
const root = join(__dirname, '..');
const runs = Number(process.env['BENCH_RUNS'] ?? 7);

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

interface Row {
  model: string;
  nodes: number;
  fileBytes: number;
  decodeMs: number;
  inferMs: number;
  costMs: number;
  planMs: number;
  totalMs: number;
  heapBytes: number;
  processMs?: number;
}

function benchBytes(label: string, bytes: Uint8Array): Row {
  const times = { decode: [] as number[], infer: [] as number[], cost: [] as number[], plan: [] as number[], total: [] as number[] };
  let heapBytes = 0;
  let nodes = 0;
  for (let r = 0; r < runs + 1; r++) {
    gc();
    const heapBefore = process.memoryUsage().heapUsed;
    const t0 = performance.now();
    const m = decodeModel(bytes);
    if (!m.ok) throw new Error(`${label}: ${m.error.message}`);
    const t1 = performance.now();
    const shapes = inferShapes(m.value, { defaultBatch: 1 });
    const t2 = performance.now();
    const cost = costModel(m.value, shapes);
    const t3 = performance.now();
    const plan = planMemory(m.value.graph, shapes.values);
    const t4 = performance.now();
    const heapAfter = process.memoryUsage().heapUsed;
    nodes = m.value.graph.nodes.length;
    if (cost.nodes.length !== nodes || plan.peakActivationBytes < 0) throw new Error('inconsistent');
    if (r === 0) continue; // warm-up
    heapBytes = Math.max(heapBytes, heapAfter - heapBefore);
    times.decode.push(t1 - t0);
    times.infer.push(t2 - t1);
    times.cost.push(t3 - t2);
    times.plan.push(t4 - t3);
    times.total.push(t4 - t0);
  }
  return {
    model: label, nodes, fileBytes: bytes.byteLength,
    decodeMs: median(times.decode), inferMs: median(times.infer), costMs: median(times.cost), planMs: median(times.plan),
    totalMs: median(times.total), heapBytes,
  };
}

function processTime(file: string): number | undefined {
  const cli = join(root, 'dist', 'cli.js');
  if (!existsSync(cli)) return undefined;
  const xs: number[] = [];
  for (let i = 0; i < 5; i++) {
    const t = performance.now();
    const r = spawnSync(process.execPath, [cli, 'analyze', file, '--json'], { stdio: ['ignore', 'ignore', 'pipe'] });
    if (r.status !== 0) throw new Error(`cli failed on ${file}: ${r.stderr}`);
    xs.push(performance.now() - t);
  }
  return median(xs);
}

function main(): void {
  // BENCH_COLD_ONLY=1: only the cold-start comparison (the engine table takes minutes on a loaded machine).
  if (process.env['BENCH_COLD_ONLY']) return coldStartSection();
  const rows: Row[] = [];
  const tmp = mkdtempSync(join(tmpdir(), 'aiot-bench-'));
  try {
    const dir = join(root, 'test', 'fixtures', 'models');
    for (const f of readdirSync(dir).filter((x) => x.endsWith('.onnx')).sort()) {
      const path = join(dir, f);
      const bytes = require('node:fs').readFileSync(path) as Uint8Array;
      const row = benchBytes(f, bytes);
      row.processMs = processTime(path);
      rows.push(row);
    }
    const effnet = efficientnetB0(root);
    if (effnet) {
      const row = benchBytes('efficientnet_b0 (generated)', require('node:fs').readFileSync(effnet) as Uint8Array);
      row.processMs = processTime(effnet);
      rows.push(row);
    }
    const generated: [string, () => ReturnType<typeof resnet18Model>][] = [
      ['resnet18 (generated)', resnet18Model],
      ['transformer 3931 nodes (generated)', () => transformerWithNodes(3931)],
      ['transformer 13115 nodes (generated)', () => transformerWithNodes(13115)],
    ];
    for (const [label, make] of generated) {
      const encoded = encodeModel(make());
      if (!encoded.ok) throw new Error(encoded.error.message);
      const file = join(tmp, `${basename(label).replace(/\W+/g, '_')}.onnx`);
      writeFileSync(file, encoded.value);
      const row = benchBytes(label, encoded.value);
      row.processMs = processTime(file);
      rows.push(row);
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }

  const pad = (s: string, n: number) => s.padStart(n);
  console.log(`engine: decode + infer + cost + plan, median of ${runs} runs in-process; heap = growth while holding one analysis`);
  console.log(['model'.padEnd(38), pad('nodes', 6), pad('decode', 8), pad('infer', 8), pad('cost', 7), pad('plan', 7), pad('total', 8), pad('vs onnx-tool', 13), pad('heap/file', 10), pad('cli ms', 8), pad('vs onnx-tool', 13)].join(' '));
  let slowest = 0;
  for (const r of rows) {
    const peer = ONNX_TOOL_MS[r.model];
    const ratio = peer?.inProcess ? (r.totalMs / peer.inProcess).toFixed(2) + 'x' : '-';
    const pratio = peer?.process && r.processMs ? (r.processMs / peer.process).toFixed(2) + 'x' : '-';
    slowest = Math.max(slowest, r.totalMs / r.nodes);
    console.log([
      r.model.padEnd(38), pad(String(r.nodes), 6), pad(r.decodeMs.toFixed(1), 8), pad(r.inferMs.toFixed(1), 8), pad(r.costMs.toFixed(1), 7),
      pad(r.planMs.toFixed(1), 7), pad(r.totalMs.toFixed(1), 8), pad(ratio, 13), pad((r.heapBytes / r.fileBytes).toFixed(2), 10),
      pad(r.processMs ? r.processMs.toFixed(0) : '-', 8), pad(pratio, 13),
    ].join(' '));
  }
  const small = rows.find((r) => r.model.startsWith('transformer 3931'));
  const large = rows.find((r) => r.model.startsWith('transformer 13115'));
  if (small && large) {
    const growth = (large.totalMs / small.totalMs) / (large.nodes / small.nodes);
    console.log(`growth: time per node at 13k nodes / at 3.9k nodes = ${growth.toFixed(2)} (1.00 = linear)`);
  }
  console.log('targets: total <= 0.50x onnx-tool in-process, cli <= 0.50x onnx-tool process, heap/file < 3');
  coldStartSection();
}

function coldStartSection(): void {
  const cold = [{ label: 'mobilenet_v2.onnx', file: join(root, 'test', 'fixtures', 'models', 'mobilenet_v2.onnx'), onnxTool: { ms: 148, source: 'measured (issue 2)' } }];
  const effnet = efficientnetB0(root);
  if (effnet) {
    cold.push({ label: 'efficientnet_b0 (generated)', file: effnet, onnxTool: { ms: 46 + 126, source: 'derived (issue 2): 46 ms in-process + 126 ms start-up, the smaller of mobilenet_v2\'s and resnet18\'s' } });
  }
  coldStart(root, cold, Number(process.env['BENCH_COLD_RUNS'] ?? 11));
}

main();
