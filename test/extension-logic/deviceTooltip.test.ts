// The status bar tooltip says what the active device's estimates rest on: evidence points and the range's width, or
// "no evidence" with a wide range; a calibrated profile says it came from the user's measurements.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { getDevice, loadProfiles, type DeviceProfile } from '../../src/core/devices';
import { unwrap } from '../../src/core/result';
import { deviceTooltip } from '../../src/extension/deviceTooltip';

const reg = unwrap(loadProfiles());

test('tooltip: evidence points and the range factor of a fitted profile', () => {
  const d = unwrap(getDevice(reg, 'esp32-s3'));
  const t = deviceTooltip('esp32-s3', d);
  assert.match(t, /budgets are checked against .*\(esp32-s3\)/);
  assert.match(t, /Latency estimates carry an 80% range of ×\/÷ \d+\.\d\d — (from \d+ points? measured on this board|no evidence)/);
  assert.match(t, /Calibrate Device from Measurements/);
});

test('tooltip: no evidence says so; a user calibration says so; no device / unknown device', () => {
  const d = unwrap(getDevice(reg, 'esp32-s3'));
  const { fit: _f, ...bare } = d;
  assert.match(deviceTooltip('x', { ...bare, id: 'x' } as DeviceProfile), /no evidence: no measurement of this profile itself, so the range is wide/);
  const user = { ...d, fit: { ...(d.fit ?? { evidencePoints: 0, range: { level: 0.8, latencyLogSpread: 0.2, energyLogSpread: 0.3, basis: 'b' } }), level: 'user' as const, evidencePoints: 7 } };
  assert.match(deviceTooltip(d.id, user as DeviceProfile), /from 7 points measured on your board[\s\S]*Calibrated from your measurements/);
  assert.match(deviceTooltip('', undefined), /no device selected/);
  assert.match(deviceTooltip('ghost', undefined), /'ghost' is not a known device profile/);
});
