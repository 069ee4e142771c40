// Activation-memory plans below the per-tensor bound, side by side with it:
//   - per-tensor: every tensor its own buffer for its lifetime (TFLite Micro's greedy arena; kernels.ts).
//   - in-place:   an elementwise or activation op writes its output over an input that dies there; a depthwise
//                 convolution writes over its input through a temporary buffer of one output channel (TinyEngine's
//                 in-place depthwise). A runtime assumption: the kernels must be written so.
//   - patch:      the first layers run tile by tile (MCUNetV2's patch-based inference): the input is read through
//                 per-tile windows, each tile's intermediate tensors are only as large as the tile plus its halo,
//                 and each tile's result is written straight into the prefix's output tensor. A runtime assumption:
//                 slices are views and the tiles run one after another.
// The patch plan of a model the `patch` pass has not rewritten is the plan of the model the pass would write (the
// same builder, src/core/passes/patch.ts writes its graph); a patched model is recognised by the views the pass
// records in its metadata and planned with them.

import { dtypeByteSize, type DType } from '../onnx/dtype';
import { defaultOpset, getAttribute, tensorElementCount, type ArenaRules, type Graph, type Model, type Node, type Tensor } from '../onnx/ir';
import type { ShapeInference, ValueFacts } from '../shapes/types';
import { isKnownValue } from '../shapes/types';
import { planBuffers, planMemory, type Buffer } from './index';
import type { ActivationPlan } from './kernels';
import { hull, nodeWindows, splitRange, tileWindow, WINDOW_OPS, type Range, type Window } from './receptive-field';

export type PlanName = 'per-tensor' | 'in-place' | 'patch';
export const PLAN_NAMES: readonly PlanName[] = ['per-tensor', 'in-place', 'patch'];

export function isPlanName(x: string): x is PlanName {
  return (PLAN_NAMES as readonly string[]).includes(x);
}

export interface PlanFigures {
  peakActivationBytes: number;
  arenaBytes: number;
}

export interface InPlaceFigures extends PlanFigures {
  /** Nodes that write over an input (elementwise/activation ops; depthwise convolutions with a channel buffer). */
  inPlaceNodes: number;
  depthwiseNodes: number;
  assumption: string;
}

export interface PatchSplitSummary {
  /** Operators in the patched prefix (constant-producing nodes excluded) and the tensor it ends at. */
  prefixNodes: number;
  output: string;
  /** P: the prefix output is split into P×P tiles. */
  grid: number;
  /** Bytes of the largest tile's intermediate tensors live at once (the per-tile buffers). */
  tileBufferBytes: number;
  /** MACs of the prefix run once, and of all its tiles (halos recomputed). */
  prefixMacs: number;
  patchedPrefixMacs: number;
  /** Extra MACs over the whole model's MACs. */
  macOverhead: number;
}

export interface PatchFigures extends PlanFigures {
  /** True when the model is already patched (the `patch` pass wrote it); else the plan of the model it would write. */
  applied: boolean;
  split: PatchSplitSummary;
  /**
   * The patch region in this model's graph: node indices that run per tile and, for each, the bytes of its largest
   * tile output (the per-tile buffer it writes). For a patched model, its tile copies (named `patch/t…`).
   */
  region: { nodes: number[]; tileBytes: number[] };
  assumption: string;
}

export interface PlansReport {
  'per-tensor': PlanFigures;
  'in-place': InPlaceFigures;
  patch: PatchFigures | { unavailable: string };
}

export const IN_PLACE_ASSUMPTION = 'elementwise and activation kernels write their output over an input that dies there; depthwise convolutions (one filter per channel) write over their input through a buffer of one output channel (TinyEngine-style kernels)';
export const PATCH_ASSUMPTION = 'the patched prefix runs tile after tile; input windows and halo crops are read in place (views), each tile writes its part of the prefix output in place, side by side (TinyEngine/MCUNetV2-style patch execution)';

/** Ops whose output element depends only on the same position of each activation input. */
const POINTWISE = new Set([
  'Relu', 'Clip', 'Sigmoid', 'HardSigmoid', 'HardSwish', 'LeakyRelu', 'Tanh', 'Elu', 'Selu', 'PRelu', 'Identity', 'Neg',
  'Abs', 'Exp', 'Log', 'Sqrt', 'Softplus', 'Mish', 'Gelu', 'Erf', 'Add', 'Sub', 'Mul', 'Div', 'Max', 'Min', 'Sum',
  'BatchNormalization', 'Cast', 'Dropout', 'Pow', 'Reciprocal', 'Floor', 'Ceil', 'Round', 'Sign',
]);

/** Pointwise ops a kernel can compute into one of its inputs (same size, read once per output element). */
const IN_PLACE_OPS = new Set([...POINTWISE].filter((o) => o !== 'Cast'));
/** The same for TFLite's builtin operators (a .tflite's graph keeps their names, domain `tflite`). */
const TFLITE_IN_PLACE_OPS = new Set([
  'ADD', 'SUB', 'MUL', 'DIV', 'RELU', 'RELU6', 'RELU_N1_TO_1', 'RELU_0_TO_1', 'LOGISTIC', 'TANH', 'HARD_SWISH',
  'LEAKY_RELU', 'PRELU', 'ABS', 'NEG', 'EXP', 'SQRT', 'RSQRT', 'SQUARE', 'MAXIMUM', 'MINIMUM', 'ELU', 'GELU',
]);

// ---------------------------------------------------------------------------------------------------------------
// In-place

interface Lifetimes {
  graph: Graph;
  order: number[];
  buffers: Map<string, Buffer>;
  values: Map<string, ValueFacts>;
  steps: number;
}

function lifetimes(plan: ActivationPlan, model: Model, shapes: ShapeInference, dtypeOf?: (name: string, d: DType) => DType, rules?: ArenaRules): Lifetimes {
  const graph = plan.planned?.graph ?? model.graph;
  const values = plan.planned?.values ?? shapes.values;
  const order = plan.planned ? graph.nodes.map((_, i) => i) : plan.order;
  const base = planMemory(graph, values, { order, ...(dtypeOf ? { dtypeOf } : {}), ...(rules ? { rules: { ...rules, fixedOffsets: undefined } } : {}) });
  return { graph, order, values, steps: order.length, buffers: new Map(base.buffers.map((b) => [b.name, b])) };
}

