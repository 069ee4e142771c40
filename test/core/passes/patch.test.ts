// The `patch` pass and the in-place/patch plans: the patched graph computes the same tensors as the original in
// onnxruntime (the prefix output itself, not only the model output, so a near-zero classifier cannot hide an error),
// lowers the peak the planner reports by the amounts the closing note quotes, stays within the MAC budget, and a
// patched model is recognised (planned with its views, not patched again).

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { analyzeModel, analyzeModelFileSync } from '../../../src/core/analyze';
import { buildPatch, patchCuts, patchedGraph, plansFor, recordedViews } from '../../../src/core/memory/plans';
import { loadModelFile } from '../../../src/core/onnx/load';
import { encodeModel } from '../../../src/core/onnx/encode';
import type { Model, Tensor } from '../../../src/core/onnx/ir';
import { makeTensor } from '../../../src/core/onnx/tensor';
import { runPasses } from '../../../src/core/passes';
import { runModel } from '../../../src/core/runtime';
import { seededRandom } from '../../../src/core/random';
import { unwrap } from '../../../src/core/result';
import { inferShapes } from '../../../src/core/shapes';
import { fixtureModel } from '../../helpers/models';
import { graph, input, int, ints, model as modelOf, node, str } from '../shapes/build';
import { join } from 'node:path';

const SAMPLE = join(__dirname, '..', '..', '..', 'samples', 'mobilenet_v2_vww_96.onnx');

/** The model with extra graph outputs (float tensors of known shape), so onnxruntime returns them too. */
function exposing(m: Model, names: string[]): Model {
  const shapes = inferShapes(m, { defaultBatch: 1 });
  const outs = names.map((name) => ({ name, type: { kind: 'tensor' as const, elemType: 'float' as const, shape: shapes.values.get(name)!.shape! } }));
  return { ...m, graph: { ...m.graph, outputs: [...m.graph.outputs, ...outs] } };
}

async function maxAbsDiff(a: Model, b: Model, names: string[]): Promise<{ diff: number; scale: number }> {
  const ra = await runModel(unwrap(encodeModel(a)), undefined, { seed: 3 });
  const rb = await runModel(unwrap(encodeModel(b)), undefined, { seed: 3 });
  let diff = 0, scale = 0;
  for (const n of names) {
    const x = ra[n]!.data as Float32Array, y = rb[n]!.data as Float32Array;
    assert.deepEqual(ra[n]!.dims, rb[n]!.dims, `${n}: dims`);
    for (let i = 0; i < x.length; i++) {
      diff = Math.max(diff, Math.abs(x[i]! - y[i]!));
      scale = Math.max(scale, Math.abs(x[i]!));
    }
  }
  return { diff, scale };
}

function randomWeight(rand: () => number, name: string, dims: number[]): Tensor {
  return makeTensor(name, 'float', dims, Array.from({ length: dims.reduce((a, b) => a * b, 1) }, () => rand() - 0.5));
}

/**
 * Every windowed case the pass handles, in one prefix: SAME_UPPER stride-2 conv on odd sizes, a dilated depthwise
 * conv, MaxPool with ceil_mode, a tensor read by a 1x1 and a padded 3x3 conv (computed over the hull, cropped for the
 * 1x1 path), Add, a channel Concat, AveragePool with asymmetric padding excluded from the count; then a global pool.
 */
function windowsModel(): Model {
  const rand = seededRandom(5);
  const w = (name: string, dims: number[]) => randomWeight(rand, name, dims);
  const nodes = [
    node('Conv', ['x', 'w1', 'b1'], ['c1'], [str('auto_pad', 'SAME_UPPER'), ints('strides', [2, 2]), ints('kernel_shape', [3, 3])]),
    node('Relu', ['c1'], ['r1']),
    node('Conv', ['r1', 'w2'], ['c2'], [int('group', 8), ints('dilations', [2, 2]), ints('pads', [2, 2, 2, 2]), ints('kernel_shape', [3, 3])]),
    node('Clip', ['c2', 'lo', 'hi'], ['r2']),
    node('MaxPool', ['r2'], ['p'], [ints('kernel_shape', [3, 3]), ints('strides', [2, 2]), int('ceil_mode', 1)]),
    node('Conv', ['p', 'w3'], ['a'], [ints('kernel_shape', [1, 1])]),
    node('Conv', ['p', 'w4'], ['b'], [ints('kernel_shape', [3, 3]), ints('pads', [1, 1, 1, 1])]),
    node('Add', ['a', 'b'], ['s']),
    node('Concat', ['s', 'a'], ['cat'], [int('axis', 1)]),
    node('AveragePool', ['cat'], ['q'], [ints('kernel_shape', [2, 2]), ints('pads', [0, 0, 1, 1]), int('count_include_pad', 0)]),
    node('GlobalAveragePool', ['q'], ['y']),
  ];
  const g = graph(nodes, [input('x', 'float', [1, 3, 37, 41])], ['y'], [
    w('w1', [8, 3, 3, 3]), w('b1', [8]), w('w2', [8, 1, 3, 3]), w('w3', [6, 8, 1, 1]), w('w4', [6, 8, 3, 3]),
    makeTensor('lo', 'float', [], [0]), makeTensor('hi', 'float', [], [6]),
  ]);
  g.outputs = [{ name: 'y', type: { kind: 'tensor', elemType: 'float', shape: [1, 12, 1, 1] } }];
  return modelOf(g, 13);
}

