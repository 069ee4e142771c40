// Hand-checked shape rules: each expected shape is worked out from the operator's formula in the ONNX spec.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Shape } from '../../../src/core/onnx/ir';
import { inferShapes } from '../../../src/core/shapes/index';
import { schemaFallback } from '../../../src/core/shapes/schema-fallback';
import type { ShapeOptions } from '../../../src/core/shapes/types';
import { f32, graph, graphAttr, i64, input, int, ints, model, node, str, weight } from './build';

function shapeOf(m: ReturnType<typeof model>, name: string, options?: ShapeOptions): Shape | undefined {
  return inferShapes(m, options).values.get(name)?.shape;
}

test('Conv: pads, strides, dilations, groups and auto_pad follow floor((in + pads - dil*(k-1) - 1)/stride) + 1', () => {
  const x = input('x', 'float', [1, 3, 32, 32]);
  const conv = (attrs: ReturnType<typeof ints>[], w = [8, 3, 3, 3]) =>
    shapeOf(model(graph([node('Conv', ['x', 'w'], ['y'], attrs)], [x], ['y'], [weight('w', w)])), 'y');
  assert.deepEqual(conv([]), [1, 8, 30, 30]);
  assert.deepEqual(conv([ints('pads', [1, 1, 1, 1]), ints('strides', [2, 2])]), [1, 8, 16, 16]);
  assert.deepEqual(conv([ints('dilations', [2, 2])]), [1, 8, 28, 28]);
  assert.deepEqual(conv([ints('pads', [0, 1, 2, 3]), ints('strides', [1, 3])]), [1, 8, 32, 12]);
  assert.deepEqual(conv([str('auto_pad', 'SAME_UPPER'), ints('strides', [2, 2])] as never), [1, 8, 16, 16]);
  assert.deepEqual(conv([str('auto_pad', 'VALID'), ints('strides', [2, 2])] as never), [1, 8, 15, 15]);
  assert.deepEqual(conv([int('group', 3)] as never, [6, 1, 5, 5]), [1, 6, 28, 28]);
  assert.deepEqual(conv([ints('kernel_shape', [3, 3])]), [1, 8, 30, 30]);
});

test('ConvTranspose and pooling: output_padding, ceil_mode, global pools', () => {
  const x = input('x', 'float', [1, 4, 10, 10]);
  const ct = model(graph([node('ConvTranspose', ['x', 'w'], ['y'], [ints('strides', [2, 2]), ints('pads', [1, 1, 1, 1]), ints('output_padding', [1, 1])])], [x], ['y'], [weight('w', [4, 2, 3, 3])]));
  assert.deepEqual(shapeOf(ct, 'y'), [1, 2, 20, 20]); // 2*(10-1) + 1 + 3 - 2
  const pool = (attrs: ReturnType<typeof ints>[]) => shapeOf(model(graph([node('MaxPool', ['x'], ['y'], attrs)], [x], ['y'])), 'y');
  assert.deepEqual(pool([ints('kernel_shape', [3, 3]), ints('strides', [2, 2])]), [1, 4, 4, 4]);
  assert.deepEqual(pool([ints('kernel_shape', [3, 3]), ints('strides', [2, 2]), int('ceil_mode', 1)] as never), [1, 4, 5, 5]);
  const gap = model(graph([node('GlobalAveragePool', ['x'], ['y'])], [x], ['y']));
  assert.deepEqual(shapeOf(gap, 'y'), [1, 4, 1, 1]);
});

