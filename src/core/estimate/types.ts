// Inputs and results of the on-device estimator.

import type { NodeCost, OpClass } from '../cost/types';
import type { ComputeDType } from '../devices/types';
import type { Model } from '../onnx/ir';
import type { ValueFacts } from '../shapes/types';
import type { Deployment } from '../onnx/ir';

/** What the estimator needs from an analysis: per-node costs and whole-model memory totals. */
export interface EstimateInput {
  costs: NodeCost[];
  /** Greedy activation arena (TFLite Micro style). */
  arenaBytes: number;
  /** Lower bound on simultaneously live activation bytes. */
  peakActivationBytes: number;
  /** How the activations were sized (`QDQ islands as int8 kernels`, `float16 held as float32 …`), for the RAM line. */
  activationView?: string;
  /** Unique weight bytes stored with the model (initializers and Constant weights). */
  weightBytes: number;
  weightBytesByDtype?: Record<string, number>;
  /** Graph input bytes per inference (what offloading must send). */
  inputBytes?: number;
  /** Graph output bytes per inference (what on-device inference sends). */
  outputBytes?: number;
  /** Node indices a fusing runtime folds into their producer or computes ahead of time (no cost of their own). */
  fusedNodes?: ReadonlyMap<number, string>;
  /** Assumptions carried from the analysis (pinned batch dims and the like). */
  assumptions?: string[];
  /** Nodes whose weights are initializers also listed as graph inputs (overridable at run time, IR >= 4). */
  runtimeWeightNodes?: ReadonlySet<number>;
  /** The model and its subgraphs' facts, so If/Loop/Scan bodies are timed with the fusion rules of the main graph. */
  control?: { model: Model; subgraphValues: Map<object, Map<string, ValueFacts>> };
  /**
   * Figures that are bounds rather than exact: 'lower' when work or tensors of unknown size are left out, 'upper'
   * when an If of unknown condition is costed with its costlier branch. A lower bound within budget (or an upper
   * bound over it) gets no fit verdict: see ResourceVerdict.verdict.
   */
  bounds?: { latency?: FigureBound; memory?: FigureBound; inputBytes?: FigureBound; why?: { latency?: string; memory?: string } };
  /** How the model's own runtime stores it (a .tflite on TFLite Micro): flash is its file, RAM adds its persistent tail. */
  deployment?: Pick<Deployment, 'runtime' | 'flashBasis' | 'persistentBytes' | 'persistentBasis'> & {
    /** Flash the model file holds beside its weights (graph, quantization, metadata): flash = weightBytes + this. */
    flashOverheadBytes: number;
  };
  /** Conv channel counts by node index, for devices that pad channels to a SIMD block. */
  convGeometry?: ReadonlyMap<number, { cin: number; cout: number; group: number }>;
}

export interface EstimateOptions {
  /** Time between inferences (frame period): the device idles for the rest of it. */
  periodMs?: number;
  /** Deadline per inference for the compute verdict. */
  deadlineMs?: number;
}

export type Bound = 'compute' | 'memory' | 'overhead';

/** A figure that is only a bound: 'lower' (the real value may be higher), 'upper' (it may be lower). */
export type FigureBound = 'lower' | 'upper';

/** 'unknown' when the demand is a bound on the wrong side of the budget: it may or may not fit. */
export type Verdict = 'fits' | 'over' | 'unknown';

export interface NodeEstimate {
  index: number;
  name: string;
  opType: string;
  opClass: OpClass;
  /** Peak entry the node ran at. */
  dtype: ComputeDType;
  latencyMs: number;
  computeMs: number;
  memoryMs: number;
  overheadMs: number;
  bound: Bound;
  /** Why the node costs nothing: fused into or folded ahead of time. */
  fused?: string;
  /** If/Loop/Scan: the estimates of the subgraph that runs (one iteration), and how often it runs. */
  body?: NodeEstimate[];
  repeat?: number;
}

export interface ResourceVerdict {
  demand: number;
  budget: number;
  unit: string;
  /** demand / budget. */
  utilization: number;
  fits: boolean;
  /** budget - demand (negative when over). */
  headroom: number;
  assumption: string;
  /** Set when the demand is a bound, not an exact figure. */
  bound?: FigureBound;
  /** fits/over, or unknown when a bound cannot decide (then `fits` is false: no fit verdict is given). */
  verdict?: Verdict;
}

export interface Estimate {
  device: string;
  deviceName: string;
  latencyMs: number;
  /** Energy per inference: active power x latency. */
  energyMj: number;
  /** Interval around latencyMs (see `range`): from the profile's leave-one-out error over measured inferences. */
  latencyMsRange: [number, number];
  energyMjRange: [number, number];
  /** Measured inferences behind the profile's fitted parameters (0: none of its own). */
  evidencePoints: number;
  /** What the ranges mean: central probability, where the fit comes from, in words. */
  range: EstimateRange;
  /** Energy per period (active + idle for the rest) when a period is given. */
  energyPerPeriodMj?: number;
  averagePowerW?: number;
  peakRamBytes: number;
  /** What peakRamBytes is made of: the activation arena (in `view`), weights copied to RAM, the runtime. */
  ram?: RamParts;
  flashBytes: number;
  computeBoundMs: number;
  memoryBoundMs: number;
  overheadMs: number;
  fits: { memory: boolean; storage: boolean; dtypes: boolean; operators: boolean; compute?: boolean };
  resources: { memory: ResourceVerdict; storage: ResourceVerdict; compute?: ResourceVerdict };
  unsupportedDtypes: string[];
  unsupportedOps: string[];
  nodes: NodeEstimate[];
  /** Each figure's basis, in words. */
  assumptions: string[];
  /** Figures that are bounds (from the input), so views can mark them `≥`/`≤`. */
  bounds?: EstimateInput['bounds'];
}

export interface EstimateRange {
  /** Central probability of latencyMsRange and energyMjRange (0.8). */
  level: number;
  /** profile (its own measurements), runtime-family, family, none (datasheet), user (calibrate), unfitted. */
  fit: string;
  basis: string;
}

export interface RamParts {
  arenaBytes: number;
  weightBytes: number;
  runtimeBytes: number;
  /** The format's runtime's persistent allocations beside the arena (a .tflite on TFLite Micro). */
  persistentBytes?: number;
  /** How the activations were sized (EstimateInput.activationView). */
  view?: string;
}

/** The `estimate` object `aiot-lens analyze --device ID --json` adds. */
export interface EstimateReport {
  device: string;
  latencyMs: number;
  energyMj: number;
  latencyMsRange: [number, number];
  energyMjRange: [number, number];
  evidencePoints: number;
  range: EstimateRange;
  peakRamBytes: number;
  /** peakRamBytes = arena + weights in RAM + runtime (the same arena `analyze` reports). */
  ram?: RamParts;
  flashBytes: number;
  fits: Estimate['fits'];
  headroom: { memoryBytes: number; storageBytes: number; computeMs?: number };
  nodes: { name: string; opType: string; latencyMs: number; bound: Bound; fused?: string }[];
  assumptions: string[];
  warnings: string[];
  /** Figures that are only bounds ('lower' / 'upper'); a resource whose bound cannot decide has no fit verdict. */
  bounds?: { latency?: FigureBound; memory?: FigureBound };
  /** Resources with no fit verdict (their `fits` is false): the demand is a bound that cannot decide. */
  undecided?: ('memory' | 'storage' | 'compute')[];
}