test('every tile grid of every cut of a prefix with SAME, dilation, ceil_mode, crops, Concat and AveragePool runs equal in onnxruntime', async () => {
  const m = windowsModel();
  const a = analyzeModel(m);
  const { cuts } = patchCuts(m.graph, a.shapes.values, a.memory.order);
  // Cuts after c1, r1, c2, r2, p, s? (no: a is live too), cat, q.
  assert.deepEqual(cuts.map((c) => c.output), ['c1', 'r1', 'c2', 'r2', 'p', 'cat', 'q']);
  for (const cut of cuts) {
    for (const grid of [2, 3, 4]) {
      const b = buildPatch(m.graph, a.shapes.values, cut, grid);
      if (typeof b === 'string') continue;
      const patched: Model = { ...m, graph: patchedGraph(m.graph, b) };
      const r = await maxAbsDiff(exposing(m, [cut.output]), exposing(patched, [cut.output]), [cut.output, 'y']);
      assert.ok(r.scale > 0.01, `${cut.output}: the compared tensor is not near zero (${r.scale})`);
      assert.ok(r.diff <= 1e-5, `${cut.output} ${grid}x${grid}: max abs error ${r.diff}`);
    }
  }
});

test('before opset 10 the tiles slice with attributes, and still run equal in onnxruntime', async () => {
  const rand = seededRandom(9);
  const g = graph([
    node('Conv', ['x', 'w1'], ['c1'], [ints('kernel_shape', [3, 3]), ints('pads', [1, 1, 1, 1]), ints('strides', [2, 2])]),
    node('Relu', ['c1'], ['r1']),
    node('Conv', ['r1', 'w2'], ['c2'], [ints('kernel_shape', [3, 3]), ints('pads', [1, 1, 1, 1])]),
    node('GlobalAveragePool', ['c2'], ['y']),
  ], [input('x', 'float', [1, 3, 20, 20])], ['y'], [randomWeight(rand, 'w1', [4, 3, 3, 3]), randomWeight(rand, 'w2', [4, 4, 3, 3])]);
  g.outputs = [{ name: 'y', type: { kind: 'tensor', elemType: 'float', shape: [1, 4, 1, 1] } }];
  const m = modelOf(g, 9);
  const a = analyzeModel(m);
  const cut = patchCuts(m.graph, a.shapes.values, a.memory.order).cuts.find((c) => c.output === 'c2')!;
  const b = buildPatch(m.graph, a.shapes.values, cut, 2, { opset: 9 });
  assert.ok(typeof b !== 'string');
  const slices = b.nodes.filter((n) => n.opType === 'Slice');
  assert.ok(slices.length > 0 && slices.every((n) => n.inputs.length === 1 && n.attributes.some((x) => x.name === 'starts')));
  const r = await maxAbsDiff(exposing(m, ['c2']), exposing({ ...m, graph: patchedGraph(m.graph, b) }, ['c2']), ['c2']);
  assert.ok(r.scale > 0.01 && r.diff <= 1e-5, `max abs error ${r.diff} of ${r.scale}`);
});

