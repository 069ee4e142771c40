// dist/cli.js: starts the CLI bundle (dist/cli-main.js) with V8's code cache. The first run of each command
// compiles the bundle as usual and, once the command has finished, stores the compiled code of everything it ran
// (`vm.Script#createCachedData`) beside the bundle (or in ~/.cache/aiot-lens when dist/ is read-only); later runs
// of that command skip parsing and compiling. A cache is keyed by V8 version and the bundle's size and mtime, so a
// rebuilt bundle or another Node never reads a stale one (V8 also rejects mismatches itself). Nothing here may
// fail a run: any problem with the cache falls back to an ordinary load. AIOT_LENS_COMPILE_CACHE=0 turns it off.
// Code restored from a cache loses vm's dynamic-import callback, so the bundle must not call import(): esbuild.mjs
// builds it with dynamic import lowered to require (web-tree-sitter's `import("fs/promises")` is the one there was).

import { mkdirSync, readdirSync, readFileSync, renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import Module from 'node:module';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { Script } from 'node:vm';

// Decoding a model allocates fast: a young generation that grows 8× per step instead of 2× scavenges 2 times
// instead of 5 during `analyze` of a 14 MB model.
setFlagsFromString('--semi-space-growth-factor=8');

const bundle = join(__dirname, 'cli-main.js');

function cacheDirs(): string[] {
  const xdg = process.env['XDG_CACHE_HOME'];
  return [join(__dirname, '.v8-cache'), join(xdg && xdg.startsWith('/') ? xdg : join(homedir(), '.cache'), 'aiot-lens')];
}

function start(): void {
  const command = process.argv[2] ?? '';
  if (process.env['AIOT_LENS_COMPILE_CACHE'] === '0' || !/^[a-z][a-z-]{0,31}$/.test(command)) {
    require(bundle);
    return;
  }
  let source: string;
  let key: string;
  try {
    const st = statSync(bundle);
    key = `${command}.${process.versions.v8}.${st.size}-${Math.round(st.mtimeMs)}`;
    source = readFileSync(bundle, 'utf8');
  } catch {
    require(bundle);
    return;
  }
  const prefix = `cli-main.${command}.`;
  let cached: Buffer | undefined;
  for (const dir of cacheDirs()) {
    try {
      cached = readFileSync(join(dir, `${prefix}${key.slice(command.length + 1)}.bin`));
      break;
    } catch {
      // not cached there
    }
  }
  let script: Script;
  try {
    // The CommonJS wrapper Node itself would add, so the bundle sees the same require/module/exports.
    script = new Script(`(function (exports, require, module, __filename, __dirname) {${source}\n})`, { filename: bundle, ...(cached ? { cachedData: cached } : {}) });
  } catch {
    require(bundle);
    return;
  }
  const mod = new Module(bundle, module);
  mod.filename = bundle;
  (mod as unknown as { paths: string[] }).paths = (Module as unknown as { _nodeModulePaths(d: string): string[] })._nodeModulePaths(dirname(bundle));
  if (!cached || script.cachedDataRejected) {
    process.once('exit', (code) => {
      // Only a command that ran to its end (ok, or a failed check) shows what the command compiles.
      if (code === 0 || code === 1) storeCache(script, prefix, key.slice(command.length + 1));
    });
  }
  // AIOT_LENS_DEBUG: say what the cache did (tests and `npm run bench` read this line).
  if (process.env['AIOT_LENS_DEBUG']) process.stderr.write(`aiot-lens: code cache ${!cached ? 'miss' : script.cachedDataRejected ? 'rejected' : 'hit'} (${command})\n`);
  const wrapper = script.runInThisContext() as (e: unknown, r: NodeRequire, m: unknown, f: string, d: string) => void;
  wrapper.call(mod.exports, mod.exports, Module.createRequire(bundle), mod, bundle, dirname(bundle));
}

function storeCache(script: Script, prefix: string, suffix: string): void {
  let data: Buffer;
  try {
    data = script.createCachedData();
  } catch {
    return;
  }
  for (const dir of cacheDirs()) {
    try {
      mkdirSync(dir, { recursive: true, mode: 0o700 });
      const file = join(dir, `${prefix}${suffix}.bin`);
      const tmp = `${file}.${process.pid}.tmp`;
      writeFileSync(tmp, data, { mode: 0o600 });
      renameSync(tmp, file);
      // Caches of this command for an older bundle or another V8 are dead weight.
      for (const old of readdirSync(dir)) if (old.startsWith(prefix) && old !== `${prefix}${suffix}.bin` && !old.endsWith('.tmp')) unlinkSync(join(dir, old));
      return;
    } catch {
      // read-only or full: try the next place, else run without a cache
    }
  }
}

start();
