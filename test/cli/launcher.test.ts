// dist/cli.js, the launcher: builds the CLI bundle and the launcher into a fresh folder (as npm run build does), then
// checks that a command's first run stores V8's code cache, the next run uses it with the same output, and that a
// rebuilt bundle or a corrupt cache file never breaks a run.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildSync } from 'esbuild';
import { fixtureModel } from '../helpers/models';

const root = join(__dirname, '..', '..');

function buildInto(dir: string): void {
  const common = { bundle: true, platform: 'node' as const, format: 'cjs' as const, target: 'node20', external: ['onnxruntime-node'], logLevel: 'silent' as const, absWorkingDir: root };
  buildSync({ ...common, entryPoints: ['src/cli/bin.ts'], outfile: join(dir, 'dist', 'cli-main.js'), supported: { 'dynamic-import': false } });
  buildSync({ ...common, entryPoints: ['src/cli/launcher.ts'], outfile: join(dir, 'dist', 'cli.js') });
  symlinkSync(join(root, 'node_modules'), join(dir, 'node_modules'));
}

function cli(dir: string, args: string[], env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, [join(dir, 'dist', 'cli.js'), ...args], { encoding: 'utf8', env: { ...process.env, AIOT_LENS_DEBUG: '1', XDG_CACHE_HOME: join(dir, 'xdg'), ...env } });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

test('the code cache: stored after the first run of a command, used by the next, same output; a corrupt or stale cache is only slower', () => {
  const dir = mkdtempSync(join(tmpdir(), 'aiot-launcher-'));
  buildInto(dir);
  const model = fixtureModel('resnet8_cifar');
  const first = cli(dir, ['analyze', model, '--json']);
  assert.equal(first.code, 0, first.err);
  assert.match(first.err, /code cache miss \(analyze\)/);
  const caches = readdirSync(join(dir, 'dist', '.v8-cache'));
  assert.equal(caches.length, 1);
  assert.match(caches[0]!, new RegExp(`^cli-main\\.analyze\\.${process.versions.v8.replace(/\./g, '\\.')}\\.\\d+-\\d+\\.bin$`));
  const second = cli(dir, ['analyze', model, '--json']);
  assert.match(second.err, /code cache hit \(analyze\)/);
  assert.equal(second.out, first.out);
  const plain = cli(dir, ['analyze', model, '--json'], { AIOT_LENS_COMPILE_CACHE: '0' });
  assert.equal(plain.out, first.out);
  assert.doesNotMatch(plain.err, /code cache/);
  // Garbage in the cache file: V8 rejects it, the run is correct, and a good cache replaces it.
  writeFileSync(join(dir, 'dist', '.v8-cache', caches[0]!), 'not a cache');
  const corrupt = cli(dir, ['analyze', model, '--json']);
  assert.equal(corrupt.out, first.out);
  assert.match(corrupt.err, /code cache rejected/);
  assert.match(cli(dir, ['analyze', model, '--json']).err, /code cache hit/);
  // A rebuilt bundle (new mtime) gets a cache of its own; the old one is removed.
  utimesSync(join(dir, 'dist', 'cli-main.js'), new Date(), new Date(Date.now() + 60_000));
  assert.match(cli(dir, ['analyze', model, '--json']).err, /code cache miss/);
  assert.equal(readdirSync(join(dir, 'dist', '.v8-cache')).length, 1);
  // Failed usage (exit 2) stores nothing; --version and help bypass the cache.
  assert.equal(cli(dir, ['nope']).code, 2);
  assert.deepEqual(readdirSync(join(dir, 'dist', '.v8-cache')).filter((f) => f.includes('nope')), []);
  const version = cli(dir, ['--version']);
  assert.match(version.out, /^\d+\.\d+\.\d+\n$/);
});

test('a cached run can load what the bundle once loaded dynamically (web-tree-sitter\'s grammar for check-script)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'aiot-launcher-'));
  buildInto(dir);
  // The grammar files live beside the bundle, as npm run build copies them there.
  symlinkSync(join(root, 'node_modules', 'web-tree-sitter', 'web-tree-sitter.wasm'), join(dir, 'dist', 'web-tree-sitter.wasm'));
  symlinkSync(join(root, 'node_modules', 'tree-sitter-python', 'tree-sitter-python.wasm'), join(dir, 'dist', 'tree-sitter-python.wasm'));
  const script = join(dir, 'net.py');
  writeFileSync(script, 'import torch.nn as nn\n\nclass Net(nn.Module):\n    def __init__(self):\n        super().__init__()\n        self.fc = nn.Linear(10, 4)\n');
  for (const expected of [/code cache miss/, /code cache hit/]) {
    const r = cli(dir, ['check-script', script]);
    assert.equal(r.code, 0, r.err);
    assert.match(r.err, expected);
    assert.match(r.out, /Net: 44 params/);
  }
});
