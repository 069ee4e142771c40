// What the Models and Device Profiles trees show, as plain data (no vscode import, so it is unit-tested in Node).

import type { AnalysisReport } from '../core/analyze/report';
import type { ProfileEntry } from '../core/devices/types';
import type { EstimateReport } from '../core/estimate/types';
import { formatBytes, formatCount } from '../core/format';
import { boundedValue, fitRows, resourceValue } from '../core/report';

export type Fit = 'fits' | 'over' | 'unknown';

export interface ModelItemData {
  label: string;
  description: string;
  tooltip: string;
  /** Overall verdict on the active device (unknown without a device or estimate). */
  fit: Fit;
  /** One child row per resource checked. */
  resources: { label: string; description: string; fit: Fit }[];
}

export function modelItemData(fileName: string, analysis: AnalysisReport | undefined, estimate: EstimateReport | undefined, latencyBudgetMs?: number, error?: string, estimateError?: string): ModelItemData {
  if (!analysis) return { label: fileName, description: error ? 'cannot analyze' : '…', tooltip: error ?? 'analyzing', fit: 'unknown', resources: [] };
  const t = analysis.totals;
  const description = `${formatCount(t.params)} params · ${formatCount(t.macs)} MACs`;
  if (estimateError) return { label: fileName, description: `${description} · no estimate`, tooltip: `${description}\nNo estimate: ${estimateError}`, fit: 'unknown', resources: [] };
  if (!estimate) return { label: fileName, description, tooltip: `${description}\nNo device selected: no budget check.`, fit: 'unknown', resources: [] };
  const rows = fitRows(estimate, latencyBudgetMs);
  // A demand that is only a lower bound within budget (unknown shapes) gets no verdict: 'unknown', never 'fits'.
  const resources = rows.map((r) => ({
    label: r.label,
    description: `${boundedValue(r.demand, r.unit, r.bound)} / ${resourceValue(r.budget, r.unit)} (${r.budget > 0 ? ((r.demand / r.budget) * 100).toFixed(0) : '∞'}%)${r.verdict === 'unknown' ? ` · no verdict: a ${r.bound} bound` : ''}`,
    fit: r.verdict as Fit,
  }));
  const over = resources.filter((r) => r.fit === 'over').map((r) => r.label);
  const undecided = resources.filter((r) => r.fit === 'unknown').map((r) => r.label);
  const fit: Fit = over.length ? 'over' : undecided.length ? 'unknown' : 'fits';
  const shapeWarnings = analysis.warnings.filter((w) => /unknown (shapes|sizes)|condition unknown/.test(w));
  const tooltip = [`${fileName} on ${estimate.device}`, description, ...resources.map((r) => `${r.fit === 'fits' ? '✓' : r.fit === 'over' ? '✗' : '?'} ${r.label}: ${r.description}`),
    ...shapeWarnings.map((w) => `⚠ ${w}`), ...(undecided.length ? ['Pin the inputs (aiotLens.defaultInputShapes, aiotLens.inputValues) for a verdict.'] : [])].join('\n');
  const summary = over.length ? `over: ${over.join(', ')}` : undecided.length ? `no verdict: ${undecided.join(', ')} (unknown shapes)` : 'fits';
  return { label: fileName, description: `${description} · ${summary}`, tooltip, fit, resources };
}

export interface DeviceGroup {
  deviceClass: string;
  devices: { id: string; name: string; description: string; origin: string; active: boolean; builtIn: boolean }[];
}

/** Profiles grouped by class in catalog order (links last); the active device marked. */
export function deviceGroups(entries: ProfileEntry[], activeId: string): DeviceGroup[] {
  const groups = new Map<string, DeviceGroup>();
  for (const e of entries) {
    const p = e.profile;
    let g = groups.get(p.class);
    if (!g) groups.set(p.class, (g = { deviceClass: p.class, devices: [] }));
    const description = p.class === 'link'
      ? `${formatCount(p.uplinkBitsPerSecond)}bit/s up · RTT ${p.rttMs} ms`
      : `RAM ${formatBytes(p.ramBytes)} · flash ${formatBytes(p.flashBytes)}`;
    g.devices.push({ id: p.id, name: p.name, description, origin: e.origin, active: p.id === activeId, builtIn: e.origin === 'built-in' });
  }
  const list = [...groups.values()];
  return [...list.filter((g) => g.deviceClass !== 'link'), ...list.filter((g) => g.deviceClass === 'link')];
}
