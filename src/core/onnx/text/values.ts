// Tensor elements to text literals and back, exactly: floats print in the shortest form that reads back to the same
// bits, narrow float types (float16, bfloat16, float8) print their bit patterns as ONNX's printer does.

import type { DType } from '../dtype';
import { tensorElementCount, type Tensor, type TensorData } from '../ir';
import { canonicalBytes, isPacked4 } from './tensorBytes';

const utf8 = new TextDecoder('utf-8');
const utf8Enc = new TextEncoder();

/** Shortest decimal that reads back (through float32 rounding) to the same float32 value. */
export function formatFloat32(v: number): string {
  if (Number.isNaN(v)) return 'nan';
  if (v === Infinity) return 'inf';
  if (v === -Infinity) return '-inf';
  if (Object.is(v, -0)) return '-0';
  const quick = String(v);
  if (quick.length <= 8) return quick;
  // Walk down from 8 significant digits while the rounding still reads back to v (9 always does for float32).
  let best = '';
  for (let p = 8; p >= 1; p--) {
    const s = v.toPrecision(p);
    if (Math.fround(+s) !== v) break;
    best = s;
  }
  return String(+(best || v.toPrecision(9)));
}

export function formatFloat64(v: number): string {
  if (Number.isNaN(v)) return 'nan';
  if (v === Infinity) return 'inf';
  if (v === -Infinity) return '-inf';
  if (Object.is(v, -0)) return '-0';
  return String(v);
}

