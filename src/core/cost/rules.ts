// Counting rules per operator family: how many multiply-accumulates and floating-point operations a node does.
// The rules are written out in docs/cost-model.md; every number here follows from the node's inferred shapes.

import { attrInt, attrInts, attrString, type Node } from '../onnx/ir';
import type { OpClass } from './types';
import { customWork, tfliteOpClass, tfliteWork } from './tflite';

/** What the rules need to know about one of the node's inputs or outputs. */
export interface Operand {
  /** Numeric dims, or undefined when any dim (or the rank) is unknown. */
  dims?: number[];
  elements?: number;
}

export interface OpWork {
  macs: number;
  flops: number;
  /** A needed shape was unknown, so the counts are lower bounds. */
  partial: boolean;
  /** The operator has no cost model at all (a custom operator): it is named in a warning. */
  unknownOp?: boolean;
}

/** How a control-flow node runs its subgraphs: one of its branches, a body per iteration, or once at start-up. */
export type ControlKind = 'branch' | 'loop' | 'once';

/** Rules of operator domains other than ONNX's, registered by domain as ONNX's are by op type. */
const DOMAIN_RULES: Record<string, {
  opClass(node: Node, inputs: Operand[]): OpClass;
  work(node: Node, inputs: Operand[], outputs: Operand[]): OpWork;
  control?: Record<string, ControlKind>;
}> = {
  tflite: { opClass: tfliteOpClass, work: tfliteWork, control: { IF: 'branch', WHILE: 'loop', CALL_ONCE: 'once' } },
  'tflite.custom': { opClass: () => 'elementwise', work: customWork },
};

const ONNX_CONTROL: Record<string, ControlKind> = { If: 'branch', Loop: 'loop', Scan: 'loop' };

export function controlKind(node: Node): ControlKind | undefined {
  const d = DOMAIN_RULES[node.domain];
  return d ? d.control?.[node.opType] : ONNX_CONTROL[node.opType];
}

const DATA_OPS = new Set([
  'Reshape', 'Flatten', 'Squeeze', 'Unsqueeze', 'Transpose', 'Concat', 'Split', 'Slice', 'Gather', 'GatherElements',
  'GatherND', 'Scatter', 'ScatterElements', 'ScatterND', 'Expand', 'Tile', 'Pad', 'Identity', 'Shape', 'Size',
  'Constant', 'ConstantOfShape', 'Cast', 'CastLike', 'DepthToSpace', 'SpaceToDepth', 'Resize', 'Upsample', 'Dropout',
  'Compress', 'NonZero', 'OneHot', 'Range', 'ReverseSequence', 'SequenceAt', 'SequenceConstruct', 'SequenceEmpty',
  'SequenceInsert', 'SequenceErase', 'SequenceLength', 'SplitToSequence', 'ConcatFromSequence', 'EyeLike', 'Trilu',
  'GridSample', 'Optional', 'OptionalGetElement', 'OptionalHasElement', 'RandomNormal', 'RandomUniform',
  'RandomNormalLike', 'RandomUniformLike', 'Multinomial', 'Bernoulli', 'Col2Im', 'CenterCropPad', 'Unique',
]);

const POOL_OPS = new Set([
  'MaxPool', 'AveragePool', 'LpPool', 'GlobalMaxPool', 'GlobalAveragePool', 'GlobalLpPool', 'MaxRoiPool', 'RoiAlign',
  'MaxUnpool', 'ReduceMax', 'ReduceMin', 'ReduceMean', 'ReduceSum', 'ReduceProd', 'ReduceL1', 'ReduceL2',
  'ReduceLogSum', 'ReduceLogSumExp', 'ReduceSumSquare', 'ArgMax', 'ArgMin', 'TopK',
]);

const CONTROL_OPS = new Set(['If', 'Loop', 'Scan']);

