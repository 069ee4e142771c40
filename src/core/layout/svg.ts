// Draws a GraphLayout as SVG markup (pure string building): the CLI's `--svg`, the docs' images and the webview's
// graph layer all come from this one function, so they look the same.

import { BOX } from './box';
import { CATEGORY_COLORS, type OpCategory } from './categories';
import { textWidth } from './text';
import type { GraphLayout, LaidEdge, LaidNode } from './types';

export interface SvgOptions {
  /** A complete document with the stylesheet and a background (CLI); false gives the inner markup only (webview). */
  standalone?: boolean;
  /** Colours for the standalone stylesheet's fallbacks (VS Code variables win inside the editor). */
  theme?: 'light' | 'dark';
  /** Hotspot colours by node id: header fill and title text colour (standalone drawing). */
  heat?: ReadonlyMap<string, { fill: string; text: string }>;
  /** Draw edge labels (tensor shapes). Default true. */
  edgeLabels?: boolean;
}

const ESC: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
export function escapeXml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ESC[c]!);
}

function n(v: number): string {
  return String(Math.round(v * 10) / 10);
}

/**
 * An edge path through its polyline: vertical runs stay straight, each hop between ranks is a cubic with vertical
 * tangents, which gives the smooth top-to-bottom flow Netron users expect.
 */
export function edgePath(points: readonly number[]): string {
  if (points.length < 4) return '';
  let d = `M${n(points[0]!)},${n(points[1]!)}`;
  for (let k = 2; k + 1 < points.length; k += 2) {
    const ax = points[k - 2]!;
    const ay = points[k - 1]!;
    const bx = points[k]!;
    const by = points[k + 1]!;
    if (Math.abs(ax - bx) < 0.5) {
      d += `L${n(bx)},${n(by)}`;
    } else {
      const h = (by - ay) / 2;
      d += `C${n(ax)},${n(ay + h)} ${n(bx)},${n(by - h)} ${n(bx)},${n(by)}`;
    }
  }
  return d;
}

/**
 * Where an edge's shape label goes: just below the source box, beside the line on the side it does not bend
 * towards (edges leave vertically, then curve), so the curve does not run through its own label.
 */
export function edgeLabelPosition(points: readonly number[]): { x: number; y: number; anchor: 'start' | 'end' } {
  const x0 = points[0]!;
  const bendsRight = (points[2] ?? x0) > x0 + 0.5;
  return bendsRight ? { x: x0 - 4, y: points[1]! + 9, anchor: 'end' } : { x: x0 + 4, y: points[1]! + 9, anchor: 'start' };
}

function nodeMarkup(node: LaidNode, heat?: { fill: string; text: string }): string {
  const { width: w, height: h } = node;
  const cls = `node kind-${node.kind} cat-${node.category}`;
  const title = escapeXml(node.title);
  const tip = escapeXml(node.subtitle ? `${node.title} — ${node.subtitle}` : node.title);
  let s = `<g class="${cls}" data-id="${escapeXml(node.id)}" transform="translate(${n(node.x)},${n(node.y)})">`;
  s += `<title>${tip}</title>`;
  if (node.kind === 'input' || node.kind === 'output') {
    s += `<rect class="terminal" width="${n(w)}" height="${n(h)}" rx="${n(h / 2)}"/>`;
    s += `<text class="terminal-text" x="${n(w / 2)}" y="${n(h / 2 + 4)}">${title}</text>`;
    return `${s}</g>`;
  }
  const headerFill = heat?.fill ?? (node.category === 'group' ? undefined : CATEGORY_COLORS[node.category as OpCategory]);
  const fill = headerFill ? ` fill="${headerFill}"` : '';
  if (node.rows.length === 0) {
    s += `<rect class="header solo"${fill} width="${n(w)}" height="${n(h)}" rx="5"/>`;
  } else {
    s += `<rect class="body" width="${n(w)}" height="${n(h)}" rx="5"/>`;
    s += `<path class="header"${fill} d="M0,${BOX.headerHeight}V5Q0,0 5,0H${n(w - 5)}Q${n(w)},0 ${n(w)},5V${BOX.headerHeight}Z"/>`;
  }
  const label = node.kind === 'group' ? `${node.title}  (${node.members?.length ?? 0})` : node.title;
  const titleStyle = heat ? ` style="fill:${heat.text}"` : '';
  s += `<text class="title"${titleStyle} x="${n(w / 2)}" y="${BOX.headerHeight / 2 + 4}">${escapeXml(label)}</text>`;
  node.rows.forEach((row, k) => {
    const y = BOX.headerHeight + BOX.rowHeight * (k + 1) - 3;
    const lw = textWidth(row.label, BOX.rowFontPx, true);
    s += `<text class="row" x="${BOX.padX}" y="${y}"><tspan class="row-key">${escapeXml(row.label)}</tspan>`;
    if (row.value) s += `<tspan x="${n(BOX.padX + lw + 3)}">${escapeXml(row.value)}</tspan>`;
    s += '</text>';
  });
  if (node.kind === 'group') s += `<text class="expand" x="${n(w - 10)}" y="${BOX.headerHeight / 2 + 4}">+</text>`;
  return `${s}</g>`;
}

