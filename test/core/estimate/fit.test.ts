import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  fitProfile, fromVector, GLOBAL_PRIOR, leaveOneOut, predictMs, priorAround, rangeOf, shrunkLogSpread, toVector, zOf,
  type FitFeatures, type FitParams, type FitPoint,
} from '../../../src/core/estimate/fit';
import { seededRandom } from '../../../src/core/runtime';

/** A random graph: 5..40 nodes over the four kernel groups, compute and memory times at the roof. */
function randomGraph(rand: () => number): FitFeatures {
  const n = 5 + Math.floor(rand() * 36);
  const f: FitFeatures = { group: [], computeMs: [], memoryMs: [] };
  for (let i = 0; i < n; i++) {
    f.group.push(Math.floor(rand() * 4));
    f.computeMs.push(Math.exp(rand() * 6 - 4)); // 0.02 .. 7 ms at the roof
    f.memoryMs.push(Math.exp(rand() * 6 - 6)); // 0.002 .. 1 ms
  }
  return f;
}

const TRUTH: FitParams = {
  logEffConv: Math.log(0.35), logEffDepthwise: Math.log(0.08), logEffMatmul: Math.log(0.5), logEffOther: Math.log(0.15),
  logMemoryPenalty: Math.log(3), logNodeOverheadMs: Math.log(0.02), logOverheadMs: Math.log(0.4),
};

test('the fit recovers a known synthetic truth (noise-free, flat prior: every parameter; 5% noise, global prior: every efficiency within 15%)', () => {
  const rand = seededRandom(7);
  const graphs = Array.from({ length: 60 }, () => randomGraph(rand));
  const truth = toVector(TRUTH);
  const clean: FitPoint[] = graphs.map((g, i) => ({ id: `p${i}`, features: g, latencyMs: predictMs(g, truth), energyMj: 0.12 * predictMs(g, truth) }));
  // A flat prior (sd 100 in log space): the noise-free points alone decide, and every parameter comes back.
  const prior = { ...priorAround(GLOBAL_PRIOR.mean, 100), logPowerW: { mean: Math.log(0.5), sd: 2 } };
  const fit = fitProfile(clean, prior);
  // Efficiencies and the memory penalty to 0.5%; the overheads, a small share of every latency, to 5%.
  for (const k of Object.keys(TRUTH) as (keyof FitParams)[]) {
    const tol = k === 'logNodeOverheadMs' || k === 'logOverheadMs' ? 0.05 : 0.005;
    assert.ok(Math.abs(fit.params[k] - TRUTH[k]) < tol, `${k}: fitted ${Math.exp(fit.params[k])}, truth ${Math.exp(TRUTH[k])}`);
  }
  assert.ok(fit.logRms < 1e-3, `in-sample log rms ${fit.logRms}`);
  assert.ok(Math.abs(fit.powerW! - 0.12) / 0.12 < 0.01, `power ${fit.powerW}`);
  assert.equal(fit.energyPoints, 60);

  const noisy = clean.map((p) => ({ ...p, latencyMs: p.latencyMs * Math.exp((rand() * 2 - 1) * 0.05) }));
  const f2 = fitProfile(noisy, GLOBAL_PRIOR);
  for (const k of ['logEffConv', 'logEffDepthwise', 'logEffMatmul', 'logEffOther'] as const) {
    assert.ok(Math.abs(f2.params[k] - TRUTH[k]) < Math.log(1.15), `${k}: fitted ${Math.exp(f2.params[k])}, truth ${Math.exp(TRUTH[k])}`);
  }
});

test('with no points the fit is the prior mean; a tight prior holds a parameter the points cannot move', () => {
  assert.deepEqual(fitProfile([], GLOBAL_PRIOR).params, GLOBAL_PRIOR.mean);
  const rand = seededRandom(3);
  const graphs = Array.from({ length: 8 }, () => randomGraph(rand));
  const pts = graphs.map((g, i) => ({ id: `p${i}`, features: g, latencyMs: predictMs(g, toVector(TRUTH)) }));
  const tight = priorAround(GLOBAL_PRIOR.mean, 1e-4);
  const fit = fitProfile(pts, tight);
  for (const [k, v] of Object.entries(fit.params)) assert.ok(Math.abs(v - GLOBAL_PRIOR.mean[k as keyof FitParams]) < 1e-3, k);
});

