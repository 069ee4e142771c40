// Each pass on small hand-built graphs with a known right answer, checked against onnxruntime on the original.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { encodeModel } from '../../../src/core/onnx/encode';
import type { Model } from '../../../src/core/onnx/ir';
import { analyzeModel } from '../../../src/core/analyze';
import { PASSES, type PassOptions } from '../../../src/core/passes';
import { magnitudePrune } from '../../../src/core/passes/prune';
import { unwrap } from '../../../src/core/result';
import { planMemory } from '../../../src/core/memory';
import { inferShapes } from '../../../src/core/shapes';
import { input, model, node, output, randomTensor, shapeTensor } from './build';
import { loadFixture, opCounts, optimizeFixture, verify } from './helpers';

async function apply(name: string, m: Model, options: PassOptions = {}) {
  const r = unwrap(await PASSES[name]!.run(m, options));
  const bytes = unwrap(encodeModel(r.model));
  const v = await verify({ original: m, originalBytes: unwrap(encodeModel(m)), bytes });
  return { ...r, v };
}

test('cleanup removes Identity, Dropout, no-op Cast, chained Reshape, duplicate initializers and dead nodes', async () => {
  const m = model([
    node('Identity', ['x'], ['a']),
    node('Dropout', ['a'], ['b']),
    node('Cast', ['b'], ['c'], { to: 1 }),
    node('Reshape', ['c', 's1'], ['d']),
    node('Reshape', ['d', 's2'], ['e']),
    node('Add', ['e', 'k1'], ['f']),
    node('Add', ['f', 'k2'], ['y']),
    node('Relu', ['x'], ['unused']),
  ], [shapeTensor('s1', [4, 6]), shapeTensor('s2', [2, 12]), randomTensor('k1', [12], 3), randomTensor('k2', [12], 3)],
  [input('x', [2, 3, 4])], [output('y')]);
  const r = await apply('cleanup', m);
  assert.deepEqual(opCounts(r.model), { Reshape: 1, Add: 2 });
  assert.equal(r.details['duplicateInitializersMerged'], 1);
  assert.equal(r.model.graph.initializers.length, 2);
  assert.ok(r.v.ranOk, r.v.error);
  assert.equal(r.v.maxAbsError, 0);
});

test('fold-bn folds BatchNormalization and per-channel Mul/Add into Conv and ConvTranspose exactly', async () => {
  const bn = (p: string, c: number) => [randomTensor(`${p}s`, [c], 1, 0.5, 1), randomTensor(`${p}b`, [c], 2), randomTensor(`${p}m`, [c], 3), randomTensor(`${p}v`, [c], 4, 0.1, 1)];
  const m = model([
    node('Conv', ['x', 'w', 'cb'], ['c1'], { pads: [1, 1, 1, 1] }),
    node('BatchNormalization', ['c1', 'bns', 'bnb', 'bnm', 'bnv'], ['b1'], { epsilon: 1e-5 }),
    node('Mul', ['b1', 'mk'], ['m1']),
    node('Add', ['m1', 'ak'], ['a1']),
    node('Relu', ['a1'], ['r1']),
    node('ConvTranspose', ['r1', 'tw'], ['t1'], { group: 2, strides: [2, 2] }),
    node('BatchNormalization', ['t1', 'tns', 'tnb', 'tnm', 'tnv'], ['y']),
  ], [
    randomTensor('w', [8, 3, 3, 3], 5), randomTensor('cb', [8], 6), ...bn('bn', 8), randomTensor('mk', [8, 1, 1], 7), randomTensor('ak', [1, 8, 1, 1], 8),
    randomTensor('tw', [8, 3, 2, 2], 9), ...bn('tn', 6),
  ], [input('x', [1, 3, 8, 8])], [output('y')]);
  const r = await apply('fold-bn', m);
  assert.deepEqual(opCounts(r.model), { Conv: 1, Relu: 1, ConvTranspose: 1 });
  assert.deepEqual([r.details['batchNormFolded'], r.details['mulFolded'], r.details['addFolded']], [2, 1, 1]);
  assert.ok(r.v.ranOk, r.v.error);
  assert.ok(r.v.maxAbsError! < 1e-4, `max abs error ${r.v.maxAbsError}`);
});

