// Per-operator-type sums of an analysis (and of an estimate when given), heaviest first.

import type { AnalysisReport } from '../analyze/report';
import type { EstimateReport } from '../estimate/types';
import type { OpTypeRow } from './types';

export function opTypeBreakdown(analysis: AnalysisReport, estimate?: EstimateReport): OpTypeRow[] {
  const rows = new Map<string, OpTypeRow>();
  const row = (opType: string) => {
    let r = rows.get(opType);
    if (!r) rows.set(opType, (r = { opType, count: 0, macs: 0, params: 0, weightBytes: 0, ...(estimate ? { latencyMs: 0 } : {}) }));
    return r;
  };
  for (const n of analysis.nodes) {
    const r = row(n.opType);
    r.count++;
    r.macs += n.macs;
    r.params += n.params;
    r.weightBytes += n.weightBytes;
  }
  // Estimate nodes carry their own op type; matching by type keeps the sum whole even if names repeat.
  for (const n of estimate?.nodes ?? []) row(n.opType).latencyMs! += n.latencyMs;
  const key = (r: OpTypeRow) => (estimate ? r.latencyMs ?? 0 : r.macs);
  return [...rows.values()].sort((a, b) => key(b) - key(a) || b.macs - a.macs || a.opType.localeCompare(b.opType));
}

/** The n nodes with the most estimated latency (or MACs without an estimate). */
export function topNodes(analysis: AnalysisReport, estimate: EstimateReport | undefined, n: number): { name: string; opType: string; macs: number; latencyMs?: number; bound?: string }[] {
  const est = new Map(estimate?.nodes.map((e) => [e.name, e]) ?? []);
  const rows = analysis.nodes.map((x) => {
    const e = est.get(x.name);
    return { name: x.name, opType: x.opType, macs: x.macs, ...(e ? { latencyMs: e.latencyMs, bound: e.bound } : {}) };
  });
  rows.sort((a, b) => (b.latencyMs ?? 0) - (a.latencyMs ?? 0) || b.macs - a.macs);
  return rows.slice(0, n);
}
