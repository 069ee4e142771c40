// Real models: every node output gets a fully numeric shape, and every one equals what onnxruntime actually produces.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { decodeModel } from '../../../src/core/onnx/decode';
import { encodeModel } from '../../../src/core/onnx/encode';
import type { Model, Shape } from '../../../src/core/onnx/ir';
import { inferShapes } from '../../../src/core/shapes/index';
import type { ShapeInference, ShapeOptions } from '../../../src/core/shapes/types';
import { unwrap } from '../../../src/core/result';

const ort = createRequire(__filename)('onnxruntime-node');
const MODELS = join(__dirname, '../../fixtures/models');

interface Case {
  file: string;
  options: ShapeOptions;
  outputs: Record<string, Shape>;
}

const CASES: Case[] = [
  { file: 'mobilenet_v2.onnx', options: { defaultBatch: 1 }, outputs: { output: [1, 1000] } },
  { file: 'squeezenet1_1.onnx', options: { defaultBatch: 1 }, outputs: { output: [1, 1000] } },
  { file: 'resnet8_cifar.onnx', options: { defaultBatch: 1 }, outputs: { output: [1, 10] } },
  { file: 'ultraface_rfb_320.onnx', options: { defaultBatch: 1 }, outputs: { scores: [1, 4420, 2], boxes: [1, 4420, 4] } },
  { file: 'blazeface_front_128.onnx', options: { defaultBatch: 1 }, outputs: { 'Identity:0': [1, 512, 1], 'Identity_2:0': [1, 512, 16] } },
  { file: 'ppocr_mobile_v2_cls.onnx', options: { inputShapes: { x: [1, 3, 48, 192] } }, outputs: { 'softmax_0.tmp_0': [1, 2] } },
  { file: 'silero_vad_16k_op15.onnx', options: { inputShapes: { input: [1, 512] }, defaultBatch: 1 }, outputs: { output: [1, 1], stateN: [2, 1, 128] } },
  { file: 'transformer_har.onnx', options: { defaultBatch: 1 }, outputs: { output: [1, 6] } },
  { file: 'lstm_kws.onnx', options: { defaultBatch: 1 }, outputs: { output: [1, 12] } },
];

function load(file: string): Model {
  return unwrap(decodeModel(new Uint8Array(readFileSync(join(MODELS, file))), { path: file }));
}

function nonNumeric(m: Model, s: ShapeInference): string[] {
  const bad: string[] = [];
  const check = (nodes: Model['graph']['nodes'], values: Map<string, { dtype: string; shape?: Shape }> | undefined) => {
    for (const n of nodes) {
      for (const o of n.outputs) {
        if (!o) continue;
        const f = values?.get(o);
        if (!f || f.dtype === 'undefined' || !f.shape || f.shape.some((d) => typeof d !== 'number')) bad.push(`${n.opType} ${o}: ${f?.dtype} ${JSON.stringify(f?.shape)}`);
      }
      for (const a of n.attributes) if (a.type === 'graph') check(a.value.nodes, s.subgraphs.get(a.value));
    }
  };
  check(m.graph.nodes, s.values);
  return bad;
}

function randomFeed(dtype: string, dims: number[]): unknown {
  const n = dims.reduce((a, b) => a * b, 1);
  if (dtype === 'int64') return new ort.Tensor('int64', BigInt64Array.from({ length: n }, () => 16000n), dims);
  return new ort.Tensor('float32', Float32Array.from({ length: n }, (_, i) => Math.sin(i) * 0.5), dims);
}

/** Runs the model in onnxruntime with every main-graph tensor exposed as an output; returns each one's dims. */
async function runtimeShapes(m: Model, s: ShapeInference): Promise<Map<string, number[]>> {
  const names = new Set(m.graph.outputs.map((o) => o.name));
  const extra = m.graph.nodes.flatMap((n) => n.outputs).filter((o) => o && !names.has(o) && s.values.get(o)?.dtype !== 'undefined');
  const exposed: Model = {
    ...m,
    graph: {
      ...m.graph,
      outputs: [...m.graph.outputs, ...extra.map((name) => ({ name, type: { kind: 'tensor' as const, elemType: s.values.get(name)!.dtype } }))],
    },
  };
  const session = await ort.InferenceSession.create(unwrap(encodeModel(exposed)));
  const feeds: Record<string, unknown> = {};
  for (const vi of m.graph.inputs) {
    const f = s.values.get(vi.name);
    if (!f || m.graph.initializers.some((t) => t.name === vi.name)) continue;
    feeds[vi.name] = randomFeed(f.dtype, f.shape as number[]);
  }
  const result = await session.run(feeds);
  const out = new Map<string, number[]>();
  for (const [k, v] of Object.entries(result)) out.set(k, Array.from((v as { dims: readonly number[] }).dims));
  await session.release?.();
  return out;
}

for (const c of CASES) {
  test(`${c.file}: all node outputs numeric and equal to onnxruntime's`, async () => {
    const m = load(c.file);
    const s = inferShapes(m, c.options);
    assert.deepEqual(nonNumeric(m, s), []);
    for (const [name, shape] of Object.entries(c.outputs)) assert.deepEqual(s.values.get(name)?.shape, shape, name);
    const rt = await runtimeShapes(m, s);
    let compared = 0;
    const diffs: string[] = [];
    for (const [name, dims] of rt) {
      const mine = s.values.get(name)?.shape;
      compared++;
      if (JSON.stringify(mine) !== JSON.stringify(dims)) diffs.push(`${name}: inferred ${JSON.stringify(mine)} runtime ${JSON.stringify(dims)}`);
    }
    assert.deepEqual(diffs, []);
    assert.ok(compared >= m.graph.nodes.length * 0.9, `compared ${compared} tensors`);
  });
}

test('symbolic inputs without pins keep their names (silero: batch, sequence)', () => {
  const m = load('silero_vad_16k_op15.onnx');
  const s = inferShapes(m);
  assert.deepEqual(s.values.get('input')?.shape, ['batch', 'sequence']);
  assert.equal(s.values.get('output')?.shape?.[0], 'batch');
  assert.deepEqual(s.assumptions, []);
});
