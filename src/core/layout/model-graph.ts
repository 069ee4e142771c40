// Turns an ONNX graph into the boxes and tensor edges Netron draws: op boxes with their weights listed inside,
// graph inputs/outputs as terminals, Constant tensors folded into their consumers, and collapsed name scopes.

import { tensorElementCount, type Graph, type Shape, type Tensor, type TypeInfo } from '../onnx/ir';
import { tensorToNumbers } from '../onnx/tensor';
import { opCategory } from './categories';
import { BOX, boxSize } from './box';
import { formalInputName } from './input-names';
import { buildScopeTree, groupOf, type ScopeTree } from './scopes';
import type { BoxRow, LaidNode, ModelOutline } from './types';

/** What the drawing needs to know about a value: its shape (from shape inference or declared value_info). */
export interface ValueShape {
  dtype?: string;
  shape?: Shape;
}

export type ValueShapes = ReadonlyMap<string, ValueShape>;

/** A box before placement. */
export type ViewNode = Omit<LaidNode, 'x' | 'y'>;

export interface ViewEdge {
  from: number;
  to: number;
  tensor: string;
  label: string;
  /** Edges of one tensor from one box share a route. */
  bundle: number;
}

export interface ViewGraph {
  nodes: ViewNode[];
  edges: ViewEdge[];
}

/** Facts about one graph, computed once and reused for every expanded set. */
export interface PreparedGraph {
  graph: Graph;
  shapes: Map<string, ValueShape>;
  /** Tensors whose values are weights (initializers and Constant outputs), by name. */
  weights: Map<string, number[]>;
  /** Printed values of one-element weights (Clip's min/max, scales), drawn instead of an empty shape. */
  scalars: Map<string, string>;
  /** Graph nodes that are not drawn (Constants folded into consumers). */
  hidden: Uint8Array;
  scopes: ScopeTree;
}

/** The value of a one-element numeric tensor as short text, or undefined. */
function scalarText(t: Tensor): string | undefined {
  if (tensorElementCount(t.dims) !== 1 || t.data.kind === 'external' || t.dtype === 'string') return undefined;
  const r = tensorToNumbers(t);
  if (!r.ok || r.value.length !== 1) return undefined;
  const v = r.value[0]!;
  return Number.isInteger(v) ? String(v) : String(Number(v.toPrecision(4)));
}

export function formatShape(shape: Shape | undefined): string {
  if (!shape) return '';
  if (shape.length === 0) return 'scalar';
  return shape.map((d) => (d === null ? '?' : String(d))).join('×');
}

function declaredShape(t: TypeInfo): ValueShape {
  if (t.kind === 'tensor' || t.kind === 'sparse_tensor') return { dtype: t.elemType, shape: t.shape };
  return {};
}

/** Gathers shapes (inferred first, declared as fallback), weights and scopes for a graph. */
export function prepareGraph(graph: Graph, inferred?: ValueShapes): PreparedGraph {
  const shapes = new Map<string, ValueShape>();
  for (const v of [...graph.inputs, ...graph.valueInfo, ...graph.outputs]) shapes.set(v.name, declaredShape(v.type));
  const weights = new Map<string, number[]>();
  for (const t of graph.initializers) {
    weights.set(t.name, t.dims);
    shapes.set(t.name, { dtype: t.dtype, shape: t.dims });
  }
  const outputs = new Set(graph.outputs.map((o) => o.name));
  const scalars = new Map<string, string>();
  for (const t of graph.initializers) {
    const s = scalarText(t);
    if (s !== undefined) scalars.set(t.name, s);
  }
  const hidden = new Uint8Array(graph.nodes.length);
  // Constants, and Identity copies of weights (PyTorch exports shared weights that way), fold into their consumers.
  graph.nodes.forEach((node, i) => {
    if (node.domain !== '' || node.outputs.length !== 1) return;
    const out = node.outputs[0]!;
    if (outputs.has(out)) return;
    if (node.opType === 'Constant') {
      const value = node.attributes.find((a) => a.name === 'value');
      const dims = value?.type === 'tensor' ? value.value.dims : [];
      weights.set(out, dims);
      if (value?.type === 'tensor') {
        if (!shapes.has(out)) shapes.set(out, { dtype: value.value.dtype, shape: dims });
        const s = scalarText(value.value);
        if (s !== undefined) scalars.set(out, s);
      }
      hidden[i] = 1;
    } else if (node.opType === 'Identity' && weights.has(node.inputs[0] ?? '')) {
      const from = node.inputs[0]!;
      weights.set(out, weights.get(from)!);
      if (scalars.has(from)) scalars.set(out, scalars.get(from)!);
      if (!shapes.has(out)) shapes.set(out, shapes.get(from) ?? {});
      hidden[i] = 1;
    }
  });
  if (inferred) for (const [name, facts] of inferred) if (facts.shape) shapes.set(name, facts);
  const scopes = buildScopeTree(graph.nodes.map((n, i) => (hidden[i] ? null : n.name)));
  return { graph, shapes, weights, scalars, hidden, scopes };
}

