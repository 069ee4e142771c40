// Costs every node of a model: MACs, FLOPs, weights it reads and activation bytes it moves (see docs/cost-model.md).

import { dtypeByteSize, isFloatDType, type DType } from '../onnx/dtype';
import { subgraphsOf, tensorElementCount, type Graph, type Model, type Node, type Tensor } from '../onnx/ir';
import { isKnownValue, type ShapeInference, type ValueFacts } from '../shapes/types';
import { controlKind, isComputeOp, opClassOf, opWork, type Operand } from './rules';
import type { NodeCost } from './types';
import type { Deadline } from '../deadline';

export type { NodeCost, OpClass } from './types';
export { opClassOf } from './rules';

export interface CostTotals {
  params: number;
  macs: number;
  flops: number;
  weightBytes: number;
  /** Elements of float tensors in Constant nodes counted as weights (tf2onnx and paddle2onnx store weights there). */
  constantParams: number;
  /** Nodes whose counts are lower bounds because a shape was unknown. */
  partialNodes: number;
}

export interface GraphCost {
  nodes: NodeCost[];
  totals: CostTotals;
  warnings: string[];
}

/** A weight: constant data a node reads (an initializer, or a Constant node's non-scalar float tensor). */
interface WeightInfo {
  elements: number;
  bytes: number;
  fromConstantNode: boolean;
}

/** Costs the main graph; control-flow nodes carry the cost of their subgraphs (the larger If branch). */
export function costModel(model: Model, shapes: ShapeInference, deadline?: Deadline): GraphCost {
  const warnings: string[] = [];
  const cost = costGraph(model.graph, shapes.values, shapes, warnings, 0, deadline);
  return { ...cost, warnings };
}

function operandOf(facts: ValueFacts | undefined): Operand {
  const shape = facts?.shape;
  if (!shape || facts?.container) return {};
  const dims: number[] = [];
  for (const d of shape) {
    if (typeof d !== 'number') return {};
    dims.push(d);
  }
  return { dims, elements: tensorElementCount(dims) };
}

function bytesOf(facts: ValueFacts | undefined): number | undefined {
  const o = operandOf(facts);
  if (o.elements === undefined || !facts) return undefined;
  return dtypeByteSize(facts.dtype, o.elements);
}

function collectWeights(graph: Graph, consumerCompute: Map<string, boolean>): Map<string, WeightInfo> {
  const weights = new Map<string, WeightInfo>();
  const add = (t: Tensor, fromConstantNode: boolean, name = t.name) => {
    const elements = tensorElementCount(t.dims);
    // A sparse (compressed) tensor occupies what the file stores, not its dense size.
    weights.set(name, { elements, bytes: t.sparse?.storedBytes ?? dtypeByteSize(t.dtype, elements), fromConstantNode });
  };
  // An initializer that is also a graph input is a default the caller may override; it is still stored.
  for (const t of graph.initializers) add(t, false);
  for (const s of graph.sparseInitializers) {
    const elements = tensorElementCount(s.values.dims);
    weights.set(s.values.name, {
      elements,
      bytes: dtypeByteSize(s.values.dtype, elements) + dtypeByteSize(s.indices.dtype, tensorElementCount(s.indices.dims)),
      fromConstantNode: false,
    });
  }
  for (const n of graph.nodes) {
    if (n.opType !== 'Constant' || n.domain !== '' || !n.outputs[0]) continue;
    const a = n.attributes.find((x) => x.name === 'value');
    if (!a || a.type !== 'tensor') continue;
    const t = a.value;
    // Scalars (Clip bounds, epsilons) and integer shape constants are not weights; float tensors read by compute are.
    if (!isFloatDType(t.dtype) || tensorElementCount(t.dims) <= 1) continue;
    if (!consumerCompute.get(n.outputs[0])) continue;
    add(t, true, n.outputs[0]);
  }
  return weights;
}

