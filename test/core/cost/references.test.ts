// The cost model against figures nobody here wrote: MODELS.md (onnx 1.12 shape inference) and torchvision's GMACs.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { analyzeModel, analyzeModelFileSync } from '../../../src/core/analyze';
import { unwrap } from '../../../src/core/result';
import { resnet18Model } from '../../../bench/generate';
import { fixtureModel, modelReferences } from '../../helpers/models';

const CONTRACTION = new Set(['Conv', 'Gemm', 'MatMul']);

for (const ref of modelReferences()) {
  test(`${ref.file}: params, node count and Conv+Gemm+MatMul MACs match MODELS.md`, () => {
    const a = unwrap(analyzeModelFileSync(fixtureModel(ref.file)));
    assert.equal(a.report.model.nodeCount, ref.nodes);
    assert.equal(a.report.model.fileBytes, ref.bytes);
    const initializerElements = a.model.graph.initializers.reduce((s, t) => s + t.dims.reduce((x, y) => x * y, 1), 0);
    assert.equal(initializerElements, ref.params, 'initializer elements');
    // PyTorch exports keep every weight in initializers: params must equal the initializer count exactly.
    if (a.model.producerName === 'pytorch' && a.cost.totals.constantParams === 0) assert.equal(a.report.totals.params, ref.params);
    assert.equal(a.report.totals.params, ref.params + a.cost.totals.constantParams);
    if (ref.macs !== undefined) {
      const macs = a.cost.nodes.filter((n) => CONTRACTION.has(n.opType)).reduce((s, n) => s + n.macs, 0);
      const error = Math.abs(macs - ref.macs) / ref.macs;
      assert.ok(error <= 0.005, `Conv+Gemm+MatMul MACs ${macs} vs reference ${ref.macs} (${(100 * error).toFixed(3)}%)`);
      assert.equal(a.cost.totals.partialNodes, 0, 'no node should lack shapes');
    }
  });
}

test('torchvision published GMACs: mobilenet_v2 0.301, squeezenet1_1 0.349, resnet18 1.81 (within 0.5%)', () => {
  const macsOf = (a: ReturnType<typeof analyzeModel>) => a.cost.nodes.filter((n) => CONTRACTION.has(n.opType)).reduce((s, n) => s + n.macs, 0);
  const cases: [string, number, number][] = [
    ['mobilenet_v2', macsOf(unwrap(analyzeModelFileSync(fixtureModel('mobilenet_v2')))), 0.301e9],
    ['squeezenet1_1', macsOf(unwrap(analyzeModelFileSync(fixtureModel('squeezenet1_1')))), 0.349e9],
    ['resnet18', macsOf(analyzeModel(resnet18Model())), 1.81e9],
  ];
  for (const [name, macs, published] of cases) {
    // torchvision rounds to 3 significant digits, so allow that rounding on top of the 0.5%.
    const error = Math.abs(macs - published) / published;
    assert.ok(error <= 0.005 + 0.0005 / (published / 1e9), `${name}: ${macs} vs ${published}`);
  }
});

test('lstm_kws: the two LSTM nodes add the gate products MODELS.md spells out', () => {
  const a = unwrap(analyzeModelFileSync(fixtureModel('lstm_kws')));
  const lstm = a.cost.nodes.filter((n) => n.opType === 'LSTM').reduce((s, n) => s + n.macs, 0);
  assert.equal(lstm, 49 * (4 * 128 * (40 + 128) + 4 * 128 * (128 + 128)));
});

test('weights held in Constant nodes count as weights (ultraface priors), scalars do not', () => {
  const a = unwrap(analyzeModelFileSync(fixtureModel('ultraface_rfb_320')));
  // Three float[1,4420,2] prior tensors feed Mul/Add; the scalar Constants are not weights.
  assert.equal(a.cost.totals.constantParams, 3 * 4420 * 2);
});

test('the memory plan of mobilenet_v2 peaks at the first expanded block and the arena covers the peak', () => {
  const a = unwrap(analyzeModelFileSync(fixtureModel('mobilenet_v2')));
  const m = a.report.totals;
  // The largest live set: a 1x96x112x112 float expansion (4.8 MB) with its 1x16x112x112 input (0.8 MB).
  assert.ok(m.peakActivationBytes >= (96 + 16) * 112 * 112 * 4, `peak ${m.peakActivationBytes}`);
  assert.ok(m.arenaBytes >= m.peakActivationBytes);
  assert.ok(m.arenaBytes <= 1.5 * m.peakActivationBytes);
});
