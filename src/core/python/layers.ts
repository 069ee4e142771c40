// Owns the torch.nn layer table: constructor signatures, parameter counts (PyTorch arithmetic) and output shapes / MACs.
import type { Shape } from './types';

/** A constructor argument after static evaluation: number, bool, string, tuple, null (None) or undefined (unknown). */
export type Arg = number | boolean | string | null | FloatArg | Arg[] | undefined;

/** A Python float with an integral value (`64 / 4`): fine for eps or a scale, refused by PyTorch as a size. */
export class FloatArg {
  constructor(readonly value: number) {}
}
export type Args = Map<string, Arg>;

export interface LayerDef {
  /** Positional parameter names, in PyTorch's order. */
  signature: string[];
  defaults: Record<string, Arg>;
  /** Parameter count, or null when an argument it needs is unknown. */
  params(a: Args): number | null;
  /** Output shape and MACs for an input shape; undefined when the layer's semantics are not modelled. */
  apply?(a: Args, input: Shape): { output: Shape | null; macs: number | null } | undefined;
}

const num = (v: Arg): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : v instanceof FloatArg ? v.value : typeof v === 'boolean' ? Number(v) : null);
/** A size argument: PyTorch refuses a float channel or feature count (`out_planes/4` in Python 3), so it is unknown here. */
const int = (v: Arg): number | null => (typeof v === 'number' && Number.isInteger(v) && v >= 0 ? v : typeof v === 'boolean' ? Number(v) : null);
const bool = (v: Arg): boolean | null => (typeof v === 'boolean' ? v : typeof v === 'number' ? v !== 0 : null);

/** An int or a tuple of `n` ints (PyTorch's _ntuple), or null. */
function tuple(v: Arg, n: number): number[] | null {
  if (typeof v === 'number') return Array(n).fill(v);
  if (Array.isArray(v) && v.length === n && v.every((x) => typeof x === 'number')) return v as number[];
  return null;
}

const prod = (xs: readonly number[]): number => xs.reduce((a, b) => a * b, 1);
const known = (s: Shape): s is number[] => s.every((d) => typeof d === 'number');

function sum(...xs: (number | null)[]): number | null {
  let t = 0;
  for (const x of xs) {
    if (x === null) return null;
    t += x;
  }
  return t;
}

function convParams(a: Args, n: number): number | null {
  const cin = int(a.get('in_channels'));
  const cout = int(a.get('out_channels'));
  const k = tuple(a.get('kernel_size'), n);
  const groups = int(a.get('groups'));
  const bias = bool(a.get('bias'));
  if (cin === null || cout === null || !k || groups === null || bias === null || groups === 0 || cin % groups !== 0 || cout % groups !== 0) return null;
  return (cout * (cin / groups)) * prod(k) + (bias ? cout : 0);
}

function convApply(a: Args, input: Shape, n: number, transposed: boolean): { output: Shape | null; macs: number | null } {
  const cin = int(a.get('in_channels'));
  const cout = int(a.get('out_channels'));
  const k = tuple(a.get('kernel_size'), n);
  const s = tuple(a.get('stride'), n);
  const d = tuple(a.get('dilation'), n);
  const groups = int(a.get('groups'));
  const padArg = a.get('padding');
  if (cin === null || cout === null || !k || !s || !d || groups === null || input.length !== n + 2) return { output: null, macs: null };
  // An input whose channel count is not the layer's is an error in PyTorch: no figure rather than a wrong one.
  if (typeof input[1] === 'number' && input[1] !== cin) return { output: null, macs: null };
  const spatialIn = input.slice(2);
  let spatialOut: (number | null)[];
  if (transposed) {
    const p = tuple(padArg, n);
    const op = tuple(a.get('output_padding'), n);
    if (!p || !op) return { output: null, macs: null };
    spatialOut = spatialIn.map((L, i) => (L === null ? null : (L - 1) * s[i]! - 2 * p[i]! + d[i]! * (k[i]! - 1) + op[i]! + 1));
  } else if (padArg === 'same') {
    spatialOut = spatialIn;
  } else {
    const p = padArg === 'valid' ? Array(n).fill(0) : tuple(padArg, n);
    if (!p) return { output: null, macs: null };
    spatialOut = spatialIn.map((L, i) => (L === null ? null : Math.floor((L + 2 * p[i]! - d[i]! * (k[i]! - 1) - 1) / s[i]! + 1)));
  }
  const output: Shape = [input[0] ?? null, cout, ...spatialOut];
  const batch = input[0];
  let macs: number | null = null;
  if (typeof batch === 'number' && known(spatialOut) && known(spatialIn)) {
    macs = transposed
      ? batch * cin * prod(spatialIn) * (cout / groups) * prod(k)
      : batch * cout * prod(spatialOut) * (cin / groups) * prod(k);
  }
  return { output, macs };
}

