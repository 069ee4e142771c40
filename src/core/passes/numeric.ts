// Reading and writing tensor elements for the passes: float32/float16/int64 views over IR tensors.
// TODO(switch): once src/core/onnx/tensor.ts lands, the readers here delegate to it; the pass-facing names stay.

import type { Tensor } from '../onnx/ir';
import { tensorElementCount } from '../onnx/ir';
import { LensException } from '../result';

/** Copies little-endian bytes into an aligned buffer (raw views into the file may sit at odd offsets). */
function aligned(bytes: Uint8Array): ArrayBuffer {
  const copy = new Uint8Array(bytes.byteLength);
  copy.set(bytes);
  return copy.buffer;
}

/** Elements of a numeric tensor as float64 numbers (float, float16, double, int*, uint*, bool). */
export function readNumbers(t: Tensor): Float64Array {
  const n = tensorElementCount(t.dims);
  const d = t.data;
  const out = new Float64Array(n);
  if (d.kind === 'raw') {
    const buf = aligned(d.bytes);
    let view: ArrayLike<number | bigint>;
    switch (t.dtype) {
      case 'float': view = new Float32Array(buf); break;
      case 'double': view = new Float64Array(buf); break;
      case 'float16': { const u = new Uint16Array(buf); for (let i = 0; i < n; i++) out[i] = halfToFloat(u[i]!); return out; }
      case 'int8': view = new Int8Array(buf); break;
      case 'uint8': case 'bool': view = new Uint8Array(buf); break;
      case 'int16': view = new Int16Array(buf); break;
      case 'uint16': view = new Uint16Array(buf); break;
      case 'int32': view = new Int32Array(buf); break;
      case 'uint32': view = new Uint32Array(buf); break;
      case 'int64': view = new BigInt64Array(buf); break;
      case 'uint64': view = new BigUint64Array(buf); break;
      default: throw new LensException('unsupported', `tensor '${t.name}' has element type ${t.dtype}, which this pass cannot read`);
    }
    for (let i = 0; i < n; i++) out[i] = Number(view[i]!);
    return out;
  }
  if (d.kind === 'float' || d.kind === 'double' || d.kind === 'int64' || d.kind === 'uint64') {
    for (let i = 0; i < n; i++) out[i] = Number(d.values[i]);
    return out;
  }
  if (d.kind === 'int32') {
    // float16/bfloat16 ride in int32_data as bit patterns.
    if (t.dtype === 'float16') for (let i = 0; i < n; i++) out[i] = halfToFloat(Number(d.values[i]));
    else for (let i = 0; i < n; i++) out[i] = Number(d.values[i]);
    return out;
  }
  if (d.kind === 'empty' && n === 0) return out;
  if (d.kind === 'external') throw new LensException('external-data', `tensor '${t.name}' is stored in external file '${d.location}', which the passes do not load yet`);
  throw new LensException('unsupported', `tensor '${t.name}' holds ${d.kind} data, which this pass cannot read`);
}

export function readFloat32(t: Tensor): Float32Array {
  if (t.dtype === 'float' && t.data.kind === 'raw') return new Float32Array(aligned(t.data.bytes));
  return Float32Array.from(readNumbers(t));
}

/** True when the tensor's elements can be read in memory (not external, not string). */
export function isReadable(t: Tensor): boolean {
  return t.data.kind !== 'external' && t.data.kind !== 'string' && t.dtype !== 'string';
}

export function float32Tensor(name: string, dims: number[], values: ArrayLike<number>): Tensor {
  const a = values instanceof Float32Array ? values : Float32Array.from(values);
  return { name, dtype: 'float', dims: [...dims], data: { kind: 'raw', bytes: new Uint8Array(a.buffer, a.byteOffset, a.byteLength) } };
}

export function float16Tensor(name: string, dims: number[], values: ArrayLike<number>): Tensor {
  const u = new Uint16Array(values.length);
  for (let i = 0; i < values.length; i++) u[i] = floatToHalf(values[i]!);
  return { name, dtype: 'float16', dims: [...dims], data: { kind: 'raw', bytes: new Uint8Array(u.buffer) } };
}

export function int64Tensor(name: string, dims: number[], values: ArrayLike<number>): Tensor {
  const b = new BigInt64Array(values.length);
  for (let i = 0; i < values.length; i++) b[i] = BigInt(Math.trunc(values[i]!));
  return { name, dtype: 'int64', dims: [...dims], data: { kind: 'raw', bytes: new Uint8Array(b.buffer) } };
}

export function int32Tensor(name: string, dims: number[], values: ArrayLike<number>): Tensor {
  const a = Int32Array.from(values);
  return { name, dtype: 'int32', dims: [...dims], data: { kind: 'raw', bytes: new Uint8Array(a.buffer) } };
}

export function int8Tensor(name: string, dims: number[], values: ArrayLike<number>): Tensor {
  const a = Int8Array.from(values);
  return { name, dtype: 'int8', dims: [...dims], data: { kind: 'raw', bytes: new Uint8Array(a.buffer) } };
}

export function uint8Tensor(name: string, dims: number[], values: ArrayLike<number>): Tensor {
  const a = Uint8Array.from(values);
  return { name, dtype: 'uint8', dims: [...dims], data: { kind: 'raw', bytes: a } };
}

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/** IEEE binary32 → binary16 bits, round to nearest even, overflow to infinity. */
export function floatToHalf(value: number): number {
  f32[0] = value;
  const x = u32[0]!;
  const sign = (x >>> 16) & 0x8000;
  const exp = (x >>> 23) & 0xff;
  let mant = x & 0x7fffff;
  if (exp === 0xff) return sign | 0x7c00 | (mant ? 0x200 : 0);
  let e = exp - 127 + 15;
  if (e >= 0x1f) return sign | 0x7c00;
  if (e <= 0) {
    if (e < -10) return sign;
    mant |= 0x800000;
    const shift = 14 - e;
    let h = mant >>> shift;
    const rem = mant & ((1 << shift) - 1);
    const half = 1 << (shift - 1);
    if (rem > half || (rem === half && (h & 1))) h++;
    return sign | h;
  }
  let h = (e << 10) | (mant >>> 13);
  const rem = mant & 0x1fff;
  if (rem > 0x1000 || (rem === 0x1000 && (h & 1))) h++;
  return sign | h;
}

export function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >>> 10) & 0x1f;
  const mant = h & 0x3ff;
  if (exp === 0) return sign * mant * 2 ** -24;
  if (exp === 0x1f) return mant ? NaN : sign * Infinity;
  return sign * (1 + mant / 1024) * 2 ** (exp - 15);
}

export const FLOAT16_MAX = 65504;
