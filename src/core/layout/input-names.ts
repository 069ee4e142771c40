// Formal input names per op (Conv → X, W, B) from the bundled ONNX schemas, for labelling weights inside boxes.

import schemas from '../onnx/schemas/operator-schemas.json';
import { TFLITE_INPUT_NAMES } from '../tflite/ops';

interface SchemaEntry {
  domain: string;
  name: string;
  sinceVersion: number;
  inputs: { name: string; option?: string }[];
}

let cache: Map<string, string[]> | undefined;

/** Input names of the newest schema of `opType` in the default domain ('' if the op is not in the table). */
export function formalInputName(opType: string, index: number): string {
  if (!cache) {
    cache = new Map();
    const best = new Map<string, number>();
    for (const s of (schemas as { schemas: SchemaEntry[] }).schemas) {
      if (s.domain !== '' && s.domain !== 'ai.onnx') continue;
      if ((best.get(s.name) ?? -1) > s.sinceVersion) continue;
      best.set(s.name, s.sinceVersion);
      cache.set(s.name, s.inputs.map((i) => i.name));
    }
  }
  // TFLite builtin names (CONV_2D) are upper-case, so they never collide with ONNX's (Conv).
  const names = cache.get(opType) ?? TFLITE_INPUT_NAMES[opType];
  if (!names || names.length === 0) return '';
  if (index < names.length) return names[index]!;
  // Extra inputs belong to a variadic last parameter (Concat's `inputs`).
  return names[names.length - 1]!;
}
