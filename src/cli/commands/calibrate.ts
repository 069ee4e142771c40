// `aiot-lens calibrate [--out FILE]`: micro-benchmarks this machine in onnxruntime-node and writes a host device
// profile (per op class efficiency and per-node cost) for `--profiles` / `.aiot/devices`. With `--device ID
// --measurements FILE.csv` it fits a device's profile to timings from the user's own board instead.

import { mkdirSync } from 'node:fs';
import { writeFileAtomic } from '../../core/atomicWrite';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { validateProfile } from '../../core/devices';
import { catchLensAsync } from '../../core/result';
import { calibrateHost } from '../../core/runtime';
import { parse, parsePositiveInt } from '../args';
import { EXIT_ERROR, EXIT_OK, type CliIO } from '../io';
import { runMeasurements } from './calibrateMeasurements';

export const summary = 'fit a host profile from onnxruntime micro-benchmarks, or a device profile from your own board\'s timings (--measurements)';

const HELP = `usage: aiot-lens calibrate [--out FILE] [--id ID] [--threads N] [--json]
       aiot-lens calibrate --device ID --measurements FILE.csv [--out DIR] [--profiles FILE_OR_DIR]... [--json]

This machine (onnxruntime micro-benchmarks):
  --out FILE     where to write the profile (default .aiot/devices/host.json, which every command loads)
  --id ID        profile id (default host)
  --threads N    onnxruntime intra-op threads (default 1)
  --json         print the profile instead of a summary

Your own board (timings you measured):
  --device ID            the device profile to calibrate (its runtime must be the one you measured)
  --measurements FILE    CSV with a header row: model,ms[,uj][,runtime] — model paths relative to the CSV, measured
                         milliseconds per inference, optional microjoules, optional runtime; '#' lines are comments;
                         repeated rows of a model are combined (median) unless more than 2x apart
  --out DIR              folder for ID.json (default .aiot/devices, which every command loads), or a FILE.json
  --json                 print the fit summary (per model before/after errors) as JSON
`;

export async function run(argv: string[], io: CliIO): Promise<number> {
  const parsed = parse(argv, {
    out: { type: 'string' }, id: { type: 'string' }, threads: { type: 'string' }, json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' },
    device: { type: 'string' }, measurements: { type: 'string' }, profiles: { type: 'string', multiple: true },
  });
  const fail = (m: string) => (io.err(`aiot-lens calibrate: ${m}\n`), EXIT_ERROR);
  if (!parsed.ok) return fail(`${parsed.error.message}\n${HELP}`);
  const { values, positionals } = parsed.value;
  if (values['help']) return (io.out(HELP), EXIT_OK);
  if (positionals.length > 0) return fail(`unexpected argument '${positionals[0]}'\n${HELP}`);
  const device = values['device'];
  const measurements = values['measurements'];
  if (typeof device === 'string' || typeof measurements === 'string') {
    if (typeof device !== 'string') return fail('--measurements needs --device ID (the profile the timings were taken on)');
    if (typeof measurements !== 'string') return fail(`--device ${device} needs --measurements FILE.csv (calibrating this machine takes no --device)`);
    const hostOnly = ['id', 'threads'].find((k) => values[k] !== undefined);
    if (hostOnly) return fail(`--${hostOnly} applies to calibrating this machine, not to --measurements`);
    return runMeasurements({
      device, measurements, json: values['json'] === true, profiles: values['profiles'],
      ...(typeof values['out'] === 'string' ? { out: values['out'] } : {}),
    }, io);
  }
  const threads = parsePositiveInt('threads', values['threads'], 1);
  if (!threads.ok) return fail(threads.error.message);
  const id = typeof values['id'] === 'string' ? values['id'] : 'host';
  if (!/^[a-z0-9][a-z0-9._-]*$/.test(id)) return fail(`--id '${id}' must be lower-case letters, digits, '.', '_' or '-'`);
  const outArg = typeof values['out'] === 'string' ? values['out'] : join('.aiot', 'devices', `${id}.json`);
  const out = isAbsolute(outArg) ? outArg : resolve(io.cwd, outArg);

  const t0 = Date.now();
  const r = await catchLensAsync(() => calibrateHost({
    id, threads: threads.value,
    progress: (done, total, name) => io.err(`\rtiming ${done}/${total} ${name.padEnd(32)}`),
  }));
  io.err('\n');
  if (!r.ok) return fail(r.error.message);
  const profile = r.value.profile;
  const valid = validateProfile(profile, outArg);
  if (!valid.ok) return fail(`internal: calibrated profile does not validate: ${valid.error.message}`);
  try {
    mkdirSync(dirname(out), { recursive: true });
  } catch (e) {
    return fail(`${outArg}: cannot create its folder (${e instanceof Error ? e.message : String(e)})`);
  }
  // No `$schema` (see calibrateMeasurements.ts): VS Code validates `.aiot/devices/*.json` with the bundled schema.
  const written = writeFileAtomic(out, `${JSON.stringify(profile, null, 2)}\n`, { force: true });
  if (!written.ok) return fail(`${outArg}: ${written.error.message}`);
  if (values['json']) {
    io.out(`${JSON.stringify(profile, null, 2)}\n`);
    return EXIT_OK;
  }
  // A 0 is a fitted result, not a failure: the class's time followed another term (bytes moved, per-node cost).
  const classes = Object.keys(profile.efficiency).filter((k) => k !== 'control') as (keyof typeof profile.efficiency)[];
  const eff = classes.map((k) => `${k} ${profile.efficiency[k]! > 0 ? profile.efficiency[k]!.toFixed(3) : '0'}`).join(', ');
  const noOps = classes.filter((k) => !(profile.efficiency[k]! > 0));
  const noBytes = classes.filter((k) => !((profile.memoryEfficiency?.[k] ?? 0) > 0));
  const zeros = [
    ...(noOps.length ? [`  0 = no per-op term: the time of ${noOps.join(', ')} followed bytes moved and per-node cost, not arithmetic (the estimator adds no compute time there)`] : []),
    ...(noBytes.length ? [`  memory efficiency 0 for ${noBytes.join(', ')}: no per-byte term (their time followed arithmetic and per-node cost)`] : []),
  ];
  io.out([
    `wrote ${outArg} (profile '${profile.id}') in ${((Date.now() - t0) / 1000).toFixed(1)} s from ${r.value.benches.length} micro-benchmarks` +
      ` (${r.value.models} models with the overhead, dispatch and runtime-weight ones, ${r.value.passes} passes: ${r.value.timings} timings)`,
    `  peak fp32 ${(profile.peakOpsPerSecond.float! / 1e9).toFixed(1)} GFLOPS (fitted dense conv), memory ${(profile.memoryBandwidthBytesPerSecond / 1e9).toFixed(1)} GB/s (element-wise Add)`,
    `  efficiency per class: ${eff}`,
    ...zeros,
    `  per-inference overhead ${profile.overheadMs.toFixed(4)} ms, per-node dispatch ${Number(profile.calibration?.['dispatchMs'] ?? 0).toFixed(5)} ms, conv channels padded to ${profile.channelBlock ?? 1}`,
    '  energy: n/a — calibration measures time only; set activePowerW and idlePowerW in the profile for energy figures',
    `  use it: aiot-lens analyze MODEL --device ${profile.id}   (loaded from .aiot/devices) or --profiles ${outArg}`,
    '',
  ].join('\n'));
  return EXIT_OK;
}
