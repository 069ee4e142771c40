// The analysis report: the `aiot-lens analyze --json` contract, read by other tools. Keep field names stable.

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
  /** Lower bound: the largest sum of simultaneously live activation bytes over the execution order. */
  peakActivationBytes: number;
  /** Size of a greedy offset-based arena (TFLite Micro style) holding every activation. */
  arenaBytes: number;
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
  /**
   * How the format's own runtime places the model (a .tflite on TFLite Micro): the planned arena, the runtime's
   * persistent bytes, the tensor_arena they need together, and the flash the model file takes.
   */
  deployment?: {
    runtime: string;
    arenaBytes: number;
    persistentBytes: number;
    tensorArenaBytes: number;
    flashBytes: number;
    basis: string[];
  };
}
