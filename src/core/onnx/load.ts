// Loads a model file from disk: reads it, decodes it, and checks that its external data can be read safely,
// without loading the external weights themselves.

import { closeSync, fstatSync, openSync, readSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { decodeModel } from './decode';
import { dtypeByteSize } from './dtype';
import { subgraphsOf, tensorElementCount, type Graph, type Model, type Tensor } from './ir';
import { resolveExternalPath } from './tensor';
import { err, ok, type Result } from '../result';

export interface LoadedModel {
  model: Model;
  path: string;
  modelDir: string;
  fileBytes: number;
  /** The decoded file: raw tensors are views into it. */
  bytes: Uint8Array;
  /** Total bytes of tensors stored in external files. */
  externalBytes: number;
  /** Size of the external-data files the model names (each counted once): what ships beside the .onnx file. */
  externalDataBytes: number;
  /** Those files, by the location the model gives, with their sizes. */
  externalFiles: { location: string; bytes: number }[];
}

/** Files larger than this are refused before reading (protobuf itself cannot exceed 2 GiB). */
export const MAX_MODEL_FILE_BYTES = 2 ** 31;

export function loadModelFile(path: string): Result<LoadedModel> {
  let size: number;
  try {
    const st = statSync(path);
    if (st.isDirectory()) return err('invalid-argument', `${path}: is a folder, not an .onnx file`, path);
    size = st.size;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return err(code === 'ENOENT' ? 'not-found' : 'io', `${path}: ${code === 'ENOENT' ? 'no such file' : (e as Error).message}`, path);
  }
  if (size > MAX_MODEL_FILE_BYTES) return err('too-large', `${path}: ${size} bytes is larger than a protobuf model can be (2 GiB)`, path);
  const bytes = readWhole(path, size);
  if (!bytes.ok) return bytes;
  const decoded = decodeModel(bytes.value, { path });
  if (!decoded.ok) return err(decoded.error.code, `${path}: ${decoded.error.message}`, path);
  const modelDir = dirname(path);
  const ext = checkExternalData(decoded.value, modelDir, path);
  if (!ext.ok) return ext;
  const externalDataBytes = ext.value.files.reduce((a, f) => a + f.bytes, 0);
  return ok({
    model: decoded.value, path, modelDir, fileBytes: size, bytes: bytes.value, externalBytes: ext.value.total,
    externalDataBytes, externalFiles: ext.value.files,
  });
}

/** The first `size` bytes of a file (all of it when shorter), read into one buffer. */
export function readWhole(path: string, size: number): Result<Uint8Array> {
  let fd: number | undefined;
  try {
    fd = openSync(path, 'r');
    const actual = fstatSync(fd).size;
    const out = Buffer.allocUnsafe(Math.min(size, actual));
    let done = 0;
    while (done < out.length) {
      const n = readSync(fd, out, done, out.length - done, done);
      if (n <= 0) break;
      done += n;
    }
    return ok(out.subarray(0, done));
  } catch (e) {
    return err('io', `${path}: cannot read: ${(e as Error).message}`, path);
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** Every external tensor must resolve inside the model's folder and fit in its file. Returns total external bytes. */
function checkExternalData(model: Model, modelDir: string, path: string): Result<{ total: number; files: { location: string; bytes: number }[] }> {
  const sizes = new Map<string, number>();
  const files: { location: string; bytes: number }[] = [];
  let total = 0;
  const tensors: Tensor[] = [];
  collectTensors(model.graph, tensors, 0);
  for (const t of tensors) {
    if (t.data.kind !== 'external') continue;
    const d = t.data;
    const resolved = resolveExternalPath(modelDir, d.location);
    if (!resolved.ok) return err(resolved.error.code, `${path}: tensor '${t.name}': ${resolved.error.message}`, path);
    let fileSize = sizes.get(resolved.value);
    if (fileSize === undefined) {
      try {
        fileSize = statSync(resolved.value).size;
      } catch (e) {
        return err('external-data', `${path}: tensor '${t.name}': cannot read external file '${d.location}': ${(e as Error).message}`, path);
      }
      sizes.set(resolved.value, fileSize);
      files.push({ location: d.location, bytes: fileSize });
    }
    const length = d.length ?? dtypeByteSize(t.dtype, tensorElementCount(t.dims));
    if (d.offset + length > fileSize) {
      return err('external-data', `${path}: tensor '${t.name}' needs ${length} bytes at offset ${d.offset} of '${d.location}', which has only ${fileSize} bytes`, path);
    }
    total += length;
  }
  return ok({ total, files });
}

function collectTensors(graph: Graph, out: Tensor[], depth: number): void {
  if (depth > 64) return;
  out.push(...graph.initializers);
  for (const n of graph.nodes) {
    for (const a of n.attributes) {
      if (a.type === 'tensor') out.push(a.value);
      else if (a.type === 'tensors') out.push(...a.value);
    }
    for (const s of subgraphsOf(n)) collectTensors(s.graph, out, depth + 1);
  }
}
