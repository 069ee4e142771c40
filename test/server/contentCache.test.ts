import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ContentCache, sha256File } from '../../src/server/contentCache';

const sample = new URL('../../samples/mobilenet_v2_vww_96.onnx', import.meta.url).pathname;

test('sha256File equals the sha256 of the whole file', async () => {
  const expected = createHash('sha256').update(readFileSync(sample)).digest('hex');
  assert.equal(await sha256File(sample), expected);
});

test('results are reused until the file is invalidated, then recomputed for the new content', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'aiot-cache-'));
  const file = join(dir, 'm.onnx');
  writeFileSync(file, 'first');
  const cache = new ContentCache<string>();
  let computed = 0;
  const compute = async (hash: string) => `${++computed}:${hash.slice(0, 8)}`;

  const a = await cache.get(file, '', compute);
  const b = await cache.get(file, '', compute);
  assert.equal(a.cached, false);
  assert.equal(b.cached, true);
  assert.equal(b.value, a.value);
  assert.equal(computed, 1);

  writeFileSync(file, 'second');
  cache.invalidate(file);
  const c = await cache.get(file, '', compute);
  assert.equal(c.cached, false);
  assert.notEqual(c.contentHash, a.contentHash);
  assert.equal(computed, 2);

  // Same bytes again: the first result is still cached under its content hash.
  writeFileSync(file, 'first');
  cache.invalidate(file);
  const d = await cache.get(file, '', compute);
  assert.equal(d.cached, true);
  assert.equal(d.value, a.value);

  // A different variant (pinned input shapes) is a different entry.
  const e = await cache.get(file, 'x=1x3x8x8', compute);
  assert.equal(e.cached, false);
});

test('concurrent requests share one computation; rejected results are not kept', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'aiot-cache-'));
  const file = join(dir, 'm.onnx');
  writeFileSync(file, 'bytes');
  const cache = new ContentCache<{ ok: boolean }>(8, (v) => v.ok);
  let computed = 0;
  const slow = async () => {
    computed++;
    await new Promise((r) => setTimeout(r, 10));
    return { ok: false };
  };
  const [x, y] = await Promise.all([cache.get(file, '', slow), cache.get(file, '', slow)]);
  assert.equal(computed, 1);
  assert.equal(y.cached, true);
  assert.deepEqual(x.value, { ok: false });
  assert.equal(cache.size, 0);
  await cache.get(file, '', slow);
  assert.equal(computed, 2);
});

test('the cache is bounded: least recently used entries go first', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'aiot-cache-'));
  const cache = new ContentCache<number>(2);
  const files = [0, 1, 2].map((i) => {
    const f = join(dir, `${i}.onnx`);
    writeFileSync(f, `model ${i}`);
    return f;
  });
  let computed = 0;
  const compute = async () => ++computed;
  await cache.get(files[0]!, '', compute);
  await cache.get(files[1]!, '', compute);
  await cache.get(files[0]!, '', compute); // touch 0: 1 is now the oldest
  await cache.get(files[2]!, '', compute);
  assert.equal(cache.size, 2);
  assert.equal((await cache.get(files[0]!, '', compute)).cached, true);
  assert.equal((await cache.get(files[1]!, '', compute)).cached, false);
});

test('a missing file rejects and is not remembered', async () => {
  const cache = new ContentCache<number>();
  await assert.rejects(cache.get('/nonexistent/m.onnx', '', async () => 1), /ENOENT/);
});
