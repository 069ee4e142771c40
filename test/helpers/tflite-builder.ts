// Writes small .tflite flatbuffers for tests with the flatbuffers Builder API: tensors (shape, type, quantization,
// shape_signature, variables, sparsity), operators with builtin options, subgraphs, buffers inline or stored after the
// flatbuffer (schema v3c), metadata and signature defs. Field slots follow the TFLite schema (see src/core/tflite).

import { Builder } from 'flatbuffers';
import { BUILTIN_OPERATORS, BUILTIN_OPTIONS, ENUMS, ENUM_BASES, OPTION_TABLES } from '../../src/core/tflite/schema-data';

export const TYPE: Record<string, number> = Object.fromEntries(Object.entries(ENUMS['TensorType']!).map(([v, k]) => [k, Number(v)]));
const OPCODE: Record<string, number> = Object.fromEntries(Object.entries(BUILTIN_OPERATORS).map(([v, k]) => [k, Number(v)]));

export interface TensorSpec {
  name: string;
  shape: number[];
  type?: string; // TensorType name, default FLOAT32
  /** Constant data (written to a buffer). */
  data?: Uint8Array;
  shapeSignature?: number[];
  quant?: { scale: number[]; zeroPoint: number[]; axis?: number; min?: number[]; max?: number[] };
  isVariable?: boolean;
  /** Raw buffer index written instead of the real one (hostile files). */
  rawBuffer?: number;
  sparsity?: {
    traversalOrder: number[];
    blockMap?: number[];
    dims: { format: 'DENSE' | 'SPARSE_CSR'; denseSize?: number; segments?: number[]; indices?: number[] }[];
  };
}

export interface OpSpec {
  op: string; // builtin name, or a custom code with custom: true
  custom?: boolean;
  inputs: (string | null)[];
  outputs: string[];
  /** Options table fields by name (enums by name), written to the op's options table. */
  options?: Record<string, number | boolean | string | number[]>;
  /** Opcode version (default 1). */
  version?: number;
  /** Raw tensor indices written instead of `inputs` (hostile files). */
  rawInputs?: number[];
  /** Raw opcode index written instead of the real one (hostile files). */
  rawOpcode?: number;
}

export interface SubgraphSpec {
  name?: string;
  tensors: TensorSpec[];
  inputs: string[];
  outputs: string[];
  ops: OpSpec[];
}

export interface ModelSpec {
  subgraphs: SubgraphSpec[];
  description?: string;
  /** Store constant buffers after the flatbuffer (offset/size) instead of inline. */
  buffersAfter?: boolean;
  metadata?: { name: string; data: Uint8Array }[];
  signatures?: { key: string; subgraph: number; inputs: [string, string][]; outputs: [string, string][] }[];
  version?: number;
}

export function f32(values: number[]): Uint8Array {
  return new Uint8Array(new Float32Array(values).buffer);
}
export function i32(values: number[]): Uint8Array {
  return new Uint8Array(new Int32Array(values).buffer);
}
export function i8(values: number[]): Uint8Array {
  return new Uint8Array(new Int8Array(values).buffer);
}

