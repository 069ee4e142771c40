// One accounting: the figures `optimize`, `analyze`, `analyze --device`, `advise` and `check` print for one model are
// the same plan (issue 14's "three numbers for one model" on the bundled sample after fold-bn,int8-static), and pins
// are checked against the model.

import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { main } from '../../src/cli/main';
import { bufferIO } from '../../src/cli/io';
import { fixtureModel } from '../helpers/models';

const dir = mkdtempSync(join(tmpdir(), 'aiot-accounting-'));
after(() => rmSync(dir, { recursive: true, force: true }));

async function cli(args: string[]) {
  const io = bufferIO(dir);
  const code = await main(args, io);
  return { code, stdout: io.stdout.join(''), stderr: io.stderr.join('') };
}

test('the sample after fold-bn,int8-static: optimize, analyze, analyze --device, advise and check report one activation plan', async () => {
  const out = join(dir, 'vww.int8.onnx');
  const opt = await cli(['optimize', fixtureModel('mobilenet_v2_vww_96'), '--passes', 'fold-bn,int8-static', '-o', out, '--json']);
  assert.equal(opt.code, 0, opt.stderr);
  const after = JSON.parse(opt.stdout).after.peakActivationBytes as number;
  const a = JSON.parse((await cli(['analyze', out, '--json'])).stdout);
  assert.equal(a.totals.peakActivationBytes, after, 'optimize and analyze agree');
  assert.match(a.memory.view, /QDQ islands as int8 kernels/);
  // The graph as written keeps float DequantizeLinear outputs beside the int8 tensors: labelled, never the total.
  assert.ok(a.memory.reference.arenaBytes > 3 * a.totals.arenaBytes, JSON.stringify(a.memory.reference));
  // int8 activations: a quarter of the float plan (864 KiB → 216 KiB).
  const float = JSON.parse((await cli(['analyze', fixtureModel('mobilenet_v2_vww_96'), '--json'])).stdout);
  assert.equal(a.totals.peakActivationBytes * 4, float.totals.peakActivationBytes);
  const e = JSON.parse((await cli(['analyze', out, '--device', 'esp32-s3', '--json'])).stdout).estimate;
  assert.equal(e.ram.arenaBytes, a.totals.arenaBytes, 'the device estimate plans the same arena');
  assert.equal(e.peakRamBytes, e.ram.arenaBytes + e.ram.weightBytes + e.ram.runtimeBytes);
  const adv = JSON.parse((await cli(['advise', out, '--device', 'esp32-s3', '--json'])).stdout);
  assert.equal(adv.resources.find((r: { name: string }) => r.name === 'memory').demand, e.peakRamBytes, 'advise agrees');
  const chk = JSON.parse((await cli(['check', out, '--device', 'esp32-s3', '--json'])).stdout);
  assert.equal(chk.resources.find((r: { name: string }) => r.name === 'memory').demand, e.peakRamBytes, 'check agrees');
  // And the advisor knows the model is int8 already.
  assert.ok(adv.applied.some((x: { id: string }) => x.id === 'int8'));
  assert.ok(![...adv.suggestions, ...adv.elsewhere].some((s: { technique: string }) => /^(int8|float16)/.test(s.technique)));
});

test('--input-shape and --value are checked against the model: rank, positive whole numbers, real input names', async () => {
  const silero = fixtureModel('silero_vad_16k_op15');
  const bad = async (args: string[], re: RegExp) => {
    const r = await cli(['analyze', silero, ...args]);
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.stdout}`);
    assert.match(r.stderr, re);
    assert.equal(r.stderr.trim().split('\n').length, 1, 'one line');
  };
  await bad(['--input-shape', 'input=1x3xfoo'], /'foo' is not a positive whole number/);
  await bad(['--input-shape', 'input=1x0'], /'0' is not a positive whole number/);
  await bad(['--input-shape', 'input=1x3x5'], /input has 2 dimensions, the pin 3 \(input input: float \[batch, sequence\]\)/);
  await bad(['--input-shape', 'inputs=1x512'], /names 'inputs', which is not an input of the model \(its inputs: input: float \[batch, sequence\]; state: float \[2, batch, 128\]; sr: int64 \[\]\)/);
  await bad(['--value', 'sr=16k'], /--value expects NAME=NUMBER/);
  await bad(['--value', 'sr=1.5'], /sr is int64|is int64, so the value must be a whole number/);
  await bad(['--value', 'rate=16000'], /names 'rate', which is not an input/);
  // The same checks guard every command that analyzes.
  for (const cmd of [['advise', '--device', 'esp32-s3'], ['check', '--device', 'esp32-s3'], ['whatif', '--device', 'esp32-s3']]) {
    const r = await cli([cmd[0]!, silero, ...cmd.slice(1), '--input-shape', 'input=1x3x5']);
    assert.equal(r.code, 2, `${cmd[0]}: ${r.stdout}`);
    assert.match(r.stderr, /the input has 2 dimensions/);
  }
  const ok = await cli(['analyze', silero, '--input-shape', 'input=1x512', '--input-shape', 'state=2x1x128', '--value', 'sr=16000', '--json']);
  assert.equal(ok.code, 0, ok.stderr);
  const j = JSON.parse(ok.stdout);
  assert.equal(j.bounds, undefined, 'pinned: every figure exact');
  assert.ok(j.assumptions.some((s: string) => /input 'sr' = 16000/.test(s)));
});

test('a float16 model is planned at float32 on a device without float16 arithmetic, at float16 where it has it', async () => {
  const out = join(dir, 'vww.fp16.onnx');
  assert.equal((await cli(['optimize', fixtureModel('mobilenet_v2_vww_96'), '--passes', 'fp16', '-o', out])).code, 0);
  const a = JSON.parse((await cli(['analyze', out, '--json'])).stdout);
  const float = JSON.parse((await cli(['analyze', fixtureModel('mobilenet_v2_vww_96'), '--json'])).stdout);
  assert.equal(a.totals.arenaBytes * 2, float.totals.arenaBytes, 'as stored: float16');
  const esp = JSON.parse((await cli(['analyze', out, '--device', 'esp32-s3', '--json'])).stdout).estimate;
  assert.equal(esp.ram.arenaBytes, float.totals.arenaBytes, 'esp32-s3 computes float16 in float32');
  assert.match(esp.ram.view, /float16 held as float32 \(esp32-s3 has no float16 kernels\)/);
  const pi = JSON.parse((await cli(['analyze', out, '--device', 'raspberry-pi-5', '--json'])).stdout).estimate;
  assert.equal(pi.ram.arenaBytes, a.totals.arenaBytes, 'the Pi 5 runs float16 natively');
});
