// Graph plumbing shared by the passes: copying a model so passes stay pure, producer/consumer maps,
// constant lookup (initializers and Constant nodes), renaming uses, fresh names and topological order.

import type { Graph, Model, Node, Tensor } from '../onnx/ir';
import { getAttribute, subgraphsOf } from '../onnx/ir';
import { LensException } from '../result';
import { float32Tensor, int64Tensor } from './numeric';

/** Copies the model deeply enough that a pass may edit node lists, node inputs/outputs and attributes. */
export function cloneModel(model: Model): Model {
  return { ...model, opsetImports: model.opsetImports.map((o) => ({ ...o })), graph: cloneGraph(model.graph) };
}

export function cloneGraph(g: Graph): Graph {
  return {
    ...g,
    nodes: g.nodes.map(cloneNode),
    initializers: [...g.initializers],
    sparseInitializers: [...g.sparseInitializers],
    inputs: g.inputs.map((v) => ({ ...v })),
    outputs: g.outputs.map((v) => ({ ...v })),
    valueInfo: g.valueInfo.map((v) => ({ ...v })),
  };
}

export function cloneNode(n: Node): Node {
  return {
    ...n,
    inputs: [...n.inputs],
    outputs: [...n.outputs],
    attributes: n.attributes.map((a) => (a.type === 'graph' ? { ...a, value: cloneGraph(a.value) } : a.type === 'graphs' ? { ...a, value: a.value.map(cloneGraph) } : { ...a })),
  };
}

/** Names a subgraph reads from its enclosing scopes (implicit inputs), so outer passes keep them alive. */
export function outerNamesUsed(g: Graph): Set<string> {
  const defined = new Set<string>([...g.inputs.map((v) => v.name), ...g.initializers.map((t) => t.name)]);
  const used = new Set<string>();
  for (const n of g.nodes) {
    for (const i of n.inputs) if (i && !defined.has(i)) used.add(i);
    for (const s of subgraphsOf(n)) for (const name of outerNamesUsed(s.graph)) if (!defined.has(name)) used.add(name);
    for (const o of n.outputs) defined.add(o);
  }
  return used;
}

/** Every value name a node reads, including names its subgraphs capture from the outer scope. */
export function nodeReads(n: Node): string[] {
  const names = n.inputs.filter((i) => i !== '');
  for (const s of subgraphsOf(n)) names.push(...outerNamesUsed(s.graph));
  return names;
}

export function producerMap(g: Graph): Map<string, Node> {
  const m = new Map<string, Node>();
  for (const n of g.nodes) for (const o of n.outputs) if (o) m.set(o, n);
  return m;
}

export function consumerMap(g: Graph): Map<string, Node[]> {
  const m = new Map<string, Node[]>();
  for (const n of g.nodes) {
    for (const i of new Set(nodeReads(n))) {
      let list = m.get(i);
      if (!list) m.set(i, (list = []));
      list.push(n);
    }
  }
  return m;
}

export function graphOutputNames(g: Graph): Set<string> {
  return new Set(g.outputs.map((o) => o.name));
}

export function initializerMap(g: Graph): Map<string, Tensor> {
  const inputs = new Set(g.inputs.map((v) => v.name));
  const m = new Map<string, Tensor>();
  // An initializer that is also a graph input is overridable at run time, so it is not a constant.
  for (const t of g.initializers) if (!inputs.has(t.name)) m.set(t.name, t);
  return m;
}

/** The tensor a Constant node produces, or undefined for forms it cannot express (sparse, strings). */
export function constantNodeTensor(n: Node): Tensor | undefined {
  if (n.opType !== 'Constant' || n.domain !== '') return undefined;
  const name = n.outputs[0] ?? '';
  const a = n.attributes[0];
  if (!a || n.attributes.length !== 1) return undefined;
  switch (a.name) {
    case 'value': return a.type === 'tensor' ? { ...a.value, name } : undefined;
    case 'value_float': return a.type === 'float' ? float32Tensor(name, [], [a.value]) : undefined;
    case 'value_floats': return a.type === 'floats' ? float32Tensor(name, [a.value.length], a.value) : undefined;
    case 'value_int': return a.type === 'int' ? int64Tensor(name, [], [a.value]) : undefined;
    case 'value_ints': return a.type === 'ints' ? int64Tensor(name, [a.value.length], a.value) : undefined;
    default: return undefined;
  }
}

/**
 * Constant tensors by name: non-overridable initializers, Constant node outputs, and Identity copies of either
 * (PyTorch exports shared parameters through Identity nodes). Assumes topological order.
 */
export function constantMap(g: Graph): Map<string, Tensor> {
  const m = initializerMap(g);
  for (const n of g.nodes) {
    const t = constantNodeTensor(n);
    if (t) { m.set(t.name, t); continue; }
    if (n.opType === 'Identity' && n.domain === '' && n.outputs[0]) {
      const src = m.get(n.inputs[0] ?? '');
      if (src) m.set(n.outputs[0], { ...src, name: n.outputs[0] });
    }
  }
  return m;
}

/** Replaces every read of `from` by `to` (node inputs, subgraph captures, graph outputs). */
export function renameUses(g: Graph, from: string, to: string): void {
  for (const n of g.nodes) {
    for (let i = 0; i < n.inputs.length; i++) if (n.inputs[i] === from) n.inputs[i] = to;
    for (const s of subgraphsOf(n)) renameCaptured(s.graph, from, to);
  }
}

function renameCaptured(g: Graph, from: string, to: string): void {
  // A subgraph that defines `from` itself shadows the outer name.
  if (g.inputs.some((v) => v.name === from) || g.initializers.some((t) => t.name === from)) return;
  if (g.nodes.some((n) => n.outputs.includes(from))) return;
  renameUses(g, from, to);
  for (const o of g.outputs) if (o.name === from) o.name = to;
}

