// The acceptance figures, measured on the reference models with onnxruntime-node.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { optimizeFixture, opCounts, verify } from './helpers';

test('cleanup,fold-constants,fold-bn on ultraface_rfb_320: no BatchNorm/Shape arithmetic left, ORT agrees within 1e-4', async () => {
  const o = await optimizeFixture('ultraface_rfb_320', ['cleanup', 'fold-constants', 'fold-bn', 'cleanup']);
  const ops = opCounts(o.model);
  assert.equal(o.original.graph.nodes.length, 242);
  assert.equal(ops['BatchNormalization'], undefined);
  assert.equal(ops['Shape'], undefined);
  assert.equal(ops['Constant'], undefined);
  // 110 (onnxsim's published file, which has no box decoding) + the 15 box-decoding nodes this export keeps.
  assert.ok(o.model.graph.nodes.length <= 125, `nodes ${o.model.graph.nodes.length}`);
  const v = await verify(o);
  assert.ok(v.ranOk, v.error);
  assert.ok(v.maxAbsError !== null && v.maxAbsError <= 1e-4, `max abs error ${v.maxAbsError}`);
});

test('fp16 on mobilenet_v2: file <= 0.51x, cosine >= 0.999, ORT runs it', async () => {
  const o = await optimizeFixture('mobilenet_v2', ['fp16']);
  const ratio = o.bytes.byteLength / o.originalBytes.byteLength;
  assert.ok(ratio <= 0.51, `ratio ${ratio}`);
  assert.equal(o.model.graph.inputs[0]!.type.kind === 'tensor' && o.model.graph.inputs[0]!.type.elemType, 'float');
  assert.equal(o.model.graph.outputs[0]!.type.kind === 'tensor' && o.model.graph.outputs[0]!.type.elemType, 'float');
  const v = await verify(o);
  assert.ok(v.ranOk, v.error);
  assert.ok(v.cosine !== null && v.cosine >= 0.999, `cosine ${v.cosine}`);
});

test('int8-static on mobilenet_v2: file <= 0.27x, ORT runs it, cosine and top-1 reported', async () => {
  const o = await optimizeFixture('mobilenet_v2', ['int8-static'], { calibrationSamples: 4 });
  const ratio = o.bytes.byteLength / o.originalBytes.byteLength;
  assert.ok(ratio <= 0.27, `ratio ${ratio}`);
  const d = o.passes[0]!.details;
  assert.match(String(d['calibration']), /seeded random/);
  assert.equal(d['weightsQuantized'], 53);
  const v = await verify(o);
  assert.ok(v.ranOk, v.error);
  assert.ok(v.cosine !== null && v.cosine >= 0.99, `cosine ${v.cosine}`);
  assert.notEqual(v.top1Agreement, null);
});
