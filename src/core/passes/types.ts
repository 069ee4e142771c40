// The contract every optimization pass follows: a pure function from a model to a new model plus what it did.

import type { Model, Shape } from '../onnx/ir';
import type { TensorSink } from '../onnx/sink';
import type { Result } from '../result';

export interface PassOptions {
  /** Folder of calibration inputs (.npy or TensorProto .pb) for int8-static and verification. */
  calibrationDir?: string;
  /** Target fraction of zero weights for `prune` (0..1). */
  sparsity?: number;
  /** Fraction of output channels `prune` removes structurally from each eligible Conv (0..1); 0 disables. */
  channelSparsity?: number;
  /** New input dims for `resize-input`, and pinned dims for shape inference. */
  inputShapes?: Record<string, Shape>;
  /** Inputs known at analysis time (`--value sr=16000`): calibration inputs take the value instead of random data. */
  inputValues?: Record<string, number>;
  /** Fraction of singular-value energy `low-rank` keeps (default 0.95). */
  energy?: number;
  /** Fixed rank for `low-rank` (overrides energy). */
  rank?: number;
  /** Calibration method for int8-static. */
  calibrationMethod?: 'minmax' | 'percentile';
  /** Percentile for the percentile calibration (default 99.99). */
  percentile?: number;
  /**
   * int8-static without calibration: every activation range taken as [-1, 1], so the result has the structure,
   * sizes and cost of a calibrated run but meaningless scales. For estimates only (the advisor predicts the effect of
   * its printed command this way, without running a model); such a model is never written.
   */
  structureOnly?: boolean;
  /** Number of seeded random calibration inputs when no folder is given (default 8). */
  calibrationSamples?: number;
  /** Seed of every random input the passes draw. */
  seed?: number;
  /** Ops fp16 keeps in float32 besides its built-in block list. */
  fp16BlockList?: string[];
  /** Largest extra MACs the `patch` pass may add, as a fraction of the model's MACs (default 0.15). */
  maxOverhead?: number;
  /** Beam width of the `reorder` search (default by graph size). */
  beamWidth?: number;
  /** Folder of the model file: external-data weights are read from it before the passes run. */
  modelDir?: string;
  /** Path of the model file, for error messages and resolving external data. */
  path?: string;
  /**
   * Where the tensors a pass makes go (see src/core/onnx/sink.ts): in memory by default; a ScratchSink moves large
   * ones to a scratch data file as they are made, so memory stays near one tensor however large the model is.
   */
  sink?: TensorSink;
  /** Largest working set a pass may hold for one tensor; runPasses refuses, before it starts, a pass that needs more. */
  memoryBudgetBytes?: number;
}

export type PassDetails = Record<string, unknown>;

export interface PassOutcome {
  model: Model;
  changed: boolean;
  details: PassDetails;
}

export interface PassDef {
  name: string;
  summary: string;
  run(model: Model, options: PassOptions): Result<PassOutcome> | Promise<Result<PassOutcome>>;
}
