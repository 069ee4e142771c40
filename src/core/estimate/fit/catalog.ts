// Fits every catalog board × runtime profile to the evidence base, hierarchically: a core family's fit (never
// including the board itself) → the same runtime on sibling boards → the profile's own points. Leave-one-out holds out
// each model with all its points on that profile; intervals come from those held-out residuals.

import type { DeviceFit, DeviceProfile } from '../../devices/types';
import type { SourcedPoint } from '../../devices/evidence';
import { fitProfile, type FitPoint, type FitPrior, type FittedParams } from './fit';
import { leaveOneOut, looPoint, shrunkLogSpread, zOf, type ErrorSummary, type LooPoint } from './loo';
import type { FitFeatures, FitParams, ParamName } from './model';
import { profileParams } from './features';
import { GLOBAL_PRIOR, priorAround } from './prior';

/** Prior log sd from the family to the runtime on sibling boards, and from there to the profile. */
export const RUNTIME_SD = 1.0;
export const PROFILE_SD = 0.5;
/** Sd of the shift all four efficiencies of a profile share away from the level above (see FitPrior.common). */
export const COMMON_SD = 0.7;
/** Sd of each runtime version's speed offset on a profile (see FitPrior.versionSd); the profile describes the newest. */
export const VERSION_SD = 0.3;
const EFFICIENCIES: ParamName[] = ['logEffConv', 'logEffDepthwise', 'logEffMatmul', 'logEffOther'];
/** Prior log sd of the active power around the datasheet figure. */
export const POWER_SD = 1.0;
/** Central probability of every interval. */
export const RANGE_LEVEL = 0.8;
/** Pseudo-points of the fallback spread when a profile's own held-out residuals are few. */
export const PSEUDO_POINTS = 3;

export interface CatalogPoint extends FitPoint {
  profile: string;
  board: string;
  runtime: string;
  family: string;
  source: SourcedPoint;
}

export interface ExcludedPoint {
  id: string;
  profile: string;
  reason: string;
}

export interface ProfileFit {
  profile: DeviceProfile;
  fit: DeviceFit;
  points: CatalogPoint[];
  /** Held-out predictions of the profile's own points (with the interval each would have carried). */
  loo: (LooPoint & { inInterval: boolean; lo: number; hi: number })[];
  latency?: ErrorSummary;
  energy?: ErrorSummary;
  /** What a board with no points of its own would have predicted for these points (the family-level fit). */
  newBoard: LooPoint[];
}

export interface CatalogFit {
  profiles: ProfileFit[];
  used: CatalogPoint[];
  excluded: ExcludedPoint[];
  /** Log spread used where a family has no evidence at all (the widest family's new-board spread). */
  noEvidenceLogSpread: number;
}

/** Why a point cannot be fitted as a whole inference, or undefined when it can. */
export function exclusionReason(p: SourcedPoint): string | undefined {
  if (p.scope === 'kernel') return "scope 'kernel': one kernel call timed without the interpreter around it, not a whole inference";
  return undefined;
}

export interface CatalogFitOptions {
  /** Features of an evidence model on a profile (the graph analysed and timed at the roof). */
  featuresOf: (point: SourcedPoint, profile: DeviceProfile) => FitFeatures;
  /**
   * What leave-one-out holds out: 'model' (default) every point of the held-out model on the profile — several MLPerf
   * rounds measured the same model on the same board — or 'point', one point at a time (optimistic: its repeats stay in).
   */
  holdOut?: 'model' | 'point';
}

