// One entry for reading a model file in any format the engine knows: the content decides (a TFLite flatbuffer carries
// "TFL3" at bytes 4..7; anything else is read as ONNX protobuf), so every command that loads a model takes both.

import { closeSync, openSync, readSync } from 'node:fs';
import { extname } from 'node:path';
import { loadModelFile as loadOnnxFile, type LoadedModel as LoadedOnnx } from '../onnx/load';
import { hasTfliteIdentifier } from '../tflite/schema';
import { loadTfliteFile, type LoadedTflite } from '../tflite/load';
import { printTflite } from '../tflite/print';
import { printModelFile, type PrintOptions } from '../onnx/text';
import { err, ok, type Result } from '../result';

export type ModelFormat = 'onnx' | 'tflite';

/** File extensions of the formats (for pickers, globs and the editor's selector). */
export const MODEL_EXTENSIONS: Readonly<Record<ModelFormat, string>> = { onnx: '.onnx', tflite: '.tflite' };

export type LoadedModel = LoadedOnnx & { format: ModelFormat; tflite?: Pick<LoadedTflite, 'tflite' | 'metadata'> };

/** The format of a file from its first bytes (and its extension when the bytes say nothing, e.g. an empty file). */
export function sniffFormat(head: Uint8Array, path = ''): ModelFormat {
  if (hasTfliteIdentifier(head)) return 'tflite';
  return extname(path).toLowerCase() === '.tflite' && head.length < 8 ? 'tflite' : 'onnx';
}

function readHead(path: string): Uint8Array {
  let fd: number | undefined;
  try {
    fd = openSync(path, 'r');
    const head = Buffer.alloc(8);
    const n = readSync(fd, head, 0, 8, 0);
    return head.subarray(0, n);
  } catch {
    return new Uint8Array(0); // the format loader reports the error with its own message
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** The format of a file on disk, from its first bytes. */
export function formatOfFile(path: string): ModelFormat {
  return sniffFormat(readHead(path), path);
}

/**
 * A model as text: ONNX in onnx.printer's syntax (parses back), TFLite as a readable listing of its subgraphs,
 * tensors (type, shape, quantization) and operators (it does not parse back).
 */
export function printModelText(path: string, options: PrintOptions = {}): Result<string> {
  if (formatOfFile(path) !== 'tflite') return printModelFile(path, options);
  const r = loadTfliteFile(path);
  if (!r.ok) return err(r.error.code, r.error.message.replace(`${path}: `, ''), path);
  return ok(printTflite(r.value.tflite, r.value.metadata, r.value.fileBytes));
}

/** Reads, decodes and checks a model file of either format. */
export function loadModelFile(path: string): Result<LoadedModel> {
  const head = readHead(path);
  const format = sniffFormat(head, path);
  if (format === 'tflite') {
    const r = loadTfliteFile(path);
    if (!r.ok) return r;
    const { model, modelDir, fileBytes, bytes, externalBytes, tflite, metadata } = r.value;
    // Buffers stored after the flatbuffer (v3c) are in the same file: there are no external data files.
    return ok({ format, model, path, modelDir, fileBytes, bytes, externalBytes, externalDataBytes: 0, externalFiles: [], tflite: { tflite, metadata } });
  }
  const r = loadOnnxFile(path);
  // Content decides: an ONNX model named .tflite is read as ONNX; a .tflite that is neither says what it lacks.
  if (!r.ok && extname(path).toLowerCase() === '.tflite') {
    return err('corrupt', `${path}: not a TFLite model: bytes 4..7 are not the "TFL3" file identifier`, path);
  }
  return r.ok ? ok({ ...r.value, format }) : r;
}

/** For commands that only work on ONNX (optimize, split --out-dir, parse): a clear refusal for other formats. */
export function requireOnnx(loaded: LoadedModel, command: string): Result<LoadedModel> {
  if (loaded.format === 'onnx') return ok(loaded);
  return err('unsupported', `${loaded.path}: ${command} needs an ONNX model; this is a TFLite flatbuffer (${command} rewrites and re-verifies ONNX graphs in onnxruntime; convert the model to ONNX first, e.g. with tf2onnx)`, loaded.path);
}
