// `reorder`: picks an execution order with a lower activation-memory peak (the memory-aware scheduling of
// MCUNet/TinyEngine): a beam search over topological orders scored by peak then live bytes, kept only if it beats
// the file's order under the same liveness model as src/core/memory.

import { dtypeByteSize } from '../onnx/dtype';
import type { Graph, Model } from '../onnx/ir';
import { tensorElementCount } from '../onnx/ir';
import { planActivations } from '../memory/kernels';
import type { ValueFacts } from '../shapes/types';
import { catchLens, type Result } from '../result';
import { cloneModel, nodeReads } from './graph';
import { inferFacts } from './facts';
import type { PassOptions, PassOutcome } from './types';

export function reorder(model: Model, options: PassOptions = {}): Result<PassOutcome> {
  return catchLens(() => {
    const m = cloneModel(model);
    const g = m.graph;
    const shapes = inferFacts(m, options);
    // Before and after are judged by the activation plan every figure uses (memory/kernels.ts: QDQ islands as int8
    // kernels, control-flow bodies inlined); the beam search itself scores the tensors as written.
    const before = planActivations(m, shapes).peakActivationBytes;
    const width = options.beamWidth ?? (g.nodes.length <= 300 ? 24 : g.nodes.length <= 1000 ? 8 : 2);
    const order = beamSchedule(g, shapes.values, width);
    const after = order ? planActivations(m, shapes, { order }).peakActivationBytes : before;
    const bound = nodeLowerBound(g, shapes.values);
    const details = {
      peakActivationBytesBefore: before, peakActivationBytesAfter: before, beamWidth: width, movedNodes: 0,
      lowerBoundBytes: bound.bytes, lowerBoundNode: bound.node,
      note: '',
    };
    if (!order || after >= before) {
      details.note = before <= bound.bytes
        ? `the file's order is already optimal: node '${bound.node}' alone needs ${bound.bytes} bytes of inputs and outputs at once, and the peak equals it`
        : 'no better order found by the beam search';
      return { model: m, changed: false, details };
    }
    const nodes = order.map((i) => g.nodes[i]!);
    details.movedNodes = nodes.filter((n, i) => n !== g.nodes[i]).length;
    details.peakActivationBytesAfter = after;
    g.nodes = nodes;
    return { model: m, changed: true, details };
  }, options.path);
}

interface State {
  order: number[];
  done: Uint8Array;
  waiting: Int32Array;
  remaining: Int32Array;
  live: number;
  peak: number;
  hash: number;
}

/** Beam search over topological orders; returns node indices or undefined when the graph cannot be scheduled. */
export function beamSchedule(g: Graph, values: Map<string, ValueFacts>, width: number): number[] | undefined {
  const n = g.nodes.length;
  const initializers = new Set(g.initializers.map((t) => t.name));
  const isConst = (name: string) => initializers.has(name) || values.get(name)?.value !== undefined;
  const tensorId = new Map<string, number>();
  const bytes: number[] = [];
  const id = (name: string) => {
    let i = tensorId.get(name);
    if (i === undefined) { i = bytes.length; tensorId.set(name, i); bytes.push(sizeOf(values.get(name))); }
    return i;
  };
  const producer = new Map<string, number>();
  g.nodes.forEach((node, i) => node.outputs.forEach((o) => { if (o) producer.set(o, i); }));
  const reads: number[][] = [], writes: number[][] = [], deps: number[][] = [];
  const consumers: number[] = [];
  for (const node of g.nodes) {
    const r = [...new Set(nodeReads(node))].filter((x) => !isConst(x) && (producer.has(x) || g.inputs.some((v) => v.name === x))).map(id);
    const w = node.outputs.filter((o) => o && !isConst(o) && node.opType !== 'Constant').map(id);
    reads.push(r); writes.push(w);
    for (const t of r) consumers[t] = (consumers[t] ?? 0) + 1;
    deps.push([...new Set(nodeReads(node).map((x) => producer.get(x)).filter((p): p is number => p !== undefined))]);
  }
  const users: number[][] = Array.from({ length: n }, () => []);
  deps.forEach((d, i) => d.forEach((p) => users[p]!.push(i)));
  const pinned = new Set(g.outputs.map((o) => tensorId.get(o.name)).filter((x): x is number => x !== undefined));
  const salt = Array.from({ length: n }, (_, i) => (Math.imul(i + 1, 2654435761) ^ (i * 40503)) >>> 0);

  let live = 0;
  for (const v of g.inputs) { const t = tensorId.get(v.name); if (t !== undefined) live += bytes[t]!; }
  const start: State = {
    order: [], done: new Uint8Array(n), waiting: Int32Array.from(deps, (d) => d.length),
    remaining: Int32Array.from({ length: bytes.length }, (_, t) => consumers[t] ?? 0), live, peak: live, hash: 0,
  };
  let beam: State[] = [start];
  for (let step = 0; step < n; step++) {
    const next = new Map<number, State>();
    for (const s of beam) {
      for (let v = 0; v < n; v++) {
        if (s.done[v] || s.waiting[v] !== 0) continue;
        const born = writes[v]!.reduce((a, t) => a + bytes[t]!, 0);
        const peak = Math.max(s.peak, s.live + born);
        let freed = 0;
        for (const t of reads[v]!) if (s.remaining[t] === 1 && !pinned.has(t)) freed += bytes[t]!;
        for (const t of writes[v]!) if (!consumers[t] && !pinned.has(t)) freed += bytes[t]!;
        const hash = (s.hash + salt[v]!) >>> 0;
        const prev = next.get(hash);
        const liveAfter = s.live + born - freed;
        if (prev && (prev.peak < peak || (prev.peak === peak && prev.live <= liveAfter))) continue;
        const c: State = {
          order: [...s.order, v], done: s.done.slice(), waiting: s.waiting.slice(), remaining: s.remaining.slice(),
          live: liveAfter, peak, hash,
        };
        c.done[v] = 1;
        for (const u of users[v]!) c.waiting[u]!--;
        for (const t of reads[v]!) c.remaining[t]!--;
        next.set(hash, c);
      }
    }
    if (next.size === 0) return undefined;
    beam = [...next.values()].sort((a, b) => a.peak - b.peak || a.live - b.live).slice(0, width);
  }
  return beam[0]!.order;
}

/**
 * A bound no order can beat: every node needs its activation inputs and outputs live at the same time (graph inputs
 * and outputs included), so the peak is at least the largest such sum.
 */
export function nodeLowerBound(g: Graph, values: Map<string, ValueFacts>): { bytes: number; node: string } {
  const initializers = new Set(g.initializers.map((t) => t.name));
  const isConst = (name: string) => initializers.has(name) || values.get(name)?.value !== undefined;
  let best = { bytes: 0, node: '' };
  for (const n of g.nodes) {
    if (n.opType === 'Constant') continue;
    const names = new Set([...nodeReads(n), ...n.outputs].filter((x) => x && !isConst(x)));
    let sum = 0;
    for (const x of names) sum += sizeOf(values.get(x));
    if (sum > best.bytes) best = { bytes: sum, node: n.name || n.outputs[0] || n.opType };
  }
  return best;
}

function sizeOf(f: ValueFacts | undefined): number {
  if (!f?.shape || f.container || f.shape.some((d) => typeof d !== 'number')) return 0;
  return dtypeByteSize(f.dtype, tensorElementCount(f.shape as number[]));
}

