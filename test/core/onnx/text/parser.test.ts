// The text syntax in detail: ONNX's own examples and printer spellings parse, every dtype's values survive print and
// parse bit for bit, functions/subgraphs/sparse tensors round-trip, errors carry line:column, and elided weights are
// refused or filled from the original by name and sha256.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Attribute, Graph, Model, Node, Tensor } from '../../../../src/core/onnx/ir';
import { emptyGraph } from '../../../../src/core/onnx/ir';
import {
  buildModelFromText, fillElided, isElidedTensor, parseModelText, printModel, tensorSha256,
} from '../../../../src/core/onnx/text';
import { modelDifferences } from './equivalence';

function parse(text: string) {
  const r = parseModelText(text);
  assert.ok(r.ok, r.ok ? '' : r.error.message);
  return r.value;
}

function model(graph: Graph, extra: Partial<Model> = {}): Model {
  return {
    irVersion: 8, opsetImports: [{ domain: '', version: 17 }], producerName: '', producerVersion: '', domain: '',
    modelVersion: 0, docString: '', graph, metadataProps: [], functions: [], ...extra,
  };
}

function node(opType: string, inputs: string[], outputs: string[], attributes: Attribute[] = [], name = ''): Node {
  return { name, opType, domain: '', inputs, outputs, attributes };
}

function raw(name: string, dtype: Tensor['dtype'], dims: number[], bytes: number[]): Tensor {
  return { name, dtype, dims, data: { kind: 'raw', bytes: Uint8Array.from(bytes) } };
}

test('the example of ONNX docs/Syntax.md parses to the model it describes', () => {
  const { model: m } = parse(`
<
  ir_version: 7,
  opset_import: [ "" : 10 ]
>
agraph (float[N, 128] X, float[128, 10] W, float[10] B) => (float[N, 10] C)
{
    T = MatMul(X, W)
    S = Add(T, B)
    C = Softmax(S)
}`);
  assert.equal(m.irVersion, 7);
  assert.deepEqual(m.opsetImports, [{ domain: '', version: 10 }]);
  assert.equal(m.graph.name, 'agraph');
  assert.deepEqual(m.graph.inputs.map((v) => v.type), [
    { kind: 'tensor', elemType: 'float', shape: ['N', 128] },
    { kind: 'tensor', elemType: 'float', shape: [128, 10] },
    { kind: 'tensor', elemType: 'float', shape: [10] },
  ]);
  assert.deepEqual(m.graph.nodes.map((n) => `${n.outputs}=${n.opType}(${n.inputs})`), ['T=MatMul(X,W)', 'S=Add(T,B)', 'C=Softmax(S)']);
});

test("onnx.printer's spellings parse: untyped attributes, attributes after inputs, comments, omitted inputs", () => {
  const { model: m } = parse(`<ir_version: 8, opset_import: ["" : 17, "com.microsoft" : 1], producer_name: "p", doc_string: "a \\"quoted\\" doc",
    metadata_props: ["k": "v"]>
g (float[?, 3] x, float[] y, float s) => (float[2] z)
<float[2] w = {1, 2.5}, int64[2] shape = {-1, 9223372036854775807}, float[2] t>
{
  # a comment line
  [first] t = Add(x, w)          # trailing comment
  z, = com.microsoft.Fused:v2 (t, , "") <alpha = 1, beta: float = 2, modes = ["a", "b"], f = -inf, e = 1e-05>
}`);
  assert.equal(m.docString, 'a "quoted" doc');
  assert.deepEqual(m.metadataProps, [{ key: 'k', value: 'v' }]);
  const [x, y, s] = m.graph.inputs;
  assert.deepEqual(x!.type, { kind: 'tensor', elemType: 'float', shape: [null, 3] });
  assert.deepEqual(y!.type, { kind: 'tensor', elemType: 'float' }, 'float[] is unknown rank');
  assert.deepEqual(s!.type, { kind: 'tensor', elemType: 'float', shape: [] }, 'float alone is a scalar');
  assert.deepEqual(m.graph.initializers.map((t) => t.name), ['w', 'shape']);
  assert.deepEqual(m.graph.valueInfo.map((v) => v.name), ['t']);
  const shape = m.graph.initializers[1]!;
  assert.equal(shape.data.kind, 'raw');
  const view = new DataView((shape.data as { bytes: Uint8Array }).bytes.buffer);
  assert.equal(view.getBigInt64(8, true), 9223372036854775807n, 'int64 values are exact past 2^53');
  const [add, fused] = m.graph.nodes;
  assert.equal(add!.name, 'first');
  assert.deepEqual(fused!.outputs, ['z']);
  assert.equal(fused!.domain, 'com.microsoft');
  assert.equal(fused!.opType, 'Fused');
  assert.equal(fused!.overload, 'v2');
  assert.deepEqual(fused!.inputs, ['t', '', '']);
  assert.deepEqual(fused!.attributes.map((a) => [a.name, a.type, a.value]), [
    ['alpha', 'int', 1], ['beta', 'float', 2], ['modes', 'strings', ['a', 'b']], ['f', 'float', -Infinity], ['e', 'float', Math.fround(1e-5)],
  ]);
});

