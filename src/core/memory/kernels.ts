// The activation plan every figure uses (analyze, optimize's before/after, advise, check, the editor, reports): the
// tensors the kernels of a runtime actually hold, over the nodes that actually run.
//   - QDQ models: each DequantizeLinear → op → QuantizeLinear island is one int8 kernel reading and writing the
//     quantized tensors (ORT, TFLite, STM32Cube.AI, ESP-NN all run QDQ so), so the float tensors inside an island
//     are never materialized.
//   - If/Loop/Scan: the subgraph that runs is planned in place of the control node (the taken If branch, else the
//     branch with the larger activation peak, flagged as an upper bound; one Loop/Scan iteration, whose buffers every
//     iteration reuses).
//   - float16/bfloat16 tensors on a target whose kernels lack that type are held as float32.
// The plan as written (every tensor at its declared type, control nodes opaque) is kept as a labelled reference.

import type { DType } from '../onnx/dtype';
import { attrGraph, type ArenaRules, type Graph, type Model, type Node, type Tensor } from '../onnx/ir';
import { ifDecision, type Lookup } from '../shapes/control-flow';
import type { ShapeInference, ValueFacts } from '../shapes/types';
import { planMemory, type MemoryPlan } from './index';
import { findQdqIslands } from './qdq-islands';

export interface ActivationPlanOptions {
  /** Execution order of the main graph (node indices); default the file's order. */
  order?: number[];
  /**
   * Compute dtypes the target's kernels run (a device profile's `dtypes`). float16/bfloat16 activations are held
   * as float32 when the list lacks them. Default: every type runs natively.
   */
  kernelDtypes?: readonly string[];
  /** Names the target in the plan's description (`esp32-s3 has no float16 kernels`). */
  target?: string;
  /** The format's planner rules (a .tflite on TFLite Micro: alignment, offline offsets, tie order). */
  rules?: ArenaRules;
}

export interface ActivationPlan extends MemoryPlan {
  /** The main graph's execution order the plan follows (node indices; steps index into it). */
  order: number[];
  /** How tensors are sized, in words (`QDQ islands as int8 kernels`, `as stored in the model`). */
  view: string;
  /** 'upper' when an If whose condition is unknown was planned with its larger branch. */
  bound?: 'upper';
  /** Why the plan differs from the model as written, one line each. */
  notes: string[];
  /**
   * When the plan differs from the model as written: the top-level order step each planned step belongs to (buffers'
   * first/last steps index planned steps; `liveBytesByStep` and `peakStep` are already per top-level step).
   */
  stepOwner?: number[];
  /** The model as written, planned tensor by tensor at its declared types (present when it differs). */
  reference?: { view: string; peakActivationBytes: number; arenaBytes: number };
  /**
   * The graph this plan was made over (QDQ islands fused, control-flow bodies inlined) with its value facts, for other
   * planners (in-place, patch) to plan the same tensors; `stepOwner` maps its nodes to main-graph order steps.
   * Absent when the plan is over the model's own graph.
   */
  planned?: { graph: Graph; values: Map<string, ValueFacts> };
}

interface Flat {
  nodes: Node[];
  owner: number[];
  values: Map<string, ValueFacts>;
  initializers: Tensor[];
  upper: boolean;
  notes: string[];
  used: Set<string>;
}

const CONTROL = new Set(['If', 'Loop', 'Scan']);

function hasControlFlow(g: Graph): boolean {
  return g.nodes.some((n) => n.domain === '' && CONTROL.has(n.opType) && n.attributes.some((a) => a.type === 'graph'));
}

