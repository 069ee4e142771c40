// Shape rules for neural-network operators: convolution, pooling, normalization, recurrent, quantization, losses.

import { DTYPE_BY_CODE, type DType } from '../../onnx/dtype';
import { attrInt, attrInts, attrString, type Dim, type Shape } from '../../onnx/ir';
import { isNum, mulDims, normAxis } from '../dims';
import { dtypeAttr } from './elementwise';
import { dtypeOf, has, like, numsOf, out, scalarOf, shapeOf, valueOf, type OpCtx, type OutFacts, type Rule } from '../context';

interface Window {
  kernel: number[];
  strides: number[];
  dilations: number[];
  pads: number[];
  autoPad: string;
}

function windowOf(c: OpCtx, spatial: number, kernel: number[] | undefined): Window | undefined {
  if (!kernel || kernel.length !== spatial) return undefined;
  return {
    kernel,
    strides: attrInts(c.node, 'strides') ?? new Array(spatial).fill(1),
    dilations: attrInts(c.node, 'dilations') ?? new Array(spatial).fill(1),
    pads: attrInts(c.node, 'pads') ?? new Array(spatial * 2).fill(0),
    autoPad: attrString(c.node, 'auto_pad', 'NOTSET'),
  };
}

/** Output length of one sliding-window axis (Conv and pooling). */
function windowDim(d: Dim, w: Window, i: number, ceil: boolean): Dim {
  if (!isNum(d)) return d !== null && sizePreserving(w, i) ? d : null;
  const n = w.kernel.length;
  const s = w.strides[i] ?? 1;
  const k = ((w.kernel[i] - 1) * (w.dilations[i] ?? 1)) + 1;
  if (w.autoPad === 'SAME_UPPER' || w.autoPad === 'SAME_LOWER') return Math.ceil(d / s);
  if (w.autoPad === 'VALID') return ceil ? Math.ceil((d - k + 1) / s) : Math.floor((d - k) / s) + 1;
  const pb = w.pads[i] ?? 0, pe = w.pads[i + n] ?? 0;
  const span = d + pb + pe - k;
  if (!ceil) return Math.floor(span / s) + 1;
  let o = Math.ceil(span / s) + 1;
  // A window that would start inside the end padding is dropped (ONNX/PyTorch ceil_mode rule).
  if ((o - 1) * s >= d + pb) o--;
  return o;
}

/** Stride 1 with padding that exactly covers the window: the axis keeps its size (and its symbol). */
function sizePreserving(w: Window, i: number): boolean {
  if ((w.strides[i] ?? 1) !== 1) return false;
  if (w.autoPad === 'SAME_UPPER' || w.autoPad === 'SAME_LOWER') return true;
  const k = (w.kernel[i] - 1) * (w.dilations[i] ?? 1) + 1;
  const n = w.kernel.length;
  return w.autoPad !== 'VALID' && (w.pads[i] ?? 0) + (w.pads[i + n] ?? 0) === k - 1;
}

function convRule(c: OpCtx, dtype?: DType, wIndex = 1): OutFacts[] {
  const x = shapeOf(c, 0), w = shapeOf(c, wIndex);
  const dt = dtype ?? dtypeOf(c, 0);
  if (!x || x.length < 3) return [out(dt, w ? [x?.[0] ?? null, w[0], ...new Array(Math.max(0, w.length - 2)).fill(null)] : undefined)];
  const spatial = x.length - 2;
  const kernel = attrInts(c.node, 'kernel_shape') ?? (w && w.slice(2).every(isNum) ? (w.slice(2) as number[]) : undefined);
  const win = windowOf(c, spatial, kernel);
  const dims: Shape = [x[0], w ? w[0] : null];
  for (let i = 0; i < spatial; i++) dims.push(win ? windowDim(x[i + 2], win, i, false) : null);
  return [out(dt, dims)];
}

