// `aiot-lens devices [--json] [--profiles FILE_OR_DIR]...`: the device and link profiles AIoT Lens knows, built-in
// and the workspace's (`.aiot/devices/*.json`). Also exports the --device/--profiles plumbing other commands share.

import { formatBytes, textTable } from '../../core/format';
import { getDevice, getLink, isLink, loadProfiles, runtimeName, type DeviceProfile, type LinkProfile, type ProfileRegistry } from '../../core/devices';
import type { Result } from '../../core/result';
import { asList, parse } from '../args';
import { EXIT_ERROR, EXIT_OK, type CliIO } from '../io';

export const summary = 'list device and link profiles (built-in, workspace .aiot/devices, --profiles)';

const HELP = `usage: aiot-lens devices [--json] [--profiles FILE_OR_DIR]...

  --json                   print the profiles as a JSON array (links have class "link")
  --profiles FILE_OR_DIR   load extra profile JSON files (repeatable); a profile with an existing id replaces it
`;

/** Built-in + workspace + --profiles, with errors naming the file and field. */
export function registryFor(io: CliIO, profiles: unknown): Result<ProfileRegistry> {
  return loadProfiles({ cwd: io.cwd, extra: asList(profiles) });
}

export function deviceFor(reg: ProfileRegistry, id: string): Result<DeviceProfile> {
  return getDevice(reg, id);
}

export function linkFor(reg: ProfileRegistry, id: string): Result<LinkProfile> {
  return getLink(reg, id);
}

function si(n: number, unit: string): string {
  const abs = Math.abs(n);
  if (abs >= 1e12) return `${(n / 1e12).toFixed(1)} T${unit}`;
  if (abs >= 1e9) return `${(n / 1e9).toFixed(1)} G${unit}`;
  if (abs >= 1e6) return `${(n / 1e6).toFixed(1)} M${unit}`;
  if (abs >= 1e3) return `${(n / 1e3).toFixed(1)} k${unit}`;
  return `${n} ${unit}`;
}

/** "12 pts, LOO 14%, ×/÷1.33", or where the figures come from when the profile has no measurements of its own. */
function evidenceText(p: DeviceProfile): string {
  const f = p.fit;
  if (!f) return 'none (not fitted)';
  const k = `×/÷${Math.exp(1.2816 * f.range.latencyLogSpread).toFixed(2)}`;
  const lat = (f.loo?.['latency'] as { medianAbsErrorPct?: number } | undefined)?.medianAbsErrorPct;
  if (f.evidencePoints > 0) return `${f.evidencePoints} pts${lat !== undefined ? `, LOO ${lat.toFixed(0)}%` : ''}, ${k}`;
  return `0 (${f.level === 'none' ? 'datasheet' : f.level === 'runtime-family' ? `${p.runtime} on ${f.family ?? 'family'} boards` : `${f.family ?? ''} family`}), ${k}`;
}

export async function run(argv: string[], io: CliIO): Promise<number> {
  const parsed = parse(argv, { json: { type: 'boolean' }, profiles: { type: 'string', multiple: true }, help: { type: 'boolean', short: 'h' } });
  if (!parsed.ok) {
    io.err(`aiot-lens devices: ${parsed.error.message}\n${HELP}`);
    return EXIT_ERROR;
  }
  if (parsed.value.values['help']) {
    io.out(HELP);
    return EXIT_OK;
  }
  const reg = registryFor(io, parsed.value.values['profiles']);
  if (!reg.ok) {
    io.err(`aiot-lens devices: ${reg.error.message}\n`);
    return EXIT_ERROR;
  }
  const entries = reg.value.entries;
  if (parsed.value.values['json']) {
    const list = entries.map(({ profile, origin }) =>
      isLink(profile) ? { ...profile, ramBytes: null, flashBytes: null, origin }
        : { ...profile, origin, ...(profile.runtime ? { runtimeName: runtimeName(profile.runtime) } : {}), evidencePoints: profile.fit?.evidencePoints ?? 0 });
    io.out(`${JSON.stringify(list, null, 2)}\n`);
    return EXIT_OK;
  }
  const devices = entries.filter((e) => !isLink(e.profile));
  const links = entries.filter((e) => isLink(e.profile));
  const rows = devices.map(({ profile, origin }) => {
    const p = profile as DeviceProfile;
    const peaks = Object.entries(p.peakOpsPerSecond).map(([d, v]) => `${d} ${si(v!, 'OPS')}`).join(', ');
    return [p.id, p.runtime ? `${p.runtime}${p.defaultRuntime ? ' (default)' : ''}` : '-', p.class, formatBytes(p.ramBytes), formatBytes(p.flashBytes), `${p.activePowerW} W`, peaks, evidenceText(p), origin === 'built-in' ? '' : origin];
  });
  io.out(`${textTable(['device', 'runtime', 'class', 'RAM', 'flash', 'active', 'peak', 'evidence', 'from'], rows)}\n\n`);
  const linkRows = links.map(({ profile, origin }) => {
    const l = profile as LinkProfile;
    return [l.id, si(l.uplinkBitsPerSecond, 'bit/s'), `${l.rttMs} ms`, l.txPowerW !== undefined ? `${l.txPowerW} W` : '-', l.name, origin === 'built-in' ? '' : origin];
  });
  io.out(`${textTable(['link', 'uplink', 'RTT', 'TX power', 'name', 'from'], linkRows)}\n`);
  io.out(`\n${devices.length} devices, ${links.length} links. <board>@<runtime> selects a runtime, the bare board id its default. evidence: measured inferences, median leave-one-out error, 80% range factor. Sources per profile: aiot-lens devices --json\n`);
  return EXIT_OK;
}
