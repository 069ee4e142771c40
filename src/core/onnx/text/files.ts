// File-level entry points shared by the CLI and the extension: print a model file as text, build a model from text
// (taking elided weights from the original), and write the result atomically without clobbering files by accident.

import { readFileSync } from 'node:fs';
import { decodeModel } from '../decode';
import { encodeModel } from '../encode';
import type { Model } from '../ir';
import { err, ok, type Result } from '../../result';
import { parseModelText } from './parser';
import { printModel, type PrintOptions } from './printer';
import { fillElided } from './weights';

export function readModelFile(path: string): Result<Model> {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return err(code === 'ENOENT' ? 'not-found' : 'io', code === 'ENOENT' ? 'no such file' : `cannot read the file (${code ?? String(e)})`, path);
  }
  return decodeModel(bytes, { path });
}

/** Reads and prints a model file. */
export function printModelFile(path: string, options: PrintOptions = {}): Result<string> {
  const model = readModelFile(path);
  if (!model.ok) return model;
  return ok(printModel(model.value, options));
}

export interface BuildOptions {
  /** Names the text file in messages. */
  path?: string;
  /** The model the text was printed from: elided tensors take their data from it. */
  weightsFrom?: Model;
  weightsFromPath?: string;
}

/** Parses text into a complete model: refuses while any tensor is still an elided placeholder. */
export function buildModelFromText(text: string, options: BuildOptions = {}): Result<Model> {
  const parsed = parseModelText(text, { path: options.path });
  if (!parsed.ok) return parsed;
  const { model, elided } = parsed.value;
  if (elided.length && !options.weightsFrom) {
    const first = elided[0]!;
    const label = first.tensor.name ? `'${first.tensor.name}'` : 'an unnamed tensor';
    return err(
      'invalid-argument',
      `${first.line}:${first.column}: ${elided.length} tensor${elided.length > 1 ? 's are' : ' is'} elided (first: ${label}); ` +
        'give the original model to take the weights from (--weights-from ORIGINAL.onnx), or print it with --full',
      options.path,
    );
  }
  if (options.weightsFrom) {
    const filled = fillElided(elided, options.weightsFrom, options.weightsFromPath);
    if (!filled.ok) return err(filled.error.code, filled.error.message, options.path);
  }
  return ok(model);
}

/** Builds and encodes: the bytes of the ONNX file the text describes. */
export function buildOnnxFromText(text: string, options: BuildOptions = {}): Result<Uint8Array> {
  const model = buildModelFromText(text, options);
  if (!model.ok) return model;
  const bytes = encodeModel(model.value);
  if (!bytes.ok) return err(bytes.error.code, `cannot encode the model: ${bytes.error.message}`, options.path);
  return bytes;
}

export { writeFileAtomic } from '../../atomicWrite';