function poolApply(a: Args, input: Shape, n: number): { output: Shape | null; macs: number | null } {
  const k = tuple(a.get('kernel_size'), n);
  const sArg = a.get('stride');
  const s = sArg === null || sArg === undefined ? k : tuple(sArg, n);
  const p = tuple(a.get('padding'), n);
  const d = a.has('dilation') ? tuple(a.get('dilation'), n) : Array(n).fill(1);
  const ceil = bool(a.get('ceil_mode')) === true;
  if (!k || !s || !p || !d || input.length < n + 1) return { output: null, macs: null };
  const lead = input.slice(0, input.length - n);
  const out = input.slice(input.length - n).map((L, i) => {
    if (L === null) return null;
    const v = (L + 2 * p[i]! - d[i]! * (k[i]! - 1) - 1) / s[i]! + 1;
    return ceil ? Math.ceil(v) : Math.floor(v);
  });
  return { output: [...lead, ...out], macs: 0 };
}

function adaptiveApply(a: Args, input: Shape, n: number): { output: Shape | null; macs: number | null } {
  const raw = a.get('output_size');
  const o = typeof raw === 'number' ? Array(n).fill(raw) : Array.isArray(raw) && raw.length === n ? raw : null;
  if (!o || input.length < n + 1) return { output: null, macs: null };
  const lead = input.slice(0, input.length - n);
  const tail = input.slice(input.length - n);
  return { output: [...lead, ...o.map((x, i) => (typeof x === 'number' ? x : x === null ? tail[i] ?? null : null))], macs: 0 };
}

const same = (_a: Args, input: Shape) => ({ output: input, macs: 0 });

/** Gate matrices per recurrent cell kind: LSTM has 4, GRU 3, vanilla RNN 1. */
const GATES: Record<string, number> = { LSTM: 4, GRU: 3, RNN: 1 };

function rnnParams(a: Args, gates: number): number | null {
  const I = num(a.get('input_size'));
  const H = num(a.get('hidden_size'));
  const L = num(a.get('num_layers'));
  const bias = bool(a.get('bias'));
  const bi = bool(a.get('bidirectional'));
  const proj = num(a.get('proj_size'));
  if (I === null || H === null || L === null || bias === null || bi === null || proj !== 0) return null;
  const dirs = bi ? 2 : 1;
  let total = 0;
  for (let l = 0; l < L; l++) {
    const inSize = l === 0 ? I : H * dirs;
    total += dirs * gates * (H * inSize + H * H + (bias ? 2 * H : 0));
  }
  return total;
}

function rnnApply(a: Args, input: Shape, gates: number): { output: Shape | null; macs: number | null } {
  const I = num(a.get('input_size'));
  const H = num(a.get('hidden_size'));
  const L = num(a.get('num_layers'));
  const bi = bool(a.get('bidirectional'));
  const bf = bool(a.get('batch_first'));
  if (I === null || H === null || L === null || bi === null || bf === null || input.length !== 3) return { output: null, macs: null };
  const dirs = bi ? 2 : 1;
  const [d0, d1] = input;
  const output: Shape = [d0 ?? null, d1 ?? null, H * dirs];
  if (typeof d0 !== 'number' || typeof d1 !== 'number') return { output, macs: null };
  let perStep = 0;
  for (let l = 0; l < L; l++) perStep += dirs * gates * H * ((l === 0 ? I : H * dirs) + H);
  return { output, macs: d0 * d1 * perStep };
}

