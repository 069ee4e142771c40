// Verification plumbing: .npy / TensorProto sample folders, comparison figures, and calibration from a folder.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compareOutputs, folderSamples, parseNpy, randomSamples, readSampleFile } from '../../../src/core/verify';
import { floatToHalf, halfToFloat } from '../../../src/core/passes/numeric';
import { optimizeFixture, verify, loadFixture } from '../passes/helpers';

/** A NumPy v1.0 file for a float32 C-order array, written the way numpy.save does. */
function npy(dims: number[], values: Float32Array): Uint8Array {
  let header = `{'descr': '<f4', 'fortran_order': False, 'shape': (${dims.join(', ')}${dims.length === 1 ? ',' : ''}), }`;
  const total = 10 + header.length + 1;
  header += ' '.repeat((64 - (total % 64)) % 64) + '\n';
  const out = new Uint8Array(10 + header.length + values.byteLength);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0, header.length & 0xff, header.length >> 8]);
  out.set(new TextEncoder().encode(header), 10);
  out.set(new Uint8Array(values.buffer), 10 + header.length);
  return out;
}

test('parseNpy reads dims and float32 values', () => {
  const t = parseNpy(npy([2, 3], Float32Array.from([1, 2, 3, 4, 5, 6.5])), 'x.npy');
  assert.deepEqual(t.dims, [2, 3]);
  assert.deepEqual(Array.from(t.data as Float32Array), [1, 2, 3, 4, 5, 6.5]);
});

test('TensorProto .pb samples from the ONNX conformance suite load with their dims', { skip: !existsSync('/usr/share/libonnx-testdata/data/node/test_relu') }, () => {
  const t = readSampleFile('/usr/share/libonnx-testdata/data/node/test_relu/test_data_set_0/input_0.pb');
  assert.deepEqual(t.dims, [3, 4, 5]);
  assert.equal(t.dtype, 'float');
});

test('float16 conversion rounds to nearest and saturates to infinity', () => {
  assert.equal(halfToFloat(floatToHalf(1 / 3)), 0.333251953125);
  assert.equal(halfToFloat(floatToHalf(65504)), 65504);
  assert.equal(halfToFloat(floatToHalf(1e6)), Infinity);
});

test('compareOutputs: max abs error, cosine and top-1 rows', () => {
  const c = compareOutputs([1, 2, 3, 0, 5, 1], [1, 2, 2.5, 0, 4, 5.5], [2, 3]);
  assert.equal(c.maxAbsError, 4.5);
  assert.equal(c.top1Matches, 1);
  assert.equal(c.top1Rows, 2);
  assert.ok(Math.abs(c.cosine - 38 / Math.sqrt(40 * 57.5)) < 1e-12);
});

test('random samples are seeded: same seed, same inputs', () => {
  const { model } = loadFixture('ds_cnn_kws');
  const a = randomSamples(model, 1, 7).samples[0]!['input']!.data as Float32Array;
  const b = randomSamples(model, 1, 7).samples[0]!['input']!.data as Float32Array;
  const c = randomSamples(model, 1, 8).samples[0]!['input']!.data as Float32Array;
  assert.deepEqual(a, b);
  assert.notDeepEqual(a, c);
});

test('int8-static calibrates from a folder of .npy files and says so', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'aiot-calib-'));
  const { model } = loadFixture('ds_cnn_kws');
  const samples = randomSamples(model, 3, 42).samples;
  samples.forEach((s, i) => writeFileSync(join(dir, `sample_${i}.npy`), npy([1, 1, 49, 10], s['input']!.data as Float32Array)));
  assert.equal(folderSamples(model, dir).samples.length, 3);
  const o = await optimizeFixture('ds_cnn_kws', ['int8-static'], { calibrationDir: dir, calibrationMethod: 'percentile', percentile: 99.9 });
  const d = o.passes[0]!.details;
  assert.match(String(d['calibration']), /3 samples from/);
  assert.equal(d['method'], 'percentile 99.9');
  const v = await verify(o);
  assert.ok(v.ranOk, v.error);
  assert.ok(v.cosine! > 0.95, `cosine ${v.cosine}`);
  // Subfolders switch the reader to one sample per subfolder; an empty one gives no samples, which is an error.
  mkdirSync(join(dir, 'set_0'));
  assert.throws(() => folderSamples(model, dir));
});
