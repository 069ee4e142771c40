// Bodies of the AIoT Lens panels (charts, report, optimize before/after, split): pure functions of their data.

import type { AnalysisReport } from '../../src/core/analyze/report';
import { formatBytes, formatCount, formatMs } from '../../src/core/format';
import { escapeHtml, partRange, reportBody, type ReportInput } from '../../src/core/report';
import type { SplitCut, SplitView } from '../../src/core/partition/view';
import { agreementLine, jsonNumbers, verdictLine, type AgreementFigures, type Verdict } from '../../src/core/verify/agreement';
import type { VerifyReport } from '../../src/core/verify/verify';
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
    // Latency bars carry the profile's interval as an error bar (each type's share of the model's range).
    const range = byLatency && v > 0 ? partRange(v, d.totals.latencyMs!, d.totals.latencyMsRange) : undefined;
    const text = byLatency ? `${formatMs(v)}${range ? ` (${formatMs(range[0])}–${formatMs(range[1])})` : ''}` : formatCount(v);
    return { label: `${r.opType} ×${r.count}`, value: v, text: text + share, ...(range ? { range } : {}) };
  });
  const parts = [`<h1>${esc(d.model)}${d.device ? ` on ${esc(d.device)}` : ''}</h1>`];
  if (byLatency && d.totals.latencyMsRange) {
    const [lo, hi] = d.totals.latencyMsRange;
    parts.push(`<p class="range-note">Estimated latency <strong>${esc(formatMs(d.totals.latencyMs!))}</strong> (${esc(formatMs(lo))}–${esc(formatMs(hi))})${d.rangeNote ? `: ${esc(d.rangeNote)}` : ''}. Error bars and the gauge's band show that interval.</p>`);
  }
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
  verify?: VerifyReport;
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
  const verify = o.verify ? optimizeVerification(o.verify) : '<p class="note">Not verified (untrusted workspace or verification off).</p>';
  return `<h1>Optimized ${esc(o.input.split(/[\\/]/).pop() ?? o.input)}</h1><p>Passes: ${passes}</p><p>Written to <code>${esc(o.output)}</code> ${button('Open Optimized Model', 'openModel', o.output)}</p>${table}<p class="note"><span class="key before"></span> before <span class="key after"></span> after</p>${verify}`;
}

function optimizeVerification(v: VerifyReport): string {
  const details = `<details><summary>verification details</summary><pre>${esc(JSON.stringify(v, jsonNumbers, 2))}</pre></details>`;
  const latency = v.ranOk ? `<p class="note">Latency in onnxruntime on this machine (CPU, 1 thread, median of ${v.runs}): ${v.latencyMsBefore} ms → ${v.latencyMsAfter} ms.</p>` : '';
  if (!v.ranOk) return `<p>Verification in onnxruntime: <strong class="over verdict">FAIL</strong>: ${esc(v.error ?? 'onnxruntime could not run the result')}.</p>${details}`;
  if (!v.verdict || v.relativeError === null || v.snrDb === null || v.maxAbsError === null || v.cosine === null || v.referenceMaxAbs === null) {
    return `<p>Verification in onnxruntime: both models run; outputs are not compared because the input dims changed.</p>${latency}${details}`;
  }
  const top1Rows = v.outputs.reduce((n, x) => n + (x.top1Rows ?? 0), 0);
  const figures = { ...v, relativeError: v.relativeError, snrDb: v.snrDb, maxAbsError: v.maxAbsError, cosine: v.cosine, referenceMaxAbs: v.referenceMaxAbs, top1Rows, verdict: v.verdict };
  return verificationHtml(`Verification in onnxruntime on ${esc(v.inputs)} inputs`, figures) + latency + details;
}

export type { SplitCut, SplitExported, SplitRow, SplitVerifyView, SplitView } from '../../src/core/partition/view';

const ROLE_LABEL: Record<string, string> = { best: 'best', chosen: 'chosen', 'best-split': 'best split' };

function cutCells(c: SplitCut): string {
  return `<td class="num">${esc(formatBytes(c.bytes))}</td><td class="num">${esc(formatMs(c.deviceMs))}</td><td class="num">${esc(formatMs(c.linkMs))}</td>` +
    `<td class="num">${esc(formatMs(c.remoteMs))}</td><td class="num">${esc(formatMs(c.totalMs))}</td><td class="num">${c.deviceEnergyMj.toFixed(2)} mJ</td>`;
}

/** A cut can be exported when both halves hold nodes. */
function splits(c: SplitCut, nodeCount: number): boolean {
  return c.index > 0 && c.index < nodeCount;
}

function cutText(c: SplitCut, nodeCount: number): string {
  const where = c.index === 0 ? 'all remote (raw input upload)' : c.index === nodeCount ? 'all on device' : `after ${c.afterNode}`;
  return `cut ${c.index}, ${where}: ${formatMs(c.totalMs)} total (device ${formatMs(c.deviceMs)}, link ${formatMs(c.linkMs)}, remote ${formatMs(c.remoteMs)}), ` +
    `${formatBytes(c.bytes)} sent, ${c.deviceEnergyMj.toFixed(2)} mJ on the device`;
}

