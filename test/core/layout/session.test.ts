import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { loadModelFile } from '../../../src/core/onnx/load';
import { tensorToNumbers } from '../../../src/core/onnx/tensor';
import { unwrap } from '../../../src/core/result';
import { GraphSession, statsOf } from '../../../src/core/layout';

const model = unwrap(loadModelFile(join(import.meta.dirname, '../../fixtures/models/mobilenet_v2.onnx'))).model;

test('a session caches layouts per expanded set and evicts the least recently used', () => {
  const s = new GraphSession(model, { contentHash: 'h1', cacheSize: 2 });
  const all = s.expandedFor('auto');
  const a = s.layout(all);
  assert.equal(s.layout([...all].reverse()), a, 'same set in another order is a cache hit');
  s.layout(['x']);
  s.layout(all);
  s.layout(['y']);
  s.layout(['z']);
  assert.notEqual(s.layout(all), a, 'evicted after two newer sets');
  assert.equal(s.outline().nodes.length, model.graph.nodes.length);
});

test('node details list attributes, formal input names, shapes and weights', () => {
  const s = new GraphSession(model, { contentHash: 'h' });
  const conv = model.graph.nodes.findIndex((n) => n.opType === 'Conv');
  const d = unwrap(s.details(conv));
  assert.equal(d.opType, 'Conv');
  assert.deepEqual(d.attributes.find((a) => a.name === 'kernel_shape'), { name: 'kernel_shape', value: '[3, 3]' });
  assert.deepEqual(d.inputs.map((t) => [t.formal, t.isWeight, t.shape]), [['X', false, '1×3×224×224'], ['W', true, '32×3×3×3'], ['B', true, '32']]);
  assert.equal(s.details(10_000).ok, false);
});

test('weight statistics match a direct computation over the tensor', () => {
  const s = new GraphSession(model, { contentHash: 'h' });
  const name = model.graph.nodes.find((n) => n.opType === 'Conv')!.inputs[1]!;
  const stats = unwrap(s.weightStats(name));
  const values = Array.from(unwrap(tensorToNumbers(model.graph.initializers.find((t) => t.name === name)!)));
  assert.equal(stats.count, 864);
  assert.equal(stats.min, Math.min(...values));
  assert.equal(stats.max, Math.max(...values));
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  assert.ok(Math.abs(stats.mean - mean) < 1e-12);
  const std = Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / values.length);
  assert.ok(Math.abs(stats.std - std) < 1e-12);
  assert.deepEqual(statsOf('t', [0, 0, 1, -1]), { tensor: 't', count: 4, min: -1, max: 1, mean: 0, std: Math.sqrt(0.5), sparsity: 0.5 });
  assert.equal(s.weightStats('not-a-weight').ok, false);
});

test('subgraphs of If nodes open as their own views with a path and title', () => {
  const silero = unwrap(loadModelFile(join(import.meta.dirname, '../../fixtures/models/silero_vad_16k_op15.onnx'))).model;
  const s = new GraphSession(silero, { contentHash: 'sv' });
  const main = s.layout(s.expandedFor('auto'));
  const ifBox = main.nodes.find((n) => n.title === 'If' && n.subgraphs?.length)!;
  assert.deepEqual(ifBox.subgraphs!.map((g) => g.attribute).sort(), ['else_branch', 'then_branch']);
  const step = { nodeIndex: ifBox.nodeIndex!, attribute: 'then_branch', branch: 0 };
  const child = unwrap(s.child([step]));
  const sub = silero.graph.nodes[step.nodeIndex]!.attributes.find((a) => a.name === 'then_branch')!;
  assert.equal(sub.type, 'graph');
  const layout = child.layout(child.expandedFor('auto'));
  assert.deepEqual(layout.graphPath, [step]);
  assert.match(layout.graphTitle!, /then_branch$/);
  assert.equal(child.outline().nodes.length, sub.type === 'graph' ? sub.value.nodes.length : -1);
  assert.equal(unwrap(s.child([step])), child, 'nested sessions are cached');
  assert.equal(s.child([{ ...step, attribute: 'nope' }]).ok, false);
});