test('Gemm honours transA/transB; MatMul broadcasts batch dims and promotes 1-D operands', () => {
  const gemm = model(graph([node('Gemm', ['a', 'b'], ['y'], [int('transA', 1), int('transB', 1)])],
    [input('a', 'float', [4, 3]), input('b', 'float', [5, 4])], ['y']));
  assert.deepEqual(shapeOf(gemm, 'y'), [3, 5]);
  const mm = (a: Shape, b: Shape) => shapeOf(model(graph([node('MatMul', ['a', 'b'], ['y'])], [input('a', 'float', a), input('b', 'float', b)], ['y'])), 'y');
  assert.deepEqual(mm([2, 1, 3, 4], [5, 4, 6]), [2, 5, 3, 6]);
  assert.deepEqual(mm([4], [4, 6]), [6]);
  assert.deepEqual(mm([3, 4], [4]), [3]);
  assert.deepEqual(mm(['N', 7, 4], [4, 2]), ['N', 7, 2]);
});

test('Reshape: 0 copies the input dim, -1 takes the rest, allowzero keeps a literal 0', () => {
  const x = input('x', 'float', [2, 3, 4]);
  const reshape = (target: number[], allowzero = 0) => shapeOf(model(graph(
    [node('Reshape', ['x', 's'], ['y'], [int('allowzero', allowzero)])], [x], ['y'], [i64('s', target)])), 'y');
  assert.deepEqual(reshape([0, -1]), [2, 12]);
  assert.deepEqual(reshape([-1, 0, 2]), [4, 3, 2]);
  assert.deepEqual(reshape([0, 0, -1]), [2, 3, 4]);
  const empty = model(graph([node('Reshape', ['e', 's'], ['y'], [int('allowzero', 1)])], [input('e', 'float', [0, 3])], ['y'], [i64('s', [3, 0])]));
  assert.deepEqual(shapeOf(empty, 'y'), [3, 0]);
  const sym = model(graph([node('Reshape', ['x', 's'], ['y'])], [input('x', 'float', ['N', 3, 4])], ['y'], [i64('s', [-1, 12])]));
  assert.deepEqual(shapeOf(sym, 'y'), ['N', 12], 'a lone symbol survives -1');
});

test('Slice: negative steps and out-of-range ends clamp as the spec says', () => {
  const x = input('x', 'float', [5, 6]);
  const slice = (starts: number[], ends: number[], axes: number[], steps: number[]) => shapeOf(model(graph(
    [node('Slice', ['x', 'st', 'en', 'ax', 'sp'], ['y'])], [x], ['y'],
    [i64('st', starts), i64('en', ends), i64('ax', axes), i64('sp', steps)])), 'y');
  assert.deepEqual(slice([4], [0], [0], [-2]), [2, 6]); // rows 4, 2
  assert.deepEqual(slice([-1], [-(2 ** 63)], [0], [-1]), [5, 6]); // full reverse
  assert.deepEqual(slice([1, 0], [1000, -1], [0, 1], [1, 2]), [4, 3]);
  assert.deepEqual(slice([10], [20], [1], [1]), [5, 0]);
  const v1 = model(graph([node('Slice', ['x'], ['y'], [ints('starts', [1]), ints('ends', [-1]), ints('axes', [1])])], [x], ['y']), 9);
  assert.deepEqual(shapeOf(v1, 'y'), [5, 4], 'opset-9 attribute form');
});

test('Resize by scales (floor(in*scale)) and by sizes; Upsample-7 scales attribute', () => {
  const x = input('x', 'float', [1, 3, 4, 6]);
  const byScales = model(graph([node('Resize', ['x', '', 'sc'], ['y'])], [x], ['y'], [f32('sc', [1, 1, 0.5, 1.5])]), 13);
  assert.deepEqual(shapeOf(byScales, 'y'), [1, 3, 2, 9]);
  const bySizes = model(graph([node('Resize', ['x', '', '', 'sz'], ['y'])], [x], ['y'], [i64('sz', [1, 3, 7, 8])]), 13);
  assert.deepEqual(shapeOf(bySizes, 'y'), [1, 3, 7, 8]);
  const v10 = model(graph([node('Resize', ['x', 'sc'], ['y'])], [x], ['y'], [f32('sc', [1, 1, 2, 2])]), 10);
  assert.deepEqual(shapeOf(v10, 'y'), [1, 3, 8, 12]);
  const up7 = model(graph([node('Upsample', ['x'], ['y'], [{ name: 'scales', type: 'floats', value: [1, 1, 2, 3] }])], [x], ['y']), 7);
  assert.deepEqual(shapeOf(up7, 'y'), [1, 3, 8, 18]);
});

