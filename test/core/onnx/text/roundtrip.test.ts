// Round-trip of every reference model through ONNX text: print → parse gives an equivalent model (elided and full),
// the --full text re-encodes to a model onnxruntime loads and runs to the same outputs as the original, and elided
// text rebuilt with the original's weights does too.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { decodeModel } from '../../../../src/core/onnx/decode';
import { encodeModel } from '../../../../src/core/onnx/encode';
import type { Model } from '../../../../src/core/onnx/ir';
import { buildModelFromText, parseModelText, printModel } from '../../../../src/core/onnx/text';
import { modelDifferences } from './equivalence';

const require = createRequire(import.meta.url);
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const ort: any = require('onnxruntime-node');

// Warnings about initializers listed as inputs (old exporters) would drown the test output.
const QUIET = { logSeverityLevel: 3 };

const dir = join(import.meta.dirname, '../../../fixtures/models');
const fixtures = readdirSync(dir).filter((f) => f.endsWith('.onnx')).sort();

function load(file: string): Model {
  const r = decodeModel(readFileSync(join(dir, file)), { path: file });
  assert.ok(r.ok, r.ok ? '' : r.error.message);
  return r.value;
}

/** Deterministic feeds from the graph's declared inputs (symbolic dims as 1); undefined for unusual input types. */
function feedsFor(model: Model): Record<string, unknown> | undefined {
  const inits = new Set(model.graph.initializers.map((t) => t.name));
  const feeds: Record<string, unknown> = {};
  let seed = 12345;
  const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648) * 2 - 1;
  for (const vi of model.graph.inputs) {
    if (inits.has(vi.name)) continue;
    if (vi.type.kind !== 'tensor' || !vi.type.shape) return undefined;
    const dims = vi.type.shape.map((d) => (typeof d === 'number' ? d : 1));
    const n = dims.reduce((a, b) => a * b, 1);
    if (vi.type.elemType === 'float') feeds[vi.name] = new ort.Tensor('float32', Float32Array.from({ length: n }, rnd), dims);
    else if (vi.type.elemType === 'int64') feeds[vi.name] = new ort.Tensor('int64', new BigInt64Array(n).fill(16000n), dims);
    else return undefined;
  }
  return feeds;
}

async function outputsOf(bytes: Uint8Array, feeds: Record<string, unknown>): Promise<Record<string, Float32Array> | undefined> {
  const session = await ort.InferenceSession.create(bytes, QUIET);
  try {
    const out = await session.run(feeds);
    const result: Record<string, Float32Array> = {};
    for (const [k, v] of Object.entries(out)) result[k] = (v as { data: Float32Array }).data;
    return result;
  } catch {
    return undefined; // the generic feeds do not suit this model; loading is still checked
  } finally {
    await session.release();
  }
}

for (const file of fixtures) {
  test(`text round-trip: ${file}`, async () => {
    const original = load(file);

    const elidedText = printModel(original);
    const elided = parseModelText(elidedText, { path: file });
    assert.ok(elided.ok, elided.ok ? '' : elided.error.message);
    assert.deepEqual(modelDifferences(original, elided.value.model), []);
    assert.ok(elided.value.elided.length > 0, 'a real model has weights large enough to elide');

    const fullText = printModel(original, { full: true });
    const full = parseModelText(fullText, { path: file });
    assert.ok(full.ok, full.ok ? '' : full.error.message);
    assert.equal(full.value.elided.length, 0);
    assert.deepEqual(modelDifferences(original, full.value.model), []);

    const bytes = encodeModel(full.value.model);
    assert.ok(bytes.ok);
    const again = decodeModel(bytes.value);
    assert.ok(again.ok);
    assert.deepEqual(modelDifferences(original, again.value), []);

    const rebuilt = buildModelFromText(elidedText, { path: file, weightsFrom: original });
    assert.ok(rebuilt.ok, rebuilt.ok ? '' : rebuilt.error.message);
    const rebuiltBytes = encodeModel(rebuilt.value);
    assert.ok(rebuiltBytes.ok);

    // onnxruntime must load both rebuilt models; where the generic feeds run the original, outputs must match bit for bit.
    const feeds = feedsFor(original);
    const fromFull = feeds ? await outputsOf(bytes.value, feeds) : undefined;
    const fromElided = feeds ? await outputsOf(rebuiltBytes.value, feeds) : undefined;
    if (!feeds) {
      await (await ort.InferenceSession.create(bytes.value, QUIET)).release();
      await (await ort.InferenceSession.create(rebuiltBytes.value, QUIET)).release();
      return;
    }
    const reference = await outputsOf(readFileSync(join(dir, file)), feeds);
    if (!reference) return;
    for (const got of [fromFull, fromElided]) {
      assert.ok(got, 'the rebuilt model runs where the original runs');
      for (const [name, data] of Object.entries(reference)) assert.deepEqual(got[name], data, `output ${name}`);
    }
  });
}
