// Layout benchmark: our layered layout vs @dagrejs/dagre's plain layout of the same boxes and edges, on the fixture
// models and a generated 10,000+-node transformer; time to first screen (collapsed scopes); a 5,000-rank chain.
// usage: node --import tsx bench/layout.ts [--quick]   (--quick skips the dagre baseline on the large graphs)

import { readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { loadModelFile } from '../src/core/onnx/load';
import type { Model } from '../src/core/onnx/ir';
import { buildViewGraph, layoutPrepared, prepareGraph, renderSvg, resolveExpanded, allScopes } from '../src/core/layout';
import { chainModel, syntheticTransformer } from './synthetic-transformer';

const require = createRequire(import.meta.url);
const dagrePath = require.resolve('@dagrejs/dagre');
const quick = process.argv.includes('--quick');
const DAGRE_TIMEOUT_MS = 600_000;

interface PlainGraph {
  nodes: { id: string; width: number; height: number }[];
  edges: [string, string][];
}

function plainGraph(model: Model): PlainGraph {
  const p = prepareGraph(model.graph);
  const view = buildViewGraph(p, new Set(allScopes(p.scopes)));
  return {
    nodes: view.nodes.map((n) => ({ id: n.id, width: n.width, height: n.height })),
    edges: view.edges.map((e) => [view.nodes[e.from]!.id, view.nodes[e.to]!.id]),
  };
}

// The same settings in the main thread and in the worker: top-to-bottom, our node/rank gaps, no edge labels.
const DAGRE_SOURCE = `
function runDagre(dagre, g) {
  const graph = new dagre.graphlib.Graph();
  graph.setGraph({ rankdir: 'TB', nodesep: 20, ranksep: 30, edgesep: 10 });
  graph.setDefaultEdgeLabel(() => ({}));
  for (const n of g.nodes) graph.setNode(n.id, { width: n.width, height: n.height });
  for (const [a, b] of g.edges) graph.setEdge(a, b);
  const t0 = performance.now();
  dagre.layout(graph);
  return performance.now() - t0;
}`;
// eslint-disable-next-line @typescript-eslint/no-implied-eval
const runDagre = new Function('dagre', 'g', `${DAGRE_SOURCE}; return runDagre(dagre, g);`) as (d: unknown, g: PlainGraph) => number;

type DagreResult = { ms: number; where: string } | { error: string };

/** dagre in this thread's default stack; on a stack overflow, again in a worker with a 1 GB stack. */
async function dagreTime(g: PlainGraph): Promise<{ main: DagreResult; worker?: DagreResult }> {
  let main: DagreResult;
  try {
    main = { ms: runDagre(require(dagrePath), g), where: 'main thread' };
    return { main };
  } catch (e) {
    main = { error: e instanceof RangeError ? `stack overflow (${e.message})` : String(e) };
  }
  return { main, worker: await dagreInWorker(g) };
}

function dagreInWorker(g: PlainGraph): Promise<DagreResult> {
  return new Promise((resolve) => {
    const code = `${DAGRE_SOURCE}
      const { parentPort, workerData } = require('node:worker_threads');
      try { parentPort.postMessage({ ms: runDagre(require(workerData.dagrePath), workerData.g), where: 'worker, 1 GB stack' }); }
      catch (e) { parentPort.postMessage({ error: String(e) }); }`;
    const w = new Worker(code, { eval: true, workerData: { g, dagrePath }, resourceLimits: { stackSizeMb: 1024 } });
    const timer = setTimeout(() => {
      void w.terminate();
      resolve({ error: `did not finish in ${DAGRE_TIMEOUT_MS / 1000} s` });
    }, DAGRE_TIMEOUT_MS);
    w.once('message', (m: DagreResult) => {
      clearTimeout(timer);
      void w.terminate();
      resolve(m);
    });
    w.once('error', (e) => {
      clearTimeout(timer);
      resolve({ error: String(e) });
    });
  });
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

/** Full layout time (prepare + every scope expanded + place), median of `runs`. */
function ourFullMs(model: Model, runs: number): { ms: number; boxes: number; ranks: number } {
  const times: number[] = [];
  let boxes = 0;
  let ranks = 0;
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    const p = prepareGraph(model.graph);
    const layout = layoutPrepared(p, allScopes(p.scopes));
    times.push(performance.now() - t0);
    boxes = layout.nodes.length;
    ranks = layout.stats.ranks;
  }
  return { ms: median(times), boxes, ranks };
}

/** Time to first screen: prepare, pick the collapsed view, lay it out and draw it to SVG markup. */
function firstScreenMs(model: Model, runs: number): { ms: number; boxes: number } {
  const times: number[] = [];
  let boxes = 0;
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    const p = prepareGraph(model.graph);
    const layout = layoutPrepared(p, resolveExpanded(p, { expanded: 'auto' }));
    renderSvg(layout, { standalone: false });
    times.push(performance.now() - t0);
    boxes = layout.nodes.length;
  }
  return { ms: median(times), boxes };
}