test('symbolic batch propagates by name; defaultBatch fixes it and records an assumption', () => {
  const g = graph([
    node('Conv', ['x', 'w'], ['c'], [ints('pads', [1, 1, 1, 1])]),
    node('Add', ['c', 'b'], ['y']),
    node('Flatten', ['y'], ['f']),
  ], [input('x', 'float', ['N', 3, 8, 8])], ['f'], [weight('w', [4, 3, 3, 3]), weight('b', [1, 4, 1, 1])]);
  const m = model(g);
  const s = inferShapes(m);
  assert.deepEqual(s.values.get('y')?.shape, ['N', 4, 8, 8]);
  assert.deepEqual(s.values.get('f')?.shape, ['N', 256]);
  const hw = inferShapes(model(graph([
    node('Conv', ['x', 'w'], ['same'], [ints('pads', [1, 1, 1, 1])]),
    node('Conv', ['x', 'w'], ['strided'], [ints('pads', [1, 1, 1, 1]), ints('strides', [2, 2])]),
  ], [input('x', 'float', ['N', 3, 'H', 'W'])], ['same', 'strided'], [weight('w', [4, 3, 3, 3])])));
  assert.deepEqual(hw.values.get('same')?.shape, ['N', 4, 'H', 'W'], 'stride-1 same padding keeps the symbols');
  assert.deepEqual(hw.values.get('strided')?.shape, ['N', 4, null, null], 'H/2 is not a symbol');
  assert.deepEqual(s.assumptions, []);
  const pinned = inferShapes(m, { defaultBatch: 1 });
  assert.deepEqual(pinned.values.get('f')?.shape, [1, 256]);
  assert.deepEqual(pinned.assumptions, ["input 'x': dim 0 'N' taken as 1"]);
  const user = inferShapes(m, { inputShapes: { x: [2, 3, 16, 16] }, defaultBatch: 1 });
  assert.deepEqual(user.values.get('y')?.shape, [2, 4, 16, 16]);
  assert.deepEqual(user.assumptions, [], 'a pinned input needs no assumption');
});

test('constant propagation: Shape -> Gather -> Unsqueeze -> Concat -> Reshape resolves the exporter idiom', () => {
  const g = graph([
    node('Shape', ['x'], ['s']),
    node('Gather', ['s', 'zero'], ['n'], [int('axis', 0)]),
    node('Unsqueeze', ['n', 'ax'], ['n1']),
    node('Concat', ['n1', 'minus1'], ['target'], [int('axis', 0)]),
    node('Reshape', ['x', 'target'], ['y']),
    node('ConstantOfShape', ['target2'], ['z']),
    node('Mul', ['n1', 'two'], ['target2']),
  ], [input('x', 'float', ['B', 3, 4])], ['y', 'z'], [i64('zero', [0], []), i64('ax', [0]), i64('minus1', [-1]), i64('two', [2])]);
  const s = inferShapes(model(g), { inputShapes: { x: [5, 3, 4] } });
  assert.deepEqual(s.values.get('y')?.shape, [5, 12]);
  assert.deepEqual(Array.from(s.values.get('target')!.value!.data as ArrayLike<number>), [5, -1]);
  assert.deepEqual(s.values.get('z')?.shape, [10]);
  const sym = inferShapes(model(g));
  assert.deepEqual(sym.values.get('y')?.shape, ['B', 12], 'the symbolic batch flows through the shape arithmetic');
  assert.deepEqual(sym.values.get('z')?.shape, [null], "2*B is not a single symbol");
  const ar = inferShapes(model(graph([
    node('Shape', ['x'], ['s']), node('Gather', ['s', 'one'], ['t']), node('Range', ['zero', 't', 'one'], ['r']),
  ], [input('x', 'float', ['B', 'T'])], ['r'], [i64('zero', [0], []), i64('one', [1], [])])));
  assert.deepEqual(ar.values.get('r')?.shape, ['T'], 'arange over a dynamic length');
});

