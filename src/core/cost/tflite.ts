// Counting rules for TFLite builtin operators (domain 'tflite'), registered beside the ONNX rules: weights are
// NHWC/OHWI (CONV_2D filter [O, KH, KW, I], DEPTHWISE_CONV_2D [1, KH, KW, C×multiplier], FULLY_CONNECTED [units, K]),
// activations are fused into the producing operator, and custom operators (domain 'tflite.custom') have no cost model.

import { attrInt, type Node } from '../onnx/ir';
import type { OpWork, Operand } from './rules';
import type { OpClass } from './types';

const DATA = new Set([
  'RESHAPE', 'SQUEEZE', 'EXPAND_DIMS', 'CONCATENATION', 'PACK', 'UNPACK', 'SPLIT', 'SPLIT_V', 'PAD', 'PADV2',
  'MIRROR_PAD', 'TRANSPOSE', 'STRIDED_SLICE', 'SLICE', 'GATHER', 'GATHER_ND', 'DEPTH_TO_SPACE', 'SPACE_TO_DEPTH',
  'BATCH_TO_SPACE_ND', 'SPACE_TO_BATCH_ND', 'SHAPE', 'RANK', 'TILE', 'BROADCAST_TO', 'BROADCAST_ARGS', 'CAST',
  'RESIZE_BILINEAR', 'RESIZE_NEAREST_NEIGHBOR', 'DENSIFY', 'ZEROS_LIKE', 'FILL', 'RANGE', 'ONE_HOT', 'VAR_HANDLE',
  'READ_VARIABLE', 'ASSIGN_VARIABLE', 'SCATTER_ND', 'REVERSE_V2', 'REVERSE_SEQUENCE', 'MATRIX_DIAG', 'MATRIX_SET_DIAG',
  'WHERE', 'UNIQUE', 'DYNAMIC_UPDATE_SLICE', 'BITCAST', 'EMBEDDING_LOOKUP', 'HASHTABLE', 'HASHTABLE_FIND',
  'HASHTABLE_IMPORT', 'HASHTABLE_SIZE', 'SPARSE_TO_DENSE',
]);
const POOL = new Set([
  'AVERAGE_POOL_2D', 'MAX_POOL_2D', 'L2_POOL_2D', 'MEAN', 'SUM', 'REDUCE_MAX', 'REDUCE_MIN', 'REDUCE_PROD', 'REDUCE_ANY',
  'REDUCE_ALL', 'ARG_MAX', 'ARG_MIN', 'TOPK_V2',
]);
const CONTROL = new Set(['IF', 'WHILE', 'CALL_ONCE', 'CALL', 'DELEGATE']);

/** FLOPs per output element of element-wise operators that cost more than one operation (approximations). */
const ELEMENTWISE_FLOPS: Record<string, number> = {
  LOGISTIC: 4, TANH: 6, HARD_SWISH: 4, EXP: 4, LOG: 4, GELU: 8, ELU: 4, SQRT: 2, RSQRT: 2, POW: 4, SIN: 4, COS: 4,
  ATAN2: 8, SQUARED_DIFFERENCE: 2, LEAKY_RELU: 2, PRELU: 2, QUANTIZE: 3, DEQUANTIZE: 2, SOFTMAX: 5, LOG_SOFTMAX: 5,
  L2_NORMALIZATION: 3, LOCAL_RESPONSE_NORMALIZATION: 6,
};

const product = (d: readonly number[], from = 0, to = d.length) => {
  let n = 1;
  for (let i = from; i < to; i++) n *= d[i]!;
  return n;
};
const known = (...ops: (Operand | undefined)[]) => ops.every((o) => o?.dims !== undefined);

export function tfliteOpClass(node: Node): OpClass {
  const op = node.opType;
  if (op === 'DEPTHWISE_CONV_2D') return 'depthwise';
  if (op === 'CONV_2D' || op === 'TRANSPOSE_CONV' || op === 'CONV_3D' || op === 'CONV_3D_TRANSPOSE') return 'conv';
  if (op === 'FULLY_CONNECTED' || op === 'BATCH_MATMUL') return 'matmul';
  if (op === 'UNIDIRECTIONAL_SEQUENCE_LSTM' || op === 'BIDIRECTIONAL_SEQUENCE_LSTM' || op === 'LSTM' || op === 'SVDF' ||
    op === 'RNN' || op === 'UNIDIRECTIONAL_SEQUENCE_RNN' || op === 'BIDIRECTIONAL_SEQUENCE_RNN') return 'recurrent';
  if (POOL.has(op)) return 'pooling';
  if (CONTROL.has(op)) return 'control';
  if (DATA.has(op)) return 'data';
  return 'elementwise';
}

const hasBias = (node: Node, i: number) => (node.inputs[i] ?? '') !== '';