test('values of every dtype survive print → parse bit for bit', () => {
  const f32 = new Float32Array([0.1, -0, Infinity, -Infinity, NaN, 3.4028234663852886e38, 1.401298464324817e-45]);
  const f64 = new Float64Array([0.1, -0, NaN, 5e-324, 1.7976931348623157e308]);
  const tensors: Tensor[] = [
    { name: 'f', dtype: 'float', dims: [7], data: { kind: 'raw', bytes: new Uint8Array(f32.buffer) } },
    { name: 'd', dtype: 'double', dims: [5], data: { kind: 'raw', bytes: new Uint8Array(f64.buffer) } },
    raw('h', 'float16', [2], [0x00, 0x3c, 0xff, 0x7b]),
    raw('bf', 'bfloat16', [1], [0x80, 0x3f]),
    raw('f8', 'float8e4m3fn', [3], [0, 0x7e, 0xff]),
    raw('i4', 'int4', [3], [0x8f, 0x07]),
    raw('u4', 'uint4', [4], [0xf0, 0x21]),
    raw('b', 'bool', [2], [1, 0]),
    raw('i8', 'int8', [2], [0x80, 0x7f]),
    raw('u16', 'uint16', [1], [0xff, 0xff]),
    raw('u64', 'uint64', [1], [255, 255, 255, 255, 255, 255, 255, 255]),
    raw('i64', 'int64', [1], [0, 0, 0, 0, 0, 0, 0, 0x80]),
    raw('c', 'complex64', [1], [0, 0, 0x80, 0x3f, 0, 0, 0, 0xc0]),
    { name: 's', dtype: 'string', dims: [2], data: { kind: 'string', values: [new TextEncoder().encode('a "q" \\ b'), new Uint8Array(0)] } },
    { name: 'fl', dtype: 'float', dims: [2], data: { kind: 'float', values: [1.5, -2] } },
    { name: 'e', dtype: 'float', dims: [0], data: { kind: 'empty' } },
  ];
  const g = emptyGraph('g');
  g.initializers = tensors;
  const original = model(g);
  const text = printModel(original, { full: true });
  const back = parse(text).model;
  assert.deepEqual(modelDifferences(original, back), []);
  for (const [i, t] of tensors.entries()) assert.equal(tensorSha256(back.graph.initializers[i]!), tensorSha256(t), t.name);
  assert.match(text, /int4\[3\] i4 = \{-1, -8, 7\}/, 'int4 prints unpacked and signed');
  assert.match(text, /float\[7\] f = \{0\.1, -0, inf, -inf, nan, 3\.4028235e\+38, 1e-45\}/);
});

