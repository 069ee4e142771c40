// Op type → family (conv, matmul, activation, ...) and its colour, read from the op-categories.json table.

import table from './op-categories.json';
import { TFLITE_CATEGORIES } from '../tflite/ops';

export type OpCategory =
  | 'conv' | 'matmul' | 'recurrent' | 'activation' | 'norm' | 'pooling' | 'data' | 'elementwise' | 'control'
  | 'quantization' | 'constant' | 'other';

const byOp = new Map<string, OpCategory>();
for (const [category, ops] of Object.entries(table.ops)) for (const op of ops) byOp.set(op, category as OpCategory);
// TFLite builtins keep their names (CONV_2D): their families come from the TFLite reader's table.
for (const [category, ops] of Object.entries(TFLITE_CATEGORIES)) for (const op of ops) if (!byOp.has(op)) byOp.set(op, category as OpCategory);

export function opCategory(opType: string): OpCategory {
  return byOp.get(opType) ?? 'other';
}

export const CATEGORY_COLORS: Readonly<Record<OpCategory, string>> = table.colors as Record<OpCategory, string>;
export const CATEGORY_LABELS: Readonly<Record<OpCategory, string>> = table.labels as Record<OpCategory, string>;
export const CATEGORIES = Object.keys(table.colors) as OpCategory[];
