// Reads a TFLite model flatbuffer (schema v3, file identifier "TFL3") into plain objects: subgraphs, tensors with
// dtype, shape and quantization, operators with their options, buffers (inline or stored after the flatbuffer, v3c),
// metadata entries and signature defs. Every offset is checked; nothing is copied but the small tables.

import type { DType } from '../onnx/dtype';
import { LensException } from '../result';
import { FlatFile, type Table } from './flat';
import {
  BUILTIN_OPERATORS, BUILTIN_OPTIONS, BUILTIN_OPTIONS_2, ENUMS, ENUM_BASES, OPTION_TABLES,
} from './schema-data';

export const TFLITE_IDENTIFIER = 'TFL3';

/** TFLite TensorType code → the engine's dtype ('undefined' for resource/variant/int2, which it cannot size). */
const DTYPE_BY_TFLITE_TYPE: readonly DType[] = [
  'float', 'float16', 'int32', 'uint8', 'int64', 'string', 'bool', 'int16', 'complex64', 'int8', 'double',
  'complex128', 'uint64', 'undefined', 'undefined', 'uint32', 'uint16', 'int4', 'bfloat16', 'undefined', 'uint4',
  'float8e4m3fn', 'float8e5m2',
];

export function tfliteTypeName(code: number): string {
  return ENUMS['TensorType']![code] ?? `TYPE_${code}`;
}

export function dtypeOfTfliteType(code: number): DType {
  return DTYPE_BY_TFLITE_TYPE[code] ?? 'undefined';
}

/** Affine quantization as the file states it: real = scale × (q − zeroPoint), per channel along `axis` when several. */
export interface TfQuantization {
  scale: number[];
  zeroPoint: number[];
  axis: number;
  min?: number[];
  max?: number[];
  /** Name of a QuantizationDetails member (custom, blockwise) when the file uses one instead of scale/zero point. */
  details?: string;
}

export interface TfDimension {
  format: 'DENSE' | 'SPARSE_CSR';
  denseSize: number;
  segments?: number[];
  indices?: number[];
  /** Stored width in bytes of the segment and index arrays (int32, uint16 or uint8 vectors). */
  segmentBytes?: number;
  indexBytes?: number;
}

export interface TfSparsity {
  traversalOrder: number[];
  blockMap: number[];
  dims: TfDimension[];
}

export interface TfTensor {
  index: number;
  name: string;
  typeCode: number;
  dtype: DType;
  shape: number[];
  /** -1 marks a dimension unknown until run time. */
  shapeSignature?: number[];
  buffer: number;
  quantization?: TfQuantization;
  isVariable: boolean;
  sparsity?: TfSparsity;
}

export type OptionValue = number | boolean | string | number[] | string[];

export interface TfOperator {
  index: number;
  opcodeIndex: number;
  /** Builtin name (CONV_2D) or the custom code of a CUSTOM operator. */
  opName: string;
  builtinCode: number;
  customCode?: string;
  version: number;
  inputs: number[];
  outputs: number[];
  intermediates: number[];
  /** The options table's name and fields (enums as their names). */
  optionsTable?: string;
  options: Record<string, OptionValue>;
  customOptionsBytes: number;
}

export interface TfSubgraph {
  index: number;
  name: string;
  tensors: TfTensor[];
  inputs: number[];
  outputs: number[];
  operators: TfOperator[];
}

/** A buffer's bytes: a view into the flatbuffer, or (v3c) a range of the file after the flatbuffer. */
export interface TfBuffer {
  data?: Uint8Array;
  offset?: number;
  size?: number;
}

export interface TfSignature {
  key: string;
  subgraph: number;
  inputs: { name: string; tensor: number }[];
  outputs: { name: string; tensor: number }[];
}

export interface TfModel {
  version: number;
  description: string;
  subgraphs: TfSubgraph[];
  buffers: TfBuffer[];
  metadata: { name: string; buffer: number }[];
  signatures: TfSignature[];
  operatorCodes: { name: string; builtinCode: number; customCode?: string; version: number }[];
}

