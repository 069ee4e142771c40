// Published .tflite models from npm against figures an independent reader computed (MODELS.md), and against the
// equivalent ONNX model where one exists.

import assert from 'node:assert/strict';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { analyzeModelFileSync } from '../../../src/core/analyze';
import { getDevice, loadProfiles } from '../../../src/core/devices';
import { estimate, estimateInputOf } from '../../../src/core/estimate';
import { unwrap } from '../../../src/core/result';
import { fixtureModel, TFLITE_DIR, tfliteReferences } from '../../helpers/models';

const refs = tfliteReferences();
const MAC_CLASSES = new Set(['conv', 'depthwise', 'matmul', 'recurrent']);

test('the reference table lists every published fixture', () => {
  assert.deepEqual(refs.map((r) => r.file).sort(), ['face_detection_full_range_sparse.tflite', 'face_detection_short_range.tflite', 'selfie_segmentation.tflite']);
});

for (const ref of refs) {
  test(`${ref.file}: params, MACs, weight bytes and TFLM arena equal the independent count`, () => {
    const path = join(TFLITE_DIR, ref.file);
    assert.equal(statSync(path).size, ref.bytes);
    const a = unwrap(analyzeModelFileSync(path));
    assert.equal(a.format, 'tflite');
    assert.equal(a.report.totals.params, ref.params);
    const macs = a.cost.nodes.filter((n) => MAC_CLASSES.has(n.opClass)).reduce((s, n) => s + n.macs, 0);
    assert.equal(macs, ref.macs);
    assert.equal(a.report.totals.weightBytes, ref.weightBytes);
    assert.equal(a.report.totals.arenaBytes, ref.arenaBytes);
    // Shape rules agree with every shape the converter declared (a disagreement would be warned).
    assert.deepEqual(a.report.warnings.filter((w) => /shape rule/.test(w)), []);
    const custom = a.model.graph.nodes.filter((n) => n.domain === 'tflite.custom').map((n) => n.opType);
    assert.deepEqual([...new Set(custom)], ref.custom);
    for (const op of ref.custom) assert.ok(a.report.warnings.some((w) => w.includes(op) && /no cost model/.test(w)), op);
    // Operators keep their TFLite names; tensors keep NHWC.
    assert.ok(a.model.graph.nodes.some((n) => n.opType === 'CONV_2D'));
    assert.equal(a.report.inputs[0]!.shape!.length, 4);
    assert.ok((a.report.inputs[0]!.shape![3] as number) === 3);
  });
}

test('sparse weights are expanded for the engine and charged at their stored size', () => {
  const a = unwrap(analyzeModelFileSync(join(TFLITE_DIR, 'face_detection_full_range_sparse.tflite')));
  const sparse = a.model.graph.initializers.filter((t) => t.sparse);
  assert.equal(sparse.length, 46);
  assert.ok(sparse.every((t) => t.sparse!.storedBytes < 2 * t.dims.reduce((x, y) => x * y, 1)));
  assert.match(sparse[0]!.sparse!.format, /CSR/);
  assert.ok(a.model.graph.nodes.filter((n) => n.opType === 'DENSIFY').length === 46);
});

test('BlazeFace as published .tflite (MediaPipe) and as ONNX (tf2onnx): same MACs, estimates within 10% on the same device', () => {
  const tfl = unwrap(analyzeModelFileSync(join(TFLITE_DIR, 'face_detection_short_range.tflite')));
  const onnx = unwrap(analyzeModelFileSync(fixtureModel('blazeface_front_128')));
  const macs = (a: typeof tfl) => a.cost.nodes.filter((n) => MAC_CLASSES.has(n.opClass)).reduce((s, n) => s + n.macs, 0);
  assert.equal(macs(tfl), 30_760_960);
  assert.equal(macs(onnx), macs(tfl));
  const registry = unwrap(loadProfiles());
  for (const id of ['stm32f746', 'esp32-s3', 'nrf52840']) {
    const device = unwrap(getDevice(registry, id));
    const a = estimate(estimateInputOf(tfl), device);
    const b = estimate(estimateInputOf(onnx), device);
    const near = (x: number, y: number, what: string) => assert.ok(Math.abs(x - y) / y <= 0.1, `${id} ${what}: ${x} vs ${y}`);
    near(a.latencyMs, b.latencyMs, 'latency');
    near(a.energyMj, b.energyMj, 'energy');
    near(a.peakRamBytes, b.peakRamBytes, 'RAM');
    // Flash differs for a real reason: the .tflite stores float16 weights (half the ONNX file's float32).
    assert.ok(a.flashBytes < b.flashBytes);
  }
  // On a profile whose runtime fuses (ORT on a Raspberry Pi 4), ONNX's residual Adds run inside the convolutions
  // while TFLite keeps them as ADD operators: the whole difference is those ADDs.
  const rpi = unwrap(getDevice(registry, 'raspberry-pi-4'));
  const a = estimate(estimateInputOf(tfl), rpi);
  const b = estimate(estimateInputOf(onnx), rpi);
  const adds = a.nodes.filter((n) => n.opType === 'ADD').reduce((s, n) => s + n.latencyMs, 0);
  assert.ok(Math.abs(a.latencyMs - adds - b.latencyMs) / b.latencyMs < 0.03, `${a.latencyMs} - ${adds} vs ${b.latencyMs}`);
});

test('on a device the RAM verdict holds TFLM\'s planned arena, even when the file stores float16 weights', () => {
  // float16 weights are DEQUANTIZE inputs, not activations: they must not trigger a re-plan that drops TFLM's rules.
  const registry = unwrap(loadProfiles());
  for (const ref of refs) {
    const a = unwrap(analyzeModelFileSync(join(TFLITE_DIR, ref.file)));
    for (const id of ['esp32-s3', 'stm32h743']) {
      const device = unwrap(getDevice(registry, id));
      const e = estimate(estimateInputOf(a, device), device);
      assert.equal(e.ram?.arenaBytes, ref.arenaBytes, `${ref.file} on ${id}`);
    }
  }
});