function costGraph(
  graph: Graph,
  values: Map<string, ValueFacts>,
  shapes: ShapeInference,
  warnings: string[],
  depth: number,
  deadline?: Deadline,
): { nodes: NodeCost[]; totals: CostTotals } {
  // Which values feed at least one compute op (so a Constant feeding only Reshape is not a weight).
  const consumerCompute = new Map<string, boolean>();
  for (const n of graph.nodes) {
    const compute = isComputeOp(n);
    for (const i of n.inputs) if (i && compute) consumerCompute.set(i, true);
  }
  const weights = collectWeights(graph, consumerCompute);
  const counted = new Set<string>();
  const unknownOps = new Map<string, number>();
  const nodes: NodeCost[] = [];
  const totals: CostTotals = { params: 0, macs: 0, flops: 0, weightBytes: 0, constantParams: 0, partialNodes: 0 };

  for (const w of weights.values()) {
    totals.params += w.elements;
    totals.weightBytes += w.bytes;
    if (w.fromConstantNode) totals.constantParams += w.elements;
  }

  graph.nodes.forEach((node, index) => {
    deadline?.check();
    const inputs = node.inputs.map((n) => (n ? operandOf(values.get(n)) : {}));
    const outputs = node.outputs.map((n) => (n ? operandOf(values.get(n)) : {}));
    const work = node.opType === 'Constant' ? { macs: 0, flops: 0, partial: false } : opWork(node, inputs, outputs);
    let { macs, flops, partial } = work;
    if (work.unknownOp) unknownOps.set(node.opType, (unknownOps.get(node.opType) ?? 0) + 1);
    let params = 0;
    let weightBytes = 0;
    let inputBytes = 0;
    let outputBytes = 0;
    for (const name of node.inputs) {
      if (!name) continue;
      const w = weights.get(name);
      if (w) {
        // A weight shared by several nodes is stored once: it is charged to its first reader.
        if (!counted.has(name)) {
          counted.add(name);
          params += w.elements;
          weightBytes += w.bytes;
        }
        continue;
      }
      const facts = values.get(name);
      if (isKnownValue(facts) && !graph.inputs.some((i) => i.name === name)) continue; // folded constants cost no traffic
      const b = bytesOf(facts);
      if (b === undefined) partial = true;
      else inputBytes += b;
    }
    if (node.opType !== 'Constant') {
      for (const name of node.outputs) {
        if (!name) continue;
        const b = bytesOf(values.get(name));
        if (b === undefined) partial = true;
        else outputBytes += b;
      }
    }
    if (depth < 64) {
      const subs = subgraphsOf(node);
      if (subs.length) {
        const sub = costSubgraphs(node, subs.map((s) => s.graph), shapes, warnings, depth);
        macs += sub.macs;
        flops += sub.flops;
        params += sub.params;
        weightBytes += sub.weightBytes;
        totals.params += sub.params;
        totals.weightBytes += sub.weightBytes;
        partial ||= sub.partial;
      }
    }
    const computeDtype = pickComputeDtype(node, values);
    const cost: NodeCost = {
      index,
      name: node.name,
      opType: node.opType,
      domain: node.domain,
      opClass: opClassOf(node, inputs),
      computeDtype,
      macs,
      flops,
      params,
      weightBytes,
      inputBytes,
      outputBytes,
      memoryBytes: inputBytes + outputBytes + weightBytes,
      partial,
    };
    nodes.push(cost);
    totals.macs += macs;
    totals.flops += flops;
    // Custom operators are named in their own warning, not counted among nodes with unknown shapes.
    if (partial && !work.unknownOp) totals.partialNodes++;
  });
  if (unknownOps.size) {
    const list = [...unknownOps].map(([op, n]) => `${op} (${n} node${n > 1 ? 's' : ''})`).join(', ');
    warnings.push(`custom operator${unknownOps.size > 1 ? 's' : ''} ${list} ha${unknownOps.size > 1 ? 've' : 's'} no cost model: their MACs, FLOPs and latency are left out, so the totals are lower bounds`);
  }
  const unused = [...weights.keys()].filter((k) => !counted.has(k));
  if (unused.length && depth === 0) {
    warnings.push(`${unused.length} initializer(s) are not read by any node (they still take flash): ${unused.slice(0, 5).join(', ')}${unused.length > 5 ? ', …' : ''}`);
  }
  return { nodes, totals };
}

function costSubgraphs(
  node: Node,
  graphs: Graph[],
  shapes: ShapeInference,
  warnings: string[],
  depth: number,
): { macs: number; flops: number; params: number; weightBytes: number; partial: boolean } {
  const results = graphs.map((g) => {
    const values = shapes.subgraphs.get(g) ?? new Map<string, ValueFacts>();
    return costGraph(g, values, shapes, warnings, depth + 1).totals;
  });
  // A branch op runs one subgraph: charge the more expensive one. Loops run their body once per iteration (the body is
  // the 'body' subgraph when named so); a subgraph run once at start-up (TFLite CALL_ONCE) costs nothing per inference.
  const kind = controlKind(node);
  let repeat = 1;
  let partial = results.some((r) => r.partialNodes > 0);
  if (kind === 'loop') {
    const trips = tripCount(node, shapes.values);
    if (trips === undefined) partial = true;
    else repeat = trips;
  }
  const bodyIndex = node.attributes.filter((a) => a.type === 'graph' || a.type === 'graphs').findIndex((a) => a.name === 'body');
  const pick = kind === 'branch'
    ? results.reduce((a, b) => (b.macs + b.flops > a.macs + a.flops ? b : a))
    : kind === 'once' ? { ...results[0]!, macs: 0, flops: 0 }
    : results[kind === 'loop' && bodyIndex > 0 ? bodyIndex : 0]!;
  // Weights of all branches are stored, whichever runs.
  const params = results.reduce((s, r) => s + r.params, 0);
  const weightBytes = results.reduce((s, r) => s + r.weightBytes, 0);
  return { macs: pick.macs * repeat, flops: pick.flops * repeat, params, weightBytes, partial };
}

function tripCount(node: Node, values: Map<string, ValueFacts>): number | undefined {
  if (node.opType === 'Loop') {
    const m = values.get(node.inputs[0] ?? '')?.value;
    if (m && m.data.length === 1 && typeof m.data[0] === 'number') return m.data[0] as number;
    return undefined;
  }
  // Scan iterates over axis 0 (or scan_input_axes) of its first scan input.
  const numScanInputs = node.attributes.find((a) => a.name === 'num_scan_inputs');
  if (!numScanInputs || numScanInputs.type !== 'int') return undefined;
  const firstScan = node.inputs[node.inputs.length - numScanInputs.value];
  const shape = values.get(firstScan ?? '')?.shape;
  const d = shape?.[0];
  return typeof d === 'number' ? d : undefined;
}

function pickComputeDtype(node: Node, values: Map<string, ValueFacts>): DType {
  for (const name of node.inputs) {
    const dt = values.get(name)?.dtype;
    if (dt && dt !== 'undefined' && dt !== 'int64' && dt !== 'string' && dt !== 'bool') return dt;
  }
  const out = values.get(node.outputs[0] ?? '')?.dtype;
  return out ?? 'undefined';
}
