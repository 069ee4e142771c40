// `aiot-lens filter` end to end on a copy of BlazeFace: the --json contract, --out writes an ONNX filter onnxruntime
// loads, --save-report writes MODEL.filter.json and leaves the model byte for byte as it was, and the advisor then
// lists "input filter (measured …)" with the report's skip ratio; without the report it does not. Errors are one line.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run as filter } from '../../../src/cli/commands/filter';
import { bufferIO } from '../../../src/cli/io';
import { advise } from '../../../src/core/advisor';
import { analyzeModelFileSync } from '../../../src/core/analyze';
import { getDevice, loadProfiles } from '../../../src/core/devices';
import { unwrap } from '../../../src/core/result';
import { createSession } from '../../../src/core/runtime';
import { FIXTURES, fixtureModel } from '../../helpers/models';

const dir = mkdtempSync(join(tmpdir(), 'aiot-filter-'));
test.after(() => rmSync(dir, { recursive: true, force: true }));
const model = join(dir, 'blazeface.onnx');
copyFileSync(fixtureModel('blazeface_front_128'), model);
const PRE = JSON.stringify({ image: { width: 128, height: 128, layout: 'NHWC', scale: 1 / 127.5, mean: [1], std: [1] } });
const ARGS = [model, '--samples', join(FIXTURES, 'filter', 'faces'), '--device', 'esp32-s3', '--preprocess', PRE,
  '--output', 'Identity:0,Identity_1:0', '--rule', 'max-below:1.1', '--features', 'motion,pool', '--rate', '1/s', '--battery-mah', '1000', '--battery-v', '3.7'];

async function cli(args: string[]) {
  const io = bufferIO(dir);
  const code = await filter(args, io);
  return { code, out: io.stdout.join(''), err: io.stderr.join('') };
}

test('filter --json --out --save-report: the contract, a loadable filter, the report beside an unmodified model; advise lists it', async () => {
  const h743 = unwrap(getDevice(unwrap(loadProfiles()), 'esp32-s3'));
  const before = await advise(unwrap(analyzeModelFileSync(model)), h743, { fps: 1, modelPath: model });
  assert.ok(![...before.suggestions, ...before.elsewhere].some((s) => s.technique.startsWith('input filter (measured')), 'no report, no measured filter');

  const bytes = readFileSync(model);
  const out = join(dir, 'filter.onnx');
  const r = await cli([...ARGS, '--out', out, '--save-report', '--json']);
  assert.equal(r.code, 0, r.err);
  const j = JSON.parse(r.out);
  for (const k of ['samples', 'rule', 'features', 'threshold', 'heldOut', 'training', 'curve', 'filter', 'modelCost', 'whatif', 'written']) assert.ok(k in j, `JSON has ${k}`);
  for (const k of ['skipRatio', 'recall', 'precision', 'missed', 'meetsTarget']) assert.ok(k in j.heldOut, `heldOut has ${k}`);
  for (const k of ['energyPerInputMj', 'maxInputsPerSecond', 'duty']) assert.ok(k in j.whatif.with, `whatif.with has ${k}`);
  assert.ok(j.whatif.with.duty.batteryLifeHours > j.whatif.without.duty.batteryLifeHours);
  assert.deepEqual(readFileSync(model), bytes, 'the model is not modified');
  assert.ok(existsSync(`${model}.filter.json`));
  const saved = JSON.parse(readFileSync(`${model}.filter.json`, 'utf8'));
  assert.match(saved.command, /^aiot-lens filter .* --rule max-below:1\.1/);
  assert.equal(saved.filterPath, out);
  const s = await createSession(out);
  assert.deepEqual(s.inputNames.sort(), ['background', 'input']);
  assert.deepEqual(s.outputNames.sort(), ['backgroundNext', 'keep', 'keepScore']);
  await s.release();

  const after = await advise(unwrap(analyzeModelFileSync(model)), h743, { fps: 1, modelPath: model });
  const listed = [...after.suggestions, ...after.elsewhere].find((x) => x.technique.startsWith('input filter (measured'));
  assert.ok(listed, 'the advisor lists the measured filter');
  assert.ok(listed.technique.includes(`skips ${(100 * j.heldOut.skipRatio).toFixed(1)}%`), listed.technique);
  assert.equal(listed.command, saved.command);
  // Compute per second: the model on the kept share plus the filter on every input, at the same rate.
  const baseCompute = after.resources.find((x) => x.name === 'compute')!.utilization!;
  const expected = baseCompute * (1 - j.heldOut.skipRatio + j.filter.latencyMs / j.modelCost.latencyMs);
  assert.ok(Math.abs(listed.estimate.utilization.compute! / expected - 1) < 1e-6, `${listed.estimate.utilization.compute} vs ${expected}`);

  const again = await cli([...ARGS, '--out', out]);
  assert.equal(again.code, 2);
  assert.match(again.err, /exists/);
});

test('filter: missing flags and bad rules are one-line errors', async () => {
  assert.match((await cli([model, '--device', 'esp32-s3'])).err, /--samples DIR is required/);
  assert.match((await cli([...ARGS, '--rule', 'top:3'])).err, /--rule expects nothing-class:K/);
  assert.match((await cli([...ARGS, '--preprocess', '{"image": {"width": 128}}'])).err, /image.height must be/);
  assert.match((await cli([...ARGS, '--output', 'nope'])).err, /'nope' is not an output of the model/);
  const wrongSize = await cli([...ARGS, '--preprocess', JSON.stringify({ image: { width: 96, height: 96, layout: 'NHWC' } })]);
  assert.match(wrongSize.err, /gives 'input:0' dims 1x96x96x3, but the model declares 1x128x128x3/);
});
