// Training-script analysis time per published file (the corpus of test/fixtures/python/published, fetched into
// .cache/python-corpus by scripts/python-corpus.py): parse + analyze, the first run of each file (after the analyzer
// itself is warm) and the median of N more. Target: every file < 1 s.
//
//   node --import tsx bench/python-corpus.ts [--runs N]

import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { cpus, loadavg } from 'node:os';
import { loadPython } from '../src/core/python';
import { analyzeTreeSafe } from '../src/core/python/analyze-script';
import { parseOnce } from '../src/core/python/parser';

const args = process.argv.slice(2);
const runs = Number(args[args.indexOf('--runs') + 1] || 5);
const root = join(__dirname, '..');
const corpus = process.env.AIOT_LENS_PY_CORPUS ?? join(root, '.cache', 'python-corpus');
const sources = (JSON.parse(readFileSync(join(root, 'test', 'fixtures', 'python', 'published', 'SOURCES.json'), 'utf8')) as { files: { id: string; repo: string; path: string }[] }).files;

async function main(): Promise<void> {
  const lang = await loadPython();
  if (!lang.ok) throw new Error(lang.error.message);
  const files = sources.map((s) => ({ id: s.id, path: join(corpus, s.repo.replace('/', '+'), s.path) })).filter((f) => existsSync(f.path));
  if (files.length === 0) {
    console.log(`corpus not present in ${corpus}: run /usr/bin/python3 scripts/python-corpus.py fetch`);
    return;
  }
  const once = (f: { path: string }): number => {
    const text = readFileSync(f.path, 'utf8');
    const t0 = performance.now();
    const tree = parseOnce(lang.value, text)!;
    analyzeTreeSafe(tree, { scriptPath: f.path });
    const ms = performance.now() - t0;
    tree.delete();
    return ms;
  };
  // The first analysis in a process also compiles the analyzer itself (JIT, lazy wasm): warm it on one of our fixtures.
  once({ path: join(root, 'test', 'fixtures', 'python', 'constructs', 'expansion_attr.py') });
  const cold = files.map(once);
  const rows = files.map((f, i) => {
    const xs = Array.from({ length: runs }, () => once(f)).sort((a, b) => a - b);
    return { id: f.id, coldMs: cold[i]!, medianMs: xs[Math.floor(xs.length / 2)]!, maxMs: xs[xs.length - 1]! };
  });
  rows.sort((a, b) => b.medianMs - a.medianMs);
  console.log(`${files.length} files, ${runs} runs each, ${cpus().length} CPUs, load ${loadavg().map((x) => x.toFixed(1)).join(' ')}`);
  for (const r of rows.slice(0, 8)) console.log(`  ${r.id.padEnd(64)} median ${r.medianMs.toFixed(1)} ms  max ${r.maxMs.toFixed(1)} ms  cold ${r.coldMs.toFixed(1)} ms`);
  const worst = Math.max(...rows.map((r) => Math.max(r.maxMs, r.coldMs)));
  console.log(`slowest run of any file: ${worst.toFixed(1)} ms (target < 1000 ms) — ${worst < 1000 ? 'ok' : 'OVER'}`);
}

void main();