function convTransposeRule(c: OpCtx): OutFacts[] {
  const x = shapeOf(c, 0), w = shapeOf(c, 1);
  const dt = dtypeOf(c, 0);
  const group = attrInt(c.node, 'group', 1);
  const ch = w ? mulDims(w[1], group) : null;
  if (!x || x.length < 3) return [out(dt)];
  const spatial = x.length - 2;
  const kernel = attrInts(c.node, 'kernel_shape') ?? (w && w.slice(2).every(isNum) ? (w.slice(2) as number[]) : undefined);
  const outShape = attrInts(c.node, 'output_shape');
  if (outShape) return [out(dt, [x[0], ch, ...outShape.slice(-spatial)])];
  const win = windowOf(c, spatial, kernel);
  const outPad = attrInts(c.node, 'output_padding') ?? new Array(spatial).fill(0);
  const dims: Shape = [x[0], ch];
  for (let i = 0; i < spatial; i++) {
    const d = x[i + 2];
    if (!win || !isNum(d)) { dims.push(null); continue; }
    const s = win.strides[i];
    if (win.autoPad === 'SAME_UPPER' || win.autoPad === 'SAME_LOWER') { dims.push(d * s); continue; }
    const k = (win.kernel[i] - 1) * win.dilations[i] + 1;
    const pads = win.autoPad === 'VALID' ? 0 : (win.pads[i] ?? 0) + (win.pads[i + spatial] ?? 0);
    dims.push(s * (d - 1) + (outPad[i] ?? 0) + k - pads);
  }
  return [out(dt, dims)];
}

function poolRule(c: OpCtx): OutFacts[] {
  const x = shapeOf(c, 0);
  const dt = dtypeOf(c, 0);
  if (!x || x.length < 3) return c.node.outputs.map((_, i) => out(i ? 'int64' : dt));
  const spatial = x.length - 2;
  const win = windowOf(c, spatial, attrInts(c.node, 'kernel_shape'));
  const ceil = attrInt(c.node, 'ceil_mode', 0) === 1;
  const dims: Shape = [x[0], x[1]];
  for (let i = 0; i < spatial; i++) dims.push(win ? windowDim(x[i + 2], win, i, ceil) : null);
  return c.node.outputs.map((_, i) => out(i ? 'int64' : dt, dims.slice()));
}

function globalPoolRule(c: OpCtx): OutFacts[] {
  const x = shapeOf(c, 0);
  return [out(dtypeOf(c, 0), x ? [x[0], x[1], ...new Array(Math.max(0, x.length - 2)).fill(1)] : undefined)];
}

function maxUnpoolRule(c: OpCtx): OutFacts[] {
  const x = shapeOf(c, 0);
  const dt = dtypeOf(c, 0);
  const given = has(c, 2) ? numsOf(c, 2) : undefined;
  if (given) return [out(dt, given)];
  if (!x) return [out(dt)];
  const spatial = x.length - 2;
  const kernel = attrInts(c.node, 'kernel_shape') ?? [];
  const strides = attrInts(c.node, 'strides') ?? new Array(spatial).fill(1);
  const pads = attrInts(c.node, 'pads') ?? new Array(spatial * 2).fill(0);
  const dims: Shape = [x[0], x[1]];
  for (let i = 0; i < spatial; i++) {
    const d = x[i + 2];
    dims.push(isNum(d) ? (d - 1) * strides[i] + kernel[i] - pads[i] - pads[i + spatial] : null);
  }
  return [out(dt, dims)];
}

function batchNormRule(c: OpCtx): OutFacts[] {
  const outs: OutFacts[] = [like(c, 0)];
  for (let i = 1; i < c.node.outputs.length; i++) outs.push(like(c, i < 3 ? i + 2 : 1));
  return outs;
}

function layerNormRule(c: OpCtx): OutFacts[] {
  const x = shapeOf(c, 0);
  const stash = attrInt(c.node, 'stash_type', 1);
  const statsType: DType = DTYPE_BY_CODE[stash] ?? 'float';
  if (!x) return [like(c, 0), out(statsType), out(statsType)];
  const axis = normAxis(attrInt(c.node, 'axis', -1), x.length) ?? x.length - 1;
  const stats = x.map((d, i) => (i < axis ? d : 1));
  return [like(c, 0), out(statsType, stats), out(statsType, stats.slice())];
}

/** LSTM, GRU and RNN: Y [seq, dirs, batch, hidden] (layout 0) or [batch, seq, dirs, hidden] (layout 1). */
function recurrentRule(c: OpCtx): OutFacts[] {
  const x = shapeOf(c, 0);
  const dt = dtypeOf(c, 0);
  const dirs = attrString(c.node, 'direction', 'forward') === 'bidirectional' ? 2 : 1;
  const r = shapeOf(c, 2);
  const hidden: Dim = attrInt(c.node, 'hidden_size') ?? (r ? r[2] ?? null : null);
  const layout = attrInt(c.node, 'layout', 0);
  const [seq, batch] = x ? (layout ? [x[1], x[0]] : [x[0], x[1]]) : [null, null];
  const y: Shape = layout ? [batch, seq, dirs, hidden] : [seq, dirs, batch, hidden];
  const h: Shape = layout ? [batch, dirs, hidden] : [dirs, batch, hidden];
  return c.node.outputs.map((_, i) => out(dt, i === 0 ? y : h.slice()));
}