/** Makes names unique against everything already in the graph. */
export class NameGen {
  private used = new Set<string>();
  constructor(g: Graph) {
    const add = (x: Graph) => {
      for (const v of [...x.inputs, ...x.outputs, ...x.valueInfo]) this.used.add(v.name);
      for (const t of x.initializers) this.used.add(t.name);
      for (const n of x.nodes) {
        this.used.add(n.name);
        for (const o of n.outputs) this.used.add(o);
        for (const s of subgraphsOf(n)) add(s.graph);
      }
    };
    add(g);
  }
  fresh(base: string): string {
    if (!this.used.has(base)) { this.used.add(base); return base; }
    for (let i = 1; ; i++) {
      const c = `${base}_${i}`;
      if (!this.used.has(c)) { this.used.add(c); return c; }
    }
  }
}

/**
 * Orders nodes so every node follows the producers of what it reads (Kahn's algorithm, ties kept in the
 * original order so an already sorted graph is unchanged). Throws on a cycle.
 */
export function topoSort(g: Graph): Node[] {
  const available = new Set<string>([...g.inputs.map((v) => v.name), ...g.initializers.map((t) => t.name), '']);
  const producer = producerMap(g);
  const pending = new Map<Node, number>();
  const waiting = new Map<string, Node[]>();
  for (const n of g.nodes) {
    let count = 0;
    for (const i of new Set(nodeReads(n))) {
      if (available.has(i) || !producer.has(i)) continue; // outer-scope names count as available
      count++;
      let w = waiting.get(i);
      if (!w) waiting.set(i, (w = []));
      w.push(n);
    }
    pending.set(n, count);
  }
  const position = new Map(g.nodes.map((n, i) => [n, i]));
  const ready: Node[] = g.nodes.filter((n) => pending.get(n) === 0);
  const out: Node[] = [];
  // A small binary heap keyed on original position keeps the order stable.
  const heap = new MinHeap<Node>((a, b) => position.get(a)! - position.get(b)!);
  for (const n of ready) heap.push(n);
  while (heap.size > 0) {
    const n = heap.pop()!;
    out.push(n);
    for (const o of n.outputs) {
      for (const c of waiting.get(o) ?? []) {
        const left = pending.get(c)! - 1;
        pending.set(c, left);
        if (left === 0) heap.push(c);
      }
      waiting.delete(o);
    }
  }
  if (out.length !== g.nodes.length) throw new LensException('invalid-model', 'the graph has a cycle, so it has no valid execution order');
  return out;
}

export class MinHeap<T> {
  private items: T[] = [];
  constructor(private less: (a: T, b: T) => number) {}
  get size(): number { return this.items.length; }
  push(x: T): void {
    const a = this.items;
    a.push(x);
    let i = a.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (this.less(a[i]!, a[p]!) >= 0) break;
      [a[i], a[p]] = [a[p]!, a[i]!];
      i = p;
    }
  }
  pop(): T | undefined {
    const a = this.items;
    if (a.length === 0) return undefined;
    const top = a[0];
    const last = a.pop()!;
    if (a.length > 0) {
      a[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1, r = l + 1;
        let m = i;
        if (l < a.length && this.less(a[l]!, a[m]!) < 0) m = l;
        if (r < a.length && this.less(a[r]!, a[m]!) < 0) m = r;
        if (m === i) break;
        [a[i], a[m]] = [a[m]!, a[i]!];
        i = m;
      }
    }
    return top;
  }
}

export function attr(n: Node, name: string) {
  return getAttribute(n, name);
}

/** Sets (or replaces) an attribute on a node. */
export function setAttr(n: Node, a: Node['attributes'][number]): void {
  const i = n.attributes.findIndex((x) => x.name === a.name);
  if (i >= 0) n.attributes[i] = a;
  else n.attributes.push(a);
}

/** Removes nodes producing nothing that is read, recursively (dead code), keeping graph outputs. */
export function removeDeadNodes(g: Graph): number {
  const live = new Set<string>(g.outputs.map((o) => o.name));
  const keep: Node[] = [];
  for (let i = g.nodes.length - 1; i >= 0; i--) {
    const n = g.nodes[i]!;
    if (n.outputs.some((o) => o !== '' && live.has(o))) {
      keep.push(n);
      for (const r of nodeReads(n)) live.add(r);
    }
  }
  const removed = g.nodes.length - keep.length;
  g.nodes = keep.reverse();
  return removed;
}

/** Drops initializers nothing reads (graph inputs that shadow them stay). */
export function removeUnusedInitializers(g: Graph): number {
  const read = new Set<string>(g.outputs.map((o) => o.name));
  for (const n of g.nodes) for (const r of nodeReads(n)) read.add(r);
  const before = g.initializers.length;
  g.initializers = g.initializers.filter((t) => read.has(t.name));
  const names = new Set(g.initializers.map((t) => t.name));
  const produced = new Set(g.nodes.flatMap((n) => n.outputs));
  g.valueInfo = g.valueInfo.filter((v) => read.has(v.name) || names.has(v.name) || produced.has(v.name));
  return before - g.initializers.length;
}

/**
 * Initializers listed among graph inputs (old exporters' habit) become plain constants, as onnxsim does;
 * IR version 4 is the first that allows initializers outside the inputs. Returns how many were promoted.
 */
export function promoteInitializerInputs(m: Model): number {
  const g = m.graph;
  const inits = new Set(g.initializers.map((t) => t.name));
  const before = g.inputs.length;
  g.inputs = g.inputs.filter((v) => !inits.has(v.name));
  if (g.inputs.length !== before && m.irVersion < 4) m.irVersion = 4;
  return before - g.inputs.length;
}
