// Candidate cuts of a model: for each point k of a topological order (nodes before k on the device, the rest
// remote), the tensors that must cross the link and their bytes.

import { dtypeByteSize, isFloatDType, type DType } from '../onnx/dtype';
import { subgraphsOf, tensorElementCount, type Graph } from '../onnx/ir';
import { outerReferences } from '../memory';
import type { ValueFacts } from '../shapes/types';

/** Optional encoding of float tensors before sending: fp16 halves float32, int8 quarters it (plus a scale). */
export type Compression = 'none' | 'fp16' | 'int8';

export interface CrossingTensor {
  name: string;
  dtype: DType;
  shape: number[];
  /** Bytes on the link after compression. */
  bytes: number;
}

export interface Cut {
  /** Nodes order[0..index) run on the device, order[index..] remotely. 0 = all remote, order.length = all on device. */
  index: number;
  /** Name of the last node on the device ('' for index 0). */
  afterNode: string;
  /** Tensors uploaded from the device (graph inputs read remotely count: raw sensor data). */
  tensors: CrossingTensor[];
  /** Bytes uploaded per inference. */
  bytes: number;
  /** Graph outputs computed remotely: sent back to the device. */
  downloadBytes: number;
}

export interface CutSet {
  order: number[];
  cuts: Cut[];
  /** Cut points skipped because a crossing tensor's size is unknown (symbolic dims). */
  unknown: number[];
}

/** Topological order of the graph's nodes: the file's own order when it already is one, else Kahn's. */
export function topologicalOrder(graph: Graph): number[] | undefined {
  const producer = new Map<string, number>();
  graph.nodes.forEach((n, i) => n.outputs.forEach((o) => o && producer.set(o, i)));
  const deps: number[][] = graph.nodes.map((n, i) => {
    const refs = new Set(n.inputs.filter(Boolean));
    for (const s of subgraphsOf(n)) for (const r of outerReferences(s.graph)) refs.add(r);
    const out: number[] = [];
    for (const r of refs) {
      const p = producer.get(r);
      if (p !== undefined && p !== i) out.push(p);
    }
    return out;
  });
  if (deps.every((d, i) => d.every((p) => p < i))) return graph.nodes.map((_, i) => i);
  const indeg = deps.map((d) => d.length);
  const users: number[][] = graph.nodes.map(() => []);
  deps.forEach((d, i) => d.forEach((p) => users[p]!.push(i)));
  const ready = indeg.map((d, i) => (d === 0 ? i : -1)).filter((i) => i >= 0);
  const order: number[] = [];
  while (ready.length) {
    const i = ready.shift()!;
    order.push(i);
    for (const u of users[i]!) if (--indeg[u]! === 0) ready.push(u);
  }
  return order.length === graph.nodes.length ? order : undefined;
}

function linkBytes(dtype: DType, elements: number, compression: Compression): number {
  if (compression !== 'none' && isFloatDType(dtype) && dtype !== 'float16' && dtype !== 'bfloat16' && !dtype.startsWith('float8')) {
    // int8 sends one byte per element plus a float32 scale and zero point.
    return compression === 'fp16' ? elements * 2 : elements + 8;
  }
  return dtypeByteSize(dtype, elements);
}

/**
 * Every cut of `order`. A value crosses cut k when it is produced before k (or is a graph input) and read at or after
 * k. Values known at analysis time (initializers, Constant outputs, folded shape arithmetic) never cross: both halves
 * hold them.
 */
export function enumerateCuts(
  graph: Graph,
  values: Map<string, ValueFacts>,
  order: number[],
  compression: Compression = 'none',
): CutSet {
  const n = order.length;
  const position = new Map<number, number>();
  order.forEach((nodeIndex, pos) => position.set(nodeIndex, pos));
  const initializers = new Set(graph.initializers.map((t) => t.name));
  const produced = new Map<string, number>(); // value -> position of its producer (-1 for graph inputs)
  const constant = new Set<string>();
  for (const i of graph.inputs) if (!initializers.has(i.name)) produced.set(i.name, -1);
  for (let pos = 0; pos < n; pos++) {
    const node = graph.nodes[order[pos]!]!;
    for (const o of node.outputs) {
      if (!o) continue;
      produced.set(o, pos);
      // The value itself, not just whether it could be folded: the remote half is given a copy of it.
      if (node.opType === 'Constant' || values.get(o)?.value !== undefined) constant.add(o);
    }
  }
  const lastRead = new Map<string, number>();
  for (let pos = 0; pos < n; pos++) {
    const node = graph.nodes[order[pos]!]!;
    const reads = new Set(node.inputs.filter(Boolean));
    for (const s of subgraphsOf(node)) for (const r of outerReferences(s.graph)) reads.add(r);
    for (const r of reads) if (produced.has(r)) lastRead.set(r, pos);
  }
  const outputs = new Set(graph.outputs.map((o) => o.name));

  // Sweep k from 0 to n: a value enters the crossing set after its producer, leaves after its last reader.
  const entering: string[][] = Array.from({ length: n + 1 }, () => []);
  const leaving: string[][] = Array.from({ length: n + 2 }, () => []);
  for (const [name, p] of produced) {
    const q = lastRead.get(name);
    if (q === undefined || constant.has(name) || q <= p) continue;
    entering[p + 1]!.push(name); // crosses cuts p+1 .. q
    leaving[q + 1]!.push(name);
  }
  // Download: graph outputs produced at or after k.
  const outputBytesFrom = new Float64Array(n + 2);
  let downloadUnknown = false;
  for (const name of outputs) {
    const p = produced.get(name);
    if (p === undefined || p < 0) continue;
    const b = sizeOf(values.get(name), 'none');
    if (b === undefined) downloadUnknown = true;
    else outputBytesFrom[p]! += b;
  }
  for (let k = n - 1; k >= 0; k--) outputBytesFrom[k]! += outputBytesFrom[k + 1]!;

  const live = new Set<string>();
  const cuts: Cut[] = [];
  const unknown: number[] = [];
  for (let k = 0; k <= n; k++) {
    for (const name of leaving[k]!) live.delete(name);
    for (const name of entering[k]!) live.add(name);
    const tensors: CrossingTensor[] = [];
    let ok = !(downloadUnknown && k < n);
    for (const name of live) {
      const f = values.get(name);
      const shape = numericShape(f);
      const bytes = sizeOf(f, compression);
      if (!shape || bytes === undefined || !f) {
        ok = false;
        break;
      }
      tensors.push({ name, dtype: f.dtype, shape, bytes });
    }
    if (!ok) {
      unknown.push(k);
      continue;
    }
    tensors.sort((a, b) => a.name.localeCompare(b.name));
    cuts.push({
      index: k,
      afterNode: k === 0 ? '' : graph.nodes[order[k - 1]!]!.name || `#${order[k - 1]} ${graph.nodes[order[k - 1]!]!.opType}`,
      tensors,
      bytes: tensors.reduce((s, t) => s + t.bytes, 0),
      downloadBytes: k < n ? outputBytesFrom[k]! : 0,
    });
  }
  return { order, cuts, unknown };
}

function numericShape(f: ValueFacts | undefined): number[] | undefined {
  if (!f?.shape || f.container) return undefined;
  const out: number[] = [];
  for (const d of f.shape) {
    if (typeof d !== 'number') return undefined;
    out.push(d);
  }
  return out;
}

function sizeOf(f: ValueFacts | undefined, compression: Compression): number | undefined {
  const shape = numericShape(f);
  if (!shape || !f) return undefined;
  return linkBytes(f.dtype, tensorElementCount(shape), compression);
}
