// Builds and packages the .vsix with @vscode/vsce. `npm run package` keeps every platform's onnxruntime binaries;
// `npm run package -- --target linux-x64` (or darwin-arm64, win32-x64, linux-arm64, ...) keeps only that platform's,
// by handing vsce a copy of .vscodeignore whose onnxruntime re-include names just that folder.
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const args = process.argv.slice(2);
const t = args.indexOf('--target');
const target = t >= 0 ? args[t + 1] : undefined;
const run = (cmd, argv) => {
  const r = spawnSync(cmd, argv, { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
};

if (!args.includes('--no-build')) run(process.execPath, ['esbuild.mjs']);
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const out = join(root, `${pkg.name}-${target ? `${target}-` : ''}${pkg.version}.vsix`);
// No repository URL yet: README links stay relative (set "repository" in package.json before publishing).
const vsceArgs = ['package', '--no-rewrite-relative-links', '--allow-missing-repository', '--out', out];
let ignoreCopy;
if (target) {
  const m = /^(linux|darwin|win32|alpine)-(x64|arm64|armhf)$/.exec(target);
  if (!m) {
    console.error(`package: --target must look like linux-x64 or darwin-arm64, got '${target}'`);
    process.exit(2);
  }
  const [, os, arch] = m;
  const text = readFileSync(join(root, '.vscodeignore'), 'utf8').replace(
    '!node_modules/onnxruntime-node/bin/**',
    `!node_modules/onnxruntime-node/bin/napi-v*/${os === 'alpine' ? 'linux' : os}/${arch}/**`,
  );
  ignoreCopy = join(root, `.vscodeignore.${target}.tmp`);
  writeFileSync(ignoreCopy, text);
  vsceArgs.push('--target', target, '--ignoreFile', ignoreCopy);
}
try {
  run(process.execPath, [join(root, 'node_modules', '@vscode', 'vsce', 'vsce'), ...vsceArgs]);
} finally {
  if (ignoreCopy) rmSync(ignoreCopy, { force: true });
}
console.log(`package: ${out} (${(statSync(out).size / 2 ** 20).toFixed(1)} MiB)`);