test('If: a known condition picks its branch; otherwise agreeing dims survive the merge', () => {
  const branch = (name: string, shape: number[]) => graph([node('Constant', [], [name], [{ name: 'value', type: 'tensor', value: f32('v', new Array(shape.reduce((a, b) => a * b, 1)).fill(1), shape) }])], [], [name]);
  const ifNode = node('If', ['c'], ['y'], [graphAttr('then_branch', branch('t', [2, 3])), graphAttr('else_branch', branch('e', [2, 5]))]);
  const open = inferShapes(model(graph([ifNode], [input('c', 'bool', [])], ['y'])));
  assert.deepEqual(open.values.get('y')?.shape, [2, null]);
  assert.equal(open.values.get('y')?.dtype, 'float');
  const known = inferShapes(model(graph([ifNode], [], ['y'], [{ ...i64('c', [0], []), dtype: 'bool', data: { kind: 'raw', bytes: new Uint8Array([0]) } }])));
  assert.deepEqual(known.values.get('y')?.shape, [2, 5]);
  assert.equal(open.subgraphs.size, 2, 'both branches are inferred');
});

test('subgraphs see outer-scope values (Loop body reading an outer tensor)', () => {
  const body = graph([
    node('Identity', ['cond_in'], ['cond_out']),
    node('Add', ['acc', 'outer'], ['acc_out']),
    node('Identity', ['outer'], ['scan_out']),
  ], [input('i', 'int64', []), input('cond_in', 'bool', []), input('acc', 'float')], ['cond_out', 'acc_out', 'scan_out']);
  const g = graph([node('Loop', ['trips', '', 'a0'], ['a', 'scans'], [graphAttr('body', body)])],
    [input('outer', 'float', [3]), input('a0', 'float', [3])], ['a', 'scans'], [i64('trips', [4], [])]);
  const s = inferShapes(model(g));
  assert.deepEqual(s.values.get('a')?.shape, [3]);
  assert.deepEqual(s.values.get('scans')?.shape, [4, 3]);
});

test('unknown ops, cycles and missing producers give warnings, never exceptions', () => {
  const g = graph([
    node('MyOp', ['x'], ['a'], [], 'com.example'),
    node('MyOp', ['a'], ['b'], [], 'com.example'),
    node('Relu', ['d'], ['c']),
    node('Relu', ['c'], ['d']),
    node('Relu', ['ghost'], ['e']),
  ], [input('x', 'float', [2])], ['b', 'c', 'e']);
  const s = inferShapes(model(g));
  assert.equal(s.values.get('b')?.dtype, 'undefined');
  assert.equal(s.warnings.filter((w) => w.includes('MyOp')).length, 1, 'one warning per op type');
  assert.ok(s.warnings.some((w) => w.includes('cycle')));
  assert.ok(s.warnings.some((w) => w.includes("'ghost'")));
});

test('model-local functions are inlined with attribute references resolved', () => {
  const m = model(graph([node('Twice', ['x'], ['y'], [int('axis', 1)], 'local')], [input('x', 'float', [2, 3])], ['y']));
  m.opsetImports.push({ domain: 'local', version: 1 });
  m.functions.push({
    name: 'Twice', domain: 'local', inputs: ['a'], outputs: ['b'], attributeNames: ['axis'], attributeDefaults: [],
    nodes: [{ ...node('Concat', ['a', 'a'], ['b']), attributes: [{ name: 'axis', type: 'int', value: 0, refAttrName: 'axis' }] }],
    opsetImports: [{ domain: '', version: 17 }], valueInfo: [],
  });
  assert.deepEqual(shapeOf(m, 'y'), [2, 6]);
});

