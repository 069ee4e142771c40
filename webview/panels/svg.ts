// Plain SVG chart builders (strings): horizontal bars, log-log roofline scatter, budget gauges and a line chart.
// Colours come from CSS classes the panel's stylesheet maps to VS Code theme variables.

import { escapeHtml, resourceValue, type FitRow } from '../../src/core/report';
import type { Roofline } from './chartData';

const esc = escapeHtml;
const f1 = (x: number) => (Math.round(x * 10) / 10).toString();

export interface Bar {
  label: string;
  value: number;
  text: string;
  /** An interval around the value, drawn as an error bar. */
  range?: [number, number];
}

export function barChart(bars: Bar[], title: string, width = 560): string {
  const rowH = 20;
  const labelW = 150;
  const valueW = 90;
  const max = Math.max(...bars.map((b) => b.range?.[1] ?? b.value), 0) || 1;
  const h = bars.length * rowH + 8;
  const inner = width - labelW - valueW;
  const rows = bars.map((b, i) => {
    const y = i * rowH + 4;
    const w = (b.value / max) * inner;
    return `<g class="bar-row"><title>${esc(`${b.label}: ${b.text}`)}</title><text class="label" x="${labelW - 6}" y="${y + 13}" text-anchor="end">${esc(b.label)}</text>` +
      `<rect class="bar" x="${labelW}" y="${y + 2}" width="${f1(Math.max(w, b.value > 0 ? 1 : 0))}" height="${rowH - 6}"></rect>` +
      (b.range ? errorBar(labelW + (b.range[0] / max) * inner, labelW + (b.range[1] / max) * inner, y + rowH / 2 - 1) : '') +
      `<text class="value" x="${f1(labelW + (b.range ? (b.range[1] / max) * inner : w) + 4)}" y="${y + 13}">${esc(b.text)}</text></g>`;
  });
  return `<svg class="chart bars" role="img" aria-label="${esc(title)}" viewBox="0 0 ${width} ${h}" width="${width}" height="${h}">${rows.join('')}</svg>`;
}

/** A horizontal error bar from x0 to x1 with end ticks. */
function errorBar(x0: number, x1: number, y: number): string {
  return `<path class="err" d="M${f1(x0)} ${f1(y)}H${f1(x1)}M${f1(x0)} ${f1(y - 4)}V${f1(y + 4)}M${f1(x1)} ${f1(y - 4)}V${f1(y + 4)}"></path>`;
}