function fmt(ms: number): string {
  return ms >= 100 ? ms.toFixed(0) : ms.toFixed(1);
}

function dagreText(d: { main: DagreResult; worker?: DagreResult }): { text: string; ms?: number } {
  const parts: string[] = [];
  let ms: number | undefined;
  for (const r of [d.main, d.worker]) {
    if (!r) continue;
    if ('ms' in r) {
      parts.push(`${fmt(r.ms)} ms (${r.where})`);
      ms = r.ms;
    } else parts.push(r.error);
  }
  return { text: parts.join('; then '), ms };
}

async function main(): Promise<void> {
  const dir = join(import.meta.dirname, '..', 'test', 'fixtures', 'models');
  console.log('model                      boxes  ranks   ours ms   dagre ms   ours/dagre');
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.onnx')).sort()) {
    const loaded = loadModelFile(join(dir, file));
    if (!loaded.ok) {
      console.log(`${file}: ${loaded.error.message}`);
      continue;
    }
    const ours = ourFullMs(loaded.value.model, 5);
    const d = dagreText(await dagreTime(plainGraph(loaded.value.model)));
    const ratio = d.ms ? (ours.ms / d.ms).toFixed(3) : '-';
    console.log(`${file.padEnd(26)} ${String(ours.boxes).padStart(5)} ${String(ours.ranks).padStart(6)} ${fmt(ours.ms).padStart(9)} ${(d.ms ? fmt(d.ms) : d.text).padStart(10)}   ${ratio}`);
  }

  const big = syntheticTransformer({ layers: 155, hidden: 256, heads: 4, seq: 128 });
  console.log(`\nsynthetic transformer: ${big.graph.nodes.length} nodes, ${big.graph.initializers.length} initializers`);
  const first = firstScreenMs(big, 5);
  console.log(`  first screen (collapsed scopes, ${first.boxes} boxes, layout + SVG markup): ${fmt(first.ms)} ms  (target < 1000 ms)`);
  {
    // What the editor really waits for: shape inference (edge labels) before the collapsed layout.
    const { inferShapes } = await import('../src/core/shapes');
    const times: number[] = [];
    for (let i = 0; i < 3; i++) {
      const t0 = performance.now();
      const shapes = inferShapes(big, { defaultBatch: 1 });
      const p = prepareGraph(big.graph, shapes.values);
      renderSvg(layoutPrepared(p, resolveExpanded(p, { expanded: 'auto' })), { standalone: false });
      times.push(performance.now() - t0);
    }
    console.log(`  first screen with shape inference for edge labels: ${fmt(median(times))} ms`);
  }
  const full = ourFullMs(big, 3);
  console.log(`  full layout (every scope expanded, ${full.boxes} boxes, ${full.ranks} ranks): ${fmt(full.ms)} ms`);
  if (!quick) {
    const d = dagreText(await dagreTime(plainGraph(big)));
    console.log(`  dagre plain layout of the same boxes: ${d.text}`);
    if (d.ms) console.log(`  ratio ours/dagre: ${(full.ms / d.ms).toFixed(3)}  (target <= 0.5)`);
  }

  for (const length of [2000, 5000]) {
    const chain = chainModel(length);
    let ours: string;
    try {
      ours = `${fmt(ourFullMs(chain, 1).ms)} ms`;
    } catch (e) {
      ours = `failed: ${String(e)}`;
    }
    const d = quick ? { text: 'skipped (--quick)' } : dagreText(await dagreTime(plainGraph(chain)));
    console.log(`\nchain of ${length} ranks: ours ${ours}; dagre ${d.text}`);
  }
}

void main();
