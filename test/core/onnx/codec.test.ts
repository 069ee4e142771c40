// decode → encode → decode gives the same model; onnxruntime loads what we write; bad bytes give clean errors.

import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { decodeModel } from '../../../src/core/onnx/decode';
import { encodeModel } from '../../../src/core/onnx/encode';
import type { Model } from '../../../src/core/onnx/ir';
import { unwrap } from '../../../src/core/result';
import { MODELS_DIR } from '../../helpers/models';

/** A JSON view of a model where byte arrays become hashes, so two decodes compare structurally. */
function canonical(model: Model): string {
  return JSON.stringify(model, (_key, value) => {
    if (value instanceof Uint8Array) return `bytes:${value.byteLength}:${createHash('sha256').update(value).digest('hex').slice(0, 16)}`;
    if (ArrayBuffer.isView(value)) return Array.from(value as unknown as ArrayLike<number>);
    return value;
  });
}

const fixtures = readdirSync(MODELS_DIR).filter((f) => f.endsWith('.onnx')).sort();

for (const file of fixtures) {
  test(`${file}: decode → encode → decode is lossless and onnxruntime loads the re-encoded file`, async () => {
    const bytes = readFileSync(join(MODELS_DIR, file));
    const first = unwrap(decodeModel(bytes));
    const encoded = unwrap(encodeModel(first));
    const second = unwrap(decodeModel(encoded));
    assert.equal(canonical(second), canonical(first));
    // Raw weights are views into the file, not copies.
    const raw = first.graph.initializers.find((t) => t.data.kind === 'raw');
    if (raw && raw.data.kind === 'raw') assert.equal(raw.data.bytes.buffer, bytes.buffer);
    const ort = await import('onnxruntime-node');
    const session = await ort.InferenceSession.create(encoded);
    assert.deepEqual([...session.inputNames].sort(), first.graph.inputs.map((i) => i.name).filter((n) => !first.graph.initializers.some((t) => t.name === n)).sort());
    await session.release();
  });
}

test('int64 extremes survive a round trip (Slice ends of INT64_MAX stay positive)', () => {
  const ends = [0, -1, 2 ** 53 - 1, 2 ** 60, -(2 ** 60), 9223372036854775807, -9223372036854775808];
  const model: Model = {
    irVersion: 8, opsetImports: [{ domain: '', version: 17 }], producerName: '', producerVersion: '', domain: '',
    modelVersion: 0, docString: '', metadataProps: [], functions: [],
    graph: {
      name: 'g', sparseInitializers: [], inputs: [], outputs: [], valueInfo: [], initializers: [],
      nodes: [{ name: 'n', opType: 'Slice', domain: '', inputs: ['x'], outputs: ['y'], attributes: [{ name: 'ends', type: 'ints', value: ends }] }],
    },
  };
  const back = unwrap(decodeModel(unwrap(encodeModel(model))));
  const attr = back.graph.nodes[0]!.attributes[0]!;
  assert.equal(attr.type, 'ints');
  assert.deepEqual(attr.value, [0, -1, 2 ** 53 - 1, 2 ** 60, -(2 ** 60), 2 ** 63, -(2 ** 63)]);
});

test('bad bytes give a clear error value, never an exception', () => {
  const good = readFileSync(join(MODELS_DIR, 'resnet8_cifar.onnx'));
  const cases: [string, Uint8Array][] = [
    ['empty', new Uint8Array(0)],
    ['text', new TextEncoder().encode('this is not a model\n')],
    ['truncated', good.subarray(0, Math.floor(good.length / 2))],
    ['random', Uint8Array.from({ length: 4096 }, (_, i) => (i * 2654435761) >>> 24)],
  ];
  for (const [label, bytes] of cases) {
    const r = decodeModel(bytes, { path: 'x.onnx' });
    assert.equal(r.ok, false, label);
    if (!r.ok) {
      assert.ok(['not-onnx', 'corrupt', 'too-large'].includes(r.error.code), `${label}: ${r.error.code}`);
      assert.ok(r.error.message.length > 10 && !r.error.message.includes('\n'), `${label}: ${r.error.message}`);
    }
  }
});

test('a tensor whose declared size disagrees with its data is rejected before use', () => {
  const m = unwrap(decodeModel(readFileSync(join(MODELS_DIR, 'resnet8_cifar.onnx'))));
  const w = m.graph.initializers.find((t) => t.data.kind === 'raw')!;
  w.dims = [...w.dims.slice(0, -1), w.dims[w.dims.length - 1]! * 1000];
  const r = decodeModel(unwrap(encodeModel(m)));
  assert.equal(r.ok, false);
  if (!r.ok) assert.match(r.error.message, /declares .* but holds/);
});

const SUITE = '/usr/share/libonnx-testdata/data';
test('every model of the ONNX conformance suite decodes and re-encodes losslessly', { skip: !existsSync(SUITE) && 'libonnx-testdata is not installed' }, () => {
  let count = 0;
  const failures: string[] = [];
  for (const group of readdirSync(SUITE)) {
    for (const name of readdirSync(join(SUITE, group))) {
      const path = join(SUITE, group, name, 'model.onnx');
      if (!existsSync(path)) continue;
      count++;
      const first = decodeModel(readFileSync(path));
      if (!first.ok) {
        failures.push(`${group}/${name}: ${first.error.message}`);
        continue;
      }
      const again = decodeModel(unwrap(encodeModel(first.value)));
      if (!again.ok || canonical(again.value) !== canonical(first.value)) failures.push(`${group}/${name}: round trip differs`);
    }
  }
  assert.ok(count > 900, `only ${count} models found`);
  assert.deepEqual(failures, []);
});

test('an attribute typed STRING without bytes decodes as an empty string (found by the fuzzer)', () => {
  // AttributeProto{name: "a", type: STRING(3)}: no `s` field at all.
  const attr = [0x0a, 0x01, 0x61, 0xa0, 0x01, 0x03];
  const node = [0x22, 0x01, 0x58, 0x2a, attr.length, ...attr]; // op_type "X", attribute
  const graph = [0x0a, node.length, ...node];
  const model = Uint8Array.from([0x08, 0x08, 0x3a, graph.length, ...graph]); // ir_version 8, graph
  const m = unwrap(decodeModel(model));
  const a = m.graph.nodes[0]!.attributes[0]!;
  assert.equal(a.type, 'string');
  assert.equal(a.value, '');
});
