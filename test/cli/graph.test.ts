import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run } from '../../src/cli/commands/graph';
import { bufferIO } from '../../src/cli/io';

const models = join(import.meta.dirname, '../fixtures/models');

test('graph --json prints the counts of the full layout', async () => {
  const io = bufferIO(models);
  assert.equal(await run(['mobilenet_v2.onnx', '--json'], io), 0);
  const out = JSON.parse(io.stdout.join(''));
  assert.deepEqual(Object.keys(out).sort(), ['edges', 'height', 'layoutMs', 'nodes', 'width']);
  // 100 compute nodes (Constant/Identity weights fold into them) + input + output terminals.
  assert.equal(out.nodes, 102);
  assert.ok(out.edges >= out.nodes - 1 && out.width > 0 && out.height > 0);
});

test('graph --svg writes the drawing with inferred shapes on the edges', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'aiot-graph-'));
  try {
    const io = bufferIO(models);
    assert.equal(await run(['squeezenet1_1.onnx', '--svg', join(dir, 'g.svg')], io), 0);
    const svg = readFileSync(join(dir, 'g.svg'), 'utf8');
    assert.ok(svg.startsWith('<svg'));
    // The first Conv's output, 1×64×111×111, is only known from shape inference (not declared in the file).
    assert.ok(svg.includes('>1×64×111×111<'));
    assert.deepEqual(readdirSync(dir), ['g.svg'], 'no temporary file is left behind');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('graph reports unreadable models in one line with exit code 2', async () => {
  const io = bufferIO(models);
  assert.equal(await run(['MODELS.md', '--json'], io), 2);
  const err = io.stderr.join('');
  assert.match(err, /^aiot-lens graph: .*MODELS\.md/);
  assert.equal(err.trim().split('\n').length, 1);
  const missing = bufferIO(models);
  assert.equal(await run(['nope.onnx'], missing), 2);
  assert.match(missing.stderr.join(''), /nope\.onnx: no such file/);
});
