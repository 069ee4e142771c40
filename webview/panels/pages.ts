// Bodies of the AIoT Lens panels (charts, report, optimize before/after, split): pure functions of their data.

import type { AnalysisReport } from '../../src/core/analyze/report';
import { formatBytes, formatCount, formatMs } from '../../src/core/format';
import { escapeHtml, reportBody, type ReportInput } from '../../src/core/report';
import type { ChartsData } from './chartData';
import { button } from './shell';
import { barChart, gauges, lineChart, rooflineChart } from './svg';

const esc = escapeHtml;

export function chartsBody(d: ChartsData): string {
  const byLatency = d.totals.latencyMs !== undefined;
  const bars = d.opTypes.slice(0, 16).map((r) => {
    const v = byLatency ? r.latencyMs ?? 0 : r.macs;
    const total = byLatency ? d.totals.latencyMs! : d.totals.macs;
    const share = total > 0 ? ` · ${((v / total) * 100).toFixed(1)}%` : '';
    return { label: `${r.opType} ×${r.count}`, value: v, text: (byLatency ? formatMs(v) : formatCount(v)) + share };
  });
  const parts = [`<h1>${esc(d.model)}${d.device ? ` on ${esc(d.device)}` : ''}</h1>`];
  parts.push(`<section><h2>Budget</h2>${gauges(d.gauges)}</section>`);
  parts.push(`<section><h2>${byLatency ? 'Estimated latency' : 'MACs'} by operator type</h2>${barChart(bars, 'operator types')}${d.opTypes.length > 16 ? `<p class="note">${d.opTypes.length - 16} more types not drawn.</p>` : ''}</section>`);
  if (d.roofline) {
    parts.push(`<section><h2>Roofline on ${esc(d.device ?? '')}</h2>${rooflineChart(d.roofline)}<p class="note"><span class="key compute"></span> compute-bound <span class="key memory"></span> memory-bound <span class="key overhead"></span> overhead-bound · ${d.roofline.points.length} nodes drawn, ${d.roofline.skipped} without arithmetic or latency left out.</p></section>`);
  } else {
    parts.push('<section><h2>Roofline</h2><p class="empty">Select a device (status bar) to place nodes under its compute and bandwidth roofs.</p></section>');
  }
  return parts.join('\n');
}

export function reportPanelBody(input: ReportInput): string {
  return `<nav class="toolbar">${button('Export Report…', 'exportReport')} ${button('Show Charts', 'showCharts')}${input.advice ? '' : ` ${button('Advise', 'advise')}`}</nav>\n${reportBody(input)}`;
}

export interface OptimizeFigures {
  fileBytes: number;
  nodeCount: number;
  macs: number | null;
  params: number | null;
  peakActivationBytes: number | null;
}

export interface OptimizeOutcome {
  input: string;
  output: string;
  passes: { name: string; changed: boolean }[];
  before: OptimizeFigures;
  after: OptimizeFigures;
  verify?: { ranOk?: boolean; [k: string]: unknown };
  /** Estimated latency before/after on the active device, when one is set. */
  latencyMs?: { device: string; before: number; after: number };
}

export function optimizeBody(o: OptimizeOutcome): string {
  const rows: [string, number | null, number | null, (v: number) => string][] = [
    ['file size', o.before.fileBytes, o.after.fileBytes, formatBytes],
    ['nodes', o.before.nodeCount, o.after.nodeCount, String],
    ['MACs', o.before.macs, o.after.macs, formatCount],
    ['parameters', o.before.params, o.after.params, formatCount],
    ['peak activations', o.before.peakActivationBytes, o.after.peakActivationBytes, formatBytes],
  ];
  if (o.latencyMs) rows.push([`latency on ${o.latencyMs.device}`, o.latencyMs.before, o.latencyMs.after, formatMs]);
  const table = `<table><thead><tr><th>figure</th><th>before</th><th>after</th><th>change</th><th></th></tr></thead><tbody>${rows
    .map(([label, b, a, f]) => {
      const change = b && a !== null ? (a / b - 1) * 100 : null;
      const wb = b ? 100 : 0;
      const wa = b && a !== null ? Math.min((a / b) * 100, 150) : 0;
      return `<tr><td>${esc(label)}</td><td class="num">${b === null ? '?' : esc(f(b))}</td><td class="num">${a === null ? '?' : esc(f(a))}</td>` +
        `<td class="num ${change === null || Math.abs(change) < 0.05 ? '' : change < 0 ? 'better' : 'worse'}">${change === null ? '' : `${change > 0 ? '+' : ''}${change.toFixed(1)}%`}</td>` +
        `<td><svg class="pair" width="160" height="22" viewBox="0 0 160 22"><rect class="before" x="0" y="2" width="${wb}" height="8"></rect><rect class="after" x="0" y="12" width="${wa.toFixed(1)}" height="8"></rect></svg></td></tr>`;
    })
    .join('')}</tbody></table>`;
  const passes = o.passes.map((p) => `${esc(p.name)}${p.changed ? '' : ' (no change)'}`).join(' → ');
  const verify = o.verify ? `<p>Verification in onnxruntime: <strong class="${o.verify.ranOk ? 'ok' : 'over'}">${o.verify.ranOk ? 'passed' : 'failed'}</strong>.</p><details><summary>verification details</summary><pre>${esc(JSON.stringify(o.verify, null, 2))}</pre></details>` : '<p class="note">Not verified (untrusted workspace or verification off).</p>';
  return `<h1>Optimized ${esc(o.input.split(/[\\/]/).pop() ?? o.input)}</h1><p>Passes: ${passes}</p><p>Written to <code>${esc(o.output)}</code> ${button('Open Optimized Model', 'openModel', o.output)}</p>${table}<p class="note"><span class="key before"></span> before <span class="key after"></span> after</p>${verify}`;
}

