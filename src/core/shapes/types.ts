// What shape inference tells the rest of the engine about every value in a graph.

import type { DType } from '../onnx/dtype';
import type { Dim, Shape } from '../onnx/ir';

/** A small tensor whose elements the engine knows (constant propagation). Integers beyond 2^53 lose precision. */
export interface KnownValue {
  dtype: DType;
  dims: number[];
  /** Row-major elements; strings for string tensors, booleans as 0/1. */
  data: ArrayLike<number> | string[];
}

export interface ValueFacts {
  name: string;
  /** 'undefined' when inference could not tell. */
  dtype: DType;
  /** undefined: rank unknown. */
  shape?: Shape;
  /** Present when the value is known at analysis time (initializers, Constant, folded shape arithmetic). */
  value?: KnownValue;
  /** The value is a sequence/map/optional rather than a tensor (shape then describes the element, if known). */
  container?: 'sequence' | 'optional' | 'map';
  /** For a sequence whose length is known: the facts of each element, in order. */
  elements?: ValueFacts[];
  /**
   * For a small integer tensor whose elements are only partly known (Shape of a symbolic tensor): each element as a
   * number, a dim symbol, or null. Absent when `value` is present.
   */
  symbolic?: Dim[];
  /** For an optional (or optional sequence): whether it holds a value, when known. */
  present?: boolean;
}

export interface ShapeOptions {
  /** Pin graph input dims by input name (`--input-shape NAME=1x3x224x224`). */
  inputShapes?: Record<string, Shape>;
  /**
   * Value given to a symbolic or unknown first dimension of a graph input, reported as an assumption. Applied only when
   * set (the CLI passes 1); otherwise such dims stay symbolic and propagate as names.
   */
  defaultBatch?: number;
  /**
   * Graph inputs whose value is known at analysis time (`--value sr=16000`): every element equals the number given
   * (a scalar in practice). The value feeds constant propagation, so an `If` on it takes one branch and a `Loop` on it
   * gets its trip count. Inputs of unknown size take the value as a scalar.
   */
  inputValues?: Record<string, number>;
  /** Largest tensor (elements) constant propagation evaluates (default 1<<16 elements). */
  maxFoldElements?: number;
  /** Folder of the model file, so that small initializers stored as external data can be folded. */
  modelDir?: string;
  /** Deepest subgraph / function nesting inferred (default 32); deeper graphs get unknown outputs and a warning. */
  maxDepth?: number;
  /** Checked once per node: inference stops with a `cancelled` error when the caller's time budget is spent. */
  deadline?: { check(): void };
}

export interface ShapeInference {
  /** Facts by value name for the main graph (inputs, initializers, every node output). */
  values: Map<string, ValueFacts>;
  /** Facts for values inside subgraphs, keyed by the subgraph object. */
  subgraphs: Map<object, Map<string, ValueFacts>>;
  /** Things the user should know we assumed (`input 'x': dim 0 'batch' taken as 1`). */
  assumptions: string[];
  /** Ops we could not infer, with node name and reason. */
  warnings: string[];
}

/**
 * Whether a value is known at analysis time, without computing it: `value` may be a lazy getter that folds a large
 * tensor on first read, which callers asking only "is it constant?" must not pay for.
 */
export function isKnownValue(f: ValueFacts | undefined): boolean {
  if (!f) return false;
  const d = Object.getOwnPropertyDescriptor(f, 'value');
  if (!d) return false;
  return d.get !== undefined || d.value !== undefined;
}
