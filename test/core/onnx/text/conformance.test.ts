// Round-trip over every model of the ONNX conformance suite (Debian libonnx-testdata): elided and --full text parse
// back to an equivalent model, and the --full model survives encode → decode. Skips with a message when absent.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeModel } from '../../../../src/core/onnx/decode';
import { encodeModel } from '../../../../src/core/onnx/encode';
import { parseModelText, printModel } from '../../../../src/core/onnx/text';
import { modelDifferences } from './equivalence';

const ROOT = '/usr/share/libonnx-testdata/data';

function suiteModels(): string[] {
  const out: string[] = [];
  for (const group of readdirSync(ROOT).sort()) {
    for (const name of readdirSync(join(ROOT, group)).sort()) {
      const p = join(ROOT, group, name, 'model.onnx');
      if (existsSync(p)) out.push(p);
    }
  }
  return out;
}

function roundTripProblems(path: string): string[] {
  const decoded = decodeModel(readFileSync(path), { path });
  if (!decoded.ok) return [`decode: ${decoded.error.message}`];
  const original = decoded.value;
  const problems: string[] = [];
  for (const full of [false, true]) {
    const mode = full ? 'full' : 'elided';
    const parsed = parseModelText(printModel(original, { full }), { path });
    if (!parsed.ok) {
      problems.push(`${mode}: ${parsed.error.message}`);
      continue;
    }
    problems.push(...modelDifferences(original, parsed.value.model).map((d) => `${mode}: ${d}`));
    if (!full) continue;
    const bytes = encodeModel(parsed.value.model);
    const again = bytes.ok ? decodeModel(bytes.value) : bytes;
    if (!again.ok) problems.push(`re-encode: ${again.error.message}`);
    else problems.push(...modelDifferences(original, again.value).map((d) => `re-encode: ${d}`));
  }
  return problems;
}

test('text round-trip over the ONNX conformance suite', (t) => {
  if (!existsSync(ROOT)) {
    t.skip(`${ROOT} is absent (install the Debian package libonnx-testdata)`);
    return;
  }
  const models = suiteModels();
  assert.ok(models.length > 900, `expected the suite's ~1000 models, found ${models.length}`);
  const failures: string[] = [];
  for (const path of models) {
    const problems = roundTripProblems(path);
    if (problems.length) failures.push(`${path.slice(ROOT.length + 1)}: ${problems.slice(0, 3).join('; ')}`);
  }
  t.diagnostic(`${models.length - failures.length}/${models.length} suite models round-trip`);
  assert.deepEqual(failures, []);
});