test('leave-one-out on a hand example: one free parameter, the held-out prediction is the mean of the others', () => {
  // One node of compute 1 ms at the roof, nothing else that costs: latency = exp(-logEffConv) exactly, so with a
  // (nearly) flat prior on logEffConv and the rest pinned, fitting k points gives exp(mean of log latency).
  const f: FitFeatures = { group: [0], computeMs: [1], memoryMs: [0] };
  const pinned = priorAround({ ...GLOBAL_PRIOR.mean, logNodeOverheadMs: Math.log(1e-12), logOverheadMs: Math.log(1e-12) }, 1e-6);
  const prior = { ...pinned, sd: { ...pinned.sd, logEffConv: 1e6 } };
  const ms = [2, 4, 8];
  const pts: FitPoint[] = ms.map((m, i) => ({ id: `p${i}`, features: f, latencyMs: m }));
  const loo = leaveOneOut(pts, prior);
  // Held out 2: geometric mean of 4 and 8 = sqrt(32); held out 4: sqrt(16) = 4; held out 8: sqrt(8).
  const expect = [Math.sqrt(32), 4, Math.sqrt(8)];
  loo.points.forEach((p, i) => assert.ok(Math.abs(p.predictedMs - expect[i]!) < 1e-6, `${p.id}: ${p.predictedMs} vs ${expect[i]}`));
  const errs = loo.points.map((p, i) => 100 * (expect[i]! / ms[i]! - 1));
  assert.ok(Math.abs(loo.latency.worstAbsErrorPct - Math.max(...errs.map(Math.abs))) < 1e-6);
  assert.ok(Math.abs(loo.points[1]!.errorPct) < 1e-6, 'the middle point is predicted exactly');
  assert.ok(Math.abs(loo.latency.medianAbsErrorPct - 100 * (1 - Math.sqrt(8) / 8)) < 1e-6, 'median of 0%, 64.6%, 182.8%');
  assert.equal(loo.latency.within35Pct, 1); // +182.8% and -64.6% are outside
  // Grouped: p0 and p1 measure one model, so they are held out together and predicted from p2 alone.
  const grouped = leaveOneOut(pts.map((p, i) => ({ ...p, group: i < 2 ? 'm' : 'n' })), prior);
  assert.ok(Math.abs(grouped.points[0]!.predictedMs - 8) < 1e-6);
  assert.ok(Math.abs(grouped.points[1]!.predictedMs - 8) < 1e-6);
  assert.ok(Math.abs(grouped.points[2]!.predictedMs - Math.sqrt(8)) < 1e-6);
});

test('a prior computed per held-out set never sees the held-out ids', () => {
  const f: FitFeatures = { group: [0], computeMs: [1], memoryMs: [0] };
  const pts: FitPoint[] = [1, 2, 3].map((m, i) => ({ id: `p${i}`, features: f, latencyMs: m }));
  const seen: string[][] = [];
  leaveOneOut(pts, (held) => { seen.push([...held]); return GLOBAL_PRIOR; });
  assert.deepEqual(seen, [['p0'], ['p1'], ['p2']]);
});

test('intervals: z of 80% is 1.2816; the spread shrinks toward the fallback with few residuals', () => {
  assert.ok(Math.abs(zOf(0.8) - 1.2816) < 1e-3);
  assert.ok(Math.abs(zOf(0.95) - 1.96) < 1e-3);
  const [lo, hi] = rangeOf(54, 0.2);
  assert.ok(Math.abs(lo * hi - 54 * 54) < 1e-6, 'symmetric in log space');
  assert.ok(Math.abs(hi / 54 - Math.exp(1.2816 * 0.2)) < 1e-3);
  assert.equal(shrunkLogSpread([], 0.5), 0.5);
  const many = Array.from({ length: 300 }, (_, i) => (i % 2 ? 0.1 : -0.1));
  assert.ok(Math.abs(shrunkLogSpread(many, 0.5) - 0.1) < 0.015, 'many residuals: their own spread');
  assert.ok(shrunkLogSpread([0.1, -0.1], 0.5) > 0.35, 'two residuals: near the family spread');
  assert.deepEqual(fromVector(toVector(TRUTH)), TRUTH);
});

