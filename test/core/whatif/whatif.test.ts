import assert from 'node:assert/strict';
import { test } from 'node:test';
import { analyzeModelFileSync } from '../../../src/core/analyze';
import { getDevice, loadProfiles } from '../../../src/core/devices';
import type { DeviceProfile } from '../../../src/core/devices/types';
import { unwrap } from '../../../src/core/result';
import { batteryEnergyJ, dutyCycle, inputFilter, parseRate, resolutionSweep, spatialAxes } from '../../../src/core/whatif';
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

test('spatial axes: NCHW, NHWC, and the longer axis of rank-3 inputs', () => {
  assert.deepEqual(spatialAxes([1, 3, 224, 224]), [2, 3]);
  assert.deepEqual(spatialAxes([1, 128, 128, 3]), [1, 2]);
  assert.deepEqual(spatialAxes([1, 49, 40]), [1]);
  assert.deepEqual(spatialAxes([1, 1, 16000]), [2]);
  assert.deepEqual(spatialAxes([1, 640]), []);
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
  const har = unwrap(analyzeModelFileSync(fixtureModel('transformer_har')));
  const [, harHalf] = resolutionSweep(har, d, [1, 0.5]);
  assert.equal(harHalf!.ok, false);
  assert.match(harHalf!.reason!, /\S/);
});