/** Fits the catalog; `profiles` are the expanded board × runtime device profiles. */
export function fitCatalog(profiles: readonly DeviceProfile[], evidence: readonly SourcedPoint[], options: CatalogFitOptions): CatalogFit {
  const byKey = new Map<string, DeviceProfile>();
  for (const p of profiles) if (p.board && p.runtime) byKey.set(`${p.board}@${p.runtime}`, p);
  const used: CatalogPoint[] = [];
  const excluded: ExcludedPoint[] = [];
  for (const s of evidence) {
    const key = `${s.board}@${s.runtime}`;
    const prof = byKey.get(key);
    const why = prof ? exclusionReason(s) : `no catalog profile for ${key}`;
    if (why) {
      excluded.push({ id: s.id, profile: prof?.id ?? key, reason: why });
      continue;
    }
    used.push({
      id: s.id, group: options.holdOut === 'point' ? s.id : `${prof!.id}|${s.model.id}`, features: options.featuresOf(s, prof!), latencyMs: s.latencyMs,
      ...(s.energyUj !== undefined ? { energyMj: s.energyUj / 1000 } : {}),
      ...(s.runtimeVersion ? { version: s.runtimeVersion } : {}),
      profile: prof!.id, board: s.board, runtime: s.runtime, family: prof!.family ?? 'none', source: s,
    });
  }

  const familyFits = new Map<string, FittedParams | undefined>();
  /** The family fit without `board` (the prior of that board's profiles), memoized. */
  const familyFit = (family: string, board: string) => {
    const key = `${family}|${board}`;
    if (!familyFits.has(key)) {
      const pts = used.filter((p) => p.family === family && p.board !== board);
      familyFits.set(key, pts.length > 0 ? fitProfile(pts, GLOBAL_PRIOR) : undefined);
    }
    return familyFits.get(key);
  };
  const upper = (p: DeviceProfile): { params?: FitParams; level: DeviceFit['level'] } => {
    const family = p.family ?? 'none';
    const fam = familyFit(family, p.board ?? p.id);
    if (!fam) return { level: 'none' };
    const siblings = used.filter((q) => q.family === family && q.board !== (p.board ?? p.id) && q.runtime === p.runtime);
    if (siblings.length === 0) return { params: fam.params, level: 'family' };
    return { params: fitProfile(siblings, priorAround(fam.params, RUNTIME_SD)).params, level: 'runtime-family' };
  };

  const results: ProfileFit[] = [];
  for (const p of profiles) {
    const own = used.filter((q) => q.profile === p.id);
    const up = upper(p);
    const powerPrior = { powerW: p.activePowerW > 0 ? p.activePowerW : 1, logSd: POWER_SD };
    const versioned = VERSION_SD > 0 ? { versionSd: VERSION_SD } : {};
    const prior: FitPrior | undefined = up.params ? { ...priorAround(up.params, PROFILE_SD, powerPrior), ...(COMMON_SD > 0 ? { common: { params: EFFICIENCIES, sd: COMMON_SD } } : {}), ...versioned }
      : own.length > 0 ? { ...GLOBAL_PRIOR, logPowerW: { mean: Math.log(powerPrior.powerW), sd: POWER_SD }, ...versioned } : undefined;
    const fitted = prior ? fitProfile(own, prior) : undefined;
    const loo = own.length > 0 && prior ? leaveOneOut(own, prior) : undefined;
    const newBoard = up.params ? own.map((q) => looPoint(q, q.group!, { params: up.params!, points: 0, logRms: 0, iterations: 0, energyPoints: 0 })) : [];
    results.push({
      profile: p, points: own, newBoard, loo: [],
      ...(loo ? { latency: loo.latency, ...(loo.energy ? { energy: loo.energy } : {}) } : {}),
      fit: {
        level: own.length > 0 ? 'profile' : up.level,
        ...(p.family ? { family: p.family } : {}),
        ...(fitted?.referenceVersion ? { runtimeVersion: fitted.referenceVersion } : {}),
        evidencePoints: own.length,
        energyEvidencePoints: own.filter((q) => q.energyMj !== undefined).length,
        evidence: own.map((q) => q.id),
        excluded: excluded.filter((e) => e.profile === p.id).map(({ id, reason }) => ({ id, reason })),
        ...(fitted && (own.length > 0 || up.params) ? { params: roundParams(profileParams(fitted.params)) } : {}),
        ...(fitted?.powerW !== undefined && fitted.energyPoints > 0 ? { activePowerW: sig(fitted.powerW) } : {}),
        range: { level: RANGE_LEVEL, latencyLogSpread: 0, energyLogSpread: 0, basis: '' },
      },
    });
    if (loo) results[results.length - 1]!.loo = loo.points.map((l) => ({ ...l, inInterval: false, lo: 0, hi: 0 }));
  }

  // Spreads: a profile's own held-out residuals shrunk toward its family's; boards without points use the family's
  // new-board residuals (what the family-level fit missed on boards it never saw).
  const rms = (xs: number[]) => (xs.length > 0 ? Math.sqrt(xs.reduce((s, r) => s + r * r, 0) / xs.length) : NaN);
  const families = new Set(results.map((r) => r.profile.family ?? 'none'));
  const allLoo = results.flatMap((r) => r.loo.map((l) => l.logResidual));
  const allNew = results.flatMap((r) => r.newBoard.map((l) => l.logResidual));
  const globalLoo = rms(allLoo);
  const globalNew = rms(allNew);
  const famLoo = new Map<string, number>();
  const famNew = new Map<string, number>();
  for (const f of families) {
    const rs = results.filter((r) => (r.profile.family ?? 'none') === f);
    const l = rs.flatMap((r) => r.loo.map((x) => x.logResidual));
    const n = rs.flatMap((r) => r.newBoard.map((x) => x.logResidual));
    famLoo.set(f, shrunkLogSpread(l, globalLoo, PSEUDO_POINTS));
    famNew.set(f, shrunkLogSpread(n, globalNew, PSEUDO_POINTS));
  }
  const noEvidenceLogSpread = Math.max(globalNew, ...[...famNew.values()].filter((v) => Number.isFinite(v)));
  // Energy: own held-out energy residuals where published; elsewhere the latency spread combined with how far measured
  // power sits from the datasheet power across the boards that publish energy.
  const powerResiduals = results.filter((r) => r.points.some((q) => q.energyMj !== undefined)).map((r) => {
    const e = r.points.filter((q) => q.energyMj !== undefined);
    const mean = e.reduce((s, q) => s + Math.log(q.energyMj! / q.latencyMs), 0) / e.length;
    return mean - Math.log(r.profile.activePowerW);
  });
  const powerSpread = rms(powerResiduals);
  const globalEnergy = rms(results.flatMap((r) => r.loo.filter((l) => l.energyLogResidual !== undefined).map((l) => l.energyLogResidual!)));
  const z = zOf(RANGE_LEVEL);
  for (const r of results) {
    const f = r.profile.family ?? 'none';
    const own = r.loo.map((l) => l.logResidual);
    let spread: number;
    let basis: string;
    if (r.fit.level === 'profile') {
      spread = shrunkLogSpread(own, famLoo.get(f)!, PSEUDO_POINTS);
      basis = `from this profile's ${own.length} leave-one-out residual(s), shrunk toward the ${f} family's as if it were ${PSEUDO_POINTS} more`;
      r.loo = r.loo.map((l) => {
        const others = r.loo.filter((o) => o.group !== l.group).map((o) => o.logResidual);
        const s = shrunkLogSpread(others, famLoo.get(f)!, PSEUDO_POINTS);
        const k = Math.exp(z * s);
        return { ...l, lo: l.predictedMs / k, hi: l.predictedMs * k, inInterval: Math.abs(l.logResidual) <= z * s };
      });
    } else if (r.fit.level === 'none') {
      spread = noEvidenceLogSpread;
      basis = `no evidence for the ${f} family: datasheet efficiencies, with the widest new-board spread seen in any family`;
    } else {
      spread = famNew.get(f)!;
      basis = `no measurements of this board x runtime: ${r.fit.level === 'runtime-family' ? `the ${r.profile.runtime} runtime on other ${f} boards` : `the ${f} family`}, with the spread that family-level fit showed on boards it never saw`;
    }
    const ownEnergy = r.loo.filter((l) => l.energyLogResidual !== undefined).map((l) => l.energyLogResidual!);
    const energySpread = ownEnergy.length > 0 ? shrunkLogSpread(ownEnergy, globalEnergy, PSEUDO_POINTS) : Math.sqrt(spread ** 2 + powerSpread ** 2);
    const coverage = r.loo.length > 0 ? r.loo.filter((l) => l.inInterval).length / r.loo.length : undefined;
    r.fit.range = {
      level: RANGE_LEVEL, latencyLogSpread: sig(spread), energyLogSpread: sig(energySpread),
      basis: basis + (ownEnergy.length > 0 ? `; energy from ${ownEnergy.length} held-out energy residual(s)` : '; energy adds the spread of measured vs datasheet power on boards that publish energy'),
    };
    if (r.latency) {
      r.fit.loo = {
        heldOut: 'each model with all its points on this profile; the family and sibling fits never include this board',
        latency: roundSummary(r.latency),
        ...(r.energy ? { energy: roundSummary(r.energy) } : {}),
        ...(coverage !== undefined ? { coverage: sig(coverage) } : {}),
      };
    }
  }
  return { profiles: results, used, excluded, noEvidenceLogSpread };
}

function pct(x: number): string {
  return `${Math.round(x * 100)}%`;
}

/** Five significant digits: committed figures stay readable and a fresh fit reproduces them exactly. */
export function sig(x: number): number {
  return Number(x.toPrecision(5));
}

function roundParams(p: ReturnType<typeof profileParams>): ReturnType<typeof profileParams> {
  return {
    efficiency: { conv: sig(p.efficiency.conv), depthwise: sig(p.efficiency.depthwise), matmul: sig(p.efficiency.matmul), other: sig(p.efficiency.other) },
    memoryPenalty: sig(p.memoryPenalty), nodeOverheadMs: sig(p.nodeOverheadMs), overheadMs: sig(p.overheadMs),
  };
}

function roundSummary(s: ErrorSummary): Record<string, number> {
  return { points: s.points, medianAbsErrorPct: sig(s.medianAbsErrorPct), worstAbsErrorPct: sig(s.worstAbsErrorPct), within35Pct: s.within35Pct };
}

