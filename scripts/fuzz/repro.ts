// `node --import tsx scripts/fuzz/repro.ts SEED CASE [OUT.onnx]`: rebuilds one fuzz case, times each stage on it and
// optionally saves the mutated model, to debug what the harness reported.

import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyzeModel } from '../../src/core/analyze';
import { decodeModel } from '../../src/core/onnx/decode';
import { makeRng, mutate } from './mutate';
import { extraStages } from './stages';

const [seed, index, out] = [Number(process.argv[2]), Number(process.argv[3]), process.argv[4]];
const root = join(__dirname, '..', '..');
const corpus: string[] = [];
const fixtures = join(root, 'test', 'fixtures', 'models');
for (const f of readdirSync(fixtures)) if (f.endsWith('.onnx')) corpus.push(join(fixtures, f));
const SUITE = '/usr/share/libonnx-testdata/data/node';
if (existsSync(SUITE)) for (const d of readdirSync(SUITE)) if (existsSync(join(SUITE, d, 'model.onnx'))) corpus.push(join(SUITE, d, 'model.onnx'));

// Must match worker.ts exactly so the same seed and index give the same case.
const rng = makeRng((Math.imul(seed, 2654435761) ^ Math.imul(index + 1, 40503)) >>> 0);
const source = corpus[Math.floor(rng() * corpus.length)]!;
let t = performance.now();
const { kind, bytes } = mutate(readFileSync(source), rng);
const lap = (label: string) => {
  const now = performance.now();
  console.log(`${label}: ${(now - t).toFixed(0)} ms`);
  t = now;
};
console.log(`case ${index} of seed ${seed}: ${kind} of ${source} (${bytes.byteLength} bytes)`);
lap('mutate');
if (out) writeFileSync(out, bytes);
const d = decodeModel(bytes);
lap(`decode (${d.ok ? 'ok' : d.error.message})`);
if (d.ok) {
  const a = analyzeModel(d.value);
  lap('analyze');
  for (const s of extraStages) {
    const r = s.run(a, rng);
    lap(`${s.name} (${r.ok ? `ok ${String(r.value).slice(0, 40)}` : r.error.message})`);
  }
}
