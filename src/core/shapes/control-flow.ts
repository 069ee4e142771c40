// What control flow does at run time, as far as the analysis can tell: which branch an `If` takes and how many
// times a `Loop` or `Scan` runs its body. Cost, the memory plan and the estimator all ask here, so they agree.

import { attrGraph, attrInt, attrInts, type Graph, type Node } from '../onnx/ir';
import type { ValueFacts } from './types';

export type Lookup = (name: string) => ValueFacts | undefined;

export interface IfDecision {
  /** The branch that runs, or undefined when the condition is unknown. */
  taken?: 'then' | 'else';
  then?: Graph;
  else?: Graph;
}

/** The branch an If takes when its condition is known (a constant, folded arithmetic, or a `--value` input). */
export function ifDecision(node: Node, lookup: Lookup): IfDecision {
  const then = attrGraph(node, 'then_branch');
  const els = attrGraph(node, 'else_branch');
  const v = lookup(node.inputs[0] ?? '')?.value;
  const d: IfDecision = { ...(then ? { then } : {}), ...(els ? { else: els } : {}) };
  if (v && v.dtype !== 'string' && v.data.length === 1) d.taken = Number((v.data as ArrayLike<number>)[0]) ? 'then' : 'else';
  return d;
}

/**
 * Iterations of a Loop (its trip-count input, when the loop has no condition that can stop it early) or a Scan (the
 * scanned axis of its first scan input). undefined when unknown.
 */
export function tripCount(node: Node, lookup: Lookup, opset = 21): number | undefined {
  if (node.opType === 'Loop') {
    const m = node.inputs[0] ? lookup(node.inputs[0])?.value : undefined;
    if (!m || m.dtype === 'string' || m.data.length !== 1) return undefined;
    const trips = Number((m.data as ArrayLike<number>)[0]);
    if (!Number.isFinite(trips) || trips < 0) return undefined;
    // A condition input that is not a known true may stop the loop earlier: the count is then an upper bound, which
    // the caller states; a known false condition runs no iteration.
    const cond = node.inputs[1] ? lookup(node.inputs[1])?.value : undefined;
    if (cond && cond.data.length === 1 && !Number((cond.data as ArrayLike<number>)[0])) return 0;
    return trips;
  }
  if (node.opType === 'Scan') {
    const nScan = attrInt(node, 'num_scan_inputs', 0);
    if (nScan <= 0) return undefined;
    const offset = opset < 9 ? 1 : 0;
    const first = node.inputs[node.inputs.length - nScan];
    const shape = lookup(first ?? '')?.shape;
    if (!shape) return undefined;
    // Opset 8 scans axis 1 (axis 0 is the batch); later opsets scan_input_axes[0], default 0.
    let axis = offset ? 1 : (attrInts(node, 'scan_input_axes')?.[0] ?? 0);
    if (axis < 0) axis += shape.length;
    const d = shape[axis];
    return typeof d === 'number' ? d : undefined;
  }
  return undefined;
}

/** Whether a Loop's trip count may be cut short by a run-time condition (so the count is an upper bound). */
export function loopMayStopEarly(node: Node, lookup: Lookup): boolean {
  if (node.opType !== 'Loop' || !node.inputs[1]) return false;
  const body = attrGraph(node, 'body');
  const condOut = body?.outputs[0]?.name;
  // A body whose condition output is its condition input passed through never stops early.
  if (body && condOut && body.inputs[1]?.name === condOut) return false;
  return true;
}

/**
 * The graph inputs a value depends on (walking producers back), so a warning can say which `--value` would decide
 * an If. Only inputs without a known value are listed.
 */
export function inputsBehind(graph: Graph, name: string, lookup: Lookup): string[] {
  const producer = new Map<string, Node>();
  for (const n of graph.nodes) for (const o of n.outputs) if (o) producer.set(o, n);
  const inputs = new Set(graph.inputs.map((i) => i.name));
  const found = new Set<string>();
  const seen = new Set<string>();
  const stack = [name];
  while (stack.length) {
    const v = stack.pop()!;
    if (seen.has(v)) continue;
    seen.add(v);
    if (inputs.has(v)) {
      if (lookup(v)?.value === undefined) found.add(v);
      continue;
    }
    const p = producer.get(v);
    if (p) for (const x of p.inputs) if (x) stack.push(x);
  }
  return [...found];
}