/** Whether bytes carry the TFLite file identifier at bytes 4..7. */
export function hasTfliteIdentifier(bytes: Uint8Array): boolean {
  return bytes.length >= 8 && bytes[4] === 0x54 && bytes[5] === 0x46 && bytes[6] === 0x4c && bytes[7] === 0x33;
}

/** Limits that keep a hostile file from making the reader do unbounded work. */
const MAX_RANK = 64;

/**
 * Decodes the flatbuffer. `fileBytes` is the whole file's size when only its start was read (v3c buffers then lie
 * beyond `bytes` and are checked against the file size instead).
 */
export function readTfliteModel(bytes: Uint8Array, options: { path?: string; fileBytes?: number } = {}): TfModel {
  const f = new FlatFile(bytes, options.path);
  if (bytes.length < 8) f.fail(`the file has only ${bytes.length} bytes`);
  if (!hasTfliteIdentifier(bytes)) {
    throw new LensException('not-onnx', 'not a TFLite model: the file identifier at bytes 4..7 is not "TFL3"', options.path);
  }
  const root = f.indirect(0, 'Model');
  const version = root.scalar(0, 'uint', 0);
  if (version !== 3) f.fail(`schema version ${version} (this reader reads version 3, which every current converter writes)`);
  const operatorCodes = root.tables(1, 'operator_codes').map((t) => {
    const deprecated = t.scalar(0, 'byte', 0);
    const builtin = t.scalar(3, 'int', 0);
    // Codes above 127 are stored only in builtin_code; older files only in the deprecated byte.
    const builtinCode = Math.max(deprecated, builtin);
    const customCode = t.string(1);
    const name = builtinCode === 32 ? (customCode ?? 'CUSTOM') : (BUILTIN_OPERATORS[builtinCode] ?? `BUILTIN_${builtinCode}`);
    return { name, builtinCode, ...(customCode !== undefined ? { customCode } : {}), version: t.scalar(2, 'int', 1) };
  });
  const fileBytes = options.fileBytes ?? bytes.length;
  const buffers: TfBuffer[] = root.tables(4, 'buffers').map((t, i) => {
    const data = t.bytes(0, `buffers[${i}].data`);
    const offset = t.scalar(1, 'ulong', 0);
    const size = t.scalar(2, 'ulong', 0);
    if (offset > 1) {
      if (!Number.isSafeInteger(offset + size) || offset + size > fileBytes) {
        f.fail(`buffer ${i} lies at bytes ${offset}..${offset + size} of a ${fileBytes}-byte file`);
      }
      return { offset, size };
    }
    return data && data.length > 0 ? { data } : {};
  });
  const subgraphs = root.tables(2, 'subgraphs').map((t, i) => readSubgraph(t, i, operatorCodes, buffers.length));
  if (subgraphs.length === 0) f.fail('the model has no subgraph');
  const metadata = root.tables(6, 'metadata').map((t) => ({ name: t.string(0) ?? '', buffer: t.scalar(1, 'uint', 0) }));
  const signatures = root.tables(7, 'signature_defs').map((t) => {
    const maps = (slot: number, what: string) => t.tables(slot, what).map((m) => ({ name: m.string(0) ?? '', tensor: m.scalar(1, 'uint', 0) }));
    return { key: t.string(2) ?? '', subgraph: t.scalar(4, 'uint', 0), inputs: maps(0, 'inputs'), outputs: maps(1, 'outputs') };
  });
  for (const s of signatures) {
    if (s.subgraph >= subgraphs.length) f.fail(`signature '${s.key}' names subgraph ${s.subgraph} of ${subgraphs.length}`);
    const n = subgraphs[s.subgraph]!.tensors.length;
    for (const m of [...s.inputs, ...s.outputs]) if (m.tensor >= n) f.fail(`signature '${s.key}' names tensor ${m.tensor} of ${n}`);
  }
  return { version, description: root.string(3) ?? '', subgraphs, buffers, metadata, signatures, operatorCodes };
}

