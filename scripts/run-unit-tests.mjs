// Runs every test/**/*.test.ts (except end-to-end suites) with Node's own test runner, TypeScript through tsx.
// Node 20's --test does not expand globs, so the files are listed here. Pass paths or substrings to filter.
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const skip = new Set(['e2e', 'electron', 'fixtures']);

function walk(dir, out) {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) {
      if (!skip.has(name)) walk(p, out);
    } else if (name.endsWith('.test.ts')) {
      out.push(relative(root, p));
    }
  }
  return out;
}

const filters = process.argv.slice(2);
const files = walk(join(root, 'test'), []).filter((f) => filters.length === 0 || filters.some((x) => f.includes(x))).sort();
if (files.length === 0) {
  console.error('no test files matched');
  process.exit(1);
}
const r = spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-reporter=spec', ...files], {
  cwd: root,
  stdio: 'inherit',
});
process.exit(r.status ?? 1);
