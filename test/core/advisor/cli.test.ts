import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { run } from '../../../src/cli/commands/advise';
import { bufferIO } from '../../../src/cli/io';

const models = join(__dirname, '..', '..', 'fixtures', 'models');

test('aiot-lens advise --json follows the contract', async () => {
  const io = bufferIO(models);
  assert.equal(await run(['resnet8_cifar.onnx', '--device', 'nrf52840', '--fps', '2', '--battery-mah', '220', '--battery-v', '3', '--hours', '48', '--json'], io), 0);
  const a = JSON.parse(io.stdout.join(''));
  assert.equal(a.device, 'nrf52840');
  assert.deepEqual(a.resources.map((r: { name: string }) => r.name), ['compute', 'memory', 'storage', 'communication', 'energy']);
  for (const r of a.resources) for (const k of ['demand', 'budget', 'unit', 'utilization', 'fits']) assert.ok(k in r, `${r.name}.${k}`);
  // 12.5 M MACs on a 64 MHz M4F in fp32 take seconds: at 2 fps the compute deadline (500 ms) binds, from the model.
  assert.equal(a.bottleneck.resource, 'compute');
  assert.equal(a.bottleneck.module, 'model');
  assert.ok(a.suggestions.length + a.elsewhere.length >= 5);
  for (const k of ['applied', 'notSuggested', 'warnings', 'elsewhere']) assert.ok(Array.isArray(a[k]), k);
  for (const s of [...a.suggestions, ...a.elsewhere]) {
    for (const k of ['technique', 'module', 'resources', 'estimate', 'command']) assert.ok(k in s, `${s.technique}.${k}`);
    assert.ok(typeof s.estimate.latencyMs === 'number');
  }
  // int8 runs at the 4x faster int8 peak and fixes compute; fp16 does not (no fp16 on an M4): it is listed apart.
  assert.ok(a.suggestions.some((s: { technique: string }) => /^int8/.test(s.technique)));
  const fp16 = a.elsewhere.find((s: { technique: string }) => /^float16/.test(s.technique));
  assert.equal(fp16.doesNotFix, 'compute');
  assert.match(fp16.reason, /nrf52840 has no float16 arithmetic/);
});

test('aiot-lens advise: usage errors exit 2 with one line', async () => {
  const io = bufferIO(models);
  assert.equal(await run(['resnet8_cifar.onnx', '--device', 'nope'], io), 2);
  assert.match(io.stderr.join(''), /^aiot-lens advise: unknown device 'nope'/);
  const io2 = bufferIO(models);
  assert.equal(await run(['resnet8_cifar.onnx', '--device', 'nrf52840', '--battery-mah', '100'], io2), 2);
  assert.match(io2.stderr.join(''), /go together/);
});