/** Names, op types and tensors of every node: the index the webview searches. */
export function modelOutline(graph: Graph): ModelOutline {
  const inits = new Set(graph.initializers.map((t) => t.name));
  return {
    graphName: graph.name,
    nodes: graph.nodes.map((n) => ({ name: n.name, opType: n.opType, inputs: n.inputs, outputs: n.outputs })),
    inputs: graph.inputs.filter((i) => !inits.has(i.name)).map((i) => i.name),
    outputs: graph.outputs.map((o) => o.name),
  };
}

function weightRows(p: PreparedGraph, index: number): BoxRow[] {
  const node = p.graph.nodes[index]!;
  const rows: BoxRow[] = [];
  node.inputs.forEach((name, k) => {
    if (!name) return;
    const dims = p.weights.get(name);
    if (!dims) return;
    const label = formalInputName(node.opType, k) || `in${k}`;
    const scalar = p.scalars.get(name);
    rows.push({ label, value: scalar !== undefined ? `= ${scalar}` : `⟨${dims.join('×')}⟩` });
  });
  for (const a of node.attributes) {
    if (a.type === 'graph') rows.push({ label: a.name, value: `${a.value.nodes.length} nodes` });
  }
  if (rows.length > BOX.maxRows) {
    const extra = rows.length - (BOX.maxRows - 1);
    rows.length = BOX.maxRows - 1;
    rows.push({ label: `+${extra} more`, value: '' });
  }
  return rows;
}

