// Leave-one-out: every point predicted by a fit that never saw it (nor the other points measuring the same model,
// `group`), and the intervals built from those held-out residuals.

import { fitProfile, predictLatencyMs, type FitOptions, type FitPoint, type FitPrior, type FittedParams } from './fit';

export interface LooPoint {
  id: string;
  group: string;
  measuredMs: number;
  predictedMs: number;
  /** 100 × (predicted / measured − 1). */
  errorPct: number;
  /** log(measured / predicted). */
  logResidual: number;
  measuredMj?: number;
  predictedMj?: number;
  energyErrorPct?: number;
  energyLogResidual?: number;
}

export interface ErrorSummary {
  points: number;
  medianAbsErrorPct: number;
  worstAbsErrorPct: number;
  /** Points whose |error| is at most 35%. */
  within35Pct: number;
  /** Root mean square of the log residuals (the spread intervals are built from). */
  logRms: number;
}

export interface LooResult {
  points: LooPoint[];
  latency: ErrorSummary;
  energy?: ErrorSummary;
}

/** A fixed prior, or one recomputed without the held-out points (a family fit that must not see them either). */
export type PriorFor = FitPrior | ((heldOut: ReadonlySet<string>) => FitPrior);

/** Leave-one-out over `points`, holding out each `group` (default: each point) in turn. */
export function leaveOneOut(points: readonly FitPoint[], prior: PriorFor, options: FitOptions = {}): LooResult {
  const groups = new Map<string, FitPoint[]>();
  for (const p of points) {
    const g = p.group ?? p.id;
    const list = groups.get(g);
    if (list) list.push(p);
    else groups.set(g, [p]);
  }
  const out: LooPoint[] = [];
  for (const [g, held] of groups) {
    const ids = new Set(held.map((p) => p.id));
    const rest = points.filter((p) => !ids.has(p.id));
    const pr = typeof prior === 'function' ? prior(ids) : prior;
    const fit = fitProfile(rest, pr, options);
    for (const p of held) out.push(looPoint(p, g, fit));
  }
  const byId = new Map(out.map((p) => [p.id, p]));
  const ordered = points.map((p) => byId.get(p.id)!);
  const energy = ordered.filter((p) => p.energyErrorPct !== undefined);
  return {
    points: ordered,
    latency: summarize(ordered.map((p) => p.errorPct), ordered.map((p) => p.logResidual)),
    ...(energy.length > 0 ? { energy: summarize(energy.map((p) => p.energyErrorPct!), energy.map((p) => p.energyLogResidual!)) } : {}),
  };
}

/** The held-out prediction of one point from a fit that did not see it. */
export function looPoint(p: FitPoint, group: string, fit: FittedParams): LooPoint {
  // A held-out point of a version the fit saw is timed at that version's speed; an unseen version at the newest's.
  const predictedMs = predictLatencyMs(p.features, fit.params) * Math.exp(p.version !== undefined ? fit.versionOffsets?.[p.version] ?? 0 : 0);
  const lp: LooPoint = {
    id: p.id, group, measuredMs: p.latencyMs, predictedMs,
    errorPct: 100 * (predictedMs / p.latencyMs - 1),
    logResidual: Math.log(p.latencyMs / predictedMs),
  };
  if (p.energyMj !== undefined && fit.powerW !== undefined) {
    const predictedMj = fit.powerW * predictedMs;
    lp.measuredMj = p.energyMj;
    lp.predictedMj = predictedMj;
    lp.energyErrorPct = 100 * (predictedMj / p.energyMj - 1);
    lp.energyLogResidual = Math.log(p.energyMj / predictedMj);
  }
  return lp;
}

export function summarize(errorsPct: readonly number[], logResiduals: readonly number[]): ErrorSummary {
  const abs = errorsPct.map(Math.abs).sort((a, b) => a - b);
  return {
    points: abs.length,
    medianAbsErrorPct: median(abs),
    worstAbsErrorPct: abs.length > 0 ? abs[abs.length - 1]! : 0,
    within35Pct: abs.filter((e) => e <= 35).length,
    logRms: abs.length > 0 ? Math.sqrt(logResiduals.reduce((s, r) => s + r * r, 0) / logResiduals.length) : 0,
  };
}

export function median(sorted: readonly number[]): number {
  if (sorted.length === 0) return 0;
  const m = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[m]! : (sorted[m - 1]! + sorted[m]!) / 2;
}

/** Two-sided z of a central interval (0.8 → 1.2816), by bisection on the normal CDF. */
export function zOf(level: number): number {
  const cdf = (x: number) => 0.5 * (1 + erf(x / Math.SQRT2));
  let lo = 0;
  let hi = 10;
  for (let i = 0; i < 80; i++) {
    const mid = (lo + hi) / 2;
    if (cdf(mid) - cdf(-mid) < level) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

function erf(x: number): number {
  // Abramowitz & Stegun 7.1.26 (|error| < 1.5e-7), enough for an interval's z.
  const s = Math.sign(x);
  const a = Math.abs(x);
  const t = 1 / (1 + 0.3275911 * a);
  const y = 1 - (((((1.061405429 * t - 1.453152027) * t) + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.exp(-a * a);
  return s * y;
}

/**
 * The log spread of an interval: the held-out residuals' root mean square, shrunk toward `fallbackLogSpread` (the
 * family's) as if that were `pseudoPoints` more residuals — few points give a spread near the family's, many their own.
 */
export function shrunkLogSpread(logResiduals: readonly number[], fallbackLogSpread: number, pseudoPoints = 3): number {
  const ss = logResiduals.reduce((s, r) => s + r * r, 0);
  return Math.sqrt((ss + pseudoPoints * fallbackLogSpread ** 2) / (logResiduals.length + pseudoPoints));
}

/** [lo, hi] around a value for a log spread at a central level (default 80%). */
export function rangeOf(value: number, logSpread: number, level = 0.8): [number, number] {
  const k = Math.exp(zOf(level) * logSpread);
  return [value / k, value * k];
}
