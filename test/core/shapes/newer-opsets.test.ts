// Opset 18+ forms the Debian conformance suite (opset <= 17) does not cover, checked against the spec text by hand.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeTensor } from '../../../src/core/onnx/tensor';
import { inferShapes } from '../../../src/core/shapes/index';
import { f32, graph, graphAttr, i64, input, int, ints, model, node, str } from './build';

const shape = (m: ReturnType<typeof model>, name: string) => inferShapes(m).values.get(name)?.shape;

test('Split-18 num_outputs: chunks of ceil(n/k), the last one smaller', () => {
  const m = model(graph([node('Split', ['x'], ['a', 'b', 'c'], [int('axis', 1), int('num_outputs', 3)])], [input('x', 'float', [2, 7])], ['a', 'b', 'c']), 18);
  const s = inferShapes(m);
  assert.deepEqual(['a', 'b', 'c'].map((n) => s.values.get(n)?.shape), [[2, 3], [2, 3], [2, 1]]);
});

test('Pad-18 with an axes input pads only the named axes', () => {
  const m = model(graph([node('Pad', ['x', 'p', '', 'ax'], ['y'])], [input('x', 'float', [1, 3, 5, 5])], ['y'],
    [i64('p', [1, 2, 3, 4]), i64('ax', [-1, 2])]), 18);
  assert.deepEqual(shape(m, 'y'), [1, 3, 5 + 2 + 4, 5 + 1 + 3]);
});

test('ReduceMean-18 axes input, keepdims=0, and noop_with_empty_axes', () => {
  const x = input('x', 'float', [2, 3, 4]);
  const m = model(graph([node('ReduceMean', ['x', 'ax'], ['y'], [int('keepdims', 0)])], [x], ['y'], [i64('ax', [-1, 0])]), 18);
  assert.deepEqual(shape(m, 'y'), [3]);
  const noop = model(graph([node('ReduceMax', ['x', 'ax'], ['y'], [int('noop_with_empty_axes', 1)])], [x], ['y'], [i64('ax', [])]), 18);
  assert.deepEqual(shape(noop, 'y'), [2, 3, 4]);
  const all = model(graph([node('ReduceMax', ['x'], ['y'])], [x], ['y']), 18);
  assert.deepEqual(shape(all, 'y'), [1, 1, 1]);
});

test('Resize-18 axes and keep_aspect_ratio_policy=not_larger', () => {
  const x = input('x', 'float', [1, 3, 200, 100]);
  const sizes = model(graph([node('Resize', ['x', '', '', 'sz'], ['y'], [ints('axes', [2, 3]), str('keep_aspect_ratio_policy', 'not_larger')] as never)], [x], ['y'], [i64('sz', [100, 100])]), 18);
  assert.deepEqual(shape(sizes, 'y'), [1, 3, 100, 50]); // scale min(0.5, 1) applied to both axes
  const larger = model(graph([node('Resize', ['x', '', '', 'sz'], ['y'], [ints('axes', [2, 3]), str('keep_aspect_ratio_policy', 'not_smaller')] as never)], [x], ['y'], [i64('sz', [100, 100])]), 18);
  assert.deepEqual(shape(larger, 'y'), [1, 3, 200, 100]);
});

test('QuantizeLinear-21 output_dtype, DequantizeLinear-19 takes the scale dtype', () => {
  const x = input('x', 'float', [4]);
  const q = model(graph([node('QuantizeLinear', ['x', 's'], ['y'], [int('output_dtype', 3)])], [x], ['y'], [f32('s', [0.1], [])]), 21);
  assert.equal(inferShapes(q).values.get('y')?.dtype, 'int8');
  const dq = model(graph([node('DequantizeLinear', ['q', 's'], ['y'])], [input('q', 'int8', [4])], ['y'], [makeTensor('s', 'float16', [], [0.5])]), 19);
  assert.equal(inferShapes(dq).values.get('y')?.dtype, 'float16');
});

test('Shape-15 start/end slice the dims (negative ends count from the back)', () => {
  const m = model(graph([node('Shape', ['x'], ['s'], [int('start', 1), int('end', -1)])], [input('x', 'float', [2, 3, 4, 5])], ['s']), 15);
  const v = inferShapes(m).values.get('s')!;
  assert.deepEqual(v.shape, [2]);
  assert.deepEqual(Array.from(v.value!.data as ArrayLike<number>), [3, 4]);
});

