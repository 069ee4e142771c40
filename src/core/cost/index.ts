// Costs every node of a model: MACs, FLOPs, weights it reads and activation bytes it moves (see docs/cost-model.md).

import { dtypeByteSize, isFloatDType, type DType } from '../onnx/dtype';
import { subgraphsOf, tensorElementCount, type Graph, type Model, type Node, type Tensor } from '../onnx/ir';
import { isKnownValue, type ShapeInference, type ValueFacts } from '../shapes/types';
import { ifDecision, inputsBehind, loopMayStopEarly, tripCount, type Lookup } from '../shapes/control-flow';
import { controlKind, isComputeOp, opClassOf, opWork, type Operand } from './rules';
import type { ExecutedBody, NodeCost } from './types';
import type { Deadline } from '../deadline';

export type { ExecutedBody, NodeCost, OpClass } from './types';
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
  /** Control-flow nodes whose counts are upper bounds (an If whose condition is unknown: the costlier branch). */
  upperBoundNodes: number;
}

export interface GraphCost {
  nodes: NodeCost[];
  totals: CostTotals;
  warnings: string[];
  /** What the control-flow figures rest on (branch taken, trip counts), one line per If/Loop/Scan that matters. */
  assumptions: string[];
  /** Costs of the nodes of every subgraph (both If branches, Loop/Scan bodies), for the editor's subgraph views. */
  subgraphs: Map<Graph, NodeCost[]>;
}

/** Float Constant tensors at least this large are weights even when only data ops (Slice, Gather, Concat) read them. */
const MIN_TABLE_ELEMENTS = 64;

/** A weight: constant data a node reads (an initializer, or a Constant node's non-scalar float tensor). */
interface WeightInfo {
  elements: number;
  bytes: number;
  fromConstantNode: boolean;
}

interface CostContext {
  shapes: ShapeInference;
  warnings: string[];
  assumptions: string[];
  subgraphs: Map<Graph, NodeCost[]>;
  opset: number;
  deadline?: Deadline;
}

/**
 * Costs the main graph. Control-flow nodes carry the cost of the subgraph that runs: the taken If branch when the
 * condition is known, else the costlier one (an upper bound); a Loop/Scan body times its trip count, or once (per
 * iteration, stated) when the count is unknown.
 */
export function costModel(model: Model, shapes: ShapeInference, deadline?: Deadline): GraphCost {
  const ctx: CostContext = {
    shapes, warnings: [], assumptions: [], subgraphs: new Map(), deadline,
    opset: model.opsetImports.find((o) => o.domain === '' || o.domain === 'ai.onnx')?.version ?? 21,
  };
  const lookup: Lookup = (name) => shapes.values.get(name);
  const cost = costGraph(model.graph, lookup, ctx, 0);
  return { ...cost, warnings: ctx.warnings, assumptions: ctx.assumptions, subgraphs: ctx.subgraphs };
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
    // Scalars (Clip bounds, epsilons) and integer shape constants are not weights; float tensors read by compute are,
    // and so are larger float tables that reach compute through data ops (LSTM weights sliced and concatenated by
    // the exporter, embedding tables read by Gather): they are stored in the file and in flash all the same.
    const elements = tensorElementCount(t.dims);
    if (!isFloatDType(t.dtype) || elements <= 1) continue;
    if (!consumerCompute.get(n.outputs[0]) && elements < MIN_TABLE_ELEMENTS) continue;
    add(t, true, n.outputs[0]);
  }
  return weights;
}

function costGraph(graph: Graph, lookup: Lookup, ctx: CostContext, depth: number): { nodes: NodeCost[]; totals: CostTotals } {
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
  const totals: CostTotals = { params: 0, macs: 0, flops: 0, weightBytes: 0, constantParams: 0, partialNodes: 0, upperBoundNodes: 0 };
  const graphInputs = new Set(graph.inputs.map((i) => i.name));

  for (const w of weights.values()) {
    totals.params += w.elements;
    totals.weightBytes += w.bytes;
    if (w.fromConstantNode) totals.constantParams += w.elements;
  }

  graph.nodes.forEach((node, index) => {
    ctx.deadline?.check();
    const inputs = node.inputs.map((n) => (n ? operandOf(lookup(n)) : {}));
    const outputs = node.outputs.map((n) => (n ? operandOf(lookup(n)) : {}));
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
      const facts = lookup(name);
      if (isKnownValue(facts) && !graphInputs.has(name)) continue; // folded constants cost no traffic
      const b = bytesOf(facts);
      if (b === undefined) partial = true;
      else inputBytes += b;
    }
    if (node.opType !== 'Constant') {
      for (const name of node.outputs) {
        if (!name) continue;
        const b = bytesOf(lookup(name));
        if (b === undefined) partial = true;
        else outputBytes += b;
      }
    }
    let body: ExecutedBody | undefined;
    if (depth < 64) {
      const subs = subgraphsOf(node);
      if (subs.length) {
        const sub = costSubgraphs(graph, node, subs.map((s) => s.graph), lookup, ctx, depth);
        macs += sub.macs;
        flops += sub.flops;
        params += sub.params;
        weightBytes += sub.weightBytes;
        totals.params += sub.params;
        totals.weightBytes += sub.weightBytes;
        partial ||= sub.partial;
        body = sub.body;
      }
    }
    const computeDtype = pickComputeDtype(node, lookup);
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
      ...(body ? { body } : {}),
    };
    nodes.push(cost);
    totals.macs += macs;
    totals.flops += flops;
    // Custom operators are named in their own warning, not counted among nodes with unknown shapes.
    if (partial && !work.unknownOp) totals.partialNodes++;
    if (body?.bound === 'upper') totals.upperBoundNodes++;
  });
  if (unknownOps.size) {
    const list = [...unknownOps].map(([op, n]) => `${op} (${n} node${n > 1 ? 's' : ''})`).join(', ');
    ctx.warnings.push(`custom operator${unknownOps.size > 1 ? 's' : ''} ${list} ha${unknownOps.size > 1 ? 've' : 's'} no cost model: their MACs, FLOPs and latency are left out, so the totals are lower bounds`);
  }
  const unused = [...weights.keys()].filter((k) => !counted.has(k));
  if (unused.length && depth === 0) {
    ctx.warnings.push(`${unused.length} initializer(s) are not read by any node (they still take flash): ${unused.slice(0, 5).join(', ')}${unused.length > 5 ? ', …' : ''}`);
  }
  return { nodes, totals };
}