export function tfliteWork(node: Node, inputs: Operand[], outputs: Operand[]): OpWork {
  const op = node.opType;
  const out0 = outputs[0];
  const outElems = out0?.elements;
  const unknown: OpWork = { macs: 0, flops: 0, partial: true };
  switch (op) {
    case 'CONV_2D': case 'DEPTHWISE_CONV_2D': case 'CONV_3D': {
      const w = inputs[1];
      if (!known(w, out0)) return unknown;
      const wd = w!.dims!;
      // CONV_2D [O, KH, KW, I]: KH·KW·I per output; DEPTHWISE [1, KH, KW, C·m]: KH·KW; CONV_3D [KD, KH, KW, I, O].
      const perOutput = op === 'CONV_2D' ? product(wd, 1) : op === 'DEPTHWISE_CONV_2D' ? product(wd, 1, 3) : product(wd, 0, wd.length - 1);
      const macs = outElems! * perOutput;
      return { macs, flops: 2 * macs + (hasBias(node, 2) ? outElems! : 0), partial: false };
    }
    case 'TRANSPOSE_CONV': {
      // Inputs: output shape, weights [O, KH, KW, I], input [N, H, W, I]: every input element scatters O·KH·KW products.
      const w = inputs[1];
      const x = inputs[2];
      if (!known(w, x, out0)) return unknown;
      const macs = x!.elements! * product(w!.dims!, 0, 3);
      return { macs, flops: 2 * macs + (hasBias(node, 3) ? outElems! : 0), partial: false };
    }
    case 'FULLY_CONNECTED': {
      const w = inputs[1];
      if (!known(w, out0) || w!.dims!.length !== 2) return unknown;
      const macs = outElems! * w!.dims![1]!;
      return { macs, flops: 2 * macs + (hasBias(node, 2) ? outElems! : 0), partial: false };
    }
    case 'BATCH_MATMUL': {
      const a = inputs[0];
      if (!known(a, out0)) return unknown;
      const ad = a!.dims!;
      const k = attrInt(node, 'adj_x', 0) ? ad[ad.length - 2]! : ad[ad.length - 1]!;
      const macs = outElems! * k;
      return { macs, flops: 2 * macs, partial: false };
    }
    case 'UNIDIRECTIONAL_SEQUENCE_LSTM': case 'BIDIRECTIONAL_SEQUENCE_LSTM': return lstmWork(node, inputs);
    case 'SVDF': {
      // weights_feature [F, I], weights_time [F, M]: per batch row F·I feature products and F·M over the memory.
      const x = inputs[0];
      const wf = inputs[1];
      const wt = inputs[2];
      if (!known(x, wf, wt)) return unknown;
      const batch = x!.dims![0]!;
      const [f, i] = wf!.dims! as [number, number];
      const m = wt!.dims![1]!;
      const macs = batch * f * (i + m);
      return { macs, flops: 2 * macs, partial: false };
    }
    case 'UNIDIRECTIONAL_SEQUENCE_RNN': case 'RNN': {
      const x = inputs[0];
      const w = inputs[1];
      const r = inputs[2];
      if (!known(x, w, r)) return unknown;
      const xd = x!.dims!;
      const steps = xd.length === 3 ? xd[0]! * xd[1]! : xd[0]!;
      const macs = steps * w!.dims![0]! * (w!.dims![1]! + r!.dims![1]!);
      return { macs, flops: 2 * macs, partial: false };
    }
    case 'AVERAGE_POOL_2D': case 'MAX_POOL_2D': case 'L2_POOL_2D': {
      if (!known(out0)) return unknown;
      return { macs: 0, flops: outElems! * attrInt(node, 'filter_width', 1) * attrInt(node, 'filter_height', 1), partial: false };
    }
    case 'RESIZE_BILINEAR': {
      if (!known(out0)) return unknown;
      return { macs: 0, flops: outElems! * 4, partial: false };
    }
  }
  const cls = tfliteOpClass(node);
  if (cls === 'control' || cls === 'data') return { macs: 0, flops: 0, partial: false };
  if (cls === 'pooling') {
    const x = inputs[0];
    return known(x) ? { macs: 0, flops: x!.elements!, partial: false } : unknown;
  }
  if (!known(out0)) return unknown;
  const operands = Math.max(1, node.inputs.filter((i) => i !== '').length - 1);
  const variadic = op === 'ADD_N' ? operands : 1;
  return { macs: 0, flops: outElems! * (ELEMENTWISE_FLOPS[op] ?? 1) * variadic, partial: false };
}

/** LSTM: 4 gates (3 with coupled input/forget) of W·x and R·h per step, plus the projection when present. */
function lstmWork(node: Node, inputs: Operand[]): OpWork {
  const x = inputs[0]?.dims;
  const wForget = inputs[2]?.dims;
  const rForget = inputs[6]?.dims;
  if (!x || x.length !== 3 || !wForget || !rForget) return { macs: 0, flops: 0, partial: true };
  const timeMajor = attrInt(node, 'time_major', node.opType === 'BIDIRECTIONAL_SEQUENCE_LSTM' ? 1 : 0) !== 0;
  const [steps, batch] = timeMajor ? [x[0]!, x[1]!] : [x[1]!, x[0]!];
  const hidden = wForget[0]!;
  const inputSize = wForget[1]!;
  const outputSize = rForget[1]!;
  const gates = (node.inputs[1] ?? '') === '' ? 3 : 4;
  const projection = (node.inputs[16] ?? '') !== '' ? outputSize * hidden : 0;
  const dirs = node.opType === 'BIDIRECTIONAL_SEQUENCE_LSTM' ? 2 : 1;
  const perStep = gates * hidden * (inputSize + outputSize) + projection;
  const macs = steps * batch * dirs * perStep;
  return { macs, flops: 2 * macs + steps * batch * dirs * gates * hidden * 8, partial: false };
}

/** Custom operators: the file says nothing of what they compute, so they are left out of the totals (with a warning). */
export function customWork(): OpWork {
  return { macs: 0, flops: 0, partial: true, unknownOp: true };
}
