import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { startCli } from '../../src/extension/childCli';

const root = join(__dirname, '..', '..');
const cli = join(root, 'dist', 'cli.js');
const sample = join(root, 'samples', 'mobilenet_v2_vww_96.onnx');
const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

test('a finished CLI run returns its JSON', { skip: !existsSync(cli) && 'dist/cli.js not built' }, async () => {
  const r = await startCli(process.execPath, cli, ['analyze', sample, '--json'], root).done;
  assert.equal(r.ok, true);
  if (r.ok) assert.equal(JSON.parse(r.stdout).model.nodeCount, 210);
});

test('a failing CLI run reports its one-line error', { skip: !existsSync(cli) && 'dist/cli.js not built' }, async () => {
  const r = await startCli(process.execPath, cli, ['analyze', join(root, 'no-such.onnx')], root).done;
  assert.equal(r.ok, false);
  if (!r.ok) {
    assert.equal(r.cancelled, false);
    assert.match(r.message, /no-such\.onnx/);
  }
});

test('cancel kills a long onnxruntime profile run and its process group', { skip: !existsSync(cli) && 'dist/cli.js not built' }, async () => {
  // 10^6 runs would take minutes: only cancel ends it.
  const run = startCli(process.execPath, cli, ['profile', sample, '--runs', '1000000', '--json'], root);
  await new Promise((r) => setTimeout(r, 1500));
  assert.ok(run.pid !== undefined && alive(run.pid));
  const t = Date.now();
  run.cancel();
  const r = await run.done;
  assert.deepEqual(r, { ok: false, cancelled: true, message: 'cancelled' });
  assert.ok(Date.now() - t < 5000);
  assert.equal(alive(run.pid!), false);
});
