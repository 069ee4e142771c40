// Shape rules for TFLite builtin operators (domain 'tflite'): NHWC layouts, options as attributes, constant index
// inputs. A .tflite file declares every tensor's shape, so these rules matter when input shapes are pinned or a
// dimension is dynamic (-1 in shape_signature); the engine checks them against the declared shapes otherwise.
// Output dtypes come from the file (quantized types included), so the rules give shapes only.

import { attrInt, attrInts, attrString, type Dim, type Shape } from '../../onnx/ir';
import { UNKNOWN, has, numsOf, out, shapeOf, type OpCtx, type OutFacts, type Rule } from '../context';
import { broadcastShapes, dimProduct, isNum, mapNum, normAxis } from '../dims';
import { resolveMinusOne } from '../symbolic';

const sameAs = (i: number): Rule => (c) => [out(c.in[i]?.dtype ?? 'undefined', shapeOf(c, i)?.slice())];
const broadcast: Rule = (c) => [out(c.in[0]?.dtype ?? 'undefined', broadcastShapes(c.in.map((f, i) => (has(c, i) ? f?.shape : []))))];
const shapeOnly = (shape: Shape | undefined): OutFacts[] => [out('undefined', shape)];

/** Spatial output size of a window op (TFLite's padding rules: SAME = ceil(in / stride)). */
function window(inDim: Dim, k: number, stride: number, dilation: number, padding: string): Dim {
  return mapNum(inDim, (x) => {
    const effective = (k - 1) * dilation + 1;
    return padding === 'VALID' ? Math.floor((x - effective + stride) / stride) : Math.ceil(x / stride);
  });
}

function conv2d(c: OpCtx, channels: (w: number[]) => Dim): OutFacts[] {
  const x = shapeOf(c, 0);
  const w = shapeOf(c, 1);
  if (!x || x.length !== 4 || !w || w.length !== 4 || !isNum(w[1]) || !isNum(w[2])) return [UNKNOWN];
  const pad = attrString(c.node, 'padding', 'SAME');
  const h = window(x[1]!, w[1], attrInt(c.node, 'stride_h', 1), attrInt(c.node, 'dilation_h_factor', 1), pad);
  const ww = window(x[2]!, w[2], attrInt(c.node, 'stride_w', 1), attrInt(c.node, 'dilation_w_factor', 1), pad);
  return shapeOnly([x[0]!, h, ww, w.every(isNum) ? channels(w as number[]) : null]);
}

function pool(c: OpCtx): OutFacts[] {
  const x = shapeOf(c, 0);
  if (!x || x.length !== 4) return [UNKNOWN];
  const pad = attrString(c.node, 'padding', 'SAME');
  return shapeOnly([
    x[0]!, window(x[1]!, attrInt(c.node, 'filter_height', 1), attrInt(c.node, 'stride_h', 1), 1, pad),
    window(x[2]!, attrInt(c.node, 'filter_width', 1), attrInt(c.node, 'stride_w', 1), 1, pad), x[3]!,
  ]);
}

function fullyConnected(c: OpCtx): OutFacts[] {
  const x = shapeOf(c, 0);
  const w = shapeOf(c, 1);
  if (!x || !w || w.length !== 2) return [UNKNOWN];
  const units = w[0]!;
  if (attrInt(c.node, 'keep_num_dims', 0)) return shapeOnly([...x.slice(0, -1), units]);
  const k = w[1]!;
  const total = dimProduct(x);
  return shapeOnly([isNum(total) && isNum(k) && k > 0 ? total / k : null, units]);
}

function batchMatMul(c: OpCtx): OutFacts[] {
  const a = shapeOf(c, 0);
  const b = shapeOf(c, 1);
  if (!a || !b || a.length < 2 || b.length < 2) return [UNKNOWN];
  const m = attrInt(c.node, 'adj_x', 0) ? a[a.length - 1]! : a[a.length - 2]!;
  const n = attrInt(c.node, 'adj_y', 0) ? b[b.length - 2]! : b[b.length - 1]!;
  const batch = broadcastShapes([a.slice(0, -2), b.slice(0, -2)]);
  return batch ? shapeOnly([...batch, m, n]) : [UNKNOWN];
}

function reshape(c: OpCtx): OutFacts[] {
  const x = shapeOf(c, 0);
  const target = (has(c, 1) ? numsOf(c, 1) : undefined) ?? attrInts(c.node, 'new_shape');
  if (!target) return [UNKNOWN];
  const dims: Dim[] = target.slice();
  const neg = dims.indexOf(-1);
  if (neg >= 0) dims[neg] = x ? resolveMinusOne(x, dims, neg) : null;
  // A reshape to fixed dims that no longer hold the input's elements: the model does not take this input size.
  if (neg < 0 && x && x.every(isNum) && (x as number[]).reduce((p, q) => p * q, 1) !== target.reduce((p, q) => p * q, 1)) {
    c.warn(`RESHAPE '${c.node.name}' reshapes to fixed dims ${target.join('x')} but receives ${x.join('x')}: the model does not take this input size`);
    return [UNKNOWN];
  }
  return shapeOnly(dims);
}

