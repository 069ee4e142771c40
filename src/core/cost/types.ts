// Per-node cost figures: the compute, weight and activation-traffic numbers every estimate builds on.

import type { DType } from '../onnx/dtype';
import type { Graph } from '../onnx/ir';

/** The subgraph a control-flow node runs, as costed: the taken (or costlier) If branch, or a Loop/Scan body. */
export interface ExecutedBody {
  graph: Graph;
  /** Costs of the body's nodes (indices into `graph.nodes`). */
  costs: NodeCost[];
  /** Times the body runs: a Loop/Scan's trip count, 1 when unknown (then stated as per iteration) and for If. */
  repeat: number;
  /** For If: the branch costed. */
  branch?: 'then' | 'else';
  /** 'upper' when the figures are an upper bound (If condition unknown: the costlier branch; Loop may stop early). */
  bound?: 'upper';
}

/** How a node's work maps onto hardware efficiency classes of a device profile. */
export type OpClass =
  | 'conv'        // dense convolution (incl. ConvTranspose, QLinearConv, ConvInteger)
  | 'depthwise'   // grouped convolution with group == input channels
  | 'matmul'      // Gemm, MatMul, Einsum contractions, Attention
  | 'recurrent'   // LSTM, GRU, RNN
  | 'elementwise' // unary/binary arithmetic, activations, normalization, softmax, casts
  | 'pooling'     // pooling and reductions
  | 'data'        // shape/data movement: Reshape, Transpose, Concat, Gather, Slice, Pad, Resize...
  | 'control';    // If, Loop, Scan and other ops without a cost of their own

export interface NodeCost {
  /** Index of the node in the graph's node list. */
  index: number;
  name: string;
  opType: string;
  domain: string;
  opClass: OpClass;
  /** Element type the arithmetic runs in (the first float/int input's dtype). */
  computeDtype: DType;
  macs: number;
  flops: number;
  /** Weight elements this node reads (initializers and Constant float tensors feeding it). */
  params: number;
  weightBytes: number;
  /** Bytes of non-weight inputs read and outputs written. */
  inputBytes: number;
  outputBytes: number;
  /** Bytes moved to and from memory: inputBytes + outputBytes + weightBytes (roofline traffic). */
  memoryBytes: number;
  /** True when a shape needed for counting was unknown, so the figures are lower bounds. */
  partial: boolean;
  /** Control-flow nodes: the subgraph that runs (its cost is included in the figures above). */
  body?: ExecutedBody;
}