function quantizeRule(c: OpCtx): OutFacts[] {
  const outDtype = attrInt(c.node, 'output_dtype', 0);
  const dt: DType = outDtype ? DTYPE_BY_CODE[outDtype] : has(c, 2) ? dtypeOf(c, 2) : 'uint8';
  return [like(c, 0, dt)];
}

function nllRule(c: OpCtx): OutFacts[] {
  const reduction = attrString(c.node, 'reduction', 'mean');
  const dt = dtypeOf(c, 0);
  return [reduction === 'none' ? out(dt, shapeOf(c, 1)?.slice()) : out(dt, [])];
}

function sceLossRule(c: OpCtx): OutFacts[] {
  const reduction = attrString(c.node, 'reduction', 'mean');
  const dt = dtypeOf(c, 0);
  const loss = reduction === 'none' ? out(dt, shapeOf(c, 1)?.slice()) : out(dt, []);
  return c.node.outputs.length > 1 ? [loss, like(c, 0)] : [loss];
}

function dftRule(c: OpCtx): OutFacts[] {
  const x = shapeOf(c, 0);
  const dt = dtypeOf(c, 0);
  if (!x) return [out(dt)];
  const r = x.length;
  const axisIn = c.opset >= 20 && has(c, 2) ? scalarOf(c, 2) : undefined;
  const axis = normAxis(axisIn ?? attrInt(c.node, 'axis', c.opset >= 20 ? -2 : 1), r) ?? 1;
  const len = has(c, 1) ? scalarOf(c, 1) ?? null : x[axis];
  const dims = x.slice();
  dims[axis] = attrInt(c.node, 'onesided', 0) && isNum(len) ? Math.floor(len / 2) + 1 : len;
  dims[r - 1] = 2;
  return [out(dt, dims)];
}

function stftRule(c: OpCtx): OutFacts[] {
  const x = shapeOf(c, 0);
  const dt = dtypeOf(c, 0);
  const step = scalarOf(c, 1);
  const frameLen = has(c, 3) ? scalarOf(c, 3) : has(c, 2) ? (shapeOf(c, 2)?.[0] as number | undefined) : undefined;
  if (!x) return [out(dt)];
  const n = x[1];
  const frames = isNum(n) && step && isNum(frameLen) ? Math.floor((n - frameLen) / step) + 1 : null;
  const onesided = attrInt(c.node, 'onesided', 1);
  const bins = isNum(frameLen) ? (onesided ? Math.floor(frameLen / 2) + 1 : frameLen) : null;
  return [out(dt, [x[0], frames, bins, 2])];
}

function windowRule(c: OpCtx): OutFacts[] {
  const n = scalarOf(c, 0);
  return [out(dtypeAttr(c, 'output_datatype', 'float'), [n ?? null])];
}

function melRule(c: OpCtx): OutFacts[] {
  const bins = scalarOf(c, 0), dft = scalarOf(c, 1);
  return [out(dtypeAttr(c, 'output_datatype', 'float'), [dft === undefined ? null : Math.floor(dft / 2) + 1, bins ?? null])];
}

function tfIdfRule(c: OpCtx): OutFacts[] {
  const x = shapeOf(c, 0);
  const idx = attrInts(c.node, 'ngram_indexes') ?? [];
  const size = idx.length ? Math.max(...idx) + 1 : 0;
  if (!x) return [out('float')];
  return [out('float', x.length === 1 ? [size] : [x[0], size])];
}

function stringNormalizerRule(c: OpCtx): OutFacts[] {
  const x = shapeOf(c, 0);
  const v = valueOf(c, 0);
  if (!x) return [out('string')];
  let n: Dim = null;
  if (v) {
    const stop = c.node.attributes.find((a) => a.name === 'stopwords');
    const words = stop && stop.type === 'strings' ? stop.value : [];
    const cs = attrInt(c.node, 'is_case_sensitive', 0) === 1;
    const set = new Set(words.map((w) => (cs ? w : w.toLowerCase())));
    n = (v.data as string[]).filter((s) => !set.has(cs ? s : s.toLowerCase())).length;
  }
  const count = n === 0 ? 1 : n;
  return [out('string', x.length === 2 ? [1, count] : [count])];
}