function reduce(c: OpCtx): OutFacts[] {
  const x = shapeOf(c, 0);
  const axes = numsOf(c, 1);
  if (!x || !axes) return [UNKNOWN];
  const drop = new Set(axes.map((a) => normAxis(a, x.length)));
  const keep = attrInt(c.node, 'keep_dims', 0) !== 0;
  return shapeOnly(x.flatMap((d, i) => (drop.has(i) ? (keep ? [1] : []) : [d])));
}

function concat(c: OpCtx): OutFacts[] {
  const shapes = c.in.map((f) => f?.shape);
  const first = shapes[0];
  if (!first || shapes.some((s) => !s || s.length !== first.length)) return [UNKNOWN];
  const axis = normAxis(attrInt(c.node, 'axis', 0), first.length);
  if (axis === undefined) return [UNKNOWN];
  let sum: Dim = 0;
  for (const s of shapes) sum = isNum(sum) && isNum(s![axis]) ? sum + (s![axis] as number) : null;
  const o = first.slice();
  o[axis] = sum;
  return shapeOnly(o);
}

function pad(c: OpCtx): OutFacts[] {
  const x = shapeOf(c, 0);
  const p = numsOf(c, 1);
  if (!x || !p || p.length !== 2 * x.length) return [UNKNOWN];
  return shapeOnly(x.map((d, i) => mapNum(d, (v) => v + p[2 * i]! + p[2 * i + 1]!)));
}

function stridedSlice(c: OpCtx): OutFacts[] {
  const x = shapeOf(c, 0);
  const begin = numsOf(c, 1);
  const end = numsOf(c, 2);
  const strides = numsOf(c, 3) ?? begin?.map(() => 1);
  if (!x || !begin || !end || !strides) return [UNKNOWN];
  if (attrInt(c.node, 'ellipsis_mask', 0) || attrInt(c.node, 'new_axis_mask', 0)) return [UNKNOWN];
  const bm = attrInt(c.node, 'begin_mask', 0);
  const em = attrInt(c.node, 'end_mask', 0);
  const sm = attrInt(c.node, 'shrink_axis_mask', 0);
  const dims: Dim[] = [];
  for (let i = 0; i < x.length; i++) {
    const d = x[i]!;
    if (i >= begin.length) {
      dims.push(d);
      continue;
    }
    if (sm & (1 << i)) continue;
    if (!isNum(d)) {
      dims.push(null);
      continue;
    }
    const s = strides[i] ?? 1;
    const clamp = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, v));
    let b = bm & (1 << i) ? (s > 0 ? 0 : d - 1) : begin[i]!;
    let e = em & (1 << i) ? (s > 0 ? d : -1) : end[i]!;
    if (!(bm & (1 << i)) && b < 0) b += d;
    if (!(em & (1 << i)) && e < 0) e += d;
    b = s > 0 ? clamp(b, 0, d) : clamp(b, -1, d - 1);
    e = s > 0 ? clamp(e, 0, d) : clamp(e, -1, d - 1);
    dims.push(s > 0 ? Math.max(0, Math.ceil((e - b) / s)) : Math.max(0, Math.ceil((b - e) / -s)));
  }
  return shapeOnly(dims);
}

function slice(c: OpCtx): OutFacts[] {
  const x = shapeOf(c, 0);
  const begin = numsOf(c, 1);
  const size = numsOf(c, 2);
  if (!x || !begin || !size || size.length !== x.length) return [UNKNOWN];
  return shapeOnly(size.map((s, i) => (s === -1 ? mapNum(x[i]!, (d) => d - begin[i]!) : s)));
}

function resize(c: OpCtx): OutFacts[] {
  const x = shapeOf(c, 0);
  const size = numsOf(c, 1);
  if (!x || x.length !== 4 || !size || size.length !== 2) return [UNKNOWN];
  return shapeOnly([x[0]!, size[0]!, size[1]!, x[3]!]);
}

function transpose(c: OpCtx): OutFacts[] {
  const x = shapeOf(c, 0);
  const perm = numsOf(c, 1);
  if (!x || !perm || perm.length !== x.length) return [UNKNOWN];
  return shapeOnly(perm.map((p) => x[p] ?? null));
}