function isDepthwise(node: Node, values: Map<string, ValueFacts>, weights: Map<string, Tensor>): boolean {
  if (node.opType === 'DEPTHWISE_CONV_2D' && node.domain === 'tflite') {
    // NHWC; filter [1, kh, kw, C·multiplier]: in place only with multiplier 1.
    const x = values.get(node.inputs[0] ?? '')?.shape;
    const y = values.get(node.outputs[0] ?? '')?.shape;
    return x?.length === 4 && y?.length === 4 && typeof x[3] === 'number' && x[3] === y[3];
  }
  if (node.opType !== 'Conv' || node.domain !== '') return false;
  const group = getAttribute(node, 'group');
  const g = group?.type === 'int' ? group.value : 1;
  const x = values.get(node.inputs[0] ?? '')?.shape;
  const y = values.get(node.outputs[0] ?? '')?.shape;
  const w = weights.get(node.inputs[1] ?? '')?.dims ?? values.get(node.inputs[1] ?? '')?.shape;
  return g > 1 && x?.[1] === g && y?.[1] === g && w?.[1] === 1 && x.length === 4;
}

/** The in-place plan over the same tensors and order as `plan` (see the file comment). */
export function inPlacePlan(plan: ActivationPlan, model: Model, shapes: ShapeInference, options: { dtypeOf?: (name: string, d: DType) => DType; rules?: ArenaRules } = {}): InPlaceFigures {
  const lt = lifetimes(plan, model, shapes, options.dtypeOf, options.rules);
  const weights = new Map(lt.graph.initializers.map((t) => [t.name, t]));
  const outputs = new Set(lt.graph.outputs.map((o) => o.name));
  // Storage groups: the tensors that share one buffer, its size and lifetime.
  const root = new Map<string, string>();
  const group = new Map<string, { bytes: number; first: number; last: number }>();
  for (const b of lt.buffers.values()) {
    root.set(b.name, b.name);
    group.set(b.name, { bytes: b.bytes, first: b.firstStep, last: b.lastStep });
  }
  const temps: Buffer[] = [];
  let inPlace = 0, depthwise = 0;
  for (let s = 0; s < lt.steps; s++) {
    const node = lt.graph.nodes[lt.order[s]!]!;
    const out = node.outputs[0];
    const ob = out ? lt.buffers.get(out) : undefined;
    if (!out || !ob || ob.firstStep !== s || node.outputs.filter(Boolean).length !== 1 || (node.domain !== '' && node.domain !== 'tflite')) continue;
    const dies = (x: string) => {
      const r = root.get(x);
      return r !== undefined && !outputs.has(x) && group.get(r)!.last === s;
    };
    let into: string | undefined;
    let temp = 0;
    if (node.domain === '' ? IN_PLACE_OPS.has(node.opType) : TFLITE_IN_PLACE_OPS.has(node.opType)) {
      into = node.inputs.find((x) => x && lt.buffers.has(x) && dies(x) && lt.buffers.get(x)!.bytes === ob.bytes);
    } else if (isDepthwise(node, lt.values, weights) && node.inputs[0] && dies(node.inputs[0])) {
      into = node.inputs[0];
      const shape = lt.values.get(out)!.shape!;
      const channels = (node.domain === 'tflite' ? shape[3] : shape[1]) as number;
      temp = Math.ceil(ob.bytes / channels);
    }
    if (!into) continue;
    const r = root.get(into)!;
    const g = group.get(r)!;
    g.bytes = Math.max(g.bytes, ob.bytes);
    g.last = Math.max(g.last, ob.lastStep);
    group.delete(out);
    root.set(out, r);
    if (temp > 0) {
      temps.push({ name: `${out}#channel`, bytes: temp, firstStep: s, lastStep: s, offset: 0 });
      depthwise++;
    } else {
      inPlace++;
    }
  }
  const storages: Buffer[] = [...group].map(([name, g]) => ({ name, bytes: g.bytes, firstStep: g.first, lastStep: g.last, offset: 0 }));
  const p = planBuffers([...storages, ...temps], lt.steps, options.rules ? { ...options.rules, fixedOffsets: undefined } : undefined);
  return { peakActivationBytes: p.peakActivationBytes, arenaBytes: p.arenaBytes, inPlaceNodes: inPlace, depthwiseNodes: depthwise, assumption: IN_PLACE_ASSUMPTION };
}

// ---------------------------------------------------------------------------------------------------------------
// Patch: where the prefix may end, the regions each tile computes, the graph that runs it.

/** metadata_props key of a patched model: its split and the aliases its planner plans it with. */
export const PATCH_KEY = 'aiot-lens.patch';

export interface PatchCut {
  input: string;
  output: string;
  /** Activation nodes of the prefix (indices into the graph), in execution order. */
  prefix: number[];
  /** Nodes before the cut that compute constants (kept once, before the tiles). */
  constants: number[];
  /** The nodes after the cut, in execution order. */
  rest: number[];
}

interface TileNode {
  node: number;
  /** The region of the node's output this tile computes. */
  out: { y: Range; x: Range };
  /** Per activation input: the region the node reads. */
  reads: Map<string, { y: Range; x: Range }>;
  windows?: [Window, Window];
}

interface Tile {
  /** Region of every prefix tensor (and the input) this tile computes. */
  regions: Map<string, { y: Range; x: Range }>;
  nodes: TileNode[];
}

export interface PatchBuild {
  /** The patched graph's nodes in execution order. */
  nodes: Node[];
  /** Initializers the new Slice nodes read (starts, ends, axes). */
  initializers: Tensor[];
  /** Facts of every new tensor. */
  values: Map<string, ValueFacts>;
  /** Per prefix node (index in the original graph): the bytes of its largest tile output. */
  region: Map<number, number>;
  /** Which tensors share storage (input windows, halo crops, the tiles that make up the prefix output). */
  aliases: Aliases;
  summary: PatchSplitSummary;
}