function readSubgraph(t: Table, index: number, codes: TfModel['operatorCodes'], bufferCount: number): TfSubgraph {
  const f = t.file;
  const where = `subgraph ${index}`;
  const tensors = t.tables(0, `${where} tensors`).map((x, i) => readTensor(x, i, bufferCount, where));
  const n = tensors.length;
  const indices = (list: number[] | undefined, what: string, allowOmitted: boolean): number[] => {
    const out = list ?? [];
    for (const k of out) {
      if (k === -1 && allowOmitted) continue;
      if (!Number.isInteger(k) || k < 0 || k >= n) f.fail(`${where}: ${what} names tensor ${k} of ${n}`);
    }
    return out;
  };
  const inputs = indices(t.numbers(1, 'int', 'inputs'), 'an input', false);
  const outputs = indices(t.numbers(2, 'int', 'outputs'), 'an output', false);
  const operators = t.tables(3, `${where} operators`).map((op, i) => {
    const opcodeIndex = op.scalar(0, 'uint', 0);
    const code = codes[opcodeIndex];
    if (!code) f.fail(`${where}: operator ${i} uses opcode ${opcodeIndex} of ${codes.length}`);
    const label = `${where} operator ${i} (${code.name})`;
    const { table, options } = readOptions(op, label);
    return {
      index: i,
      opcodeIndex,
      opName: code.name,
      builtinCode: code.builtinCode,
      ...(code.customCode !== undefined ? { customCode: code.customCode } : {}),
      version: code.version,
      // Optional inputs (a LSTM's peepholes, a conv's bias) are -1.
      inputs: indices(op.numbers(1, 'int', 'inputs'), `${label} input`, true),
      outputs: indices(op.numbers(2, 'int', 'outputs'), `${label} output`, true),
      intermediates: indices(op.numbers(8, 'int', 'intermediates'), `${label} intermediate`, true),
      ...(table ? { optionsTable: table } : {}),
      options,
      customOptionsBytes: op.vectorAt(5, 1, 'custom_options')?.length ?? op.scalar(10, 'ulong', 0),
    } satisfies TfOperator;
  });
  return { index, name: t.string(4) ?? '', tensors, inputs, outputs, operators };
}

function readTensor(t: Table, index: number, bufferCount: number, where: string): TfTensor {
  const f = t.file;
  const name = t.string(3) ?? `tensor_${index}`;
  const shape = t.numbers(0, 'int', 'shape') ?? [];
  if (shape.length > MAX_RANK) f.fail(`${where}: tensor '${name}' has rank ${shape.length}`);
  for (const d of shape) if (d < 0) f.fail(`${where}: tensor '${name}' has a negative dimension (${d}) in its shape`);
  const shapeSignature = t.numbers(7, 'int', 'shape_signature');
  if (shapeSignature && shapeSignature.length !== shape.length && shapeSignature.length > 0) {
    f.fail(`${where}: tensor '${name}' has a shape of rank ${shape.length} and a signature of rank ${shapeSignature.length}`);
  }
  const typeCode = t.scalar(1, 'byte', 0);
  const buffer = t.scalar(2, 'uint', 0);
  if (buffer >= bufferCount && buffer !== 0) f.fail(`${where}: tensor '${name}' uses buffer ${buffer} of ${bufferCount}`);
  const tensor: TfTensor = {
    index, name, typeCode, dtype: dtypeOfTfliteType(typeCode), shape, buffer, isVariable: t.bool(5),
  };
  if (shapeSignature && shapeSignature.some((d, i) => d !== shape[i])) tensor.shapeSignature = shapeSignature;
  const q = t.table(4, 'quantization');
  if (q) {
    const quantization = readQuantization(q);
    if (quantization) tensor.quantization = quantization;
  }
  const s = t.table(6, 'sparsity');
  if (s) tensor.sparsity = readSparsity(s, name);
  return tensor;
}

