// What an operator's shape rule sees (its inputs' facts, attributes, opset) and small helpers rules share.

import type { DType } from '../onnx/dtype';
import type { Graph, Node, Shape } from '../onnx/ir';
import type { KnownValue, ValueFacts } from './types';

/** A rule's answer for one output (the engine adds the name). */
export type OutFacts = Omit<ValueFacts, 'name'>;

export interface OpCtx {
  node: Node;
  /** Opset version of the node's domain. */
  opset: number;
  /** Facts of each input; undefined for omitted ('') or unknown inputs. */
  in: (ValueFacts | undefined)[];
  maxFold: number;
  warn(message: string): void;
  /** Facts of any value visible from this node (for ops that name values in attributes, like Gradient). */
  lookup(name: string): ValueFacts | undefined;
  /** Infers a subgraph with the given facts bound to its formal inputs; returns facts of its outputs. */
  subgraph(g: Graph, inputs: (OutFacts | undefined)[]): OutFacts[];
}

export type Rule = (c: OpCtx) => OutFacts[];

export const UNKNOWN: OutFacts = { dtype: 'undefined' };

export function has(c: OpCtx, i: number): boolean {
  return i < c.node.inputs.length && c.node.inputs[i] !== '';
}
export function shapeOf(c: OpCtx, i: number): Shape | undefined {
  return c.in[i]?.shape;
}
export function rankOf(c: OpCtx, i: number): number | undefined {
  return c.in[i]?.shape?.length;
}
export function dtypeOf(c: OpCtx, i: number): DType {
  return c.in[i]?.dtype ?? 'undefined';
}
export function valueOf(c: OpCtx, i: number): KnownValue | undefined {
  return c.in[i]?.value;
}
/** A known numeric input as a plain number array. */
export function numsOf(c: OpCtx, i: number): number[] | undefined {
  const v = c.in[i]?.value;
  if (!v || v.dtype === 'string') return undefined;
  return Array.from(v.data as ArrayLike<number>);
}
/** A known scalar (or one-element) input. */
export function scalarOf(c: OpCtx, i: number): number | undefined {
  const v = c.in[i]?.value;
  if (!v || v.dtype === 'string' || v.data.length !== 1) return undefined;
  return Number((v.data as ArrayLike<number>)[0]);
}

export function out(dtype: DType, shape?: Shape, value?: KnownValue): OutFacts {
  const f: OutFacts = { dtype };
  if (shape) f.shape = shape;
  if (value) f.value = value;
  return f;
}

/** Same facts as input i (shape copied), with an optional dtype change. */
export function like(c: OpCtx, i: number, dtype?: DType): OutFacts {
  const f = c.in[i];
  return out(dtype ?? f?.dtype ?? 'undefined', f?.shape ? f.shape.slice() : undefined);
}

/** Output count of the node (rules produce that many facts). */
export function nOut(c: OpCtx): number {
  return c.node.outputs.length;
}

/**
 * Copies facts without reading a lazy `value` (property descriptors are copied, getters stay getters), optionally
 * dropping some keys. Spreading would evaluate constant folds nobody asked for.
 */
export function copyFacts<T extends object>(src: T, drop: readonly string[] = NAME_ONLY): OutFacts {
  const dst: Record<string, unknown> = {};
  const from = src as Record<string, unknown>;
  for (const k in from) {
    if (drop.includes(k)) continue;
    if (k === 'value') {
      const d = Object.getOwnPropertyDescriptor(from, k);
      if (d?.get) { Object.defineProperty(dst, k, d); continue; }
    }
    const v = from[k];
    dst[k] = k === 'shape' && Array.isArray(v) ? v.slice() : v; // no shared shape arrays between values
  }
  return dst as unknown as OutFacts;
}
const NAME_ONLY = ['name'];
