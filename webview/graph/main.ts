// Graph webview entry: wires the canvas, toolbar (search, metric, device, zoom), minimap, hotspot legend and
// inspector to the host's messages. Layouts arrive finished from the language server; nothing is laid out here.

import type { LaidNode, ModelOutline, SubgraphStep } from '../../src/core/layout/types';
import { clear, h } from './dom';
import { Inspector, type MetricLine } from './inspector';
import { computeHeat, formatValue, heatColor, heatTextColor, legendTicks, topHotspots } from './logic/heat';
import { createNavigator, type Direction, type Navigator } from './logic/navigate';
import { searchGraph, stepHit, type SearchHit } from './logic/search';
import { HOTSPOT_METRICS, isHostToGraph, type GraphToHost, type HotspotMetric, type NodeMetrics } from './messages';
import { Minimap } from './minimap';
import { GraphView } from './view';

interface VsCodeApi {
  postMessage(message: GraphToHost): void;
  getState(): unknown;
  setState(state: unknown): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

interface SavedState {
  metric: HotspotMetric | 'none';
  query: string;
}

const vscode = acquireVsCodeApi();
const saved = (vscode.getState() as SavedState | undefined) ?? { metric: 'none', query: '' };

let outline: ModelOutline | undefined;
let metrics: NodeMetrics | undefined;
let metric: HotspotMetric | 'none' = saved.metric;
let hits: SearchHit[] = [];
let hitCursor = -1;
let navigator: Navigator | undefined;
let pendingFocus: string | undefined;
let firstLayout = true;
/** Path of the drawn graph from the main graph ([] = main graph). */
let graphPath: SubgraphStep[] = [];

// ---- DOM ----
const app = h('div', { class: 'graph-app' });
document.body.append(app);

const search = h('input', { class: 'search', attrs: { type: 'search', placeholder: 'Search name, op type, tensor  (/)', 'aria-label': 'Search the graph' } });
search.value = saved.query;
const searchCount = h('span', { class: 'search-count', attrs: { 'aria-live': 'polite' } });
const prevButton = h('button', { class: 'icon', text: '↑', title: 'Previous match (Shift+Enter)', attrs: { 'aria-label': 'Previous match' } });
const nextButton = h('button', { class: 'icon', text: '↓', title: 'Next match (Enter)', attrs: { 'aria-label': 'Next match' } });
const metricSelect = h('select', { title: 'Hotspot overlay: colour nodes by their share of a metric', attrs: { 'aria-label': 'Hotspot metric' } });
const deviceButton = h('button', { class: 'device', text: 'No device', title: 'Switch the active device' });
const fitButton = h('button', { text: 'Fit', title: 'Fit the graph (F); 0 shows the whole graph' });
const zoomIn = h('button', { class: 'icon', text: '+', title: 'Zoom in (+)', attrs: { 'aria-label': 'Zoom in' } });
const zoomOut = h('button', { class: 'icon', text: '−', title: 'Zoom out (-)', attrs: { 'aria-label': 'Zoom out' } });
const collapseButton = h('button', { text: 'Collapse', title: 'Collapse every name scope (large graphs)' });
const backButton = h('button', { text: '← Main graph', title: 'Back to the main graph' });
const crumb = h('span', { class: 'crumb' });
const breadcrumb = h('span', { class: 'breadcrumb' }, [backButton, crumb]);
breadcrumb.hidden = true;
const toolbar = h('div', { class: 'toolbar', attrs: { role: 'toolbar' } }, [
  breadcrumb, search, searchCount, prevButton, nextButton,
  h('span', { class: 'sep' }), h('label', { text: 'Overlay' }), metricSelect, deviceButton,
  h('span', { class: 'sep' }), zoomOut, zoomIn, fitButton, collapseButton,
]);
const stage = h('div', { class: 'stage' });
const message = h('div', { class: 'message', attrs: { role: 'status' } });
const legend = h('div', { class: 'legend', attrs: { 'aria-label': 'Hotspot legend' } });
legend.hidden = true;
app.append(toolbar, stage);
stage.append(message, legend);

const graph = new GraphView(stage, {
  select: (id) => onSelect(id),
  activate: (id) => activate(id),
  viewChanged: () => minimap.draw(graph.visibleRect()),
});
const minimap = new Minimap(stage, (gx, gy) => graph.centerAt(gx, gy));
const inspector = new Inspector(app, {
  requestWeightStats: (nodeIndex, tensor) => vscode.postMessage({ type: 'requestWeightStats', nodeIndex, tensor }),
  expand: (scope) => expandScopes([scope]),
  openSubgraph: (step) => openGraph([...graphPath, step]),
  close: () => graph.select(undefined),
});

// ---- state helpers ----
function save(): void {
  vscode.setState({ metric, query: search.value } satisfies SavedState);
}

function showMessage(text: string, isError = false): void {
  message.textContent = text;
  message.classList.toggle('error', isError);
  message.hidden = text === '';
}

function metricValues(): (number | null)[] | undefined {
  return metric === 'none' ? undefined : metrics?.values[metric];
}

function metricInfo(): { label: string; unit: string } {
  return HOTSPOT_METRICS.find((m) => m.id === metric) ?? { label: '', unit: '' };
}

function metricLineFor(node: LaidNode): MetricLine | undefined {
  const values = metricValues();
  const layout = graph.current();
  if (!values || !layout) return undefined;
  const heat = computeHeat({ ...layout, nodes: [node] }, values);
  const value = heat.values.get(node.id);
  if (value === undefined) return undefined;
  const info = metricInfo();
  return { label: info.label, unit: info.unit, value, share: heat.total > 0 ? value / heat.total : 0 };
}

/** Shows "Laying out…" until a layout (or error) arrives; says so if the host never answers. */
let waiting: ReturnType<typeof setTimeout> | undefined;
function awaitLayout(): void {
  showMessage('Laying out…');
  clearTimeout(waiting);
  waiting = setTimeout(() => showMessage('The editor did not answer with a layout; try reopening the file.', true), 30_000);
}

function expandScopes(scopes: string[], focus?: string): void {
  const layout = graph.current();
  if (!layout) return;
  const expanded = [...new Set([...layout.expanded, ...scopes])];
  awaitLayout();
  vscode.postMessage({ type: 'expand', expanded, focus });
}

function activate(id: string): void {
  const node = graph.node(id);
  if (node?.kind === 'group' && node.scope) expandScopes([node.scope], node.id);
  const sub = node?.subgraphs?.[0];
  if (node?.nodeIndex !== undefined && sub) openGraph([...graphPath, { nodeIndex: node.nodeIndex, attribute: sub.attribute, branch: sub.branch }]);
}

function openGraph(path: SubgraphStep[]): void {
  awaitLayout();
  vscode.postMessage({ type: 'openGraph', path });
}

function onSelect(id: string | undefined): void {
  if (!id) {
    inspector.hide();
    return;
  }
  const node = graph.node(id);
  if (!node) return;
  inspector.showBox(node, outline, metricLineFor(node));
  if (node.kind === 'op' && node.nodeIndex !== undefined) vscode.postMessage({ type: 'inspect', nodeIndex: node.nodeIndex });
}

// ---- search ----
function runSearch(): void {
  const layout = graph.current();
  hits = outline && layout ? searchGraph(outline, layout, search.value) : [];
  hitCursor = -1;
  graph.setMatches(hits.map((x) => x.boxId));
  searchCount.textContent = search.value.trim() ? `${hits.length} match${hits.length === 1 ? '' : 'es'}` : '';
  save();
}

function goToHit(delta: 1 | -1): void {
  if (hits.length === 0) return;
  hitCursor = stepHit(hitCursor, hits.length, delta);
  const hit = hits[hitCursor]!;
  searchCount.textContent = `${hitCursor + 1} of ${hits.length}`;
  goTo(hit.targetId, hit.reveal);
}

/** Selects a box, first opening the groups that hide it (the host re-lays out and we focus it on arrival). */
function goTo(targetId: string, reveal: string[]): void {
  if (reveal.length > 0) {
    pendingFocus = targetId;
    expandScopes(reveal, targetId);
    return;
  }
  graph.reveal(targetId);
  graph.select(targetId);
}

search.addEventListener('input', runSearch);
search.addEventListener('keydown', (e) => {
  if (e.key === 'Enter' || e.key === 'F3') {
    e.preventDefault();
    goToHit(e.shiftKey ? -1 : 1);
  } else if (e.key === 'Escape') {
    search.value = '';
    runSearch();
    graph.svg.focus();
  }
});
prevButton.addEventListener('click', () => goToHit(-1));
nextButton.addEventListener('click', () => goToHit(1));

// ---- hotspot overlay ----
function fillMetricSelect(): void {
  clear(metricSelect);
  metricSelect.append(h('option', { text: 'None (op families)', attrs: { value: 'none' } }));
  for (const m of HOTSPOT_METRICS) {
    const available = metrics?.values[m.id] !== undefined;
    const option = h('option', { text: available ? m.label : `${m.label} (${m.id === 'patchTile' ? 'no patch region' : 'needs a device'})`, attrs: { value: m.id } });
    option.disabled = !available;
    metricSelect.append(option);
  }
  if (metric !== 'none' && metrics?.values[metric] === undefined) metric = 'none';
  metricSelect.value = metric;
  deviceButton.textContent = metrics?.device ? metrics.device.name : 'No device';
}

function recolour(): void {
  const layout = graph.current();
  const values = metricValues();
  if (!layout || !values || !outline) {
    graph.setHeat(undefined);
    minimap.setFills(undefined);
    legend.hidden = true;
    minimap.draw(graph.visibleRect());
    return;
  }
  const heat = computeHeat(layout, values);
  const fill = new Map<string, string>();
  const text = new Map<string, string>();
  for (const [id, t] of heat.position) {
    fill.set(id, heatColor(t));
    text.set(id, heatTextColor(t));
  }
  graph.setHeat({ fill, text });
  minimap.setFills(fill);
  minimap.draw(graph.visibleRect());
  drawLegend(heat.max, heat.total, values);
}

function drawLegend(max: number, total: number, values: (number | null)[]): void {
  const info = metricInfo();
  clear(legend);
  legend.hidden = false;
  const bar = h('div', { class: 'legend-bar' });
  const ticks = h('div', { class: 'legend-ticks' });
  for (const t of legendTicks(max)) {
    const sw = h('span', { class: 'legend-stop' });
    sw.style.background = heatColor(t.t);
    bar.append(sw);
    ticks.append(h('span', { text: formatValue(t.value, info.unit === 'bytes' ? 'bytes' : '') }));
  }
  const device = metrics?.device && (metric === 'latency' || metric === 'energy') ? ` on ${metrics.device.name}` : '';
  if (!(max > 0)) {
    legend.append(h('div', { class: 'legend-title', text: `${info.label}${device}` }),
      h('div', { class: 'legend-note', text: 'No node has a figure above zero for this metric (unknown shapes leave costs at zero; pin input shapes to cost them).' }));
    return;
  }
  legend.append(
    h('div', { class: 'legend-title', text: `${info.label}${device}: total ${formatValue(total, info.unit)}` }),
    bar,
    ticks,
    h('div', { class: 'legend-note', text: 'colour: share of the largest box (square-root scale); grey: no figure' }),
  );
  // In a nested graph: whether it runs, which branch, how many iterations the figures are per.
  if (metrics?.note) legend.append(h('div', { class: 'legend-note subgraph-note', text: metrics.note }));
  const list = h('ol', { class: 'hotspots', attrs: { 'aria-label': 'Top hotspots' } });
  for (const spot of topHotspots(outline!, values, 10)) {
    const item = h('li', {}, [
      h('span', { class: 'hs-share', text: `${(spot.share * 100).toFixed(1)}%` }),
      h('span', { class: 'hs-op', text: spot.opType }),
      h('span', { class: 'hs-name', text: spot.name || `#${spot.nodeIndex}`, title: spot.name }),
    ]);
    item.tabIndex = 0;
    const jump = () => {
      const layout = graph.current();
      if (!layout || !outline) return;
      const hit = searchGraph(outline, layout, outline.nodes[spot.nodeIndex]!.name || outline.nodes[spot.nodeIndex]!.opType)
        .find((x) => x.nodeIndex === spot.nodeIndex);
      if (hit) goTo(hit.targetId, hit.reveal);
    };
    item.addEventListener('click', jump);
    item.addEventListener('keydown', (e) => e.key === 'Enter' && jump());
    list.append(item);
  }
  legend.append(h('div', { class: 'legend-title', text: 'Top hotspots' }), list);
}

metricSelect.addEventListener('change', () => {
  metric = metricSelect.value as HotspotMetric | 'none';
  save();
  vscode.postMessage({ type: 'metricChanged', metric });
  recolour();
  if (graph.selected) onSelect(graph.selected);
});
backButton.addEventListener('click', () => openGraph([]));
deviceButton.addEventListener('click', () => vscode.postMessage({ type: 'selectDevice' }));
fitButton.addEventListener('click', () => graph.fit());
zoomIn.addEventListener('click', () => graph.zoom(1.25));
zoomOut.addEventListener('click', () => graph.zoom(0.8));
collapseButton.addEventListener('click', () => {
  awaitLayout();
  vscode.postMessage({ type: 'expand', expanded: [] });
});

// ---- keyboard ----
graph.svg.addEventListener('keydown', (e) => {
  const dirs: Record<string, Direction> = { ArrowUp: 'up', ArrowDown: 'down', ArrowLeft: 'left', ArrowRight: 'right' };
  const dir = dirs[e.key];
  if (dir) {
    e.preventDefault();
    const layout = graph.current();
    if (!layout) return;
    if (!graph.selected) {
      const pan = 60;
      graph.panBy(dir === 'left' ? pan : dir === 'right' ? -pan : 0, dir === 'up' ? pan : dir === 'down' ? -pan : 0);
      return;
    }
    const next = navigator?.step(graph.selected, dir);
    if (next) goTo(next, []);
    return;
  }
  if (e.key === 'Enter' && graph.selected) activate(graph.selected);
  else if (e.key === '+' || e.key === '=') graph.zoom(1.25);
  else if (e.key === '-') graph.zoom(0.8);
  else if (e.key === 'f' || e.key === 'F') graph.fit();
  else if (e.key === '0') graph.fitAll();
  else if (e.key === 'Escape') graph.select(undefined);
  else if (e.key === 'Tab' && !e.shiftKey && !graph.selected) {
    const first = graph.current()?.nodes[0];
    if (first) {
      e.preventDefault();
      goTo(first.id, []);
    }
  } else return;
  e.preventDefault();
});
window.addEventListener('keydown', (e) => {
  // The page may hold other views (the editor's details tab): act only while the graph is shown and the user is
  // not typing elsewhere.
  const typing = document.activeElement instanceof HTMLInputElement || document.activeElement instanceof HTMLTextAreaElement;
  if (app.offsetParent === null || (typing && document.activeElement !== search)) return;
  if ((e.key === 'f' && (e.ctrlKey || e.metaKey)) || (e.key === '/' && document.activeElement !== search)) {
    e.preventDefault();
    search.focus();
    search.select();
  } else if (e.key === 'F3') {
    e.preventDefault();
    goToHit(e.shiftKey ? -1 : 1);
  }
});

// ---- messages from the host ----
window.addEventListener('message', (event: MessageEvent) => {
  const m = event.data;
  if (!isHostToGraph(m)) return;
  switch (m.type) {
    case 'outline':
      outline = m.outline;
      runSearch();
      break;
    case 'layout': {
      clearTimeout(waiting);
      showMessage('');
      const focus = m.focus ?? pendingFocus;
      pendingFocus = undefined;
      const path = m.layout.graphPath ?? [];
      const otherGraph = JSON.stringify(path) !== JSON.stringify(graphPath);
      if (otherGraph) {
        graphPath = path;
        graph.select(undefined);
      }
      breadcrumb.hidden = path.length === 0;
      crumb.textContent = m.layout.graphTitle ?? '';
      graph.setLayout(m.layout, !firstLayout && !otherGraph);
      firstLayout = false;
      minimap.setLayout(m.layout);
      navigator = createNavigator(m.layout);
      collapseButton.hidden = !m.layout.nodes.some((n) => n.kind === 'group') && m.layout.expanded.length === 0;
      runSearch();
      recolour();
      if (focus && graph.node(focus)) {
        graph.reveal(focus);
        graph.select(focus);
      } else if (graph.selected) graph.select(graph.selected, false);
      minimap.draw(graph.visibleRect());
      break;
    }
    case 'metrics':
      metrics = m.metrics;
      fillMetricSelect();
      recolour();
      break;
    case 'setMetric':
      metric = m.metric;
      fillMetricSelect();
      recolour();
      break;
    case 'nodeDetails': {
      const id = graph.selected;
      const node = id ? graph.node(id) : undefined;
      if (node?.nodeIndex === m.details.nodeIndex) inspector.showDetails(m.details, metricLineFor(node));
      break;
    }
    case 'weightStats':
      inspector.showWeightStats(m.stats.tensor, m.stats);
      break;
    case 'weightStatsError':
      inspector.showWeightStats(m.tensor, m.message);
      break;
    case 'progress':
      showMessage(m.message);
      break;
    case 'error':
      clearTimeout(waiting);
      showMessage(m.message, true);
      break;
  }
});

fillMetricSelect();
showMessage('Loading graph…');
vscode.postMessage({ type: 'ready' });