function build(spec: ModelSpec, offsets?: number[]): { bytes: Uint8Array; blobs: Uint8Array[] } {
  const b = new Builder(1024);
  const blobs: Uint8Array[] = [];
  const opcodes: { name: string; custom: boolean; version: number }[] = [];
  const opcodeIndex = (o: OpSpec) => {
    const version = o.version ?? 1;
    let i = opcodes.findIndex((c) => c.name === o.op && c.custom === !!o.custom && c.version === version);
    if (i < 0) i = opcodes.push({ name: o.op, custom: !!o.custom, version }) - 1;
    return i;
  };
  const intVector = (xs: number[]) => {
    b.startVector(4, xs.length, 4);
    for (let i = xs.length - 1; i >= 0; i--) b.addInt32(xs[i]!);
    return b.endVector();
  };
  const floatVector = (xs: number[]) => {
    b.startVector(4, xs.length, 4);
    for (let i = xs.length - 1; i >= 0; i--) b.addFloat32(xs[i]!);
    return b.endVector();
  };
  const longVector = (xs: number[]) => {
    b.startVector(8, xs.length, 8);
    for (let i = xs.length - 1; i >= 0; i--) b.addInt64(BigInt(xs[i]!));
    return b.endVector();
  };
  const byteVector = (xs: Uint8Array, align = 16) => {
    b.startVector(1, xs.length, align);
    for (let i = xs.length - 1; i >= 0; i--) b.addInt8(xs[i]!);
    return b.endVector();
  };
  const table = (fields: ((slot: number) => void)[]) => {
    b.startObject(fields.length);
    fields.forEach((f, i) => f(i));
    return b.endObject();
  };
  const tableOf = (count: number, add: () => void) => {
    b.startObject(count);
    add();
    return b.endObject();
  };
  const vectorOfOffsets = (xs: number[]) => {
    b.startVector(4, xs.length, 4);
    for (let i = xs.length - 1; i >= 0; i--) b.addOffset(xs[i]!);
    return b.endVector();
  };

  // Buffer 0 is the empty sentinel; every constant tensor gets its own buffer.
  const bufferData: (Uint8Array | undefined)[] = [undefined];
  const tensorBuffer = new Map<TensorSpec, number>();
  for (const sg of spec.subgraphs) for (const t of sg.tensors) if (t.data) tensorBuffer.set(t, bufferData.push(t.data) - 1);
  for (const m of spec.metadata ?? []) bufferData.push(m.data);

  const subgraphOffsets = spec.subgraphs.map((sg) => {
    const index = new Map(sg.tensors.map((t, i) => [t.name, i]));
    const ix = (n: string | null) => {
      if (n === null) return -1;
      const i = index.get(n);
      if (i === undefined) throw new Error(`builder: no tensor '${n}'`);
      return i;
    };
    const tensors = sg.tensors.map((t) => {
      const name = b.createString(t.name);
      const shape = intVector(t.shape);
      const sig = t.shapeSignature ? intVector(t.shapeSignature) : 0;
      let quant = 0;
      if (t.quant) {
        const scale = floatVector(t.quant.scale);
        const zp = longVector(t.quant.zeroPoint);
        const min = t.quant.min ? floatVector(t.quant.min) : 0;
        const max = t.quant.max ? floatVector(t.quant.max) : 0;
        quant = tableOf(7, () => {
          if (min) b.addFieldOffset(0, min, 0);
          if (max) b.addFieldOffset(1, max, 0);
          b.addFieldOffset(2, scale, 0);
          b.addFieldOffset(3, zp, 0);
          b.addFieldInt32(6, t.quant!.axis ?? 0, 0);
        });
      }
      let sparsity = 0;
      if (t.sparsity) {
        const dims = t.sparsity.dims.map((d) => {
          const int32Vector = (xs: number[]) => {
            const v = intVector(xs);
            return tableOf(1, () => b.addFieldOffset(0, v, 0));
          };
          const segVec = d.segments ? int32Vector(d.segments) : 0;
          const ind = d.indices ? int32Vector(d.indices) : 0;
          return tableOf(6, () => {
            b.addFieldInt8(0, d.format === 'SPARSE_CSR' ? 1 : 0, 0);
            b.addFieldInt32(1, d.denseSize ?? 0, 0);
            if (segVec) { b.addFieldInt8(2, 1, 0); b.addFieldOffset(3, segVec, 0); }
            if (ind) { b.addFieldInt8(4, 1, 0); b.addFieldOffset(5, ind, 0); }
          });
        });
        const trav = intVector(t.sparsity.traversalOrder);
        const bm = intVector(t.sparsity.blockMap ?? []);
        const dm = vectorOfOffsets(dims);
        sparsity = tableOf(3, () => { b.addFieldOffset(0, trav, 0); b.addFieldOffset(1, bm, 0); b.addFieldOffset(2, dm, 0); });
      }
      return tableOf(8, () => {
        b.addFieldOffset(0, shape, 0);
        b.addFieldInt8(1, TYPE[t.type ?? 'FLOAT32']!, 0);
        b.addFieldInt32(2, t.rawBuffer ?? tensorBuffer.get(t) ?? 0, 0);
        b.addFieldOffset(3, name, 0);
        if (quant) b.addFieldOffset(4, quant, 0);
        if (t.isVariable) b.addFieldInt8(5, 1, 0);
        if (sparsity) b.addFieldOffset(6, sparsity, 0);
        if (sig) b.addFieldOffset(7, sig, 0);
      });
    });
    const ops = sg.ops.map((o) => {
      const inputs = intVector(o.rawInputs ?? o.inputs.map(ix));
      const outputs = intVector(o.outputs.map(ix));
      let optType = 0;
      let opts = 0;
      if (o.options && !o.custom) {
        const tableName = optionsTableOf(o.op);
        optType = BUILTIN_OPTIONS.indexOf(tableName) + 1;
        const fields = OPTION_TABLES[tableName]!;
        const vectors = new Map<string, number>();
        for (const [k, v] of Object.entries(o.options)) {
          const kind = fields.find((f) => f[0] === k)?.[1];
          if (Array.isArray(v)) vectors.set(k, kind === '[float]' ? floatVector(v) : intVector(v));
        }
        opts = tableOf(fields.length, () => {
          fields.forEach(([name, kind], slot) => {
            const v = o.options![name];
            if (v === undefined) return;
            if (vectors.has(name)) b.addFieldOffset(slot, vectors.get(name)!, 0);
            else if (typeof v === 'string') {
              const code = Number(Object.entries(ENUMS[kind]!).find(([, n]) => n === v)![0]);
              const base = ENUM_BASES[kind];
              if (base === 'byte') b.addFieldInt8(slot, code, -1);
              else b.addFieldInt32(slot, code, -1);
            } else if (typeof v === 'boolean') b.addFieldInt8(slot, v ? 1 : 0, -1);
            else if (typeof v !== 'number') throw new Error(`builder: option ${name} needs a number`);
            else if (kind === 'float') b.addFieldFloat32(slot, v, NaN);
            else if (ENUM_BASES[kind] === 'byte' || kind === 'byte' || kind === 'bool') b.addFieldInt8(slot, v, -1);
            else b.addFieldInt32(slot, v, -1 - v);
          });
        });
      }
      return tableOf(14, () => {
        b.addFieldInt32(0, o.rawOpcode ?? opcodeIndex(o), -1);
        b.addFieldOffset(1, inputs, 0);
        b.addFieldOffset(2, outputs, 0);
        if (optType) { b.addFieldInt8(3, optType, 0); b.addFieldOffset(4, opts, 0); }
      });
    });
    const tv = vectorOfOffsets(tensors);
    const iv = intVector(sg.inputs.map(ix));
    const ov = intVector(sg.outputs.map(ix));
    const opv = vectorOfOffsets(ops);
    const name = b.createString(sg.name ?? '');
    return tableOf(5, () => {
      b.addFieldOffset(0, tv, 0);
      b.addFieldOffset(1, iv, 0);
      b.addFieldOffset(2, ov, 0);
      b.addFieldOffset(3, opv, 0);
      b.addFieldOffset(4, name, 0);
    });
  });

  const codeOffsets = opcodes.map((c) => {
    const custom = c.custom ? b.createString(c.name) : 0;
    const code = c.custom ? 32 : OPCODE[c.name];
    if (code === undefined) throw new Error(`builder: unknown op ${c.name}`);
    return tableOf(4, () => {
      b.addFieldInt8(0, Math.min(code, 127), -1);
      if (custom) b.addFieldOffset(1, custom, 0);
      b.addFieldInt32(2, c.version, -1);
      b.addFieldInt32(3, code, -1);
    });
  });
  const bufferOffsets = bufferData.map((d, i) => {
    if (!d) return tableOf(3, () => undefined);
    if (spec.buffersAfter && i <= tensorBuffer.size) {
      const off = offsets?.[i] ?? 1;
      return tableOf(3, () => { b.addFieldInt64(1, BigInt(off), 0n); b.addFieldInt64(2, BigInt(d.length), 0n); });
    }
    const v = byteVector(d);
    return tableOf(3, () => b.addFieldOffset(0, v, 0));
  });
  const metadata = (spec.metadata ?? []).map((m, k) => {
    const name = b.createString(m.name);
    return tableOf(2, () => { b.addFieldOffset(0, name, 0); b.addFieldInt32(1, tensorBuffer.size + 1 + k, -1); });
  });
  const signatures = (spec.signatures ?? []).map((s) => {
    const sg = spec.subgraphs[s.subgraph]!;
    const map = (pairs: [string, string][]) => vectorOfOffsets(pairs.map(([n, t]) => {
      const name = b.createString(n);
      return tableOf(2, () => { b.addFieldOffset(0, name, 0); b.addFieldInt32(1, sg.tensors.findIndex((x) => x.name === t), -1); });
    }));
    const inputs = map(s.inputs);
    const outputs = map(s.outputs);
    const key = b.createString(s.key);
    return tableOf(5, () => { b.addFieldOffset(0, inputs, 0); b.addFieldOffset(1, outputs, 0); b.addFieldOffset(2, key, 0); b.addFieldInt32(4, s.subgraph, -1); });
  });
  const codes = vectorOfOffsets(codeOffsets);
  const subgraphs = vectorOfOffsets(subgraphOffsets);
  const buffers = vectorOfOffsets(bufferOffsets);
  const md = metadata.length ? vectorOfOffsets(metadata) : 0;
  const sigs = signatures.length ? vectorOfOffsets(signatures) : 0;
  const description = b.createString(spec.description ?? 'aiot-lens test builder');
  const root = tableOf(8, () => {
    b.addFieldInt32(0, spec.version ?? 3, -1);
    b.addFieldOffset(1, codes, 0);
    b.addFieldOffset(2, subgraphs, 0);
    b.addFieldOffset(3, description, 0);
    b.addFieldOffset(4, buffers, 0);
    if (md) b.addFieldOffset(6, md, 0);
    if (sigs) b.addFieldOffset(7, sigs, 0);
  });
  b.finish(root, 'TFL3');
  return { bytes: b.asUint8Array().slice(), blobs: bufferData.filter((_, i) => spec.buffersAfter && i > 0 && i <= tensorBuffer.size) as Uint8Array[] };
}

