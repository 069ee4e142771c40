// The report as one self-contained HTML file (inline CSS, no scripts): the same sections as the Markdown report.

import { estimateSentence } from './rangeText';
import { formatBytes, formatCount, formatMs, formatShape } from '../format';
import { opTypeBreakdown, topNodes } from './breakdown';
import { boundedValue, fitRows, resourceValue, verdictText } from './rows';
import type { ReportInput } from './types';

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);
}

const table = (header: string[], rows: string[][], numericFrom = 1) =>
  `<table><thead><tr>${header.map((h) => `<th>${escapeHtml(h)}</th>`).join('')}</tr></thead><tbody>${rows
    .map((r) => `<tr>${r.map((c, i) => `<td${i >= numericFrom ? ' class="num"' : ''}>${escapeHtml(c)}</td>`).join('')}</tr>`)
    .join('')}</tbody></table>`;

// Theme variables first so the same markup reads well inside a VS Code webview; plain colours when opened alone.
const STYLE = `body{font-family:var(--vscode-font-family,system-ui,sans-serif);color:var(--vscode-foreground,#1f1f1f);background:var(--vscode-editor-background,#fff);margin:1.5em;max-width:72em}
table{border-collapse:collapse;margin:.5em 0 1.2em}th,td{border:1px solid var(--vscode-panel-border,#ccc);padding:.25em .6em;text-align:left}
td.num{text-align:right;font-variant-numeric:tabular-nums}th{background:var(--vscode-editorWidget-background,#f3f3f3)}
.over{color:var(--vscode-errorForeground,#c00);font-weight:bold}.ok{color:var(--vscode-testing-iconPassed,#1a7f37)}code{font-family:var(--vscode-editor-font-family,monospace)}`;

