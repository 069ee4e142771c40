import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run } from '../../../src/cli/commands/devices';
import { bufferIO } from '../../../src/cli/io';

test('aiot-lens devices --json lists devices and links with the contract fields', async () => {
  const io = bufferIO(mkdtempSync(join(tmpdir(), 'aiot-devcli-')));
  assert.equal(await run(['--json'], io), 0);
  const list = JSON.parse(io.stdout.join('')) as Record<string, unknown>[];
  assert.ok(list.length >= 26);
  for (const p of list) for (const k of ['id', 'name', 'class', 'ramBytes', 'flashBytes', 'sources']) assert.ok(k in p, `${String(p['id'])}.${k}`);
  assert.ok(list.some((p) => p['class'] === 'link' && p['id'] === 'lora'));
  const f746 = list.find((p) => p['id'] === 'stm32f746')!;
  assert.equal(f746['ramBytes'], 327680);
});

test('aiot-lens devices: a broken --profiles file is one stderr line naming file and field, exit 2', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'aiot-devcli-'));
  writeFileSync(join(dir, 'mine.json'), JSON.stringify({ id: 'x', name: 'X', class: 'link', uplinkBitsPerSecond: '1M', rttMs: 1, sources: ['s'] }));
  const io = bufferIO(dir);
  assert.equal(await run(['--profiles', 'mine.json'], io), 2);
  assert.equal(io.stderr.join(''), `aiot-lens devices: ${join(dir, 'mine.json')}: field 'uplinkBitsPerSecond' must be a number, got string "1M"\n`);
});