interface Ctx {
  g: Graph;
  values: Map<string, ValueFacts>;
  weights: Map<string, Tensor>;
  isConst: (name: string) => boolean;
  macsOf: (index: number) => number;
}

function shape4(values: Map<string, ValueFacts>, name: string): number[] | undefined {
  const s = values.get(name)?.shape;
  return s && s.length === 4 && s.every((d) => typeof d === 'number' && d > 0) ? (s as number[]) : undefined;
}

function bytesOf(values: Map<string, ValueFacts>, name: string, dims: number[]): number {
  const d = values.get(name)?.dtype;
  return d && d !== 'undefined' ? dtypeByteSize(d, tensorElementCount(dims)) : 0;
}

/** Why a node cannot be in a patched prefix, or undefined when it can. */
function unpatchable(n: Node, c: Ctx): string | undefined {
  if (n.domain !== '' && n.domain !== 'ai.onnx') return `${n.opType} (domain ${n.domain})`;
  const outs = n.outputs.filter(Boolean);
  if (outs.length !== 1 && !(n.opType === 'Dropout' && outs.length >= 1)) return `${n.opType} '${n.name}' has several outputs`;
  const out = outs[0]!;
  const os = shape4(c.values, out);
  if (!os) return `${n.opType} '${n.name}' does not produce a 4-D tensor of known shape`;
  const acts = n.inputs.filter((x) => x && !c.isConst(x));
  if (acts.length === 0) return `${n.opType} '${n.name}' reads no activation`;
  for (const x of acts) {
    const s = shape4(c.values, x);
    if (!s || s[0] !== os[0]) return `${n.opType} '${n.name}' reads a tensor that is not 4-D`;
  }
  if (WINDOW_OPS.has(n.opType)) {
    if (n.opType === 'Conv' && (n.inputs[1] === undefined || !c.isConst(n.inputs[1]) || (n.inputs[2] && !c.isConst(n.inputs[2])))) return `Conv '${n.name}' has weights computed at run time`;
    if (acts.length !== 1) return `${n.opType} '${n.name}' reads several activations`;
    const s = shape4(c.values, acts[0]!)!;
    const w = nodeWindows(n, [s[2]!, s[3]!], c.weights.get(n.inputs[1] ?? '')?.dims ?? (c.values.get(n.inputs[1] ?? '')?.shape as number[] | undefined));
    return typeof w === 'string' ? w : undefined;
  }
  if (n.opType === 'Concat') {
    const a = getAttribute(n, 'axis');
    const axis = a?.type === 'int' ? a.value : 0;
    if (axis !== 1 && axis !== -3) return `Concat '${n.name}' joins along a spatial axis`;
    for (const x of acts) {
      const s = shape4(c.values, x)!;
      if (s[2] !== os[2] || s[3] !== os[3]) return `Concat '${n.name}' joins tensors of other spatial sizes`;
    }
    return undefined;
  }
  if (POINTWISE.has(n.opType)) {
    for (const x of acts) {
      const s = shape4(c.values, x)!;
      if (s[2] !== os[2] || s[3] !== os[3]) return `${n.opType} '${n.name}' broadcasts an activation across space`;
    }
    // A constant with spatial extent would have to be sliced per tile too.
    for (const x of n.inputs) {
      if (!x || !c.isConst(x)) continue;
      const s = c.values.get(x)?.shape ?? c.weights.get(x)?.dims;
      if (s && s.length >= 2 && (s[s.length - 1] !== 1 || s[s.length - 2] !== 1)) return `${n.opType} '${n.name}' reads a constant with spatial extent`;
    }
    return undefined;
  }
  return `${n.opType} '${n.name}' mixes spatial positions or is not handled`;
}

function context(g: Graph, values: Map<string, ValueFacts>, macsOf: (index: number) => number): Ctx {
  const weights = new Map(g.initializers.map((t) => [t.name, t]));
  const inputs = new Set(g.inputs.map((v) => v.name));
  const isConst = (name: string) => (weights.has(name) && !inputs.has(name)) || isKnownValue(values.get(name));
  return { g, values, weights, isConst, macsOf };
}

/**
 * Every place the patched prefix may end (in order): a prefix of the activation nodes reading only the model's single
 * 4-D input, made of patchable nodes, whose tensors other nodes read through exactly one tensor. `why` says where and
 * why the walk stopped.
 */
export function patchCuts(g: Graph, values: Map<string, ValueFacts>, order: number[], macsOf: (i: number) => number = () => 0): { cuts: PatchCut[]; why: string } {
  const c = context(g, values, macsOf);
  const acts = g.inputs.filter((v) => !c.isConst(v.name));
  if (acts.length !== 1) return { cuts: [], why: `the model has ${acts.length} inputs; the patch plan splits a single image input` };
  const input = acts[0]!.name;
  const is = shape4(values, input);
  if (!is) return { cuts: [], why: `input '${input}' is not a 4-D tensor of known shape (NCHW)` };
  if (g.nodes.some((n) => n.opType === 'DequantizeLinear' || n.opType === 'QuantizeLinear')) return { cuts: [], why: 'the model is quantized (QDQ): patch a float model, then quantize' };
  const graphOutputs = new Set(g.outputs.map((o) => o.name));
  // Position of every node in the order; the last position reading each tensor.
  const pos = new Map<number, number>();
  order.forEach((idx, p) => pos.set(idx, p));
  const lastRead = new Map<string, number>();
  order.forEach((idx, p) => { for (const x of g.nodes[idx]!.inputs) if (x) lastRead.set(x, p); });
  const produced: string[] = [input];
  const prefix: number[] = [];
  const constants: number[] = [];
  const cuts: PatchCut[] = [];
  let why = 'the whole model is patchable up to its output';
  for (let p = 0; p < order.length; p++) {
    const idx = order[p]!;
    const n = g.nodes[idx]!;
    if (n.opType === 'Constant' || n.outputs.every((o) => !o || c.isConst(o))) {
      constants.push(idx);
      continue;
    }
    const bad = unpatchable(n, c);
    if (bad) { why = `the prefix ends before ${bad}`; break; }
    prefix.push(idx);
    produced.push(n.outputs[0]!);
    const leaving = produced.filter((t) => (lastRead.get(t) ?? -1) > p || graphOutputs.has(t));
    if (leaving.length === 1 && leaving[0] !== input && !graphOutputs.has(leaving[0]!)) {
      const rest = order.slice(p + 1).filter((i) => !constants.includes(i));
      cuts.push({ input, output: leaving[0]!, prefix: [...prefix], constants: [...constants], rest });
    }
  }
  return { cuts, why };
}

