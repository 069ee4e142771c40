// What "the outputs agree" means, in figures a user can judge: relative error (max |Δ| / max |ref|), SNR in dB,
// cosine and top-1 agreement per output; warnings when those figures cannot mean much (reference outputs near zero
// or the same for every input — signs of untrained weights — or random inputs instead of data); and a pass/fail
// verdict against thresholds the user can set. Shared by optimize --verify and split verification.

import type { Graph } from '../onnx/ir';

/** Reference outputs whose largest magnitude is below this are "near zero" (float32 noise dominates them). */
export const NEAR_ZERO_ABS = 1e-6;
/** An output whose elements change by less than this share of its magnitude between inputs ignores its input. */
const CONSTANT_SHARE = 1e-6;

export interface VerifyThresholds {
  /** Largest accepted max |Δ| / max |ref| per output. */
  maxRelativeError: number;
  /** Smallest accepted signal-to-noise ratio per output, in dB (10·log10(Σref² / Σ(ref−got)²)). */
  minSnrDb: number;
  /** Smallest accepted mean cosine similarity. */
  minCosine: number;
  /** Smallest accepted share of rows whose top-1 class agrees (checked only for class-like outputs). */
  minTop1Agreement: number;
}

/**
 * Defaults: an optimized model passes when its worst output keeps the error within 5% of the output's range and
 * 1% of its power (20 dB), points the same way (cosine 0.99) and picks the same class for 95% of inputs. fp16 and
 * int8 on trained models clear these; pruning or low-rank without fine-tuning usually does not.
 */
export const DEFAULT_THRESHOLDS: VerifyThresholds = { maxRelativeError: 0.05, minSnrDb: 20, minCosine: 0.99, minTop1Agreement: 0.95 };

/** Figures of one output over every input sample. */
export interface OutputAgreement {
  name: string;
  maxAbsError: number;
  /** max |Δ| / max |ref|: 0 when identical; Infinity when the reference is all zeros and the result is not. */
  relativeError: number;
  /** 10·log10(Σref² / Σ(ref−got)²); Infinity when identical, -Infinity when the reference is all zeros and the result is not. */
  snrDb: number;
  /** Mean cosine similarity over the samples (1 = same direction). */
  cosine: number;
  /** Largest |ref| over every sample. */
  referenceMaxAbs: number;
  /** Largest change of one reference element between input samples (0: the output ignores its input). */
  referenceVariation: number;
  samples: number;
  top1Matches?: number;
  top1Rows?: number;
}

/** Accumulates one output's figures sample by sample (reference first, result second). */
export class AgreementAccumulator {
  private maxAbs = 0;
  private refMax = 0;
  private refPower = 0;
  private errPower = 0;
  private cosSum = 0;
  private count = 0;
  private first: Float64Array | undefined;
  private variation = 0;
  private matches = 0;
  private rows = 0;
  private classLike: boolean;

  /** `classLike`: whether top-1 agreement means something for this output (see classLikeOutputs). */
  constructor(readonly name: string, classLike = true) {
    this.classLike = classLike;
  }

  add(ref: ArrayLike<number>, got: ArrayLike<number>, dims: readonly number[]): void {
    const n = Math.min(ref.length, got.length);
    let dot = 0, na = 0, nb = 0;
    for (let i = 0; i < n; i++) {
      const x = ref[i]!, y = got[i]!;
      const d = x - y;
      const ad = Math.abs(d);
      // NaN on either side (and not on both) is an infinite error, never a silently skipped element.
      if (Number.isNaN(ad)) {
        if (!(Number.isNaN(x) && Number.isNaN(y))) { this.maxAbs = Infinity; this.errPower = Infinity; }
        continue;
      }
      if (ad > this.maxAbs) this.maxAbs = ad;
      const ax = Math.abs(x);
      if (ax > this.refMax) this.refMax = ax;
      this.refPower += x * x;
      this.errPower += d * d;
      dot += x * y; na += x * x; nb += y * y;
    }
    if (ref.length !== got.length) { this.maxAbs = Infinity; this.errPower = Infinity; }
    this.cosSum += na === 0 && nb === 0 ? 1 : na === 0 || nb === 0 ? 0 : dot / Math.sqrt(na * nb);
    if (!this.first) this.first = Float64Array.from({ length: ref.length }, (_, i) => ref[i]!);
    else {
      const f = this.first;
      for (let i = 0; i < Math.min(f.length, ref.length); i++) {
        const v = Math.abs(ref[i]! - f[i]!);
        if (v > this.variation) this.variation = v;
      }
    }
    const classes = dims.length > 0 ? dims[dims.length - 1]! : 0;
    if (this.classLike && classes >= 2 && n % classes === 0 && ref.length === got.length) {
      const rows = n / classes;
      for (let r = 0; r < rows; r++) if (argmax(ref, r * classes, classes) === argmax(got, r * classes, classes)) this.matches++;
      this.rows += rows;
    } else {
      this.classLike = false;
    }
    this.count++;
  }