test('fold-bn folds Gemm + BatchNormalization (autoencoder_ad) with ORT agreement', async () => {
  const o = await optimizeFixture('autoencoder_ad', ['cleanup', 'fold-bn']);
  assert.equal(opCounts(o.model)['BatchNormalization'], undefined);
  const v = await verify(o);
  assert.ok(v.ranOk, v.error);
  assert.ok(v.maxAbsError! < 1e-4, `max abs error ${v.maxAbsError}`);
});

test('reorder finishes one branch before starting the next when branches shrink', async () => {
  // The file computes both large Tiles before either reduction: two 64 KiB tensors live at once.
  const m = model([
    node('Tile', ['x', 'reps'], ['big1']),
    node('Tile', ['x', 'reps'], ['big2']),
    node('ReduceMean', ['big1'], ['r1'], { keepdims: 1 }),
    node('ReduceMax', ['big2'], ['r2'], { keepdims: 1 }),
    node('Add', ['r1', 'r2'], ['y']),
  ], [shapeTensor('reps', [1, 16])], [input('x', [1, 1024])], [output('y')]);
  const r = await apply('reorder', m);
  assert.equal(r.changed, true);
  const before = r.details['peakActivationBytesBefore'] as number, after = r.details['peakActivationBytesAfter'] as number;
  assert.equal(before, 4096 + 65536 * 2);
  assert.equal(after, 4096 + 65536 + 4);
  const shapes = inferShapes(r.model);
  assert.equal(planMemory(r.model.graph, shapes.values).peakActivationBytes, after);
  assert.ok(r.v.ranOk, r.v.error);
  assert.equal(r.v.maxAbsError, 0);
});

test('reorder proves the exporter order optimal where one node alone needs the peak (squeezenet1_1: conv1→relu1)', async () => {
  for (const name of ['squeezenet1_1', 'mobilenet_v2_vww_96', 'resnet8_cifar']) {
    const o = await optimizeFixture(name, ['cleanup', 'reorder']);
    const d = o.passes[1]!.details;
    assert.equal(o.passes[1]!.changed, false, name);
    assert.equal(d['peakActivationBytesBefore'], d['lowerBoundBytes'], name);
    if (name === 'squeezenet1_1') assert.equal(d['lowerBoundBytes'], 2 * 64 * 111 * 111 * 4);
  }
});

test('magnitudePrune zeroes exactly the requested share, smallest first', () => {
  const v = Float32Array.from([0.5, -0.1, 0.3, -0.2, 0.05, 0.9, -0.7, 0.01]);
  assert.equal(magnitudePrune(v, 0.5), 4);
  assert.deepEqual(Array.from(v), [0.5, 0, 0.30000001192092896, 0, 0, 0.8999999761581421, -0.699999988079071, 0]);
});

test('prune with channel sparsity narrows Convs of resnet8 and the result runs in ORT with fewer MACs', async () => {
  const o = await optimizeFixture('resnet8_cifar', ['prune'], { sparsity: 0.3, channelSparsity: 0.25 });
  const d = o.passes[0]!.details;
  assert.ok((d['convsNarrowed'] as number) > 0);
  assert.ok(Math.abs((d['sparsity'] as number) - 0.3) < 0.01);
  const macsBefore = analyzeModel(o.original).report.totals.macs;
  const macsAfter = analyzeModel(o.model).report.totals.macs;
  assert.ok(macsAfter < macsBefore * 0.9, `${macsAfter} vs ${macsBefore}`);
  const v = await verify(o);
  assert.ok(v.ranOk, v.error);
});