function mhaParams(a: Args): number | null {
  const E = num(a.get('embed_dim'));
  const bias = bool(a.get('bias'));
  const kv = bool(a.get('add_bias_kv'));
  const kdim = a.get('kdim') === null ? E : num(a.get('kdim'));
  const vdim = a.get('vdim') === null ? E : num(a.get('vdim'));
  if (E === null || bias === null || kv === null || kdim === null || vdim === null) return null;
  const inProj = E * E + E * kdim + E * vdim + (bias ? 3 * E : 0);
  const outProj = E * E + (bias ? E : 0);
  return inProj + outProj + (kv ? 2 * E : 0);
}

function encoderLayerParams(a: Args): number | null {
  const d = num(a.get('d_model'));
  const ff = num(a.get('dim_feedforward'));
  const bias = bool(a.get('bias'));
  if (d === null || ff === null || bias === null) return null;
  const b = bias ? 1 : 0;
  return 4 * d * d + 4 * d * b + (d * ff + ff * b) + (ff * d + d * b) + 2 * (d + d * b);
}

/** Self-attention encoder layer MACs: Q/K/V/out projections, QK^T and AV, two feed-forward matmuls. */
function encoderLayerApply(a: Args, input: Shape): { output: Shape | null; macs: number | null } {
  const d = num(a.get('d_model'));
  const ff = num(a.get('dim_feedforward'));
  const bf = bool(a.get('batch_first'));
  if (d === null || ff === null || bf === null || input.length !== 3) return { output: null, macs: null };
  if (!known(input)) return { output: input, macs: null };
  const [n, s] = bf ? [input[0]!, input[1]!] : [input[1]!, input[0]!];
  return { output: input, macs: n * (4 * s * d * d + 2 * s * s * d + 2 * s * d * ff) };
}

const CONV = (n: number, transposed: boolean): LayerDef => ({
  signature: transposed
    ? ['in_channels', 'out_channels', 'kernel_size', 'stride', 'padding', 'output_padding', 'groups', 'bias', 'dilation']
    : ['in_channels', 'out_channels', 'kernel_size', 'stride', 'padding', 'dilation', 'groups', 'bias'],
  defaults: { stride: 1, padding: 0, output_padding: 0, dilation: 1, groups: 1, bias: true },
  params: (a) => convParams(a, n),
  apply: (a, x) => convApply(a, x, n, transposed),
});

const NORM = (affineKey: 'affine' | 'elementwise_affine', affineDefault: boolean): LayerDef => ({
  signature: ['num_features', 'eps', 'momentum', affineKey],
  defaults: { [affineKey]: affineDefault },
  params: (a) => {
    const c = int(a.get('num_features'));
    const affine = bool(a.get(affineKey));
    return c === null || affine === null ? null : affine ? 2 * c : 0;
  },
  apply: same,
});

const POOL = (n: number): LayerDef => ({
  signature: ['kernel_size', 'stride', 'padding', 'dilation', 'return_indices', 'ceil_mode'],
  defaults: { stride: null, padding: 0, dilation: 1, ceil_mode: false },
  params: () => 0,
  apply: (a, x) => poolApply(a, x, n),
});
const AVGPOOL = (n: number): LayerDef => ({
  signature: ['kernel_size', 'stride', 'padding', 'ceil_mode'],
  defaults: { stride: null, padding: 0, ceil_mode: false },
  params: () => 0,
  apply: (a, x) => poolApply(a, x, n),
});
const ADAPTIVE = (n: number): LayerDef => ({ signature: ['output_size'], defaults: {}, params: () => 0, apply: (a, x) => adaptiveApply(a, x, n) });
const FREE: LayerDef = { signature: [], defaults: {}, params: () => 0, apply: same };

const RNN = (kind: string): LayerDef => ({
  signature: kind === 'RNN'
    ? ['input_size', 'hidden_size', 'num_layers', 'nonlinearity', 'bias', 'batch_first', 'dropout', 'bidirectional']
    : ['input_size', 'hidden_size', 'num_layers', 'bias', 'batch_first', 'dropout', 'bidirectional', 'proj_size'],
  defaults: { num_layers: 1, bias: true, batch_first: false, dropout: 0, bidirectional: false, proj_size: 0 },
  params: (a) => rnnParams(a, GATES[kind]!),
  apply: (a, x) => rnnApply(a, x, GATES[kind]!),
});

