// One open model's graph state for the language server: prepared once, layouts cached per expanded set, node
// details and weight statistics on request. The server keys sessions by file content hash.

import type { Model } from '../onnx/ir';
import type { NodeCost } from '../cost/types';
import type { Result } from '../result';
import type { LayoutOptions } from './layered';
import { layoutCacheKey, layoutPrepared, resolveExpanded, type ModelLayoutOptions } from './graph-layout';
import { modelOutline, prepareGraph, type PreparedGraph, type ValueShapes } from './model-graph';
import { nodeDetails, weightStats } from './details';
import type { GraphLayout, ModelOutline, NodeDetails, WeightStats } from './types';

export interface GraphSessionOptions {
  /** sha256 (or any content hash) of the model file: part of every layout cache key. */
  contentHash: string;
  shapes?: ValueShapes;
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

  constructor(private readonly model: Model, private readonly options: GraphSessionOptions) {
    this.prepared = prepareGraph(model.graph, options.shapes);
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
    this.cache.set(key, layout);
    const max = this.options.cacheSize ?? 8;
    while (this.cache.size > max) this.cache.delete(this.cache.keys().next().value!);
    return layout;
  }

  outline(): ModelOutline {
    this.outlineCache ??= modelOutline(this.model.graph);
    return this.outlineCache;
  }

  details(nodeIndex: number): Result<NodeDetails> {
    return nodeDetails(this.model.graph, nodeIndex, this.options.shapes, this.options.costs?.[nodeIndex]);
  }

  weightStats(tensor: string): Result<WeightStats> {
    return weightStats(this.model.graph, tensor, this.options.modelDir);
  }
}
