// Reading and writing tensor elements for the passes: float32/float16/int64 views over IR tensors.
// Element decoding is src/core/onnx/tensor.ts's; this adds the writable copies and typed constructors passes use.

import type { Tensor } from '../onnx/ir';
import { LensException } from '../result';
import { float16ToNumber, numberToFloat16, tensorToNumbers } from '../onnx/tensor';
import { memorySink } from '../onnx/sink';
import type { PassOptions } from './types';

/** Copies little-endian bytes into an aligned buffer (raw views into the file may sit at odd offsets). */
function aligned(bytes: Uint8Array): ArrayBuffer {
  const copy = new Uint8Array(bytes.byteLength);
  copy.set(bytes);
  return copy.buffer;
}

/** Elements of a numeric tensor as numbers (float16 widened, int64 exact to 2^53); throws a LensException otherwise. */
export function readNumbers(t: Tensor, modelDir?: string): ArrayLike<number> {
  const r = tensorToNumbers(t, { modelDir });
  if (!r.ok) throw new LensException(r.error.code, r.error.message, r.error.path);
  return r.value;
}

/** A fresh, writable float32 copy of a tensor's elements. */
export function readFloat32(t: Tensor, modelDir?: string): Float32Array {
  if (t.dtype === 'float' && t.data.kind === 'raw') return new Float32Array(aligned(t.data.bytes));
  const v = readNumbers(t, modelDir);
  // External float data is read into a buffer of its own: already a private copy, so no second one.
  if (t.dtype === 'float' && t.data.kind === 'external' && v instanceof Float32Array) return v;
  return Float32Array.from(v);
}

/**
 * Hands a tensor a pass made to the pass's sink (PassOptions.sink): a large one moves to scratch external data there,
 * so a pass over a model larger than memory keeps only what it is working on.
 */
export function emit(options: PassOptions, t: Tensor): Tensor {
  return (options.sink ?? memorySink).put(t);
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

export function floatToHalf(value: number): number {
  return numberToFloat16(value);
}

export function halfToFloat(bits: number): number {
  return float16ToNumber(bits);
}

export const FLOAT16_MAX = 65504;
