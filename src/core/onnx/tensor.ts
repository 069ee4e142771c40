// Reads tensor elements from every TensorData form into JS arrays, writes new tensors, and reads external data safely.

import { closeSync, fstatSync, openSync, readSync, realpathSync } from 'node:fs';
import { endianness } from 'node:os';
import { isAbsolute, join, normalize, relative, sep } from 'node:path';
import { dtypeBits, dtypeByteSize, type DType } from './dtype';
import { tensorElementCount, type Tensor } from './ir';
import { err, ok, type Result } from '../result';

/** Elements of a tensor: the natural typed array per dtype, int64/uint64 as Float64Array (exact to 2^53). */
export type TensorArray =
  | Float32Array | Float64Array | Int8Array | Uint8Array | Int16Array | Uint16Array | Int32Array | Uint32Array
  | string[];

export interface TensorReadOptions {
  /** Folder of the model file: needed to read tensors stored as external data. */
  modelDir?: string;
  /** Refuse tensors larger than this many bytes (default: no limit). */
  maxBytes?: number;
}

const LITTLE_ENDIAN_HOST = endianness() === 'LE';
const utf8Decoder = new TextDecoder('utf-8');
const utf8Encoder = new TextEncoder();

// ---------- float16 / bfloat16 / float8 / float4 ----------

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/** IEEE half-precision bits to a number. */
export function float16ToNumber(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exp = (bits >> 10) & 0x1f;
  const frac = bits & 0x3ff;
  if (exp === 0) return sign * frac * 2 ** -24;
  if (exp === 31) return frac ? NaN : sign * Infinity;
  return sign * (1 + frac / 1024) * 2 ** (exp - 15);
}

/** A number to IEEE half-precision bits, rounding to nearest even. */
export function numberToFloat16(value: number): number {
  f32[0] = value;
  return float32BitsToFloat16(u32[0]!);
}

/** float32 bits (as a uint32) to IEEE half-precision bits, rounding to nearest even: converts whole arrays fast. */
export function float32BitsToFloat16(x: number): number {
  const sign = (x >>> 16) & 0x8000;
  const exp = (x >>> 23) & 0xff;
  let mant = x & 0x7fffff;
  if (exp === 0xff) return sign | 0x7c00 | (mant ? 0x200 : 0);
  let e = exp - 127 + 15;
  if (e >= 31) return sign | 0x7c00;
  if (e <= 0) {
    if (e < -10) return sign;
    mant |= 0x800000;
    const shift = 14 - e;
    const half = 1 << (shift - 1);
    let r = mant >> shift;
    const rem = mant & ((1 << shift) - 1);
    if (rem > half || (rem === half && (r & 1))) r++;
    return sign | r;
  }
  let r = mant >> 13;
  const rem = mant & 0x1fff;
  if (rem > 0x1000 || (rem === 0x1000 && (r & 1))) {
    r++;
    if (r === 0x400) { r = 0; e++; if (e >= 31) return sign | 0x7c00; }
  }
  return sign | (e << 10) | r;
}

export function bfloat16ToNumber(bits: number): number {
  u32[0] = (bits & 0xffff) << 16;
  return f32[0];
}

/** A number to bfloat16 bits, rounding to nearest even (NaN stays NaN). */
export function numberToBfloat16(value: number): number {
  f32[0] = value;
  const x = u32[0];
  if (Number.isNaN(value)) return 0x7fc0;
  return ((x + 0x7fff + ((x >>> 16) & 1)) >>> 16) & 0xffff;
}

/** Decodes an 8-bit float with `expBits` exponent bits; `fnuz`: no negative zero, NaN is 0x80, bias+1. */
function float8ToNumber(bits: number, dtype: DType): number {
  const e5 = dtype === 'float8e5m2' || dtype === 'float8e5m2fnuz';
  const fnuz = dtype.endsWith('fnuz');
  if (fnuz && bits === 0x80) return NaN;
  const sign = bits & 0x80 ? -1 : 1;
  const mBits = e5 ? 2 : 3;
  const exp = (bits >> mBits) & (e5 ? 0x1f : 0x0f);
  const mant = bits & ((1 << mBits) - 1);
  const bias = (e5 ? 15 : 7) + (fnuz ? 1 : 0);
  if (dtype === 'float8e4m3fn' && exp === 15 && mant === 7) return NaN;
  if (dtype === 'float8e5m2' && exp === 31) return mant ? NaN : sign * Infinity;
  if (exp === 0) return sign * mant * 2 ** (1 - bias - mBits);
  return sign * (1 + mant / (1 << mBits)) * 2 ** (exp - bias);
}

