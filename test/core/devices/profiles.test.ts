import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import budgetSchema from '../../../schemas/budget.schema.json';
import {
  builtInProfiles, DEVICE_PROFILE_SCHEMA, getDevice, getLink, isLink, loadProfiles, parseProfileText, unsupportedKeywords,
  type DeviceProfile,
} from '../../../src/core/devices';

const device = (over: Record<string, unknown> = {}) => ({
  id: 'my-board', name: 'My board', class: 'mcu', peakOpsPerSecond: { float: 1e9 },
  efficiency: { conv: 0.5, depthwise: 0.3, matmul: 0.5, recurrent: 0.3, elementwise: 0.1, pooling: 0.1 },
  memoryBandwidthBytesPerSecond: 1e9, ramBytes: 1024, flashBytes: 4096, executeInPlace: true, dtypes: ['float'],
  activePowerW: 0.1, idlePowerW: 0.001, overheadMs: 0, sources: ['my datasheet'], ...over,
});

test('the built-in catalog validates and covers every class the issue names', () => {
  const all = builtInProfiles().map((e) => e.profile);
  const devices = all.filter((p) => !isLink(p)) as DeviceProfile[];
  const links = all.filter(isLink);
  assert.ok(devices.length >= 15, `${devices.length} devices`);
  for (const id of ['stm32f746', 'stm32h743', 'esp32-s3', 'nrf52840', 'rp2040', 'kendryte-k210', 'coral-dev-board-micro', 'stm32n6',
    'raspberry-pi-4', 'raspberry-pi-5', 'jetson-nano', 'jetson-orin-nano', 'apple-a17-pro', 'xeon-gold-6230r', 'nvidia-t4', 'nvidia-a100']) {
    assert.ok(devices.some((d) => d.id === id), id);
  }
  for (const id of ['ble', 'lora', 'nb-iot', 'lte-m', 'wifi-4', 'wifi-5', 'wifi-6', 'ethernet-1g', 'lte-4g', 'nr-5g']) assert.ok(links.some((l) => l.id === id), id);
  for (const p of all) assert.ok(p.sources.length > 0 && p.sources.every((s) => s.length > 10), `${p.id} sources`);
  assert.equal(new Set(all.map((p) => p.id)).size, all.length, 'ids are unique');
  // Datasheet facts the estimator depends on.
  const f746 = devices.find((d) => d.id === 'stm32f746')!;
  assert.equal(f746.ramBytes, 320 * 1024);
  assert.equal(f746.flashBytes, 1024 * 1024);
  assert.equal(f746.peakOpsPerSecond.float, 216e6 * 2);
  assert.deepEqual(devices.find((d) => d.id === 'coral-dev-board-micro')!.dtypes, ['int8']);
});

test('the validator enforces every keyword the shipped schemas use', () => {
  assert.deepEqual(unsupportedKeywords(DEVICE_PROFILE_SCHEMA), []);
  assert.deepEqual(unsupportedKeywords(budgetSchema), []);
});

test('a bad field is named with its file and path', () => {
  const r = parseProfileText(JSON.stringify(device({ efficiency: { conv: 'fast' } })), 'boards/my.json');
  assert.equal(r.ok, false);
  if (r.ok) return;
  assert.match(r.error.message, /^boards\/my\.json: field 'efficiency\.conv' must be a number, got string "fast"/);
  assert.match(r.error.message, /field 'efficiency\.depthwise' is required/);

  const unknown = parseProfileText(JSON.stringify(device({ ramKb: 12 })), 'x.json');
  assert.ok(!unknown.ok && /field 'ramKb' is not a known field/.test(unknown.error.message));
  const missing = parseProfileText(JSON.stringify({ ...device(), sources: undefined }), 'x.json');
  assert.ok(!missing.ok && /field 'sources' is required/.test(missing.error.message));
  const dtype = parseProfileText(JSON.stringify(device({ dtypes: ['fp32'] })), 'x.json');
  assert.ok(!dtype.ok && /field 'dtypes\[0\]' must be one of "float"/.test(dtype.error.message));
  const link = parseProfileText(JSON.stringify({ id: 'radio', name: 'R', class: 'link', uplinkBitsPerSecond: -5, rttMs: 1, sources: ['x'] }), 'l.json');
  assert.ok(!link.ok && link.error.message === "l.json: field 'uplinkBitsPerSecond' must be > 0, got -5");
  const arr = parseProfileText(JSON.stringify([device(), device({ id: 'Bad Id' })]), 'list.json');
  assert.ok(!arr.ok && /list\.json: field '\[1\]\.id' "Bad Id" does not match/.test(arr.error.message));
  const json = parseProfileText('{ "id": ', 'broken.json');
  assert.ok(!json.ok && /^broken\.json: not valid JSON/.test(json.error.message));
});

test('workspace and --profiles files add and override profiles; errors name the file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'aiot-devices-'));
  mkdirSync(join(dir, '.aiot', 'devices'), { recursive: true });
  writeFileSync(join(dir, '.aiot', 'devices', 'board.json'), JSON.stringify(device()));
  writeFileSync(join(dir, 'override.json'), JSON.stringify(device({ id: 'stm32f746', name: 'F746 at 200 MHz', ramBytes: 256 * 1024 })));
  const r = loadProfiles({ cwd: dir, extra: ['override.json'] });
  assert.ok(r.ok);
  if (!r.ok) return;
  assert.equal(getDevice(r.value, 'my-board').ok, true);
  const f = getDevice(r.value, 'stm32f746');
  assert.ok(f.ok && f.value.ramBytes === 256 * 1024 && f.value.name === 'F746 at 200 MHz');
  assert.equal(r.value.entries.find((e) => e.profile.id === 'stm32f746')!.origin, join(dir, 'override.json'));

  const missing = getDevice(r.value, 'nope');
  assert.ok(!missing.ok && /unknown device 'nope' \(known: .*stm32h743/.test(missing.error.message));
  assert.ok(!getDevice(r.value, 'ble').ok);
  assert.ok(getLink(r.value, 'ble').ok);

  writeFileSync(join(dir, 'bad.json'), JSON.stringify(device({ ramBytes: 1.5 })));
  const bad = loadProfiles({ cwd: dir, extra: ['bad.json'] });
  assert.ok(!bad.ok && bad.error.message === `${join(dir, 'bad.json')}: field 'ramBytes' must be an integer, got number 1.5`);
  const none = loadProfiles({ cwd: dir, extra: ['missing.json'] });
  assert.ok(!none.ok && /missing\.json: profile file or folder not found/.test(none.error.message));
});