function gather(c: OpCtx): OutFacts[] {
  const x = shapeOf(c, 0);
  const idx = shapeOf(c, 1);
  if (!x || !idx) return [UNKNOWN];
  const axis = normAxis(attrInt(c.node, 'axis', 0), x.length);
  const batch = attrInt(c.node, 'batch_dims', 0);
  if (axis === undefined) return [UNKNOWN];
  return shapeOnly([...x.slice(0, axis), ...idx.slice(batch), ...x.slice(axis + 1)]);
}

function depthToSpace(c: OpCtx, up: boolean): OutFacts[] {
  const x = shapeOf(c, 0);
  const b = attrInt(c.node, 'block_size', 1);
  if (!x || x.length !== 4) return [UNKNOWN];
  return up
    ? shapeOnly([x[0]!, mapNum(x[1]!, (v) => v * b), mapNum(x[2]!, (v) => v * b), mapNum(x[3]!, (v) => v / (b * b))])
    : shapeOnly([x[0]!, mapNum(x[1]!, (v) => v / b), mapNum(x[2]!, (v) => v / b), mapNum(x[3]!, (v) => v * b * b)]);
}

function split(c: OpCtx, axisInput: number, dataInput: number): OutFacts[] {
  const x = shapeOf(c, dataInput);
  const a = numsOf(c, axisInput)?.[0];
  const n = c.node.outputs.length;
  if (!x || a === undefined) return c.node.outputs.map(() => UNKNOWN);
  const axis = normAxis(a, x.length);
  if (axis === undefined) return c.node.outputs.map(() => UNKNOWN);
  const sizes = c.node.opType === 'SPLIT_V' ? numsOf(c, 1) : undefined;
  return c.node.outputs.map((_, k) => {
    const o = x.slice();
    if (sizes) {
      const known = sizes.filter((s) => s >= 0).reduce((p, q) => p + q, 0);
      o[axis] = sizes[k] === -1 ? mapNum(x[axis]!, (d) => d - known) : (sizes[k] ?? null);
    } else o[axis] = mapNum(x[axis]!, (d) => d / n);
    return out('undefined', o);
  });
}

function lstm(c: OpCtx): OutFacts[] {
  // Input [batch, time, features] (or time-major); the output's last dim is the output state's (the projection's).
  const x = shapeOf(c, 0);
  const state = shapeOf(c, 18);
  if (!x || x.length !== 3 || !state || state.length !== 2) return [UNKNOWN];
  return shapeOnly([x[0]!, x[1]!, state[1]!]);
}

function svdf(c: OpCtx): OutFacts[] {
  const x = shapeOf(c, 0);
  const wf = shapeOf(c, 1);
  const rank = attrInt(c.node, 'rank', 1);
  if (!x || !wf || !isNum(wf[0])) return [UNKNOWN];
  return shapeOnly([x[0]!, wf[0] / Math.max(1, rank)]);
}

/** Control flow: the subgraphs are inferred with the operator's inputs bound (their declared outputs stand). */
function control(c: OpCtx): OutFacts[] {
  const args = c.in.map((f) => f);
  for (const a of c.node.attributes) {
    if (a.type !== 'graph') continue;
    // IF passes all inputs but the condition to its branches; WHILE passes all to cond and body.
    c.subgraph(a.value, c.node.opType === 'IF' ? args.slice(1) : args);
  }
  return c.node.outputs.map(() => UNKNOWN);
}

const UNARY = [
  'RELU', 'RELU6', 'RELU_N1_TO_1', 'RELU_0_TO_1', 'LOGISTIC', 'TANH', 'HARD_SWISH', 'LEAKY_RELU', 'ELU', 'GELU', 'EXP',
  'LOG', 'SQRT', 'RSQRT', 'SQUARE', 'ABS', 'NEG', 'SIN', 'COS', 'FLOOR', 'CEIL', 'ROUND', 'SIGN', 'QUANTIZE',
  'DEQUANTIZE', 'CAST', 'SOFTMAX', 'LOG_SOFTMAX', 'L2_NORMALIZATION', 'LOCAL_RESPONSE_NORMALIZATION', 'ZEROS_LIKE',
  'LOGICAL_NOT', 'DENSIFY', 'FAKE_QUANT', 'CUMSUM', 'REVERSE_V2', 'BITCAST', 'MATRIX_SET_DIAG',
];
const BINARY = [
  'ADD', 'SUB', 'MUL', 'DIV', 'MAXIMUM', 'MINIMUM', 'SQUARED_DIFFERENCE', 'POW', 'FLOOR_DIV', 'FLOOR_MOD', 'LESS',
  'LESS_EQUAL', 'GREATER', 'GREATER_EQUAL', 'EQUAL', 'NOT_EQUAL', 'LOGICAL_AND', 'LOGICAL_OR', 'PRELU', 'ATAN2',
  'SELECT', 'SELECT_V2', 'ADD_N', 'BITWISE_XOR', 'RIGHT_SHIFT',
];