const FLOAT4_VALUES = [0, 0.5, 1, 1.5, 2, 3, 4, 6];
function float4ToNumber(nibble: number): number {
  const v = FLOAT4_VALUES[nibble & 7];
  return nibble & 8 ? -v : v;
}

// ---------- reading ----------

function arrayFor(dtype: DType, count: number): Exclude<TensorArray, string[]> {
  switch (dtype) {
    case 'double': case 'int64': case 'uint64': return new Float64Array(count);
    case 'int8': case 'int4': return new Int8Array(count);
    case 'uint8': case 'uint4': case 'bool': return new Uint8Array(count);
    case 'int16': return new Int16Array(count);
    case 'uint16': return new Uint16Array(count);
    case 'int32': return new Int32Array(count);
    case 'uint32': return new Uint32Array(count);
    case 'complex64': return new Float32Array(count * 2);
    case 'complex128': return new Float64Array(count * 2);
    default: return new Float32Array(count);
  }
}

/** Decodes one stored 8/16-bit pattern of a reduced-precision float dtype. */
function decodeBits(dtype: DType, bits: number): number {
  if (dtype === 'float16') return float16ToNumber(bits);
  if (dtype === 'bfloat16') return bfloat16ToNumber(bits);
  return float8ToNumber(bits & 0xff, dtype);
}

/** Little-endian bytes to elements; aligned same-width types become views (no copy). */
export function bytesToArray(dtype: DType, count: number, bytes: Uint8Array): Result<TensorArray> {
  const need = dtypeByteSize(dtype, dtype.startsWith('complex') ? count * 2 : count);
  const storage = dtype === 'complex64' ? 'float' : dtype === 'complex128' ? 'double' : dtype;
  if (dtype === 'string' || dtype === 'undefined') return err('unsupported', `cannot read ${dtype} tensor bytes`);
  if (bytes.byteLength < need) return err('corrupt', `tensor holds ${bytes.byteLength} bytes, needs ${need}`);
  const n = dtype.startsWith('complex') ? count * 2 : count;
  const width = dtypeBits(storage) / 8;
  const view = () => {
    const off = bytes.byteOffset;
    if (!LITTLE_ENDIAN_HOST || off % width !== 0) return undefined;
    switch (storage) {
      case 'float': return new Float32Array(bytes.buffer, off, n);
      case 'double': return new Float64Array(bytes.buffer, off, n);
      case 'int8': return new Int8Array(bytes.buffer, off, n);
      case 'uint8': case 'bool': return new Uint8Array(bytes.buffer, off, n);
      case 'int16': return new Int16Array(bytes.buffer, off, n);
      case 'uint16': return new Uint16Array(bytes.buffer, off, n);
      case 'int32': return new Int32Array(bytes.buffer, off, n);
      case 'uint32': return new Uint32Array(bytes.buffer, off, n);
      default: return undefined;
    }
  };
  const v = view();
  if (v) return ok(v);
  const out = arrayFor(dtype, count);
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let i = 0; i < n; i++) {
    switch (storage) {
      case 'float': out[i] = dv.getFloat32(i * 4, true); break;
      case 'double': out[i] = dv.getFloat64(i * 8, true); break;
      case 'int8': out[i] = dv.getInt8(i); break;
      case 'uint8': case 'bool': out[i] = dv.getUint8(i); break;
      case 'int16': out[i] = dv.getInt16(i * 2, true); break;
      case 'uint16': out[i] = dv.getUint16(i * 2, true); break;
      case 'int32': out[i] = dv.getInt32(i * 4, true); break;
      case 'uint32': out[i] = dv.getUint32(i * 4, true); break;
      case 'int64': out[i] = Number(dv.getBigInt64(i * 8, true)); break;
      case 'uint64': out[i] = Number(dv.getBigUint64(i * 8, true)); break;
      case 'float16': case 'bfloat16': out[i] = decodeBits(storage, dv.getUint16(i * 2, true)); break;
      case 'int4': { const b = dv.getUint8(i >> 1); const nib = i & 1 ? b >> 4 : b & 15; out[i] = nib >= 8 ? nib - 16 : nib; break; }
      case 'uint4': { const b = dv.getUint8(i >> 1); out[i] = i & 1 ? b >> 4 : b & 15; break; }
      case 'float4e2m1': { const b = dv.getUint8(i >> 1); out[i] = float4ToNumber(i & 1 ? b >> 4 : b & 15); break; }
      default: out[i] = float8ToNumber(dv.getUint8(i), storage); break;
    }
  }
  return ok(out);
}

