import assert from 'node:assert/strict';
import { test } from 'node:test';
import { analyzeModelFileSync } from '../../../src/core/analyze';
import { getDevice, loadProfiles } from '../../../src/core/devices';
import type { DeviceProfile } from '../../../src/core/devices/types';
import { unwrap } from '../../../src/core/result';
import { batteryEnergyJ, dutyCycle, inputAxes, inputFilter, modelInputAxes, parseRate, resolutionSweep, spatialAxes, windowSweep } from '../../../src/core/whatif';
import { decodeModel } from '../../../src/core/onnx/decode';
import { readFileSync } from 'node:fs';
import { fixtureModel } from '../../helpers/models';

const device = (id: string): DeviceProfile => unwrap(getDevice(unwrap(loadProfiles()), id));

test('rates parse per second, minute, hour and day', () => {
  assert.equal(parseRate('2/s'), 2);
  assert.equal(parseRate('30/min'), 0.5);
  assert.equal(parseRate('4/h'), 4 / 3600);
  assert.equal(parseRate('5'), 5);
  assert.equal(parseRate('fast'), undefined);
  assert.equal(parseRate('-1/s'), undefined);
});

test('spatial axes are H and W of images only: a sequence\'s time axis is not spatial', () => {
  assert.deepEqual(spatialAxes([1, 3, 224, 224]), [2, 3]);
  assert.deepEqual(spatialAxes([1, 128, 128, 3]), [1, 2]);
  assert.deepEqual(spatialAxes([1, 3, 8, 112, 112]), [3, 4]);
  assert.deepEqual(spatialAxes([1, 49, 40]), []);
  assert.deepEqual(spatialAxes([1, 1, 16000]), []);
  assert.deepEqual(spatialAxes([1, 1, 49, 10]), []);
  assert.deepEqual(spatialAxes([1, 640]), []);
});

const modelOf = (name: string) => unwrap(decodeModel(new Uint8Array(readFileSync(fixtureModel(name)))));

test('input axes of real models: audio and IMU sequences, recurrent state, scalars, images', () => {
  const kinds = (name: string, t?: Record<string, number | null>) => modelInputAxes(modelOf(name), t).map((x) => [x.name, x.kind, x.time ?? x.spatial]);
  // Silero VAD (published): raw audio [batch, sequence], LSTM state [2, batch, 128], sample rate scalar.
  assert.deepEqual(kinds('silero_vad_16k_op15'), [['input', 'sequence', 1], ['state', 'state', []], ['sr', 'other', []]]);
  assert.deepEqual(kinds('lstm_kws'), [['input', 'sequence', 1]]); // 49 frames × 40 MFCC
  assert.deepEqual(kinds('transformer_har'), [['input', 'sequence', 1]]); // 64 IMU steps × 6 channels
  // DS-CNN's 1×1×49×10 MFCC is frames × coefficients, unless the user says it has no time axis.
  assert.deepEqual(kinds('ds_cnn_kws'), [['input', 'sequence', 2]]);
  assert.deepEqual(kinds('ds_cnn_kws', { input: null }), [['input', 'image', [2, 3]]]);
  assert.deepEqual(kinds('blazeface_front_128'), [['input:0', 'image', [1, 2]]]); // NHWC
  assert.deepEqual(kinds('mobilenet_v2_vww_96'), [['input', 'image', [2, 3]]]);
  // An autoencoder's input is shaped like its output, but it is the only signal: a feature vector, not state.
  assert.deepEqual(kinds('autoencoder_ad'), [['input', 'other', []]]);
  assert.equal(inputAxes('x', [1, 'time', 64], 'float').time, 1);
  assert.equal(inputAxes('h0', [2, 1, 64], 'float').kind, 'state');
});

test('window sweep: LSTM MACs follow the window exactly (MODELS.md: 49 × (4·128·168 + 4·128·256) + 1,536 for the Gemm)', () => {
  const d = device('stm32h743');
  const a = unwrap(analyzeModelFileSync(fixtureModel('lstm_kws')));
  const perStep = 4 * 128 * 168 + 4 * 128 * 256;
  const pts = windowSweep(a, d, [{ scale: 1 }, { steps: 25 }, { steps: 98 }]);
  assert.deepEqual(pts.map((p) => p.steps['input']), [49, 25, 98]);
  assert.deepEqual(pts.map((p) => p.macs), [49 * perStep + 1536, 25 * perStep + 1536, 98 * perStep + 1536]);
  assert.deepEqual(pts[1]!.inputShapes['input'], [1, 25, 40]);
  assert.deepEqual(pts[1]!.scaledAxes, { input: [1] });
  assert.ok(pts[1]!.latencyMs! < pts[0]!.latencyMs! && pts[0]!.latencyMs! < pts[2]!.latencyMs!);
  // A resolution sweep leaves the sequence alone and says why.
  const [r] = resolutionSweep(a, d, [0.5]);
  assert.equal(r!.ok, false);
  assert.match(r!.reason!, /no image input .* window/);
});