export const tfliteRules: Record<string, Rule> = {
  ...Object.fromEntries(UNARY.map((op) => [op, sameAs(0)])),
  ...Object.fromEntries(BINARY.map((op) => [op, broadcast])),
  CONV_2D: (c) => conv2d(c, (w) => w[0]!),
  DEPTHWISE_CONV_2D: (c) => conv2d(c, (w) => w[3]!),
  AVERAGE_POOL_2D: pool,
  MAX_POOL_2D: pool,
  L2_POOL_2D: pool,
  FULLY_CONNECTED: fullyConnected,
  BATCH_MATMUL: batchMatMul,
  TRANSPOSE_CONV: (c) => {
    const shape = numsOf(c, 0);
    return shapeOnly(shape);
  },
  RESHAPE: reshape,
  SQUEEZE: (c) => {
    const x = shapeOf(c, 0);
    if (!x) return [UNKNOWN];
    const dims = attrInts(c.node, 'squeeze_dims') ?? [];
    const drop = new Set(dims.length ? dims.map((d) => normAxis(d, x.length)) : x.flatMap((d, i) => (d === 1 ? [i] : [])));
    return shapeOnly(x.filter((_, i) => !drop.has(i)));
  },
  EXPAND_DIMS: (c) => {
    const x = shapeOf(c, 0);
    const a = numsOf(c, 1)?.[0];
    if (!x || a === undefined) return [UNKNOWN];
    const axis = a < 0 ? a + x.length + 1 : a;
    return shapeOnly([...x.slice(0, axis), 1, ...x.slice(axis)]);
  },
  CONCATENATION: concat,
  PACK: (c) => {
    const x = shapeOf(c, 0);
    if (!x) return [UNKNOWN];
    const axis = normAxis(attrInt(c.node, 'axis', 0), x.length + 1);
    if (axis === undefined) return [UNKNOWN];
    return shapeOnly([...x.slice(0, axis), c.node.inputs.length, ...x.slice(axis)]);
  },
  UNPACK: (c) => {
    const x = shapeOf(c, 0);
    const axis = x ? normAxis(attrInt(c.node, 'axis', 0), x.length) : undefined;
    return c.node.outputs.map(() => (x && axis !== undefined ? out('undefined', x.filter((_, i) => i !== axis)) : UNKNOWN));
  },
  SPLIT: (c) => split(c, 0, 1),
  SPLIT_V: (c) => split(c, 2, 0),
  PAD: pad,
  PADV2: pad,
  MIRROR_PAD: pad,
  MEAN: reduce,
  SUM: reduce,
  REDUCE_MAX: reduce,
  REDUCE_MIN: reduce,
  REDUCE_PROD: reduce,
  REDUCE_ANY: reduce,
  REDUCE_ALL: reduce,
  TRANSPOSE: transpose,
  STRIDED_SLICE: stridedSlice,
  SLICE: slice,
  GATHER: gather,
  RESIZE_BILINEAR: resize,
  RESIZE_NEAREST_NEIGHBOR: resize,
  DEPTH_TO_SPACE: (c) => depthToSpace(c, true),
  SPACE_TO_DEPTH: (c) => depthToSpace(c, false),
  SHAPE: (c) => {
    const x = shapeOf(c, 0);
    if (!x) return [UNKNOWN];
    return [x.every(isNum)
      ? out('int32', [x.length], { dtype: 'int32', dims: [x.length], data: x as number[] })
      : out('int32', [x.length])];
  },
  ARG_MAX: (c) => reduceOne(c),
  ARG_MIN: (c) => reduceOne(c),
  TILE: (c) => {
    const x = shapeOf(c, 0);
    const m = numsOf(c, 1);
    if (!x || !m || m.length !== x.length) return [UNKNOWN];
    return shapeOnly(x.map((d, i) => mapNum(d, (v) => v * m[i]!)));
  },
  BROADCAST_TO: (c) => shapeOnly(numsOf(c, 1)),
  UNIDIRECTIONAL_SEQUENCE_LSTM: lstm,
  SVDF: svdf,
  IF: control,
  WHILE: control,
  CALL_ONCE: control,
};

function reduceOne(c: OpCtx): OutFacts[] {
  const x = shapeOf(c, 0);
  const a = numsOf(c, 1)?.[0];
  if (!x || a === undefined) return [UNKNOWN];
  const axis = normAxis(a, x.length);
  return shapeOnly(x.filter((_, i) => i !== axis));
}
