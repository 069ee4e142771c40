// A time budget stops long analyses with a clear, typed error instead of keeping their caller busy.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { analyzeModel } from '../../../src/core/analyze';
import { deadlineAfter } from '../../../src/core/deadline';
import { catchLens } from '../../../src/core/result';
import { transformerWithNodes } from '../../../bench/generate';

test('an analysis over its time budget ends in a cancelled error naming the budget; within budget it completes', () => {
  const model = transformerWithNodes(4000);
  const over = catchLens(() => analyzeModel(model, { deadline: deadlineAfter(0, 'analyzing big.onnx') }));
  assert.equal(over.ok, false);
  if (!over.ok) {
    assert.equal(over.error.code, 'cancelled');
    assert.match(over.error.message, /analyzing big\.onnx took longer than its time budget of 0 ms/);
  }
  const within = catchLens(() => analyzeModel(model, { deadline: deadlineAfter(600_000, 'analyzing big.onnx') }));
  assert.equal(within.ok, true);
  if (within.ok) assert.equal(within.value.report.model.nodeCount, model.graph.nodes.length);
});
