// Activation memory over an execution order: tensor lifetimes, the live peak (a lower bound for any planner)
// and a greedy offset-based arena as TFLite Micro's GreedyMemoryPlanner builds it.

import { dtypeByteSize, type DType } from '../onnx/dtype';
import { tensorElementCount, type ArenaRules, type Graph } from '../onnx/ir';
import { isKnownValue, type ValueFacts } from '../shapes/types';

export interface Buffer {
  name: string;
  bytes: number;
  /** First step (node index in the order) at which the tensor exists; -1 for graph inputs. */
  firstStep: number;
  /** Last step at which it is read; the order's length for graph outputs. */
  lastStep: number;
  /** Offset in the greedy arena. */
  offset: number;
}

export interface MemoryPlan {
  /** The largest total of simultaneously live activation bytes: no planner can use less. */
  peakActivationBytes: number;
  /** The arena a greedy first-fit-by-size planner needs for the same lifetimes. */
  arenaBytes: number;
  /** Step (index into `order`) where the peak occurs, and the tensors live there. */
  peakStep: number;
  peakTensors: { name: string; bytes: number }[];
  /** Live bytes after each step, for charts. */
  liveBytesByStep: number[];
  buffers: Buffer[];
  /** Tensors whose size is unknown (symbolic dims): not counted, so the figures are lower bounds. */
  unknownTensors: string[];
}

export interface PlanOptions {
  /** Execution order as node indices; defaults to the graph's node order. */
  order?: number[];
  /** Values that are constant at run time (initializers, Constant outputs, folded shape arithmetic). */
  isConstant?: (name: string) => boolean;
  /**
   * The element type a tensor is held in at run time, when the kernels store it differently from the model's type
   * (float16 widened to float32 on a target without float16 kernels). Default: the inferred dtype.
   */
  dtypeOf?: (name: string, dtype: DType) => DType;
  /** The target runtime's planner rules: buffer alignment, offsets fixed ahead of time, order of equal sizes. */
  rules?: ArenaRules;
}

/** Plans the activations of `graph` given the facts shape inference produced. */
export function planMemory(graph: Graph, values: Map<string, ValueFacts>, options: PlanOptions = {}): MemoryPlan {
  const order = options.order ?? graph.nodes.map((_, i) => i);
  const initializers = new Set(graph.initializers.map((t) => t.name));
  const isConstant = options.isConstant ?? ((name: string) => initializers.has(name) || isKnownValue(values.get(name)));
  const steps = order.length;
  const first = new Map<string, number>();
  const last = new Map<string, number>();

  for (const input of graph.inputs) {
    if (initializers.has(input.name)) continue;
    first.set(input.name, -1);
    last.set(input.name, -1);
  }
  // Buffers nodes read that no node writes (a delegate's scratch) live from the start; state the runtime keeps
  // outside the arena (TFLM's variable tensors, in its persistent tail) is not planned here.
  for (const s of graph.states ?? []) {
    if (options.rules?.persistent?.has(s.name)) continue;
    first.set(s.name, -1);
    last.set(s.name, -1);
  }
  for (let s = 0; s < steps; s++) {
    const node = graph.nodes[order[s]!]!;
    for (const name of node.inputs) {
      if (name && first.has(name)) last.set(name, s);
    }
    for (const name of node.outputs) {
      if (!name || isConstant(name) || node.opType === 'Constant') continue;
      if (!first.has(name)) {
        first.set(name, s);
        last.set(name, s);
      }
    }
    // Inputs read inside subgraphs (outer-scope references) are read at this step too.
    for (const a of node.attributes) {
      const graphs = a.type === 'graph' ? [a.value] : a.type === 'graphs' ? a.value : [];
      for (const g of graphs) for (const name of outerReferences(g)) if (first.has(name)) last.set(name, s);
    }
  }
  for (const output of graph.outputs) if (first.has(output.name)) last.set(output.name, steps);

  const buffers: Buffer[] = [];
  const unknownTensors: string[] = [];
  for (const [name, f] of first) {
    const facts = values.get(name);
    const raw = tensorBytes(facts, options.dtypeOf ? (d) => options.dtypeOf!(name, d) : undefined);
    const align = options.rules?.alignmentBytes ?? 1;
    const bytes = raw === undefined || align <= 1 ? raw : Math.ceil(raw / align) * align;
    if (bytes === undefined) {
      unknownTensors.push(name);
      continue;
    }
    if (bytes === 0) continue;
    buffers.push({ name, bytes, firstStep: f, lastStep: last.get(name)!, offset: 0 });
  }

  return { ...planBuffers(buffers, steps, options.rules), unknownTensors };
}

/**
 * Live peak and greedy arena of buffers with known lifetimes over `steps` steps (the in-place and patch planners
 * merge tensors that share storage into one buffer and plan the result with this).
 */
