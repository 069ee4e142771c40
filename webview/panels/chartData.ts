// Data behind the Charts panel, computed from the analysis, the estimate and the device profile (pure, no DOM).

import type { AnalysisReport } from '../../src/core/analyze/report';
import type { DeviceProfile } from '../../src/core/devices/types';
import type { EstimateReport } from '../../src/core/estimate/types';
import { fitRows, opTypeBreakdown, type FitRow, type OpTypeRow } from '../../src/core/report';

export interface RooflinePoint {
  name: string;
  opType: string;
  /** flops / bytes moved (ops per byte). */
  intensity: number;
  /** flops / estimated latency (ops per second). */
  opsPerSecond: number;
  latencyMs: number;
  bound: string;
}

export interface Roofline {
  /** One compute roof per dtype the device runs natively (ops/s). */
  computeRoofs: { dtype: string; opsPerSecond: number }[];
  bandwidthBytesPerSecond: number;
  points: RooflinePoint[];
  /** Nodes left out: no arithmetic, no traffic, or no latency (fused away). */
  skipped: number;
}

export interface ChartsData {
  model: string;
  device?: string;
  opTypes: OpTypeRow[];
  totals: { macs: number; latencyMs?: number; latencyMsRange?: [number, number] };
  /** What the latency interval rests on: "80% interval, 12 evidence points (basis)". */
  rangeNote?: string;
  roofline?: Roofline;
  gauges: FitRow[];
}

export function rooflineOf(analysis: AnalysisReport, estimate: EstimateReport, device: DeviceProfile): Roofline {
  const byName = new Map(estimate.nodes.map((n) => [n.name, n]));
  const points: RooflinePoint[] = [];
  let skipped = 0;
  for (const n of analysis.nodes) {
    const e = byName.get(n.name);
    const bytes = n.memoryBytes ?? 0;
    if (!e || e.fused || e.latencyMs <= 0 || n.flops <= 0 || bytes <= 0) {
      skipped++;
      continue;
    }
    points.push({ name: n.name, opType: n.opType, intensity: n.flops / bytes, opsPerSecond: n.flops / (e.latencyMs / 1000), latencyMs: e.latencyMs, bound: e.bound });
  }
  // Dtypes sharing a peak (int8 and int16 on a Cortex-M7) make one roof labelled with both.
  const byPeak = new Map<number, string[]>();
  for (const [d, v] of Object.entries(device.peakOpsPerSecond)) {
    if (v === undefined || !device.dtypes.includes(d as never)) continue;
    byPeak.set(v, [...(byPeak.get(v) ?? []), d]);
  }
  const computeRoofs = [...byPeak.entries()].map(([opsPerSecond, ds]) => ({ dtype: ds.join('/'), opsPerSecond })).sort((a, b) => b.opsPerSecond - a.opsPerSecond);
  return { computeRoofs, bandwidthBytesPerSecond: device.memoryBandwidthBytesPerSecond, points, skipped };
}

export function chartsData(analysis: AnalysisReport, estimate?: EstimateReport, device?: DeviceProfile, latencyBudgetMs?: number): ChartsData {
  return {
    model: analysis.model.path.split(/[\\/]/).pop() ?? analysis.model.path,
    ...(estimate ? { device: estimate.device } : {}),
    opTypes: opTypeBreakdown(analysis, estimate),
    totals: { macs: analysis.totals.macs, ...(estimate ? { latencyMs: estimate.latencyMs, ...(estimate.latencyMsRange ? { latencyMsRange: estimate.latencyMsRange } : {}) } : {}) },
    ...(estimate?.range && estimate.latencyMsRange ? {
      rangeNote: `${Math.round(estimate.range.level * 100)}% interval, ${estimate.evidencePoints ? `${estimate.evidencePoints} evidence point${estimate.evidencePoints === 1 ? '' : 's'}` : 'no evidence for this profile (a wide range)'}: ${estimate.range.basis}`,
    } : {}),
    ...(estimate && device ? { roofline: rooflineOf(analysis, estimate, device) } : {}),
    gauges: estimate ? fitRows(estimate, latencyBudgetMs) : [],
  };
}