/** The options table an operator uses (CONV_2D → Conv2DOptions), from the ops that share tables. */
export function optionsTableOf(op: string): string {
  const special: Record<string, string> = {
    AVERAGE_POOL_2D: 'Pool2DOptions', MAX_POOL_2D: 'Pool2DOptions', L2_POOL_2D: 'Pool2DOptions', MEAN: 'ReducerOptions',
    SUM: 'ReducerOptions', REDUCE_MAX: 'ReducerOptions', REDUCE_MIN: 'ReducerOptions', REDUCE_PROD: 'ReducerOptions',
    CONV_2D: 'Conv2DOptions', DEPTHWISE_CONV_2D: 'DepthwiseConv2DOptions', FULLY_CONNECTED: 'FullyConnectedOptions',
    UNIDIRECTIONAL_SEQUENCE_LSTM: 'UnidirectionalSequenceLSTMOptions', CALL_ONCE: 'CallOnceOptions', IF: 'IfOptions',
    WHILE: 'WhileOptions', BATCH_MATMUL: 'BatchMatMulOptions', TRANSPOSE_CONV: 'TransposeConvOptions',
  };
  if (special[op]) return special[op]!;
  const camel = op.toLowerCase().replace(/(^|_)([a-z0-9])/g, (_, __, c: string) => c.toUpperCase()) + 'Options';
  if (!OPTION_TABLES[camel]) throw new Error(`builder: no options table for ${op}`);
  return camel;
}