  result(): OutputAgreement {
    const relativeError = this.maxAbs === 0 ? 0 : this.refMax === 0 ? Infinity : this.maxAbs / this.refMax;
    const snrDb = this.errPower === 0 ? Infinity : this.refPower === 0 ? -Infinity : 10 * Math.log10(this.refPower / this.errPower);
    return {
      name: this.name, maxAbsError: this.maxAbs, relativeError, snrDb, cosine: this.count ? this.cosSum / this.count : 1,
      referenceMaxAbs: this.refMax, referenceVariation: this.variation, samples: this.count,
      ...(this.classLike && this.rows > 0 ? { top1Matches: this.matches, top1Rows: this.rows } : {}),
    };
  }
}

/**
 * Outputs whose last axis holds class scores, so top-1 agreement means something: a Softmax/LogSoftmax result, or a
 * rank-2 [batch, classes] output. Box regressions and feature maps (rank 3+, e.g. a detector's [1, 896, 16]
 * boxes) are not: the index of their largest coordinate is no class.
 */
export function classLikeOutputs(graph: Graph): Set<string> {
  const producer = new Map<string, string>();
  for (const n of graph.nodes) for (const o of n.outputs) if (o) producer.set(o, n.opType);
  const out = new Set<string>();
  for (const v of graph.outputs) {
    const op = producer.get(v.name);
    const rank = v.type.kind === 'tensor' && v.type.shape ? v.type.shape.length : undefined;
    if (op === 'Softmax' || op === 'LogSoftmax' || rank === 2) out.add(v.name);
  }
  return out;
}

function argmax(a: ArrayLike<number>, off: number, len: number): number {
  let best = 0, bv = -Infinity;
  for (let i = 0; i < len; i++) if (a[off + i]! > bv) { bv = a[off + i]!; best = i; }
  return best;
}

/** The whole model's figures: the worst output for error and SNR, the mean cosine, top-1 over every class-like row. */
export interface Agreement {
  maxAbsError: number;
  relativeError: number;
  snrDb: number;
  cosine: number;
  /** null when no output is class-like (last axis ≥ 2 classes). */
  top1Agreement: number | null;
  top1Rows: number;
  /** Largest |ref| over every output. */
  referenceMaxAbs: number;
  outputs: OutputAgreement[];
  /** Why the figures may mean little (near-zero or constant references, random inputs). */
  warnings: string[];
  verdict: Verdict;
}

export interface Verdict {
  pass: boolean;
  /** One phrase per failed criterion, e.g. "relative error 1.00 > 0.05". */
  failed: string[];
  thresholds: VerifyThresholds;
  /** Whether top-1 agreement was checked (some output is class-like). */
  top1Checked: boolean;
}

export interface InputsDescription {
  /** Seeded random inputs rather than real data. */
  random: boolean;
  count: number;
  /** What random inputs mean here and what to do about them (default: give real samples with --calibration). */
  remedy?: string;
}

export function summarizeAgreement(outputs: OutputAgreement[], inputs: InputsDescription, thresholds: VerifyThresholds = DEFAULT_THRESHOLDS): Agreement {
  let maxAbsError = 0, relativeError = 0, snrDb = Infinity, cosSum = 0, matches = 0, rows = 0, referenceMaxAbs = 0;
  for (const o of outputs) {
    maxAbsError = Math.max(maxAbsError, o.maxAbsError);
    relativeError = Math.max(relativeError, o.relativeError);
    snrDb = Math.min(snrDb, o.snrDb);
    cosSum += o.cosine;
    referenceMaxAbs = Math.max(referenceMaxAbs, o.referenceMaxAbs);
    if (o.top1Rows !== undefined) { matches += o.top1Matches!; rows += o.top1Rows; }
  }
  const cosine = outputs.length ? cosSum / outputs.length : 1;
  const top1Agreement = rows > 0 ? matches / rows : null;
  const warnings = agreementWarnings(outputs, inputs, top1Agreement !== null);
  const failed: string[] = [];
  const t = thresholds;
  if (!(relativeError <= t.maxRelativeError)) failed.push(`relative error ${formatRatio(relativeError)} > ${formatRatio(t.maxRelativeError)}`);
  if (!(snrDb >= t.minSnrDb)) failed.push(`SNR ${formatDb(snrDb)} < ${formatDb(t.minSnrDb)}`);
  if (!(cosine >= t.minCosine)) failed.push(`cosine ${formatCosine(cosine)} < ${t.minCosine}`);
  if (top1Agreement !== null && !(top1Agreement >= t.minTop1Agreement)) failed.push(`top-1 ${formatShare(top1Agreement)} < ${formatShare(t.minTop1Agreement)}`);
  return {
    maxAbsError, relativeError, snrDb, cosine, top1Agreement, top1Rows: rows, referenceMaxAbs, outputs, warnings,
    verdict: { pass: failed.length === 0, failed, thresholds: t, top1Checked: top1Agreement !== null },
  };
}