test('functions, subgraphs, attribute references and sparse tensors round-trip', () => {
  const body: Graph = {
    ...emptyGraph('then_body'),
    outputs: [{ name: 'r', type: { kind: 'tensor', elemType: 'float', shape: [2] } }],
    nodes: [node('Constant', [], ['r'], [{ name: 'value', type: 'tensor', value: { name: '', dtype: 'float', dims: [2], data: { kind: 'float', values: [1, 2] } } }])],
  };
  const elseBody: Graph = { ...body, name: 'float', nodes: [node('Identity', ['x'], ['r'])] };
  const g: Graph = {
    ...emptyGraph('main'),
    inputs: [
      { name: 'c', type: { kind: 'tensor', elemType: 'bool', shape: [] } },
      { name: 'x', type: { kind: 'tensor', elemType: 'float', shape: [2] } },
      { name: 'seqs', type: { kind: 'sequence', elem: { kind: 'map', keyType: 'int64', value: { kind: 'optional', elem: { kind: 'tensor', elemType: 'string', shape: ['n'] } } } } },
    ],
    outputs: [{ name: 'y', type: { kind: 'tensor', elemType: 'float', shape: [2] } }, { name: 'z', type: { kind: 'unknown' } }],
    nodes: [
      node('If', ['c'], ['y'], [{ name: 'then_branch', type: 'graph', value: body }, { name: 'else_branch', type: 'graph', value: elseBody }], 'branch'),
      { ...node('MyScale', ['y'], ['z'], [{ name: 'alpha', type: 'float', value: 0.5 }]), domain: 'my.fns' },
      node('Constant', [], ['sp'], [{
        name: 'sparse_value', type: 'sparse_tensor',
        value: { dims: [3, 4], values: { name: 'v', dtype: 'float', dims: [2], data: { kind: 'float', values: [5, 6] } }, indices: { name: 'i', dtype: 'int64', dims: [2], data: { kind: 'int64', values: [1, 7] } } },
      }]),
      node('Cast', ['x'], ['xt'], [{ name: 'to', type: 'int', value: 7 }, { name: 'tp', type: 'type_protos', value: [{ kind: 'tensor', elemType: 'float', shape: [2] }, { kind: 'opaque', domain: 'ai.x', name: 'RNG' }] }]),
    ],
  };
  const fn = {
    name: 'MyScale', domain: 'my.fns', inputs: ['X'], outputs: ['Y'], attributeNames: ['alpha'],
    attributeDefaults: [{ name: 'beta', type: 'float' as const, value: 1 }],
    nodes: [
      node('Constant', [], ['A'], [{ name: 'value_float', type: 'float', value: 0, refAttrName: 'alpha' }]),
      node('Mul', ['X', 'A'], ['Y']),
    ],
    opsetImports: [{ domain: '', version: 17 }],
    valueInfo: [{ name: 'A', type: { kind: 'tensor' as const, elemType: 'float' as const, shape: [] } }],
    docString: 'scales',
  };
  const original = model(g, { opsetImports: [{ domain: '', version: 17 }, { domain: 'my.fns', version: 1 }], functions: [fn] });
  const text = printModel(original);
  const back = parse(text).model;
  assert.deepEqual(modelDifferences(original, back), []);
  assert.equal(printModel(back), text, 'printing the parsed model gives the same text');
  assert.match(text, /\[branch\] y = If \(c\) </, 'attributes holding subgraphs follow the inputs');
  assert.match(text, /else_branch: graph = "float" \(\) =>/, 'a graph named like a type is quoted');
  assert.match(text, /value_float: float = @alpha/);
  assert.match(text, /sparse_value: sparse_tensor = sparse\[3, 4\]\(float\[2\] v = \{5, 6\}, int64\[2\] i = \{1, 7\}\)/);
});

test('graph input defaults, typed function inputs/outputs and untyped attribute references parse as ONNX defines them', () => {
  const text = `<ir_version: 8, opset_import: ["" : 17, "local" : 1]>
g (float[2] x, float[2] w = {1, 2}) => (y) {
  y = local.CastTo <dtype: int = 1> (x)
}
<domain: "local", opset_import: ["" : 17]>
CastTo <dtype> (float[N] a, b) => (float[N] c)
<float t>
{
  c = Cast <to = @dtype> (a)
}`;
  const { model: m } = parse(text);
  assert.deepEqual(m.graph.inputs.map((v) => v.name), ['x', 'w'], 'an input with a default stays an input');
  assert.deepEqual(m.graph.initializers.map((t) => [t.name, t.dims]), [['w', [2]]], 'and its default is an initializer');
  assert.deepEqual(m.graph.outputs[0]!.type, { kind: 'unknown' });
  const fn = m.functions[0]!;
  assert.deepEqual([fn.name, fn.domain, fn.inputs, fn.outputs, fn.attributeNames], ['CastTo', 'local', ['a', 'b'], ['c'], ['dtype']]);
  assert.deepEqual(fn.valueInfo.map((v) => v.name), ['a', 'c', 't'], 'typed inputs/outputs and the <...> list are value_info');
  const to = fn.nodes[0]!.attributes[0]!;
  assert.deepEqual([to.name, to.type, to.refAttrName], ['to', 'undefined', 'dtype']);
  const again = parse(printModel(m)).model;
  assert.deepEqual(modelDifferences(m, again), []);
  assert.match(printModel(m), /c = Cast <to = @dtype> \(a\)/);
});