/** Log-log roofline: attainable ops/s = min(peak, intensity x bandwidth) per compute roof, nodes as dots. */
export function rooflineChart(r: Roofline, width = 560, height = 340): string {
  const m = { l: 64, r: 16, t: 12, b: 40 };
  const ys = [...r.points.map((p) => p.opsPerSecond), ...r.computeRoofs.map((c) => c.opsPerSecond)].filter((v) => v > 0);
  const xs = r.points.map((p) => p.intensity).filter((v) => v > 0);
  if (!ys.length) return '<p class="empty">No node has both arithmetic and an estimated latency.</p>';
  const peak = Math.max(...ys);
  const ridge = Math.max(...r.computeRoofs.map((c) => c.opsPerSecond / r.bandwidthBytesPerSecond), 1);
  const xMin = 10 ** Math.floor(Math.log10(Math.min(...xs, ridge / 10)));
  const xMax = 10 ** Math.ceil(Math.log10(Math.max(...xs, ridge * 10)));
  const yMin = 10 ** Math.floor(Math.log10(Math.min(...ys, xMin * r.bandwidthBytesPerSecond)));
  const yMax = 10 ** Math.ceil(Math.log10(peak * 1.05));
  const X = (v: number) => m.l + ((Math.log10(v) - Math.log10(xMin)) / (Math.log10(xMax) - Math.log10(xMin))) * (width - m.l - m.r);
  const Y = (v: number) => height - m.b - ((Math.log10(v) - Math.log10(yMin)) / (Math.log10(yMax) - Math.log10(yMin))) * (height - m.t - m.b);
  const parts: string[] = [];
  for (let e = Math.log10(xMin); e <= Math.log10(xMax); e++) {
    parts.push(`<line class="grid" x1="${f1(X(10 ** e))}" x2="${f1(X(10 ** e))}" y1="${m.t}" y2="${height - m.b}"></line><text class="tick" x="${f1(X(10 ** e))}" y="${height - m.b + 14}" text-anchor="middle">${tick(10 ** e)}</text>`);
  }
  for (let e = Math.log10(yMin); e <= Math.log10(yMax); e++) {
    parts.push(`<line class="grid" x1="${m.l}" x2="${width - m.r}" y1="${f1(Y(10 ** e))}" y2="${f1(Y(10 ** e))}"></line><text class="tick" x="${m.l - 4}" y="${f1(Y(10 ** e) + 4)}" text-anchor="end">${tick(10 ** e)}</text>`);
  }
  parts.push(`<text class="axis" x="${(m.l + width - m.r) / 2}" y="${height - 6}" text-anchor="middle">arithmetic intensity (ops/byte)</text>`);
  parts.push(`<text class="axis" transform="translate(12 ${(m.t + height - m.b) / 2}) rotate(-90)" text-anchor="middle">ops/s</text>`);
  // Bandwidth roof up to the highest ridge, then each compute roof from its own ridge.
  r.computeRoofs.forEach((c, i) => {
    const ridgeX = c.opsPerSecond / r.bandwidthBytesPerSecond;
    const x0 = Math.max(xMin, yMin / r.bandwidthBytesPerSecond);
    // The slope is drawn once, with the highest roof; lower roofs start at their own ridge on it.
    const start = i === 0 ? `${f1(X(x0))},${f1(Y(x0 * r.bandwidthBytesPerSecond))} ` : '';
    parts.push(`<polyline class="roof roof-${i}" points="${start}${f1(X(ridgeX))},${f1(Y(c.opsPerSecond))} ${f1(X(xMax))},${f1(Y(c.opsPerSecond))}"><title>${esc(`${c.dtype} peak ${tick(c.opsPerSecond)}ops/s; ridge at ${ridgeX.toPrecision(3)} ops/byte`)}</title></polyline>`);
    parts.push(`<text class="roof-label" x="${width - m.r - 4}" y="${f1(Y(c.opsPerSecond) - 4)}" text-anchor="end">${esc(c.dtype)} ${tick(c.opsPerSecond)}ops/s</text>`);
  });
  // Bandwidth label halfway up the slope (geometric middle on log axes), left of the line.
  const x0 = Math.max(xMin, yMin / r.bandwidthBytesPerSecond);
  const xm = Math.sqrt(x0 * (r.computeRoofs[0] ? r.computeRoofs[0].opsPerSecond / r.bandwidthBytesPerSecond : x0 * 10));
  parts.push(`<text class="roof-label" x="${f1(X(xm) - 8)}" y="${f1(Y(xm * r.bandwidthBytesPerSecond))}" text-anchor="end">${tick(r.bandwidthBytesPerSecond)}B/s</text>`);
  for (const p of r.points) {
    parts.push(`<circle class="pt ${p.bound}" cx="${f1(X(p.intensity))}" cy="${f1(Y(p.opsPerSecond))}" r="3.5"><title>${esc(`${p.name} (${p.opType}): ${p.intensity.toPrecision(3)} ops/byte, ${tick(p.opsPerSecond)}ops/s, ${resourceValue(p.latencyMs, 'ms')}, ${p.bound}-bound`)}</title></circle>`);
  }
  return `<svg class="chart roofline" role="img" aria-label="Roofline" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}">${parts.join('')}</svg>`;
}

/** The estimate's interval drawn over a gauge: a translucent band with whiskers at its ends. */
function band(x0: number, x1: number, y: number): string {
  return `<rect class="range" x="${f1(x0)}" y="${y + 4}" width="${f1(Math.max(x1 - x0, 1))}" height="12"></rect>${errorBar(x0, x1, y + 10)}`;
}

export function gauges(rows: FitRow[], width = 560): string {
  if (!rows.length) return '<p class="empty">Select a device to see latency, RAM and flash against its budget.</p>';
  const rowH = 34;
  const labelW = 70;
  const inner = width - labelW - 180;
  const h = rows.length * rowH + 6;
  const parts = rows.map((r, i) => {
    const y = i * rowH + 6;
    const use = r.budget > 0 ? r.demand / r.budget : Infinity;
    const w = Math.min(use, 1.5) / 1.5 * inner;
    const mark = labelW + inner / 1.5;
    const lead = r.bound === 'lower' ? '≥ ' : r.bound === 'upper' ? '≤ ' : '';
    const cls = r.verdict === 'unknown' ? 'unknown' : r.fits ? 'fits' : 'over';
    const rangeText = r.range ? `, range ${resourceValue(r.range[0], r.unit)}–${resourceValue(r.range[1], r.unit)}` : '';
    return `<g class="gauge ${cls}"><title>${esc(`${r.label}: ${lead}${resourceValue(r.demand, r.unit)} of ${resourceValue(r.budget, r.unit)} (${(use * 100).toFixed(0)}%)${rangeText}${r.verdict === 'unknown' ? `: no verdict, a ${r.bound} bound (unknown shapes)` : ''}`)}</title>` +
      `<text class="label" x="0" y="${y + 15}">${esc(r.label)}</text><rect class="track" x="${labelW}" y="${y}" width="${inner}" height="20"></rect>` +
      `<rect class="fill" x="${labelW}" y="${y}" width="${f1(w)}" height="20"></rect>` +
      (r.range && r.budget > 0 ? band(labelW + (Math.min(r.range[0] / r.budget, 1.5) / 1.5) * inner, labelW + (Math.min(r.range[1] / r.budget, 1.5) / 1.5) * inner, y) : '') +
      `<line class="budget" x1="${f1(mark)}" x2="${f1(mark)}" y1="${y - 3}" y2="${y + 23}"></line>` +
      `<text class="value" x="${labelW + inner + 8}" y="${y + 15}">${esc(`${lead}${resourceValue(r.demand, r.unit)} / ${resourceValue(r.budget, r.unit)} (${Number.isFinite(use) ? (use * 100).toFixed(0) : '∞'}%)${r.verdict === 'unknown' ? ' ?' : ''}`)}</text></g>`;
  });
  return `<svg class="chart gauges" role="img" aria-label="Budget gauges" viewBox="0 0 ${width} ${h}" width="${width}" height="${h}">${parts.join('')}</svg>`;
}

