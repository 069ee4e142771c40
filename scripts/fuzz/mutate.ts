// Mutations for the fuzz harness: byte-level damage to model files and structural damage to decoded models.

import { decodeModel } from '../../src/core/onnx/decode';
import { seededRandom } from '../../src/core/random';
import { encodeModel } from '../../src/core/onnx/encode';
import type { Graph, Model, Node } from '../../src/core/onnx/ir';

export type Rng = () => number;

/** mulberry32: the same sequence for the same seed on every machine. */
export const makeRng: (seed: number) => Rng = seededRandom;

const pick = <T>(rng: Rng, xs: readonly T[]): T => xs[Math.floor(rng() * xs.length)]!;
const int = (rng: Rng, n: number) => Math.floor(rng() * n);

export interface Mutation {
  kind: string;
  bytes: Uint8Array;
}

const BYTE_MUTATIONS = ['bitflip', 'truncate', 'byte-run', 'varint', 'splice'] as const;
/** Byte damage for flatbuffers (.tflite): offsets, vector lengths and vtable entries pointed far or slightly astray. */
const FLAT_MUTATIONS = ['bitflip', 'truncate', 'byte-run', 'splice', 'offset'] as const;
const MODEL_MUTATIONS = [
  'huge-dim', 'negative-dim', 'wrong-dtype', 'cycle', 'missing-producer', 'self-subgraph', 'deep-nesting',
  'drop-initializer', 'attr-type', 'duplicate-output', 'empty-names', 'huge-attr', 'rank-change', 'external-escape',
] as const;

export function mutate(original: Uint8Array, rng: Rng): Mutation {
  if (isTflite(original)) return mutateFlat(original, rng);
  if (rng() < 0.4) return mutateBytes(original, rng);
  const decoded = decodeModel(original);
  if (!decoded.ok || decoded.value.graph.nodes.length === 0) return mutateBytes(original, rng);
  const kind = pick(rng, MODEL_MUTATIONS);
  const model = decoded.value;
  mutateModel(model, kind, rng);
  const encoded = encodeModel(model);
  if (!encoded.ok) return mutateBytes(original, rng);
  return { kind, bytes: encoded.value };
}

function mutateBytes(original: Uint8Array, rng: Rng, chosen?: (typeof BYTE_MUTATIONS)[number]): Mutation {
  const kind = chosen ?? pick(rng, BYTE_MUTATIONS);
  const b = Uint8Array.from(original);
  switch (kind) {
    case 'bitflip': {
      const flips = 1 + int(rng, 16);
      for (let i = 0; i < flips; i++) b[int(rng, b.length)]! ^= 1 << int(rng, 8);
      return { kind, bytes: b };
    }
    case 'truncate':
      return { kind, bytes: b.subarray(0, int(rng, b.length)) };
    case 'byte-run': {
      const at = int(rng, b.length);
      const len = Math.min(b.length - at, 1 + int(rng, 64));
      b.fill(pick(rng, [0x00, 0xff, 0x80, 0x7f]), at, at + len);
      return { kind, bytes: b };
    }
    case 'varint': {
      // Overwrite a byte that looks like a length varint with a large one: length fields past the end of the buffer.
      for (let tries = 0; tries < 32; tries++) {
        const at = int(rng, b.length - 5);
        if ((b[at]! & 7) === 2) {
          b.set([0xff, 0xff, 0xff, 0xff, 0x0f], at + 1);
          break;
        }
      }
      return { kind, bytes: b };
    }
    case 'splice': {
      const from = int(rng, b.length);
      const to = int(rng, b.length);
      const len = Math.min(256, b.length - Math.max(from, to));
      b.copyWithin(to, from, from + len);
      return { kind, bytes: b };
    }
  }
}

function isTflite(b: Uint8Array): boolean {
  return b.length >= 8 && b[4] === 0x54 && b[5] === 0x46 && b[6] === 0x4c && b[7] === 0x33;
}

function mutateFlat(original: Uint8Array, rng: Rng): Mutation {
  const kind = pick(rng, FLAT_MUTATIONS);
  if (kind !== 'offset') return mutateBytes(original, rng, kind);
  // Every 4-aligned word is a candidate uoffset, vector length or vtable entry: make some huge, negative or near.
  const b = Uint8Array.from(original);
  const view = new DataView(b.buffer);
  const words = 1 + int(rng, 8);
  for (let i = 0; i < words; i++) {
    const at = 4 * int(rng, Math.max(1, (b.length >> 2) - 1));
    const v = view.getUint32(at, true);
    const next = pick(rng, [0xffffffff, 0x7fffffff, 0x80000000, v + 4, v - 4, v * 2, int(rng, b.length), 0]);
    view.setUint32(at, next >>> 0, true);
  }
  return { kind, bytes: b };
}

function anyNode(model: Model, rng: Rng): Node {
  return pick(rng, model.graph.nodes);
}

