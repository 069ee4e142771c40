// The filter's classifier: logistic regression or a one-hidden-layer MLP on standardized features, trained by
// full-batch Adam from a seeded start; a held-out split; the threshold chosen on out-of-fold scores of the training
// split so that it meets the target recall of non-redundant inputs before the held-out split is ever looked at.

import { seededNormal, seededRandom } from '../random';

export type ModelKind = 'logistic' | 'mlp';

export interface Classifier {
  kind: ModelKind;
  /** Feature standardization: z = (f − mean) / std. */
  mean: number[];
  std: number[];
  /** logistic: w1 is [k][1]; mlp: w1 [k][hidden], then w2 [hidden][1]. */
  w1: number[][];
  b1: number[];
  w2?: number[][];
  b2?: number[];
}

export interface TrainOptions {
  kind: ModelKind;
  seed: number;
  hidden?: number;
  epochs?: number;
  l2?: number;
}

const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));

/** Score in (0, 1): the filter's belief that the input is NOT redundant (the model must run). */
export function predict(c: Classifier, f: number[]): number {
  const z = f.map((v, i) => (v - c.mean[i]!) / c.std[i]!);
  const h = c.b1.map((b, j) => z.reduce((s, v, i) => s + v * c.w1[i]![j]!, b));
  if (c.kind === 'logistic') return sigmoid(h[0]!);
  const r = h.map((v) => Math.max(0, v));
  return sigmoid(r.reduce((s, v, j) => s + v * c.w2![j]![0]!, c.b2![0]!));
}

/** Trains on features `X` with labels `y` (1 = not redundant). Positives are weighted to balance the classes. */
export function train(X: number[][], y: number[], o: TrainOptions): Classifier {
  const k = X[0]!.length, n = X.length;
  const mean = Array.from({ length: k }, (_, i) => X.reduce((s, r) => s + r[i]!, 0) / n);
  const std = Array.from({ length: k }, (_, i) => Math.sqrt(X.reduce((s, r) => s + (r[i]! - mean[i]!) ** 2, 0) / n) || 1);
  const Z = X.map((r) => r.map((v, i) => (v - mean[i]!) / std[i]!));
  const pos = y.reduce((a, b) => a + b, 0);
  const wPos = pos > 0 && pos < n ? n / (2 * pos) : 1, wNeg = pos > 0 && pos < n ? n / (2 * (n - pos)) : 1;
  const hidden = o.kind === 'mlp' ? o.hidden ?? 8 : 1;
  const normal = seededNormal(o.seed);
  const w1 = Array.from({ length: k }, () => Array.from({ length: hidden }, () => (o.kind === 'mlp' ? normal() * Math.sqrt(2 / k) : 0)));
  const b1 = new Array<number>(hidden).fill(0);
  const w2 = o.kind === 'mlp' ? Array.from({ length: hidden }, () => [normal() * Math.sqrt(1 / hidden)]) : undefined;
  const b2 = o.kind === 'mlp' ? [0] : undefined;
  const params: number[][] = [...w1, b1, ...(w2 ?? []), ...(b2 ? [b2] : [])];
  const m = params.map((p) => p.map(() => 0)), v = params.map((p) => p.map(() => 0));
  const epochs = o.epochs ?? (o.kind === 'mlp' ? 1500 : 800);
  const l2 = o.l2 ?? 1e-3, lr = 0.02, beta1 = 0.9, beta2 = 0.999;
  for (let t = 1; t <= epochs; t++) {
    const gw1 = w1.map((r) => r.map(() => 0)), gb1 = b1.map(() => 0);
    const gw2 = w2?.map((r) => r.map(() => 0)), gb2 = b2?.map(() => 0);
    let wsum = 0;
    for (let s = 0; s < n; s++) {
      const z = Z[s]!, ys = y[s]!, ws = ys ? wPos : wNeg;
      wsum += ws;
      const h = b1.map((b, j) => z.reduce((acc, val, i) => acc + val * w1[i]![j]!, b));
      if (o.kind === 'logistic') {
        const d = (sigmoid(h[0]!) - ys) * ws;
        for (let i = 0; i < k; i++) gw1[i]![0]! += d * z[i]!;
        gb1[0]! += d;
      } else {
        const r = h.map((val) => Math.max(0, val));
        const d = (sigmoid(r.reduce((acc, val, j) => acc + val * w2![j]![0]!, b2![0]!)) - ys) * ws;
        gb2![0]! += d;
        for (let j = 0; j < hidden; j++) {
          gw2![j]![0]! += d * r[j]!;
          if (h[j]! <= 0) continue;
          const dh = d * w2![j]![0]!;
          gb1[j]! += dh;
          for (let i = 0; i < k; i++) gw1[i]![j]! += dh * z[i]!;
        }
      }
    }
    const grads: number[][] = [...gw1, gb1, ...(gw2 ?? []), ...(gb2 ? [gb2] : [])];
    params.forEach((p, pi) => {
      const isWeight = pi < k || (w2 !== undefined && pi > k && pi <= k + hidden);
      p.forEach((val, j) => {
        const g = grads[pi]![j]! / wsum + (isWeight ? l2 * val : 0);
        m[pi]![j] = beta1 * m[pi]![j]! + (1 - beta1) * g;
        v[pi]![j] = beta2 * v[pi]![j]! + (1 - beta2) * g * g;
        const mh = m[pi]![j]! / (1 - beta1 ** t), vh = v[pi]![j]! / (1 - beta2 ** t);
        p[j] = val - (lr * mh) / (Math.sqrt(vh) + 1e-8);
      });
    });
  }
  return { kind: o.kind, mean, std, w1, b1, ...(w2 ? { w2, b2 } : {}) };
}

