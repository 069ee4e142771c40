// Agreement figures between two models' outputs: max abs error, cosine similarity, top-1 agreement, medians.

export interface OutputComparison {
  maxAbsError: number;
  /** Cosine similarity of the flattened outputs (1 = same direction). */
  cosine: number;
  /** Rows (last axis = classes) whose argmax matches; undefined when the output is not class-like. */
  top1Matches?: number;
  top1Rows?: number;
}

export function compareOutputs(a: ArrayLike<number>, b: ArrayLike<number>, dims: readonly number[]): OutputComparison {
  let maxAbs = 0, dot = 0, na = 0, nb = 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a[i]!, y = b[i]!;
    const d = Math.abs(x - y);
    if (d > maxAbs || Number.isNaN(d)) maxAbs = Number.isNaN(d) ? Infinity : d;
    dot += x * y; na += x * x; nb += y * y;
  }
  if (a.length !== b.length) maxAbs = Infinity;
  const cosine = na === 0 && nb === 0 ? 1 : na === 0 || nb === 0 ? 0 : dot / Math.sqrt(na * nb);
  const out: OutputComparison = { maxAbsError: maxAbs, cosine };
  const classes = dims.length > 0 ? dims[dims.length - 1]! : 0;
  if (classes >= 2 && n % classes === 0 && a.length === b.length) {
    let matches = 0;
    const rows = n / classes;
    for (let r = 0; r < rows; r++) if (argmax(a, r * classes, classes) === argmax(b, r * classes, classes)) matches++;
    out.top1Matches = matches;
    out.top1Rows = rows;
  }
  return out;
}

function argmax(a: ArrayLike<number>, off: number, len: number): number {
  let best = 0, bv = -Infinity;
  for (let i = 0; i < len; i++) if (a[off + i]! > bv) { bv = a[off + i]!; best = i; }
  return best;
}

export function median(xs: number[]): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((p, q) => p - q);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}
