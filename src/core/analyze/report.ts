// The analysis report: the `aiot-lens analyze --json` contract, read by other tools. Keep field names stable.

import type { PlanName, PlansReport } from '../memory/plans';

/** A tensor as the CLI prints it: dtype as ONNX spells it lower-case, dims as numbers or symbolic names. */
export interface TensorDesc {
  name: string;
  dtype: string;
  /** null when even the rank is unknown; a null dim inside means unknown size. */
  shape: (number | string | null)[] | null;
}

export interface ModelSummary {
  path: string;
  /** 'onnx' or 'tflite' (absent for in-memory models). */
  format?: string;
  irVersion: number;
  opsets: Record<string, number>;
  producer: string;
  nodeCount: number;
  /** The .onnx protobuf alone. */
  fileBytes: number;
  /** External-data files the model names (each counted once); 0 when its weights are all inside the file. */
  externalDataBytes: number;
  /** fileBytes + externalDataBytes: the model's size on disk. */
  totalBytes: number;
}

export interface ReportTotals {
  params: number;
  macs: number;
  flops: number;
  weightBytes: number;
  /**
   * The largest sum of simultaneously live activation bytes over the execution order (no planner needs less), with
   * tensors as the kernels hold them (`memory.view`).
   */
  peakActivationBytes: number;
  /** Size of a greedy offset-based arena (TFLite Micro style) holding every activation, same view. */
  arenaBytes: number;
}

/** How the activation figures in `totals` were planned (extends the contract; `totals` keeps its names). */
export interface MemorySummary {
  /** The view the totals use, in words: 'as stored in the model', 'QDQ islands as int8 kernels', … */
  view: string;
  /** 'lower' when tensors of unknown size are left out; 'upper' when an If of unknown condition was planned with its larger branch. */
  bound?: 'lower' | 'upper';
  /** Activations left out because their size is unknown. */
  unknownTensors?: number;
  notes: string[];
  /** A different view, labelled: the model as written (QDQ tensors at float, control-flow bodies not planned). */
  reference?: { view: string; peakActivationBytes: number; arenaBytes: number };
}

export interface NodeReport {
  name: string;
  opType: string;
  domain: string;
  macs: number;
  flops: number;
  params: number;
  weightBytes: number;
  outputs: TensorDesc[];
  /** Extra fields, not in the minimal contract but useful to consumers. */
  opClass?: string;
  memoryBytes?: number;
}

export interface AnalysisReport {
  model: ModelSummary;
  inputs: TensorDesc[];
  outputs: TensorDesc[];
  totals: ReportTotals;
  nodes: NodeReport[];
  warnings: string[];
  /** Assumptions the figures rest on (pinned batch dims and the like). */
  assumptions?: string[];
  /** Tensors live at the activation peak. */
  peak?: { nodeName: string; tensors: { name: string; bytes: number }[] };
  /** How the activation totals were planned, and the as-written reference when it differs. */
  memory?: MemorySummary;
  /**
   * Totals that are only bounds: `compute` (MACs, FLOPs) 'lower' when nodes have unknown shapes, 'upper' when an If
   * of unknown condition is counted with its costlier branch; `memory` as `memory.bound`. Absent when exact.
   */
  bounds?: { compute?: 'lower' | 'upper'; memory?: 'lower' | 'upper' };
  /**
   * How the format's own runtime places the model (a .tflite on TFLite Micro): the planned arena, the runtime's
   * persistent bytes, the tensor_arena they need together, and the flash the model file takes.
   */
  /**
   * The activation plans side by side (docs/memory-plans.md): per-tensor (`totals` unless `--plan` picked another),
   * in-place and patch, and which one `totals` shows (`selected`). Set by `aiot-lens analyze`.
   */
  plans?: PlansReport & { selected: PlanName };
  deployment?: {
    runtime: string;
    arenaBytes: number;
    persistentBytes: number;
    tensorArenaBytes: number;
    flashBytes: number;
    basis: string[];
  };
}