test('low-rank recovers an exactly rank-4 weight and ORT agrees with the original', async () => {
  const a = randomTensor('a', [128, 4], 11), b = randomTensor('b', [4, 64], 12);
  const av = new Float32Array((a.data as { bytes: Uint8Array }).bytes.slice().buffer), bv = new Float32Array((b.data as { bytes: Uint8Array }).bytes.slice().buffer);
  const w = new Float32Array(128 * 64);
  for (let i = 0; i < 128; i++) for (let j = 0; j < 64; j++) { let s = 0; for (let k = 0; k < 4; k++) s += av[i * 4 + k]! * bv[k * 64 + j]!; w[i * 64 + j] = s; }
  const { float32Tensor } = await import('../../../src/core/passes/numeric');
  const m = model([node('MatMul', ['x', 'w'], ['y'])], [float32Tensor('w', [128, 64], w)], [input('x', [2, 128])], [output('y')]);
  const r = await apply('low-rank', m, { energy: 0.999999 });
  const f = (r.details['factorized'] as { rank: number }[])[0]!;
  assert.equal(f.rank, 4);
  assert.ok(r.v.ranOk, r.v.error);
  assert.ok(r.v.maxAbsError! < 1e-3, `max abs error ${r.v.maxAbsError}`);
});

test('int8-dynamic on transformer_har: MatMulInteger form, ORT runs it close to float', async () => {
  const o = await optimizeFixture('transformer_har', ['int8-dynamic']);
  assert.ok((opCounts(o.model)['MatMulInteger'] ?? 0) >= 10);
  const v = await verify(o);
  assert.ok(v.ranOk, v.error);
  assert.ok(v.cosine! > 0.999, `cosine ${v.cosine}`);
});

test('resize-input changes MACs on mobilenet_v2 and refuses transformer_har naming its fixed Reshape', async () => {
  const o = await optimizeFixture('mobilenet_v2', ['resize-input'], { inputShapes: { input: [1, 3, 160, 160] } });
  const macs = analyzeModel(o.model).report.totals.macs;
  const before = analyzeModel(o.original).report.totals.macs;
  assert.ok(Math.abs(macs / before - (160 * 160) / (224 * 224)) < 0.02, `${macs} / ${before}`);
  const { model: t } = loadFixture('transformer_har');
  const r = PASSES['resize-input']!.run(t, { inputShapes: { input: [1, 128, 6] } });
  assert.ok(!('then' in r) && !r.ok);
  assert.match(r.error.message, /Reshape .* fixed dims/);
});

test('weights in external data are read from the model folder before the passes run', async () => {
  const { mkdtempSync, writeFileSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { join } = await import('node:path');
  const { runPasses } = await import('../../../src/core/passes');
  const dir = mkdtempSync(join(tmpdir(), 'aiot-ext-'));
  const w = randomTensor('w', [64, 64], 21);
  writeFileSync(join(dir, 'weights.bin'), (w.data as { bytes: Uint8Array }).bytes);
  const m = model([node('MatMul', ['x', 'w'], ['y'])], [{ ...w, data: { kind: 'external', location: 'weights.bin', offset: 0, length: 64 * 64 * 4 } }], [input('x', [1, 64])], [output('y')]);
  assert.ok(!(await runPasses(m, ['fp16'])).ok);
  const r = unwrap(await runPasses(m, ['fp16'], { modelDir: dir }));
  const t = r.model.graph.initializers[0]!;
  assert.equal(t.dtype, 'float16');
  assert.equal(t.data.kind, 'raw');
});

test('cleanup keeps a Reshape that is a no-op only for batch 1', async () => {
  const m = model([node('Reshape', ['x', 's'], ['y'])], [shapeTensor('s', [1, 12])],
    [{ name: 'x', type: { kind: 'tensor', elemType: 'float', shape: ['batch', 12] } }], [output('y')]);
  const r = unwrap(await PASSES['cleanup']!.run(m, {}));
  assert.deepEqual(opCounts(r.model), { Reshape: 1 });
});