test('Loop with known trip count runs the body per iteration: a carried tensor that grows gets its final size', () => {
  const body = graph([
    node('Identity', ['cond_in'], ['cond_out']),
    node('Concat', ['acc', 'one'], ['acc_out'], [int('axis', 0)]),
    node('Shape', ['acc_out'], ['len']),
  ], [input('i', 'int64', []), input('cond_in', 'bool', []), input('acc', 'float')], ['cond_out', 'acc_out', 'len']);
  const g = graph([node('Loop', ['trips', 'cond', 'a0'], ['a', 'lens'], [graphAttr('body', body)])], [], ['a', 'lens'],
    [i64('trips', [3], []), makeTensor('cond', 'bool', [], [1]), f32('a0', [0]), f32('one', [1])]);
  const s = inferShapes(model(g));
  assert.deepEqual(s.values.get('a')?.shape, [4]);
  assert.deepEqual(s.values.get('lens')?.shape, [3, 1]);
});

test('sequences keep per-element shapes while their length is known', () => {
  const g = graph([
    node('SplitToSequence', ['x', 'sp'], ['seq'], [int('axis', 1)]),
    node('SequenceAt', ['seq', 'last'], ['e']),
    node('SequenceLength', ['seq'], ['n']),
    node('ConcatFromSequence', ['seq'], ['back'], [int('axis', 1)]),
  ], [input('x', 'float', [2, 10])], ['e', 'n', 'back'], [i64('sp', [3, 7]), i64('last', [-1], [])]);
  const s = inferShapes(model(g));
  assert.deepEqual(s.values.get('seq')?.elements?.map((e) => e.shape), [[2, 3], [2, 7]]);
  assert.deepEqual(s.values.get('e')?.shape, [2, 7]);
  assert.deepEqual(Array.from(s.values.get('n')!.value!.data as ArrayLike<number>), [2]);
  assert.deepEqual(s.values.get('back')?.shape, [2, 10]);
});

test('constant folds of weight-sized tensors are lazy: computed when read, then cached', () => {
  const w = f32('w', Array.from({ length: 64 }, (_, i) => i), [8, 8]);
  const g = graph([node('Transpose', ['w'], ['wt']), node('Slice', ['wt', 'st', 'en'], ['part'])], [], ['part'],
    [w, i64('st', [2]), i64('en', [4])]);
  const s = inferShapes(model(g));
  const part = s.values.get('part')!;
  assert.deepEqual(part.shape, [2, 8]);
  const d = Object.getOwnPropertyDescriptor(part, 'value');
  assert.ok(d?.get, 'value is a getter until read');
  assert.deepEqual(Array.from(part.value!.data as ArrayLike<number>).slice(0, 3), [2, 10, 18]); // column 2 of w
  assert.equal(part.value, part.value, 'evaluated once');
});

test('Loop too long to simulate still gets its trip count when the condition cannot change', () => {
  const body = graph([
    node('Identity', ['cond_in'], ['cond_out']),
    node('Add', ['acc', 'acc'], ['acc_out']),
    node('Identity', ['acc'], ['scan']),
  ], [input('i', 'int64', []), input('cond_in', 'bool', []), input('acc', 'float')], ['cond_out', 'acc_out', 'scan']);
  const g = graph([node('Loop', ['trips', 'cond', 'a0'], ['a', 'scans'], [graphAttr('body', body)])], [input('a0', 'float', [2, 3])], ['a', 'scans'],
    [i64('trips', [5000], []), makeTensor('cond', 'bool', [], [1])]);
  const s = inferShapes(model(g));
  assert.deepEqual(s.values.get('a')?.shape, [2, 3]);
  assert.deepEqual(s.values.get('scans')?.shape, [5000, 2, 3]);
});

test('a Loop that runs zero times passes its initial values through without disturbing them', () => {
  const body = graph([node('Identity', ['cond_in'], ['cond_out']), node('Neg', ['acc'], ['acc_out'])],
    [input('i', 'int64', []), input('cond_in', 'bool', []), input('acc', 'float')], ['cond_out', 'acc_out']);
  const g = graph([node('Loop', ['trips', '', 'a0'], ['a'], [graphAttr('body', body)])], [input('a0', 'float', [4])], ['a'], [i64('trips', [0], [])]);
  const s = inferShapes(model(g));
  assert.deepEqual(s.values.get('a')?.shape, [4]);
  assert.equal(s.values.get('a0')?.name, 'a0');
});