/** FLOPs per output element of element-wise ops that cost more than one operation (approximations, documented). */
const ELEMENTWISE_FLOPS: Record<string, number> = {
  Sigmoid: 4, HardSigmoid: 3, HardSwish: 4, Swish: 5, Tanh: 6, Exp: 4, Log: 4, Softplus: 5, Softsign: 3, Elu: 4,
  Selu: 5, Celu: 5, Gelu: 8, Mish: 10, Erf: 8, Sin: 4, Cos: 4, Tan: 6, Asin: 8, Acos: 8, Atan: 8, Sinh: 8, Cosh: 8,
  Asinh: 10, Acosh: 10, Atanh: 10, Pow: 4, Sqrt: 2, Reciprocal: 1, Clip: 2, LeakyRelu: 2, PRelu: 2, ThresholdedRelu: 1,
  Relu: 1, Abs: 1, Neg: 1, Sign: 1, Floor: 1, Ceil: 1, Round: 1, Not: 1, IsNaN: 1, IsInf: 1, Shrink: 2,
  QuantizeLinear: 3, DequantizeLinear: 2, DynamicQuantizeLinear: 5,
};

/** FLOPs per element of normalisations and softmax-like ops. */
const PER_ELEMENT_FLOPS: Record<string, number> = {
  BatchNormalization: 2, InstanceNormalization: 6, LayerNormalization: 8, GroupNormalization: 8,
  LpNormalization: 3, MeanVarianceNormalization: 6, LRN: 6, Softmax: 5, LogSoftmax: 5, Hardmax: 2,
  SkipLayerNormalization: 9, SimplifiedLayerNormalization: 5, SkipSimplifiedLayerNormalization: 6,
};

export function opClassOf(node: Node, inputs: Operand[]): OpClass {
  const domain = DOMAIN_RULES[node.domain];
  if (domain) return domain.opClass(node, inputs);
  const op = node.opType;
  if (op === 'Conv' || op === 'ConvTranspose' || op === 'QLinearConv' || op === 'ConvInteger' || op === 'FusedConv') {
    const group = attrInt(node, 'group', 1);
    const w = inputs[op === 'QLinearConv' ? 3 : 1]?.dims;
    const x = inputs[0]?.dims;
    if (group > 1 && x && x.length >= 2 && group === x[1] && (!w || w[1] === 1)) return 'depthwise';
    return 'conv';
  }
  if (op === 'Gemm' || op === 'MatMul' || op === 'MatMulInteger' || op === 'QLinearMatMul' || op === 'Einsum' ||
    op === 'Attention' || op === 'MultiHeadAttention' || op === 'FusedMatMul' || op === 'MatMulNBits' ||
    op === 'QGemm' || op === 'DynamicQuantizeMatMul' || op === 'MatMulIntegerToFloat') return 'matmul';
  if (op === 'LSTM' || op === 'GRU' || op === 'RNN') return 'recurrent';
  if (POOL_OPS.has(op)) return 'pooling';
  if (CONTROL_OPS.has(op)) return 'control';
  if (DATA_OPS.has(op)) return 'data';
  return 'elementwise';
}

function product(dims: readonly number[], from = 0, to = dims.length): number {
  let n = 1;
  for (let i = from; i < to; i++) n *= dims[i]!;
  return n;
}

