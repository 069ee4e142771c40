// The protobufjs root for ONNX, built once from our JSON schema, with int64 helpers.

import protobuf from 'protobufjs/light.js';
import { onnxSchemaJson } from './schema';

const root = protobuf.Root.fromJSON(onnxSchemaJson as unknown as protobuf.INamespace);

export const ModelProtoType = root.lookupType('onnx.ModelProto');
export const TensorProtoType = root.lookupType('onnx.TensorProto');
export const GraphProtoType = root.lookupType('onnx.GraphProto');

export type LongLike = number | { toNumber(): number; low: number; high: number; unsigned: boolean };

/** int64 from protobufjs (a Long or a number) as a JS number; values past 2^53 lose precision, not sign. */
export function toNum(v: LongLike | null | undefined): number {
  if (v === null || v === undefined) return 0;
  return typeof v === 'number' ? v : v.toNumber();
}

const LongCtor = protobuf.util.Long as unknown as {
  fromNumber(n: number, unsigned?: boolean): unknown;
  MAX_VALUE: unknown;
  MIN_VALUE: unknown;
  MAX_UNSIGNED_VALUE: unknown;
} | null;

/** A JS number as an int64 for protobufjs: clamped to the int64 range so INT64_MAX stays positive. */
export function toLong(n: number, unsigned = false): unknown {
  if (!LongCtor) return n;
  if (Number.isSafeInteger(n)) return LongCtor.fromNumber(n, unsigned);
  if (unsigned) return n >= 18446744073709551615 ? LongCtor.MAX_UNSIGNED_VALUE : LongCtor.fromNumber(Math.max(0, n), true);
  if (n >= 9223372036854775807) return LongCtor.MAX_VALUE;
  if (n <= -9223372036854775808) return LongCtor.MIN_VALUE;
  return LongCtor.fromNumber(Math.trunc(n));
}