/** Placed label rectangles bucketed by 20-px row, to keep shape labels from printing over each other. */
class LabelSpace {
  private readonly rows = new Map<number, [number, number, number, number][]>();
  free(x0: number, y0: number, x1: number, y1: number): boolean {
    for (let r = Math.floor(y0 / 20); r <= Math.floor(y1 / 20); r++) {
      for (const [a, b, c, d] of this.rows.get(r) ?? []) if (x0 < c && x1 > a && y0 < d && y1 > b) return false;
    }
    return true;
  }
  take(x0: number, y0: number, x1: number, y1: number): void {
    for (let r = Math.floor(y0 / 20); r <= Math.floor(y1 / 20); r++) {
      const row = this.rows.get(r);
      if (row) row.push([x0, y0, x1, y1]);
      else this.rows.set(r, [[x0, y0, x1, y1]]);
    }
  }
}

function edgesMarkup(edges: readonly LaidEdge[], labels: boolean): string {
  let paths = '';
  let texts = '';
  const labelled = new Set<string>();
  const space = new LabelSpace();
  for (const e of edges) {
    const d = edgePath(e.points);
    if (!d) continue;
    paths += `<path class="edge" data-from="${escapeXml(e.from)}" data-to="${escapeXml(e.to)}" d="${d}" marker-end="url(#arrow)"/>`;
    const key = `${e.from}\u0000${e.tensor || e.to}`;
    if (!labels || !e.label || labelled.has(key)) continue;
    labelled.add(key);
    // Preferred side first, then the other side, then one line lower; a label that fits nowhere is left out
    // (the shape is still in the inspector and the tooltip).
    const p = edgeLabelPosition(e.points);
    const w = textWidth(e.label, BOX.edgeLabelFontPx);
    const x0 = e.points[0]!;
    const tries: { x: number; y: number; anchor: 'start' | 'end' }[] = [];
    for (const dy of [0, 10]) {
      tries.push({ ...p, y: p.y + dy });
      tries.push(p.anchor === 'end' ? { x: x0 + 4, y: p.y + dy, anchor: 'start' } : { x: x0 - 4, y: p.y + dy, anchor: 'end' });
    }
    for (const t of tries) {
      const left = t.anchor === 'end' ? t.x - w : t.x;
      if (!space.free(left, t.y - 4, left + w, t.y + 5)) continue;
      space.take(left, t.y - 4, left + w, t.y + 5);
      const anchor = t.anchor === 'end' ? ' text-anchor="end"' : '';
      texts += `<text class="edge-label"${anchor} x="${n(t.x)}" y="${n(t.y + 3)}">${escapeXml(e.label)}</text>`;
      break;
    }
  }
  return `<g class="edges">${paths}</g><g class="edge-labels">${texts}</g>`;
}

const PALETTES = {
  light: { bg: '#ffffff', fg: '#1f1f1f', body: '#ffffff', border: '#b4b4b4', edge: '#6b6b6b', label: '#6b6b6b', term: '#e8e8e8', group: '#5f6a79' },
  dark: { bg: '#1e1e1e', fg: '#d4d4d4', body: '#252526', border: '#5a5a5a', edge: '#9a9a9a', label: '#9a9a9a', term: '#3c3c3c', group: '#4b5563' },
};