/** The regions each tile computes of every prefix tensor, walking back from its part of the output. */
function tilesOf(c: Ctx, cut: PatchCut, grid: number): Tile[] | string {
  const os = shape4(c.values, cut.output)!;
  const rows = splitRange(os[2]!, grid), cols = splitRange(os[3]!, grid);
  if (rows.some((r) => r.end <= r.start) || cols.some((r) => r.end <= r.start)) return `the prefix output is ${os[2]}x${os[3]}, too small for ${grid}x${grid} tiles`;
  const tiles: Tile[] = [];
  for (const ry of rows) {
    for (const rx of cols) {
      const regions = new Map<string, { y: Range; x: Range }>([[cut.output, { y: ry, x: rx }]]);
      const nodes: TileNode[] = [];
      for (let k = cut.prefix.length - 1; k >= 0; k--) {
        const n = c.g.nodes[cut.prefix[k]!]!;
        const out = regions.get(n.outputs[0]!);
        if (!out) continue; // nothing downstream reads it in this tile
        const reads = new Map<string, { y: Range; x: Range }>();
        let windows: [Window, Window] | undefined;
        const acts = n.inputs.filter((x) => x && !c.isConst(x));
        if (WINDOW_OPS.has(n.opType)) {
          const s = shape4(c.values, acts[0]!)!;
          const w = nodeWindows(n, [s[2]!, s[3]!], c.weights.get(n.inputs[1] ?? '')?.dims ?? (c.values.get(n.inputs[1] ?? '')?.shape as number[] | undefined)) as [Window, Window];
          const ty = tileWindow(out.y, w[0], s[2]!), tx = tileWindow(out.x, w[1], s[3]!);
          reads.set(acts[0]!, { y: ty.input, x: tx.input });
          windows = [ty.window, tx.window];
        } else {
          for (const x of acts) reads.set(x, out);
        }
        for (const [x, r] of reads) {
          const prev = regions.get(x);
          regions.set(x, { y: hull(prev?.y, r.y), x: hull(prev?.x, r.x) });
        }
        nodes.push({ node: cut.prefix[k]!, out, reads, ...(windows ? { windows } : {}) });
      }
      nodes.reverse();
      tiles.push({ regions, nodes });
    }
  }
  return tiles;
}

/** Extra MACs of a cut and grid over the model's MACs (undefined when the grid does not fit the output). */
function tileOverhead(c: Ctx, cut: PatchCut, grid: number, totalMacs: number): number | undefined {
  const tiles = tilesOf(c, cut, grid);
  if (typeof tiles === 'string') return undefined;
  let before = 0, after = 0;
  for (const k of cut.prefix) before += c.macsOf(k);
  for (const t of tiles) {
    for (const tn of t.nodes) {
      const s = shape4(c.values, c.g.nodes[tn.node]!.outputs[0]!)!;
      after += c.macsOf(tn.node) * (area(tn.out) / (s[2]! * s[3]!));
    }
  }
  return totalMacs > 0 ? (after - before) / totalMacs : 0;
}

const area = (r: { y: Range; x: Range }) => (r.y.end - r.y.start) * (r.x.end - r.x.start);
const same = (a: { y: Range; x: Range }, b: { y: Range; x: Range }) => a.y.start === b.y.start && a.y.end === b.y.end && a.x.start === b.x.start && a.x.end === b.x.end;

/**
 * The patched graph for a cut and grid: constants first, then per tile a window of the input, a copy of every prefix
 * node on its region (convolution and pool padding set per tile, weights shared by name), crops where a tensor was
 * computed over a larger region than a reader needs, then row and column Concats rebuilding the prefix output under
 * its own name, then the rest of the model unchanged.
 */
