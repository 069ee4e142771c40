// Fits a device profile to the user's own measurements: the device's profile is the prior, the parameters the
// measured models can inform are freed, the rest stay put; before/after errors per model and the profile to write.

import { analyzeModelFileSync, type Analysis } from '../analyze';
import { applyDeviceFit, type DeviceFit, type DeviceProfile, type FitProfileParams } from '../devices';
import { estimate, estimateInputOf } from '../estimate';
import {
  FIT_GROUPS, PARAM_NAMES, fitFeatures, fitProfile, leaveOneOut, logParams, predictLatencyMs, priorAround, profileParams, shrunkLogSpread,
  summarize, type ErrorSummary, type FitFeatures, type FitParams, type FitPoint, type ParamName,
} from '../estimate/fit';
import { err, ok, type Result } from '../result';
import type { Measurement, MeasurementSet } from './measurements';

/** A kernel family or the memory term counts as exercised when it takes at least this share of one model's roof time. */
export const EXERCISED_SHARE = 0.1;

/** Prior log sd of a parameter the measurements inform (×/÷ e) and of one they cannot (held at the device's value). */
const FREE_SD = 1;
const HELD_SD = 0.05;

/**
 * Log sd of one measured model around the fitted model (the fit library's default is 0.2 for published figures from
 * many setups): a user's timings come from one board, one build and one runtime, so they count for more.
 */
export const USER_OBS_SD = 0.1;

/** Spread used for the interval when the device itself has none (no evidence): ×/÷ 1.65 at one sd. */
const FALLBACK_LOG_SPREAD = 0.5;

export const PARAM_LABELS: Record<ParamName, string> = {
  logEffConv: 'conv efficiency', logEffDepthwise: 'depthwise efficiency', logEffMatmul: 'matmul efficiency',
  logEffOther: 'other-op efficiency', logMemoryPenalty: 'memory penalty', logNodeOverheadMs: 'per-node overhead', logOverheadMs: 'per-inference overhead',
};

export interface CalibrationPoint {
  /** The model path as written in the CSV. */
  label: string;
  lines: number[];
  measuredMs: number;
  /** The device profile as it was (it never saw the point). */
  beforeMs: number;
  beforeErrorPct: number;
  /** Leave-one-out: fitted to every other model. */
  afterMs: number;
  afterErrorPct: number;
  /** Fitted to every model, this one included. */
  fittedMs: number;
  measuredMj?: number;
  beforeMj?: number;
  afterMj?: number;
}

export interface UserCalibration {
  /** The profile to write: the device with the fitted parameters applied and a `fit` record of level 'user'. */
  profile: DeviceProfile;
  /** Parameters the measurements inform (the others stay at the device's values). */
  free: ParamName[];
  points: CalibrationPoint[];
  before: ErrorSummary;
  /** Leave-one-out over the measurements. */
  after: ErrorSummary;
  energyBefore?: ErrorSummary;
  energyAfter?: ErrorSummary;
  /** Fitted parameters in the profile's units. */
  params: FitProfileParams;
  activePowerW?: number;
}

export interface CalibrateMeasurementsOptions {
  /** Shown in the profile's sources and fit basis (the CSV as the user named it). */
  csvLabel: string;
  /** ISO date of the calibration (default now). */
  date?: string;
  /** Analyses already made, by model path (tests, the extension). */
  analyze?: (path: string) => Result<Analysis>;
}

/** The device's parameters in log space: its fit when it has one, else read from its hand-set efficiencies. */
export function deviceLogParams(device: DeviceProfile): FitParams {
  if (device.fit?.params) return logParams(device.fit.params);
  const e = device.efficiency;
  const pos = (x: number | undefined, fallback: number) => (x !== undefined && x > 0 ? x : fallback);
  const memEff = pos(device.memoryEfficiency?.conv, 1);
  return logParams({
    efficiency: { conv: pos(e.conv, 0.2), depthwise: pos(e.depthwise, 0.1), matmul: pos(e.matmul, 0.2), other: pos(e.elementwise, 0.1) },
    memoryPenalty: 1 / memEff,
    nodeOverheadMs: pos(device.nodeOverheadMs?.conv, 0.001),
    overheadMs: pos(device.overheadMs, 0.01),
  });
}

