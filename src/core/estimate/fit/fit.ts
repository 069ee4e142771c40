// Regularised (MAP) least squares in log space: Levenberg–Marquardt on log(predicted / measured) latency with a
// Gaussian prior on every parameter, so a profile with few points stays near its prior (its core family's fit).

import { fromVector, PARAM_COUNT, PARAM_NAMES, predictMs, toVector, type FitFeatures, type FitParams, type ParamName } from './model';

/** One measured inference: the graph's features, the measured latency and, when published, energy. */
export interface FitPoint {
  id: string;
  features: FitFeatures;
  latencyMs: number;
  energyMj?: number;
  /** Points that measure the same model (several submissions of one benchmark): leave-one-out holds them out together. */
  group?: string;
  /** Runtime version measured (with FitPrior.versionSd, each version gets its own speed offset). */
  version?: string;
}

/** Gaussian prior in log space: mean and standard deviation per parameter, and on the log of the active power (W). */
export interface FitPrior {
  mean: FitParams;
  sd: FitParams;
  logPowerW?: { mean: number; sd: number };
  /**
   * A shift the listed parameters share, with its own sd: a board that is faster than its family is faster in every
   * kernel, so the efficiencies may move together more easily than apart (prior covariance sd² I + common² 11ᵀ).
   */
  common?: { params: ParamName[]; sd: number };
  /**
   * Sd of a per-runtime-version log speed offset (X-CUBE-AI 7.1 → 9.0 ran the same model 2.7× faster): with points of
   * two or more versions, each version's latencies scale by exp(offset), and the returned parameters describe the
   * newest version (the others' offsets relative to it in `versionOffsets`).
   */
  versionSd?: number;
}

export interface FitOptions {
  /** Standard deviation of one measurement's log latency around the model (default 0.2, about ±20%). */
  obsSd?: number;
  maxIterations?: number;
}

export interface FittedParams {
  params: FitParams;
  /** Points the parameters were fitted to (0: the prior mean). */
  points: number;
  /** In-sample root mean square of log(measured / predicted). */
  logRms: number;
  iterations: number;
  /** Active power (W) such that energyMj = powerW × latencyMs, fitted to the points with energy (else the prior). */
  powerW?: number;
  energyPoints: number;
  /** The version `params` describe, and every fitted version's log offset from it (latency × exp(offset)). */
  referenceVersion?: string;
  versionOffsets?: Record<string, number>;
}

const DEFAULT_OBS_SD = 0.2;

/**
 * Numeric parts of a version string: a dotted number ("8.1.0" → [8, 1, 0], "Plumerai 2023.05" → [2023, 5]) or a
 * year ("(2022)" → [2022]); [] when it has neither (a commit hash or a description does not order).
 */
export function versionParts(v: string): number[] {
  const m = v.match(/\d+\.\d+(?:\.\d+)*/) ?? v.match(/\b(?:19|20)\d\d\b/);
  return m ? m[0].split('.').map(Number) : [];
}

/** The newest of some version strings by their numeric parts (ties: the later in the list). */
export function newestVersion(versions: readonly string[]): string {
  const cmp = (a: number[], b: number[]) => {
    for (let i = 0; i < Math.max(a.length, b.length); i++) if ((a[i] ?? -1) !== (b[i] ?? -1)) return (a[i] ?? -1) - (b[i] ?? -1);
    return 0;
  };
  return versions.reduce((best, v) => (cmp(versionParts(v), versionParts(best)) >= 0 ? v : best));
}