export function buildPatch(g: Graph, values: Map<string, ValueFacts>, cut: PatchCut, grid: number, options: { macsOf?: (i: number) => number; totalMacs?: number; opset?: number } = {}): PatchBuild | string {
  const c = context(g, values, options.macsOf ?? (() => 0));
  const tiles = tilesOf(c, cut, grid);
  if (typeof tiles === 'string') return tiles;
  const used = new Set<string>();
  for (const n of g.nodes) { used.add(n.name); for (const o of n.outputs) used.add(o); }
  for (const t of g.initializers) used.add(t.name);
  for (const v of [...g.inputs, ...g.outputs]) used.add(v.name);
  const fresh = (base: string) => {
    let name = base;
    for (let k = 1; used.has(name); k++) name = `${base}_${k}`;
    used.add(name);
    return name;
  };
  const nodes: Node[] = cut.constants.map((i) => g.nodes[i]!);
  const initializers: Tensor[] = [];
  const facts = new Map<string, ValueFacts>();
  const views: Record<string, string> = {};
  const joins: Record<string, string[]> = {};
  const intTensor = (name: string, v: number[]): Tensor => ({ name, dtype: 'int64', dims: [v.length], data: { kind: 'int64', values: v } });
  // Slice takes its bounds as inputs from opset 10, as attributes before.
  const attrSlice = (options.opset ?? 21) < 10;
  const axes = attrSlice ? '' : fresh('patch/axes_hw');
  if (!attrSlice) initializers.push(intTensor(axes, [2, 3]));
  const factsOf = (orig: string, name: string, r: { y: Range; x: Range }) => {
    const s = shape4(values, orig)!;
    const f: ValueFacts = { name, dtype: values.get(orig)!.dtype, shape: [s[0]!, s[1]!, r.y.end - r.y.start, r.x.end - r.x.start] };
    facts.set(name, f);
  };
  const slice = (src: string, orig: string, rel: { y: Range; x: Range }, abs: { y: Range; x: Range }, label: string, root: string) => {
    const name = fresh(label);
    if (attrSlice) {
      nodes.push({ name, opType: 'Slice', domain: '', inputs: [src], outputs: [name], attributes: [
        { name: 'starts', type: 'ints', value: [rel.y.start, rel.x.start] }, { name: 'ends', type: 'ints', value: [rel.y.end, rel.x.end] },
        { name: 'axes', type: 'ints', value: [2, 3] },
      ] });
    } else {
      const st = fresh(`${name}/starts`), en = fresh(`${name}/ends`);
      initializers.push(intTensor(st, [rel.y.start, rel.x.start]), intTensor(en, [rel.y.end, rel.x.end]));
      nodes.push({ name, opType: 'Slice', domain: '', inputs: [src, st, en, axes], outputs: [name], attributes: [] });
    }
    factsOf(orig, name, abs);
    views[name] = root;
    return name;
  };
  const tileOutputs: string[] = [];
  const region = new Map<number, number>();
  let prefixMacs = 0, patchedMacs = 0, tileBufferBytes = 0;
  for (const k of cut.prefix) prefixMacs += c.macsOf(k);
  tiles.forEach((tile, t) => {
    const tag = `patch/t${Math.floor(t / grid)}_${t % grid}`;
    // The tensor names this tile computes (original name → tile name) over tile.regions.
    const names = new Map<string, string>();
    const inRegion = tile.regions.get(cut.input)!;
    const is = shape4(values, cut.input)!;
    const full = { y: { start: 0, end: is[2]! }, x: { start: 0, end: is[3]! } };
    names.set(cut.input, same(inRegion, full) ? cut.input : slice(cut.input, cut.input, inRegion, inRegion, `${tag}/input`, cut.input));
    const crops = new Map<string, string>();
    // The tile's own buffers live at once: each output from its node to its last reader in the tile.
    const lastUse = new Map<string, number>();
    tile.nodes.forEach((tn, k) => { for (const x of tn.reads.keys()) lastUse.set(x, k); });
    let live = 0;
    tile.nodes.forEach((tn, k) => {
      const out = g.nodes[tn.node]!.outputs[0]!;
      const r = tile.regions.get(out)!;
      const s = shape4(values, out)!;
      if (out !== cut.output) live += bytesOf(values, out, [s[0]!, s[1]!, r.y.end - r.y.start, r.x.end - r.x.start]);
      tileBufferBytes = Math.max(tileBufferBytes, live);
      for (const x of tn.reads.keys()) {
        if (lastUse.get(x) !== k || x === cut.input) continue;
        const rx = tile.regions.get(x)!;
        const sx = shape4(values, x)!;
        live -= bytesOf(values, x, [sx[0]!, sx[1]!, rx.y.end - rx.y.start, rx.x.end - rx.x.start]);
      }
    });
    for (const tn of tile.nodes) {
      const n = g.nodes[tn.node]!;
      const inputs = n.inputs.map((x) => {
        if (!x || c.isConst(x)) return x;
        const need = tn.reads.get(x)!;
        const have = tile.regions.get(x)!;
        const src = names.get(x)!;
        if (same(need, have)) return src;
        const key = `${x}|${need.y.start},${need.y.end},${need.x.start},${need.x.end}`;
        let crop = crops.get(key);
        if (!crop) {
          const rel = { y: { start: need.y.start - have.y.start, end: need.y.end - have.y.start }, x: { start: need.x.start - have.x.start, end: need.x.end - have.x.start } };
          crop = slice(src, x, rel, need, `${tag}/crop`, src);
          crops.set(key, crop);
        }
        return crop;
      });
      const out = n.outputs[0]!;
      const isOutput = out === cut.output;
      const name = fresh(`${tag}/${out}`);
      names.set(out, name);
      factsOf(out, name, tile.regions.get(out)!);
      if (isOutput) tileOutputs.push(name);
      let attributes = n.attributes;
      if (tn.windows) {
        const [wy, wx] = tn.windows;
        attributes = [
          ...n.attributes.filter((a) => a.name !== 'pads' && a.name !== 'auto_pad' && a.name !== 'ceil_mode'),
          { name: 'pads', type: 'ints', value: [wy.padBegin, wx.padBegin, wy.padEnd, wx.padEnd] },
        ];
      }
      nodes.push({ ...n, name: fresh(`${tag}/${n.name || n.opType}`), inputs, outputs: [name, ...n.outputs.slice(1).map(() => '')], attributes });
      const full4 = shape4(values, out)!;
      region.set(tn.node, Math.max(region.get(tn.node) ?? 0, bytesOf(values, out, facts.get(name)!.shape as number[])));
      patchedMacs += c.macsOf(tn.node) * (area(tn.out) / (full4[2]! * full4[3]!));
    }
  });
  // Rows, then the columns: the prefix output under its own name.
  const rowNames: string[] = [];
  for (let r = 0; r < grid; r++) {
    const parts = tileOutputs.slice(r * grid, (r + 1) * grid);
    const name = fresh(`patch/row${r}`);
    nodes.push({ name, opType: 'Concat', domain: '', inputs: parts, outputs: [name], attributes: [{ name: 'axis', type: 'int', value: 3 }] });
    const os = shape4(values, cut.output)!;
    const hs = splitRange(os[2]!, grid)[r]!;
    factsOf(cut.output, name, { y: hs, x: { start: 0, end: os[3]! } });
    rowNames.push(name);
    joins[name] = parts;
  }
  joins[cut.output] = rowNames;
  nodes.push({ name: fresh('patch/join'), opType: 'Concat', domain: '', inputs: rowNames, outputs: [cut.output], attributes: [{ name: 'axis', type: 'int', value: 2 }] });
  for (const i of cut.rest) nodes.push(g.nodes[i]!);
  const totalMacs = options.totalMacs ?? 0;
  return {
    nodes, initializers, values: facts, aliases: { views, joins }, region,
    summary: {
      prefixNodes: cut.prefix.length, output: cut.output, grid, tileBufferBytes, prefixMacs, patchedPrefixMacs: Math.round(patchedMacs),
      macOverhead: totalMacs > 0 ? (patchedMacs - prefixMacs) / totalMacs : 0,
    },
  };
}