const CELL = (gates: number): LayerDef => ({
  signature: ['input_size', 'hidden_size', 'bias'],
  defaults: { bias: true },
  params: (a) => {
    const I = num(a.get('input_size'));
    const H = num(a.get('hidden_size'));
    const bias = bool(a.get('bias'));
    return I === null || H === null || bias === null ? null : gates * (H * I + H * H + (bias ? 2 * H : 0));
  },
});

export const LAYERS: Record<string, LayerDef> = {
  Conv1d: CONV(1, false),
  Conv2d: CONV(2, false),
  Conv3d: CONV(3, false),
  ConvTranspose1d: CONV(1, true),
  ConvTranspose2d: CONV(2, true),
  ConvTranspose3d: CONV(3, true),
  Linear: {
    signature: ['in_features', 'out_features', 'bias'],
    defaults: { bias: true },
    params: (a) => {
      const i = int(a.get('in_features'));
      const o = int(a.get('out_features'));
      const b = bool(a.get('bias'));
      return i === null || o === null || b === null ? null : i * o + (b ? o : 0);
    },
    apply: (a, x) => {
      const i = int(a.get('in_features'));
      const o = int(a.get('out_features'));
      if (i === null || o === null || x.length === 0) return { output: null, macs: null };
      if (typeof x[x.length - 1] === 'number' && x[x.length - 1] !== i) return { output: null, macs: null };
      const lead = x.slice(0, -1);
      return { output: [...lead, o], macs: known(lead) ? prod(lead) * i * o : null };
    },
  },
  LSTM: RNN('LSTM'),
  GRU: RNN('GRU'),
  RNN: RNN('RNN'),
  LSTMCell: CELL(4),
  GRUCell: CELL(3),
  RNNCell: CELL(1),
  Embedding: {
    signature: ['num_embeddings', 'embedding_dim', 'padding_idx'],
    defaults: {},
    params: (a) => {
      const n = num(a.get('num_embeddings'));
      const d = num(a.get('embedding_dim'));
      return n === null || d === null ? null : n * d;
    },
    apply: (a, x) => {
      const d = num(a.get('embedding_dim'));
      return { output: d === null ? null : [...x, d], macs: 0 };
    },
  },
  MultiheadAttention: {
    signature: ['embed_dim', 'num_heads', 'dropout', 'bias', 'add_bias_kv', 'add_zero_attn', 'kdim', 'vdim', 'batch_first'],
    defaults: { dropout: 0, bias: true, add_bias_kv: false, add_zero_attn: false, kdim: null, vdim: null, batch_first: false },
    params: mhaParams,
  },
  TransformerEncoderLayer: {
    signature: ['d_model', 'nhead', 'dim_feedforward', 'dropout', 'activation', 'layer_norm_eps', 'batch_first', 'norm_first', 'bias'],
    defaults: { dim_feedforward: 2048, batch_first: false, bias: true },
    params: encoderLayerParams,
    apply: encoderLayerApply,
  },
  /** Self-attention, cross-attention over the memory, feed-forward and three norms; its MACs need the memory (not modelled). */
  TransformerDecoderLayer: {
    signature: ['d_model', 'nhead', 'dim_feedforward', 'dropout', 'activation', 'layer_norm_eps', 'batch_first', 'norm_first', 'bias'],
    defaults: { dim_feedforward: 2048, batch_first: false, bias: true },
    params: (a) => {
      const d = int(a.get('d_model'));
      const ff = int(a.get('dim_feedforward'));
      const bias = bool(a.get('bias'));
      if (d === null || ff === null || bias === null) return null;
      const b = bias ? 1 : 0;
      return 2 * (4 * d * d + 4 * d * b) + (d * ff + ff * b) + (ff * d + d * b) + 3 * (d + d * b);
    },
  },
  /** nn.Transformer is built as a container (encoder, decoder) by the evaluator; this entry names its arguments. */
  Transformer: {
    signature: ['d_model', 'nhead', 'num_encoder_layers', 'num_decoder_layers', 'dim_feedforward', 'dropout', 'activation', 'custom_encoder', 'custom_decoder', 'layer_norm_eps', 'batch_first', 'norm_first', 'bias'],
    defaults: { d_model: 512, nhead: 8, num_encoder_layers: 6, num_decoder_layers: 6, dim_feedforward: 2048, dropout: 0.1, custom_encoder: null, custom_decoder: null, layer_norm_eps: 1e-5, batch_first: false, norm_first: false, bias: true },
    params: () => null,
  },
  BatchNorm1d: NORM('affine', true),
  BatchNorm2d: NORM('affine', true),
  BatchNorm3d: NORM('affine', true),
  InstanceNorm1d: NORM('affine', false),
  InstanceNorm2d: NORM('affine', false),
  InstanceNorm3d: NORM('affine', false),
  LayerNorm: {
    signature: ['normalized_shape', 'eps', 'elementwise_affine', 'bias'],
    defaults: { elementwise_affine: true, bias: true },
    params: (a) => {
      const s = a.get('normalized_shape');
      const shape = typeof s === 'number' ? [s] : Array.isArray(s) && s.every((x) => typeof x === 'number') ? (s as number[]) : null;
      const affine = bool(a.get('elementwise_affine'));
      const bias = bool(a.get('bias'));
      if (!shape || affine === null || bias === null) return null;
      return affine ? prod(shape) * (bias ? 2 : 1) : 0;
    },
    apply: same,
  },
  GroupNorm: {
    signature: ['num_groups', 'num_channels', 'eps', 'affine'],
    defaults: { affine: true },
    params: (a) => {
      const c = num(a.get('num_channels'));
      const affine = bool(a.get('affine'));
      return c === null || affine === null ? null : affine ? 2 * c : 0;
    },
    apply: same,
  },
  PReLU: {
    signature: ['num_parameters', 'init'],
    defaults: { num_parameters: 1 },
    params: (a) => num(a.get('num_parameters')),
    apply: same,
  },
  MaxPool1d: POOL(1),
  MaxPool2d: POOL(2),
  MaxPool3d: POOL(3),
  AvgPool1d: AVGPOOL(1),
  AvgPool2d: AVGPOOL(2),
  AvgPool3d: AVGPOOL(3),
  AdaptiveAvgPool1d: ADAPTIVE(1),
  AdaptiveAvgPool2d: ADAPTIVE(2),
  AdaptiveAvgPool3d: ADAPTIVE(3),
  AdaptiveMaxPool1d: ADAPTIVE(1),
  AdaptiveMaxPool2d: ADAPTIVE(2),
  AdaptiveMaxPool3d: ADAPTIVE(3),
  Flatten: {
    signature: ['start_dim', 'end_dim'],
    defaults: { start_dim: 1, end_dim: -1 },
    params: () => 0,
    apply: (a, x) => ({ output: flattenShape(x, num(a.get('start_dim')), num(a.get('end_dim'))), macs: 0 }),
  },
  Upsample: {
    signature: ['size', 'scale_factor', 'mode', 'align_corners'],
    defaults: { size: null, scale_factor: null },
    params: () => 0,
    apply: (a, x) => ({ output: upsampleShape(x, a.get('size'), a.get('scale_factor')), macs: 0 }),
  },
  Unflatten: {
    signature: ['dim', 'unflattened_size'],
    defaults: {},
    params: () => 0,
    apply: (a, x) => {
      const d = num(a.get('dim'));
      const sizes = a.get('unflattened_size');
      if (d === null || !Array.isArray(sizes) || !sizes.every((v) => typeof v === 'number')) return { output: null, macs: 0 };
      const i = d < 0 ? d + x.length : d;
      return { output: [...x.slice(0, i), ...(sizes as number[]), ...x.slice(i + 1)], macs: 0 };
    },
  },
  PixelShuffle: {
    signature: ['upscale_factor'],
    defaults: {},
    params: () => 0,
    apply: (a, x) => {
      const r = int(a.get('upscale_factor'));
      if (r === null || x.length !== 4) return { output: null, macs: 0 };
      const [n, c, h, w] = x;
      // Channels must divide by r²; PyTorch refuses the rest.
      return { output: [n ?? null, typeof c === 'number' && c % (r * r) === 0 ? c / (r * r) : null, h == null ? null : h * r, w == null ? null : w * r], macs: 0 };
    },
  },
  Softmax: FREE,
  LogSoftmax: FREE,
};
/** Reflection/Replication/Zero/Constant padding: `padding` is an int or (left, right, top, bottom, ...) from the last dim. */
const PAD = (n: number, withValue: boolean): LayerDef => ({
  signature: withValue ? ['padding', 'value'] : ['padding'],
  defaults: {},
  params: () => 0,
  apply: (a, x) => {
    const p = a.get('padding');
    const pads = typeof p === 'number' && Number.isInteger(p) ? Array(2 * n).fill(p) : Array.isArray(p) && p.length === 2 * n && p.every((v) => typeof v === 'number') ? (p as number[]) : null;
    if (!pads || x.length < n + 1) return { output: null, macs: 0 };
    const out = [...x];
    for (let i = 0; i < n; i++) {
      const d = out.length - 1 - i;
      const L = out[d];
      out[d] = L === null || L === undefined ? null : L + pads[2 * i]! + pads[2 * i + 1]!;
    }
    return { output: out, macs: 0 };
  },
});
for (const nd of [1, 2, 3]) {
  LAYERS[`ReflectionPad${nd}d`] = PAD(nd, false);
  LAYERS[`ReplicationPad${nd}d`] = PAD(nd, false);
  LAYERS[`ConstantPad${nd}d`] = PAD(nd, true);
  LAYERS[`ZeroPad${nd}d`] = PAD(nd, false);
  LAYERS[`CircularPad${nd}d`] = PAD(nd, false);
}
LAYERS.PixelUnshuffle = {
  signature: ['downscale_factor'],
  defaults: {},
  params: () => 0,
  apply: (a, x) => {
    const r = int(a.get('downscale_factor'));
    if (r === null || r === 0 || x.length !== 4) return { output: null, macs: 0 };
    const [n, c, h, w] = x;
    const div = (v: number | null | undefined) => (typeof v === 'number' && v % r === 0 ? v / r : null);
    return { output: [n ?? null, typeof c === 'number' ? c * r * r : null, div(h), div(w)], macs: 0 };
  },
};
for (const n of ['ReLU', 'ReLU6', 'LeakyReLU', 'ELU', 'SELU', 'CELU', 'GELU', 'SiLU', 'Mish', 'Hardswish', 'Hardsigmoid', 'Hardtanh',
  'Sigmoid', 'Tanh', 'Softsign', 'Softplus', 'Identity', 'Dropout', 'Dropout1d', 'Dropout2d', 'Dropout3d', 'AlphaDropout']) {
  LAYERS[n] = FREE;
}