/** Elements held in ONNX's typed fields (float_data, int32_data, ...), with their storage conventions. */
function typedToArray(dtype: DType, count: number, values: ArrayLike<number>, kind: string): TensorArray {
  const out = arrayFor(dtype, count);
  const n = out.length;
  if (kind === 'int32' && (dtype === 'int4' || dtype === 'uint4' || dtype === 'float4e2m1')) {
    // Two 4-bit elements per int32_data entry, low nibble first.
    for (let i = 0; i < n; i++) {
      const b = values[i >> 1] ?? 0;
      const nib = i & 1 ? (b >> 4) & 15 : b & 15;
      out[i] = dtype === 'int4' ? (nib >= 8 ? nib - 16 : nib) : dtype === 'uint4' ? nib : float4ToNumber(nib);
    }
    return out;
  }
  const reduced = dtype === 'float16' || dtype === 'bfloat16' || dtype.startsWith('float8');
  for (let i = 0; i < n; i++) {
    const v = values[i] ?? 0;
    out[i] = reduced && kind === 'int32' ? decodeBits(dtype, v) : v;
  }
  return out;
}

/**
 * A tensor's elements as a typed array (or string[]): float16/bfloat16/float8/float4 widen to Float32Array, int64/uint64
 * become Float64Array, bool is 0/1 in a Uint8Array, complex types are interleaved (re, im) pairs.
 */
export function tensorToArray(t: Tensor, opts: TensorReadOptions = {}): Result<TensorArray> {
  const count = tensorElementCount(t.dims);
  const where = t.name ? `tensor '${t.name}'` : 'a tensor';
  if (opts.maxBytes !== undefined && dtypeByteSize(t.dtype, count) > opts.maxBytes) {
    return err('too-large', `${where} is larger than ${opts.maxBytes} bytes`);
  }
  const d = t.data;
  switch (d.kind) {
    case 'raw': return bytesToArray(t.dtype, count, d.bytes);
    case 'string': return ok(d.values.map((b) => utf8Decoder.decode(b)));
    case 'empty':
      if (count !== 0) return err('corrupt', `${where} declares ${count} elements but holds no data`);
      return ok(t.dtype === 'string' ? [] : arrayFor(t.dtype, 0));
    case 'external': {
      const dir = d.baseDir ?? opts.modelDir;
      if (!dir) return err('external-data', `${where} is stored in external file '${d.location}'; the model folder is needed to read it`);
      const bytes = readExternalData(dir, d.location, d.offset, d.length ?? dtypeByteSize(t.dtype, count));
      if (!bytes.ok) return bytes;
      return bytesToArray(t.dtype, count, bytes.value);
    }
    default: {
      if (t.dtype === 'string') return err('corrupt', `${where} is a string tensor with numeric data`);
      return ok(typedToArray(t.dtype, count, d.values, d.kind));
    }
  }
}

/** Like tensorToArray but always plain numbers (strings are rejected). */
export function tensorToNumbers(t: Tensor, opts: TensorReadOptions = {}): Result<ArrayLike<number>> {
  const r = tensorToArray(t, opts);
  if (!r.ok) return r;
  if (Array.isArray(r.value)) return err('unsupported', `tensor '${t.name}' holds strings, not numbers`);
  return ok(r.value as Exclude<TensorArray, string[]>);
}

// ---------- writing ----------