/**
 * Tensors that share storage in a patched graph. `views`: a tensor read in place as a window into another (an input
 * window, a halo crop), so it adds no bytes and keeps its storage alive while it is read. `joins`: a tensor that is
 * the concatenation of others written in place (the prefix output is its row tiles, each row its tiles), so it adds
 * no bytes and its parts live as long as it is read.
 */
export interface Aliases {
  views: Record<string, string>;
  joins: Record<string, string[]>;
}

/** Buffers of known lifetimes (as planMemory makes them) merged into storages as `aliases` say. */
function storagesOf(buffers: Buffer[], aliases: Aliases): Buffer[] {
  const byName = new Map(buffers.map((b) => [b.name, { ...b }]));
  // Joins: top-down (the prefix output before its rows), so each part lives as long as its whole is read.
  for (let pass = 0; pass < 4; pass++) {
    for (const [whole, parts] of Object.entries(aliases.joins)) {
      const w = byName.get(whole);
      if (!w) continue;
      for (const p of parts) {
        const b = byName.get(p);
        if (b) b.lastStep = Math.max(b.lastStep, w.lastStep);
      }
    }
  }
  for (const whole of Object.keys(aliases.joins)) byName.delete(whole);
  const rootOf = (name: string) => {
    let r = name;
    for (let k = 0; k < 64 && aliases.views[r] !== undefined; k++) r = aliases.views[r]!;
    return r;
  };
  const storages = new Map<string, Buffer>();
  for (const b of byName.values()) {
    const r = rootOf(b.name);
    const s = storages.get(r);
    const own = r === b.name ? b.bytes : 0;
    if (!s) storages.set(r, { name: r, bytes: own, firstStep: b.firstStep, lastStep: b.lastStep, offset: 0 });
    else {
      s.bytes = Math.max(s.bytes, own);
      s.firstStep = Math.min(s.firstStep, b.firstStep);
      s.lastStep = Math.max(s.lastStep, b.lastStep);
    }
  }
  return [...storages.values()].filter((b) => b.bytes > 0);
}

/** The plan of a graph whose tensors share storage as `aliases` say (a patched model). */
export function planWithViews(g: Graph, values: Map<string, ValueFacts>, aliases: Aliases, options: { dtypeOf?: (name: string, d: DType) => DType; rules?: ArenaRules } = {}): PlanFigures {
  const base = planMemory(g, values, { ...(options.dtypeOf ? { dtypeOf: options.dtypeOf } : {}), ...(options.rules ? { rules: { ...options.rules, fixedOffsets: undefined } } : {}) });
  const p = planBuffers(storagesOf(base.buffers, aliases), g.nodes.length, options.rules ? { ...options.rules, fixedOffsets: undefined } : undefined);
  return { peakActivationBytes: p.peakActivationBytes, arenaBytes: p.arenaBytes };
}

/** The aliases a patched model records in its metadata, when every name still names a tensor of its graph. */
export function recordedViews(model: Model): Aliases | undefined {
  const raw = model.metadataProps?.find((p) => p.key === PATCH_KEY)?.value;
  if (!raw) return undefined;
  let parsed: Partial<Aliases>;
  try { parsed = JSON.parse(raw); } catch { return undefined; }
  const { views, joins } = parsed;
  if (!views || typeof views !== 'object' || !joins || typeof joins !== 'object') return undefined;
  const kinds = new Map<string, string>();
  for (const n of model.graph.nodes) for (const o of n.outputs) if (o) kinds.set(o, n.opType);
  const known = (x: string) => kinds.has(x) || model.graph.inputs.some((v) => v.name === x);
  for (const [v, r] of Object.entries(views)) if (kinds.get(v) !== 'Slice' || !known(r)) return undefined;
  for (const [w, parts] of Object.entries(joins)) if (kinds.get(w) !== 'Concat' || !Array.isArray(parts) || !parts.every(known)) return undefined;
  return { views, joins };
}

export interface PatchSearch {
  cut: PatchCut;
  grid: number;
  figures: PlanFigures;
  build: PatchBuild;
}

export interface PatchSearchOptions {
  /** Largest extra MACs allowed, as a fraction of the model's MACs (default 0.15). */
  maxOverhead?: number;
  /** Grids tried (default 2..8). */
  grids?: number[];
  macsOf: (i: number) => number;
  totalMacs: number;
  order?: number[];
  dtypeOf?: (name: string, d: DType) => DType;
  /** The per-tensor peak of the model as it is: a split must get below it to count. */
  perTensorPeak?: number;
  /** The model's ai.onnx opset (Slice's form depends on it). */
  opset?: number;
}

/** The patched graph (a Graph value) for a build: the model's graph with its nodes replaced. */
export function patchedGraph(g: Graph, b: PatchBuild): Graph {
  return { ...g, nodes: b.nodes, initializers: [...g.initializers, ...b.initializers] };
}

/**
 * The cut and grid with the lowest patch-plan peak whose extra MACs stay within the budget (ties: fewer extra MACs),
 * or why there is none.
 */
