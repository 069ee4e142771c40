// The interval every latency and energy figure carries: from the profile's fit (its leave-one-out residuals, or its
// family's when it has no points of its own), or, for a profile never fitted, the widest family spread of the catalog.

import type { DeviceProfile } from '../devices/types';
import summary from './fit/summary.json';
import { zOf } from './fit/loo';

export interface FigureRange {
  /** Central probability of the interval (0.8). */
  level: number;
  /** Measured inferences behind the profile's parameters (0: none of its own). */
  evidencePoints: number;
  /** profile, runtime-family, family, none (datasheet), user (calibrate), or unfitted (a profile without a fit). */
  fitLevel: string;
  latencyLogSpread: number;
  energyLogSpread: number;
  /** What the interval means, in words. */
  basis: string;
}

export function figureRange(device: DeviceProfile): FigureRange {
  const fit = device.fit;
  if (fit) {
    return {
      level: fit.range.level, evidencePoints: fit.evidencePoints, fitLevel: fit.level,
      latencyLogSpread: fit.range.latencyLogSpread, energyLogSpread: fit.range.energyLogSpread, basis: fit.range.basis,
    };
  }
  return {
    level: summary.rangeLevel, evidencePoints: 0, fitLevel: 'unfitted',
    latencyLogSpread: summary.noEvidenceLogSpread, energyLogSpread: summary.noEvidenceLogSpread,
    basis: `profile '${device.id}' is not fitted to any measurement: the widest spread a family-level fit showed on boards it never saw`,
  };
}

/** [lo, hi] of a figure for a log spread at a central level. */
export function spanOf(value: number, logSpread: number, level: number): [number, number] {
  const k = Math.exp(zOf(level) * logSpread);
  return [value / k, value * k];
}

/** "54 ms (41–70)": a figure with its range, in the unit given, with a precision that suits the size. */
export function withRange(value: number, range: readonly [number, number] | undefined, unit: string): string {
  const f = (x: number) => (x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x >= 1 ? x.toFixed(2) : x.toPrecision(2));
  return range ? `${f(value)} ${unit} (${f(range[0])}–${f(range[1])})` : `${f(value)} ${unit}`;
}
