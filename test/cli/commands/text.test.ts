// `aiot-lens print` and `aiot-lens parse` in-process, and the documented git textconv setup for real: a temp repo,
// a committed model, a changed model, and `git diff` showing the change as ONNX text.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bufferIO } from '../../../src/cli/io';
import { run as runPrint } from '../../../src/cli/commands/print';
import { run as runParse } from '../../../src/cli/commands/parse';
import { decodeModel } from '../../../src/core/onnx/decode';
import { encodeModel } from '../../../src/core/onnx/encode';
import { modelDifferences } from '../../core/onnx/text/equivalence';

const root = join(import.meta.dirname, '../../..');
const MODEL = join(root, 'test/fixtures/models/resnet8_cifar.onnx');

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'aiot-text-'));
}

function decodeFile(path: string) {
  const r = decodeModel(readFileSync(path), { path });
  assert.ok(r.ok);
  return r.value;
}

test('print writes ONNX text to stdout; parse rebuilds the model, refusing elided weights without --weights-from', async () => {
  const dir = tempDir();
  try {
    const io = bufferIO(dir);
    assert.equal(await runPrint([MODEL], io), 0);
    const text = io.stdout.join('');
    assert.match(text, /^<\n  ir_version: 7,/);
    assert.match(text, /\["aiot_elided_sha256": "[0-9a-f]{16}"\]/);
    writeFileSync(join(dir, 'm.onnxtxt'), text);

    const refused = bufferIO(dir);
    assert.equal(await runParse(['m.onnxtxt', '-o', 'out.onnx'], refused), 2);
    assert.match(refused.stderr.join(''), /^aiot-lens parse: m\.onnxtxt:\d+:\d+: 13 tensors are elided .*--weights-from ORIGINAL\.onnx/);
    assert.ok(!existsSync(join(dir, 'out.onnx')), 'nothing is written on failure');

    const built = bufferIO(dir);
    assert.equal(await runParse(['m.onnxtxt', '-o', 'out.onnx', '--weights-from', MODEL], built), 0, built.stderr.join(''));
    assert.deepEqual(modelDifferences(decodeFile(MODEL), decodeFile(join(dir, 'out.onnx'))), []);
    assert.deepEqual(readdirSync(dir).filter((f) => f.endsWith('.tmp')), [], 'no temporary file is left behind');

    const exists = bufferIO(dir);
    assert.equal(await runParse(['m.onnxtxt', '-o', 'out.onnx', '--weights-from', MODEL], exists), 2);
    assert.match(exists.stderr.join(''), /out\.onnx: the output file exists \(use --force to replace it\)/);

    const full = bufferIO(dir);
    assert.equal(await runPrint([MODEL, '--full'], full), 0);
    writeFileSync(join(dir, 'full.onnxtxt'), full.stdout.join(''));
    const forced = bufferIO(dir);
    assert.equal(await runParse(['full.onnxtxt', '-o', 'out.onnx', '--force'], forced), 0, forced.stderr.join(''));
    assert.deepEqual(modelDifferences(decodeFile(MODEL), decodeFile(join(dir, 'out.onnx'))), []);

    writeFileSync(join(dir, 'bad.onnxtxt'), text.replace('= Conv', '= Conv <'));
    const bad = bufferIO(dir);
    assert.equal(await runParse(['bad.onnxtxt', '-o', 'bad.onnx'], bad), 2);
    assert.match(bad.stderr.join(''), /^aiot-lens parse: bad\.onnxtxt:\d+:\d+: expected an attribute name/);

    const missing = bufferIO(dir);
    assert.equal(await runPrint(['nope.onnx'], missing), 2);
    assert.equal(missing.stderr.join(''), 'aiot-lens print: nope.onnx: no such file\n');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('git textconv with "aiot-lens print" shows model changes as text diffs', (t) => {
  try {
    execFileSync('git', ['--version'], { stdio: 'ignore' });
  } catch {
    t.skip('git is not installed');
    return;
  }
  const dir = tempDir();
  try {
    const git = (...args: string[]) => execFileSync('git', args, { cwd: dir, encoding: 'utf8', env: { ...process.env, GIT_CONFIG_NOSYSTEM: '1' } });
    git('init', '-q');
    git('config', 'user.email', 'test@example.com');
    git('config', 'user.name', 'test');
    // The sources, not dist/cli.js, which may be older than the code under test.
    const cli = `node ${join(root, 'node_modules/.bin/tsx')} ${join(root, 'src/cli/main.ts')}`;
    git('config', 'diff.onnx.textconv', `${cli} print`);
    writeFileSync(join(dir, '.gitattributes'), '*.onnx diff=onnx\n');
    copyFileSync(MODEL, join(dir, 'model.onnx'));
    git('add', '.');
    git('commit', '-qm', 'model');

    // Change one attribute and one small tensor value, as an optimization pass would.
    const model = decodeFile(MODEL);
    const gemm = model.graph.nodes.find((n) => n.opType === 'Gemm');
    assert.ok(gemm, 'resnet8 ends in Gemm');
    const relu = model.graph.nodes.find((n) => n.opType === 'Relu')!;
    relu.opType = 'LeakyRelu';
    relu.attributes.push({ name: 'alpha', type: 'float', value: 0.125 });
    const bytes = encodeModel(model);
    assert.ok(bytes.ok);
    writeFileSync(join(dir, 'model.onnx'), bytes.value);

    const diff = git('diff', '--no-color', 'model.onnx');
    assert.doesNotMatch(diff, /Binary files/);
    const removed = diff.split('\n').filter((l) => l.startsWith('-') && !l.startsWith('---'));
    const added = diff.split('\n').filter((l) => l.startsWith('+') && !l.startsWith('+++'));
    assert.equal(removed.length, 1, diff);
    assert.equal(added.length, 1, diff);
    assert.match(removed[0]!, /= Relu \(/);
    assert.match(added[0]!, /= LeakyRelu <alpha: float = 0\.125> \(/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
