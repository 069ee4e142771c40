// Owns the settings of script diagnostics: thresholds and which kinds are on (aiotLens.python.* in VS Code).
import type { DiagnosticCode } from './types';

export interface ScriptSettings {
  /** Diagnostic codes turned off. */
  disabled: DiagnosticCode[];
  /** Dense conv: both channel counts at least this. */
  denseConvMinChannels: number;
  /** Dense conv: report only when depthwise-separable would cut MACs (or weights) at least this many times. */
  denseConvMinReduction: number;
  /** Large Linear: weights (in × out) at least this. */
  largeLinearMinWeights: number;
  /** Rank suggested for a low-rank Linear, as a fraction of min(in, out). */
  lowRankFraction: number;
  /** Hotspot: a module taking at least this share of device latency. */
  hotspotShare: number;
  /** Opset added by the quick fix. */
  opsetVersion: number;
  /** Highest opset the target runtime accepts, when the device profile does not say. */
  maxOpset?: number;
}

export const DEFAULT_SETTINGS: ScriptSettings = {
  disabled: [],
  denseConvMinChannels: 16,
  denseConvMinReduction: 3,
  largeLinearMinWeights: 500_000,
  lowRankFraction: 0.25,
  hotspotShare: 0.3,
  opsetVersion: 17,
};

/** Merges user settings over the defaults, ignoring values of the wrong type. */
export function resolveSettings(raw: unknown): ScriptSettings {
  const s: ScriptSettings = { ...DEFAULT_SETTINGS, disabled: [] };
  if (!raw || typeof raw !== 'object') return s;
  const r = raw as Record<string, unknown>;
  if (Array.isArray(r.disabled)) s.disabled = r.disabled.filter((x): x is DiagnosticCode => typeof x === 'string' && x.startsWith('aiot.'));
  for (const k of ['denseConvMinChannels', 'denseConvMinReduction', 'largeLinearMinWeights', 'lowRankFraction', 'hotspotShare', 'opsetVersion', 'maxOpset'] as const) {
    const v = r[k];
    if (typeof v === 'number' && Number.isFinite(v) && v >= 0) (s as unknown as Record<string, number>)[k] = v;
  }
  return s;
}
