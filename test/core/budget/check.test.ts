import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { analyzeModelFileSync } from '../../../src/core/analyze';
import { checkModel, loadBudget, parseBudget } from '../../../src/core/budget';
import { getDevice, loadProfiles } from '../../../src/core/devices';
import { unwrap } from '../../../src/core/result';
import { run } from '../../../src/cli/commands/check';
import { bufferIO } from '../../../src/cli/io';

const models = join(__dirname, '..', '..', 'fixtures', 'models');

test('budget files are validated with errors naming the field', () => {
  const r = parseBudget(JSON.stringify({ device: 'stm32f746', ramHeadroom: 1.5, battery: { mah: 1000, v: 3 } }), '.aiot/budget.json');
  assert.ok(!r.ok);
  if (r.ok) return;
  assert.match(r.error.message, /^\.aiot\/budget\.json: /);
  assert.match(r.error.message, /field 'ramHeadroom' must be <= 1, got 1\.5/);
  assert.match(r.error.message, /field 'battery\.hours' is required/);
  assert.ok(!parseBudget('{}', 'b.json').ok);
  assert.ok(parseBudget(JSON.stringify({ device: 'x', fps: 10, battery: { mah: 1000, v: 3.7, hours: 24 } }), 'b.json').ok);
});

test('checkModel: resnet8 fits the F746 within headroom; the deadline and a headroom margin can fail it', () => {
  const reg = unwrap(loadProfiles());
  const f746 = unwrap(getDevice(reg, 'stm32f746'));
  const a = unwrap(analyzeModelFileSync(join(models, 'resnet8_cifar.onnx')));
  const ok = checkModel(a, 'resnet8', f746, { latencyMs: 1000 });
  assert.equal(ok.pass, true);
  const ram = ok.resources.find((r) => r.name === 'memory')!;
  // 200 KiB arena (weights execute in place) + 8 KiB runtime against 320 KiB.
  assert.equal(ram.demand, a.memory.arenaBytes + 8 * 1024);
  const tight = checkModel(a, 'resnet8', f746, { latencyMs: 1, ramHeadroom: 0.5 });
  assert.equal(tight.pass, false);
  assert.deepEqual(tight.resources.filter((r) => !r.fits).map((r) => r.name), ['compute', 'memory']);
});

test('aiot-lens check exits 1 over budget, 0 within, 2 on a bad budget file', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'aiot-check-'));
  mkdirSync(join(dir, '.aiot'));
  writeFileSync(join(dir, '.aiot', 'budget.json'), JSON.stringify({ device: 'stm32f746', latencyMs: 500, flashHeadroom: 0.2 }));
  const io = bufferIO(dir);
  assert.equal(await run([join(models, 'resnet8_cifar.onnx'), join(models, 'mobilenet_v2.onnx')], io), 1);
  const out = io.stdout.join('');
  assert.match(out, /^PASS .*resnet8_cifar\.onnx stm32f746 storage: /m);
  assert.match(out, /^FAIL .*mobilenet_v2\.onnx stm32f746 storage: /m);
  assert.equal(out.trim().split('\n').length, 10, 'one line per model and resource');

  const io2 = bufferIO(dir);
  assert.equal(await run([join(models, 'resnet8_cifar.onnx')], io2), 0);

  writeFileSync(join(dir, 'bad.json'), JSON.stringify({ device: 'stm32f746', fps: 'ten' }));
  const io3 = bufferIO(dir);
  assert.equal(await run([join(models, 'resnet8_cifar.onnx'), '--budget', 'bad.json'], io3), 2);
  assert.equal(io3.stderr.join(''), `aiot-lens check: bad.json: field 'fps' must be a number, got string "ten"\n`);
});