export function searchPatch(g: Graph, values: Map<string, ValueFacts>, options: PatchSearchOptions): PatchSearch | { unavailable: string } {
  const order = options.order ?? g.nodes.map((_, i) => i);
  const { cuts, why } = patchCuts(g, values, order, options.macsOf);
  if (cuts.length === 0) return { unavailable: `no prefix to patch: ${why}` };
  const max = options.maxOverhead ?? 0.15;
  const grids = options.grids ?? [2, 3, 4, 5, 6, 7, 8];
  let best: PatchSearch | undefined;
  let cheapestOverhead = Infinity;
  // A bound no grid beats: while tiles run, the input and the prefix output are both live; after them, every node of
  // the rest holds its own inputs and outputs.
  const c = context(g, values, options.macsOf);
  const sizeOf = (x: string) => {
    const f = values.get(x);
    return f?.shape && f.shape.every((d) => typeof d === 'number') && f.dtype !== 'undefined' ? dtypeByteSize(options.dtypeOf ? options.dtypeOf(x, f.dtype) : f.dtype, tensorElementCount(f.shape as number[])) : 0;
  };
  const nodeBytes = (i: number) => [...new Set([...g.nodes[i]!.inputs, ...g.nodes[i]!.outputs])].filter((x) => x && !c.isConst(x)).reduce((a, x) => a + sizeOf(x), 0);
  const restBound = new Map<number, number>();
  let running = 0;
  for (let p = order.length - 1; p >= 0; p--) {
    running = Math.max(running, nodeBytes(order[p]!));
    restBound.set(order[p]!, running);
  }
  for (const cut of cuts) {
    // A longer prefix recomputes at least the halos of a shorter one: once the coarsest grid is over budget, every
    // later cut is too.
    const coarsest = tileOverhead(c, cut, grids[0]!, options.totalMacs);
    if (coarsest !== undefined && coarsest > max) {
      cheapestOverhead = Math.min(cheapestOverhead, coarsest);
      break;
    }
    const bound = Math.max(sizeOf(cut.input) + sizeOf(cut.output), cut.rest.length ? restBound.get(cut.rest[0]!)! : 0);
    if (best && bound >= best.figures.peakActivationBytes) continue;
    for (const grid of grids) {
      const overhead = grid === grids[0] ? coarsest : tileOverhead(c, cut, grid, options.totalMacs);
      if (overhead === undefined) break;
      cheapestOverhead = Math.min(cheapestOverhead, overhead);
      if (overhead > max) break; // more tiles only add halo
      const b = buildPatch(g, values, cut, grid, { macsOf: options.macsOf, totalMacs: options.totalMacs, ...(options.opset ? { opset: options.opset } : {}) });
      if (typeof b === 'string') break;
      const all = new Map([...values, ...b.values]);
      const fig = livePeak(patchedGraph(g, b), all, b.aliases, options.dtypeOf);
      if (!best || fig < best.figures.peakActivationBytes || (fig === best.figures.peakActivationBytes && b.summary.macOverhead < best.build.summary.macOverhead)) {
        best = { cut, grid, figures: { peakActivationBytes: fig, arenaBytes: 0 }, build: b };
      }
    }
  }
  if (!best) return { unavailable: `every patch split costs more than ${(100 * max).toFixed(0)}% extra MACs (the cheapest: ${(100 * cheapestOverhead).toFixed(1)}%)` };
  if (options.perTensorPeak !== undefined && best.figures.peakActivationBytes >= options.perTensorPeak) {
    return { unavailable: `no patch split lowers the peak: it is set after the patchable layers (${options.perTensorPeak} B per tensor; the best split holds ${best.figures.peakActivationBytes} B)` };
  }
  const all = new Map([...values, ...best.build.values]);
  best.figures = planWithViews(patchedGraph(g, best.build), all, best.build.aliases, options.dtypeOf ? { dtypeOf: options.dtypeOf } : {});
  return best;
}

/** The live peak alone (no arena placement), for the search: lifetimes as planMemory takes them, aliases merged. */
function livePeak(g: Graph, values: Map<string, ValueFacts>, aliases: Aliases, dtypeOf?: (name: string, d: DType) => DType): number {
  const inits = new Set(g.initializers.map((t) => t.name));
  const isConst = (name: string) => inits.has(name) || isKnownValue(values.get(name));
  const buffers = new Map<string, Buffer>();
  const born = (name: string, step: number) => {
    if (buffers.has(name)) return;
    const f = values.get(name);
    const shape = f?.shape;
    const bytes = f && shape && shape.every((d) => typeof d === 'number') ? dtypeByteSize(dtypeOf ? dtypeOf(name, f.dtype) : f.dtype, tensorElementCount(shape as number[])) : 0;
    buffers.set(name, { name, bytes, firstStep: step, lastStep: step, offset: 0 });
  };
  for (const v of g.inputs) if (!inits.has(v.name)) born(v.name, -1);
  g.nodes.forEach((n, step) => {
    for (const x of n.inputs) { const b = x ? buffers.get(x) : undefined; if (b) b.lastStep = step; }
    for (const o of n.outputs) if (o && !isConst(o) && n.opType !== 'Constant') born(o, step);
  });
  const steps = g.nodes.length;
  for (const o of g.outputs) { const b = buffers.get(o.name); if (b) b.lastStep = steps; }
  const delta = new Float64Array(steps + 3);
  for (const s of storagesOf([...buffers.values()], aliases)) { delta[s.firstStep + 1] += s.bytes; delta[s.lastStep + 2] -= s.bytes; }
  let live = 0, peak = 0;
  for (let i = 0; i < delta.length; i++) { live += delta[i]!; peak = Math.max(peak, live); }
  return peak;
}

// ---------------------------------------------------------------------------------------------------------------
// The three plans of an analysis.

/** What the plans need of an analysis (structural, so a transformed model's analysis can be handed in). */
export interface PlansInput {
  model: Model;
  shapes: ShapeInference;
  memory: ActivationPlan;
  cost: { nodes: { index: number; macs: number }[]; totals: { macs: number } };
}

export interface PlansOptions {
  /** The kernels' compute dtypes (float16 held as float32 without them), as the per-tensor plan was made. */
  kernelDtypes?: readonly string[];
  maxOverhead?: number;
  /**
   * Search the patch split a model the patch pass has not written would get (default true). The search plans many
   * cut × grid candidates (about ten times an analysis's own time on MobileNetV2), so one-shot callers that were not
   * asked for it (the CLI's `analyze` without `--plan patch`) skip it and say so.
   */
  previewPatch?: boolean;
}

