// Device look-up and per-model estimates for the server's requests (profiles: built-in plus the workspace's .aiot/devices).

import { getDevice, loadProfiles, type DeviceProfile } from '../core/devices';
import { estimate, estimateInputOf, type Estimate } from '../core/estimate';
import { err, ok, type Result } from '../core/result';
import type { ModelEntry } from './modelStore';
import { profileDir } from './trust';

export function findDevice(deviceId: string, workspaceDir: string | undefined): Result<DeviceProfile> {
  // Untrusted workspaces: built-in profiles only (src/server/trust.ts).
  const dir = profileDir(workspaceDir);
  const reg = loadProfiles(dir ? { cwd: dir } : {});
  if (!reg.ok) return reg;
  return getDevice(reg.value, deviceId);
}

/** The profile (as JSON) each cached estimate was made with. */
const madeWith = new WeakMap<Estimate, string>();

/** The model's estimate on a device, computed once per (model, device profile) and kept with the model. */
export function estimateOn(entry: ModelEntry, deviceId: string, workspaceDir: string | undefined): Result<{ device: DeviceProfile; estimate: Estimate }> {
  if (!deviceId) return err('invalid-argument', 'no active device (set aiotLens.activeDevice)');
  const device = findDevice(deviceId, workspaceDir);
  if (!device.ok) return device;
  // Checked against the profile's content, not only its id: a calibration rewrites .aiot/devices/ID.json under the
  // same id, and the estimate made with the old profile must not be served again.
  const profileText = JSON.stringify(device.value);
  let e = entry.estimates.get(deviceId);
  if (!e || madeWith.get(e) !== profileText) {
    e = estimate(estimateInputOf(entry.analysis, device.value), device.value);
    madeWith.set(e, profileText);
    entry.estimates.set(deviceId, e);
  }
  return ok({ device: device.value, estimate: e });
}
