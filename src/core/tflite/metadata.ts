// The model's metadata entries: min_runtime_version, TFLM's OfflineMemoryAllocation plan, and TFLite Metadata
// (a "M001" flatbuffer naming the model, its inputs' normalization and its outputs' label files, which are packed as a
// zip archive appended to the .tflite file).

import { inflateRawSync } from 'node:zlib';
import { FlatFile, type Table } from './flat';
import type { TfModel } from './schema';

export interface TensorMeta {
  name: string;
  description?: string;
  /** Input normalization (x − mean) / std, per channel or one value for all. */
  normalization?: { mean: number[]; std: number[] };
  /** Value range the tensor's data is expected to have. */
  stats?: { min: number[]; max: number[] };
  /** Label files (TENSOR_AXIS_LABELS, TENSOR_VALUE_LABELS) and their lines when the file is packed in the model. */
  labels?: { file: string; type: string; lines?: string[] }[];
}

export interface ModelMeta {
  name?: string;
  description?: string;
  version?: string;
  author?: string;
  license?: string;
  minParserVersion?: string;
  inputs: TensorMeta[];
  outputs: TensorMeta[];
  /** Names of the files packed in the appended zip archive. */
  packedFiles: string[];
}

export interface Metadata {
  minRuntimeVersion?: string;
  /** Offsets of TFLM's offline memory plan for every tensor of every subgraph, concatenated (-1: planned online). */
  offlineOffsets?: number[];
  model?: ModelMeta;
  /** Names of all metadata entries, including ones this reader does not interpret (e.g. CONVERSION_METADATA). */
  entries: string[];
  warnings: string[];
}

const FILE_TYPES = ['UNKNOWN', 'DESCRIPTIONS', 'TENSOR_AXIS_LABELS', 'TENSOR_VALUE_LABELS', 'TENSOR_AXIS_SCORE_CALIBRATION', 'VOCABULARY'];
/** Label files larger than this keep only their name. */
const MAX_LABEL_BYTES = 1 << 20;

function bufferBytes(model: TfModel, index: number): Uint8Array | undefined {
  return model.buffers[index]?.data;
}

/** Reads the metadata entries of a decoded model; `file` is the whole file when it was read whole (for the zip). */
export function readMetadata(model: TfModel, file?: Uint8Array): Metadata {
  const out: Metadata = { entries: model.metadata.map((m) => m.name), warnings: [] };
  for (const m of model.metadata) {
    const bytes = bufferBytes(model, m.buffer);
    if (!bytes) continue;
    if (m.name === 'min_runtime_version') {
      out.minRuntimeVersion = new TextDecoder().decode(bytes).replace(/\0+$/, '');
    } else if (m.name === 'OfflineMemoryAllocation') {
      if (bytes.length < 12 || bytes.length % 4 !== 0) {
        out.warnings.push(`OfflineMemoryAllocation metadata has ${bytes.length} bytes, not a list of int32: ignored`);
        continue;
      }
      const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
      const n = view.getUint32(8, true);
      if (12 + 4 * n > bytes.length) {
        out.warnings.push(`OfflineMemoryAllocation metadata lists ${n} offsets but holds ${(bytes.length - 12) / 4}: ignored`);
        continue;
      }
      out.offlineOffsets = Array.from({ length: n }, (_, i) => view.getInt32(12 + 4 * i, true));
    } else if (m.name === 'TFLITE_METADATA') {
      try {
        out.model = readModelMetadata(bytes, file);
      } catch (e) {
        out.warnings.push(`TFLite Metadata could not be read (${(e as Error).message}): ignored`);
      }
    }
  }
  return out;
}

function readModelMetadata(bytes: Uint8Array, file?: Uint8Array): ModelMeta {
  const f = new FlatFile(bytes);
  const root = f.indirect(0, 'ModelMetadata');
  const packed = file ? readZipDirectory(file) : new Map<string, () => Uint8Array | undefined>();
  const tensors = (t: Table | undefined, slot: number) => (t ? t.tables(slot, 'tensor metadata').map((x) => readTensorMeta(x, packed)) : []);
  const sub = root.tables(3, 'subgraph_metadata')[0];
  const meta: ModelMeta = {
    inputs: tensors(sub, 2),
    outputs: tensors(sub, 3),
    packedFiles: [...packed.keys()],
  };
  const s = (slot: number) => root.string(slot);
  const fields: [keyof ModelMeta, number][] = [['name', 0], ['description', 1], ['version', 2], ['author', 4], ['license', 5], ['minParserVersion', 7]];
  for (const [key, slot] of fields) {
    const v = s(slot);
    if (v) (meta as unknown as Record<string, string>)[key] = v;
  }
  return meta;
}

