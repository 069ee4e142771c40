// The ONNX node conformance suite: inferred dtype+shape of every test output vs the reference output tensors.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runConformance } from '../../../scripts/conformance';

test('ONNX conformance: >=80% with unknown input values, >=95% with inputs bound as constants', (t) => {
  const r = runConformance();
  if (!r) { t.skip('libonnx-testdata is not installed (/usr/share/libonnx-testdata/data/node)'); return; }
  const a = r.unknownValues.hits / r.unknownValues.total;
  const b = r.constantInputs.hits / r.constantInputs.total;
  t.diagnostic(`(a) ${(a * 100).toFixed(1)}%  (b) ${(b * 100).toFixed(1)}%  over ${r.tests} tests, ${r.excluded.length} excluded`);
  assert.ok(r.unknownValues.total >= 900, `scored ${r.unknownValues.total} tests`);
  assert.equal(r.excluded.length, 0, JSON.stringify(r.excluded));
  assert.ok(a >= 0.8, `(a) ${a}`);
  assert.ok(b >= 0.95, `(b) ${b}`);
});