test('window sweep on Silero VAD: the variable-length audio input takes windows in samples; state and sr are pinned, not scaled', () => {
  const d = device('stm32h743');
  const a = unwrap(analyzeModelFileSync(fixtureModel('silero_vad_16k_op15')));
  const [w512, w1024] = windowSweep(a, d, [{ steps: 512 }, { steps: 1024 }]);
  assert.ok(w512!.ok && w1024!.ok, w512!.reason ?? w1024!.reason);
  assert.deepEqual(w512!.inputShapes['input'], [1, 512]);
  assert.deepEqual(Object.keys(w512!.scaledAxes), ['input']);
  assert.ok(w1024!.macs! > w512!.macs!);
  // Without a known length, scales cannot be applied: the point says what to give instead.
  const [scaled] = windowSweep(a, d, [{ scale: 0.5 }]);
  assert.equal(scaled!.ok, false);
  assert.match(scaled!.reason!, /variable length: give windows in steps/);
});

test('duty cycle and battery life, computed by hand', () => {
  const d = { ...device('stm32h743'), idlePowerW: 0.01 };
  // 100 ms and 50 mJ per inference, twice a second: busy 20%, active 0.1 W + idle 0.01 W × 0.8 = 0.108 W.
  const r = dutyCycle(100, 50, d, 2, { mAh: 1000, volts: 3.7 });
  assert.ok(Math.abs(r.busyFraction - 0.2) < 1e-12);
  assert.ok(Math.abs(r.averagePowerW - 0.108) < 1e-12);
  assert.equal(batteryEnergyJ({ mAh: 1000, volts: 3.7 }), 13320);
  assert.ok(Math.abs(r.batteryLifeHours! - 13320 / 0.108 / 3600) < 1e-9);
  assert.equal(dutyCycle(600, 1, d, 2).keepsUp, false);
});

test('input filter: the filter runs on every input, the model on the kept share', () => {
  const d = device('stm32h743');
  const r = inputFilter({ latencyMs: 100, energyMj: 40 }, { latencyMs: 5, energyMj: 2, basis: 'test' }, 0.75, d);
  assert.equal(r.with.energyPerInputMj, 2 + 0.25 * 40);
  assert.equal(r.with.latencyPerInputMs, 5 + 0.25 * 100);
  assert.ok(Math.abs(r.energySaving - (1 - 12 / 40)) < 1e-12);
  assert.ok(Math.abs(r.throughputGainX - 100 / 30) < 1e-12);
});

test('resolution sweep: MACs of a fully convolutional model scale with the pixel count; fixed-size models are refused', () => {
  const d = device('stm32h743');
  const a = unwrap(analyzeModelFileSync(fixtureModel('resnet8_cifar')));
  const [full, half] = resolutionSweep(a, d, [1, 0.5]);
  assert.ok(full!.ok && half!.ok);
  assert.deepEqual(half!.inputShapes['input'], [1, 3, 16, 16]);
  // Conv MACs scale with output pixels (×1/4); the final Gemm after global pooling does not change.
  assert.ok(Math.abs(half!.macs! / full!.macs! - 0.25) < 0.01, `${half!.macs} / ${full!.macs}`);
  assert.ok(half!.latencyMs! < full!.latencyMs!);
  assert.deepEqual(half!.scaledAxes, { input: [2, 3] });
  // The HAR transformer's positional embedding is fixed to 64 steps: a shorter window breaks a Reshape, named.
  const har = unwrap(analyzeModelFileSync(fixtureModel('transformer_har')));
  const [, harHalf] = windowSweep(har, d, [{ scale: 1 }, { scale: 0.5 }]);
  assert.equal(harHalf!.ok, false);
  assert.match(harHalf!.reason!, /Reshape '.*' reshapes to fixed dims/);
});