/** The .tflite bytes of a model spec (buffers stored after the flatbuffer when `buffersAfter`). */
export function buildTflite(spec: ModelSpec): Uint8Array {
  if (!spec.buffersAfter) return build(spec).bytes;
  // Two passes: the flatbuffer's size is fixed once every offset field is present, then the real offsets go in.
  const first = build(spec);
  const align = (n: number) => Math.ceil(n / 16) * 16;
  let at = align(first.bytes.length);
  const offsets: number[] = [0];
  for (const blob of first.blobs) {
    offsets.push(at);
    at = align(at + blob.length);
  }
  const second = build(spec, offsets);
  if (second.bytes.length !== first.bytes.length) throw new Error('builder: flatbuffer size changed between passes');
  const out = new Uint8Array(at);
  out.set(second.bytes, 0);
  second.blobs.forEach((blob, i) => out.set(blob, offsets[i + 1]!));
  return out;
}

/** A TFLite Metadata ("M001") flatbuffer: model name, one input's normalization, one output's label file. */
export function modelMetadata(spec: { name: string; mean: number[]; std: number[]; labelFile: string; inputName?: string; outputName?: string }): Uint8Array {
  const b = new Builder(256);
  const floats = (xs: number[]) => {
    b.startVector(4, xs.length, 4);
    for (let i = xs.length - 1; i >= 0; i--) b.addFloat32(xs[i]!);
    return b.endVector();
  };
  const offsets = (xs: number[]) => {
    b.startVector(4, xs.length, 4);
    for (let i = xs.length - 1; i >= 0; i--) b.addOffset(xs[i]!);
    return b.endVector();
  };
  const mean = floats(spec.mean);
  const std = floats(spec.std);
  b.startObject(2);
  b.addFieldOffset(0, mean, 0);
  b.addFieldOffset(1, std, 0);
  const norm = b.endObject();
  b.startObject(2);
  b.addFieldInt8(0, 1, 0); // NormalizationOptions
  b.addFieldOffset(1, norm, 0);
  const unit = b.endObject();
  const units = offsets([unit]);
  const inName = b.createString(spec.inputName ?? 'image');
  b.startObject(7);
  b.addFieldOffset(0, inName, 0);
  b.addFieldOffset(4, units, 0);
  const input = b.endObject();
  const fileName = b.createString(spec.labelFile);
  b.startObject(5);
  b.addFieldOffset(0, fileName, 0);
  b.addFieldInt8(2, 2, 0); // TENSOR_AXIS_LABELS
  const file = b.endObject();
  const files = offsets([file]);
  const outName = b.createString(spec.outputName ?? 'probability');
  b.startObject(7);
  b.addFieldOffset(0, outName, 0);
  b.addFieldOffset(6, files, 0);
  const output = b.endObject();
  const inputs = offsets([input]);
  const outputs = offsets([output]);
  b.startObject(7);
  b.addFieldOffset(2, inputs, 0);
  b.addFieldOffset(3, outputs, 0);
  const sub = b.endObject();
  const subs = offsets([sub]);
  const name = b.createString(spec.name);
  b.startObject(8);
  b.addFieldOffset(0, name, 0);
  b.addFieldOffset(3, subs, 0);
  const root = b.endObject();
  b.finish(root, 'M001');
  return b.asUint8Array().slice();
}

