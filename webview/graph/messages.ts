// Messages between the graph webview and its host (custom editor provider), both directions. The layout itself is
// computed in the language server (`aiotLens/layout`) and arrives finished; the webview never lays out.

import type { GraphLayout, ModelOutline, NodeDetails, SubgraphStep, TensorDetail, WeightStats } from '../../src/core/layout/types';

export type { GraphLayout, ModelOutline, NodeDetails, SubgraphStep, TensorDetail, WeightStats };

/** Metrics the hotspot overlay can colour by. */
export type HotspotMetric = 'latency' | 'energy' | 'macs' | 'activationMemory' | 'weightBytes' | 'patchTile';

export const HOTSPOT_METRICS: readonly { id: HotspotMetric; label: string; unit: string }[] = [
  { id: 'latency', label: 'Latency', unit: 'ms' },
  { id: 'energy', label: 'Energy', unit: 'mJ' },
  { id: 'macs', label: 'MACs', unit: 'MACs' },
  { id: 'activationMemory', label: 'Activation memory', unit: 'bytes' },
  { id: 'weightBytes', label: 'Weight bytes', unit: 'bytes' },
  // The patch region (docs/memory-plans.md): nodes that run per tile, by the per-tile buffer each writes.
  { id: 'patchTile', label: 'Patch tile buffers', unit: 'bytes' },
];

/**
 * Per-node figures for the overlay, indexed like the model graph's node list. A metric the host cannot provide
 * (no device selected → no latency/energy) is left out; `null` entries are nodes without a figure.
 */
export interface NodeMetrics {
  /** Device profile the latency/energy figures are for (absent when none is active). */
  device?: { id: string; name: string };
  values: Partial<Record<HotspotMetric, (number | null)[]>>;
  /** For a nested graph: whether it runs and how often (`If_0: the then branch runs`, `body × 12 iterations`). */
  note?: string;
}

// ---- host → webview ----

export type HostToGraph =
  /**
   * The drawn graph's node index (sent once per model, and again when a subgraph is opened or closed), used for
   * search, hotspot sums and the top list.
   */
  | { type: 'outline'; outline: ModelOutline }
  /** A finished layout for the current expanded set; `focus` is a box id to centre (after expanding for a search hit). */
  | { type: 'layout'; layout: GraphLayout; focus?: string }
  | { type: 'metrics'; metrics: NodeMetrics }
  | { type: 'nodeDetails'; details: NodeDetails }
  | { type: 'weightStats'; stats: WeightStats }
  | { type: 'weightStatsError'; tensor: string; message: string }
  /** The model could not be opened or laid out: shown in place of the graph, never a blank page. */
  | { type: 'error'; message: string }
  /** Work in progress (layout of a large graph) with a short text. */
  | { type: 'progress'; message: string }
  /** The host's current overlay metric (from settings) so the webview starts in the right mode. */
  | { type: 'setMetric'; metric: HotspotMetric | 'none' };

// ---- webview → host ----

export type GraphToHost =
  /** Sent once the script has loaded; the host answers with outline, layout and metrics (and again after a restart). */
  | { type: 'ready' }
  /** Lay out again with this expanded set; `focus` is echoed back in the layout message. */
  | { type: 'expand'; expanded: string[]; focus?: string }
  | { type: 'inspect'; nodeIndex: number }
  | { type: 'requestWeightStats'; nodeIndex: number; tensor: string }
  /** The user picked another overlay metric (persist it in `aiotLens.hotspotMetric`). */
  | { type: 'metricChanged'; metric: HotspotMetric | 'none' }
  /** The user asked to switch the active device (the host shows its quick pick). */
  | { type: 'selectDevice' }
  /**
   * Show a nested graph (If branch, Loop/Scan body) given by its path from the main graph ([] goes back to the main
   * graph). The host answers with `outline`, `layout` (carrying `graphPath`) and `metrics` for that graph; later
   * `inspect`, `expand` and `requestWeightStats` refer to it.
   */
  | { type: 'openGraph'; path: SubgraphStep[] };

export function isHostToGraph(m: unknown): m is HostToGraph {
  if (typeof m !== 'object' || m === null) return false;
  const t = (m as { type?: unknown }).type;
  return typeof t === 'string' &&
    ['outline', 'layout', 'metrics', 'nodeDetails', 'weightStats', 'weightStatsError', 'error', 'progress', 'setMetric'].includes(t);
}