export function quote(s: string): string {
  return '"' + s.replace(/[\\"]/g, (c) => '\\' + c) + '"';
}

/** The literals ONNX text uses for a tensor's elements; undefined for external data. */
export function tensorLiterals(t: Tensor): string[] | undefined {
  if (t.data.kind === 'string') return t.data.values.map((v) => quote(utf8.decode(v)));
  const bytes = canonicalBytes(t);
  if (!bytes) return undefined;
  const lits = bytesToLiterals(t.dtype, bytes);
  // An odd count of 4-bit elements leaves an unused high nibble in the last byte.
  return isPacked4(t.dtype) ? lits.slice(0, tensorElementCount(t.dims)) : lits;
}

function nanOf32(bits: number): string {
  return bits & 0x80000000 ? '-nan' : 'nan';
}

export function bytesToLiterals(dtype: DType, bytes: Uint8Array): string[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out: string[] = [];
  const n = bytes.byteLength;
  switch (dtype) {
    case 'float': case 'complex64':
      for (let i = 0; i + 4 <= n; i += 4) {
        const v = view.getFloat32(i, true);
        out.push(Number.isNaN(v) ? nanOf32(view.getUint32(i, true)) : formatFloat32(v));
      }
      break;
    case 'double': case 'complex128':
      for (let i = 0; i + 8 <= n; i += 8) {
        const v = view.getFloat64(i, true);
        out.push(Number.isNaN(v) ? (view.getUint32(i + 4, true) & 0x80000000 ? '-nan' : 'nan') : formatFloat64(v));
      }
      break;
    case 'int64': for (let i = 0; i + 8 <= n; i += 8) out.push(view.getBigInt64(i, true).toString()); break;
    case 'uint64': for (let i = 0; i + 8 <= n; i += 8) out.push(view.getBigUint64(i, true).toString()); break;
    case 'int32': for (let i = 0; i + 4 <= n; i += 4) out.push(String(view.getInt32(i, true))); break;
    case 'uint32': for (let i = 0; i + 4 <= n; i += 4) out.push(String(view.getUint32(i, true))); break;
    case 'int16': for (let i = 0; i + 2 <= n; i += 2) out.push(String(view.getInt16(i, true))); break;
    case 'uint16': case 'float16': case 'bfloat16':
      for (let i = 0; i + 2 <= n; i += 2) out.push(String(view.getUint16(i, true)));
      break;
    case 'int8': for (let i = 0; i < n; i++) out.push(String(view.getInt8(i))); break;
    case 'int4': case 'uint4': case 'float4e2m1':
      // Unpacked, low nibble first; the parser packs them back.
      for (let i = 0; i < n; i++) {
        for (const nib of [bytes[i]! & 0x0f, bytes[i]! >> 4]) out.push(String(dtype === 'int4' && nib >= 8 ? nib - 16 : nib));
      }
      break;
    default: for (let i = 0; i < n; i++) out.push(String(bytes[i])); break; // uint8, bool, float8*
  }
  return out;
}

/** A literal as read by the parser. */
export interface Literal {
  kind: 'int' | 'float' | 'string';
  text: string;
}

/** Thrown for a literal that does not fit its dtype; the parser adds the position. */
export class ValueError extends Error {}

function floatOf(l: Literal): number {
  if (l.kind === 'string') throw new ValueError(`expected a number, found the string ${quote(l.text)}`);
  const t = l.text.toLowerCase();
  const neg = t.startsWith('-');
  const body = neg ? t.slice(1) : t;
  if (body === 'nan') return NaN;
  if (body === 'inf' || body === 'infinity') return neg ? -Infinity : Infinity;
  return Number(l.text);
}

function bigOf(l: Literal, dtype: DType): bigint {
  if (l.kind !== 'int') throw new ValueError(`expected an integer for ${dtype}, found '${l.text}'`);
  return BigInt(l.text);
}

function intOf(l: Literal, dtype: DType, min: number, max: number): number {
  const v = Number(bigOf(l, dtype));
  if (v < min || v > max) throw new ValueError(`${l.text} is out of range for ${dtype}`);
  return v;
}

/**
 * Element literals to TensorData (raw little-endian bytes, or strings), checking the count against the shape.
 * 4-bit types take one literal per element; complex types take two (real, imaginary) per element.
 */
export function literalsToData(dtype: DType, count: number, lits: Literal[]): TensorData {
  // `{}` is a tensor without data (ONNX allows it, e.g. for shapes only); keep it as such.
  if (lits.length === 0) return { kind: 'empty' };
  if (dtype === 'string') {
    if (lits.length !== count) throw new ValueError(`expected ${count} string values, found ${lits.length}`);
    return {
      kind: 'string',
      values: lits.map((l) => {
        if (l.kind !== 'string') throw new ValueError(`expected a string, found '${l.text}'`);
        return utf8Enc.encode(l.text);
      }),
    };
  }
  const expected = dtype === 'complex64' || dtype === 'complex128' ? count * 2 : count;
  if (lits.length !== expected) throw new ValueError(`expected ${expected} values for the declared shape, found ${lits.length}`);
  if (count === 0) return { kind: 'empty' };
  let bytes: Uint8Array;
  switch (dtype) {
    case 'float': case 'complex64': {
      const a = new Float32Array(lits.length);
      const view = new DataView(a.buffer);
      lits.forEach((l, i) => {
        const v = floatOf(l);
        if (Number.isNaN(v)) view.setUint32(i * 4, l.text.startsWith('-') ? 0xffc00000 : 0x7fc00000, true);
        else view.setFloat32(i * 4, v, true);
      });
      bytes = new Uint8Array(a.buffer);
      break;
    }
    case 'double': case 'complex128': {
      const a = new Float64Array(lits.length);
      const view = new DataView(a.buffer);
      lits.forEach((l, i) => {
        const v = floatOf(l);
        if (Number.isNaN(v)) view.setBigUint64(i * 8, l.text.startsWith('-') ? 0xfff8000000000000n : 0x7ff8000000000000n, true);
        else view.setFloat64(i * 8, v, true);
      });
      bytes = new Uint8Array(a.buffer);
      break;
    }
    case 'int64': bytes = new Uint8Array(BigInt64Array.from(lits, (l) => BigInt.asIntN(64, bigOf(l, dtype))).buffer); break;
    case 'uint64': bytes = new Uint8Array(BigUint64Array.from(lits, (l) => BigInt.asUintN(64, bigOf(l, dtype))).buffer); break;
    case 'int32': bytes = new Uint8Array(Int32Array.from(lits, (l) => intOf(l, dtype, -2147483648, 2147483647)).buffer); break;
    case 'uint32': bytes = new Uint8Array(Uint32Array.from(lits, (l) => intOf(l, dtype, 0, 4294967295)).buffer); break;
    case 'int16': bytes = new Uint8Array(Int16Array.from(lits, (l) => intOf(l, dtype, -32768, 32767)).buffer); break;
    case 'uint16': case 'float16': case 'bfloat16':
      bytes = new Uint8Array(Uint16Array.from(lits, (l) => intOf(l, dtype, 0, 65535)).buffer);
      break;
    case 'int8': bytes = new Uint8Array(Int8Array.from(lits, (l) => intOf(l, dtype, -128, 127)).buffer); break;
    case 'undefined': throw new ValueError('a tensor of type undefined cannot hold values');
    default:
      if (isPacked4(dtype)) {
        const min = dtype === 'int4' ? -8 : 0;
        const max = dtype === 'int4' ? 7 : 15;
        bytes = new Uint8Array(Math.ceil(lits.length / 2));
        lits.forEach((l, i) => {
          const nib = intOf(l, dtype, min, max) & 0x0f;
          bytes[i >> 1] |= i & 1 ? nib << 4 : nib;
        });
      } else {
        bytes = Uint8Array.from(lits, (l) => intOf(l, dtype, dtype === 'bool' ? 0 : 0, 255));
      }
  }
  return { kind: 'raw', bytes };
}
