import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { advise, appliedTechniques } from '../../../src/core/advisor';
import { analyzeModel, analyzeModelFileSync } from '../../../src/core/analyze';
import { getDevice, getLink, loadProfiles } from '../../../src/core/devices';
import { passHistory, runPasses } from '../../../src/core/passes';
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
  assert.deepEqual(advice.bottleneck, { resource: 'storage', module: 'model', fits: false, reason: advice.bottleneck.reason, verdict: 'over' });
  const first = advice.suggestions[0]!;
  assert.match(first.technique, /^int8/);
  // int8 weights: about a quarter of the fp32 bytes (plus per-channel scales and int32 biases) and the runtime.
  const quarter = a.cost.totals.weightBytes / 4 + (h743.runtimeFlashBytes ?? 0);
  assert.ok(first.estimate.flashBytes > quarter && first.estimate.flashBytes < 1.05 * quarter, `${first.estimate.flashBytes} vs ${quarter}`);
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
  // Offloading over LoRa would send more than the link carries: it is listed apart as not fixing communication.
  assert.ok(!advice.suggestions.some((s) => /^partition/.test(s.technique)));
  const offload = advice.elsewhere.find((s) => /^partition to raspberry-pi-5 over lora/.test(s.technique))!;
  assert.match(offload.command, /^aiot-lens split .* --remote raspberry-pi-5 --link lora/);
  assert.equal(offload.doesNotFix, 'communication');
  assert.equal(offload.estimate.fits.communication, false);
});

test('float16 on a device without float16 arithmetic does not fix memory: it is listed apart, saying why', async () => {
  const a = unwrap(analyzeModelFileSync(join(models, 'mobilenet_v2_vww_96.onnx')));
  const esp = unwrap(getDevice(reg, 'esp32-s3'));
  const advice = await advise(a, esp, {});
  assert.equal(advice.bottleneck.resource, 'memory');
  assert.ok(!advice.suggestions.some((s) => /^float16/.test(s.technique)), 'float16 is not a memory fix on esp32-s3');
  const fp16 = advice.elsewhere.find((s) => /^float16/.test(s.technique))!;
  assert.equal(fp16.doesNotFix, 'memory');
  assert.match(fp16.reason, /esp32-s3 has no float16 arithmetic/);
  // Its RAM is the float32 plan: activations stay float32 on the device.
  const base = advice.resources.find((r) => r.name === 'memory')!.demand;
  assert.equal(fp16.estimate.peakRamBytes, base);
  // The suggestions all lower memory.
  for (const s of advice.suggestions) assert.ok(s.estimate.peakRamBytes < base, s.technique);
});

test('what has been applied is never suggested again: int8 after int8, fp16 after fp16, low-rank, a resized input', async () => {
  const float = unwrap(analyzeModelFileSync(join(models, 'mobilenet_v2_vww_96.onnx')));
  const esp = unwrap(getDevice(reg, 'esp32-s3'));
  assert.deepEqual(appliedTechniques(float).map((x) => x.id), []);
  const techniques = (adv: Awaited<ReturnType<typeof advise>>) => [...adv.suggestions, ...adv.elsewhere].map((s) => s.technique.split(' ')[0]);

  const int8 = unwrap(await runPasses(float.model, ['fold-bn', 'int8-static'], { calibrationSamples: 1, seed: 1 }));
  assert.deepEqual(passHistory(int8.model), ['int8-static']);
  const qa = analyzeModel(int8.model);
  const q = await advise(qa, esp, {});
  assert.ok(q.applied.some((x) => x.id === 'int8' && /QDQ/.test(x.evidence)));
  assert.ok(!techniques(q).includes('int8') && !techniques(q).includes('float16'), techniques(q).join(', '));
  assert.ok(q.notSuggested.some((n) => n.technique === 'int8 quantization' && /already applied: int8/.test(n.reason)));

  const half = unwrap(await runPasses(float.model, ['fp16'], {}));
  const h = await advise(analyzeModel(half.model), esp, {});
  assert.ok(h.applied.some((x) => x.id === 'fp16'));
  assert.ok(!techniques(h).includes('float16'));

  const resized = unwrap(await runPasses(float.model, ['resize-input'], { inputShapes: { input: [1, 3, 72, 72] } }));
  const r = await advise(analyzeModel(resized.model), esp, {});
  assert.ok(r.applied.some((x) => x.id === 'resized-input' && /history/.test(x.evidence)));
  assert.ok(!techniques(r).includes('smaller'));

  const sparse = unwrap(await runPasses(float.model, ['prune'], { sparsity: 0.5 }));
  const sp = appliedTechniques(analyzeModel(sparse.model));
  assert.ok(sp.some((x) => x.id === 'sparsity' && /50% of conv\/matmul weights are zero/.test(x.evidence)), JSON.stringify(sp));
});

test('advise on a model with unknown shapes warns, marks lower bounds and gives no memory verdict', async () => {
  const a = unwrap(analyzeModelFileSync(join(models, 'silero_vad_16k_op15.onnx')));
  const esp = unwrap(getDevice(reg, 'esp32-s3'));
  const advice = await advise(a, esp, {});
  assert.ok(advice.warnings.some((w) => /unknown shapes/.test(w)), advice.warnings.join('\n'));
  const memory = advice.resources.find((r) => r.name === 'memory')!;
  assert.equal(memory.bound, 'lower');
  assert.equal(memory.verdict, 'unknown');
  assert.equal(memory.fits, false, 'no fits verdict on a lower bound');
  const comm = advice.resources.find((r) => r.name === 'communication')!;
  assert.equal(comm.bound, 'lower', 'the input size is unknown');
  // Pinned, every figure is exact and the verdict comes back.
  const pinned = unwrap(analyzeModelFileSync(join(models, 'silero_vad_16k_op15.onnx'), { inputShapes: { input: [1, 512], state: [2, 1, 128] }, inputValues: { sr: 16000 } }));
  const p = await advise(pinned, esp, {});
  assert.ok(p.resources.every((r) => r.bound === undefined), JSON.stringify(p.resources.map((r) => [r.name, r.bound])));
  assert.equal(p.resources.find((r) => r.name === 'memory')!.verdict, 'fits');
});

test('int8 models from the evidence set (built by another pipeline) are seen as int8: no int8 or float16 is printed', async () => {
  const dir = join(models, 'evidence');
  const esp = unwrap(getDevice(reg, 'esp32-s3'));
  for (const name of ['mlperf_vww_mobilenetv1_025_int8', 'mlperf_kws_dscnn_int8', 'tflm_person_detect_mobilenetv1_025_int8']) {
    const a = unwrap(analyzeModelFileSync(join(dir, `${name}.onnx`)));
    assert.ok(appliedTechniques(a).some((x) => x.id === 'int8'), name);
    const advice = await advise(a, esp, {});
    const printed = [...advice.suggestions, ...advice.elsewhere].map((s) => s.technique);
    assert.ok(!printed.some((t) => /^(int8|float16)/.test(t)), `${name}: ${printed.join(', ')}`);
  }
});
