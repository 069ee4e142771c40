// Apply-and-run: every quick fix with text edits that the analysis offers, on every fixture script (ours, plus the
// published corpus when it is fetched), is applied alone and the result is run in PyTorch: as __main__ (our
// fixtures: forward passes, training steps and exports on random data) and by building the model and running one
// forward pass and one training step. A fixed script must get at least as far as the original did: 0 failures.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { test } from 'node:test';
import type { Node } from 'web-tree-sitter';
import { checkScriptText } from '../../../src/core/python';
import { applyEdits, python, SCRIPTS } from './helpers';

const ROOT = join(__dirname, '..', '..', '..');
const PY_FIXTURES = join(ROOT, 'test', 'fixtures', 'python');
const PUBLISHED = join(PY_FIXTURES, 'published');
const CORPUS = process.env.AIOT_LENS_PY_CORPUS ?? join(ROOT, '.cache', 'python-corpus');
const HARNESS = join(__dirname, 'run_scripts.py');
const SAFE_LOADER = join(ROOT, 'scripts', 'python-corpus.py');

/** A Python with PyTorch: $AIOT_LENS_PYTHON, else Debian's /usr/bin/python3 (python3-torch), else python3 on PATH. */
function torchPython(): string | undefined {
  const candidates = [process.env.AIOT_LENS_PYTHON, '/usr/bin/python3', 'python3'].filter((x): x is string => !!x);
  return candidates.find((p) => spawnSync(p, ['-c', 'import torch'], { stdio: 'ignore' }).status === 0);
}

interface Job {
  id: string;
  root: string;
  rel: string;
  text?: string;
  mode: 'main' | 'build' | 'compile';
  build?: string;
  input?: number[];
  inputExpr?: string;
  prelude?: string;
  argv?: string[];
  safeLoader?: string;
}

interface RunResult {
  id: string;
  ok: boolean;
  stage: string;
  error?: string;
  stdout: string;
  ms?: number;
}

const STAGES = ['compile', 'main', 'load', 'build', 'forward', 'train', 'done'];
/** How far a run got; "main" and the build stages are compared only within one mode. */
const rank = (r: RunResult): number => STAGES.indexOf(r.stage);

function runChunk(py: string, jobs: Job[]): Promise<RunResult[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(py, [HARNESS], { stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) reject(new Error(`harness exited ${code}: ${err.slice(-2000)}`));
      else resolve(JSON.parse(out) as RunResult[]);
    });
    child.stdin.end(JSON.stringify(jobs));
  });
}

/** Runs the jobs in one Python process per CPU (at most 2), each importing torch once. */
async function runAll(py: string, jobs: Job[]): Promise<Map<string, RunResult>> {
  const n = Math.max(1, Math.min(2, cpus().length));
  const chunks = Array.from({ length: n }, (_, i) => jobs.filter((_, j) => j % n === i));
  const results = (await Promise.all(chunks.filter((c) => c.length > 0).map((c) => runChunk(py, c)))).flat();
  return new Map(results.map((x) => [x.id, x]));
}

interface Subject {
  name: string;
  root: string;
  rel: string;
  /** Run as __main__ (our fixtures only: published files may train for hours or download data). */
  main: boolean;
  builds: { build: string; input?: number[]; inputExpr?: string; prelude?: string }[];
  argv?: string[];
  safe: boolean;
}

/**
 * Whether lines `from`..`to` lie where building the model cannot reach: inside the `if __name__ == "__main__":` block,
 * or inside a top-level function whose name occurs nowhere else in the file except in that block (nor in a build
 * expression).
 */