/** Plans a model's activations as its kernels hold them (see the file comment). */
export function planActivations(model: Model, shapes: ShapeInference, options: ActivationPlanOptions = {}): ActivationPlan {
  const g = model.graph;
  const order = options.order ?? g.nodes.map((_, i) => i);
  const widen = widening(options.kernelDtypes);
  const dtypeOf = widen.size ? (_: string, d: DType) => (widen.has(d) ? 'float' as DType : d) : undefined;
  const rules = options.rules ? { rules: options.rules } : {};
  const notes: string[] = [];
  const control = hasControlFlow(g);
  const quantized = g.nodes.some((n) => n.opType === 'DequantizeLinear');
  const hasWidened = dtypeOf !== undefined && [...shapes.values.values()].some((f) => widen.has(f.dtype));

  if (!control && !quantized) {
    const plan = planMemory(g, shapes.values, { order, ...rules, ...(dtypeOf ? { dtypeOf } : {}) });
    if (hasWidened) notes.push(widenNote(widen, options.target));
    const view = hasWidened ? `float16 held as float32 (${options.target ?? 'the target'} has no float16 kernels)` : 'as stored in the model';
    if (!hasWidened) return { ...plan, order, view, notes };
    const asWritten = planMemory(g, shapes.values, { order, ...rules });
    return { ...plan, order, view, notes, reference: { view: 'as stored in the model', peakActivationBytes: asWritten.peakActivationBytes, arenaBytes: asWritten.arenaBytes } };
  }

  // 1. The graph that runs: control-flow nodes replaced by the subgraph they execute.
  const flat: Flat = {
    nodes: [], owner: [], values: new Map(shapes.values), initializers: [...g.initializers], upper: false, notes: [],
    used: new Set(shapes.values.keys()),
  };
  const topLookup: Lookup = (name) => shapes.values.get(name);
  order.forEach((index, step) => emitNode(g.nodes[index]!, step, (n) => n, topLookup, flat, shapes, 0));
  let nodes = flat.nodes;
  let owner = flat.owner;
  const planned: Graph = { ...g, nodes, initializers: flat.initializers };

  // 2. QDQ islands fused into int8 kernels.
  let views: string[] = [];
  const islands = quantized ? findQdqIslands(planned, flat.values) : undefined;
  if (islands) {
    const rename = islands.rename;
    const keep = nodes.map((_, i) => !islands.folded.has(i));
    nodes = nodes.filter((_, i) => keep[i]).map((n) => ({ ...n, inputs: n.inputs.map((x) => rename.get(x) ?? x), outputs: n.outputs.map((o) => rename.get(o) ?? o) }));
    owner = owner.filter((_, i) => keep[i]);
    views.push('QDQ islands as int8 kernels');
    notes.push(`${islands.islands.size} quantize/dequantize islands run as fused int8 kernels: activations held as int8, the float tensors inside each island are never materialized (as ORT, TFLite and the MCU toolchains run QDQ models)`);
  }
  if (control) {
    views.push(flat.upper ? 'If/Loop/Scan bodies inlined (larger branch where the condition is unknown)' : 'If/Loop/Scan bodies inlined');
    notes.push(...flat.notes);
  }
  if (hasWidened) {
    views.push(`float16 held as float32 (${options.target ?? 'the target'} has no float16 kernels)`);
    notes.push(widenNote(widen, options.target));
  }
  if (views.length === 0) views = ['as stored in the model'];

  // Offsets fixed ahead of time name tensors of the model as written; they do not carry over to a re-planned graph.
  const plan = planMemory({ ...planned, nodes }, flat.values, { ...(dtypeOf ? { dtypeOf } : {}), ...(options.rules ? { rules: { ...options.rules, fixedOffsets: undefined } } : {}) });
  const result = perTopLevelStep(plan, owner, order.length);
  const asWritten = planMemory(g, shapes.values, { order, ...rules });
  return {
    ...result, order, view: views.join('; '), notes, stepOwner: owner, planned: { graph: { ...planned, nodes }, values: flat.values },
    ...(flat.upper ? { bound: 'upper' as const } : {}),
    reference: { view: 'as written (every tensor at its declared type, control-flow bodies not planned)', peakActivationBytes: asWritten.peakActivationBytes, arenaBytes: asWritten.arenaBytes },
  };
}

function widening(kernelDtypes: readonly string[] | undefined): Set<DType> {
  const out = new Set<DType>();
  if (!kernelDtypes) return out;
  if (!kernelDtypes.includes('float16')) out.add('float16');
  if (!kernelDtypes.includes('bfloat16')) out.add('bfloat16');
  return out;
}

function widenNote(widen: Set<DType>, target: string | undefined): string {
  return `${[...widen].join('/')} activations held as float32: ${target ?? 'the target'} has no ${[...widen].join('/')} kernels, so its runtime computes them in float32`;
}

/** Live bytes and the peak per top-level step (the max over the planned steps a control node expands to). */
function perTopLevelStep(plan: MemoryPlan, owner: number[], steps: number): MemoryPlan {
  const live = new Array<number>(steps).fill(-1);
  plan.liveBytesByStep.forEach((b, s) => {
    const o = owner[s]!;
    if (b > live[o]!) live[o] = b;
  });
  // Steps whose nodes were folded away hold what the previous step held.
  let last = 0;
  for (let s = 0; s < steps; s++) {
    if (live[s]! < 0) live[s] = last;
    last = live[s]!;
  }
  return { ...plan, liveBytesByStep: live, peakStep: owner[plan.peakStep] ?? plan.peakStep };
}

/** A fresh flat-graph name for a subgraph-local value (kept as is unless it would collide). */
function fresh(flat: Flat, name: string): string {
  if (!flat.used.has(name)) {
    flat.used.add(name);
    return name;
  }
  let k = 1;
  while (flat.used.has(`${name}@${k}`)) k++;
  flat.used.add(`${name}@${k}`);
  return `${name}@${k}`;
}

function emitNode(node: Node, step: number, rename: (n: string) => string, lookup: Lookup, flat: Flat, shapes: ShapeInference, depth: number): void {
  if (node.domain === '' && CONTROL.has(node.opType) && depth < 32) {
    const body = chooseBody(node, lookup, flat, shapes, depth);
    if (body) {
      inline(node, body, step, rename, lookup, flat, shapes, depth);
      return;
    }
  }
  flat.nodes.push({ ...node, inputs: node.inputs.map((x) => (x ? rename(x) : x)), outputs: node.outputs.map((o) => (o ? rename(o) : o)) });
  flat.owner.push(step);
}