/** The drawing's stylesheet: VS Code theme variables with the palette's colours as fallbacks. */
export function graphCss(theme: 'light' | 'dark' = 'light'): string {
  const p = PALETTES[theme];
  return [
    `.aiot-graph{font-family:var(--vscode-font-family,-apple-system,"Segoe UI",Helvetica,Arial,sans-serif);}`,
    `.aiot-graph .bg{fill:var(--vscode-editor-background,${p.bg});}`,
    `.aiot-graph .edge{fill:none;stroke:var(--vscode-editorLineNumber-foreground,${p.edge});stroke-width:1;}`,
    `.aiot-graph .arrow{fill:var(--vscode-editorLineNumber-foreground,${p.edge});}`,
    `.aiot-graph .edge-label{font-size:${BOX.edgeLabelFontPx}px;fill:var(--vscode-descriptionForeground,${p.label});}`,
    `.aiot-graph .body{fill:var(--vscode-editorWidget-background,${p.body});stroke:var(--vscode-contrastBorder,var(--vscode-editorWidget-border,${p.border}));stroke-width:1;}`,
    `.aiot-graph .header{stroke:var(--vscode-contrastBorder,none);}`,
    `.aiot-graph .kind-group .header{fill:var(--vscode-button-secondaryBackground,${p.group});}`,
    `.aiot-graph .kind-group .body{stroke-dasharray:4 2;}`,
    `.aiot-graph .title{font-size:${BOX.headerFontPx}px;font-weight:600;fill:#fff;text-anchor:middle;}`,
    `.aiot-graph .kind-group .title{fill:var(--vscode-button-secondaryForeground,#fff);}`,
    `.aiot-graph .expand{font-size:13px;font-weight:700;fill:var(--vscode-button-secondaryForeground,#fff);text-anchor:middle;}`,
    `.aiot-graph .row{font-size:${BOX.rowFontPx}px;fill:var(--vscode-editor-foreground,${p.fg});}`,
    `.aiot-graph .row-key{font-weight:600;}`,
    `.aiot-graph .terminal{fill:var(--vscode-badge-background,${p.term});stroke:var(--vscode-contrastBorder,var(--vscode-editorWidget-border,${p.border}));}`,
    `.aiot-graph .terminal-text{font-size:${BOX.headerFontPx}px;fill:var(--vscode-badge-foreground,${p.fg});text-anchor:middle;}`,
    `.aiot-graph .node{cursor:pointer;}`,
    `.aiot-graph .node.selected .body,.aiot-graph .node.selected .solo,.aiot-graph .node.selected .terminal{stroke:var(--vscode-focusBorder,#0078d4);stroke-width:2.5;}`,
    `.aiot-graph .node.match .body,.aiot-graph .node.match .solo,.aiot-graph .node.match .terminal{stroke:var(--vscode-editor-findMatchBorder,#e5a000);stroke-width:2.5;}`,
    `.aiot-graph.heat .node .header{fill:var(--heat,#888);}`,
    `.aiot-graph.heat .node .title{fill:var(--heat-text,#fff);}`,
    `.aiot-graph.heat .node.cold .header{fill:var(--vscode-disabledForeground,#9a9a9a);}`,
    `.aiot-graph .edge.lit{stroke:var(--vscode-focusBorder,#0078d4);stroke-width:2;}`,
  ].join('\n');
}

/** Draws a layout. Inner markup (no <svg> wrapper) when `standalone` is false. */
export function renderSvg(layout: GraphLayout, options: SvgOptions = {}): string {
  const standalone = options.standalone ?? true;
  const defs =
    '<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerUnits="userSpaceOnUse" markerWidth="7" markerHeight="7" orient="auto">' +
    '<path class="arrow" d="M0,1L10,5L0,9z"/></marker></defs>';
  let body = defs;
  if (standalone) body += `<rect class="bg" width="${layout.width}" height="${layout.height}"/>`;
  body += edgesMarkup(layout.edges, options.edgeLabels ?? true);
  body += '<g class="nodes">';
  for (const node of layout.nodes) body += nodeMarkup(node, options.heat?.get(node.id));
  body += '</g>';
  if (!standalone) return body;
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" class="aiot-graph" width="${layout.width}" height="${layout.height}" ` +
    `viewBox="0 0 ${layout.width} ${layout.height}"><style>${graphCss(options.theme)}</style>${body}</svg>\n`
  );
}
