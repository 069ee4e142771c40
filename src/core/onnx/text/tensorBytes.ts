// Canonical little-endian bytes of a tensor's elements, whichever TensorData form holds them, and their sha256 digest:
// the identity by which printed (possibly elided) weights are matched back to the original model.

import { createHash } from 'node:crypto';
import type { DType } from '../dtype';
import { tensorElementCount, type Tensor } from '../ir';

const utf8 = new TextEncoder();

/** Whether a dtype packs two elements per byte. */
export function isPacked4(dtype: DType): boolean {
  return dtype === 'int4' || dtype === 'uint4' || dtype === 'float4e2m1';
}

/**
 * The raw_data form of a tensor's elements (as ONNX would store them in raw_data), or undefined for external data.
 * String tensors become length-prefixed UTF-8 so that they too have one canonical byte string.
 */
export function canonicalBytes(t: Tensor): Uint8Array | undefined {
  const d = t.data;
  switch (d.kind) {
    case 'raw': return d.bytes;
    case 'empty': return new Uint8Array(0);
    case 'external': return undefined;
    case 'string': return stringBytes(d.values);
    case 'float': return new Uint8Array(Float32Array.from(d.values).buffer);
    case 'double': return new Uint8Array(Float64Array.from(d.values).buffer);
    case 'int64': return new Uint8Array(BigInt64Array.from(Array.from(d.values, (v) => BigInt(Math.trunc(v)))).buffer);
    case 'uint64': {
      if (t.dtype === 'uint32') return new Uint8Array(Uint32Array.from(d.values).buffer);
      return new Uint8Array(BigUint64Array.from(Array.from(d.values, (v) => BigInt(Math.trunc(v)))).buffer);
    }
    case 'int32': return int32DataBytes(t.dtype, d.values);
  }
}

/** int32_data holds one element per entry for the narrow types (bit patterns for float16/bfloat16/float8). */
function int32DataBytes(dtype: DType, values: ArrayLike<number>): Uint8Array {
  switch (dtype) {
    case 'int32': return new Uint8Array(Int32Array.from(values).buffer);
    case 'int16': return new Uint8Array(Int16Array.from(values).buffer);
    case 'uint16': case 'float16': case 'bfloat16': return new Uint8Array(Uint16Array.from(values).buffer);
    case 'int8': return new Uint8Array(Int8Array.from(values).buffer);
    default: return Uint8Array.from(values, (v) => v & 0xff); // uint8, bool, float8*, packed 4-bit pairs
  }
}

function stringBytes(values: Uint8Array[]): Uint8Array {
  let total = 0;
  for (const v of values) total += 4 + v.byteLength;
  const out = new Uint8Array(total);
  const view = new DataView(out.buffer);
  let at = 0;
  for (const v of values) {
    view.setUint32(at, v.byteLength, true);
    out.set(v, at + 4);
    at += 4 + v.byteLength;
  }
  return out;
}

/** Hex sha256 of the canonical bytes (full 64 characters), or undefined for external data. */
export function tensorSha256(t: Tensor): string | undefined {
  const bytes = canonicalBytes(t);
  if (!bytes) return undefined;
  return createHash('sha256').update(bytes).digest('hex');
}

/** Digest length printed in placeholders: 16 hex characters (64 bits) tell weights apart in any real model. */
export const DIGEST_PREFIX_CHARS = 16;

export function tensorDigestPrefix(t: Tensor): string | undefined {
  return tensorSha256(t)?.slice(0, DIGEST_PREFIX_CHARS);
}

export function elementCount(t: Tensor): number {
  return tensorElementCount(t.dims);
}

export function utf8Bytes(s: string): Uint8Array {
  return utf8.encode(s);
}