/** Verification of exported halves (or of an optimized model): the figures, the warnings and the verdict line. */
export function verificationHtml(title: string, v: AgreementFigures & { warnings: string[]; verdict: Verdict }): string {
  return `<p>${title}: <strong class="${v.verdict.pass ? 'ok' : 'over'} verdict">${v.verdict.pass ? 'PASS' : 'FAIL'}</strong></p>` +
    `<p class="figures">${esc(agreementLine(v))}</p>` +
    (v.warnings.length ? `<ul class="warnings">${v.warnings.map((w) => `<li>⚠ ${esc(w)}</li>`).join('')}</ul>` : '') +
    `<p class="note verdict-line">verdict: ${esc(verdictLine(v.verdict))}</p>`;
}

export function splitBody(s: SplitView): string {
  const cuts = [...s.cuts].sort((a, b) => a.index - b.index);
  const bestAt = cuts.findIndex((c) => c.index === s.best.index);
  const exportable = (c: SplitCut) => s.canExport && splits(c, s.nodeCount);
  const chart = lineChart([
    { name: 'total latency', cls: 's-latency', values: cuts.map((c) => c.totalMs), unit: 'ms' },
    { name: 'device energy', cls: 's-energy', values: cuts.map((c) => c.deviceEnergyMj), unit: 'mJ' },
  ], bestAt, 'cut position (nodes run on the device)', {
    target: 'cut-selection',
    hits: cuts.map((c) => ({
      arg: String(c.index),
      text: cutText(c, s.nodeCount) + (splits(c, s.nodeCount) ? '' : ' — one side holds every node, so there are no halves to export'),
      disabled: !exportable(c),
    })),
  });
  const b = s.best;
  const bestWhere = b.index === 0 ? 'everything remote (raw input sent)' : b.index === s.nodeCount ? 'everything on the device' : `after node ${b.afterNode}`;
  const extremeNote = splits(b, s.nodeCount) ? '' : `<p class="note">The best cut runs everything ${b.index === 0 ? 'remotely' : 'on the device'}, so it has no halves to export${s.bestInner ? `; the best cut that splits the model is cut ${s.bestInner.index} (the “best split” row)` : ''}.</p>`;
  const table = `<table class="cuts"><thead><tr><th></th><th>cut</th><th>runs on the device</th><th>upload</th><th>device</th><th>link</th><th>remote</th><th>total</th><th>device energy</th><th></th></tr></thead><tbody>${s.rows
    .map((r) => `<tr class="role-${r.role}"><td>${esc(ROLE_LABEL[r.role] ?? '')}</td><td class="num">${r.cut.index}</td><td>${esc(r.where)}</td>${cutCells(r.cut)}` +
      `<td>${exportable(r.cut) ? button('Export Halves…', 'exportSplit', String(r.cut.index)) : ''}</td></tr>`)
    .join('')}</tbody></table>`;
  const exported = s.exported
    ? `<section class="exported"><h2>Exported cut ${s.exported.cut}</h2><p>${esc(s.exported.where)}: wrote <code>${esc(s.exported.device)}</code> and <code>${esc(s.exported.remote)}</code>.</p>` +
      verificationHtml(`Verified in onnxruntime on ${s.exported.verify.inputs} seeded random inputs, the chained halves against the original`, s.exported.verify) + '</section>'
    : '';
  return `<h1>Split ${esc(s.model)}: ${esc(s.device)} → ${esc(s.link)} → ${esc(s.remote)}</h1>
<p>Best cut for ${esc(s.objective)}: <strong>${esc(bestWhere)}</strong> (cut ${b.index}): ${formatMs(b.totalMs)} total (device ${formatMs(b.deviceMs)}, link ${formatMs(b.linkMs)}, remote ${formatMs(b.remoteMs)}), ${formatBytes(b.bytes)} sent, ${b.deviceEnergyMj.toFixed(3)} mJ on the device; ${s.gain.latencyX.toFixed(2)}× faster and ${(s.gain.deviceEnergySaving * 100).toFixed(0)}% less device energy than all on the device.</p>
${extremeNote}${s.canExport ? '' : `<p class="note">${esc(s.exportNote ?? 'Export unavailable.')}</p>`}
${table}
${exported}
<h2>Every cut</h2>
${chart}
<div id="cut-selection" class="selection" hidden><span class="text"></span> ${button('Export halves here', 'exportSplit')}</div>
<p class="note"><span class="key s-latency"></span> total latency <span class="key s-energy"></span> device energy · the dashed line marks the best cut · each curve on its own scale${s.canExport ? ' · click a cut to export its halves' : ' · click a cut to see its figures'}.</p>
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