function groupRows(p: PreparedGraph, members: number[]): BoxRow[] {
  const counts = new Map<string, number>();
  for (const i of members) {
    const op = p.graph.nodes[i]!.opType;
    counts.set(op, (counts.get(op) ?? 0) + 1);
  }
  const top = [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
  const rows: BoxRow[] = top.slice(0, 3).map(([op, c]) => ({ label: op, value: `×${c}` }));
  if (top.length > 3) rows.push({ label: `+${top.length - 3} op types`, value: '' });
  return rows;
}

/** The boxes and edges for one expanded set: collapsed scopes become group boxes, edges inside a group vanish. */
export function buildViewGraph(p: PreparedGraph, expanded: ReadonlySet<string> | 'all'): ViewGraph {
  const { graph } = p;
  const nodes: ViewNode[] = [];
  const byId = new Map<string, number>();
  const add = (node: ViewNode): number => {
    const k = nodes.length;
    nodes.push(node);
    byId.set(node.id, k);
    return k;
  };
  const producer = new Map<string, number>();
  const inits = new Set(graph.initializers.map((t) => t.name));
  for (const input of graph.inputs) {
    if (inits.has(input.name)) continue;
    const shape = formatShape(p.shapes.get(input.name)?.shape);
    const title = input.name;
    const size = boxSize(title, []);
    producer.set(input.name, add({
      id: `i:${input.name}`, kind: 'input', title, subtitle: shape, category: 'io', rows: [],
      width: size.width, height: BOX.terminalHeight,
    }));
  }
  // Box of each graph node (itself or its group); -1 for hidden nodes.
  const boxOf = new Int32Array(graph.nodes.length).fill(-1);
  const groupMembers = new Map<string, number[]>();
  graph.nodes.forEach((node, i) => {
    if (p.hidden[i]) return;
    const scope = expanded === 'all' ? undefined : groupOf(p.scopes, i, expanded);
    if (scope !== undefined) {
      let members = groupMembers.get(scope);
      if (!members) {
        members = [];
        groupMembers.set(scope, members);
        boxOf[i] = add({
          id: `g:${scope}`, kind: 'group', title: scope.slice(scope.lastIndexOf('/') + 1), subtitle: scope,
          category: 'group', rows: [], width: 0, height: 0, scope, members,
        });
      } else {
        boxOf[i] = byId.get(`g:${scope}`)!;
      }
      members.push(i);
      return;
    }
    const rows = weightRows(p, i);
    const size = boxSize(node.opType, rows);
    const box: ViewNode = {
      id: `n${i}`, kind: 'op', title: node.opType, subtitle: node.name, category: opCategory(node.opType), rows,
      width: size.width, height: size.height, nodeIndex: i,
    };
    const subgraphs = node.attributes.flatMap((a) =>
      a.type === 'graph' ? [{ attribute: a.name, branch: 0, nodes: a.value.nodes.length }]
        : a.type === 'graphs' ? a.value.map((g, branch) => ({ attribute: a.name, branch, nodes: g.nodes.length })) : []);
    if (subgraphs.length) box.subgraphs = subgraphs;
    boxOf[i] = add(box);
  });
  for (const box of nodes) {
    if (box.kind !== 'group') continue;
    box.rows = groupRows(p, box.members!);
    const title = `${box.title}  (${box.members!.length})`;
    const size = boxSize(title, box.rows);
    // Room for the expand mark at the right of the header.
    box.width = size.width + 14;
    box.height = size.height;
  }
  graph.nodes.forEach((node, i) => {
    if (boxOf[i]! >= 0) for (const out of node.outputs) if (out) producer.set(out, boxOf[i]!);
  });

  // One edge per (tensor, consumer box); several tensors between the same two boxes merge into one labelled edge.
  const edges: ViewEdge[] = [];
  // Keyed by from * 2^22 + to (box counts stay far below 2^22); the tensor set is made only when a second tensor joins.
  const pairIndex = new Map<number, number>();
  const pairTensors: (Set<string> | undefined)[] = [];
  const tensorIds = new Map<string, number>();
  const addEdge = (from: number, to: number, tensor: string): void => {
    if (from === to) return;
    const key = from * 4194304 + to;
    const known = pairIndex.get(key);
    if (known !== undefined) {
      const e = edges[known]!;
      let seen = pairTensors[known];
      if (!seen) {
        if (e.tensor === tensor) return;
        seen = new Set([e.tensor]);
        pairTensors[known] = seen;
      }
      if (seen.has(tensor)) return;
      seen.add(tensor);
      e.tensor = '';
      e.label = `${seen.size} tensors`;
      return;
    }
    let bundle = tensorIds.get(tensor);
    if (bundle === undefined) {
      bundle = tensorIds.size;
      tensorIds.set(tensor, bundle);
    }
    pairIndex.set(key, edges.length);
    pairTensors.push(undefined);
    edges.push({ from, to, tensor, label: formatShape(p.shapes.get(tensor)?.shape), bundle });
  };
  graph.nodes.forEach((node, i) => {
    const to = boxOf[i]!;
    if (to < 0) return;
    for (const input of node.inputs) {
      if (!input || p.weights.has(input)) continue;
      const from = producer.get(input);
      if (from !== undefined) addEdge(from, to, input);
    }
  });
  for (const output of graph.outputs) {
    const title = output.name;
    const size = boxSize(title, []);
    const k = add({
      id: `o:${output.name}`, kind: 'output', title, subtitle: formatShape(p.shapes.get(output.name)?.shape),
      category: 'io', rows: [], width: size.width, height: BOX.terminalHeight,
    });
    const from = producer.get(output.name);
    if (from !== undefined) addEdge(from, k, output.name);
  }
  return { nodes, edges };
}
