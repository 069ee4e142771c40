// Builds every bundle AIoT Lens ships: extension host, language server, CLI and the webview scripts.
// Usage: node esbuild.mjs [--dev] [--watch]. Production (default) is minified; both have source maps.
import * as esbuild from 'esbuild';
import { chmodSync, copyFileSync, existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = dirname(fileURLToPath(import.meta.url));
const args = new Set(process.argv.slice(2));
const dev = args.has('--dev');
const watch = args.has('--watch');
const dist = join(root, 'dist');

// onnxruntime-node carries native binaries and @litertjs/core its WebAssembly runtime: both are loaded from
// node_modules at run time, never bundled.
const external = ['onnxruntime-node', '@litertjs/core'];

const common = {
  bundle: true,
  minify: !dev,
  sourcemap: true,
  sourcesContent: false,
  logLevel: 'warning',
  external,
  define: { 'process.env.NODE_ENV': dev ? '"development"' : '"production"' },
};

const node = { ...common, platform: 'node', format: 'cjs', target: 'node20' };
const browser = { ...common, platform: 'browser', format: 'iife', target: 'es2022' };

/** Entry points that exist: another helper's webview may not be written yet, and then it is skipped. */
const targets = [
  { ...node, entryPoints: ['src/extension/extension.ts'], outfile: 'dist/extension.js', external: [...external, 'vscode'] },
  { ...node, entryPoints: ['src/server/server.ts'], outfile: 'dist/server.js' },
  // The CLI's start-up time is a product feature: commands are loaded lazily (see src/cli/main.ts).
  { ...node, entryPoints: ['src/cli/main.ts'], outfile: 'dist/cli.js', banner: { js: '#!/usr/bin/env node' } },
  { ...browser, entryPoints: ['webview/editor/main.ts'], outfile: 'dist/webview/editor.js' },
  { ...browser, entryPoints: ['webview/graph/main.ts'], outfile: 'dist/webview/graph.js', optional: true },
].filter((t) => {
  const present = existsSync(join(root, t.entryPoints[0]));
  if (!present && !t.optional) throw new Error(`esbuild: missing entry ${t.entryPoints[0]}`);
  return present;
});

/** Runtime files the bundles load by path (tree-sitter grammars, web components). */
function copyAssets() {
  const copies = [
    ['node_modules/web-tree-sitter', /\.wasm$/, 'dist'],
    ['node_modules/tree-sitter-python', /^tree-sitter-python\.wasm$/, 'dist'],
    ['node_modules/@vscode-elements/elements/dist', /^bundled\.js$/, 'dist/webview/vscode-elements'],
  ];
  for (const [dir, pattern, outDir] of copies) {
    const from = join(root, dir);
    if (!existsSync(from)) continue;
    mkdirSync(join(root, outDir), { recursive: true });
    for (const name of readdirSync(from)) {
      if (pattern.test(name)) copyFileSync(join(from, name), join(root, outDir, name));
    }
  }
}

const started = Date.now();
if (!watch) rmSync(dist, { recursive: true, force: true });
mkdirSync(dist, { recursive: true });
copyAssets();
const options = targets.map(({ optional, ...t }) => ({ ...t, absWorkingDir: root }));
if (watch) {
  for (const o of options) await (await esbuild.context(o)).watch();
  console.log(`esbuild: watching ${options.length} bundles`);
} else {
  // esbuild has already printed each error with its location; a stack trace would only bury them.
  const results = await Promise.allSettled(options.map((o) => esbuild.build(o)));
  if (results.some((r) => r.status === 'rejected')) process.exit(1);
  chmodSync(join(dist, 'cli.js'), 0o755);
  console.log(`esbuild: built ${options.map((o) => o.outfile).join(', ')} in ${Date.now() - started} ms`);
}