function outsideBuild(root: Node, text: string, from: number, to: number, builds: string[]): boolean {
  const top = root.namedChildren.filter((c): c is Node => c !== null);
  const st = top.find((c) => c.startPosition.row <= from && to <= c.endPosition.row);
  if (!st) return false;
  const guard = top.find((c) => c.type === 'if_statement' && /__name__\s*==\s*['"]__main__['"]/.test(c.childForFieldName('condition')?.text ?? ''));
  if (guard && st.id === guard.id) return true;
  const fn = st.type === 'decorated_definition' ? st.childForFieldName('definition') : st;
  const name = fn?.type === 'function_definition' ? fn.childForFieldName('name')?.text : undefined;
  if (!name) return false;
  const outside = text.slice(0, st.startIndex) + text.slice(st.endIndex);
  const elsewhere = guard ? outside.replace(text.slice(guard.startIndex, guard.endIndex), '') : outside;
  const re = new RegExp(`\\b${name}\\b`);
  return !re.test(elsewhere) && !builds.some((b) => re.test(b));
}

function ourSubjects(): Subject[] {
  const out: Subject[] = [];
  for (const dir of [join(PY_FIXTURES, 'fixes'), join(PY_FIXTURES, 'entry'), join(PY_FIXTURES, 'constructs'), SCRIPTS]) {
    if (!existsSync(dir)) continue;
    for (const f of readdirSync(dir).filter((x) => x.endsWith('.py')).sort()) out.push({ name: relative(PY_FIXTURES, join(dir, f)), root: dir, rel: f, main: true, builds: [], safe: false });
  }
  return out;
}

interface Source {
  id: string;
  repo: string;
  path: string;
  argv?: string[];
  models: { build: string; input?: number[]; inputExpr?: string; prelude?: string }[];
}

function corpusSubjects(): Subject[] {
  const sourcesPath = join(PUBLISHED, 'SOURCES.json');
  if (!existsSync(sourcesPath)) return [];
  const sources = (JSON.parse(readFileSync(sourcesPath, 'utf8')) as { files: Source[] }).files;
  return sources
    .filter((s) => existsSync(join(CORPUS, s.repo.replace('/', '+'), s.path)))
    .map((s) => ({ name: s.id, root: join(CORPUS, s.repo.replace('/', '+')), rel: s.path, main: false, builds: s.models, argv: s.argv, safe: true }));
}

test('every offered quick fix, applied, still runs in PyTorch (0 failures)', { timeout: 1_200_000 }, async (t) => {
  const py = torchPython();
  if (!py) {
    t.skip('no python3 with PyTorch (apt-get install python3-torch, or set AIOT_LENS_PYTHON): apply-and-run test skipped');
    return;
  }
  const corpus = corpusSubjects();
  if (corpus.length === 0) t.diagnostic(`published corpus not present in ${CORPUS}: only our fixtures are run`);
  const lang = await python();
  const originals: Job[] = [];
  const variants: { job: Job; original: string; fix: string }[] = [];
  let offered = 0;
  let distinct = 0;
  for (const s of [...ourSubjects(), ...corpus]) {
    const path = join(s.root, s.rel);
    const text = readFileSync(path, 'utf8');
    const { report, model } = await checkScriptText(lang, text, { scriptPath: path, workspaceRoot: dirname(path) });
    // Our fixtures are also built the way the analysis found the model: its constructor call, at its input shape.
    const builds = [...s.builds];
    const site = model.model;
    if (!s.safe && site?.inputShape?.every((d) => typeof d === 'number') && site.mod.kind === 'user') {
      const r = site.mod.range;
      const lines = text.split('\n');
      const call = r.start.line === r.end.line ? lines[r.start.line]!.slice(r.start.character, r.end.character) : undefined;
      if (call) builds.push({ build: call, input: site.inputShape as number[] });
    }
    const base = { root: s.root, rel: s.rel, ...(s.argv ? { argv: s.argv } : {}), ...(s.safe ? { safeLoader: SAFE_LOADER } : {}) };
    const modes: Omit<Job, 'id' | 'root' | 'rel'>[] = [
      ...(s.main ? [{ mode: 'main' as const }] : []),
      ...builds.map((b) => ({ mode: 'build' as const, ...b })),
    ];
    modes.forEach((m, k) => originals.push({ id: `${s.name}#${k}`, ...base, ...m }));
    const fixes = report.diagnostics.flatMap((d) => d.fixes.filter((f) => f.edits).map((f) => ({ code: d.code, line: d.range.start.line + 1, title: f.title, edits: f.edits! })));
    offered += fixes.length;
    // The same edit offered on several diagnostics (one float64 fix for all spots) is run once.
    const texts = new Set<string>();
    fixes.forEach((f, i) => {
      const fixed = applyEdits(text, f.edits);
      if (texts.has(fixed)) return;
      texts.add(fixed);
      distinct++;
      // An edit the build cannot reach (inside the main guard, or in a function nothing but the main guard names)
      // only has to compile in the build modes; it still runs fully as __main__.
      const unreachable = f.edits.every((e) => outsideBuild(model.tree.rootNode, text, e.range.start.line, e.range.end.line, builds.map((b) => b.build)));
      modes.forEach((m, k) => variants.push({ job: { id: `${s.name}#${k}~${i}`, ...base, ...m, ...(unreachable && m.mode === 'build' ? { mode: 'compile' as const } : {}), text: fixed }, original: `${s.name}#${k}`, fix: `${f.code}@${f.line} "${f.title}"` }));
    });
  }
  // The originals and every fixed script, in one or two Python processes (one torch import each).
  const results = await runAll(py, [...originals, ...variants.map((v) => v.job)]);
  const before = new Map(originals.map((o) => [o.id, results.get(o.id)!]));
  const after = new Map(variants.map((v) => [v.job.id, results.get(v.job.id)!]));
  const failures: string[] = [];
  let ran = 0;
  let compiled = 0;
  for (const v of variants) {
    const o = before.get(v.original)!;
    const r = after.get(v.job.id)!;
    if (rank(o) <= STAGES.indexOf('compile')) continue; // the original does not even compile (a mid-edit fixture)
    ran++;
    if (v.job.mode === 'compile') {
      compiled++;
      if (!r.ok) failures.push(`${v.job.id} ${v.fix}: the fixed script does not compile: ${r.error}`);
    } else if (rank(r) < rank(o)) failures.push(`${v.job.id} ${v.fix}: the original reached ${o.stage}, the fixed script failed at ${r.stage}: ${r.error}`);
  }
  const notRunning = [...before.values()].filter((o) => !o.ok).map((o) => `${o.id} stops at ${o.stage}: ${o.error}`);
  const slow = [...before.values(), ...after.values()].sort((x, y) => (y.ms ?? 0) - (x.ms ?? 0)).slice(0, 5).map((x) => `${x.id} ${x.ms} ms`);
  t.diagnostic(`slowest runs: ${slow.join(', ')}`);
  t.diagnostic(`files ${new Set(originals.map((o) => o.id.split('#')[0])).size}, fixes offered ${offered} (${distinct} distinct edits), fixed-script runs ${ran} (${compiled} compile-only: the build cannot reach the edit), failures ${failures.length}`);
  for (const n of notRunning) t.diagnostic(`original: ${n}`);
  for (const f of failures) t.diagnostic(f);
  assert.deepEqual(failures, []);
  assert.ok(offered >= 15, `at least 15 fixes offered on our fixtures (got ${offered})`);
  // Our own quick-fix fixtures all run as written.
  for (const o of originals) if (o.id.startsWith('fixes/') || o.id.startsWith('entry/')) assert.ok(before.get(o.id)!.ok, `${o.id}: ${before.get(o.id)!.error}`);
  // The volatile fix does what the keyword no longer did: nothing is recorded for backward.
  const vol = variants.find((v) => v.job.id.startsWith('fixes/volatile_eval.py#0~') && /volatile/.test(v.fix))!;
  assert.match(before.get('fixes/volatile_eval.py#0')!.stdout, /volatile had no effect/);
  assert.doesNotMatch(after.get(vol.job.id)!.stdout, /volatile had no effect/);
});