export function planBuffers(buffers: Buffer[], steps: number, rules?: ArenaRules): Omit<MemoryPlan, 'unknownTensors'> {
  // Live bytes per step with a difference array: +bytes at birth, −bytes after the last read.
  const span = steps + 2; // steps −1 .. steps
  const delta = new Float64Array(span + 1);
  for (const b of buffers) {
    delta[b.firstStep + 1] += b.bytes;
    delta[b.lastStep + 2] -= b.bytes;
  }
  const liveBytesByStep: number[] = [];
  let live = 0;
  let peak = 0;
  let peakIndex = 0;
  for (let i = 0; i < span; i++) {
    live += delta[i]!;
    if (i >= 1 && i <= steps) liveBytesByStep.push(live);
    if (live > peak) {
      peak = live;
      peakIndex = i - 1;
    }
  }
  const peakStep = Math.max(0, Math.min(steps - 1, peakIndex));
  const peakTensors = buffers
    .filter((b) => b.firstStep <= peakIndex && b.lastStep >= peakIndex)
    .sort((a, b) => b.bytes - a.bytes)
    .map((b) => ({ name: b.name, bytes: b.bytes }));

  const arenaBytes = greedyArena(buffers, span, rules);
  return { peakActivationBytes: peak, arenaBytes, peakStep, peakTensors, liveBytesByStep, buffers };
}

function tensorBytes(facts: ValueFacts | undefined, dtypeOf?: (dtype: DType) => DType): number | undefined {
  if (!facts?.shape || facts.container) return undefined;
  for (const d of facts.shape) if (typeof d !== 'number') return undefined;
  return dtypeByteSize(dtypeOf ? dtypeOf(facts.dtype) : facts.dtype, tensorElementCount(facts.shape as number[]));
}

/** Names a subgraph reads from its enclosing scope (used but neither produced nor declared inside). */
export function outerReferences(graph: Graph): Set<string> {
  const local = new Set<string>();
  for (const i of graph.inputs) local.add(i.name);
  for (const t of graph.initializers) local.add(t.name);
  const refs = new Set<string>();
  for (const n of graph.nodes) {
    for (const i of n.inputs) if (i && !local.has(i)) refs.add(i);
    for (const a of n.attributes) {
      const graphs = a.type === 'graph' ? [a.value] : a.type === 'graphs' ? a.value : [];
      for (const g of graphs) for (const r of outerReferences(g)) if (!local.has(r)) refs.add(r);
    }
    for (const o of n.outputs) if (o) local.add(o);
  }
  return refs;
}

/**
 * TFLite Micro's greedy planner: place buffers largest first, each at the lowest offset where it does not overlap
 * (in memory) any already placed buffer whose lifetime overlaps its own. Buffers with fixed (offline-planned) offsets
 * are placed first where the plan puts them; `tieRank` orders equal sizes as the runtime does.
 */
function greedyArena(buffers: Buffer[], span: number, rules?: ArenaRules): number {
  const fixed = rules?.fixedOffsets;
  const rank = rules?.tieRank;
  const tie = rank
    ? (a: Buffer, b: Buffer) => (rank.get(b.name) ?? -1) - (rank.get(a.name) ?? -1)
    : (a: Buffer, b: Buffer) => a.firstStep - b.firstStep;
  const sorted = [...buffers].sort((a, b) => b.bytes - a.bytes || tie(a, b));
  if (fixed?.size) sorted.sort((a, b) => Number(fixed.has(b.name)) - Number(fixed.has(a.name)));
  // Buffers placed so far, bucketed by every step they are live in, to find lifetime overlaps quickly.
  const byStep: Buffer[][] = Array.from({ length: span }, () => []);
  const seen = new Map<Buffer, number>();
  let stamp = 0;
  let arena = 0;
  const conflicts: Buffer[] = [];
  for (const b of sorted) {
    stamp++;
    conflicts.length = 0;
    const at = fixed?.get(b.name);
    if (at !== undefined) {
      b.offset = at;
    } else {
      for (let s = b.firstStep + 1; s <= b.lastStep + 1; s++) {
        for (const o of byStep[s]!) {
          if (seen.get(o) === stamp) continue;
          seen.set(o, stamp);
          conflicts.push(o);
        }
      }
      conflicts.sort((x, y) => x.offset - y.offset);
      let offset = 0;
      for (const o of conflicts) {
        if (offset + b.bytes <= o.offset) break;
        offset = Math.max(offset, o.offset + o.bytes);
      }
      b.offset = offset;
    }
    arena = Math.max(arena, b.offset + b.bytes);
    for (let s = b.firstStep + 1; s <= b.lastStep + 1; s++) byStep[s]!.push(b);
  }
  return arena;
}