/** The work of one node (control-flow nodes return zero here: their subgraphs are costed separately). */
export function opWork(node: Node, inputs: Operand[], outputs: Operand[]): OpWork {
  const domain = DOMAIN_RULES[node.domain];
  if (domain) return domain.work(node, inputs, outputs);
  const op = node.opType;
  const out0 = outputs[0];
  const outElems = out0?.elements;
  const known = (...ops: (Operand | undefined)[]) => ops.every((o) => o?.dims !== undefined);
  const none: OpWork = { macs: 0, flops: 0, partial: false };
  const unknown: OpWork = { macs: 0, flops: 0, partial: true };

  switch (op) {
    case 'Conv': case 'ConvInteger': case 'QLinearConv': case 'FusedConv': {
      const wIdx = op === 'QLinearConv' ? 3 : 1;
      const w = inputs[wIdx];
      if (!known(w, out0)) return unknown;
      // Each output element accumulates (Cin/group) × kernel products; W is [Cout, Cin/group, k...].
      const macs = outElems! * product(w!.dims!, 1);
      const hasBias = (node.inputs[op === 'QLinearConv' ? 8 : 2] ?? '') !== '';
      return { macs, flops: 2 * macs + (hasBias ? outElems! : 0), partial: false };
    }
    case 'ConvTranspose': {
      const x = inputs[0];
      const w = inputs[1];
      if (!known(x, w, out0)) return unknown;
      // Every input element scatters into Cout/group × kernel outputs; W is [Cin, Cout/group, k...].
      const macs = x!.elements! * product(w!.dims!, 1);
      const hasBias = (node.inputs[2] ?? '') !== '';
      return { macs, flops: 2 * macs + (hasBias ? outElems! : 0), partial: false };
    }
    case 'Gemm': {
      const a = inputs[0];
      if (!known(a, out0)) return unknown;
      const transA = attrInt(node, 'transA', 0);
      const k = transA ? a!.dims![0]! : a!.dims![1]!;
      const macs = outElems! * k;
      const hasC = (node.inputs[2] ?? '') !== '';
      return { macs, flops: 2 * macs + (hasC ? outElems! : 0), partial: false };
    }
    case 'MatMul': case 'MatMulInteger': case 'QLinearMatMul': case 'FusedMatMul': case 'MatMulIntegerToFloat':
    case 'DynamicQuantizeMatMul': {
      const a = inputs[0];
      if (!known(a, out0)) return unknown;
      const ad = a!.dims!;
      const k = ad.length === 0 ? 1 : ad[ad.length - 1]!;
      const macs = outElems! * k;
      return { macs, flops: 2 * macs, partial: false };
    }
    case 'Einsum': return einsumWork(node, inputs, out0);
    case 'LSTM': case 'GRU': case 'RNN': return recurrentWork(node, inputs);
    case 'Attention': case 'MultiHeadAttention': return attentionWork(node, inputs, out0);
    case 'MaxPool': case 'AveragePool': case 'LpPool': {
      if (!known(out0)) return unknown;
      const k = attrInts(node, 'kernel_shape');
      const window = k ? product(k) : 1;
      return { macs: 0, flops: outElems! * window, partial: false };
    }
    case 'GlobalMaxPool': case 'GlobalAveragePool': case 'GlobalLpPool':
    case 'ReduceMax': case 'ReduceMin': case 'ReduceMean': case 'ReduceSum': case 'ReduceProd': case 'ReduceL1':
    case 'ReduceL2': case 'ReduceLogSum': case 'ReduceLogSumExp': case 'ReduceSumSquare': case 'ArgMax': case 'ArgMin':
    case 'TopK': {
      const x = inputs[0];
      if (!known(x)) return unknown;
      const perElem = op === 'ReduceSumSquare' || op === 'ReduceL2' || op === 'ReduceLogSumExp' ? 2 : 1;
      return { macs: 0, flops: x!.elements! * perElem, partial: false };
    }
  }
  if (CONTROL_OPS.has(op)) return none;
  if (DATA_OPS.has(op)) {
    // Resize interpolates: a few operations per output element (linear: 4 taps per axis pair, documented).
    if ((op === 'Resize' || op === 'Upsample') && known(out0)) {
      const mode = attrString(node, 'mode', 'nearest');
      return { macs: 0, flops: mode === 'nearest' ? 0 : outElems! * (mode === 'cubic' ? 16 : 4), partial: false };
    }
    return none;
  }
  const perElem = PER_ELEMENT_FLOPS[op];
  if (perElem !== undefined) {
    const x = inputs[0];
    if (!known(x)) return unknown;
    return { macs: 0, flops: x!.elements! * perElem, partial: false };
  }
  if (!known(out0)) return unknown;
  // Variadic element-wise ops (Sum, Max, Mean...) do one operation per extra operand.
  const operands = Math.max(1, node.inputs.filter((i) => i !== '').length - 1);
  const per = ELEMENTWISE_FLOPS[op] ?? 1;
  const isBinaryOrVariadic = ['Sum', 'Max', 'Min', 'Mean'].includes(op);
  return { macs: 0, flops: outElems! * per * (isBinaryOrVariadic ? operands : 1), partial: false };
}