/** Seeded stratified split: `heldOutShare` of each class goes to the held-out set. Returns indices. */
export function split(y: number[], heldOutShare: number, seed: number): { train: number[]; heldOut: number[] } {
  const rand = seededRandom(seed);
  const trainIdx: number[] = [], held: number[] = [];
  for (const cls of [0, 1]) {
    const idx = y.map((v, i) => (v === cls ? i : -1)).filter((i) => i >= 0);
    for (let i = idx.length - 1; i > 0; i--) { const j = Math.floor(rand() * (i + 1)); [idx[i], idx[j]] = [idx[j]!, idx[i]!]; }
    const h = Math.round(idx.length * heldOutShare);
    held.push(...idx.slice(0, h));
    trainIdx.push(...idx.slice(h));
  }
  return { train: trainIdx.sort((a, b) => a - b), heldOut: held.sort((a, b) => a - b) };
}

/**
 * Seeded split by whole groups (streams: recordings, cameras): groups in shuffled order go to the held-out set until
 * it holds at least `heldOutShare` of the samples, so no stream is on both sides.
 */
export function splitByGroup(groups: string[], y: number[], heldOutShare: number, seed: number): { train: number[]; heldOut: number[] } {
  const rand = seededRandom(seed);
  const names = [...new Set(groups)];
  for (let i = names.length - 1; i > 0; i--) { const j = Math.floor(rand() * (i + 1)); [names[i], names[j]] = [names[j]!, names[i]!]; }
  // The first stream (in shuffled order) that has non-redundant samples goes first, so the held-out set can measure
  // recall; the rest follow in shuffled order.
  const first = names.findIndex((g) => groups.some((x, i) => x === g && y[i] === 1));
  if (first > 0) names.unshift(...names.splice(first, 1));
  const held = new Set<string>();
  let n = 0;
  for (const g of names) {
    if (n >= heldOutShare * groups.length || held.size === names.length - 1) break;
    held.add(g);
    n += groups.filter((x) => x === g).length;
  }
  const idx = groups.map((_, i) => i);
  return { train: idx.filter((i) => !held.has(groups[i]!)), heldOut: idx.filter((i) => held.has(groups[i]!)) };
}

