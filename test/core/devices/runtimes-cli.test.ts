import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run } from '../../../src/cli/commands/devices';
import { bufferIO } from '../../../src/cli/io';

test('aiot-lens devices lists board x runtime profiles: runtime, default, evidence count in JSON and the table', async () => {
  const io = bufferIO(mkdtempSync(join(tmpdir(), 'aiot-devrt-')));
  assert.equal(await run(['--json'], io), 0);
  const list = JSON.parse(io.stdout.join('')) as Record<string, unknown>[];
  const s3 = list.find((p) => p['id'] === 'esp32-s3')!;
  const ref = list.find((p) => p['id'] === 'esp32-s3@tflm-ref')!;
  // Existing fields stay; runtime, defaultRuntime, board, runtimeName and evidencePoints are added.
  for (const k of ['id', 'name', 'class', 'ramBytes', 'flashBytes', 'sources', 'runtime', 'defaultRuntime', 'board', 'runtimeName', 'evidencePoints', 'fit']) assert.ok(k in s3, k);
  assert.equal(s3['runtime'], 'esp-nn');
  assert.equal(s3['defaultRuntime'], true);
  assert.equal(ref['defaultRuntime'], false);
  assert.equal(s3['evidencePoints'], 3);
  assert.equal(ref['evidencePoints'], 2);
  assert.equal(list.find((p) => p['id'] === 'nvidia-t4')!['evidencePoints'], 0);
  const fitted = list.filter((p) => (p['evidencePoints'] as number) > 0);
  assert.ok(fitted.length >= 40, `${fitted.length} profiles with their own evidence`);

  const human = bufferIO(mkdtempSync(join(tmpdir(), 'aiot-devrt-')));
  assert.equal(await run([], human), 0);
  const text = human.stdout.join('');
  assert.match(text, /^esp32-s3\s+esp-nn \(default\)\s/m);
  assert.match(text, /^esp32-s3@tflm-ref\s+tflm-ref\s/m);
  assert.match(text, /^stm32l4r5\s+x-cube-ai \(default\).*24 pts, LOO \d+%, ×\/÷1\.\d\d/m);
  assert.match(text, /^nrf52840\s.*0 \(tflm-cmsis-nn on cortex-m4 boards\)/m);
});