/** Non-max suppression actually run on known inputs: the selected-box count is data-dependent. */
function nmsRule(c: OpCtx): OutFacts[] {
  const boxes = valueOf(c, 0), scores = valueOf(c, 1);
  const maxOut = has(c, 2) ? scalarOf(c, 2) : 0;
  const iouT = has(c, 3) ? scalarOf(c, 3) : 0;
  const scoreT = has(c, 4) ? scalarOf(c, 4) : -Infinity;
  if (!boxes || !scores || maxOut === undefined || iouT === undefined || scoreT === undefined) return [out('int64', [null, 3])];
  const [nb, nBoxes] = boxes.dims;
  const nc = scores.dims[1];
  const b = boxes.data as ArrayLike<number>, s = scores.data as ArrayLike<number>;
  const center = attrInt(c.node, 'center_point_box', 0) === 1;
  const corners = (bi: number, i: number): number[] => {
    const o = (bi * nBoxes + i) * 4;
    if (center) {
      const [xc, yc, w, h] = [b[o], b[o + 1], b[o + 2], b[o + 3]];
      return [yc - h / 2, xc - w / 2, yc + h / 2, xc + w / 2];
    }
    return [Math.min(b[o], b[o + 2]), Math.min(b[o + 1], b[o + 3]), Math.max(b[o], b[o + 2]), Math.max(b[o + 1], b[o + 3])];
  };
  const iou = (p: number[], q: number[]) => {
    const ih = Math.max(0, Math.min(p[2], q[2]) - Math.max(p[0], q[0]));
    const iw = Math.max(0, Math.min(p[3], q[3]) - Math.max(p[1], q[1]));
    const inter = ih * iw;
    const uni = (p[2] - p[0]) * (p[3] - p[1]) + (q[2] - q[0]) * (q[3] - q[1]) - inter;
    return uni > 0 ? inter / uni : 0;
  };
  let total = 0;
  for (let bi = 0; bi < nb; bi++) {
    for (let ci = 0; ci < nc; ci++) {
      const cand: number[] = [];
      for (let i = 0; i < nBoxes; i++) if (s[(bi * nc + ci) * nBoxes + i] > scoreT) cand.push(i);
      cand.sort((p, q) => s[(bi * nc + ci) * nBoxes + q] - s[(bi * nc + ci) * nBoxes + p] || p - q);
      const kept: number[][] = [];
      for (const i of cand) {
        if (kept.length >= maxOut) break;
        const box = corners(bi, i);
        if (kept.every((k) => iou(k, box) <= iouT)) kept.push(box);
      }
      total += kept.length;
    }
  }
  return [out('int64', [total, 3])];
}

/** ai.onnx.preview.training optimizers: output groups mirror the X, then the last state groups, of the inputs. */
function optimizerRule(c: OpCtx): OutFacts[] {
  const groups = c.node.opType === 'Adam' ? 4 : 3;
  const n = (c.node.inputs.length - 2) / groups;
  const outGroups = c.node.outputs.length / n;
  return c.node.outputs.map((_, k) => {
    const g = Math.floor(k / n), i = k % n;
    const inGroup = g === 0 ? 0 : g + (groups - outGroups);
    return like(c, 2 + inGroup * n + i);
  });
}