/**
 * Parameters the measured models can inform: a kernel family's efficiency (or the memory penalty) when it takes
 * EXERCISED_SHARE of some model's time at the roof, the per-node overhead when node counts differ by 1.5× or more,
 * and the per-inference overhead always.
 */
export function freeParameters(features: readonly FitFeatures[]): ParamName[] {
  const free = new Set<ParamName>(['logOverheadMs']);
  const groupParam: ParamName[] = ['logEffConv', 'logEffDepthwise', 'logEffMatmul', 'logEffOther'];
  for (const f of features) {
    const share = new Array<number>(FIT_GROUPS.length + 1).fill(0);
    let total = 0;
    for (let i = 0; i < f.group.length; i++) {
      const c = f.computeMs[i]!;
      const m = f.memoryMs[i]!;
      if (f.overlap === false) { share[f.group[i]!]! += c; share[FIT_GROUPS.length]! += m; total += c + m; }
      else if (c >= m) { share[f.group[i]!]! += c; total += c; }
      else { share[FIT_GROUPS.length]! += m; total += m; }
    }
    if (total <= 0) continue;
    share.forEach((s, g) => { if (s / total >= EXERCISED_SHARE) free.add(g < FIT_GROUPS.length ? groupParam[g]! : 'logMemoryPenalty'); });
  }
  const nodes = features.map((f) => f.group.length).filter((n) => n > 0);
  if (nodes.length > 1 && Math.max(...nodes) >= 1.5 * Math.min(...nodes)) free.add('logNodeOverheadMs');
  return PARAM_NAMES.filter((p) => free.has(p));
}