/** nn.Upsample / F.interpolate: `size` (int or tuple) or `scale_factor` (floor(L * s)) over the spatial dims. */
export function upsampleShape(x: Shape, size: Arg, scale: Arg): Shape | null {
  const n = x.length - 2;
  if (n < 1) return null;
  const lead = x.slice(0, 2);
  const spatial = x.slice(2);
  if (size !== null && size !== undefined) {
    const s = tuple(size, n);
    return s ? [...lead, ...s] : null;
  }
  if (scale instanceof FloatArg) scale = scale.value;
  if (Array.isArray(scale)) scale = scale.map((v) => (v instanceof FloatArg ? v.value : v));
  const f = typeof scale === 'number' ? Array(n).fill(scale) : Array.isArray(scale) && scale.length === n && scale.every((v) => typeof v === 'number') ? (scale as number[]) : null;
  if (!f) return null;
  return [...lead, ...spatial.map((L, i) => (L === null ? null : Math.floor(L * f[i]!)))];
}

/** torch.flatten's shape rule; null when the dims to merge are unknown. */
export function flattenShape(x: Shape, start: number | null, end: number | null): Shape | null {
  if (start === null || end === null) return null;
  const r = x.length;
  const s = start < 0 ? start + r : start;
  const e = end < 0 ? end + r : end;
  if (s < 0 || e >= r || s > e) return null;
  const mid = x.slice(s, e + 1);
  return [...x.slice(0, s), known(mid) ? prod(mid) : null, ...x.slice(e + 1)];
}