test('graph inputs that are also initializers are constants unless the user pins them', () => {
  const g = graph([node('Reshape', ['x', 's'], ['y'])], [input('x', 'float', [6]), input('s', 'int64', [2])], ['y'], [i64('s', [2, 3])]);
  assert.deepEqual(shapeOf(model(g), 'y'), [2, 3]);
  assert.deepEqual(shapeOf(model(g), 'y', { inputShapes: { s: [2] } }), [null, null]);
});

test('small initializers stored as external data fold when the model folder is given', async () => {
  const { mkdtempSync, writeFileSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { join } = await import('node:path');
  const dir = mkdtempSync(join(tmpdir(), 'lens-shape-ext-'));
  const bytes = new Uint8Array(16);
  new DataView(bytes.buffer).setBigInt64(0, 3n, true);
  new DataView(bytes.buffer).setBigInt64(8, -1n, true);
  writeFileSync(join(dir, 'target.bin'), bytes);
  const target = { name: 's', dtype: 'int64' as const, dims: [2], data: { kind: 'external' as const, location: 'target.bin', offset: 0, length: 16 } };
  const m = model(graph([node('Reshape', ['x', 's'], ['y'])], [input('x', 'float', [6, 2])], ['y'], [target]));
  assert.deepEqual(shapeOf(m, 'y', { modelDir: dir }), [3, 4]);
  assert.deepEqual(shapeOf(m, 'y'), [null, null], 'without the folder the target is unknown, the rank is not');
});

test('schema fallback (for ops without a rule): fixed output types, or the dtype of the input sharing the type parameter', () => {
  const ctx = (opType: string, dtypes: string[], domain = '') => ({
    node: node(opType, dtypes.map((_, i) => `i${i}`), ['o0', 'o1'], [], domain), opset: 17,
    in: dtypes.map((d, i) => ({ name: `i${i}`, dtype: d as never })), maxFold: 16,
    warn: () => undefined, lookup: () => undefined, subgraph: () => [],
  });
  assert.deepEqual(schemaFallback(ctx('Shape', ['float16']), '')?.[0], { dtype: 'int64' });
  assert.deepEqual(schemaFallback(ctx('Relu', ['float16']), '')?.[0], { dtype: 'float16' });
  assert.deepEqual(schemaFallback(ctx('MaxPool', ['double']), '')?.map((f) => f.dtype), ['double', 'int64']);
  assert.deepEqual(schemaFallback(ctx('DictVectorizer', ['undefined'], 'ai.onnx.ml'), 'ai.onnx.ml')?.[0], { dtype: 'undefined' });
  assert.equal(schemaFallback(ctx('NoSuchOp', ['float']), ''), undefined);
});

test('scikit-learn style ai.onnx.ml pipeline: scaler -> tree classifier -> zipmap', () => {
  const m = model(graph([
    node('Scaler', ['x'], ['xs'], [], 'ai.onnx.ml'),
    node('TreeEnsembleClassifier', ['xs'], ['label', 'probs'], [{ name: 'classlabels_int64s', type: 'ints', value: [0, 1, 2] }], 'ai.onnx.ml'),
    node('ArrayFeatureExtractor', ['probs', 'col'], ['p1'], [], 'ai.onnx.ml'),
  ], [input('x', 'double', ['N', 4])], ['label', 'p1'], [i64('col', [1])]));
  m.opsetImports.push({ domain: 'ai.onnx.ml', version: 3 });
  const s = inferShapes(m);
  assert.equal(s.values.get('xs')?.dtype, 'float');
  assert.deepEqual([s.values.get('label')?.dtype, s.values.get('label')?.shape], ['int64', ['N']]);
  assert.deepEqual(s.values.get('probs')?.shape, ['N', 3]);
  assert.deepEqual(s.values.get('p1')?.shape, ['N', 1]);
  assert.deepEqual(s.warnings, []);
});
