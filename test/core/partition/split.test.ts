// Splitting every reference model at many cuts and chaining the halves in onnxruntime reproduces the original
// outputs; link bytes at a cut are the crossing tensors' elements × dtype size.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { analyzeModel, analyzeModelFileSync } from '../../../src/core/analyze';
import { getDevice, getLink, loadProfiles } from '../../../src/core/devices';
import type { Graph, Model, Node } from '../../../src/core/onnx/ir';
import { enumerateCuts, searchSplit, splitModel, topologicalOrder, verifySplit } from '../../../src/core/partition';
import { unwrap } from '../../../src/core/result';
import { fixtureModel } from '../../helpers/models';

const PINS: Record<string, { inputShapes?: Record<string, (number | string)[]>; values?: Record<string, number> }> = {
  ppocr_mobile_v2_cls: { inputShapes: { x: [1, 3, 48, 192] } },
  silero_vad_16k_op15: { inputShapes: { input: [1, 512], state: [2, 1, 128] }, values: { sr: 16000 } },
};

const MODELS = [
  'ds_cnn_kws', 'resnet8_cifar', 'autoencoder_ad', 'lstm_kws', 'transformer_har', 'mobilenet_v2_vww_96', 'squeezenet1_1',
  'ultraface_rfb_320', 'blazeface_front_128', 'ppocr_mobile_v2_cls', 'silero_vad_16k_op15', 'mobilenet_v2',
];

for (const name of MODELS) {
  test(`${name}: chained halves reproduce the original at every tested cut (max abs error <= 1e-5)`, async () => {
    const pins = PINS[name] ?? {};
    const a = unwrap(analyzeModelFileSync(fixtureModel(name), { inputShapes: pins.inputShapes }));
    const order = topologicalOrder(a.model.graph)!;
    const set = enumerateCuts(a.model.graph, a.shapes.values, order);
    const inner = set.cuts.filter((c) => c.index > 0 && c.index < order.length);
    assert.ok(inner.length > 0);
    // Small models: every cut. Larger ones: 16 evenly spaced cuts (each check loads three ORT sessions).
    const step = inner.length <= 64 ? 1 : Math.ceil(inner.length / 16);
    const picked = inner.filter((_, i) => i % step === 0);
    for (const cut of picked) {
      const halves = splitModel(a.model, a.shapes.values, order, cut.index);
      const v = await verifySplit(a.model, halves.device, halves.remote, { inputShapes: pins.inputShapes, values: pins.values, runs: 1 });
      assert.ok(v.maxAbsError <= 1e-5, `cut ${cut.index} (${cut.afterNode}): max abs error ${v.maxAbsError}`);
    }
  });
}

function node(opType: string, inputs: string[], outputs: string[]): Node {
  return { name: outputs[0]!, opType, domain: '', inputs, outputs, attributes: [] };
}

function model(nodes: Node[], shapes: Record<string, number[]>, inputs: string[], outputs: string[]): Model {
  const vi = (n: string) => ({ name: n, type: { kind: 'tensor' as const, elemType: 'float' as const, shape: shapes[n]! } });
  const graph: Graph = { name: 'g', nodes, initializers: [], sparseInitializers: [], inputs: inputs.map(vi), outputs: outputs.map(vi), valueInfo: [] };
  return { irVersion: 8, opsetImports: [{ domain: '', version: 17 }], producerName: '', producerVersion: '', domain: '', modelVersion: 0, docString: '', graph, metadataProps: [], functions: [] };
}

test('link bytes: a skip connection crosses together with the branch (elements × 4 bytes for float)', () => {
  // x[1,8] -> a = Relu(x) -> b = Sigmoid(a) -> y = Add(a, b)
  const m = model(
    [node('Relu', ['x'], ['a']), node('Sigmoid', ['a'], ['b']), node('Add', ['a', 'b'], ['y'])],
    { x: [1, 8], y: [1, 8] }, ['x'], ['y'],
  );
  const a = analyzeModel(m);
  const set = enumerateCuts(m.graph, a.shapes.values, [0, 1, 2]);
  const at = (k: number) => set.cuts.find((c) => c.index === k)!;
  assert.deepEqual(at(0).tensors.map((t) => t.name), ['x']);
  assert.equal(at(0).bytes, 8 * 4);
  assert.deepEqual(at(1).tensors.map((t) => t.name), ['a']);
  assert.deepEqual(at(2).tensors.map((t) => t.name), ['a', 'b']);
  assert.equal(at(2).bytes, 2 * 8 * 4);
  assert.equal(at(3).bytes, 0);
  assert.equal(at(1).downloadBytes, 8 * 4);
  // Compression: fp16 halves float tensors, int8 sends one byte per element plus scale and zero point.
  assert.equal(enumerateCuts(m.graph, a.shapes.values, [0, 1, 2], 'fp16').cuts.find((c) => c.index === 2)!.bytes, 2 * 8 * 2);
  assert.equal(enumerateCuts(m.graph, a.shapes.values, [0, 1, 2], 'int8').cuts.find((c) => c.index === 2)!.bytes, 2 * (8 + 8));
});

test('split search on mobilenet_v2_vww_96: ESP32-S3 over Wi-Fi 4 to an edge server', () => {
  const a = unwrap(analyzeModelFileSync(fixtureModel('mobilenet_v2_vww_96')));
  const reg = unwrap(loadProfiles());
  const r = unwrap(searchSplit(a, unwrap(getDevice(reg, 'esp32-s3')), unwrap(getLink(reg, 'wifi-4')), unwrap(getDevice(reg, 'xeon-gold-6230r'))));
  const { allDevice, allRemote } = r.baseline;
  // All-remote uploads the raw 1x3x96x96 float input.
  assert.equal(allRemote.bytes, 3 * 96 * 96 * 4);
  assert.equal(allRemote.deviceMs, 0);
  assert.equal(allDevice.linkMs, 0);
  // The best cut is no worse than either extreme, and every figure adds up.
  assert.ok(r.best.totalMs <= Math.min(allDevice.totalMs, allRemote.totalMs) + 1e-9);
  for (const c of r.cuts) assert.ok(Math.abs(c.totalMs - (c.deviceMs + c.linkMs + c.remoteMs)) < 1e-9);
  const energy = unwrap(searchSplit(a, unwrap(getDevice(reg, 'esp32-s3')), unwrap(getLink(reg, 'wifi-4')), unwrap(getDevice(reg, 'xeon-gold-6230r')), { objective: 'energy' }));
  for (const c of energy.cuts) assert.ok(energy.best.deviceEnergyMj <= c.deviceEnergyMj + 1e-12);
});

test('float16 tensors cross between the halves (an fp16 model split mid-network) and reproduce the original', async () => {
  const { PASSES } = await import('../../../src/core/passes');
  const a = unwrap(analyzeModelFileSync(fixtureModel('mobilenet_v2_vww_96')));
  const half = PASSES['fp16']!.run(a.model, {});
  const fp16 = unwrap(half instanceof Promise ? await half : half).model;
  const b = analyzeModel(fp16);
  const order = topologicalOrder(b.model.graph)!;
  const cut = enumerateCuts(b.model.graph, b.shapes.values, order).cuts.find((c) => c.index > order.length / 3 && c.tensors.some((t) => t.dtype === 'float16'))!;
  assert.ok(cut, 'a cut with a float16 crossing tensor');
  const halves = splitModel(b.model, b.shapes.values, order, cut.index);
  const v = await verifySplit(b.model, halves.device, halves.remote, { runs: 1 });
  assert.ok(v.maxAbsError <= 1e-5, `max abs error ${v.maxAbsError}`);
});
