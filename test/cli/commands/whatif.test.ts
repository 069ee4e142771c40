// `aiot-lens whatif` in-process: which axes each sweep scales, said in the output; sequences get windows.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { run } from '../../../src/cli/commands/whatif';
import { bufferIO } from '../../../src/cli/io';
import { fixtureModel } from '../../helpers/models';

async function whatif(args: string[]) {
  const io = bufferIO();
  const code = await run(args, io);
  return { code, out: io.stdout.join(''), err: io.stderr.join('') };
}

test('--resolution names the axes it scales and the inputs it keeps', async () => {
  const r = await whatif([fixtureModel('blazeface_front_128'), '--device', 'stm32h743', '--resolution', '1,0.5']);
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /input resolution: scales 'input:0' axes 1 \(H\), 2 \(W\) \(NHWC image\)/);
  assert.match(r.out, /^\s+0\.5\s+1x64x64x3\s/m);
});

test('an LSTM keyword spotter: --resolution refuses to scale its time axis and points to --window, which sets it', async () => {
  const res = await whatif([fixtureModel('lstm_kws'), '--device', 'stm32h743', '--resolution', '1,0.5', '--json']);
  const j = JSON.parse(res.out);
  assert.deepEqual(j.resolution, []);
  assert.match(j.notes[0], /no image input to scale \('input' is a sequence, time axis 1.*\): use --window/);
  const win = await whatif([fixtureModel('lstm_kws'), '--device', 'stm32h743', '--window', '49,25']);
  assert.equal(win.code, 0, win.err);
  assert.match(win.out, /window: sets the time axis of 'input' axis 1 \(T\)/);
  assert.match(win.out, /^\s+25 steps\s+1x25x40\s+5\.4 M\s/m);
  // By default a sequence model gets the window sweep, not a table of failed resolutions.
  const d = await whatif([fixtureModel('lstm_kws'), '--device', 'stm32h743']);
  assert.doesNotMatch(d.out, /input resolution/);
  assert.match(d.out, /^\s+37 steps\s+1x37x40\s/m);
});

test('--time-axis is validated against the model\'s inputs', async () => {
  const bad = await whatif([fixtureModel('ds_cnn_kws'), '--device', 'stm32h743', '--time-axis', 'audio=2']);
  assert.equal(bad.code, 2);
  assert.match(bad.err, /--time-axis names 'audio', which is not an input .* \(inputs: input\)/);
  const rank = await whatif([fixtureModel('ds_cnn_kws'), '--device', 'stm32h743', '--time-axis', 'input=4']);
  assert.equal(rank.code, 2);
  assert.match(rank.err, /has rank 4, so its time axis is 1\.\.3/);
  const none = await whatif([fixtureModel('ds_cnn_kws'), '--device', 'stm32h743', '--time-axis', 'input=none', '--resolution', '0.5']);
  assert.match(none.out, /scales 'input' axes 2 \(H\), 3 \(W\) \(NCHW image\)/);
  const w = await whatif([fixtureModel('ds_cnn_kws'), '--device', 'stm32h743', '--window', 'lots']);
  assert.equal(w.code, 2);
});