export function renderHtml(input: ReportInput): string {
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="UTF-8"><title>${escapeHtml(reportTitle(input))}</title><style>${STYLE}</style></head>
<body>${reportBody(input)}</body></html>
`;
}

export function reportTitle(input: ReportInput): string {
  return `AIoT Lens report: ${input.analysis.model.path.split(/[\\/]/).pop()}`;
}

/** The report's sections without <html>/<head>, for embedding in a webview page. */
export function reportBody(input: ReportInput): string {
  const { analysis: a, estimate: e, advice } = input;
  const t = a.totals;
  const parts: string[] = [`<h1>${escapeHtml(reportTitle(input))}</h1>`];
  if (input.generatedAt) parts.push(`<p>Generated ${escapeHtml(input.generatedAt)} by AIoT Lens.</p>`);
  parts.push('<h2>Model</h2>', table(['figure', 'value'], [
    ['file', a.model.path],
    ['nodes', String(a.model.nodeCount)],
    ['inputs', a.inputs.map((x) => `${x.name} ${x.dtype} ${formatShape(x.shape)}`).join('; ')],
    ['outputs', a.outputs.map((x) => `${x.name} ${x.dtype} ${formatShape(x.shape)}`).join('; ')],
    ['parameters', `${formatCount(t.params)} (${t.params})`],
    ['MACs', `${formatCount(t.macs)} (${t.macs})`],
    ['weights', formatBytes(t.weightBytes)],
    ['peak activations', `${mark(a.memory?.bound)}${formatBytes(t.peakActivationBytes)} (${a.memory?.view ?? 'as stored in the model'})`],
    ['arena', `${mark(a.memory?.bound)}${formatBytes(t.arenaBytes)}`],
    ...(a.memory?.reference ? [[`reference: ${a.memory.reference.view}`, `peak ${formatBytes(a.memory.reference.peakActivationBytes)}, arena ${formatBytes(a.memory.reference.arenaBytes)} (not what a runtime holds)`]] : []),
  ]));
  if (e) {
    parts.push(`<h2>On ${escapeHtml(e.device)}</h2>`);
    parts.push(`<table><thead><tr><th>resource</th><th>demand</th><th>budget</th><th>fits</th></tr></thead><tbody>${fitRows(e)
      .map((r) => `<tr><td>${r.label}</td><td class="num">${escapeHtml(boundedValue(r.demand, r.unit, r.bound))}</td><td class="num">${resourceValue(r.budget, r.unit)}</td><td class="${r.verdict === 'fits' ? 'ok' : r.verdict === 'over' ? 'over' : ''}">${escapeHtml(verdictText(r))}</td></tr>`)
      .join('')}</tbody></table>`);
    parts.push(`<p>${escapeHtml(estimateSentence(e))}</p>`);
  }
  if (advice) {
    const b = advice.bottleneck;
    parts.push('<h2>Bottleneck</h2>', `<p><strong class="${b.fits ? '' : 'over'}">${escapeHtml(b.resource)}</strong> (${escapeHtml(b.module)}${b.fits ? ', fits' : ', over budget'}): ${escapeHtml(b.reason)}</p>`);
    if (advice.warnings?.length) parts.push(`<ul>${advice.warnings.map((w) => `<li class="over">${escapeHtml(w)}</li>`).join('')}</ul>`);
    parts.push(table(['resource', 'demand', 'budget', 'use', 'verdict'], advice.resources.map((r) => [
      r.name, `${mark(r.bound)}${formatAdviceValue(r.demand, r.unit)}`, r.budget === null ? 'none' : formatAdviceValue(r.budget, r.unit), r.utilization === null ? '' : `${(r.utilization * 100).toFixed(0)}%`,
      r.verdict === 'unknown' ? `no verdict (a ${r.bound} bound)` : r.verdict === 'over' ? 'over' : r.verdict === 'fits' ? 'fits' : '',
    ])));
    if (advice.applied?.length) parts.push(`<p>Already applied, not suggested again: ${escapeHtml(advice.applied.map((x) => `${x.id} (${x.evidence})`).join('; '))}</p>`);
    parts.push(`<table><thead><tr><th>#</th><th>technique</th><th>latency</th><th>RAM</th><th>flash</th><th>command</th></tr></thead><tbody>${advice.suggestions
      .map((s, i) => `<tr><td>${i + 1}</td><td>${escapeHtml(s.technique)}${s.analytic ? ' <em>(analytic)</em>' : ''}${s.note ? `<br><small>${escapeHtml(s.note)}</small>` : ''}</td><td class="num">${formatMs(s.estimate.latencyMs)}</td><td class="num">${formatBytes(s.estimate.peakRamBytes)}</td><td class="num">${formatBytes(s.estimate.flashBytes)}</td><td><code>${escapeHtml(s.command)}</code></td></tr>`)
      .join('')}</tbody></table>`);
    if (advice.elsewhere?.length) {
      parts.push(`<h3>Does not fix ${escapeHtml(advice.bottleneck.resource)}</h3>`, `<table><thead><tr><th>technique</th><th>why</th><th>latency</th><th>RAM</th><th>flash</th><th>command</th></tr></thead><tbody>${advice.elsewhere
        .map((s) => `<tr><td>${escapeHtml(s.technique)}</td><td>${escapeHtml(s.reason)}</td><td class="num">${formatMs(s.estimate.latencyMs)}</td><td class="num">${formatBytes(s.estimate.peakRamBytes)}</td><td class="num">${formatBytes(s.estimate.flashBytes)}</td><td><code>${escapeHtml(s.command)}</code></td></tr>`)
        .join('')}</tbody></table>`);
    }
  }
  parts.push('<h2>Operator types</h2>', table(['op', 'count', 'MACs', 'params', 'weights', ...(e ? ['latency'] : [])], opTypeBreakdown(a, e).map((r) => [
    r.opType, String(r.count), formatCount(r.macs), formatCount(r.params), formatBytes(r.weightBytes), ...(e ? [formatMs(r.latencyMs ?? 0)] : []),
  ])));
  parts.push(`<h2>Top nodes${e ? ' by latency' : ' by MACs'}</h2>`, table(['node', 'op', 'MACs', ...(e ? ['latency', 'bound'] : [])], topNodes(a, e, 10).map((n) => [
    n.name, n.opType, formatCount(n.macs), ...(e ? [formatMs(n.latencyMs ?? 0), n.bound ?? ''] : []),
  ]), 2));
  const notes = [...new Set([...a.warnings, ...(e?.warnings ?? []), ...(a.memory?.notes ?? []), ...(a.assumptions ?? []), ...(e?.assumptions ?? []), ...(advice?.assumptions ?? [])])];
  if (notes.length) parts.push('<h2>Warnings and assumptions</h2>', `<ul>${notes.map((n) => `<li>${escapeHtml(n)}</li>`).join('')}</ul>`);
  return parts.join('\n');
}

function formatAdviceValue(v: number, unit: string): string {
  if (unit === 'bytes') return formatBytes(v);
  if (unit === 'ms') return formatMs(v);
  if (unit === 'bytes/s') return `${formatBytes(v)}/s`;
  if (unit === 'J') return v >= 1 ? `${v.toFixed(1)} J` : `${(v * 1000).toFixed(2)} mJ`;
  return `${v} ${unit}`;
}

function mark(bound: 'lower' | 'upper' | undefined): string {
  return bound === 'lower' ? '≥ ' : bound === 'upper' ? '≤ ' : '';
}