/** Builds a tensor whose elements are stored as little-endian raw_data (strings as string_data). */
export function makeTensor(name: string, dtype: DType, dims: number[], values: ArrayLike<number> | string[]): Tensor {
  const count = tensorElementCount(dims);
  if (dtype === 'string') {
    const strs = values as string[];
    return { name, dtype, dims: [...dims], data: { kind: 'string', values: Array.from(strs, (s) => utf8Encoder.encode(String(s))) } };
  }
  const nums = values as ArrayLike<number>;
  const n = dtype.startsWith('complex') ? count * 2 : count;
  if (nums.length !== n) throw new RangeError(`makeTensor '${name}': ${nums.length} values for ${n} elements`);
  const bytes = new Uint8Array(dtypeByteSize(dtype, n));
  const dv = new DataView(bytes.buffer);
  for (let i = 0; i < n; i++) {
    const v = Number(nums[i]);
    switch (dtype) {
      case 'float': case 'complex64': dv.setFloat32(i * 4, v, true); break;
      case 'double': case 'complex128': dv.setFloat64(i * 8, v, true); break;
      case 'int8': dv.setInt8(i, v); break;
      case 'uint8': dv.setUint8(i, v); break;
      case 'bool': dv.setUint8(i, v ? 1 : 0); break;
      case 'int16': dv.setInt16(i * 2, v, true); break;
      case 'uint16': dv.setUint16(i * 2, v, true); break;
      case 'int32': dv.setInt32(i * 4, v, true); break;
      case 'uint32': dv.setUint32(i * 4, v, true); break;
      case 'int64': dv.setBigInt64(i * 8, BigInt(Math.trunc(v)), true); break;
      case 'uint64': dv.setBigUint64(i * 8, BigInt(Math.max(0, Math.trunc(v))), true); break;
      case 'float16': dv.setUint16(i * 2, numberToFloat16(v), true); break;
      case 'bfloat16': dv.setUint16(i * 2, numberToBfloat16(v), true); break;
      case 'int4': case 'uint4': {
        const nib = v & 15;
        bytes[i >> 1] |= i & 1 ? nib << 4 : nib;
        break;
      }
      default: throw new RangeError(`makeTensor '${name}': writing ${dtype} is not supported`);
    }
  }
  return { name, dtype, dims: [...dims], data: { kind: 'raw', bytes } };
}

// ---------- external data ----------

/**
 * The absolute path of an external-data file named by a model, refusing absolute locations, `..` escapes and symlinks
 * that lead outside the model's folder (a model must not make us read arbitrary files).
 */
export function resolveExternalPath(modelDir: string, location: string): Result<string> {
  if (location === '' || location.includes('\0')) return err('unsafe-path', `external data location '${location}' is invalid`);
  if (isAbsolute(location) || /^[a-zA-Z]:/.test(location) || location.startsWith('\\') || location.startsWith('/')) {
    return err('unsafe-path', `external data location '${location}' is absolute; it must be relative to the model`);
  }
  const rel = normalize(location.replace(/\\/g, '/'));
  if (rel === '..' || rel.startsWith('..' + sep) || rel.startsWith('../') || isAbsolute(rel)) {
    return err('unsafe-path', `external data location '${location}' leaves the model's folder`);
  }
  const full = join(modelDir, rel);
  let realDir: string;
  let realFile: string;
  try {
    realDir = realpathSync(modelDir);
  } catch {
    return err('not-found', `model folder '${modelDir}' does not exist`);
  }
  try {
    realFile = realpathSync(full);
  } catch {
    return err('external-data', `external data file '${location}' was not found beside the model`, full);
  }
  const back = relative(realDir, realFile);
  if (back === '' || back.startsWith('..') || isAbsolute(back)) {
    return err('unsafe-path', `external data file '${location}' resolves outside the model's folder`, full);
  }
  return ok(realFile);
}

/** Reads `length` bytes at `offset` of a model's external-data file, without loading the rest of it. */
export function readExternalData(modelDir: string, location: string, offset: number, length: number): Result<Uint8Array> {
  const path = resolveExternalPath(modelDir, location);
  if (!path.ok) return path;
  let fd: number | undefined;
  try {
    fd = openSync(path.value, 'r');
    const size = fstatSync(fd).size;
    if (offset < 0 || length < 0 || offset + length > size) {
      return err('external-data', `external data '${location}' is ${size} bytes; cannot read ${length} bytes at offset ${offset}`, path.value);
    }
    const out = new Uint8Array(length);
    let done = 0;
    while (done < length) {
      const n = readSync(fd, out, done, length - done, offset + done);
      if (n <= 0) break;
      done += n;
    }
    if (done !== length) return err('io', `short read of external data '${location}'`, path.value);
    return ok(out);
  } catch (e) {
    return err('io', `cannot read external data '${location}': ${(e as Error).message}`, path.value);
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}