function readQuantization(q: Table): TfQuantization | undefined {
  const scale = q.numbers(2, 'float', 'scale') ?? [];
  const zeroPoint = q.numbers(3, 'long', 'zero_point') ?? [];
  const min = q.numbers(0, 'float', 'min');
  const max = q.numbers(1, 'float', 'max');
  const detailsType = q.scalar(4, 'ubyte', 0);
  const axis = q.scalar(6, 'int', 0);
  if (scale.length === 0 && !min && !max && detailsType === 0) return undefined;
  const out: TfQuantization = { scale, zeroPoint, axis };
  if (min?.length) out.min = min;
  if (max?.length) out.max = max;
  if (detailsType !== 0) out.details = ['', 'CustomQuantization', 'BlockwiseQuantization', 'MultiAxisQuantization'][detailsType] ?? `details_${detailsType}`;
  return out;
}

function readSparsity(s: Table, name: string): TfSparsity {
  const dims = s.tables(2, `sparsity of '${name}'`).map((d): TfDimension => {
    const format = d.scalar(0, 'byte', 0) === 1 ? 'SPARSE_CSR' : 'DENSE';
    const dim: TfDimension = { format, denseSize: d.scalar(1, 'int', 0) };
    const vector = (typeSlot: number, slot: number, what: string): { values: number[]; bytes: number } | undefined => {
      const kind = d.scalar(typeSlot, 'ubyte', 0);
      if (kind < 1 || kind > 3) return undefined;
      const v = d.table(slot, what)?.numbers(0, kind === 1 ? 'int' : kind === 2 ? 'ushort' : 'ubyte', what);
      return v ? { values: v, bytes: kind === 1 ? 4 : kind === 2 ? 2 : 1 } : undefined;
    };
    const segments = vector(2, 3, 'array_segments');
    const indices = vector(4, 5, 'array_indices');
    if (segments) Object.assign(dim, { segments: segments.values, segmentBytes: segments.bytes });
    if (indices) Object.assign(dim, { indices: indices.values, indexBytes: indices.bytes });
    return dim;
  });
  return { traversalOrder: s.numbers(0, 'int', 'traversal_order') ?? [], blockMap: s.numbers(1, 'int', 'block_map') ?? [], dims };
}

/** The operator's options table decoded by its field list in schema-data.ts. */
function readOptions(op: Table, label: string): { table?: string; options: Record<string, OptionValue> } {
  const options: Record<string, OptionValue> = {};
  let type = op.scalar(3, 'ubyte', 0);
  let slot = 4;
  let names = BUILTIN_OPTIONS;
  if (type === 0) {
    type = op.scalar(11, 'ubyte', 0);
    slot = 12;
    names = BUILTIN_OPTIONS_2;
  }
  if (type === 0) return { options };
  const tableName = names[type - 1];
  if (!tableName) return { options };
  const t = op.table(slot, tableName);
  if (!t) return { table: tableName, options };
  const fields = OPTION_TABLES[tableName] ?? [];
  fields.forEach(([name, kind, dflt, deprecated], i) => {
    if (deprecated || kind === 'skip') return;
    if (kind.startsWith('[')) {
      const inner = kind.slice(1, -1);
      const v = t.numbers(i, inner, `${label} ${name}`);
      if (v) options[name] = inner === 'bool' ? v.map((x) => x !== 0) as unknown as number[] : v;
      return;
    }
    if (kind === 'string') {
      const s = t.string(i);
      if (s !== undefined) options[name] = s;
      return;
    }
    const base = ENUM_BASES[kind];
    const storage = base ?? kind;
    const fallback = typeof dflt === 'number' ? dflt : dflt === true ? 1 : 0;
    const raw = t.scalar(i, storage, fallback);
    if (kind === 'bool') options[name] = raw !== 0;
    else if (base) options[name] = ENUMS[kind]?.[raw] ?? String(raw);
    else options[name] = raw;
  });
  return { table: tableName, options };
}
