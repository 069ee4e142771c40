// `aiot-lens calibrate --device ID --measurements FILE.csv`: fits a user profile of a device from timings taken on
// the user's own board, writes it to `.aiot/devices/ID.json` and prints the error before and after (leave-one-out).

import { mkdirSync, readFileSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { writeFileAtomic } from '../../core/atomicWrite';
import { calibrateFromMeasurements, deviceLogParams, PARAM_LABELS, readMeasurements, type CalibrationSummary, type UserCalibration } from '../../core/calibration';
import { builtInProfiles, getDevice, isLink, validateProfile, type DeviceProfile, type ProfileRegistry } from '../../core/devices';
import { logParams } from '../../core/estimate/fit';
import { textTable } from '../../core/format';
import { EXIT_ERROR, EXIT_OK, type CliIO } from '../io';
import { registryFor } from './devices';

export interface MeasurementsArgs {
  device: string;
  measurements: string;
  out?: string;
  profiles?: unknown;
  json: boolean;
}

export async function runMeasurements(a: MeasurementsArgs, io: CliIO): Promise<number> {
  const fail = (m: string) => (io.err(`aiot-lens calibrate: ${m}\n`), EXIT_ERROR);
  const csvPath = isAbsolute(a.measurements) ? a.measurements : resolve(io.cwd, a.measurements);
  let text: string;
  try {
    text = readFileSync(csvPath, 'utf8');
  } catch (e) {
    return fail(`${a.measurements}: cannot read (${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : e instanceof Error ? e.message : String(e)})`);
  }
  const set = readMeasurements(text, a.measurements, dirname(csvPath));
  if (!set.ok) return fail(set.error.message);

  const reg = registryFor(io, a.profiles);
  if (!reg.ok) return fail(reg.error.message);
  const notes: string[] = [];
  const resolved = resolveDevice(reg.value, a.device, set.value.runtime, notes);
  if (typeof resolved === 'string') return fail(resolved);
  const device = resolved;

  const cal = calibrateFromMeasurements(device, set.value, { csvLabel: a.measurements });
  if (!cal.ok) return fail(cal.error.message);
  const profile = cal.value.profile;
  const valid = validateProfile(profile, 'calibrated profile');
  if (!valid.ok) return fail(`internal: the calibrated profile does not validate: ${valid.error.message}`);

  const outArg = a.out ?? join('.aiot', 'devices');
  const outAbs = isAbsolute(outArg) ? outArg : resolve(io.cwd, outArg);
  const file = outAbs.endsWith('.json') ? outAbs : join(outAbs, `${profile.id}.json`);
  const shown = relative(io.cwd, file).startsWith('..') ? file : relative(io.cwd, file);
  try {
    mkdirSync(dirname(file), { recursive: true });
  } catch (e) {
    return fail(`${shown}: cannot create its folder (${e instanceof Error ? e.message : String(e)})`);
  }
  // No `$schema`: the catalog file's own is a path relative to the catalog, and a URL would be fetched (and fail
  // offline) by VS Code, which validates `.aiot/devices/*.json` with the bundled schema (package.json jsonValidation).
  const { $schema: _catalogSchema, ...body } = profile as DeviceProfile & { $schema?: string };
  const written = writeFileAtomic(file, `${JSON.stringify(body, null, 2)}\n`, { force: true });
  if (!written.ok) return fail(`${shown}: ${written.error.message}`);

  const c = cal.value;
  if (a.json) {
    const summary: CalibrationSummary = {
      device: profile.id, base: device.id, written: file, free: c.free.map((p) => PARAM_LABELS[p]), points: c.points, before: c.before, after: c.after,
      ...(c.energyBefore ? { energyBefore: c.energyBefore } : {}), ...(c.energyAfter ? { energyAfter: c.energyAfter } : {}),
      params: c.params, ...(c.activePowerW !== undefined ? { activePowerW: c.activePowerW } : {}), notes,
    };
    io.out(`${JSON.stringify(summary, null, 2)}\n`);
    return EXIT_OK;
  }
  io.out(humanSummary(c, device, shown, basename(a.measurements), set.value.rows, notes));
  return EXIT_OK;
}

/**
 * The profile to calibrate: `id` as given, switched to the board's profile for the CSV's runtime when a bare board
 * id was given; a previous user calibration is replaced, so the built-in profile is the prior again.
 */
function resolveDevice(reg: ProfileRegistry, id: string, runtime: string | undefined, notes: string[]): DeviceProfile | string {
  const d = getDevice(reg, id);
  if (!d.ok) return d.error.message;
  let device = d.value;
  if (runtime && device.runtime && device.runtime !== runtime) {
    const board = device.board ?? device.id.split('@')[0]!;
    const siblings = reg.entries.map((e) => e.profile).filter((p): p is DeviceProfile => !isLink(p) && (p.board ?? p.id) === board);
    const match = siblings.find((p) => p.runtime === runtime);
    if (!match || id.includes('@')) {
      const have = siblings.map((p) => p.runtime).filter((r): r is string => !!r);
      return `the CSV's runtime '${runtime}' is not ${id}'s ('${device.runtime}')${have.length ? `; ${board} has profiles for ${have.join(', ')}` : ''}${match ? `: use --device ${match.id}` : ''}`;
    }
    notes.push(`the CSV's runtime is ${runtime}: calibrating ${match.id}`);
    device = match;
  }
  if (device.fit?.level === 'user') {
    const builtIn = builtInProfiles().find((e) => e.profile.id === device.id)?.profile;
    if (builtIn && !isLink(builtIn)) {
      notes.push(`${device.id} was calibrated before: starting again from the built-in profile`);
      device = builtIn;
    }
  }
  return device;
}

const pct = (x: number) => `${x >= 0 ? '+' : ''}${x.toFixed(1)}%`;

function ms(x: number): string {
  return x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x >= 1 ? x.toFixed(2) : x.toFixed(3);
}

function humanSummary(c: UserCalibration, device: DeviceProfile, written: string, csv: string, rows: number, notes: string[]): string {
  const id = c.profile.id;
  const table = textTable(
    ['model', 'measured ms', 'before ms', 'error', 'after ms (held out)', 'error'],
    c.points.map((p) => [p.label, ms(p.measuredMs), ms(p.beforeMs), pct(p.beforeErrorPct), ms(p.afterMs), pct(p.afterErrorPct)]),
  );
  const held = (Object.keys(PARAM_LABELS) as (keyof typeof PARAM_LABELS)[]).filter((p) => !c.free.includes(p)).map((p) => PARAM_LABELS[p]);
  const was = deviceLogParams(device);
  const now = logParams(c.params);
  const changes = c.free.map((p) => {
    const unit = p === 'logNodeOverheadMs' || p === 'logOverheadMs' ? ' ms' : '';
    return `${PARAM_LABELS[p]} ${fmtParam(Math.exp(now[p]))}${unit} (was ${fmtParam(Math.exp(was[p]))}${unit})`;
  });
  const energy = c.energyAfter
    ? [`  energy error: before ${c.energyBefore ? `median ${c.energyBefore.medianAbsErrorPct.toFixed(1)}%, worst ${c.energyBefore.worstAbsErrorPct.toFixed(1)}%` : 'n/a (the profile had no power figure)'}` +
      `; after (leave-one-out) median ${c.energyAfter.medianAbsErrorPct.toFixed(1)}%, worst ${c.energyAfter.worstAbsErrorPct.toFixed(1)}% over ${c.energyAfter.points} models; active power ${c.activePowerW!.toFixed(3)} W`]
    : [];
  return [
    `calibrated ${id} from ${c.points.length} models (${rows} rows) in ${csv}: wrote ${written}`,
    ...notes.map((n) => `  note: ${n}`),
    `  free parameters: ${c.free.map((p) => PARAM_LABELS[p]).join(', ')}${held.length ? ` (${held.join(', ')} stay at ${device.id}'s values: the measured models barely exercise them)` : ''}`,
    '',
    table.split('\n').map((l) => `  ${l}`).join('\n'),
    '',
    `  latency error: before median ${c.before.medianAbsErrorPct.toFixed(1)}%, worst ${c.before.worstAbsErrorPct.toFixed(1)}%; after (leave-one-out) median ${c.after.medianAbsErrorPct.toFixed(1)}%, worst ${c.after.worstAbsErrorPct.toFixed(1)}%`,
    ...energy,
    `  fitted: ${changes.join(', ')}`,
    `  ranges now carry this spread: ×/÷ ${Math.exp(1.2816 * (c.profile.fit?.range.latencyLogSpread ?? 0)).toFixed(2)} at 80% (${c.profile.fit?.range.basis ?? ''})`,
    `  use it: aiot-lens analyze MODEL --device ${id}   (loaded from .aiot/devices in this folder)`,
    '',
  ].join('\n');
}

function fmtParam(x: number): string {
  return x >= 100 ? x.toFixed(0) : x >= 0.01 ? x.toPrecision(3) : x.toExponential(2);
}