function costSubgraphs(
  parent: Graph,
  node: Node,
  graphs: Graph[],
  lookup: Lookup,
  ctx: CostContext,
  depth: number,
): { macs: number; flops: number; params: number; weightBytes: number; partial: boolean; body?: ExecutedBody } {
  const costs = graphs.map((g) => {
    const own = ctx.shapes.subgraphs.get(g) ?? new Map<string, ValueFacts>();
    // Subgraphs read outer-scope values by name: look them up in the enclosing scopes.
    const inner: Lookup = (name) => own.get(name) ?? lookup(name);
    const r = costGraph(g, inner, ctx, depth + 1);
    ctx.subgraphs.set(g, r.nodes);
    return { graph: g, ...r };
  });
  // Weights of all branches are stored, whichever runs.
  const params = costs.reduce((s, r) => s + r.totals.params, 0);
  const weightBytes = costs.reduce((s, r) => s + r.totals.weightBytes, 0);
  const label = `${node.opType} '${node.name || node.opType}'`;
  let partial = costs.some((r) => r.totals.partialNodes > 0);
  let pick: (typeof costs)[number] | undefined = costs[0];
  let repeat = 1;
  let bound: 'upper' | undefined;
  let branch: 'then' | 'else' | undefined;
  // How the node runs its subgraphs: ONNX If/Loop/Scan, or another format's (TFLite IF, WHILE, CALL_ONCE).
  const kind = controlKind(node);
  if (kind === 'once') {
    // Run once at start-up (TFLite CALL_ONCE): nothing per inference.
    return { macs: 0, flops: 0, params, weightBytes, partial: false };
  }
  if (kind === 'branch') {
    const d = node.opType === 'If' && node.domain === '' ? ifDecision(node, lookup) : {};
    const byGraph = (g: Graph | undefined) => costs.find((c) => c.graph === g);
    if (d.taken) {
      branch = d.taken;
      pick = byGraph(d[d.taken]) ?? pick;
      partial = (pick?.totals.partialNodes ?? 0) > 0;
    } else {
      const heaviest = costs.reduce<(typeof costs)[number] | undefined>((a, b) => (!a || b.totals.macs + b.totals.flops > a.totals.macs + a.totals.flops ? b : a), undefined);
      pick = heaviest;
      if (d.then || d.else) branch = heaviest?.graph === d.else ? 'else' : 'then';
      bound = 'upper';
      const distinct = new Set(costs.map((c) => c.totals.macs + c.totals.flops)).size > 1;
      if (depth === 0 || distinct) {
        const behind = inputsBehind(parent, node.inputs[0] ?? '', lookup);
        ctx.assumptions.push(`${label}: condition unknown, so the costlier branch${branch ? ` (${branch})` : ''} is counted: its MACs, FLOPs, memory and latency are upper bounds` +
          (behind.length ? ` (give the input it depends on, e.g. --value ${behind[0]}=N)` : ''));
      }
    }
  } else if (kind === 'loop') {
    // The body is the subgraph named 'body' where there are several (TFLite WHILE: cond and body).
    const named = costs.find((c) => subgraphsOf(node).some((s) => s.attribute === 'body' && s.graph === c.graph));
    if (named) pick = named;
    const trips = node.domain === '' ? tripCount(node, lookup, ctx.opset) : undefined;
    if (trips === undefined) {
      partial = true;
      ctx.assumptions.push(`${label}: trip count unknown, so its body is counted once: its MACs, FLOPs and latency are per iteration`);
    } else {
      repeat = trips;
      if (loopMayStopEarly(node, lookup)) {
        bound = 'upper';
        ctx.assumptions.push(`${label}: ${trips} iterations counted (its trip count); a run-time condition may stop it earlier, so the figures are upper bounds`);
      }
    }
  }
  if (!pick) return { macs: 0, flops: 0, params, weightBytes, partial };
  const body: ExecutedBody = { graph: pick.graph, costs: pick.nodes, repeat, ...(branch ? { branch } : {}), ...(bound ? { bound } : {}) };
  return { macs: pick.totals.macs * repeat, flops: pick.totals.flops * repeat, params, weightBytes, partial, body };
}

function pickComputeDtype(node: Node, lookup: Lookup): DType {
  for (const name of node.inputs) {
    const dt = lookup(name)?.dtype;
    if (dt && dt !== 'undefined' && dt !== 'int64' && dt !== 'string' && dt !== 'bool') return dt;
  }
  const out = lookup(node.outputs[0] ?? '')?.dtype;
  return out ?? 'undefined';
}