export interface Series {
  name: string;
  cls: string;
  values: number[];
  unit: string;
}

/** Clickable x positions: clicking one fills the element `target` (see panels/shell.ts) with its text and arg. */
export interface ChartHits {
  target: string;
  /** One per x position, aligned with the series values. */
  hits: { arg: string; text: string; disabled?: boolean }[];
}

/** Hit columns drawn at most: beyond this, every k-th x position gets one (a 13k-node model stays a small page). */
const MAX_HITS = 1500;

/**
 * Several series over the same x (cut index), each on its own normalised scale, with one x highlighted; with `hits`,
 * a transparent column over each x position selects it.
 */
export function lineChart(series: Series[], highlight: number, xLabel: string, hits?: ChartHits, width = 560, height = 260): string {
  const m = { l: 16, r: 16, t: 14, b: 34 };
  const n = Math.max(...series.map((s) => s.values.length));
  if (n < 2) return '<p class="empty">Too few cut points to draw.</p>';
  const X = (i: number) => m.l + (i / (n - 1)) * (width - m.l - m.r);
  const parts: string[] = [];
  parts.push(`<line class="grid" x1="${m.l}" x2="${width - m.r}" y1="${height - m.b}" y2="${height - m.b}"></line>`);
  parts.push(`<line class="best" x1="${f1(X(highlight))}" x2="${f1(X(highlight))}" y1="${m.t}" y2="${height - m.b}"></line>`);
  series.forEach((s, si) => {
    const max = Math.max(...s.values) || 1;
    const Y = (v: number) => height - m.b - (v / max) * (height - m.t - m.b);
    parts.push(`<polyline class="line ${s.cls}" points="${s.values.map((v, i) => `${f1(X(i))},${f1(Y(v))}`).join(' ')}"><title>${esc(s.name)}</title></polyline>`);
    const hv = s.values[highlight];
    if (hv !== undefined) parts.push(`<circle class="pt ${s.cls}" cx="${f1(X(highlight))}" cy="${f1(Y(hv))}" r="4"><title>${esc(`${s.name} at the best cut: ${hv.toPrecision(4)} ${s.unit}`)}</title></circle>`);
    parts.push(`<text class="legend ${s.cls}" x="${m.l + 4 + si * 200}" y="${m.t - 2}">${esc(`${s.name} (max ${max.toPrecision(3)} ${s.unit})`)}</text>`);
  });
  if (hits) {
    const step = Math.max(1, Math.ceil(n / MAX_HITS));
    const w = ((width - m.l - m.r) / Math.max(1, n - 1)) * step;
    parts.push(`<line id="${esc(hits.target)}-mark" class="chosen" x1="0" x2="0" y1="${m.t}" y2="${height - m.b}" visibility="hidden"></line>`);
    for (let i = 0; i < n; i += step) {
      const h = hits.hits[i];
      if (!h) continue;
      const x = X(i);
      parts.push(`<rect class="hit" x="${f1(x - w / 2)}" y="${m.t}" width="${f1(w)}" height="${height - m.t - m.b}" data-select="${esc(hits.target)}" data-arg="${esc(h.arg)}" data-x="${f1(x)}" data-text="${esc(h.text)}"${h.disabled ? ' data-disabled="1"' : ''}><title>${esc(h.text)}</title></rect>`);
    }
  }
  parts.push(`<text class="tick" x="${m.l}" y="${height - m.b + 14}">0</text><text class="tick" x="${width - m.r}" y="${height - m.b + 14}" text-anchor="end">${n - 1}</text>`);
  parts.push(`<text class="axis" x="${width / 2}" y="${height - 6}" text-anchor="middle">${esc(xLabel)}</text>`);
  return `<svg class="chart lines" role="img" aria-label="${esc(xLabel)}" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}">${parts.join('')}</svg>`;
}

/** 1.2e9 → "1.2 G" (SI prefixes for axis ticks). */
export function tick(v: number): string {
  const units: [number, string][] = [[1e12, 'T'], [1e9, 'G'], [1e6, 'M'], [1e3, 'k']];
  for (const [s, u] of units) if (v >= s) return `${+(v / s).toPrecision(3)} ${u}`;
  if (v >= 1) return `${+v.toPrecision(3)} `;
  return `${+v.toPrecision(2)} `;
}
