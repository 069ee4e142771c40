import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeTensor } from '../../../src/core/onnx/decode';
import type { DType } from '../../../src/core/onnx/dtype';
import type { Tensor } from '../../../src/core/onnx/ir';
import {
  bfloat16ToNumber, bytesToArray, float16ToNumber, makeTensor, numberToBfloat16, numberToFloat16, readExternalData,
  resolveExternalPath, tensorToArray,
} from '../../../src/core/onnx/tensor';
import { unwrap } from '../../../src/core/result';

test('float16 bit patterns decode and encode (IEEE binary16 reference values)', () => {
  const cases: [number, number][] = [
    [0x3c00, 1], [0xc000, -2], [0x7bff, 65504], [0x0001, 2 ** -24], [0x0400, 2 ** -14], [0x3555, 0.333251953125],
    [0x7c00, Infinity], [0xfc00, -Infinity], [0x0000, 0],
  ];
  for (const [bits, value] of cases) {
    assert.equal(float16ToNumber(bits), value, `decode 0x${bits.toString(16)}`);
    assert.equal(numberToFloat16(value), bits, `encode ${value}`);
  }
  assert.ok(Number.isNaN(float16ToNumber(0x7e00)));
  assert.equal(numberToFloat16(1 / 3), 0x3555, 'rounds to nearest');
  assert.equal(numberToFloat16(1e6), 0x7c00, 'overflow becomes infinity');
  assert.equal(numberToFloat16(2 ** -26), 0x0000, 'ties to even at the subnormal edge');
});

test('bfloat16 decode and round-to-nearest-even encode', () => {
  assert.equal(bfloat16ToNumber(0x3f80), 1);
  assert.equal(bfloat16ToNumber(0xc040), -3);
  assert.equal(numberToBfloat16(1), 0x3f80);
  assert.equal(numberToBfloat16(3.140625), 0x4049);
  assert.equal(numberToBfloat16(1 + 2 ** -8), 0x3f80, 'tie rounds to even');
});

test('makeTensor writes raw_data that tensorToArray reads back, for every numeric dtype', () => {
  const values: Record<string, number[]> = {
    float: [1.5, -2.25, 3e-5], double: [1 / 3, -1e300, 7], int8: [-128, 0, 127], uint8: [0, 200, 255],
    int16: [-32768, 5, 32767], uint16: [0, 40000, 65535], int32: [-2147483648, 1, 2147483647], uint32: [0, 4000000000, 1],
    int64: [-(2 ** 53), 12345678901, 2 ** 53], uint64: [0, 2 ** 40, 7], bool: [1, 0, 1], float16: [1, -0.5, 65504],
    bfloat16: [1, -3, 256], int4: [-8, 7, -1], uint4: [0, 15, 9],
  };
  for (const [dtype, vals] of Object.entries(values)) {
    const t = makeTensor('t', dtype as DType, [3], vals);
    const got = Array.from(unwrap(tensorToArray(t)) as ArrayLike<number>);
    const want = dtype === 'float' ? vals.map(Math.fround) : vals;
    assert.deepEqual(got, want, dtype);
  }
  const s = makeTensor('s', 'string', [2], ['héllo', '']);
  assert.deepEqual(unwrap(tensorToArray(s)), ['héllo', '']);
});

test('aligned raw bytes are read without copying; unaligned ones through DataView', () => {
  const buf = new Uint8Array(17);
  new DataView(buf.buffer).setFloat32(4, 2.5, true);
  new DataView(buf.buffer).setFloat32(9, -1.25, true);
  const aligned = unwrap(bytesToArray('float', 1, buf.subarray(4, 8))) as Float32Array;
  assert.equal(aligned[0], 2.5);
  assert.equal(aligned.buffer, buf.buffer, 'aligned view shares the buffer');
  const unaligned = unwrap(bytesToArray('float', 1, buf.subarray(9, 13))) as Float32Array;
  assert.equal(unaligned[0], -1.25);
  assert.notEqual(unaligned.buffer, buf.buffer);
  const i64 = new Uint8Array(9);
  new DataView(i64.buffer).setBigInt64(1, -5n, true);
  assert.deepEqual(Array.from(unwrap(bytesToArray('int64', 1, i64.subarray(1))) as Float64Array), [-5]);
});

test('typed *_data fields: float16 bits and packed int4 in int32_data', () => {
  const f16: Tensor = { name: 'h', dtype: 'float16', dims: [2], data: { kind: 'int32', values: [0x3c00, 0xc000] } };
  assert.deepEqual(Array.from(unwrap(tensorToArray(f16)) as Float32Array), [1, -2]);
  const i4: Tensor = { name: 'q', dtype: 'int4', dims: [3], data: { kind: 'int32', values: [0x7f, 0x08] } };
  assert.deepEqual(Array.from(unwrap(tensorToArray(i4)) as Int8Array), [-1, 7, -8]);
  const bits: Tensor = { name: 'b', dtype: 'bool', dims: [2], data: { kind: 'int32', values: [1, 0] } };
  assert.deepEqual(Array.from(unwrap(tensorToArray(bits)) as Uint8Array), [1, 0]);
});