/** Why the patch preview is absent when a caller did not ask for it. */
export const PATCH_NOT_SEARCHED = 'not searched (pass --plan patch to see the split the patch pass would choose)';

const cache = new WeakMap<ActivationPlan, Map<string, PlansReport>>();

function widenFor(kernelDtypes: readonly string[] | undefined): ((name: string, d: DType) => DType) | undefined {
  if (!kernelDtypes) return undefined;
  const wide = new Set<DType>((['float16', 'bfloat16'] as DType[]).filter((d) => !kernelDtypes.includes(d)));
  return wide.size ? (_: string, d: DType) => (wide.has(d) ? 'float' : d) : undefined;
}

/**
 * The per-tensor, in-place and patch plans of an analysis, side by side. The per-tensor plan is the analysis's own
 * (`memory`); a patched model's patch plan is planned with its recorded views, any other model's is the plan of the
 * model the `patch` pass would write (the same search, `maxOverhead` default 0.15).
 */
export function plansFor(a: PlansInput, options: PlansOptions = {}): PlansReport {
  const preview = options.previewPatch ?? true;
  const key = `${options.kernelDtypes?.join(',') ?? '*'}|${options.maxOverhead ?? 0.15}|${preview}`;
  let byKey = cache.get(a.memory);
  const hit = byKey?.get(key);
  if (hit) return hit;
  const dtypeOf = widenFor(options.kernelDtypes);
  const rules = a.model.deployment?.arena;
  const inPlace = inPlacePlan(a.memory, a.model, a.shapes, { ...(dtypeOf ? { dtypeOf } : {}), ...(rules ? { rules } : {}) });
  const report: PlansReport = {
    'per-tensor': { peakActivationBytes: a.memory.peakActivationBytes, arenaBytes: a.memory.arenaBytes },
    'in-place': inPlace,
    patch: patchFigures(a, dtypeOf, options.maxOverhead, preview),
  };
  if (!byKey) cache.set(a.memory, (byKey = new Map()));
  byKey.set(key, report);
  return report;
}

function patchFigures(a: PlansInput, dtypeOf: ((name: string, d: DType) => DType) | undefined, maxOverhead: number | undefined, preview: boolean): PatchFigures | { unavailable: string } {
  if (a.model.deployment) return { unavailable: `a ${a.model.deployment.runtime} model is planned by its runtime; patch the ONNX source and convert again` };
  if (a.memory.planned) return { unavailable: 'the model has control flow or QDQ islands; patch a float model without them' };
  const views = recordedViews(a.model);
  if (views) {
    const meta = JSON.parse(a.model.metadataProps!.find((p) => p.key === PATCH_KEY)!.value) as Partial<PatchSplitSummary> & { grid?: number };
    const fig = planWithViews(a.model.graph, a.shapes.values, views, dtypeOf ? { dtypeOf } : {});
    const region = { nodes: [] as number[], tileBytes: [] as number[] };
    a.model.graph.nodes.forEach((n, i) => {
      const out = n.outputs[0];
      const s = out ? a.shapes.values.get(out)?.shape : undefined;
      if (!n.name.startsWith('patch/t') || !out || !s || !s.every((d) => typeof d === 'number')) return;
      region.nodes.push(i);
      region.tileBytes.push(bytesOf(a.shapes.values, out, s as number[]));
    });
    return {
      ...fig, applied: true, assumption: PATCH_ASSUMPTION, region,
      split: {
        prefixNodes: meta.prefixNodes ?? 0, output: meta.output ?? '', grid: meta.grid ?? 0, tileBufferBytes: meta.tileBufferBytes ?? 0,
        prefixMacs: meta.prefixMacs ?? 0, patchedPrefixMacs: meta.patchedPrefixMacs ?? 0, macOverhead: meta.macOverhead ?? 0,
      },
    };
  }
  if (!preview) return { unavailable: PATCH_NOT_SEARCHED };
  const macs = new Map(a.cost.nodes.map((c) => [c.index, c.macs]));
  const found = searchPatch(a.model.graph, a.shapes.values, {
    macsOf: (i) => macs.get(i) ?? 0, totalMacs: a.cost.totals.macs, order: a.memory.order, perTensorPeak: a.memory.peakActivationBytes,
    opset: defaultOpset(a.model.opsetImports) ?? 21,
    ...(maxOverhead !== undefined ? { maxOverhead } : {}), ...(dtypeOf ? { dtypeOf } : {}),
  });
  if ('unavailable' in found) return found;
  const region = [...found.build.region].sort((x, y) => x[0] - y[0]);
  return {
    ...found.figures, applied: false, split: found.build.summary, assumption: PATCH_ASSUMPTION,
    region: { nodes: region.map((r) => r[0]), tileBytes: region.map((r) => r[1]) },
  };
}

/** Why a plan does not apply to the model as it is (the patch plan needs a patched model), or undefined. */
export function planUnusable(plans: PlansReport, p: PlanName): string | undefined {
  const f = plans[p];
  if ('unavailable' in f) return f.unavailable;
  if (p === 'patch' && !(f as PatchFigures).applied) {
    const q = f as PatchFigures;
    return `the model is not patched: \`optimize --passes patch\` writes one whose patch-plan peak is ${q.peakActivationBytes} B (+${(100 * q.split.macOverhead).toFixed(1)}% MACs)`;
  }
  return undefined;
}

/**
 * The plan with the smallest arena among `allowed` (ties: the first listed) that applies to the model as it is, with
 * its figures; per-tensor when none does.
 */
export function bestPlan(plans: PlansReport, allowed: readonly PlanName[]): { plan: PlanName; figures: PlanFigures } {
  let best: { plan: PlanName; figures: PlanFigures } = { plan: 'per-tensor', figures: plans['per-tensor'] };
  for (const p of allowed) {
    const f = plans[p];
    if ('unavailable' in f || planUnusable(plans, p)) continue;
    if (!allowed.includes(best.plan) || f.arenaBytes < best.figures.arenaBytes) best = { plan: p, figures: f };
  }
  return best;
}
