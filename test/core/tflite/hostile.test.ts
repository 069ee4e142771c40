// Hostile and damaged .tflite files: every one ends in a clear error naming the problem, never an exception, a wild
// read or unbounded work; seeded random damage to a written model likewise.

import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { analyzeModel } from '../../../src/core/analyze';
import { loadModelFile } from '../../../src/core/model';
import { seededRandom } from '../../../src/core/random';
import { catchLens, type Result } from '../../../src/core/result';
import { decodeTflite } from '../../../src/core/tflite/load';
import { buildTflite, i32, type ModelSpec } from '../../helpers/tflite-builder';
import { convNet } from '../../helpers/tflite-samples';

function refused(r: Result<unknown>, pattern: RegExp): void {
  assert.equal(r.ok, false, 'expected an error');
  if (r.ok) return;
  assert.notEqual(r.error.code, 'internal', r.error.message);
  assert.match(r.error.message, pattern);
}

function patched(spec: ModelSpec, f: (s: ModelSpec) => void): Uint8Array {
  const copy = structuredClone(spec);
  f(copy);
  return buildTflite(copy);
}

test('files too short, without the identifier, or of another schema version', () => {
  const dir = mkdtempSync(join(tmpdir(), 'aiot-hostile-'));
  const p = (name: string, bytes: Uint8Array) => {
    writeFileSync(join(dir, name), bytes);
    return join(dir, name);
  };
  refused(loadModelFile(p('empty.tflite', new Uint8Array(0))), /TFLite|empty|bytes/);
  refused(loadModelFile(p('short.tflite', new Uint8Array([1, 2, 3]))), /TFLite|bytes/);
  const good = buildTflite(convNet());
  const noId = good.slice();
  noId.set([0x4f, 0x4e, 0x4e, 0x58], 4);
  refused(loadModelFile(p('noid.tflite', noId)), /not a TFLite model: bytes 4\.\.7 are not the "TFL3" file identifier/);
  refused(decodeTflite(buildTflite({ ...convNet(), version: 2 })), /schema version 2/);
  const wild = good.slice();
  new DataView(wild.buffer).setUint32(0, 0x7ffffff0, true);
  refused(decodeTflite(wild), /lies outside/);
});

test('indices out of range: opcode, tensor, buffer; a negative dimension; mismatched zero points', () => {
  refused(decodeTflite(patched(convNet(), (s) => { s.subgraphs[0]!.ops[0]!.rawOpcode = 99; })), /operator 0 uses opcode 99/);
  refused(decodeTflite(patched(convNet(), (s) => { s.subgraphs[0]!.ops[1]!.rawInputs = [3, 1000]; })), /names tensor 1000 of 11/);
  refused(decodeTflite(patched(convNet(), (s) => { s.subgraphs[0]!.tensors[1]!.rawBuffer = 500; })), /uses buffer 500/);
  refused(decodeTflite(patched(convNet(), (s) => { s.subgraphs[0]!.tensors[3]!.shape = [1, -8, 8, 4]; })), /negative dimension/);
  refused(decodeTflite(patched(convNet(), (s) => { s.subgraphs[0]!.tensors[1]!.quant!.zeroPoint = [0, 0]; })), /4 scales and 2 zero points/);
  refused(decodeTflite(patched(convNet(), (s) => { s.subgraphs[0]!.tensors[8]!.data = i32([1, 2, 3]); })), /needs 1280 bytes, its buffer \d+ holds 12/);
});

test('a sparse tensor whose metadata addresses more values than it stores', () => {
  const spec: ModelSpec = {
    subgraphs: [{
      tensors: [
        { name: 'x', shape: [1, 4] },
        {
          name: 'w', shape: [2, 4], data: new Uint8Array(new Float32Array([1, 2]).buffer),
          sparsity: { traversalOrder: [0, 1], dims: [{ format: 'DENSE', denseSize: 2 }, { format: 'SPARSE_CSR', segments: [0, 1, 3], indices: [0, 1, 3] }] },
        },
        { name: 'y', shape: [1, 2] },
      ],
      inputs: ['x'], outputs: ['y'],
      ops: [{ op: 'FULLY_CONNECTED', inputs: ['x', 'w', null], outputs: ['y'] }],
    }],
  };
  refused(decodeTflite(buildTflite(spec)), /sparse tensor 'w'.*more than the 2 stored values/);
  // With three values: row 0 holds column 0, row 1 columns 1 and 3.
  spec.subgraphs[0]!.tensors[1]!.data = new Uint8Array(new Float32Array([1, 2, 3]).buffer);
  const m = decodeTflite(buildTflite(spec));
  assert.ok(m.ok);
  if (m.ok) assert.deepEqual(Array.from(new Float32Array(Uint8Array.from((m.value.model.graph.initializers[0]!.data as { bytes: Uint8Array }).bytes).buffer)), [1, 0, 0, 0, 0, 2, 0, 3]);
});

test('a buffer stored after the flatbuffer that runs past the end of the file', () => {
  const bytes = buildTflite(convNet({ buffersAfter: true }));
  refused(decodeTflite(bytes.subarray(0, bytes.length - 64)), /buffer \d+ lies at bytes \d+\.\.\d+ of a \d+-byte file/);
});

test('500 seeded random damages of a written model: each a result or a clean error, never an exception', () => {
  const original = buildTflite(convNet({ metadata: [{ name: 'OfflineMemoryAllocation', data: i32([1, 1, 11, 0, -1, -1, 64, -1, -1, -1, 128, -1, -1, -1]) }] }));
  const rng = seededRandom(13);
  let errors = 0;
  for (let i = 0; i < 500; i++) {
    const b = original.slice();
    const view = new DataView(b.buffer);
    for (let k = 0; k < 1 + Math.floor(rng() * 6); k++) {
      const at = 4 * Math.floor(rng() * ((b.length >> 2) - 1));
      view.setUint32(at, [0xffffffff, 0x80000000, view.getUint32(at, true) + 4, Math.floor(rng() * b.length), 0][Math.floor(rng() * 5)]! >>> 0, true);
    }
    const r = decodeTflite(b);
    if (!r.ok) {
      assert.notEqual(r.error.code, 'internal', r.error.message);
      errors++;
      continue;
    }
    const a = catchLens(() => analyzeModel(r.value.model));
    if (!a.ok) assert.notEqual(a.error.code, 'internal', a.error.message);
  }
  assert.ok(errors > 50, `${errors} of 500 damaged files were refused`);
});