function readTensorMeta(t: Table, packed: Map<string, () => Uint8Array | undefined>): TensorMeta {
  const out: TensorMeta = { name: t.string(0) ?? '' };
  const description = t.string(1);
  if (description) out.description = description;
  for (const unit of t.tables(4, 'process_units')) {
    if (unit.scalar(0, 'ubyte', 0) !== 1) continue; // NormalizationOptions
    const n = unit.table(1, 'normalization');
    if (n) out.normalization = { mean: n.numbers(0, 'float', 'mean') ?? [], std: n.numbers(1, 'float', 'std') ?? [] };
  }
  const stats = t.table(5, 'stats');
  if (stats) out.stats = { max: stats.numbers(0, 'float', 'max') ?? [], min: stats.numbers(1, 'float', 'min') ?? [] };
  const labels: NonNullable<TensorMeta['labels']> = [];
  for (const a of t.tables(6, 'associated_files')) {
    const type = FILE_TYPES[a.scalar(2, 'byte', 0)] ?? 'UNKNOWN';
    if (type !== 'TENSOR_AXIS_LABELS' && type !== 'TENSOR_VALUE_LABELS') continue;
    const file = a.string(0) ?? '';
    const data = packed.get(file)?.();
    labels.push(data && data.length <= MAX_LABEL_BYTES
      ? { file, type, lines: new TextDecoder().decode(data).split(/\r?\n/).filter((l) => l.length > 0) }
      : { file, type });
  }
  if (labels.length) out.labels = labels;
  return out;
}

/**
 * The files of a zip archive appended to the model, each read on demand (stored or deflated). Offsets are taken
 * relative to where the archive starts, which covers archives appended to a file and archives whose offsets count
 * from the start of the file.
 */
export function readZipDirectory(file: Uint8Array): Map<string, () => Uint8Array | undefined> {
  const files = new Map<string, () => Uint8Array | undefined>();
  const view = new DataView(file.buffer, file.byteOffset, file.byteLength);
  const len = file.length;
  let eocd = -1;
  for (let p = len - 22; p >= Math.max(0, len - 22 - 0xffff); p--) {
    if (view.getUint32(p, true) === 0x06054b50) {
      eocd = p;
      break;
    }
  }
  if (eocd < 0) return files;
  const count = view.getUint16(eocd + 10, true);
  const cdSize = view.getUint32(eocd + 12, true);
  const cdOffset = view.getUint32(eocd + 16, true);
  const base = eocd - cdSize - cdOffset;
  if (base < 0) return files;
  let p = base + cdOffset;
  const utf8 = new TextDecoder();
  for (let i = 0; i < count && p + 46 <= eocd; i++) {
    if (view.getUint32(p, true) !== 0x02014b50) break;
    const method = view.getUint16(p + 10, true);
    const compressed = view.getUint32(p + 20, true);
    const size = view.getUint32(p + 24, true);
    const nameLen = view.getUint16(p + 28, true);
    const extraLen = view.getUint16(p + 30, true);
    const commentLen = view.getUint16(p + 32, true);
    const local = base + view.getUint32(p + 42, true);
    if (p + 46 + nameLen > len) break;
    const name = utf8.decode(file.subarray(p + 46, p + 46 + nameLen));
    p += 46 + nameLen + extraLen + commentLen;
    files.set(name, () => {
      if (local + 30 > len || view.getUint32(local, true) !== 0x04034b50) return undefined;
      const start = local + 30 + view.getUint16(local + 26, true) + view.getUint16(local + 28, true);
      if (start + compressed > len || size > MAX_LABEL_BYTES) return undefined;
      const raw = file.subarray(start, start + compressed);
      if (method === 0) return raw;
      if (method !== 8) return undefined;
      try {
        return inflateRawSync(raw, { maxOutputLength: MAX_LABEL_BYTES });
      } catch {
        return undefined;
      }
    });
  }
  return files;
}
