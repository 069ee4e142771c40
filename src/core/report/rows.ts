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
}

/** Budgets come back from the estimate's headroom (budget = demand + headroom), so no device is needed here. */
export function fitRows(e: EstimateReport, latencyBudgetMs?: number): FitRow[] {
  const rows: FitRow[] = [
    { resource: 'memory', label: 'RAM', demand: e.peakRamBytes, budget: e.peakRamBytes + e.headroom.memoryBytes, unit: 'bytes', fits: e.fits.memory },
    { resource: 'storage', label: 'flash', demand: e.flashBytes, budget: e.flashBytes + e.headroom.storageBytes, unit: 'bytes', fits: e.fits.storage },
  ];
  const budgetMs = latencyBudgetMs && latencyBudgetMs > 0 ? latencyBudgetMs : e.headroom.computeMs !== undefined ? e.latencyMs + e.headroom.computeMs : undefined;
  if (budgetMs !== undefined) rows.unshift({ resource: 'latency', label: 'latency', demand: e.latencyMs, budget: budgetMs, unit: 'ms', fits: e.latencyMs <= budgetMs });
  return rows;
}

export function resourceValue(v: number, unit: 'ms' | 'bytes'): string {
  return unit === 'ms' ? formatMs(v) : formatBytes(v);
}
