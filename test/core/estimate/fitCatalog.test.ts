import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyzeModelFileSync } from '../../../src/core/analyze';
import { builtInProfiles, getDevice, isLink, loadProfiles, validateProfile, type DeviceProfile } from '../../../src/core/devices';
import { evidencePoints, loadEvidence } from '../../../src/core/devices/evidence';
import { estimate, estimateInputOf, estimateReport } from '../../../src/core/estimate';
import { logParams, predictLatencyMs } from '../../../src/core/estimate/fit';
import { catalogFitFiles } from '../../../src/core/estimate/fit/catalogFiles';
import { evidenceFeatures } from '../../../src/core/estimate/fit/evidenceFeatures';
import { parseProfileText } from '../../../src/core/devices';

const root = join(__dirname, '..', '..', '..');
const fresh = catalogFitFiles(root);
const devices = builtInProfiles().map((e) => e.profile).filter((p) => !isLink(p)) as DeviceProfile[];

test('the committed catalog fits equal a fresh fit (npm run fit:devices is up to date)', () => {
  const stale = [...fresh.files].filter(([path, text]) => readFileSync(path, 'utf8') !== text).map(([p]) => p.slice(root.length + 1));
  assert.deepEqual(stale, [], `run npm run fit:devices: ${stale.join(', ')}`);
  assert.ok(fresh.files.size > 30);
});

test('every evidence point is fitted or excluded with a reason; kernel-scope points are the excluded ones', () => {
  const ev = loadEvidence({});
  assert.ok(ev.ok);
  const all = evidencePoints(ev.value);
  assert.equal(fresh.fit.used.length + fresh.fit.excluded.length, all.length);
  for (const e of fresh.fit.excluded) assert.ok(e.reason.length > 10, `${e.id} has no reason`);
  const kernel = all.filter((p) => p.scope === 'kernel').map((p) => p.id).sort();
  assert.deepEqual(fresh.fit.excluded.map((e) => e.id).sort(), kernel);
  // Each profile's JSON lists its exclusions with the reason, so the data says why a point was left out.
  const s3 = devices.find((d) => d.id === 'esp32-s3')!;
  assert.ok((s3.fit?.excluded ?? []).some((e) => /kernel/.test(e.reason)));
});

test('the estimator on a fitted profile predicts exactly what the fit predicts (no per-model lookup)', () => {
  const features = evidenceFeatures(root);
  let checked = 0;
  for (const pf of fresh.fit.profiles.filter((p) => p.fit.level === 'profile')) {
    const dev = devices.find((d) => d.id === pf.profile.id)!;
    assert.ok(dev.fit?.params, `${dev.id} has fitted params`);
    for (const q of pf.points.filter((x) => x.source.arena !== 'psram').slice(0, 2)) {
      const a = analyzeModelFileSync(join(root, q.source.model.file));
      assert.ok(a.ok);
      const e = estimate(estimateInputOf(a.value, dev), dev);
      const fitMs = predictLatencyMs(features(q.source, dev), logParams(dev.fit.params));
      assert.ok(Math.abs(e.latencyMs / fitMs - 1) < 1e-9, `${dev.id} ${q.id}: estimator ${e.latencyMs} vs fit ${fitMs}`);
      checked++;
    }
  }
  assert.ok(checked > 40, `${checked} checked`);
});

test('ESP32-S3 person detection (published 54 ms with ESP-NN) is estimated within ±25%, its range contains it', () => {
  const reg = loadProfiles({});
  assert.ok(reg.ok);
  const dev = getDevice(reg.value, 'esp32-s3');
  assert.ok(dev.ok);
  const a = analyzeModelFileSync(join(root, 'test/fixtures/models/evidence/tflm_person_detect_mobilenetv1_025_int8.onnx'));
  assert.ok(a.ok);
  const r = estimateReport(a.value, dev.value);
  assert.ok(Math.abs(r.latencyMs / 54 - 1) <= 0.25, `${r.latencyMs} ms`);
  assert.ok(r.latencyMsRange[0] < 54 && 54 < r.latencyMsRange[1], `${r.latencyMsRange}`);
  assert.equal(r.evidencePoints, 3);
  assert.equal(r.range.fit, 'profile');
  assert.equal(r.range.level, 0.8);
});

