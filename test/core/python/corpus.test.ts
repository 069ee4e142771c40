// Published PyTorch scripts (test/fixtures/python/published/SOURCES.json, fetched into .cache/python-corpus by
// scripts/python-corpus.py): every figure the analysis reports equals PyTorch's (TRUTH.json) or is null.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { python } from './helpers';
import { analyzeText, compareFile, newTally, readJson, summary, type TruthFile } from './truth';

const PUBLISHED = join(__dirname, '..', '..', 'fixtures', 'python', 'published');
const CORPUS = process.env.AIOT_LENS_PY_CORPUS ?? join(__dirname, '..', '..', '..', '.cache', 'python-corpus');

interface Source {
  id: string;
  repo: string;
  path: string;
}

test('published corpus: every reported figure is exact or null, no internal error', async (t) => {
  const sources = readJson<{ files: Source[] }>(join(PUBLISHED, 'SOURCES.json')).files;
  const present = sources.filter((s) => existsSync(join(CORPUS, s.repo.replace('/', '+'), s.path)));
  if (present.length === 0) {
    t.skip(`corpus not present in ${CORPUS}: run \`/usr/bin/python3 scripts/python-corpus.py fetch\` (or set AIOT_LENS_PY_CORPUS)`);
    return;
  }
  const truth = readJson<{ files: Record<string, TruthFile> }>(join(PUBLISHED, 'TRUTH.json')).files;
  const lang = await python();
  const tally = newTally();
  for (const s of present) {
    const file = join(CORPUS, s.repo.replace('/', '+'), s.path);
    const text = readFileSync(file, 'utf8');
    const r = analyzeText(lang, text, file);
    if (r.error) tally.errors.push(`${s.id}: ${r.error}`);
    if (r.ms > tally.slowest.ms) tally.slowest = { id: s.id, ms: r.ms };
    compareFile(s.id, text, r.model, truth[s.id], tally);
  }
  t.diagnostic(summary(tally));
  for (const w of [...tally.wrong, ...tally.unchecked, ...tally.errors]) t.diagnostic(w);
  assert.equal(present.length, sources.length, 'every SOURCES file is in the corpus');
  assert.deepEqual(tally.errors, []);
  assert.deepEqual(tally.wrong, []);
  assert.deepEqual(tally.unchecked, []);
  assert.ok(tally.exact >= 4_800, `${tally.exact} exact figures`);
});