test('a shared (common) prior shift moves every efficiency when only one kernel family is measured', () => {
  // One conv-only graph measured 4x slower than the prior predicts: without a common shift only conv moves; with one,
  // depthwise and matmul follow part of the way (a slower board is slower in every kernel).
  const f: FitFeatures = { group: [0], computeMs: [1], memoryMs: [0] };
  const base = priorAround(GLOBAL_PRIOR.mean, 0.5);
  const ms = 4 * predictMs(f, toVector(GLOBAL_PRIOR.mean));
  const alone = fitProfile([{ id: 'a', features: f, latencyMs: ms }], base);
  const shared = fitProfile([{ id: 'a', features: f, latencyMs: ms }], { ...base, common: { params: ['logEffConv', 'logEffDepthwise', 'logEffMatmul', 'logEffOther'], sd: 0.7 } });
  assert.ok(Math.abs(alone.params.logEffDepthwise - GLOBAL_PRIOR.mean.logEffDepthwise) < 1e-6);
  assert.ok(shared.params.logEffDepthwise < GLOBAL_PRIOR.mean.logEffDepthwise - 0.1, 'depthwise follows conv down');
  assert.ok(shared.params.logEffDepthwise > shared.params.logEffConv - GLOBAL_PRIOR.mean.logEffConv + GLOBAL_PRIOR.mean.logEffDepthwise - 1e-9, 'but less than conv moved');
});

test('runtime versions: a known 2x speed-up between versions is recovered and the parameters describe the newest', () => {
  const rand = seededRandom(11);
  const graphs = Array.from({ length: 12 }, () => randomGraph(rand));
  const truth = toVector(TRUTH);
  // Version 7.1 ran every model 2x slower than 9.0; the flat prior lets the points decide.
  const pts: FitPoint[] = graphs.flatMap((g, i) => [
    { id: `a${i}`, features: g, latencyMs: 2 * predictMs(g, truth), version: '7.1.0', group: `m${i}` },
    { id: `b${i}`, features: g, latencyMs: predictMs(g, truth), version: '9.0.0', group: `m${i}` },
  ]);
  const fit = fitProfile(pts, { ...priorAround(GLOBAL_PRIOR.mean, 100), versionSd: 1 });
  assert.equal(fit.referenceVersion, '9.0.0');
  assert.ok(Math.abs(fit.versionOffsets!['7.1.0']! - Math.log(2)) < 0.01, `offset ${fit.versionOffsets!['7.1.0']}`);
  assert.ok(Math.abs(fit.versionOffsets!['9.0.0']!) < 1e-12);
  for (const g of graphs.slice(0, 3)) assert.ok(Math.abs(predictMs(g, toVector(fit.params)) / predictMs(g, truth) - 1) < 0.01, 'params predict 9.0');
  // Held out, each model's 7.1 point is predicted at 7.1's speed from the other models.
  const loo = leaveOneOut(pts, { ...priorAround(GLOBAL_PRIOR.mean, 100), versionSd: 1 });
  assert.ok(loo.latency.worstAbsErrorPct < 3, `${loo.latency.worstAbsErrorPct}%`);
  // Versions that do not order (a description, a commit hash) get no offsets.
  const unordered = fitProfile(pts.map((p) => ({ ...p, version: p.version === '7.1.0' ? 'TFLite Micro 3e190e5' : p.version })), { ...GLOBAL_PRIOR, versionSd: 1 });
  assert.equal(unordered.versionOffsets, undefined);
});
