// The serializable result of laying out a model graph: what the server caches and the webview and SVG renderer draw.

import type { OpCategory } from './categories';

export type LaidNodeKind = 'op' | 'input' | 'output' | 'group';

/** A line inside a box: a weight (`W` ⟨32×3×3×3⟩), a group's op summary, or an attribute. */
export interface BoxRow {
  label: string;
  value: string;
}

export interface LaidNode {
  /** Stable id: `n<index>` for graph node <index>, `i:<name>` / `o:<name>` for terminals, `g:<scope>` for groups. */
  id: string;
  kind: LaidNodeKind;
  /** Op type, terminal name or scope segment: the box header. */
  title: string;
  /** Node name, terminal shape or full scope path (tooltip / inspector). */
  subtitle: string;
  category: OpCategory | 'group' | 'io';
  rows: BoxRow[];
  /** Top-left corner and size in layout pixels. */
  x: number;
  y: number;
  width: number;
  height: number;
  /** Graph node index (op nodes). */
  nodeIndex?: number;
  /** Scope path (groups) and the graph node indices it contains. */
  scope?: string;
  members?: number[];
  /** Subgraphs the node holds (If branches, Loop/Scan bodies): each opens as its own view. */
  subgraphs?: { attribute: string; branch: number; nodes: number }[];
}

/** One step into a nested graph: node `nodeIndex` of the current graph, its graph attribute, and which of a list. */
export interface SubgraphStep {
  nodeIndex: number;
  attribute: string;
  branch: number;
}

export interface LaidEdge {
  from: string;
  to: string;
  /** Tensor name ('' when several tensors were merged between two groups). */
  tensor: string;
  /** Shape label drawn beside the edge (`1×32×112×112`), or `3 tensors`. */
  label: string;
  /** Flat polyline [x0, y0, x1, y1, ...] from the source box's bottom to the target box's top. */
  points: number[];
}

export interface GraphLayout {
  version: 1;
  width: number;
  height: number;
  nodes: LaidNode[];
  edges: LaidEdge[];
  /** Scopes expanded in this layout (sorted). */
  expanded: string[];
  /** Nodes of the model graph (visible or inside groups), for counts and messages. */
  modelNodeCount: number;
  /** Path from the main graph to the graph drawn ([] or absent: the main graph). */
  graphPath?: SubgraphStep[];
  /** Readable name of the drawn graph (`If_12 › then_branch`). */
  graphTitle?: string;
  layoutMs: number;
  stats: { ranks: number; dummies: number; crossings: number; reversedEdges: number };
}

/** Just enough about every graph node for search, grouping and hotspot sums in the webview. */
export interface OutlineNode {
  name: string;
  opType: string;
  inputs: string[];
  outputs: string[];
}

export interface ModelOutline {
  graphName: string;
  nodes: OutlineNode[];
  inputs: string[];
  outputs: string[];
}

export interface TensorDetail {
  name: string;
  /** Formal input/output name from the operator schema (`W`, `B`, `X`), '' when unknown. */
  formal: string;
  dtype: string;
  /** `1×32×112×112`, '' when unknown. */
  shape: string;
  /** The tensor is a weight (initializer or Constant): its statistics can be requested. */
  isWeight: boolean;
  /** Affine quantization the file states (TFLite): one scale per tensor, or one per channel along `axis`. */
  quantization?: { scale: number[]; zeroPoint: number[]; axis?: number };
  /** Stored compressed (TFLite sparsity): format and stored bytes. */
  sparse?: string;
}

/** Everything the inspector shows for one node; computed by the host from the IR, shapes and costs. */
export interface NodeDetails {
  nodeIndex: number;
  name: string;
  opType: string;
  domain: string;
  attributes: { name: string; value: string }[];
  inputs: TensorDetail[];
  outputs: TensorDetail[];
  cost?: { macs: number; flops: number; params: number; weightBytes: number; memoryBytes: number; partial: boolean; upperBound?: boolean };
  /** Estimate on the active device. */
  estimate?: {
    device: string; latencyMs: number; energyMj?: number; bound: string; share: number;
    /** The node's share of the model's interval (the profile's spread), and the model's own figures beside it. */
    latencyMsRange?: [number, number]; energyMjRange?: [number, number];
    /** Measured inferences behind the device profile's fit (0: none of its own, a wide range). */
    evidencePoints?: number;
    model?: { latencyMs: number; latencyMsRange: [number, number]; level: number; basis: string };
  };
  subgraphs: { attribute: string; nodes: number }[];
  /**
   * If/Loop/Scan: what its figures include (`the then branch runs (condition known)`, `body × 12 iterations`, …);
   * for a node inside a subgraph: whether that subgraph runs and how often.
   */
  control?: string;
}

export interface WeightStats {
  tensor: string;
  count: number;
  min: number;
  max: number;
  mean: number;
  std: number;
  /** Fraction of elements that are exactly zero. */
  sparsity: number;
}
