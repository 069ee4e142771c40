import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { advise, quantizeInput } from '../../../src/core/advisor';
import { analyzeModelFileSync } from '../../../src/core/analyze';
import { getDevice, getLink, loadProfiles } from '../../../src/core/devices';
import type { EstimateInput } from '../../../src/core/estimate';
import { unwrap } from '../../../src/core/result';

const models = join(__dirname, '..', '..', 'fixtures', 'models');
const reg = unwrap(loadProfiles());

test('a 14 MB fp32 model on a 2 MB-flash MCU is storage-bound, and int8 is the best model-side fix', async () => {
  const a = unwrap(analyzeModelFileSync(join(models, 'mobilenet_v2.onnx')));
  const h743 = unwrap(getDevice(reg, 'stm32h743'));
  assert.equal(h743.flashBytes, 2 * 1024 * 1024);
  const advice = await advise(a, h743, { fps: 1 });
  const storage = advice.resources.find((r) => r.name === 'storage')!;
  assert.equal(storage.fits, false);
  assert.ok(storage.demand > 13.5e6, `flash demand ${storage.demand}`);
  assert.deepEqual(advice.bottleneck, { resource: 'storage', module: 'model', fits: false, reason: advice.bottleneck.reason });
  const first = advice.suggestions[0]!;
  assert.match(first.technique, /^int8/);
  // int8 re-estimated: a quarter of the fp32 weights plus the runtime.
  const expected = Math.round(a.cost.totals.weightBytes / 4) + (h743.runtimeFlashBytes ?? 0);
  assert.ok(Math.abs(first.estimate.flashBytes - expected) <= 4, `${first.estimate.flashBytes} vs ${expected}`);
  const fp16 = advice.suggestions.find((s) => /^float16/.test(s.technique))!;
  assert.ok(fp16.estimate.flashBytes > first.estimate.flashBytes);
  assert.ok(advice.suggestions.indexOf(fp16) > 0);
  for (const s of advice.suggestions) assert.match(s.command, /^aiot-lens /);
});

test('streaming raw audio features over LoRa is communication-bound by the sensor data', async () => {
  const a = unwrap(analyzeModelFileSync(join(models, 'ds_cnn_kws.onnx')));
  const esp = unwrap(getDevice(reg, 'esp32-s3'));
  const lora = unwrap(getLink(reg, 'lora'));
  const edge = unwrap(getDevice(reg, 'raspberry-pi-5'));
  const advice = await advise(a, esp, { fps: 2, link: lora, edge });
  // 1x1x49x10 float input = 1960 B, twice a second, against 5470 bit/s x 1% duty cycle = 6.8 B/s.
  const comm = advice.resources.find((r) => r.name === 'communication')!;
  assert.equal(comm.demand, 1960 * 2);
  assert.ok(Math.abs(comm.budget! - (5470 / 8) * 0.01) < 1e-9);
  assert.equal(advice.bottleneck.resource, 'communication');
  assert.equal(advice.bottleneck.module, 'sensor data');
  // Everything else fits on the ESP32-S3 (about 150 KB of flash, 70 KB of RAM).
  for (const r of advice.resources) if (r.name !== 'communication') assert.ok(r.fits, r.name);
  const offload = advice.suggestions.find((s) => /^partition to raspberry-pi-5 over lora/.test(s.technique))!;
  assert.match(offload.command, /^aiot-lens split .* --remote raspberry-pi-5 --link lora/);
  assert.equal(offload.estimate.fits.communication, false);
});

test('quantizeInput scales float weights, activations and compute dtype', () => {
  const input: EstimateInput = {
    costs: [{ index: 0, name: 'c', opType: 'Conv', domain: '', opClass: 'conv', computeDtype: 'float', macs: 10, flops: 20, params: 4,
      weightBytes: 16, inputBytes: 400, outputBytes: 800, memoryBytes: 1216, partial: false }],
    arenaBytes: 1200, peakActivationBytes: 1200, weightBytes: 16, weightBytesByDtype: { float: 16 }, inputBytes: 400,
  };
  const q = quantizeInput(input, 'int8');
  assert.deepEqual(q.costs[0], { ...input.costs[0], computeDtype: 'int8', weightBytes: 4, inputBytes: 100, outputBytes: 200, memoryBytes: 304 });
  assert.equal(q.weightBytes, 4);
  assert.equal(q.arenaBytes, 300);
  assert.equal(q.inputBytes, 400, 'the sensor input the device would send is unchanged');
  const h = quantizeInput(input, 'float16');
  assert.equal(h.costs[0]!.computeDtype, 'float16');
  assert.equal(h.weightBytes, 8);
});
