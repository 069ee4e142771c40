// The protobufjs root for ONNX, built once from our JSON schema, with int64 helpers.

import protobuf from 'protobufjs/light.js';
import { onnxSchemaJson } from './schema';

// Decode int64 fields as plain numbers instead of long.js objects: ONNX holds many int64s (dims, attribute ints) and
// one object per value is most of the decoder's garbage. Values past 2^53 lose precision but keep their sign.
protobuf.util.Long = undefined as unknown as typeof protobuf.util.Long;
protobuf.configure();

const root = protobuf.Root.fromJSON(onnxSchemaJson as unknown as protobuf.INamespace);

/* eslint-disable @typescript-eslint/no-explicit-any */
/**
 * protobufjs's Type.setup() generates five functions per message type (encode, decode, verify, fromObject, toObject)
 * on first use. AIoT Lens only decodes and encodes, so each type generates just the codec it is asked for, when it is
 * first asked: about a third of the CLI's cold decode time.
 */
function installLazyCodecs(ns: protobuf.NamespaceBase): void {
  const pb = protobuf as any;
  for (const nested of ns.nestedArray) {
    if (nested instanceof protobuf.Type) {
      const type = nested as any;
      const resolved = () => {
        if (type.root?._needsRecursiveFeatureResolution) {
          const edition = type.root._edition || type._edition;
          if (edition) type.root._resolveFeaturesRecursive(edition);
        }
        return type.fieldsArray.map((f: any) => f.resolve().resolvedType);
      };
      type.decode = function lazyDecode(reader: unknown, length?: number) {
        type.decode = pb.decoder(type)({ Reader: pb.Reader, types: resolved(), util: pb.util, C: type.ctor });
        return type.decode(reader, length);
      };
      type.encode = function lazyEncode(message: unknown, writer?: unknown) {
        type.encode = pb.encoder(type)({ Writer: pb.Writer, types: resolved(), util: pb.util });
        return type.encode(message, writer);
      };
    }
    if (nested instanceof protobuf.Namespace) installLazyCodecs(nested);
  }
}
installLazyCodecs(root);
/* eslint-enable @typescript-eslint/no-explicit-any */

export const ModelProtoType = root.lookupType('onnx.ModelProto');
export const TensorProtoType = root.lookupType('onnx.TensorProto');
export const GraphProtoType = root.lookupType('onnx.GraphProto');

export type LongLike = number | { toNumber(): number; low: number; high: number; unsigned: boolean };

/** int64 from protobufjs as a JS number. */
export function toNum(v: LongLike | null | undefined): number {
  if (v === null || v === undefined) return 0;
  return typeof v === 'number' ? v : v.toNumber();
}

const TWO_32 = 4294967296;

/**
 * A JS number as an int64 for protobufjs's writer, as {low, high} bits: clamped to the int64 range so that INT64_MAX
 * (which a double rounds up to 2^63) stays positive instead of wrapping to INT64_MIN.
 */
export function toLong(n: number, unsigned = false): number | { low: number; high: number; unsigned: boolean } {
  if (Number.isSafeInteger(n)) return n;
  if (Number.isNaN(n)) return 0;
  if (unsigned) {
    if (n >= 18446744073709551615) return { low: 0xffffffff | 0, high: 0xffffffff | 0, unsigned: true };
    if (n <= 0) return 0;
  } else {
    if (n >= 9223372036854775807) return { low: 0xffffffff | 0, high: 0x7fffffff, unsigned: false };
    if (n <= -9223372036854775808) return { low: 0, high: 0x80000000 | 0, unsigned: false };
  }
  // Beyond 2^53 but inside the range: split the (integral) double into 32-bit halves, two's complement for negatives.
  const neg = n < 0;
  let v = Math.abs(Math.trunc(n));
  let low = v % TWO_32;
  let high = Math.floor(v / TWO_32);
  if (neg) {
    low = (~low + 1) >>> 0;
    high = (~high + (low === 0 ? 1 : 0)) >>> 0;
  }
  v = 0;
  return { low: low | 0, high: high | 0, unsigned };
}