/** MAP fit of the latency parameters (and the power, when the prior has one) to the points. */
export function fitProfile(points: readonly FitPoint[], prior: FitPrior, options: FitOptions = {}): FittedParams {
  const obsW = 1 / (options.obsSd ?? DEFAULT_OBS_SD) ** 2;
  const usable = points.filter((p) => p.latencyMs > 0);
  // Version offsets only when the prior asks for them and the points span two or more versions.
  // Only versions that all order (every point has one with numbers in it): descriptions are not versions.
  const versions = prior.versionSd ? [...new Set(usable.map((p) => p.version ?? ''))] : [];
  const ordered = versions.length >= 2 && versions.every((v) => versionParts(v).length > 0);
  const V = ordered ? versions.length : 0;
  const vIndex = usable.map((p) => (V > 0 && p.version !== undefined ? PARAM_COUNT + versions.indexOf(p.version) : -1));
  const n = PARAM_COUNT + V;
  const mu = [...toVector(prior.mean), ...new Array<number>(V).fill(0)];
  const P7 = priorPrecision(prior);
  const P = Array.from({ length: n }, (_, a) => Array.from({ length: n }, (_, c) => (a < PARAM_COUNT && c < PARAM_COUNT ? P7[a]![c]! : a === c ? 1 / prior.versionSd! ** 2 : 0)));
  const logY = usable.map((p) => Math.log(p.latencyMs));
  const grad = new Array<number>(PARAM_COUNT).fill(0);
  const logPred = (i: number, theta: number[], g?: number[]) =>
    Math.log(predictMs(usable[i]!.features, theta, g)) + (vIndex[i]! >= 0 ? theta[vIndex[i]!]! : 0);

  const objective = (theta: number[]): number => {
    let s = 0;
    usable.forEach((_, i) => { const r = logPred(i, theta) - logY[i]!; s += obsW * r * r; });
    for (let a = 0; a < n; a++) for (let c = 0; c < n; c++) s += (theta[a]! - mu[a]!) * P[a]![c]! * (theta[c]! - mu[c]!);
    return s;
  };

  let theta = [...mu];
  let f = objective(theta);
  let lambda = 1e-3;
  let iterations = 0;
  const maxIt = options.maxIterations ?? 200;
  for (; iterations < maxIt && usable.length > 0; iterations++) {
    // Normal equations of the linearised problem: (JᵀWJ + P + λ·diag) δ = −(JᵀW r + P(θ − μ)).
    const A = Array.from({ length: n }, () => new Array<number>(n).fill(0));
    const b = new Array<number>(n).fill(0);
    usable.forEach((p, i) => {
      const pred = predictMs(p.features, theta, grad);
      const r = Math.log(pred) + (vIndex[i]! >= 0 ? theta[vIndex[i]!]! : 0) - logY[i]!;
      const J = [...grad.map((g) => g / pred), ...new Array<number>(V).fill(0)];
      if (vIndex[i]! >= 0) J[vIndex[i]!] = 1;
      for (let a = 0; a < n; a++) {
        if (J[a] === 0) continue;
        b[a]! -= obsW * J[a]! * r;
        for (let c = 0; c < n; c++) A[a]![c]! += obsW * J[a]! * J[c]!;
      }
    });
    for (let a = 0; a < n; a++) {
      for (let c = 0; c < n; c++) {
        A[a]![c]! += P[a]![c]!;
        b[a]! -= P[a]![c]! * (theta[c]! - mu[c]!);
      }
    }
    let improved = false;
    for (let tries = 0; tries < 20; tries++) {
      const M = A.map((row, a) => row.map((v, c) => (a === c ? v * (1 + lambda) : v)));
      const delta = solve(M, b);
      const next = theta.map((t, j) => t + delta[j]!);
      const fn = objective(next);
      if (fn < f) {
        const gain = f - fn;
        theta = next;
        f = fn;
        lambda = Math.max(lambda / 3, 1e-9);
        improved = true;
        if (gain < 1e-10 * Math.max(1, f)) iterations = maxIt; // converged
        break;
      }
      lambda *= 4;
    }
    if (!improved) break;
  }

  let ss = 0;
  usable.forEach((_, i) => { ss += (logPred(i, theta) - logY[i]!) ** 2; });
  const withEnergy = usable.filter((p) => p.energyMj !== undefined && p.energyMj > 0);
  const power = prior.logPowerW ? fitLogPower(withEnergy, prior.logPowerW, options.obsSd ?? DEFAULT_OBS_SD) : undefined;
  // Every latency term scales with exp(offset): the newest version's offset folds into the parameters exactly.
  const base = theta.slice(0, PARAM_COUNT);
  let version: { referenceVersion: string; versionOffsets: Record<string, number> } | undefined;
  if (V > 0) {
    const ref = newestVersion(versions);
    const o = theta[PARAM_COUNT + versions.indexOf(ref)]!;
    base[0]! -= o; base[1]! -= o; base[2]! -= o; base[3]! -= o;
    base[4]! += o; base[5]! += o; base[6]! += o;
    version = { referenceVersion: ref, versionOffsets: Object.fromEntries(versions.map((v, k) => [v, theta[PARAM_COUNT + k]! - o])) };
  }
  return {
    params: fromVector(base),
    points: usable.length,
    logRms: usable.length > 0 ? Math.sqrt(ss / usable.length) : 0,
    iterations,
    ...(power !== undefined ? { powerW: Math.exp(power) } : {}),
    energyPoints: withEnergy.length,
    ...(version ?? {}),
  };
}

