// Resource-vs-budget rows of an estimate (RAM, flash, and latency when a deadline verdict exists).

import { formatBytes, formatMs } from '../format';
import type { EstimateReport } from '../estimate/types';

export interface FitRow {
  resource: 'latency' | 'memory' | 'storage';
  label: string;
  demand: number;
  budget: number;
  unit: 'ms' | 'bytes';
  fits: boolean;
  /** 'lower'/'upper' when the demand is only a bound (unknown shapes, an If's costlier branch). */
  bound?: 'lower' | 'upper';
  /** fits / over / unknown (a bound that cannot decide: no fit verdict). */
  verdict: 'fits' | 'over' | 'unknown';
  /** Latency only: the estimate's interval (the profile's leave-one-out spread), for a band on the gauge. */
  range?: [number, number];
}

/** How a row's verdict reads in a report: yes, no, or no verdict with the bound. */
export function verdictText(r: FitRow): string {
  return r.verdict === 'unknown' ? `no verdict (a ${r.bound} bound)` : r.fits ? 'yes' : 'no';
}

/** A demand with its bound mark: `≥ 17 KiB` for a lower bound, `≤` for an upper one. */
export function boundedValue(v: number, unit: 'ms' | 'bytes', bound?: 'lower' | 'upper'): string {
  return `${bound === 'lower' ? '≥ ' : bound === 'upper' ? '≤ ' : ''}${resourceValue(v, unit)}`;
}

/** Budgets come back from the estimate's headroom (budget = demand + headroom), so no device is needed here. */
export function fitRows(e: EstimateReport, latencyBudgetMs?: number): FitRow[] {
  const undecided = new Set(e.undecided ?? []);
  const memBound = e.bounds?.memory;
  const rows: FitRow[] = [
    { resource: 'memory', label: 'RAM', demand: e.peakRamBytes, budget: e.peakRamBytes + e.headroom.memoryBytes, unit: 'bytes', fits: e.fits.memory,
      ...(memBound ? { bound: memBound } : {}), verdict: undecided.has('memory') ? 'unknown' : e.fits.memory ? 'fits' : 'over' },
    { resource: 'storage', label: 'flash', demand: e.flashBytes, budget: e.flashBytes + e.headroom.storageBytes, unit: 'bytes', fits: e.fits.storage,
      verdict: e.fits.storage ? 'fits' : 'over' },
  ];
  const budgetMs = latencyBudgetMs && latencyBudgetMs > 0 ? latencyBudgetMs : e.headroom.computeMs !== undefined ? e.latencyMs + e.headroom.computeMs : undefined;
  if (budgetMs !== undefined) {
    const bound = e.bounds?.latency;
    const within = e.latencyMs <= budgetMs;
    const verdict = (bound === 'lower' && within) || (bound === 'upper' && !within) ? 'unknown' : within ? 'fits' : 'over';
    rows.unshift({ resource: 'latency', label: 'latency', demand: e.latencyMs, budget: budgetMs, unit: 'ms', fits: verdict === 'fits', ...(bound ? { bound } : {}), verdict,
      ...(e.latencyMsRange ? { range: e.latencyMsRange } : {}) });
  }
  return rows;
}

export function resourceValue(v: number, unit: 'ms' | 'bytes'): string {
  return unit === 'ms' ? formatMs(v) : formatBytes(v);
}