export const nnRules: Record<string, Rule> = {
  Conv: (c) => convRule(c),
  ConvInteger: (c) => convRule(c, 'int32'),
  QLinearConv: (c) => convRule(c, dtypeOf(c, 7), 3),
  DeformConv: (c) => convRule(c),
  ConvTranspose: convTransposeRule,
  MaxPool: poolRule,
  AveragePool: poolRule,
  LpPool: poolRule,
  GlobalAveragePool: globalPoolRule,
  GlobalMaxPool: globalPoolRule,
  GlobalLpPool: globalPoolRule,
  MaxUnpool: maxUnpoolRule,
  MaxRoiPool: (c) => {
    const x = shapeOf(c, 0), r = shapeOf(c, 1);
    const p = attrInts(c.node, 'pooled_shape') ?? [null, null];
    return [out(dtypeOf(c, 0), [r?.[0] ?? null, x?.[1] ?? null, ...p])];
  },
  BatchNormalization: batchNormRule,
  LayerNormalization: layerNormRule,
  LSTM: recurrentRule,
  GRU: recurrentRule,
  RNN: recurrentRule,
  QuantizeLinear: quantizeRule,
  DequantizeLinear: (c) => [like(c, 0, c.opset >= 19 ? dtypeOf(c, 1) : 'float')],
  DynamicQuantizeLinear: (c) => [like(c, 0, 'uint8'), out('float', []), out('uint8', [])],
  NegativeLogLikelihoodLoss: nllRule,
  SoftmaxCrossEntropyLoss: sceLossRule,
  RoiAlign: (c) => {
    const x = shapeOf(c, 0), r = shapeOf(c, 1);
    return [out(dtypeOf(c, 0), [r?.[0] ?? null, x?.[1] ?? null, attrInt(c.node, 'output_height', 1), attrInt(c.node, 'output_width', 1)])];
  },
  GridSample: (c) => {
    const x = shapeOf(c, 0), g = shapeOf(c, 1);
    if (!x || !g) return [out(dtypeOf(c, 0))];
    return [out(dtypeOf(c, 0), [x[0], x[1], ...g.slice(1, -1)])];
  },
  AffineGrid: (c) => {
    const size = numsOf(c, 1);
    const dt = dtypeOf(c, 0);
    if (!size) return [out(dt)];
    return [out(dt, [size[0], ...size.slice(2), size.length - 2])];
  },
  Col2Im: (c) => {
    const x = shapeOf(c, 0), img = numsOf(c, 1), block = numsOf(c, 2);
    const ch = x && block ? (isNum(x[1]) ? x[1] / block.reduce((a, b) => a * b, 1) : null) : null;
    return [out(dtypeOf(c, 0), img ? [x?.[0] ?? null, ch, ...img] : undefined)];
  },
  DFT: dftRule,
  STFT: stftRule,
  HannWindow: windowRule,
  HammingWindow: windowRule,
  BlackmanWindow: windowRule,
  MelWeightMatrix: melRule,
  TfIdfVectorizer: tfIdfRule,
  StringNormalizer: stringNormalizerRule,
  NonMaxSuppression: nmsRule,
  // Gradient (training preview): d y / d xs[i] has the type and shape of xs[i].
  Gradient: (c) => {
    const xs = c.node.attributes.find((a) => a.name === 'xs');
    const names = xs && xs.type === 'strings' ? xs.value : [];
    return c.node.outputs.map((_, i) => { const f = c.lookup(names[i] ?? ''); return out(f?.dtype ?? 'undefined', f?.shape?.slice()); });
  },
  Adagrad: optimizerRule,
  Adam: optimizerRule,
  Momentum: optimizerRule,
  ArgMax: argRule,
  ArgMin: argRule,
};

function argRule(c: OpCtx): OutFacts[] {
  const x = shapeOf(c, 0);
  if (!x) return [out('int64')];
  const axis = normAxis(attrInt(c.node, 'axis', 0), x.length);
  const keep = attrInt(c.node, 'keepdims', 1) === 1;
  if (axis === undefined) return [out('int64')];
  const dims = keep ? x.map((d, i) => (i === axis ? 1 : d)) : x.filter((_, i) => i !== axis);
  return [out('int64', dims)];
}

/** ReduceX: axes from input 1 (ReduceSum 13+, all 18+) or the `axes` attribute. */
export function reduceRule(c: OpCtx): OutFacts[] {
  const x = shapeOf(c, 0);
  const dt = dtypeOf(c, 0);
  const keep = attrInt(c.node, 'keepdims', 1) === 1;
  let axes: number[] | undefined;
  if (has(c, 1)) {
    axes = numsOf(c, 1);
    if (!axes) return [out(dt, x && keep ? new Array(x.length).fill(null) : undefined)];
  } else axes = attrInts(c.node, 'axes');
  if (!x) return [out(dt)];
  if (!axes || axes.length === 0) {
    if (attrInt(c.node, 'noop_with_empty_axes', 0) === 1) return [like(c, 0)];
    return [out(dt, keep ? x.map(() => 1) : [])];
  }
  const set = new Set(axes.map((a) => (a < 0 ? a + x.length : a)));
  return [out(dt, keep ? x.map((d, i) => (set.has(i) ? 1 : d)) : x.filter((_, i) => !set.has(i)))];
}

for (const op of ['ReduceSum', 'ReduceMean', 'ReduceMax', 'ReduceMin', 'ReduceProd', 'ReduceL1', 'ReduceL2', 'ReduceLogSum',
  'ReduceLogSumExp', 'ReduceSumSquare']) nnRules[op] = reduceRule;
