// Loads a .tflite file: reads the flatbuffer (and, for models over 2 GB, only its start: buffers stored after it are
// read on demand), decodes it, reads its metadata and converts it to the IR with TFLite Micro's deployment facts.

import { statSync } from 'node:fs';
import { basename, dirname } from 'node:path';
import { catchLens, err, ok, type Result } from '../result';
import { readMetadata, type Metadata } from './metadata';
import { readTfliteModel, type TfModel } from './schema';
import { tflmDeployment } from './tflm';
import { toIr } from './to-ir';
import type { Model } from '../onnx/ir';
import { readWhole } from '../onnx/load';

export interface LoadedTflite {
  model: Model;
  tflite: TfModel;
  metadata: Metadata;
  path: string;
  modelDir: string;
  fileBytes: number;
  /** The bytes read: the whole file, or its first `readLimit` bytes. */
  bytes: Uint8Array;
  /** Bytes of buffers left in the file to be read on demand. */
  externalBytes: number;
}

/** A flatbuffer cannot exceed 2 GiB; larger files keep their buffers after it (schema v3c). */
export const MAX_FLATBUFFER_BYTES = 2 ** 31 - 1;

export interface TfliteLoadOptions {
  /** Read at most this many bytes from the start of the file (default 2 GiB − 1); the rest is read lazily. */
  readLimit?: number;
}

export function loadTfliteFile(path: string, options: TfliteLoadOptions = {}): Result<LoadedTflite> {
  let size: number;
  try {
    const st = statSync(path);
    if (st.isDirectory()) return err('invalid-argument', `${path}: is a folder, not a .tflite file`, path);
    size = st.size;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return err(code === 'ENOENT' ? 'not-found' : 'io', `${path}: ${code === 'ENOENT' ? 'no such file' : (e as Error).message}`, path);
  }
  const limit = Math.min(size, options.readLimit ?? MAX_FLATBUFFER_BYTES);
  const bytes = readWhole(path, limit);
  if (!bytes.ok) return bytes;
  return decodeTflite(bytes.value, { path, fileBytes: size });
}

/** Decodes bytes already read (the fuzzer and tests use this directly). */
export function decodeTflite(bytes: Uint8Array, options: { path?: string; fileBytes?: number } = {}): Result<LoadedTflite> {
  const path = options.path ?? 'model.tflite';
  const fileBytes = options.fileBytes ?? bytes.length;
  const whole = bytes.length >= fileBytes;
  const r = catchLens(() => {
    const tflite = readTfliteModel(bytes, { path, fileBytes });
    const metadata = readMetadata(tflite, whole ? bytes : undefined);
    const converted = toIr(tflite, metadata, { path, bytes, fileName: basename(path) });
    let externalBytes = 0;
    for (const b of tflite.buffers) if (b.offset !== undefined && b.offset + (b.size ?? 0) > bytes.length) externalBytes += b.size ?? 0;
    let offline = metadata.offlineOffsets;
    const total = tflite.subgraphs.reduce((s, g) => s + g.tensors.length, 0);
    if (offline && offline.length !== total) {
      metadata.warnings.push(`OfflineMemoryAllocation lists ${offline.length} offsets for ${total} tensors: ignored, as TFLM refuses it`);
      offline = undefined;
    }
    converted.model.deployment = tflmDeployment({ model: tflite, fileBytes, weightBytes: converted.weightBytes, names: converted.names, ...(offline ? { offlineOffsets: offline } : {}) });
    return { model: converted.model, tflite, metadata, path, modelDir: dirname(path), fileBytes, bytes, externalBytes };
  }, path);
  if (!r.ok) return err(r.error.code, r.error.message.startsWith(path) ? r.error.message : `${path}: ${r.error.message}`, path);
  return ok(r.value);
}