/** Fits the user profile. Refuses (as an error value) unreadable models and too few models for the free parameters. */
export function calibrateFromMeasurements(device: DeviceProfile, set: MeasurementSet, options: CalibrateMeasurementsOptions): Result<UserCalibration> {
  const analyze = options.analyze ?? ((p: string) => analyzeModelFileSync(p));
  const rows: { m: Measurement; features: FitFeatures; beforeMs: number }[] = [];
  for (const m of set.measurements) {
    const a = analyze(m.path);
    if (!a.ok) {
      return err('invalid-argument', `${options.csvLabel}:${m.lines[0]}: model '${m.label}' cannot be read: ${a.error.message.replace(m.path, m.label)}`, m.path);
    }
    const input = estimateInputOf(a.value, device);
    rows.push({ m, features: fitFeatures(input, device), beforeMs: estimate(input, device).latencyMs });
  }
  const free = freeParameters(rows.map((r) => r.features));
  const required = free.length + 1;
  if (rows.length < required) {
    return err('invalid-argument', `${options.csvLabel}: ${rows.length} model${rows.length === 1 ? '' : 's'} measured; fitting ${free.length} free parameter${free.length === 1 ? '' : 's'} (${free.map((p) => PARAM_LABELS[p]).join(', ')}) and holding one model out needs at least ${required} distinct models`);
  }

  const centre = deviceLogParams(device);
  const sd = Object.fromEntries(PARAM_NAMES.map((p) => [p, free.includes(p) ? FREE_SD : HELD_SD])) as FitParams;
  const withEnergy = rows.filter((r) => r.m.energyMj !== undefined).length;
  const devicePower = device.fit?.activePowerW ?? device.activePowerW;
  // Power starts at the device's (or 1 W when unknown, with a prior wide enough that one measurement decides).
  const power = withEnergy > 0 ? { powerW: devicePower > 0 ? devicePower : 1, logSd: devicePower > 0 ? 1 : 3 } : undefined;
  const prior = priorAround(centre, sd, power);
  const points: FitPoint[] = rows.map((r, i) => ({
    id: `${i}`, features: r.features, latencyMs: r.m.latencyMs, ...(r.m.energyMj !== undefined ? { energyMj: r.m.energyMj } : {}),
  }));
  const fit = fitProfile(points, prior, { obsSd: USER_OBS_SD });
  const loo = leaveOneOut(points, prior, { obsSd: USER_OBS_SD });

  const beforePower = devicePower > 0 ? devicePower : undefined;
  const calPoints: CalibrationPoint[] = rows.map((r, i) => {
    const lp = loo.points[i]!;
    const fittedMs = predictLatencyMs(r.features, fit.params);
    return {
      label: r.m.label, lines: r.m.lines, measuredMs: r.m.latencyMs,
      beforeMs: r.beforeMs, beforeErrorPct: 100 * (r.beforeMs / r.m.latencyMs - 1),
      afterMs: lp.predictedMs, afterErrorPct: lp.errorPct, fittedMs,
      ...(r.m.energyMj !== undefined ? {
        measuredMj: r.m.energyMj,
        ...(beforePower ? { beforeMj: beforePower * r.beforeMs } : {}),
        ...(lp.predictedMj !== undefined ? { afterMj: lp.predictedMj } : {}),
      } : {}),
    };
  });
  const before = summarize(calPoints.map((p) => p.beforeErrorPct), calPoints.map((p) => Math.log(p.measuredMs / p.beforeMs)));
  const energyRows = calPoints.filter((p) => p.measuredMj !== undefined);
  const energyBefore = energyRows.length && beforePower
    ? summarize(energyRows.map((p) => 100 * (p.beforeMj! / p.measuredMj! - 1)), energyRows.map((p) => Math.log(p.measuredMj! / p.beforeMj!))) : undefined;

  const fallbackSpread = device.fit?.range.latencyLogSpread ?? FALLBACK_LOG_SPREAD;
  const latencyLogSpread = shrunkLogSpread(loo.points.map((p) => p.logResidual), fallbackSpread);
  const energyResiduals = loo.points.flatMap((p) => (p.energyLogResidual !== undefined ? [p.energyLogResidual] : []));
  const energyLogSpread = energyResiduals.length
    ? shrunkLogSpread(energyResiduals, device.fit?.range.energyLogSpread ?? FALLBACK_LOG_SPREAD)
    : Math.hypot(latencyLogSpread, device.fit?.range.energyLogSpread ?? FALLBACK_LOG_SPREAD);
  const date = options.date ?? new Date().toISOString();
  const params = profileParams(fit.params);
  const deviceFit: DeviceFit = {
    level: 'user',
    ...(device.fit?.family ?? device.family ? { family: device.fit?.family ?? device.family } : {}),
    evidencePoints: rows.length,
    ...(withEnergy ? { energyEvidencePoints: withEnergy } : {}),
    evidence: rows.map((r) => r.m.label),
    params,
    ...(fit.powerW !== undefined ? { activePowerW: round(fit.powerW, 6) } : {}),
    loo: {
      latency: roundSummary(loo.latency),
      ...(loo.energy ? { energy: roundSummary(loo.energy) } : {}),
      before: roundSummary(before),
      free: free.map((p) => PARAM_LABELS[p]),
    },
    range: {
      level: 0.8,
      latencyLogSpread: round(latencyLogSpread, 4),
      energyLogSpread: round(energyLogSpread, 4),
      basis: `leave-one-out over ${rows.length} models measured on your board (${options.csvLabel}, ${date.slice(0, 10)}), shrunk toward ${device.fit ? `${device.id}'s own spread` : 'a wide default'} as 3 more points`,
    },
  };
  const { fit: _old, ...base } = device;
  const profile = applyDeviceFit({
    ...base,
    name: `${device.name} — calibrated from your measurements`,
    sources: [...device.sources, `aiot-lens calibrate --measurements ${options.csvLabel} on ${date}: ${rows.length} models (${set.rows} rows)${set.runtime ? `, runtime ${set.runtime}` : ''}`],
    calibration: { source: 'measurements', csv: options.csvLabel, date, base: device.id, ...(set.runtime ? { runtime: set.runtime } : {}) },
  }, deviceFit);
  return ok({
    profile, free, points: calPoints, before, after: loo.latency,
    ...(energyBefore ? { energyBefore } : {}), ...(loo.energy ? { energyAfter: loo.energy } : {}),
    params, ...(fit.powerW !== undefined ? { activePowerW: fit.powerW } : {}),
  });
}

function round(x: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

function roundSummary(s: ErrorSummary): ErrorSummary {
  return { points: s.points, medianAbsErrorPct: round(s.medianAbsErrorPct, 2), worstAbsErrorPct: round(s.worstAbsErrorPct, 2), within35Pct: s.within35Pct, logRms: round(s.logRms, 4) };
}
