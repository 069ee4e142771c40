// Lays out one view of a model (a given set of expanded scopes) into the serializable GraphLayout.

import type { Model } from '../onnx/ir';
import { layeredLayout, type LayoutOptions } from './layered';
import { buildViewGraph, prepareGraph, type PreparedGraph, type ValueShapes } from './model-graph';
import { allScopes, defaultExpanded } from './scopes';
import type { GraphLayout, LaidNode } from './types';

export interface ModelLayoutOptions {
  /** Inferred value shapes (shape inference's `values`), used for edge labels. */
  shapes?: ValueShapes;
  /**
   * Scopes to show opened: 'all' (every node visible), 'auto' (graphs up to `groupThreshold` drawn whole, larger
   * ones opened breadth first up to `firstScreenBoxes` boxes), or an explicit list.
   */
  expanded?: 'all' | 'auto' | readonly string[];
  /** Graphs with more drawn nodes than this open collapsed (default 1000). */
  groupThreshold?: number;
  /** Box budget of the collapsed first screen (default 300). */
  firstScreenBoxes?: number;
  layout?: LayoutOptions;
}

/** The expanded set `options.expanded` stands for, as a sorted list ('all' lists every groupable scope). */
export function resolveExpanded(p: PreparedGraph, options: ModelLayoutOptions = {}): string[] {
  const want = options.expanded ?? 'auto';
  if (want === 'all') return allScopes(p.scopes);
  if (want !== 'auto') return [...want].sort();
  let drawn = 0;
  for (let i = 0; i < p.hidden.length; i++) if (!p.hidden[i]) drawn++;
  if (drawn <= (options.groupThreshold ?? 1000)) return allScopes(p.scopes);
  return defaultExpanded(p.scopes, options.firstScreenBoxes ?? 300);
}

/** Lays out a prepared graph with the given scopes expanded. */
export function layoutPrepared(p: PreparedGraph, expanded: readonly string[], options: LayoutOptions = {}): GraphLayout {
  const started = performance.now();
  const view = buildViewGraph(p, new Set(expanded));
  const result = layeredLayout(
    view.nodes,
    view.edges.map((e) => ({ source: e.from, target: e.to, bundle: e.bundle })),
    options,
  );
  const nodes: LaidNode[] = view.nodes.map((n, i) => ({
    ...n,
    x: round(result.x[i]! - n.width / 2),
    y: round(result.y[i]! - n.height / 2),
  }));
  const edges = view.edges.map((e, k) => ({
    from: view.nodes[e.from]!.id,
    to: view.nodes[e.to]!.id,
    tensor: e.tensor,
    label: e.label,
    points: result.edgePoints[k]!.map(round),
  }));
  return {
    version: 1,
    width: Math.ceil(result.width),
    height: Math.ceil(result.height),
    nodes,
    edges,
    expanded: [...expanded].sort(),
    modelNodeCount: p.graph.nodes.length,
    layoutMs: round(performance.now() - started),
    stats: result.stats,
  };
}

/** Prepares and lays out a model's main graph in one call (the CLI and tests; the server keeps PreparedGraph). */
export function layoutModel(model: Model, options: ModelLayoutOptions = {}): GraphLayout {
  const started = performance.now();
  const p = prepareGraph(model.graph, options.shapes);
  const layout = layoutPrepared(p, resolveExpanded(p, options), options.layout);
  layout.layoutMs = round(performance.now() - started);
  return layout;
}

/** Cache key of a layout: the model file's content hash plus the expanded set (order-insensitive). */
export function layoutCacheKey(contentHash: string, expanded: readonly string[]): string {
  return `${contentHash}|${[...expanded].sort().join('\u0000')}`;
}

function round(v: number): number {
  return Math.round(v * 10) / 10;
}
