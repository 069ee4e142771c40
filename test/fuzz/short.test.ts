// A short seeded fuzz run on every test run (CI included): mutated models through every engine stage must end in a
// result or a clean error, within the harness's 5 s per case. The long runs are `npm run fuzz -- --iterations N`.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { test } from 'node:test';

test('400 seeded fuzz cases: no crash, no hang, no heap blow-up', () => {
  const root = join(__dirname, '..', '..');
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/fuzz/run.ts', '--iterations', '400', '--seed', '20261126'], {
    cwd: root,
    encoding: 'utf8',
    timeout: 300_000,
  });
  const out = `${r.stdout}\n${r.stderr}`;
  assert.match(out, /0 crashes, 0 over 5000 ms, 0 out of heap/, out);
  assert.equal(r.status, 0, out);
});

test('150 seeded .tflite fuzz cases (flatbuffer offsets, lengths, truncation): no crash, no hang', () => {
  const root = join(__dirname, '..', '..');
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/fuzz/run.ts', '--iterations', '150', '--seed', '20261203', '--tflite'], {
    cwd: root,
    encoding: 'utf8',
    timeout: 300_000,
  });
  const out = `${r.stdout}\n${r.stderr}`;
  assert.match(out, /0 crashes, 0 over 5000 ms, 0 out of heap/, out);
  assert.equal(r.status, 0, out);
});
