// `aiot-lens calibrate --device ID --measurements FILE.csv`: each bad input is refused with one clear line and exit
// 2, and a CSV made from a known truth writes a workspace profile that later commands load and that estimates the
// measured models within a few percent.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { run as calibrate } from '../../src/cli/commands/calibrate';
import { run as analyze } from '../../src/cli/commands/analyze';
import { bufferIO } from '../../src/cli/io';
import { analyzeModelFileSync } from '../../src/core/analyze';
import { deviceLogParams } from '../../src/core/calibration';
import { getDevice, loadProfiles, withFitParams } from '../../src/core/devices';
import { estimate, estimateInputOf } from '../../src/core/estimate';
import { profileParams, type FitParams } from '../../src/core/estimate/fit';
import { unwrap } from '../../src/core/result';

const evidence = join(__dirname, '..', 'fixtures', 'models', 'evidence');
const MODELS = [
  'keras_mobilenetv1_025_96g_c5_int8.onnx', 'mlperf_kws_dscnn_int8.onnx', 'mlperf_ic_resnet8_int8.onnx', 'mlperf_vww_mobilenetv1_025_int8.onnx',
  'keras_mobilenetv2_035_128_c5_int8.onnx', 'mlperf_ad_fc_autoencoder_int8.onnx', 'keras_mobilenetv1_025_224_c5_int8.onnx',
  'keras_mobilenetv2_035_224_c5_int8.onnx', 'kernel_conv3x3_3x64_10x10_int8.onnx', 'kernel_add_1615_int8.onnx',
];
const dir = mkdtempSync(join(tmpdir(), 'aiot-cal-'));
test.after(() => rmSync(dir, { recursive: true, force: true }));
const rel = (f: string) => relative(dir, join(evidence, f));

async function cli(csv: string, extra: string[] = [], json = false): Promise<{ code: number; out: string; err: string }> {
  const file = join(dir, 'timings.csv');
  writeFileSync(file, csv);
  const io = bufferIO(dir);
  const code = await calibrate(['--measurements', 'timings.csv', ...extra, ...(json ? ['--json'] : [])], io);
  return { code, out: io.stdout.join(''), err: io.stderr.join('') };
}

async function refused(csv: string, pattern: RegExp, extra: string[] = ['--device', 'esp32-s3']): Promise<void> {
  const r = await cli(csv, extra);
  assert.equal(r.code, 2, r.out + r.err);
  assert.equal(r.err.trim().split('\n').length, 1, `one line: ${r.err}`);
  assert.match(r.err, pattern);
  assert.equal(r.out, '');
}

test('refuses an unknown device and a missing --device / --measurements', async () => {
  await refused(`model,ms\n${rel(MODELS[0]!)},54\n`, /^aiot-lens calibrate: unknown device 'esp32-s9'/, ['--device', 'esp32-s9']);
  await refused(`model,ms\n${rel(MODELS[0]!)},54\n`, /--measurements needs --device ID/, []);
  const io = bufferIO(dir);
  assert.equal(await calibrate(['--device', 'esp32-s3'], io), 2);
  assert.match(io.stderr.join(''), /--device esp32-s3 needs --measurements FILE\.csv/);
});

test('refuses non-positive and NaN times, unreadable models, disagreeing repeats and mixed runtimes', async () => {
  await refused(`model,ms\n${rel(MODELS[0]!)},0\n`, /timings\.csv:2: measured ms '0' is not a positive number/);
  await refused(`model,ms\n${rel(MODELS[0]!)},-4\n`, /timings\.csv:2: measured ms '-4' is not a positive number/);
  await refused(`model,ms\n# comment\n${rel(MODELS[0]!)},NaN\n`, /timings\.csv:3: measured ms 'NaN' is not a positive number/);
  const six = MODELS.slice(0, 6).map((m, i) => `${rel(m)},${10 + i}`).join('\n');
  await refused(`model,ms\n${six}\nmissing/model.onnx,12\n`, /timings\.csv:8: model 'missing\/model\.onnx' cannot be read: /);
  await refused(`model,ms\n${rel(MODELS[0]!)},54\n${rel(MODELS[0]!)},120\n`, /measured 2 times from 54\.00 to 120 ms \(lines 2, 3\), more than 2× apart/);
  await refused(`model,ms,runtime\n${rel(MODELS[0]!)},54,esp-nn\n${rel(MODELS[1]!)},20,tflm-cmsis-nn\n`, /mixes 'esp-nn' \(line 2\) and 'tflm-cmsis-nn' \(line 3\): calibrate one runtime per file/);
  await refused('model,ms\nno/such.csv/at/all\n', /timings\.csv:2: measured ms '' is not a positive number/);
  const io = bufferIO(dir);
  assert.equal(await calibrate(['--device', 'esp32-s3', '--measurements', 'absent.csv'], io), 2);
  assert.match(io.stderr.join(''), /absent\.csv: cannot read \(no such file\)/);
});

test('refuses too few models for the free parameters, saying how many are needed', async () => {
  await refused(`model,ms\n${rel(MODELS[0]!)},54\n${rel(MODELS[2]!)},95\n`,
    /timings\.csv: 2 models measured; fitting \d free parameters? \(.+\) and holding one model out needs at least \d distinct models/);
});