/** The prior's precision matrix: the inverse of diag(sd²) + common² vvᵀ (v marks the shared parameters). */
export function priorPrecision(prior: FitPrior): number[][] {
  const sd = toVector(prior.sd);
  const n = PARAM_COUNT;
  const cov = Array.from({ length: n }, (_, a) => Array.from({ length: n }, (_, c) => (a === c ? sd[a]! ** 2 : 0)));
  if (prior.common) {
    const idx = prior.common.params.map((name) => PARAM_NAMES.indexOf(name));
    for (const a of idx) for (const c of idx) cov[a]![c]! += prior.common.sd ** 2;
  }
  // Invert column by column (7×7, positive definite).
  const inv = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  for (let c = 0; c < n; c++) {
    const e = Array.from({ length: n }, (_, i) => (i === c ? 1 : 0));
    const x = solve(cov.map((r) => [...r]), e);
    for (let a = 0; a < n; a++) inv[a]![c] = x[a]!;
  }
  return inv;
}

/** Conjugate Gaussian update of log(energy / latency) = log power: closed form. */
function fitLogPower(points: readonly FitPoint[], prior: { mean: number; sd: number }, obsSd: number): number {
  const wObs = 1 / obsSd ** 2;
  const wPrior = 1 / prior.sd ** 2;
  let num = prior.mean * wPrior;
  let den = wPrior;
  for (const p of points) {
    num += wObs * Math.log(p.energyMj! / p.latencyMs);
    den += wObs;
  }
  return num / den;
}

/** The fitted latency of a graph. */
export function predictLatencyMs(features: FitFeatures, params: FitParams): number {
  return predictMs(features, toVector(params));
}

/** Gaussian elimination with partial pivoting (the systems are 7×7 and well conditioned by the prior). */
function solve(A: number[][], b: number[]): number[] {
  const n = b.length;
  const M = A.map((row, i) => [...row, b[i]!]);
  for (let c = 0; c < n; c++) {
    let piv = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(M[r]![c]!) > Math.abs(M[piv]![c]!)) piv = r;
    [M[c], M[piv]] = [M[piv]!, M[c]!];
    const d = M[c]![c]!;
    if (d === 0) continue;
    for (let r = c + 1; r < n; r++) {
      const k = M[r]![c]! / d;
      if (k === 0) continue;
      for (let j = c; j <= n; j++) M[r]![j]! -= k * M[c]![j]!;
    }
  }
  const x = new Array<number>(n).fill(0);
  for (let r = n - 1; r >= 0; r--) {
    let s = M[r]![n]!;
    for (let j = r + 1; j < n; j++) s -= M[r]![j]! * x[j]!;
    x[r] = M[r]![r]! === 0 ? 0 : s / M[r]![r]!;
  }
  return x;
}
