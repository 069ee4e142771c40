// What `calibrate --measurements --json` prints, and the one-line result the editor shows from it.

import type { UserCalibration } from './userFit';

/** The fit's figures as JSON prints them: the written profile by id and path, the freed parameters in words. */
export interface CalibrationSummary extends Omit<UserCalibration, 'profile' | 'free'> {
  /** Id of the written profile (the calibrated device's). */
  device: string;
  /** The profile the fit started from. */
  base: string;
  /** Absolute path of the written profile. */
  written: string;
  /** Parameters the measurements freed, in words. */
  free: string[];
  notes: string[];
}

/** "esp32-s3 calibrated from 7 models: median latency error 80.6% → 11.8% held out (worst 95.5% → 27.9%)". */
export function calibrationHeadline(s: CalibrationSummary): string {
  const e = s.energyAfter ? `; energy median ${s.energyBefore ? `${s.energyBefore.medianAbsErrorPct.toFixed(1)}% → ` : ''}${s.energyAfter.medianAbsErrorPct.toFixed(1)}%` : '';
  return `${s.device} calibrated from ${s.points.length} models: median latency error ${s.before.medianAbsErrorPct.toFixed(1)}% → ` +
    `${s.after.medianAbsErrorPct.toFixed(1)}% held out (worst ${s.before.worstAbsErrorPct.toFixed(1)}% → ${s.after.worstAbsErrorPct.toFixed(1)}%)${e}`;
}