function mutateModel(model: Model, kind: (typeof MODEL_MUTATIONS)[number], rng: Rng): void {
  const g = model.graph;
  switch (kind) {
    case 'huge-dim': {
      const target = pick(rng, [...g.inputs, ...g.valueInfo, ...g.outputs]);
      if (target && target.type.kind === 'tensor' && target.type.shape?.length) {
        target.type.shape[int(rng, target.type.shape.length)] = pick(rng, [2 ** 31, 2 ** 40, 2 ** 53 - 1, 9223372036854775807]);
      } else if (g.initializers.length) {
        const t = pick(rng, g.initializers);
        if (t.dims.length) t.dims[0] = 2 ** 40;
      }
      break;
    }
    case 'negative-dim': {
      const target = pick(rng, [...g.inputs, ...g.outputs]);
      if (target && target.type.kind === 'tensor' && target.type.shape?.length) target.type.shape[0] = -int(rng, 5) - 1;
      break;
    }
    case 'wrong-dtype': {
      const t = g.initializers.length && rng() < 0.5 ? pick(rng, g.initializers) : undefined;
      if (t) t.dtype = pick(rng, ['int64', 'string', 'bool', 'float16', 'int4', 'complex128', 'undefined'] as const);
      else {
        const v = pick(rng, g.inputs);
        if (v && v.type.kind === 'tensor') v.type.elemType = pick(rng, ['string', 'bool', 'int8', 'undefined'] as const);
      }
      break;
    }
    case 'cycle': {
      // Feed a late node's output back into an early node.
      const early = g.nodes[int(rng, Math.max(1, g.nodes.length >> 1))]!;
      const late = g.nodes[g.nodes.length - 1 - int(rng, Math.max(1, g.nodes.length >> 1))]!;
      if (late.outputs[0] && early.inputs.length) early.inputs[int(rng, early.inputs.length)] = late.outputs[0];
      if (rng() < 0.3 && early.outputs[0]) early.inputs[0] = early.outputs[0];
      break;
    }
    case 'missing-producer': {
      const n = anyNode(model, rng);
      if (n.inputs.length) n.inputs[int(rng, n.inputs.length)] = `missing_${int(rng, 1000)}`;
      break;
    }
    case 'self-subgraph': {
      // A node whose subgraph holds the whole graph again, itself included (by name: protobuf cannot hold a cycle).
      const n = anyNode(model, rng);
      const inner: Graph = { ...g, nodes: g.nodes.map((x) => ({ ...x, attributes: [...x.attributes] })) };
      n.opType = pick(rng, ['If', 'Loop', 'Scan']);
      n.attributes.push({ name: pick(rng, ['then_branch', 'else_branch', 'body']), type: 'graph', value: inner });
      break;
    }
    case 'deep-nesting': {
      let depth = 50 + int(rng, 400);
      let body: Graph = { name: 'leaf', nodes: [], initializers: [], sparseInitializers: [], inputs: [], outputs: [], valueInfo: [] };
      while (depth-- > 0) {
        body = {
          name: `level${depth}`, initializers: [], sparseInitializers: [], inputs: [], valueInfo: [],
          outputs: [{ name: `o${depth}`, type: { kind: 'tensor', elemType: 'float', shape: [1] } }],
          nodes: [{ name: `if${depth}`, opType: 'If', domain: '', inputs: ['cond'], outputs: [`o${depth}`], attributes: [
            // Only one branch nests: sharing `body` in both would make the encoded size 2^depth.
            { name: 'then_branch', type: 'graph', value: body },
            { name: 'else_branch', type: 'graph', value: { ...body, nodes: [], name: `leaf${depth}` } },
          ] }],
        };
      }
      g.nodes.push(...body.nodes);
      break;
    }
    case 'drop-initializer':
      if (g.initializers.length) g.initializers.splice(int(rng, g.initializers.length), 1);
      break;
    case 'attr-type': {
      const n = anyNode(model, rng);
      if (n.attributes.length) {
        const a = n.attributes[int(rng, n.attributes.length)]!;
        Object.assign(a, pick(rng, [
          { type: 'string', value: 'garbage' }, { type: 'ints', value: [] }, { type: 'int', value: -7 },
          { type: 'floats', value: [Number.NaN, Infinity] }, { type: 'ints', value: [0, 0, 0, 0, 0, 0, 0, 0] },
        ]));
      } else n.attributes.push({ name: pick(rng, ['axis', 'perm', 'pads', 'group', 'kernel_shape']), type: 'int', value: 1e9 });
      break;
    }
    case 'duplicate-output': {
      const a = anyNode(model, rng);
      const b = anyNode(model, rng);
      if (a.outputs[0] && b.outputs.length) b.outputs[0] = a.outputs[0];
      break;
    }
    case 'empty-names':
      for (const n of g.nodes) if (rng() < 0.3) n.inputs = n.inputs.map(() => '');
      break;
    case 'huge-attr': {
      const n = anyNode(model, rng);
      n.attributes.push({ name: pick(rng, ['repeats', 'sizes', 'pads', 'axes', 'perm']), type: 'ints', value: Array.from({ length: 64 }, () => 2 ** 40) });
      break;
    }
    case 'rank-change': {
      const v = pick(rng, g.inputs);
      if (v && v.type.kind === 'tensor' && v.type.shape) v.type.shape = rng() < 0.5 ? [] : [...v.type.shape, 1, 1, 1, 1, 1, 1, 1];
      break;
    }
    case 'external-escape': {
      if (g.initializers.length) {
        const t = pick(rng, g.initializers);
        t.data = { kind: 'external', location: pick(rng, ['../../../etc/passwd', '/etc/passwd', 'missing.bin', 'C:\\x.bin', '']), offset: int(rng, 1000) };
      }
      break;
    }
  }
}