test('syntax errors name line and column', () => {
  const cases: [string, RegExp][] = [
    ['<ir_version: 8>\ng (float x) => (float y)\n{\n  y = Relu(x\n}', /^5:1: expected '\)' to close the inputs of Relu/],
    ['<ir_version: 8, bogus: 1>\ng () => () {}', /^1:17: unknown model keyword 'bogus'/],
    ['g (float x) => (float y) {\n  y = Relu <alpha: floaty = 1> (x)\n}', /^2:20: unknown attribute type 'floaty'/],
    ['g () => () <float[2] w = {1, 2, 3}> {}', /^1:26: tensor 'w': expected 2 values/],
    ['g () => () <int8[1] w = {300}> {}', /^1:25: tensor 'w': 300 is out of range for int8/],
    ['g (float x) => (float y) {\n  y = Relu(x)\n', /^3:1: expected '}' to close the node list/],
    ['g () => () <float w = {"s"}> {}', /^1:23: tensor 'w': expected a number/],
  ];
  for (const [text, expected] of cases) {
    const r = parseModelText(text, { path: 'm.onnxtxt' });
    assert.ok(!r.ok, text);
    assert.match(r.error.message, expected);
    assert.equal(r.error.path, 'm.onnxtxt');
  }
});

test('elided weights: placeholder parses with a marker, building refuses without the original, fills from it', () => {
  const w = new Float32Array(64).map((_, i) => i / 7);
  const g: Graph = {
    ...emptyGraph('g'),
    inputs: [{ name: 'x', type: { kind: 'tensor', elemType: 'float', shape: [64] } }],
    outputs: [{ name: 'y', type: { kind: 'tensor', elemType: 'float', shape: [64] } }],
    initializers: [{ name: 'w', dtype: 'float', dims: [64], data: { kind: 'raw', bytes: new Uint8Array(w.buffer) } }],
    nodes: [node('Add', ['x', 'w'], ['y'])],
  };
  const original = model(g);
  const text = printModel(original);
  const digest = tensorSha256(g.initializers[0]!)!.slice(0, 16);
  assert.ok(text.includes(`float[64] w = ["aiot_elided_sha256": "${digest}"]`), text);

  const parsed = parse(text);
  assert.equal(parsed.elided.length, 1);
  assert.ok(isElidedTensor(parsed.model.graph.initializers[0]!));
  assert.deepEqual(parsed.model.graph.initializers[0]!.dims, [64]);
  assert.equal(parsed.elided[0]!.digest, digest);
  const line = text.split('\n').findIndex((l) => l.includes('aiot_elided_sha256')) + 1;
  assert.equal(parsed.elided[0]!.line, line);

  const refused = buildModelFromText(text, { path: 'm.onnxtxt' });
  assert.ok(!refused.ok);
  assert.match(refused.error.message, /1 tensor is elided \(first: 'w'\).*--weights-from ORIGINAL\.onnx/);

  const built = buildModelFromText(text, { weightsFrom: original });
  assert.ok(built.ok);
  assert.equal(tensorSha256(built.value.graph.initializers[0]!), tensorSha256(g.initializers[0]!));

  // A renamed tensor still matches by digest; changed weights do not match at all.
  const renamed = parse(text.replaceAll('w', 'w2').replace('g (', 'g ('));
  assert.ok(fillElided(renamed.elided, original).ok);
  const changed = structuredClone(original);
  (changed.graph.initializers[0]!.data as { bytes: Uint8Array }).bytes[0] ^= 1;
  const stale = buildModelFromText(text, { weightsFrom: changed, weightsFromPath: 'other.onnx' });
  assert.ok(!stale.ok);
  assert.match(stale.error.message, /tensor 'w' cannot take its weights from other\.onnx: its weights differ/);
});