function agreementWarnings(outputs: OutputAgreement[], inputs: InputsDescription, classLike: boolean): string[] {
  const warnings: string[] = [];
  const nearZero = outputs.filter((o) => o.referenceMaxAbs < NEAR_ZERO_ABS);
  if (nearZero.length) {
    warnings.push(`reference output${nearZero.length > 1 ? 's' : ''} ${nearZero.map((o) => `'${o.name}' (max |ref| ${o.referenceMaxAbs.toExponential(2)})`).join(', ')} ` +
      `${nearZero.length > 1 ? 'are' : 'is'} near zero (< ${NEAR_ZERO_ABS.toExponential(0)}): the model looks untrained (random weights), so its errors are measured against noise — verify a trained model`);
  }
  const constant = inputs.count >= 2 ? outputs.filter((o) => !nearZero.includes(o) && o.referenceVariation <= CONSTANT_SHARE * o.referenceMaxAbs) : [];
  if (constant.length) {
    warnings.push(`reference output${constant.length > 1 ? 's' : ''} ${constant.map((o) => `'${o.name}'`).join(', ')} ${constant.length > 1 ? 'are' : 'is'} the same for all ${inputs.count} inputs: ` +
      'the model ignores its input (untrained or constant weights), so agreement on it says nothing about accuracy');
  }
  if (inputs.random) {
    warnings.push(`measured on ${inputs.count} seeded random input${inputs.count === 1 ? '' : 's'}, not data: ` +
      (inputs.remedy ?? `${classLike ? 'top-1 agreement and ' : ''}errors on noise can differ from those on real inputs — give real samples (--calibration DIR of .npy/.pb files)`));
  }
  return warnings;
}

export function formatRatio(x: number): string {
  if (!Number.isFinite(x)) return x > 0 ? '∞' : '-∞';
  if (x === 0) return '0';
  return x >= 0.01 && x < 1000 ? x.toFixed(x < 0.1 ? 4 : 3).replace(/\.?0+$/, '') : x.toExponential(2);
}

export function formatDb(x: number): string {
  return Number.isFinite(x) ? `${x.toFixed(1)} dB` : x > 0 ? '∞ dB (identical)' : '-∞ dB';
}

export function formatCosine(x: number): string {
  return x === 1 ? '1' : x.toFixed(6);
}

export function formatShare(x: number): string {
  return `${(100 * x).toFixed(1)}%`;
}

export type AgreementFigures = Pick<Agreement, 'relativeError' | 'maxAbsError' | 'referenceMaxAbs' | 'snrDb' | 'cosine' | 'top1Agreement'> & { top1Rows?: number };

/** The figures of an agreement in one line: what the CLI and the panels print. */
export function agreementLine(a: AgreementFigures): string {
  return `relative error ${formatRatio(a.relativeError)} (max |Δ| ${a.maxAbsError.toExponential(3)} / max |ref| ${a.referenceMaxAbs.toExponential(3)}), ` +
    `SNR ${formatDb(a.snrDb)}, cosine ${formatCosine(a.cosine)}` +
    (a.top1Agreement === null ? '' : `, top-1 agreement ${formatShare(a.top1Agreement)}${a.top1Rows ? ` of ${a.top1Rows} rows` : ''}`);
}

/** "PASS" or "FAIL — what failed", against which thresholds. */
export function verdictLine(v: Verdict): string {
  const t = v.thresholds;
  const against = `relative error ≤ ${formatRatio(t.maxRelativeError)}, SNR ≥ ${formatDb(t.minSnrDb)}, cosine ≥ ${t.minCosine}` +
    (v.top1Checked ? `, top-1 ≥ ${formatShare(t.minTop1Agreement)}` : '; no class-like output, so no top-1 check');
  return v.pass ? `PASS (${against})` : `FAIL: ${v.failed.join(', ')} (thresholds: ${against})`;
}

/** Thresholds from partial settings (unset or invalid fields keep the default). */
export function thresholdsFrom(partial: Partial<Record<keyof VerifyThresholds, unknown>> | undefined): VerifyThresholds {
  const t = { ...DEFAULT_THRESHOLDS };
  if (!partial) return t;
  for (const k of Object.keys(t) as (keyof VerifyThresholds)[]) {
    const v = partial[k];
    if (typeof v === 'number' && Number.isFinite(v)) t[k] = v;
  }
  return t;
}

/** JSON for figures that may be infinite: ±Infinity as the strings "Infinity"/"-Infinity" instead of null. */
export function jsonNumbers(_key: string, value: unknown): unknown {
  if (typeof value === 'number' && !Number.isFinite(value)) return Number.isNaN(value) ? 'NaN' : value > 0 ? 'Infinity' : '-Infinity';
  return value;
}

/** JSON.parse reviver undoing jsonNumbers for the figures that can be infinite. */
export function reviveNumbers(key: string, value: unknown): unknown {
  if ((key === 'snrDb' || key === 'relativeError' || key === 'maxAbsError' || key === 'minSnrDb') && typeof value === 'string') {
    return value === 'Infinity' ? Infinity : value === '-Infinity' ? -Infinity : value === 'NaN' ? NaN : value;
  }
  return value;
}