test('a CSV from a known truth: writes .aiot/devices/ID.json, later commands load it, the held-out error is small', async () => {
  const device = unwrap(getDevice(unwrap(loadProfiles()), 'esp32-s3'));
  const base = deviceLogParams(device);
  const scale: Partial<FitParams> = { logEffConv: Math.log(0.3), logEffDepthwise: Math.log(0.5), logOverheadMs: Math.log(4) };
  const truth = withFitParams(device, profileParams(Object.fromEntries(Object.entries(base).map(([k, v]) => [k, v + (scale[k as keyof FitParams] ?? 0)])) as FitParams));
  const truthMs = (f: string) => estimate(estimateInputOf(unwrap(analyzeModelFileSync(join(evidence, f))), truth), truth).latencyMs;
  // Each model twice (within 2x: combined), energy for some, the runtime on one row only.
  const rows = MODELS.flatMap((m, i) => {
    const t = truthMs(m);
    return [`${rel(m)},${(t * 1.01).toPrecision(6)},${i % 2 ? (t * 0.3 * 1000).toPrecision(6) : ''},${i === 0 ? device.runtime ?? '' : ''}`, `${rel(m)},${(t * 0.99).toPrecision(6)},,`];
  });
  const r = await cli(`# synthetic board\nmodel,ms,uj,runtime\n${rows.join('\n')}\n`, ['--device', 'esp32-s3'], true);
  assert.equal(r.code, 0, r.err);
  const s = JSON.parse(r.out);
  assert.equal(s.device, device.id);
  assert.equal(s.points.length, MODELS.length);
  assert.ok(s.before.medianAbsErrorPct > 40, `before ${s.before.medianAbsErrorPct}`);
  assert.ok(s.after.medianAbsErrorPct < 3, `after ${s.after.medianAbsErrorPct}`);
  assert.ok(Math.abs(s.activePowerW / 0.3 - 1) < 0.03, `power ${s.activePowerW}`);
  const written = join(dir, '.aiot', 'devices', `${device.id}.json`);
  assert.equal(s.written, written);
  const profile = JSON.parse(readFileSync(written, 'utf8'));
  assert.equal(profile.fit.level, 'user');
  // No $schema: a URL would be fetched by VS Code (and fail offline); the extension maps .aiot/devices/*.json itself.
  assert.equal(profile.$schema, undefined);
  assert.equal(profile.fit.evidencePoints, MODELS.length);
  // analyze in that folder picks the calibrated profile up from .aiot/devices.
  const io = bufferIO(dir);
  assert.equal(await analyze([rel(MODELS[0]!), '--device', 'esp32-s3', '--json'], io), 0, io.stderr.join(''));
  const est = JSON.parse(io.stdout.join('')).estimate;
  const want = truthMs(MODELS[0]!);
  assert.ok(Math.abs(est.latencyMs / want - 1) < 0.05, `analyze ${est.latencyMs} vs truth ${want}`);

  // Human output: per-model before/after and the overall line; a second run starts again from the built-in profile.
  const again = await cli(`model,ms\n${MODELS.map((m) => `${rel(m)},${truthMs(m).toPrecision(6)}`).join('\n')}\n`, ['--device', 'esp32-s3']);
  assert.equal(again.code, 0, again.err);
  assert.match(again.out, /^calibrated esp32-s3 from 10 models \(10 rows\) in timings\.csv: wrote \.aiot\/devices\/esp32-s3\.json/);
  assert.match(again.out, /note: esp32-s3 was calibrated before: starting again from the built-in profile/);
  assert.match(again.out, /latency error: before median \d+\.\d%, worst \d+\.\d%; after \(leave-one-out\) median \d\.\d%, worst \d+\.\d%/);
  assert.match(again.out, /mlperf_kws_dscnn_int8\.onnx +\d/);
  assert.ok(existsSync(written));
});

test('--out FILE.json writes there instead', async () => {
  const rows = MODELS.map((m, i) => `${rel(m)},${5 + i * 3}`).join('\n');
  const r = await cli(`model,ms\n${rows}\n`, ['--device', 'esp32-s3', '--out', 'profiles/mine.json']);
  assert.equal(r.code, 0, r.err);
  assert.ok(existsSync(join(dir, 'profiles', 'mine.json')));
});

test('a profile without a power figure (a calibrated host) shows energy n/a, not 0.000 mJ', async () => {
  const device = unwrap(getDevice(unwrap(loadProfiles()), 'esp32-s3'));
  const { fit: _f, ...rest } = device;
  writeFileSync(join(dir, 'nopower.json'), JSON.stringify({ ...rest, id: 'nopower', activePowerW: 0, idlePowerW: 0, board: undefined, runtime: undefined, defaultRuntime: undefined }));
  const io = bufferIO(dir);
  assert.equal(await analyze([rel(MODELS[0]!), '--device', 'nopower', '--profiles', 'nopower.json'], io), 0, io.stderr.join(''));
  assert.match(io.stdout.join(''), /energy n\/a \(the profile has no power figure: set activePowerW\)/);
});
