// One open model's graph state for the language server: prepared once, layouts cached per expanded set, node
// details and weight statistics on request. The server keys sessions by file content hash.

import type { Graph, Model } from '../onnx/ir';
import type { NodeCost } from '../cost/types';
import { err, ok, type Result } from '../result';
import type { LayoutOptions } from './layered';
import { layoutCacheKey, layoutPrepared, resolveExpanded, type ModelLayoutOptions } from './graph-layout';
import { modelOutline, prepareGraph, type PreparedGraph, type ValueShapes } from './model-graph';
import { nodeDetails, weightStats } from './details';
import type { GraphLayout, ModelOutline, NodeDetails, SubgraphStep, WeightStats } from './types';

export interface GraphSessionOptions {
  /** sha256 (or any content hash) of the model file: part of every layout cache key. */
  contentHash: string;
  shapes?: ValueShapes;
  /** Shape facts of nested graphs keyed by graph object (ShapeInference.subgraphs). */
  subgraphShapes?: ReadonlyMap<object, ValueShapes>;
  /** Per-node costs in graph node order (for the inspector). */
  costs?: readonly NodeCost[];
  modelDir?: string;
  /** Layouts kept (least recently used dropped first). Default 8. */
  cacheSize?: number;
  layout?: LayoutOptions;
}

export class GraphSession {
  private readonly prepared: PreparedGraph;
  private readonly cache = new Map<string, GraphLayout>();
  private outlineCache: ModelOutline | undefined;
  private readonly children = new Map<string, GraphSession>();
  private readonly graph: Graph;

  /** `path` locates the drawn graph inside the model (nested sessions are made by `child`). */
  constructor(private readonly model: Model, private readonly options: GraphSessionOptions, readonly path: SubgraphStep[] = [], readonly title = '') {
    this.graph = model.graph;
    this.prepared = prepareGraph(this.graph, options.shapes);
  }

  /** The session of a nested graph (If branch, Loop/Scan body), relative to this one; cached. */
  child(steps: readonly SubgraphStep[]): Result<GraphSession> {
    if (steps.length === 0) return ok(this);
    const [step, ...rest] = steps as [SubgraphStep, ...SubgraphStep[]];
    const key = `${step.nodeIndex}/${step.attribute}/${step.branch}`;
    let child = this.children.get(key);
    if (!child) {
      const found = subgraphAt(this.graph, [step]);
      if (!found.ok) return found;
      const { graph: sub, title } = found.value;
      child = new GraphSession(
        { ...this.model, graph: sub },
        { ...this.options, contentHash: `${this.options.contentHash}/${key}`, shapes: this.options.subgraphShapes?.get(sub), costs: undefined },
        [...this.path, step],
        this.title ? `${this.title} › ${title}` : title,
      );
      this.children.set(key, child);
    }
    return child.child(rest);
  }

  /** The expanded set `auto`/`all`/a list stands for in this model. */
  expandedFor(expanded: ModelLayoutOptions['expanded'], thresholds: Pick<ModelLayoutOptions, 'groupThreshold' | 'firstScreenBoxes'> = {}): string[] {
    return resolveExpanded(this.prepared, { expanded, ...thresholds });
  }

  /** The layout for an expanded set, from the cache when this model and set were laid out before. */
  layout(expanded: readonly string[]): GraphLayout {
    const key = layoutCacheKey(this.options.contentHash, expanded);
    const hit = this.cache.get(key);
    if (hit) {
      this.cache.delete(key);
      this.cache.set(key, hit);
      return hit;
    }
    const layout = layoutPrepared(this.prepared, expanded, this.options.layout);
    if (this.path.length) {
      layout.graphPath = this.path;
      layout.graphTitle = this.title;
    }
    this.cache.set(key, layout);
    const max = this.options.cacheSize ?? 8;
    while (this.cache.size > max) this.cache.delete(this.cache.keys().next().value!);
    return layout;
  }

  outline(): ModelOutline {
    this.outlineCache ??= modelOutline(this.graph);
    return this.outlineCache;
  }

  details(nodeIndex: number): Result<NodeDetails> {
    return nodeDetails(this.graph, nodeIndex, this.options.shapes, this.options.costs?.[nodeIndex]);
  }

  weightStats(tensor: string): Result<WeightStats> {
    return weightStats(this.graph, tensor, this.options.modelDir);
  }
}

/** The graph at `path` below `graph` and a readable title (`If_3 › then_branch`), or an error naming the bad step. */
export function subgraphAt(graph: Graph, path: readonly SubgraphStep[]): Result<{ graph: Graph; title: string }> {
  let current = graph;
  const titles: string[] = [];
  for (const step of path) {
    const node = current.nodes[step.nodeIndex];
    const attr = node?.attributes.find((a) => a.name === step.attribute);
    const sub = attr?.type === 'graph' && step.branch === 0 ? attr.value : attr?.type === 'graphs' ? attr.value[step.branch] : undefined;
    if (!node || !sub) return err('invalid-argument', `node ${step.nodeIndex} has no subgraph ${step.attribute}[${step.branch}]`);
    titles.push(`${node.name || node.opType} › ${step.attribute}${attr?.type === 'graphs' ? `[${step.branch}]` : ''}`);
    current = sub;
  }
  return ok({ graph: current, title: titles.join(' › ') });
}