/** Out-of-fold scores of the training samples: each scored by a model trained without its fold. */
export function outOfFold(X: number[][], y: number[], folds: number, o: TrainOptions, groups?: string[]): number[] {
  const scores = new Array<number>(X.length).fill(0);
  const rand = seededRandom(o.seed + 1);
  const fold = new Array<number>(X.length).fill(0);
  if (groups) {
    // Whole groups (streams) per fold, groups shuffled (seeded) and dealt round-robin.
    const names = [...new Set(groups)];
    for (let i = names.length - 1; i > 0; i--) { const j = Math.floor(rand() * (i + 1)); [names[i], names[j]] = [names[j]!, names[i]!]; }
    const of = new Map(names.map((n, k) => [n, k % folds]));
    groups.forEach((g, i) => { fold[i] = of.get(g)!; });
  } else {
    // Stratified folds: each class shuffled (seeded), then dealt round-robin.
    for (const cls of [0, 1]) {
      const list = y.map((v, i) => (v === cls ? i : -1)).filter((i) => i >= 0);
      for (let i = list.length - 1; i > 0; i--) { const j = Math.floor(rand() * (i + 1)); [list[i], list[j]] = [list[j]!, list[i]!]; }
      list.forEach((idx, j) => { fold[idx] = j % folds; });
    }
  }
  for (let f = 0; f < folds; f++) {
    const tr = X.map((_, i) => i).filter((i) => fold[i] !== f);
    const te = X.map((_, i) => i).filter((i) => fold[i] === f);
    if (te.length === 0) continue;
    const c = train(tr.map((i) => X[i]!), tr.map((i) => y[i]!), { ...o, seed: o.seed + 17 * (f + 1) });
    for (const i of te) scores[i] = predict(c, X[i]!);
  }
  return scores;
}

/**
 * The highest threshold (keep when score ≥ threshold) at which the share of positives kept is at least `recall`:
 * at most floor((1 − recall) × positives) of them fall below it.
 */
export function chooseThreshold(scores: number[], y: number[], recall: number): number {
  const pos = scores.filter((_, i) => y[i] === 1).sort((a, b) => a - b);
  if (pos.length === 0) return 1;
  const misses = Math.floor((1 - recall) * pos.length + 1e-9);
  return pos[Math.min(misses, pos.length - 1)]!;
}

export interface Metrics {
  count: number;
  positives: number;
  kept: number;
  /** Share of non-redundant inputs the filter keeps. */
  recall: number;
  /** Share of kept inputs that are non-redundant (undefined when none is kept). */
  precision?: number;
  /** Share of all inputs skipped. */
  skipRatio: number;
  /** Non-redundant inputs the filter would skip. */
  missed: number;
}

export function metrics(scores: number[], y: number[], threshold: number): Metrics {
  let kept = 0, tp = 0, pos = 0;
  scores.forEach((s, i) => {
    const keep = s >= threshold;
    if (keep) kept++;
    if (y[i] === 1) { pos++; if (keep) tp++; }
  });
  return {
    count: scores.length, positives: pos, kept, recall: pos ? tp / pos : 1,
    ...(kept ? { precision: tp / kept } : {}), skipRatio: scores.length ? 1 - kept / scores.length : 0, missed: pos - tp,
  };
}

/** Recall against skip ratio at every distinct score used as a threshold (the filter's operating curve). */
export function curve(scores: number[], y: number[]): { threshold: number; recall: number; skipRatio: number }[] {
  const ts = [...new Set(scores)].sort((a, b) => a - b);
  const pts = ts.map((t) => { const m = metrics(scores, y, t); return { threshold: t, recall: m.recall, skipRatio: m.skipRatio }; });
  return [{ threshold: 0, recall: 1, skipRatio: 0 }, ...pts];
}