export interface SplitCut {
  index: number;
  afterNode: string;
  bytes: number;
  deviceMs: number;
  linkMs: number;
  remoteMs: number;
  totalMs: number;
  deviceEnergyMj: number;
}

export interface SplitView {
  model: string;
  device: string;
  remote: string;
  link: string;
  objective: string;
  best: SplitCut;
  cuts: SplitCut[];
  gain: { latencyX: number; deviceEnergySaving: number };
  assumptions: string[];
  /** false: export is disabled (untrusted workspace, or the best cut leaves no halves). */
  canExport: boolean;
  exportNote?: string;
}

export function splitBody(s: SplitView): string {
  const cuts = [...s.cuts].sort((a, b) => a.index - b.index);
  const bestAt = cuts.findIndex((c) => c.index === s.best.index);
  const chart = lineChart([
    { name: 'total latency', cls: 's-latency', values: cuts.map((c) => c.totalMs), unit: 'ms' },
    { name: 'device energy', cls: 's-energy', values: cuts.map((c) => c.deviceEnergyMj), unit: 'mJ' },
  ], bestAt, 'cut position (nodes run on the device)');
  const where = s.best.index === 0 ? 'everything remote (raw input sent)' : s.best.index === cuts[cuts.length - 1]?.index ? 'everything on the device' : `after node ${s.best.afterNode}`;
  const b = s.best;
  return `<h1>Split ${esc(s.model)}: ${esc(s.device)} → ${esc(s.link)} → ${esc(s.remote)}</h1>
<p>Best cut for ${esc(s.objective)}: <strong>${esc(where)}</strong>: ${formatMs(b.totalMs)} total (device ${formatMs(b.deviceMs)}, link ${formatMs(b.linkMs)}, remote ${formatMs(b.remoteMs)}), ${formatBytes(b.bytes)} sent, ${b.deviceEnergyMj.toFixed(3)} mJ on the device; ${s.gain.latencyX.toFixed(2)}× faster and ${(s.gain.deviceEnergySaving * 100).toFixed(0)}% less device energy than all on the device.</p>
<p>${s.canExport ? button('Export Halves…', 'exportSplit') : `<span class="note">${esc(s.exportNote ?? 'Export unavailable.')}</span>`}</p>
${chart}
<p class="note"><span class="key s-latency"></span> total latency <span class="key s-energy"></span> device energy · the vertical line marks the best cut · each curve on its own scale.</p>
<ul class="note">${s.assumptions.map((a) => `<li>${esc(a)}</li>`).join('')}</ul>`;
}

export function modelTitle(a: AnalysisReport): string {
  return a.model.path.split(/[\\/]/).pop() ?? a.model.path;
}

export interface ProfileOutcome {
  medianMs: number;
  p90Ms: number;
  runs: number;
  threads?: number;
  nodes: { name: string; opType: string; ms: number }[];
}

/** Measured onnxruntime times on this machine, per operator type and the slowest nodes, beside the estimate. */
export function profileBody(model: string, p: ProfileOutcome, estimate?: { device: string; latencyMs: number }): string {
  const byType = new Map<string, { ms: number; count: number }>();
  for (const n of p.nodes) {
    const t = byType.get(n.opType) ?? { ms: 0, count: 0 };
    t.ms += n.ms;
    t.count++;
    byType.set(n.opType, t);
  }
  const typeBars = [...byType.entries()].sort((a, b) => b[1].ms - a[1].ms).slice(0, 16).map(([op, t]) => ({ label: `${op} ×${t.count}`, value: t.ms, text: formatMs(t.ms) }));
  const slow = [...p.nodes].sort((a, b) => b.ms - a.ms).slice(0, 15);
  return `<h1>Profile of ${esc(model)} in onnxruntime (this machine, CPU)</h1>
<p>Median <strong>${formatMs(p.medianMs)}</strong>, p90 ${formatMs(p.p90Ms)} over ${p.runs} runs${p.threads ? `, ${p.threads} thread${p.threads > 1 ? 's' : ''}` : ''}.${estimate ? ` The estimate for ${esc(estimate.device)} is ${formatMs(estimate.latencyMs)}: a different machine; compare shares, not times.` : ''}</p>
<h2>Measured time by operator type</h2>${barChart(typeBars, 'measured time by operator type')}
<h2>Slowest nodes</h2><table><thead><tr><th>node</th><th>op</th><th>ms</th></tr></thead><tbody>${slow.map((n) => `<tr><td>${esc(n.name)}</td><td>${esc(n.opType)}</td><td class="num">${n.ms.toFixed(3)}</td></tr>`).join('')}</tbody></table>`;
}
