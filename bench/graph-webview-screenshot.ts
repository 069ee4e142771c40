// Opens the real graph webview bundle in headless Chromium with a stand-in host that answers its messages from
// the engine (layout, outline, node details, metrics), then screenshots it: a look at the editor without VS Code.
// usage: node --import tsx bench/graph-webview-screenshot.ts MODEL OUT_PREFIX [--theme dark|light|hc] [--metric macs] [--all]

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import * as esbuild from 'esbuild';
import { chromium } from 'playwright-core';
import { loadModelFile } from '../src/core/onnx/load';
import { dtypeByteSize } from '../src/core/onnx/dtype';
import { tensorElementCount } from '../src/core/onnx/ir';
import { layoutPrepared, modelOutline, nodeDetails, prepareGraph, resolveExpanded, weightStats, type ValueShapes } from '../src/core/layout';
import type { NodeMetrics } from '../webview/graph/messages';

const THEMES: Record<string, Record<string, string>> = {
  dark: {
    'editor-background': '#1e1e1e', foreground: '#cccccc', 'editor-foreground': '#d4d4d4', 'editorWidget-background': '#252526',
    'editorWidget-border': '#454545', 'descriptionForeground': '#9d9d9d', 'editorLineNumber-foreground': '#858585',
    'button-secondaryBackground': '#3a3d41', 'button-secondaryForeground': '#ffffff', 'badge-background': '#4d4d4d',
    'badge-foreground': '#ffffff', 'focusBorder': '#007fd4', 'input-background': '#3c3c3c', 'input-foreground': '#cccccc',
    'dropdown-background': '#3c3c3c', 'dropdown-foreground': '#f0f0f0', 'sideBar-background': '#252526',
    'disabledForeground': '#7a7a7a', 'textLink-foreground': '#3794ff', 'font-family': 'sans-serif', 'editor-findMatchBorder': '#ff9632',
  },
  light: {
    'editor-background': '#ffffff', foreground: '#3b3b3b', 'editor-foreground': '#1f1f1f', 'editorWidget-background': '#f8f8f8',
    'editorWidget-border': '#c8c8c8', 'descriptionForeground': '#717171', 'editorLineNumber-foreground': '#6e7681',
    'button-secondaryBackground': '#e5e5e5', 'button-secondaryForeground': '#3b3b3b', 'badge-background': '#e8e8e8',
    'badge-foreground': '#1f1f1f', 'focusBorder': '#005fb8', 'input-background': '#ffffff', 'input-foreground': '#3b3b3b',
    'dropdown-background': '#ffffff', 'dropdown-foreground': '#3b3b3b', 'sideBar-background': '#f8f8f8',
    'disabledForeground': '#9a9a9a', 'textLink-foreground': '#005fb8', 'font-family': 'sans-serif', 'editor-findMatchBorder': '#e5a000',
  },
  hc: {
    'editor-background': '#000000', foreground: '#ffffff', 'editor-foreground': '#ffffff', 'editorWidget-background': '#0c141f',
    'editorWidget-border': '#6fc3df', 'contrastBorder': '#6fc3df', 'descriptionForeground': '#ffffff', 'editorLineNumber-foreground': '#ffffff',
    'button-secondaryBackground': '#000000', 'button-secondaryForeground': '#ffffff', 'badge-background': '#000000',
    'badge-foreground': '#ffffff', 'focusBorder': '#f38518', 'input-background': '#000000', 'input-foreground': '#ffffff',
    'dropdown-background': '#000000', 'dropdown-foreground': '#ffffff', 'sideBar-background': '#000000',
    'disabledForeground': '#a5a5a5', 'textLink-foreground': '#21a6ff', 'font-family': 'sans-serif', 'editor-findMatchBorder': '#f38518',
  },
};

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const [modelPath, outPrefix] = args;
  const theme = args[args.indexOf('--theme') + 1] && args.includes('--theme') ? args[args.indexOf('--theme') + 1]! : 'dark';
  const metric = args.includes('--metric') ? args[args.indexOf('--metric') + 1]! : 'weightBytes';
  const expandAll = args.includes('--all');
  if (!modelPath || !outPrefix) throw new Error('usage: graph-webview-screenshot MODEL OUT_PREFIX [--theme dark|light|hc] [--metric NAME]');
  const loaded = loadModelFile(resolve(modelPath));
  if (!loaded.ok) throw new Error(loaded.error.message);
  const model = loaded.value.model;
  const graph = model.graph;

  // Per-node figures from the engine: MACs/activation bytes when the analysis pipeline is available, weight bytes always.
  const inits = new Map(graph.initializers.map((t) => [t.name, t]));
  const values: NodeMetrics['values'] = {
    weightBytes: graph.nodes.map((n) => n.inputs.reduce((s, i) => {
      const t = inits.get(i);
      return t ? s + dtypeByteSize(t.dtype, tensorElementCount(t.dims)) : s;
    }, 0)),
  };
  let shapes: ValueShapes | undefined;
  let costs: { macs: number; outputBytes: number }[] | undefined;
  try {
    const analyze = await import('../src/core/analyze');
    const a = analyze.analyzeModelFileSync(resolve(modelPath));
    if (a.ok) {
      shapes = a.value.shapes.values;
      const nodesCost = (a.value.cost as unknown as { nodes: { macs: number; outputBytes: number }[] }).nodes;
      costs = nodesCost;
      values.macs = nodesCost.map((c) => c.macs);
      values.activationMemory = nodesCost.map((c) => c.outputBytes);
    }
  } catch (e) {
    console.error(`analysis unavailable (${(e as Error).message}); overlay limited to weight bytes`);
  }
  const p = prepareGraph(graph, shapes);
  const layout = layoutPrepared(p, resolveExpanded(p, { expanded: expandAll ? 'all' : 'auto' }));
  const outline = modelOutline(graph);
  const details = graph.nodes.map((_, i) => {
    const d = nodeDetails(graph, i, shapes, costs ? (costs[i] as never) : undefined);
    return d.ok ? d.value : undefined;
  });

  const dir = mkdtempSync(join(tmpdir(), 'aiot-graph-webview-'));
  await esbuild.build({
    entryPoints: [join(import.meta.dirname, '..', 'webview', 'graph', 'main.ts')],
    bundle: true, format: 'iife', platform: 'browser', target: 'es2022', outfile: join(dir, 'graph.js'), logLevel: 'warning',
  });
  const vars = Object.entries(THEMES[theme] ?? THEMES['dark']!).map(([k, v]) => `--vscode-${k}:${v};`).join('');
  const hostData = { outline, layout, metrics: { values }, details, metric };
  writeFileSync(join(dir, 'data.js'), `window.__HOST__ = ${JSON.stringify(hostData)};`);
  const stats = new Map<string, unknown>();
  for (const t of graph.initializers.slice(0, 50)) {
    const s = weightStats(graph, t.name);
    if (s.ok) stats.set(t.name, s.value);
  }
  writeFileSync(join(dir, 'stats.js'), `window.__STATS__ = ${JSON.stringify(Object.fromEntries(stats))};`);
  // The stand-in host: answers like the extension would, through window.postMessage.
  writeFileSync(join(dir, 'host.js'), `
    const H = window.__HOST__;
    window.acquireVsCodeApi = () => ({
      getState: () => undefined, setState: () => {},
      postMessage: (m) => setTimeout(() => {
        const send = (x) => window.postMessage(x, '*');
        if (m.type === 'ready') { send({ type: 'outline', outline: H.outline }); send({ type: 'metrics', metrics: H.metrics });
          send({ type: 'setMetric', metric: 'none' }); send({ type: 'layout', layout: H.layout }); }
        if (m.type === 'inspect' && H.details[m.nodeIndex]) send({ type: 'nodeDetails', details: H.details[m.nodeIndex] });
        if (m.type === 'requestWeightStats') { const s = window.__STATS__[m.tensor];
          send(s ? { type: 'weightStats', stats: s } : { type: 'weightStatsError', tensor: m.tensor, message: 'not computed in this harness' }); }
      }, 0),
    });`);
  writeFileSync(join(dir, 'index.html'), `<!doctype html><html><head><meta charset="utf-8">
    <style>${readFileSync(join(import.meta.dirname, '..', 'media', 'graph.css'), 'utf8')} :root{${vars}} body{margin:0}</style>
    <script src="data.js"></script><script src="stats.js"></script><script src="host.js"></script></head>
    <body><script src="graph.js"></script></body></html>`);

  const userDir = mkdtempSync(join(tmpdir(), 'aiot-chromium-'));
  const browser = await chromium.launchPersistentContext(userDir, {
    executablePath: '/usr/bin/chromium', headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--allow-file-access-from-files'],
    viewport: { width: 1400, height: 900 },
  });
  try {
    const page = browser.pages()[0] ?? (await browser.newPage());
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    await page.goto(`file://${join(dir, 'index.html')}`);
    await page.waitForSelector('g.node');
    await page.screenshot({ path: `${outPrefix}-graph.png` });
    // Select the first Conv/MatMul box and read the inspector.
    // Click the first Conv/MatMul/group box that is on screen (large views keep off-screen boxes in the DOM too).
    const at = await page.evaluate(() => {
      for (const el of document.querySelectorAll('g.node.cat-conv, g.node.cat-matmul, g.node.kind-group')) {
        const r = el.getBoundingClientRect();
        if (r.top > 40 && r.bottom < window.innerHeight && r.left > 0 && r.right < window.innerWidth - 340) return { x: r.left + r.width / 2, y: r.top + 8 };
      }
      return undefined;
    });
    if (at) await page.mouse.click(at.x, at.y);
    await page.waitForTimeout(200);
    const stat = await page.$('.stats button.link');
    await stat?.click();
    await page.waitForTimeout(200);
    await page.screenshot({ path: `${outPrefix}-inspector.png` });
    const metricAvailable = await page.$(`select option[value="${metric}"]:not([disabled])`);
    if (metricAvailable) {
      await page.selectOption('select', metric);
      await page.waitForTimeout(200);
      await page.screenshot({ path: `${outPrefix}-hotspots.png` });
    }
    await page.fill('input.search', 'Add');
    await page.press('input.search', 'Enter');
    await page.waitForTimeout(300);
    await page.screenshot({ path: `${outPrefix}-search.png` });
    const drawn = await page.$$eval('g.node', (els) => els.length);
    const inspectorText = await page.$eval('.inspector', (el) => (el as HTMLElement).innerText);
    console.log(JSON.stringify({ drawnBoxes: drawn, layoutBoxes: layout.nodes.length, errors, inspector: inspectorText.slice(0, 400) }));
  } finally {
    await browser.close();
    rmSync(userDir, { recursive: true, force: true });
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(`graph-webview-screenshot: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(2);
});
