// Writes a model to disk the way onnx.save_model(..., save_as_external_data=True) does: initializers of at least a
// threshold (1 KiB by default, as onnx's convert_model_to_external_data) go to one `.data` file beside the model at
// aligned offsets, the protobuf keeps the rest. Weights are copied a chunk at a time from wherever they are (memory,
// the source model's data file, a pass's scratch file), so writing a 10 GB model needs no 10 GB of memory. Both
// files are committed together (atomicWrite.commitFiles); an inline protobuf over 2 GiB is refused before anything
// is written.

import { existsSync, realpathSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { commitFiles, tempPathFor } from '../atomicWrite';
import { formatBytes } from '../format';
import { catchLens, err, LensException, ok, type Result } from '../result';
import { alignmentFor, DataFileWriter, externalSource } from './dataFile';
import { dtypeByteSize } from './dtype';
import { encodeModel } from './encode';
import type { Attribute, Graph, Model, Node, SparseTensor, Tensor } from './ir';
import { tensorElementCount } from './ir';
import { readExternalData } from './tensor';
import type { ScratchSink } from './sink';

export type ExternalDataMode = 'auto' | 'always' | 'never';
export const EXTERNAL_DATA_MODES: readonly ExternalDataMode[] = ['auto', 'always', 'never'];

/** onnx's default size_threshold: smaller initializers stay in the protobuf. */
export const DEFAULT_EXTERNAL_THRESHOLD_BYTES = 1024;

/** Protobuf messages are limited to 2 GiB − 1 bytes; nothing can parse a larger .onnx file. */
export const MAX_PROTOBUF_BYTES = 2 ** 31 - 1;

/** `auto` writes external data once the inline tensors come within this much of the protobuf limit. */
const AUTO_HEADROOM_BYTES = 64 << 20;

export interface SaveOptions {
  /**
   * `always`: initializers of at least thresholdBytes go to the data file; `never`: one self-contained protobuf
   * (refused over 2 GiB); `auto` (default): external data when `preferExternal` (the source model had it) or when
   * the tensors would not fit one protobuf, else a single file.
   */
  externalData?: ExternalDataMode;
  thresholdBytes?: number;
  preferExternal?: boolean;
  /** Replace existing files (the model and its data file). */
  force?: boolean;
  /** Folder that external tensors without a baseDir are relative to (the source model's folder). */
  sourceDir?: string;
  /** Name of the data file, beside the model (default: the model's file name + `.data`). */
  dataFileName?: string;
  /**
   * The scratch sink the passes wrote into: when every tensor in it is one the output keeps (nothing abandoned or
   * replaced) and it sits in the output's folder, the file becomes the output's data file instead of being copied.
   */
  scratch?: ScratchSink;
}

export interface SavedModel {
  path: string;
  /** Bytes of the .onnx protobuf. */
  fileBytes: number;
  /** The data file beside it, when one was written. */
  dataPath?: string;
  /** Size of the data file (0 without one). */
  externalDataBytes: number;
  /** fileBytes + externalDataBytes: what the model takes on disk and to ship. */
  totalBytes: number;
  externalTensors: number;
  /** The model as written: its external tensors point into dataPath, so it can be analyzed or verified again. */
  model: Model;
}

export function dataFileNameFor(path: string): string {
  return `${basename(path)}.data`;
}

/** Every tensor of a model with the role it plays: initializers may move to the data file, others stay inline. */
function mapTensors(model: Model, fn: (t: Tensor, initializer: boolean) => Tensor): Model {
  const mapAttr = (a: Attribute, depth: number): Attribute => {
    switch (a.type) {
      case 'tensor': return { ...a, value: fn(a.value, false) };
      case 'tensors': return { ...a, value: a.value.map((t) => fn(t, false)) };
      case 'sparse_tensor': return { ...a, value: mapSparse(a.value) };
      case 'sparse_tensors': return { ...a, value: a.value.map(mapSparse) };
      case 'graph': return { ...a, value: mapGraph(a.value, depth + 1) };
      case 'graphs': return { ...a, value: a.value.map((g) => mapGraph(g, depth + 1)) };
      default: return a;
    }
  };
  const mapSparse = (s: SparseTensor): SparseTensor => ({ ...s, values: fn(s.values, false), indices: fn(s.indices, false) });
  const mapNode = (n: Node, depth: number): Node => (n.attributes.some((a) => ['tensor', 'tensors', 'sparse_tensor', 'sparse_tensors', 'graph', 'graphs'].includes(a.type))
    ? { ...n, attributes: n.attributes.map((a) => mapAttr(a, depth)) }
    : n);
  const mapGraph = (g: Graph, depth: number): Graph => {
    if (depth > 64) throw new LensException('too-large', 'the model nests subgraphs too deeply to write');
    return {
      ...g,
      initializers: g.initializers.map((t) => fn(t, true)),
      sparseInitializers: g.sparseInitializers.map(mapSparse),
      nodes: g.nodes.map((n) => mapNode(n, depth)),
    };
  };
  return {
    ...model,
    graph: mapGraph(model.graph, 0),
    functions: model.functions.map((f) => ({ ...f, nodes: f.nodes.map((n) => mapNode(n, 0)), attributeDefaults: f.attributeDefaults.map((a) => mapAttr(a, 0)) })),
  };
}

/** Bytes a tensor adds to a protobuf when inline (typed fields: a close estimate). */
function inlineBytes(t: Tensor): number {
  const d = t.data;
  switch (d.kind) {
    case 'raw': return d.bytes.byteLength;
    case 'external': return d.length ?? dtypeByteSize(t.dtype, tensorElementCount(t.dims));
    case 'string': return d.values.reduce((a, v) => a + v.byteLength + 2, 0);
    case 'empty': return 0;
    default: return d.values.length * (d.kind === 'float' || d.kind === 'int32' ? 4 : 8);
  }
}

function canGoExternal(t: Tensor, threshold: number): boolean {
  return (t.data.kind === 'raw' || t.data.kind === 'external') && t.dtype !== 'string' && inlineBytes(t) >= threshold;
}

/** Decides inline or external for the whole model, before any byte is written. */
export function planExternalData(model: Model, options: SaveOptions = {}): Result<{ external: boolean; inlineBytes: number; externalBytes: number }> {
  const mode = options.externalData ?? 'auto';
  const threshold = options.thresholdBytes ?? DEFAULT_EXTERNAL_THRESHOLD_BYTES;
  let all = 0, movable = 0;
  mapTensors(model, (t, init) => {
    const b = inlineBytes(t);
    all += b;
    if (init && canGoExternal(t, threshold)) movable += b;
    return t;
  });
  const external = mode === 'always' || (mode === 'auto' && (options.preferExternal === true || all > MAX_PROTOBUF_BYTES - AUTO_HEADROOM_BYTES));
  const inline = external ? all - movable : all;
  if (inline > MAX_PROTOBUF_BYTES) {
    const why = external
      ? `${formatBytes(inline)} of tensors that cannot move to external data (attributes, typed fields or below the threshold)`
      : `${formatBytes(inline)} of tensors`;
    return err('too-large', `cannot write one protobuf of ${why}: an .onnx file cannot exceed 2 GiB, and nothing could read it` +
      (external ? '' : '; write the weights as external data (--external-data auto or always)'));
  }
  return ok({ external, inlineBytes: inline, externalBytes: external ? movable : 0 });
}

/** Reads an external tensor's bytes for inlining (the caller has checked the total stays under 2 GiB). */
function inlined(t: Tensor, sourceDir: string | undefined): Tensor {
  if (t.data.kind !== 'external') return t;
  const src = externalSource(t, sourceDir);
  const bytes = readExternalData(dirname(src.path), basename(src.path), src.offset, src.length);
  if (!bytes.ok) throw new LensException(bytes.error.code, `tensor '${t.name}': ${bytes.error.message}`, bytes.error.path);
  return { ...t, data: { kind: 'raw', bytes: bytes.value } };
}

/** Writes `model` to `path` (and its data file), atomically; see SaveOptions. */
export function saveModel(model: Model, path: string, options: SaveOptions = {}): Result<SavedModel> {
  const plan = planExternalData(model, options);
  if (!plan.ok) return plan;
  const threshold = options.thresholdBytes ?? DEFAULT_EXTERNAL_THRESHOLD_BYTES;
  const dataName = options.dataFileName ?? dataFileNameFor(path);
  const dataPath = join(dirname(path), dataName);
  if (!options.force) {
    for (const p of plan.value.external ? [path, dataPath] : [path]) {
      if (existsSync(p)) {
        const what = p === path ? 'the output file' : `its external data file ${basename(p)}`;
        return err('invalid-argument', `${what} exists (use --force to replace it)`, p);
      }
    }
  }
  const modelTmp = tempPathFor(path);
  const dataTmp = plan.value.external ? tempPathFor(dataPath) : undefined;
  let data: DataFileWriter | undefined;
  const cleanup = () => {
    data?.abandon();
    for (const p of [modelTmp, dataTmp]) if (p) { try { unlinkSync(p); } catch { /* not created */ } }
  };
  const written = catchLens(() => {
    let outDir: string;
    try {
      outDir = realpathSync(dirname(path));
    } catch {
      throw new LensException('not-found', `the folder ${dirname(path)} does not exist`, path);
    }
    let externalTensors = 0;
    const adopted = dataTmp && options.scratch ? adoptScratch(model, options.scratch, outDir, threshold, dataTmp) : undefined;
    if (dataTmp) data = adopted ? new DataFileWriter(dataTmp, adopted.size) : new DataFileWriter(dataTmp);
    const out = mapTensors(model, (t, init) => {
      if (!data || !init || !canGoExternal(t, threshold)) return inlined(t, options.sourceDir);
      if (adopted && t.data.kind === 'external' && adopted.isScratch(t)) {
        externalTensors++;
        return { ...t, data: { kind: 'external', location: dataName, offset: t.data.offset, length: t.data.length, baseDir: outDir } };
      }
      const length = inlineBytes(t);
      data.align(alignmentFor(length));
      let offset: number;
      if (t.data.kind === 'raw') {
        offset = data.append(t.data.bytes);
      } else {
        const src = externalSource(t, options.sourceDir);
        offset = data.copyFrom(src.path, src.offset, src.length);
      }
      externalTensors++;
      return { ...t, data: { kind: 'external', location: dataName, offset, length, baseDir: outDir } };
    });
    data?.close();
    const bytes = encodeModel(out);
    if (!bytes.ok) throw new LensException(bytes.error.code, `cannot encode the model: ${bytes.error.message}`);
    if (bytes.value.byteLength > MAX_PROTOBUF_BYTES) {
      throw new LensException('too-large', `the model encodes to ${formatBytes(bytes.value.byteLength)}: an .onnx file cannot exceed 2 GiB; write the weights as external data (--external-data auto or always)`);
    }
    writeFileSync(modelTmp, bytes.value, { flag: 'wx' });
    return { out, fileBytes: bytes.value.byteLength, externalDataBytes: data ? statSync(dataTmp!).size : 0, externalTensors };
  }, path);
  if (!written.ok) {
    cleanup();
    return written;
  }
  const committed = commitFiles(dataTmp ? [{ tmp: dataTmp, path: dataPath }, { tmp: modelTmp, path }] : [{ tmp: modelTmp, path }], { force: options.force });
  if (!committed.ok) {
    cleanup();
    return err(committed.error.code, committed.error.message, committed.error.path ?? path);
  }
  const w = written.value;
  return ok({
    path, fileBytes: w.fileBytes, ...(dataTmp ? { dataPath } : {}), externalDataBytes: w.externalDataBytes,
    totalBytes: w.fileBytes + w.externalDataBytes, externalTensors: w.externalTensors, model: w.out,
  });
}

/**
 * Moves a pass's scratch file to `dataTmp` when the model uses every byte of it, as initializers that go external:
 * then the output's data file starts as the scratch file and only the other tensors are appended.
 */
function adoptScratch(model: Model, scratch: ScratchSink, outDir: string, threshold: number, dataTmp: string): { size: number; isScratch: (t: Tensor) => boolean } | undefined {
  if (scratch.folder !== outDir || scratch.spilledBytes === 0 || scratch.abandonedBytes > 0) return undefined;
  const name = basename(scratch.path);
  const isScratch = (t: Tensor) => t.data.kind === 'external' && t.data.baseDir === scratch.folder && t.data.location === name;
  const offsets = new Map<number, number>();
  let elsewhere = false;
  mapTensors(model, (t, init) => {
    if (!isScratch(t)) return t;
    if (!init || !canGoExternal(t, threshold)) elsewhere = true;
    else offsets.set((t.data as { offset: number }).offset, inlineBytes(t));
    return t;
  });
  let used = 0;
  for (const n of offsets.values()) used += n;
  if (elsewhere || used !== scratch.spilledBytes) return undefined;
  const size = scratch.handOver(dataTmp);
  return size === undefined ? undefined : { size, isScratch };
}

/**
 * The model with every external tensor read into memory (for onnxruntime sessions made from bytes, which cannot find
 * a data file). Holds all the weights at once: callers check their memory budget first.
 */
export function withInlineTensors(model: Model, sourceDir?: string): Model {
  let any = false;
  mapTensors(model, (t) => { if (t.data.kind === 'external') any = true; return t; });
  return any ? mapTensors(model, (t) => inlined(t, sourceDir)) : model;
}