test('every estimate carries ranges: lo < value < hi, energy too; a profile without evidence says so', () => {
  const a = analyzeModelFileSync(join(root, 'test/fixtures/models/evidence/mlperf_ic_resnet8_int8.onnx'));
  assert.ok(a.ok);
  for (const id of ['stm32h7a3', 'nrf52840', 'nvidia-t4']) {
    const dev = devices.find((d) => d.id === id)!;
    const r = estimateReport(a.value, dev);
    assert.ok(r.latencyMsRange[0] < r.latencyMs && r.latencyMs < r.latencyMsRange[1], id);
    assert.ok(r.energyMjRange[0] < r.energyMj && r.energyMj < r.energyMjRange[1], id);
    const json = JSON.parse(JSON.stringify(r));
    assert.ok(Array.isArray(json.latencyMsRange) && Array.isArray(json.energyMjRange) && typeof json.evidencePoints === 'number');
  }
  const h7 = estimateReport(a.value, devices.find((d) => d.id === 'stm32h7a3')!);
  assert.ok(h7.evidencePoints >= 20);
  const nrf = estimateReport(a.value, devices.find((d) => d.id === 'nrf52840')!);
  assert.equal(nrf.evidencePoints, 0);
  assert.match(nrf.range.basis, /no measurements of this board/);
  const t4 = estimateReport(a.value, devices.find((d) => d.id === 'nvidia-t4')!);
  assert.equal(t4.range.fit, 'none');
  assert.match(t4.range.basis, /no evidence/);
  // A profile with its own evidence is narrower than one borrowing its family's.
  const k = (r: { latencyMs: number; latencyMsRange: [number, number] }) => r.latencyMsRange[1] / r.latencyMs;
  assert.ok(k(h7) < k(nrf) && k(nrf) < k(t4), `${k(h7)} ${k(nrf)} ${k(t4)}`);
  // A user profile never fitted gets the catalog's widest family spread, and says why.
  const user = validateProfile({ ...withoutFit(devices.find((d) => d.id === 'nrf52840')!), id: 'my-board' }, 'my.json');
  assert.ok(user.ok);
  const u = estimateReport(a.value, user.value as DeviceProfile);
  assert.equal(u.range.fit, 'unfitted');
  assert.match(u.range.basis, /not fitted/);
});

function withoutFit(d: DeviceProfile): Record<string, unknown> {
  const { fit: _f, board: _b, defaultRuntime: _d, runtime: _r, family: _fa, ...rest } = d;
  return rest;
}

test('board x runtime ids: the bare id is the default runtime, <board>@<runtime> selects one, both resolve', () => {
  const reg = loadProfiles({});
  assert.ok(reg.ok);
  const bare = getDevice(reg.value, 'esp32-s3');
  const named = getDevice(reg.value, 'esp32-s3@esp-nn');
  const ref = getDevice(reg.value, 'esp32-s3@tflm-ref');
  assert.ok(bare.ok && named.ok && ref.ok);
  assert.equal(named.value, bare.value, 'the default runtime by name is the bare profile');
  assert.equal(bare.value.runtime, 'esp-nn');
  assert.equal(bare.value.defaultRuntime, true);
  assert.equal(ref.value.defaultRuntime, false);
  assert.equal(ref.value.board, 'esp32-s3');
  assert.ok(ref.value.efficiency.conv < bare.value.efficiency.conv, 'reference kernels are fitted slower than ESP-NN');
  const bad = getDevice(reg.value, 'esp32-s3@nope');
  assert.ok(!bad.ok);
  assert.match(bad.error.message, /unknown device 'esp32-s3@nope'/);
  // A CPU-only runtime on an NPU board runs at the CPU's peaks.
  const cpu = getDevice(reg.value, 'mcxn947@tflm-cmsis-nn');
  const npu = getDevice(reg.value, 'mcxn947');
  assert.ok(cpu.ok && npu.ok);
  assert.ok(cpu.value.peakOpsPerSecond.int8! < npu.value.peakOpsPerSecond.int8!);
  // Every board in the catalog with runtimes lists its default first, and every runtime id is a selectable device.
  const ids = new Set(reg.value.entries.map((e) => e.profile.id));
  for (const d of devices.filter((x) => x.board && !x.defaultRuntime)) assert.ok(ids.has(`${d.board}@${d.runtime}`));
  assert.ok(devices.length >= 60, `${devices.length} device profiles`);
});

test('a user profile file with runtimes expands the same way; a default runtime it does not list is an error', () => {
  const base = withoutFit(devices.find((d) => d.id === 'nrf52840')!);
  const good = parseProfileText(JSON.stringify({ ...base, id: 'my-nrf', runtime: 'tflm-cmsis-nn', runtimes: { 'tflm-cmsis-nn': {}, 'tflm-ref': {} } }), 'my.json');
  assert.ok(good.ok);
  const reg = loadProfiles({ inline: [{ json: JSON.parse(JSON.stringify({ ...base, id: 'my-nrf', runtime: 'tflm-cmsis-nn', runtimes: { 'tflm-cmsis-nn': {}, 'tflm-ref': {} } })), origin: 'settings' }] });
  assert.ok(reg.ok);
  assert.ok(getDevice(reg.value, 'my-nrf').ok && getDevice(reg.value, 'my-nrf@tflm-ref').ok);
  const bad = loadProfiles({ inline: [{ json: { ...base, id: 'my-nrf', runtime: 'esp-nn', runtimes: { 'tflm-cmsis-nn': {} } }, origin: 'settings' }] });
  assert.ok(!bad.ok);
  assert.match(bad.error.message, /default runtime 'esp-nn' is not one of its runtimes \(tflm-cmsis-nn\)/);
});
