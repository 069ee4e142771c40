// What the Models and Device Profiles trees show, as plain data (no vscode import, so it is unit-tested in Node).

import type { AnalysisReport } from '../core/analyze/report';
import type { ProfileEntry } from '../core/devices/types';
import type { EstimateReport } from '../core/estimate/types';
import { formatBytes, formatCount } from '../core/format';
import { fitRows, resourceValue } from '../core/report';

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
  const resources = rows.map((r) => ({
    label: r.label,
    description: `${resourceValue(r.demand, r.unit)} / ${resourceValue(r.budget, r.unit)} (${r.budget > 0 ? ((r.demand / r.budget) * 100).toFixed(0) : '∞'}%)`,
    fit: (r.fits ? 'fits' : 'over') as Fit,
  }));
  const over = resources.filter((r) => r.fit === 'over').map((r) => r.label);
  const fit: Fit = over.length ? 'over' : 'fits';
  const tooltip = [`${fileName} on ${estimate.device}`, description, ...resources.map((r) => `${r.fit === 'fits' ? '✓' : '✗'} ${r.label}: ${r.description}`)].join('\n');
  return { label: fileName, description: `${description} · ${over.length ? `over: ${over.join(', ')}` : 'fits'}`, tooltip, fit, resources };
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
