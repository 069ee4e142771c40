// `aiot-lens calibrate [--out FILE]`: micro-benchmarks this machine in onnxruntime-node and writes a host device
// profile (per op class efficiency and per-node cost) for `--profiles` / `.aiot/devices`.

import { mkdirSync } from 'node:fs';
import { writeFileAtomic } from '../../core/atomicWrite';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { validateProfile } from '../../core/devices';
import { catchLensAsync } from '../../core/result';
import { calibrateHost } from '../../core/runtime';
import { parse, parsePositiveInt } from '../args';
import { EXIT_ERROR, EXIT_OK, type CliIO } from '../io';

export const summary = 'fit a host device profile from onnxruntime micro-benchmarks on this machine';

const HELP = `usage: aiot-lens calibrate [--out FILE] [--id ID] [--threads N] [--json]

  --out FILE     where to write the profile (default .aiot/devices/host.json, which every command loads)
  --id ID        profile id (default host)
  --threads N    onnxruntime intra-op threads (default 1)
  --json         print the profile instead of a summary
`;

export async function run(argv: string[], io: CliIO): Promise<number> {
  const parsed = parse(argv, {
    out: { type: 'string' }, id: { type: 'string' }, threads: { type: 'string' }, json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' },
  });
  const fail = (m: string) => (io.err(`aiot-lens calibrate: ${m}\n`), EXIT_ERROR);
  if (!parsed.ok) return fail(`${parsed.error.message}\n${HELP}`);
  const { values, positionals } = parsed.value;
  if (values['help']) return (io.out(HELP), EXIT_OK);
  if (positionals.length > 0) return fail(`unexpected argument '${positionals[0]}'\n${HELP}`);
  const threads = parsePositiveInt('threads', values['threads'], 1);
  if (!threads.ok) return fail(threads.error.message);
  const id = typeof values['id'] === 'string' ? values['id'] : 'host';
  if (!/^[a-z0-9][a-z0-9._-]*$/.test(id)) return fail(`--id '${id}' must be lower-case letters, digits, '.', '_' or '-'`);
  const outArg = typeof values['out'] === 'string' ? values['out'] : join('.aiot', 'devices', `${id}.json`);
  const out = isAbsolute(outArg) ? outArg : resolve(io.cwd, outArg);

  const t0 = Date.now();
  const r = await catchLensAsync(() => calibrateHost({
    id, threads: threads.value,
    progress: (done, total, name) => io.err(`\rcalibrating ${done}/${total} ${name.padEnd(32)}`),
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
  const written = writeFileAtomic(out, `${JSON.stringify({ $schema: 'https://aiot-lens.dev/schemas/device-profile.schema.json', ...profile }, null, 2)}\n`, { force: true });
  if (!written.ok) return fail(`${outArg}: ${written.error.message}`);
  if (values['json']) {
    io.out(`${JSON.stringify(profile, null, 2)}\n`);
    return EXIT_OK;
  }
  const eff = Object.entries(profile.efficiency).filter(([k]) => k !== 'control' && k !== 'data')
    .map(([k, v]) => `${k} ${v.toFixed(3)}`).join(', ');
  io.out([
    `wrote ${outArg} (profile '${profile.id}') in ${((Date.now() - t0) / 1000).toFixed(1)} s from ${r.value.benches.length} benchmarks`,
    `  peak fp32 ${(profile.peakOpsPerSecond.float! / 1e9).toFixed(1)} GFLOPS (fitted dense conv), memory ${(profile.memoryBandwidthBytesPerSecond / 1e9).toFixed(1)} GB/s (element-wise Add)`,
    `  efficiency per class: ${eff}`,
    `  per-inference overhead ${profile.overheadMs.toFixed(4)} ms, per-node dispatch ${Number(profile.calibration?.['dispatchMs'] ?? 0).toFixed(5)} ms, conv channels padded to ${profile.channelBlock ?? 1}`,
    `  use it: aiot-lens analyze MODEL --device ${profile.id}   (loaded from .aiot/devices) or --profiles ${outArg}`,
    '',
  ].join('\n'));
  return EXIT_OK;
}
