// inferShapes must never throw and must not depend on node order: checked over every conformance-suite model.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeModel } from '../../../src/core/onnx/decode';
import type { Model } from '../../../src/core/onnx/ir';
import { inferShapes } from '../../../src/core/shapes/index';
import { SUITE_DIR } from '../../../scripts/conformance';

function suiteModels(): { name: string; model: Model }[] {
  return readdirSync(SUITE_DIR).sort().flatMap((name) => {
    const r = decodeModel(readFileSync(join(SUITE_DIR, name, 'model.onnx')));
    return r.ok ? [{ name, model: r.value }] : [];
  });
}

function summary(m: Model): string {
  const s = inferShapes(m);
  return [...s.values].filter(([k]) => m.graph.nodes.some((n) => n.outputs.includes(k)))
    .map(([k, f]) => `${k}:${f.dtype}:${JSON.stringify(f.shape)}`).sort().join('\n');
}

test('reversed node order gives the same facts (topological sort), for every suite model', (t) => {
  if (!existsSync(SUITE_DIR)) { t.skip('libonnx-testdata not installed'); return; }
  let multiNode = 0;
  for (const { name, model } of suiteModels()) {
    if (model.graph.nodes.length < 2) continue;
    multiNode++;
    const reversed: Model = { ...model, graph: { ...model.graph, nodes: [...model.graph.nodes].reverse() } };
    assert.equal(summary(reversed), summary(model), name);
  }
  assert.ok(multiNode > 100, `${multiNode} multi-node models`);
});

test('mutilated models (attributes dropped, inputs blanked, cycles) give warnings, never exceptions', (t) => {
  if (!existsSync(SUITE_DIR)) { t.skip('libonnx-testdata not installed'); return; }
  for (const { name, model } of suiteModels()) {
    const noAttrs: Model = { ...model, graph: { ...model.graph, nodes: model.graph.nodes.map((n) => ({ ...n, attributes: [] })) } };
    const blanked: Model = { ...model, graph: { ...model.graph, nodes: model.graph.nodes.map((n) => ({ ...n, inputs: n.inputs.map((x, i) => (i === 0 ? '' : x)) })) } };
    const cyclic: Model = { ...model, graph: { ...model.graph, nodes: model.graph.nodes.map((n) => ({ ...n, inputs: [...n.inputs, ...n.outputs] })) } };
    for (const m of [noAttrs, blanked, cyclic]) {
      assert.doesNotThrow(() => inferShapes(m, { defaultBatch: 1, maxFoldElements: 64 }), name);
    }
  }
});

test('a hostile declared dim cannot make inference allocate a rank of 2^31 (found by the fuzzer)', () => {
  const model: Model = {
    irVersion: 8, opsetImports: [{ domain: '', version: 13 }], producerName: '', producerVersion: '', domain: '',
    modelVersion: 0, docString: '', metadataProps: [], functions: [],
    graph: {
      name: 'g', initializers: [], sparseInitializers: [], valueInfo: [],
      inputs: [
        { name: 'x', type: { kind: 'tensor', elemType: 'float', shape: [3, 4, 5] } },
        { name: 'axes', type: { kind: 'tensor', elemType: 'int64', shape: [2 ** 31] } },
      ],
      outputs: [{ name: 'y', type: { kind: 'tensor', elemType: 'float' } }],
      nodes: [{ name: 'u', opType: 'Unsqueeze', domain: '', inputs: ['x', 'axes'], outputs: ['y'], attributes: [] }],
    },
  };
  const facts = inferShapes(model).values.get('y');
  assert.equal(facts?.dtype, 'float');
  assert.equal(facts?.shape, undefined);
});

test('Slice of a 2^53-long axis is sized arithmetically, not by listing indices (found by the fuzzer)', async () => {
  const { sliceIndices, sliceLength } = await import('../../../src/core/shapes/fold');
  for (const [dim, start, end, step] of [[10, 0, 10, 1], [10, -3, 100, 1], [10, 9, -11, -2], [7, 1, 6, 2], [5, 4, 0, -1], [5, 0, 0, 1], [6, 10, 2, -3]]) {
    assert.equal(sliceLength(dim!, start!, end!, step!), sliceIndices(dim!, start!, end!, step!).length, `${dim} ${start}:${end}:${step}`);
  }
  assert.equal(sliceLength(2 ** 53 - 1, 0, 9223372036854775807, 2), Math.ceil((2 ** 53 - 1) / 2));
});
