// Least-squares fits for calibration: time = slope x work + intercept, weighted by relative error so small and
// large benchmarks count alike.

export interface LinearFit {
  slope: number;
  intercept: number;
  /** Mean |fitted - measured| / measured over the points. */
  meanRelError: number;
}

/** Fits t ≈ slope·x + intercept with slope > 0 and intercept ≥ 0, minimizing Σ((fit − t)/t)². */
export function fitLinear(points: { x: number; t: number }[]): LinearFit {
  const pts = points.filter((p) => p.t > 0 && p.x >= 0);
  if (pts.length === 0) return { slope: 0, intercept: 0, meanRelError: 0 };
  let sw = 0, sx = 0, st = 0, sxx = 0, sxt = 0;
  for (const { x, t } of pts) {
    const w = 1 / Math.max(t, 0.002) ** 2;
    sw += w; sx += w * x; st += w * t; sxx += w * x * x; sxt += w * x * t;
  }
  const det = sw * sxx - sx * sx;
  let slope = det !== 0 ? (sw * sxt - sx * st) / det : 0;
  let intercept = det !== 0 ? (st - slope * sx) / sw : st / sw;
  if (intercept < 0 || det === 0) {
    intercept = 0;
    slope = sxx > 0 ? sxt / sxx : 0;
  }
  if (slope <= 0) {
    slope = 0;
    intercept = st / sw;
  }
  const meanRelError = pts.reduce((a, p) => a + Math.abs(slope * p.x + intercept - p.t) / p.t, 0) / pts.length;
  return { slope, intercept, meanRelError };
}

export interface PlaneFit {
  /** ms per op, ms per byte, ms per node. */
  perOp: number;
  perByte: number;
  intercept: number;
  meanRelError: number;
}

/**
 * Fits t ≈ perOp·ops + perByte·bytes + intercept with every coefficient ≥ 0 (relative-error weighting): the
 * unconstrained solution when it is non-negative, else the best fit over the subsets of terms.
 */
export function fitPlane(points: { ops: number; bytes: number; t: number }[], fixedIntercept?: number): PlaneFit {
  const c0 = fixedIntercept ?? 0;
  // With a fixed intercept, fit the remainder; weights still use the whole time so relative error is what counts.
  const pts = points.filter((p) => p.t > 0).map((p) => ({ ...p, r: p.t - c0 }));
  const terms: ((p: { ops: number; bytes: number }) => number)[] = [(p) => p.ops, (p) => p.bytes, () => 1];
  const candidates = fixedIntercept === undefined ? [7, 3, 5, 6, 1, 2, 4] : [3, 1, 2];
  let best: PlaneFit = { perOp: 0, perByte: 0, intercept: c0, meanRelError: Infinity };
  let bestL2 = Infinity;
  for (const mask of candidates) {
    const use = [0, 1, 2].filter((i) => mask & (1 << i));
    const coef = solveWeighted(pts, use.map((i) => terms[i]!));
    if (!coef || coef.some((c) => c < 0)) continue;
    const full = [0, 0, c0];
    use.forEach((i, k) => (full[i] = coef[k]!));
    const rel = pts.map((p) => (full[0]! * p.ops + full[1]! * p.bytes + full[2]! - p.t) / p.t);
    const l2 = rel.reduce((a, x) => a + x * x, 0);
    if (l2 < bestL2 - 1e-12) {
      bestL2 = l2;
      best = { perOp: full[0]!, perByte: full[1]!, intercept: full[2]!, meanRelError: rel.reduce((a, x) => a + Math.abs(x), 0) / rel.length };
    }
  }
  if (!Number.isFinite(best.meanRelError)) best.meanRelError = 0;
  return best;
}

/** Weighted least squares (weights 1/t²) by normal equations and Gaussian elimination; undefined if singular. */
function solveWeighted<P extends { t: number; r: number }>(pts: P[], fs: ((p: P) => number)[]): number[] | undefined {
  const n = fs.length;
  if (pts.length < n) return undefined;
  const A = Array.from({ length: n }, () => new Array<number>(n + 1).fill(0));
  for (const p of pts) {
    // Relative-error weights, floored at 2 µs so a sub-microsecond timing cannot dominate the fit.
    const w = 1 / Math.max(p.t, 0.002) ** 2;
    const v = fs.map((f) => f(p));
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) A[i]![j]! += w * v[i]! * v[j]!;
      A[i]![n]! += w * v[i]! * p.r;
    }
  }
  for (let c = 0; c < n; c++) {
    let piv = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(A[r]![c]!) > Math.abs(A[piv]![c]!)) piv = r;
    if (Math.abs(A[piv]![c]!) < 1e-300) return undefined;
    [A[c], A[piv]] = [A[piv]!, A[c]!];
    for (let r = 0; r < n; r++) {
      if (r === c) continue;
      const f = A[r]![c]! / A[c]![c]!;
      for (let k = c; k <= n; k++) A[r]![k]! -= f * A[c]![k]!;
    }
  }
  return A.map((row, i) => row[n]! / row[i]!);
}