/** A zip archive of stored (uncompressed) files, as TFLite's metadata writer appends to a model. */
export function storedZip(files: Record<string, string>): Uint8Array {
  const enc = new TextEncoder();
  const parts: Uint8Array[] = [];
  const central: Uint8Array[] = [];
  let at = 0;
  for (const [name, text] of Object.entries(files)) {
    const n = enc.encode(name);
    const data = enc.encode(text);
    const local = new DataView(new ArrayBuffer(30));
    local.setUint32(0, 0x04034b50, true);
    local.setUint16(4, 10, true);
    local.setUint32(18, data.length, true);
    local.setUint32(22, data.length, true);
    local.setUint16(26, n.length, true);
    const cd = new DataView(new ArrayBuffer(46));
    cd.setUint32(0, 0x02014b50, true);
    cd.setUint16(6, 10, true);
    cd.setUint32(20, data.length, true);
    cd.setUint32(24, data.length, true);
    cd.setUint16(28, n.length, true);
    cd.setUint32(42, at, true);
    parts.push(new Uint8Array(local.buffer), n, data);
    central.push(new Uint8Array(cd.buffer), n);
    at += 30 + n.length + data.length;
  }
  const cdSize = central.reduce((s, p) => s + p.length, 0);
  const end = new DataView(new ArrayBuffer(22));
  end.setUint32(0, 0x06054b50, true);
  end.setUint16(8, Object.keys(files).length, true);
  end.setUint16(10, Object.keys(files).length, true);
  end.setUint32(12, cdSize, true);
  end.setUint32(16, at, true);
  const all = [...parts, ...central, new Uint8Array(end.buffer)];
  const out = new Uint8Array(all.reduce((s, p) => s + p.length, 0));
  let k = 0;
  for (const p of all) {
    out.set(p, k);
    k += p.length;
  }
  return out;
}