export { sum as sumOrNull, prod, known as isKnownShape };

/** One side of an einops pattern: each element is a list of axis names (a parenthesized group) or `...`. */
function einopsSide(side: string): (string[] | '...')[] | null {
  const out: (string[] | '...')[] = [];
  const re = /\(([^)]*)\)|(\.\.\.)|([A-Za-z_]\w*|\d+)/g;
  let rest = side;
  for (const m of side.matchAll(re)) {
    rest = rest.replace(m[0], '');
    if (m[1] !== undefined) out.push(m[1].trim().split(/\s+/).filter(Boolean));
    else if (m[2]) out.push('...');
    else out.push([m[3]!]);
  }
  return rest.trim() === '' ? out : null;
}

/**
 * Output shape of einops rearrange / repeat / reduce for `pattern` ("b c (h p1) (w p2) -> b (h w) (p1 p2 c)") on an
 * input shape, with the axis sizes given as keywords; null when the pattern or a size cannot be resolved.
 */
export function einopsShape(pattern: string, input: Shape, axes: Map<string, number>, kind: 'rearrange' | 'repeat' | 'reduce'): Shape | null {
  const [l, r] = pattern.split('->');
  if (l === undefined || r === undefined) return null;
  const left = einopsSide(l);
  const right = einopsSide(r);
  if (!left || !right) return null;
  const sizes = new Map<string, number | null>(axes);
  const ell = left.indexOf('...');
  const fixed = left.length - (ell >= 0 ? 1 : 0);
  if (ell < 0 ? input.length !== left.length : input.length < fixed) return null;
  const ellDims = ell >= 0 ? input.slice(ell, ell + input.length - fixed) : [];
  const dimsFor = (i: number): number | null | undefined => (ell >= 0 && i > ell ? input[i - 1 + ellDims.length] : input[i]);
  for (let i = 0; i < left.length; i++) {
    const el = left[i]!;
    if (el === '...') continue;
    const d = dimsFor(i);
    const names = el.filter((x) => !/^\d+$/.test(x));
    const literal = el.filter((x) => /^\d+$/.test(x)).reduce((a, x) => a * Number(x), 1);
    const unknown = names.filter((x) => !sizes.has(x));
    const known = names.filter((x) => sizes.has(x)).reduce<number | null>((a, x) => (a === null || sizes.get(x) === null ? null : a * sizes.get(x)!), literal);
    if (unknown.length > 1) return null;
    if (unknown.length === 1) sizes.set(unknown[0]!, d === null || d === undefined || known === null || d % known !== 0 ? null : d / known);
    else if (typeof d === 'number' && known !== null && known !== d) return null; // PyTorch/einops would raise
  }
  const out: Shape = [];
  for (const el of right) {
    if (el === '...') {
      out.push(...ellDims);
      continue;
    }
    let p: number | null = 1;
    for (const x of el) {
      const s = /^\d+$/.test(x) ? Number(x) : sizes.get(x);
      if (s === undefined) return null; // a new axis without its size (repeat needs it as a keyword)
      p = p === null || s === null ? null : p * s;
    }
    out.push(p);
  }
  void kind;
  return out;
}

const EINOPS_LAYER = (kind: 'rearrange' | 'reduce'): LayerDef => ({
  signature: kind === 'reduce' ? ['pattern', 'reduction'] : ['pattern'],
  defaults: {},
  params: () => 0,
  apply: (a, x) => {
    const pattern = a.get('pattern');
    const axes = new Map<string, number>();
    for (const [k, v] of a) if (k !== 'pattern' && k !== 'reduction' && typeof v === 'number') axes.set(k, v);
    if (typeof pattern !== 'string') return { output: null, macs: 0 };
    return { output: einopsShape(pattern, x, axes, kind), macs: 0 };
  },
});
/** einops.layers.torch.Rearrange / Reduce: no parameters, a reshape. */
LAYERS.Rearrange = EINOPS_LAYER('rearrange');
LAYERS.Reduce = EINOPS_LAYER('reduce');