function chooseBody(node: Node, lookup: Lookup, flat: Flat, shapes: ShapeInference, depth: number): Graph | undefined {
  if (node.opType !== 'If') return attrGraph(node, 'body');
  const d = ifDecision(node, lookup);
  if (d.taken) return d[d.taken];
  if (!d.then || !d.else) return d.then ?? d.else;
  // Unknown condition: the branch with the larger activation peak of its own (an upper bound for the If).
  const peakOf = (b: Graph) => {
    const probe: Flat = { nodes: [], owner: [], values: new Map(flat.values), initializers: [], upper: false, notes: [], used: new Set(flat.used) };
    inline(node, b, 0, (n) => n, lookup, probe, shapes, depth);
    return planMemory({ ...b, inputs: [], outputs: [], nodes: probe.nodes, initializers: probe.initializers }, probe.values).peakActivationBytes;
  };
  const pick = peakOf(d.else) > peakOf(d.then) ? 'else' : 'then';
  flat.upper = true;
  if (depth === 0) flat.notes.push(`If '${node.name || 'If'}': condition unknown, its ${pick} branch (the larger activation peak) is planned: an upper bound`);
  return d[pick];
}

/** Emits a control node's body in its place, wiring the body's formal inputs and outputs to the node's own. */
function inline(node: Node, body: Graph, step: number, outer: (n: string) => string, outerLookup: Lookup, flat: Flat, shapes: ShapeInference, depth: number): void {
  const own = shapes.subgraphs.get(body) ?? new Map<string, ValueFacts>();
  const lookup: Lookup = (name) => own.get(name) ?? outerLookup(name);
  const map = new Map<string, string>();
  const local = (name: string) => {
    const f = fresh(flat, name);
    map.set(name, f);
    const facts = own.get(name);
    if (facts) flat.values.set(f, facts);
    return f;
  };
  // Formal inputs: Loop (iteration, condition, carried...), Scan (state..., scan slices...), If (none).
  const ins = body.inputs.map((i) => i.name);
  if (node.opType === 'Loop') {
    ins.forEach((name, k) => {
      const actual = k >= 2 ? node.inputs[k] : undefined;
      if (actual) map.set(name, outer(actual));
      else local(name);
    });
  } else if (node.opType === 'Scan') {
    const offset = node.inputs.length - ins.length; // opset 8 has a leading sequence_lens input
    ins.forEach((name, k) => {
      const actual = node.inputs[offset + k];
      // A scan slice is a view into the scanned tensor, which is live outside already.
      if (actual) map.set(name, outer(actual));
      else local(name);
    });
  } else {
    for (const name of ins) local(name);
  }
  for (const t of body.initializers) {
    const f = local(t.name);
    flat.initializers.push({ ...t, name: f });
  }
  // Formal outputs → the node's outputs: the body's value becomes the node's output buffer.
  const outs = body.outputs.map((o) => o.name);
  const targetOf = (k: number): string | undefined => {
    if (node.opType === 'Loop') return k === 0 ? undefined : node.outputs[k - 1];
    return node.outputs[k];
  };
  const produced = new Set<string>();
  for (const n of body.nodes) for (const o of n.outputs) if (o) produced.add(o);
  const copies: { from: string; to: string }[] = [];
  const claimed = new Set<string>();
  outs.forEach((name, k) => {
    const target = targetOf(k);
    if (!target) return;
    if (produced.has(name) && !claimed.has(name) && !map.has(name)) {
      claimed.add(name);
      map.set(name, outer(target));
      // The node's output facts merge both If branches; the branch that runs knows its own shape.
      const mine = own.get(name);
      const theirs = flat.values.get(outer(target));
      if (mine?.shape && mine.shape.every((d) => typeof d === 'number') && !(theirs?.shape && theirs.shape.every((d) => typeof d === 'number'))) {
        flat.values.set(outer(target), mine);
      }
    } else {
      copies.push({ from: name, to: outer(target) });
    }
  });
  for (const n of body.nodes) for (const o of n.outputs) if (o && !map.has(o)) local(o);
  const resolve = (name: string) => map.get(name) ?? outer(name);
  for (const n of body.nodes) emitNode(n, step, resolve, lookup, flat, shapes, depth + 1);
  for (const c of copies) {
    flat.nodes.push({ name: `${node.name || node.opType}/output`, opType: 'Identity', domain: '', inputs: [resolve(c.from)], outputs: [c.to], attributes: [] });
    flat.owner.push(step);
  }
  if (depth === 0 && node.opType !== 'If') {
    flat.notes.push(`${node.opType} '${node.name || node.opType}': one iteration of its body is planned (every iteration reuses its buffers)`);
  }
}