function einsumWork(node: Node, inputs: Operand[], out0: Operand | undefined): OpWork {
  const eq = attrString(node, 'equation', '').replace(/\s/g, '');
  const [lhs] = eq.split('->');
  const terms = (lhs ?? '').split(',');
  const sizes = new Map<string, number>();
  for (let t = 0; t < terms.length; t++) {
    const dims = inputs[t]?.dims;
    const letters = terms[t]!.replace('...', '');
    if (!dims) return { macs: 0, flops: 0, partial: true };
    const ellipsisRank = dims.length - letters.length;
    const offset = terms[t]!.startsWith('...') ? ellipsisRank : 0;
    for (let i = 0; i < letters.length; i++) sizes.set(letters[i]!, dims[i + offset]!);
  }
  // Every combination of all indices is one multiply-accumulate; broadcast dims (the ellipsis) scale it.
  let macs = 1;
  for (const s of sizes.values()) macs *= s;
  if (eq.includes('...') && out0?.elements !== undefined) {
    const outLetters = (eq.split('->')[1] ?? '').replace('...', '');
    let outNamed = 1;
    for (const c of outLetters) outNamed *= sizes.get(c) ?? 1;
    macs *= Math.max(1, out0.elements / Math.max(1, outNamed));
  }
  return { macs, flops: 2 * macs, partial: false };
}

function recurrentWork(node: Node, inputs: Operand[]): OpWork {
  const x = inputs[0];
  if (!x?.dims || x.dims.length !== 3) return { macs: 0, flops: 0, partial: true };
  const layout = attrInt(node, 'layout', 0);
  const [seq, batch, inputSize] = layout === 0 ? x.dims : [x.dims[1]!, x.dims[0]!, x.dims[2]!];
  const hidden = attrInt(node, 'hidden_size') ?? inputs[2]?.dims?.[1];
  if (hidden === undefined) return { macs: 0, flops: 0, partial: true };
  const direction = attrString(node, 'direction', 'forward');
  const dirs = direction === 'bidirectional' ? 2 : 1;
  const gates = node.opType === 'LSTM' ? 4 : node.opType === 'GRU' ? 3 : 1;
  // Per step and direction: W·x (gates×H×I) and R·h (gates×H×H) products.
  const macs = seq! * batch! * dirs * gates * hidden * (inputSize! + hidden);
  // Gate non-linearities and cell updates: about 8 operations per hidden unit per gate.
  const flops = 2 * macs + seq! * batch! * dirs * gates * hidden * 8;
  return { macs, flops, partial: false };
}

function attentionWork(node: Node, inputs: Operand[], out0: Operand | undefined): OpWork {
  // com.microsoft Attention: input [B, S, hidden], weights [hidden, 3*hidden]; QKV projection + QK^T + AV.
  const x = inputs[0]?.dims;
  const w = inputs[1]?.dims;
  if (!x || x.length !== 3 || !out0) return { macs: 0, flops: 0, partial: true };
  const [b, s, h] = x as [number, number, number];
  const proj = w && w.length === 2 ? b * s * w[0]! * w[1]! : 0;
  const scores = b * s * s * h * 2;
  const macs = proj + scores;
  return { macs, flops: 2 * macs + b * s * s * 5, partial: w === undefined };
}

/** Whether an attribute-driven op consumes the data of its inputs (used to tell weights from shape constants). */
export function isComputeOp(node: Node): boolean {
  const cls = opClassOf(node, []);
  return cls !== 'data' && cls !== 'control';
}