test('float8 variants decode per the ONNX float8 tables', () => {
  const f8 = (dtype: DType, bits: number[]) =>
    Array.from(unwrap(tensorToArray({ name: 'f', dtype, dims: [bits.length], data: { kind: 'raw', bytes: new Uint8Array(bits) } })) as Float32Array);
  assert.deepEqual(f8('float8e4m3fn', [0x38, 0x7e, 0xb8, 0x01]), [1, 448, -1, 2 ** -9]);
  assert.ok(Number.isNaN(f8('float8e4m3fn', [0x7f])[0]));
  assert.deepEqual(f8('float8e5m2', [0x3c, 0x7b, 0x7c]), [1, 57344, Infinity]);
  assert.deepEqual(f8('float8e4m3fnuz', [0x40, 0x7f]), [1, 240]);
  assert.ok(Number.isNaN(f8('float8e5m2fnuz', [0x80])[0]));
  assert.deepEqual(f8('float8e5m2fnuz', [0x40]), [1]);
});

const SUITE = '/usr/share/libonnx-testdata/data/node';

test('conformance-suite casts: float16/double inputs read equal to their float reference outputs', (t) => {
  if (!existsSync(SUITE)) { t.skip('libonnx-testdata not installed'); return; }
  for (const name of ['test_cast_FLOAT16_to_FLOAT', 'test_cast_DOUBLE_to_FLOAT', 'test_cast_FLOAT_to_FLOAT16']) {
    const dir = join(SUITE, name, 'test_data_set_0');
    const input = unwrap(decodeTensor(readFileSync(join(dir, 'input_0.pb'))));
    const output = unwrap(decodeTensor(readFileSync(join(dir, 'output_0.pb'))));
    const a = unwrap(tensorToArray(input)) as ArrayLike<number>;
    const b = unwrap(tensorToArray(output)) as ArrayLike<number>;
    assert.equal(a.length, b.length, name);
    for (let i = 0; i < a.length; i++) {
      const cast = output.dtype === 'float16' ? float16ToNumber(numberToFloat16(a[i])) : Math.fround(a[i]);
      if (Number.isNaN(b[i])) assert.ok(Number.isNaN(cast), `${name}[${i}]`);
      else assert.equal(cast, b[i], `${name}[${i}]`);
    }
  }
});

test('external data: lazy reads by offset, and paths that leave the model folder are refused', () => {
  const root = mkdtempSync(join(tmpdir(), 'lens-ext-'));
  const modelDir = join(root, 'model');
  mkdirSync(join(modelDir, 'weights'), { recursive: true });
  const bytes = new Uint8Array(64);
  const dv = new DataView(bytes.buffer);
  for (let i = 0; i < 4; i++) dv.setFloat32(16 + i * 4, i + 0.5, true);
  writeFileSync(join(modelDir, 'weights', 'w.bin'), bytes);
  writeFileSync(join(root, 'secret.bin'), bytes);
  symlinkSync(join(root, 'secret.bin'), join(modelDir, 'escape.bin'));

  const t: Tensor = { name: 'w', dtype: 'float', dims: [2, 2], data: { kind: 'external', location: 'weights/w.bin', offset: 16, length: 16 } };
  assert.deepEqual(Array.from(unwrap(tensorToArray(t, { modelDir })) as Float32Array), [0.5, 1.5, 2.5, 3.5]);
  const noDir = tensorToArray(t);
  assert.equal(noDir.ok ? '' : noDir.error.code, 'external-data');

  const code = (loc: string) => { const r = resolveExternalPath(modelDir, loc); return r.ok ? 'ok' : r.error.code; };
  assert.equal(code('weights/w.bin'), 'ok');
  assert.equal(code('./weights/../weights/w.bin'), 'ok');
  assert.equal(code(join(root, 'secret.bin')), 'unsafe-path');
  assert.equal(code('../secret.bin'), 'unsafe-path');
  assert.equal(code('weights/../../secret.bin'), 'unsafe-path');
  assert.equal(code('escape.bin'), 'unsafe-path', 'symlink leaving the folder');
  assert.equal(code('missing.bin'), 'external-data');
  const short = readExternalData(modelDir, 'weights/w.bin', 60, 16);
  assert.equal(short.ok ? '' : short.error.code, 'external-data', 'reading past the end is an error');
});