for (const [label, path, minRatio] of [['MobileNetV2 224', fixtureModel('mobilenet_v2'), 6.5], ['the VWW sample (96)', SAMPLE, 3.5]] as const) {
  test(`patch on ${label}: ≥ 3× lower peak within 15% extra MACs, the prefix output equal in onnxruntime, the patched model recognised`, async () => {
    const m = unwrap(loadModelFile(path)).model;
    const r = unwrap(await runPasses(m, ['patch'], {}));
    const d = r.passes[0]!.details as Record<string, number | string>;
    assert.equal(r.passes[0]!.changed, true);
    const before = d['peakActivationBytesBefore'] as number, after = d['patchPeakActivationBytesAfter'] as number;
    assert.ok(before / after >= minRatio, `peak ${before} → ${after}: ${(before / after).toFixed(2)}×`);
    assert.ok((d['macOverhead'] as number) <= 0.15 && (d['macOverhead'] as number) > 0, `MAC overhead ${d['macOverhead']}`);
    // The MACs the analysis counts on the written graph agree with the overhead the pass reports.
    const a0 = analyzeModel(m), a1 = analyzeModel(r.model);
    assert.ok(Math.abs((a1.cost.totals.macs - a0.cost.totals.macs) / a0.cost.totals.macs - (d['macOverhead'] as number)) < 1e-9);
    // Recognised: the patch plan of the written model is the one the pass reported, and it is not patched again.
    assert.ok(recordedViews(r.model));
    const plans = plansFor(a1);
    assert.ok(!('unavailable' in plans.patch));
    assert.equal(plans.patch.applied, true);
    assert.equal(plans.patch.peakActivationBytes, after);
    // Reading windows in place and writing tiles side by side never needs more than onnxruntime's copies do.
    assert.ok(after <= plans['per-tensor'].peakActivationBytes, `patch ${after} vs per-tensor ${plans['per-tensor'].peakActivationBytes} on the patched graph`);
    const again = unwrap(await runPasses(r.model, ['patch'], {}));
    assert.equal(again.passes[0]!.changed, false);
    // The unpatched model's patch plan is the plan of the model the pass writes.
    const p0 = plansFor(a0).patch;
    assert.ok(!('unavailable' in p0) && p0.peakActivationBytes === after && p0.applied === false);
    const out = d['prefixOutput'] as string;
    const cmp = await maxAbsDiff(exposing(m, [out]), exposing(r.model, [out]), [out, m.graph.outputs[0]!.name]);
    // The fixtures' weights are random, so tensors are small: the error is checked in absolute and relative terms.
    assert.ok(cmp.scale > 1e-3, `prefix output magnitude ${cmp.scale}`);
    assert.ok(cmp.diff <= 1e-5 && cmp.diff / cmp.scale <= 1e-5, `max abs error ${cmp.diff} of ${cmp.scale}`);
    console.log(`${label}: ${d['grid']} tiles, ${d['prefixNodes']} nodes to '${out}', peak ${before} → ${after} B (${(before / after).toFixed(2)}×), +${(100 * (d['macOverhead'] as number)).toFixed(1)}% MACs, max |Δ| ${cmp.diff.toExponential(2)} of ${cmp.scale.toExponential(2)}`);
  });
}

test('in-place plan: elementwise ops and depthwise convolutions write over inputs that die there', () => {
  // x → Conv(dw) → Relu → Conv(1x1) → Add(with its own input)
  const rand = seededRandom(2);
  const g = graph([
    node('Conv', ['x', 'wd'], ['d'], [int('group', 4), ints('kernel_shape', [3, 3]), ints('pads', [1, 1, 1, 1])]),
    node('Relu', ['d'], ['r']),
    node('Conv', ['r', 'wp'], ['c'], [ints('kernel_shape', [1, 1])]),
    node('Add', ['c', 'r'], ['y']),
  ], [input('x', 'float', [1, 4, 8, 8])], ['y'], [randomWeight(rand, 'wd', [4, 1, 3, 3]), randomWeight(rand, 'wp', [4, 4, 1, 1])]);
  const a = analyzeModel(modelOf(g, 13));
  const t = 4 * 8 * 8 * 4; // every tensor: 1 KiB
  assert.equal(a.memory.peakActivationBytes, 3 * t); // r, c and y at the Add
  const p = plansFor(a)['in-place'];
  // d over x (with a one-channel buffer), r over d; the Add writes over c (r is still read by nobody after, but c dies
  // first in the input list) — two tensors at the Add instead of three.
  assert.equal(p.depthwiseNodes, 1);
  assert.equal(p.inPlaceNodes, 2);
  assert.equal(p.peakActivationBytes, 2 * t);
});

test('in-place on a .tflite: TFLite builtin elementwise ops are recognised, the patch plan says why it does not apply', () => {
  const a = unwrap(analyzeModelFileSync(join(__dirname, '..', '..', 'fixtures', 'models', 'tflite', 'face_detection_short_range.tflite')));
  const p = plansFor(a);
  // 33 ADD/RELU write over an input that dies there (the depthwise inputs are still read by the residual ADDs).
  assert.equal(p['in-place'].inPlaceNodes, 33);
  assert.ok(p['in-place'].peakActivationBytes < p['per-tensor'].peakActivationBytes);
  assert.ok('unavailable' in p.patch && /TFLite Micro/.test(p.patch.unavailable));
});
