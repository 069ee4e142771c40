// Arithmetic on dimensions that may be numbers, symbolic names or unknown (null).

import type { Dim, Shape } from '../onnx/ir';

export function isNum(d: Dim | undefined): d is number {
  return typeof d === 'number';
}

export function allNumeric(s: Shape | undefined): s is number[] {
  if (!s) return false;
  for (const d of s) if (typeof d !== 'number') return false;
  return true;
}

/** Two dims known to be equal (same number or same symbol). */
export function dimEq(a: Dim, b: Dim): boolean {
  return a !== null && a === b;
}

/** Numpy broadcasting of one dim pair: 1 yields to the other; a number beats a symbol; two symbols must agree. */
export function broadcastDim(a: Dim, b: Dim): Dim {
  if (a === 1) return b;
  if (b === 1) return a;
  if (a === b) return a;
  if (typeof a === 'number' && typeof b !== 'number') return a;
  if (typeof b === 'number' && typeof a !== 'number') return b;
  if (a === null || b === null) return null;
  return typeof a === 'number' ? Math.max(a, b as number) : null;
}

/** Multidirectional broadcast of any number of shapes; undefined when a rank is unknown. */
export function broadcastShapes(shapes: (Shape | undefined)[]): Shape | undefined {
  let rank = 0;
  for (const s of shapes) {
    if (!s) return undefined;
    if (s.length > rank) rank = s.length;
  }
  const out: Shape = new Array(rank).fill(1);
  for (const s of shapes) {
    const off = rank - s!.length;
    for (let i = 0; i < s!.length; i++) out[off + i] = broadcastDim(out[off + i], s![i]);
  }
  return out;
}

/** Product of dims: a number when all are numbers, else null (a lone symbol times 1s keeps the symbol). */
export function dimProduct(dims: Shape): Dim {
  let n = 1;
  let sym: Dim | undefined;
  for (const d of dims) {
    if (typeof d === 'number') n *= d;
    else if (d !== null && sym === undefined) sym = d;
    else return null;
  }
  if (sym !== undefined) return n === 1 ? sym : n === 0 ? 0 : null;
  return n;
}

export function mapNum(d: Dim, f: (x: number) => number): Dim {
  return typeof d === 'number' ? f(d) : null;
}

export function addDims(a: Dim, b: Dim): Dim {
  if (b === 0) return a;
  if (a === 0) return b;
  return typeof a === 'number' && typeof b === 'number' ? a + b : null;
}

export function mulDims(a: Dim, b: Dim): Dim {
  if (a === 1) return b;
  if (b === 1) return a;
  return typeof a === 'number' && typeof b === 'number' ? a * b : null;
}

/** Merges what two code paths may produce (If branches, loop iterations): agreeing dims stay, others become null. */
export function mergeShapes(a: Shape | undefined, b: Shape | undefined): Shape | undefined {
  if (!a || !b || a.length !== b.length) return undefined;
  return a.map((d, i) => (d === b[i] ? d : null));
}

/** Normalizes a possibly negative axis against a rank; undefined when out of range. */
export function normAxis(axis: number, rank: number): number | undefined {
  const a = axis < 0 ? axis + rank : axis;
  return a >= 0 && a < rank ? a : undefined;
}

export function shapeKey(s: Shape | undefined): string {
  return s ? `[${s.map((d) => (d === null ? '?' : d)).join(',')}]` : '?';
}
