// Constant propagation: evaluates small operators whose inputs are all known, mostly shape arithmetic.

import { DTYPE_BY_CODE as DTYPE_NAMES, isFloatDType, isIntegerDType, type DType } from '../onnx/dtype';
import { attrInt, attrInts, attrFloat, attrString, tensorElementCount, type Tensor } from '../onnx/ir';
import { float16ToNumber, numberToFloat16, bfloat16ToNumber, numberToBfloat16, tensorToArray } from '../onnx/tensor';
import { normAxis } from './dims';
import type { OpCtx } from './context';
import type { KnownValue } from './types';

type V = KnownValue;
export type Evaluator = (c: OpCtx, v: (V | undefined)[]) => V[] | undefined;

/** Rounds/wraps a number to what `dtype` can hold (float32 rounding, integer wrap-around, 0/1 bools). */
export function castNum(dtype: DType, x: number): number {
  switch (dtype) {
    case 'float': return Math.fround(x);
    case 'float16': return float16ToNumber(numberToFloat16(x));
    case 'bfloat16': return bfloat16ToNumber(numberToBfloat16(x));
    case 'bool': return x ? 1 : 0;
    case 'int8': return Number.isFinite(x) ? (Math.trunc(x) << 24) >> 24 : 0;
    case 'uint8': return Number.isFinite(x) ? Math.trunc(x) & 255 : 0;
    case 'int16': return Number.isFinite(x) ? (Math.trunc(x) << 16) >> 16 : 0;
    case 'uint16': return Number.isFinite(x) ? Math.trunc(x) & 0xffff : 0;
    case 'int32': return Number.isFinite(x) ? Math.trunc(x) | 0 : x > 0 ? 2147483647 : -2147483648;
    case 'uint32': return Number.isFinite(x) ? Math.trunc(x) >>> 0 : 0;
    case 'int64': case 'uint64':
      if (Number.isNaN(x)) return 0;
      if (!Number.isFinite(x)) return x > 0 ? 9223372036854775807 : -9223372036854775808;
      return Math.trunc(x);
    default: return x;
  }
}

export function mk(dtype: DType, dims: number[], data: ArrayLike<number> | string[]): V {
  return { dtype, dims, data };
}

function nums(v: V): ArrayLike<number> {
  return v.data as ArrayLike<number>;
}

function strides(dims: number[]): number[] {
  const s = new Array(dims.length);
  let acc = 1;
  for (let i = dims.length - 1; i >= 0; i--) { s[i] = acc; acc *= dims[i]; }
  return s;
}

/** Numeric broadcast of known dims; undefined when incompatible. */
export function broadcastNum(all: number[][]): number[] | undefined {
  const rank = Math.max(0, ...all.map((d) => d.length));
  const out = new Array(rank).fill(1);
  for (const d of all) {
    const off = rank - d.length;
    for (let i = 0; i < d.length; i++) {
      const a = out[off + i], b = d[i];
      if (a === b || b === 1) continue;
      if (a === 1) out[off + i] = b;
      else return undefined;
    }
  }
  return out;
}

/** For each output element, the flat index into an input broadcast to `outDims`. */
function bcastIndex(dims: number[], outDims: number[]): Int32Array {
  const n = tensorElementCount(outDims);
  const idx = new Int32Array(n);
  const rank = outDims.length;
  const off = rank - dims.length;
  const inStr = strides(dims);
  const counter = new Array(rank).fill(0);
  for (let k = 0; k < n; k++) {
    let flat = 0;
    for (let i = 0; i < dims.length; i++) if (dims[i] !== 1) flat += counter[off + i] * inStr[i];
    idx[k] = flat;
    for (let a = rank - 1; a >= 0; a--) {
      if (++counter[a] < outDims[a]) break;
      counter[a] = 0;
    }
  }
  return idx;
}

function elementwise(vals: V[], dtype: DType, f: (...x: number[]) => number, maxFold: number): V | undefined {
  const dims = broadcastNum(vals.map((v) => v.dims));
  if (!dims) return undefined;
  const n = tensorElementCount(dims);
  if (n > maxFold) return undefined;
  const idx = vals.map((v) => bcastIndex(v.dims, dims));
  const data = vals.map(nums);
  const outData = new Array<number>(n);
  const args = new Array<number>(vals.length);
  for (let k = 0; k < n; k++) {
    for (let j = 0; j < vals.length; j++) args[j] = data[j][idx[j][k]];
    outData[k] = castNum(dtype, f(...args));
  }
  return mk(dtype, dims, outData);
}

const cmp = (f: (a: number, b: number) => boolean) => (c: OpCtx, v: (V | undefined)[]) => {
  if (!v[0] || !v[1] || v[0].dtype === 'string') return undefined;
  const r = elementwise([v[0], v[1]], 'bool', (a, b) => (f(a, b) ? 1 : 0), c.maxFold);
  return r && [r];
};

function binary(f: (a: number, b: number, dtype: DType, c: OpCtx) => number): Evaluator {
  return (c, v) => {
    if (!v[0] || !v[1] || v[0].dtype === 'string') return undefined;
    const dt = v[0].dtype;
    const r = elementwise([v[0], v[1]], dt, (a, b) => f(a, b, dt, c), c.maxFold);
    return r && [r];
  };
}

function unary(f: (a: number, c: OpCtx) => number, outDtype?: DType): Evaluator {
  return (c, v) => {
    if (!v[0] || v[0].dtype === 'string') return undefined;
    const dt = outDtype ?? v[0].dtype;
    const src = nums(v[0]);
    const data = new Array<number>(src.length);
    for (let i = 0; i < src.length; i++) data[i] = castNum(dt, f(src[i], c));
    return [mk(dt, v[0].dims.slice(), data)];
  };
}

function variadic(f: (a: number, b: number) => number, finish?: (x: number, n: number) => number): Evaluator {
  return (c, v) => {
    const vals = v.filter((x): x is V => !!x);
    if (vals.length === 0 || vals.some((x) => x.dtype === 'string')) return undefined;
    const dt = vals[0].dtype;
    const r = elementwise(vals, dt, (...xs) => {
      let acc = xs[0];
      for (let i = 1; i < xs.length; i++) acc = f(acc, xs[i]);
      return finish ? finish(acc, xs.length) : acc;
    }, c.maxFold);
    return r && [r];
  };
}

function intDiv(a: number, b: number, dt: DType): number {
  if (isIntegerDType(dt)) return b === 0 ? 0 : Math.trunc(a / b);
  return a / b;
}

function mod(a: number, b: number, dt: DType, c: OpCtx): number {
  if (attrInt(c.node, 'fmod', 0) === 1 || isFloatDType(dt)) return a % b;
  if (b === 0) return 0;
  const r = a % b;
  return r !== 0 && (r < 0) !== (b < 0) ? r + b : r;
}

/** Gathers a sub-block of `v` picked by an index list per axis (used by Slice, Gather, Transpose-like ops). */
function pick(v: V, picks: number[][]): V {
  const outDims = picks.map((p) => p.length);
  const n = tensorElementCount(outDims);
  const st = strides(v.dims);
  const src = v.data as ArrayLike<number | string>;
  const data: (number | string)[] = new Array(n);
  const counter = new Array(outDims.length).fill(0);
  for (let k = 0; k < n; k++) {
    let flat = 0;
    for (let a = 0; a < outDims.length; a++) flat += picks[a][counter[a]] * st[a];
    data[k] = src[flat];
    for (let a = outDims.length - 1; a >= 0; a--) {
      if (++counter[a] < outDims[a]) break;
      counter[a] = 0;
    }
  }
  return mk(v.dtype, outDims, data as number[]);
}

function range(n: number): number[] {
  const r = new Array(n);
  for (let i = 0; i < n; i++) r[i] = i;
  return r;
}

/** The clamped [first, stop) range and step of one Slice axis, by ONNX's rules. */
function sliceRange(dim: number, start: number, end: number, step: number): { s: number; e: number } {
  let s = start < 0 ? start + dim : start;
  let e = end < 0 ? end + dim : end;
  if (step > 0) {
    s = Math.min(Math.max(s, 0), dim);
    e = Math.min(Math.max(e, 0), dim);
  } else {
    s = Math.min(Math.max(s, -1), dim - 1);
    e = Math.min(Math.max(e, -1), dim - 1);
  }
  return { s, e };
}

/** How many elements one Slice axis keeps: arithmetic, so a dim of 2^53 costs nothing (the shape rule uses it). */
export function sliceLength(dim: number, start: number, end: number, step: number): number {
  if (step === 0) return 0;
  const { s, e } = sliceRange(dim, start, end, step);
  return step > 0 ? Math.max(0, Math.ceil((e - s) / step)) : Math.max(0, Math.ceil((s - e) / -step));
}

/** Slice index lists per axis, with ONNX's clamping rules (only for tensors small enough to fold). */
export function sliceIndices(dim: number, start: number, end: number, step: number): number[] {
  if (step === 0) return [];
  const { s, e } = sliceRange(dim, start, end, step);
  const r: number[] = [];
  if (step > 0) for (let i = s; i < e; i += step) r.push(i);
  else for (let i = s; i > e; i += step) r.push(i);
  return r;
}

/** Slice parameters (starts, ends, axes, steps) from inputs (opset 10+) or attributes. */
export function sliceParams(c: OpCtx, v: (V | undefined)[] | undefined, rank: number):
  { starts: number[]; ends: number[]; axes: number[]; steps: number[] } | undefined {
  const get = (i: number, attr: string): number[] | undefined => {
    if (c.node.inputs.length > 1) {
      if (i >= c.node.inputs.length || c.node.inputs[i] === '') return undefined;
      const x = v ? v[i] : c.in[i]?.value;
      return x ? Array.from(nums(x)) : null as unknown as undefined;
    }
    return attrInts(c.node, attr);
  };
  const starts = get(1, 'starts');
  const ends = get(2, 'ends');
  if (!starts || !ends) return undefined;
  let axes = get(3, 'axes');
  if (axes === null) return undefined;
  let steps = get(4, 'steps');
  if (steps === null) return undefined;
  axes = axes ?? range(starts.length);
  steps = steps ?? new Array(starts.length).fill(1);
  const ax: number[] = [];
  for (const a of axes) {
    const n = normAxis(a, rank);
    if (n === undefined) return undefined;
    ax.push(n);
  }
  return { starts, ends, axes: ax, steps };
}

function reduce(init: number, f: (acc: number, x: number) => number, finish?: (acc: number, n: number) => number): Evaluator {
  return (c, v) => {
    const x = v[0];
    if (!x || x.dtype === 'string') return undefined;
    const rank = x.dims.length;
    let axes: number[] | undefined;
    if (c.node.inputs.length > 1 && c.node.inputs[1] !== '') {
      if (!v[1]) return undefined;
      axes = Array.from(nums(v[1]));
    } else axes = attrInts(c.node, 'axes');
    if (!axes || axes.length === 0) {
      if (attrInt(c.node, 'noop_with_empty_axes', 0) === 1) return [x];
      axes = range(rank);
    }
    const set = new Set(axes.map((a) => (a < 0 ? a + rank : a)));
    const keep = attrInt(c.node, 'keepdims', 1) === 1;
    const outFull = x.dims.map((d, i) => (set.has(i) ? 1 : d));
    const n = tensorElementCount(outFull);
    const acc = new Array(n).fill(init);
    const cnt = new Array(n).fill(0);
    const st = strides(outFull);
    const total = tensorElementCount(x.dims);
    const counter = new Array(rank).fill(0);
    const src = nums(x);
    for (let k = 0; k < total; k++) {
      let o = 0;
      for (let a = 0; a < rank; a++) if (!set.has(a)) o += counter[a] * st[a];
      acc[o] = f(acc[o], src[k]);
      cnt[o]++;
      for (let a = rank - 1; a >= 0; a--) {
        if (++counter[a] < x.dims[a]) break;
        counter[a] = 0;
      }
    }
    const data = acc.map((a, i) => castNum(x.dtype, finish ? finish(a, cnt[i]) : a));
    const dims = keep ? outFull : x.dims.filter((_, i) => !set.has(i));
    return [mk(x.dtype, dims, data)];
  };
}

export const EVALUATORS: Record<string, Evaluator> = {
  Identity: (_c, v) => (v[0] ? [v[0]] : undefined),
  Add: binary((a, b) => a + b),
  Sub: binary((a, b) => a - b),
  Mul: binary((a, b) => a * b),
  Div: binary((a, b, dt) => intDiv(a, b, dt)),
  Mod: binary(mod),
  Pow: (c, v) => {
    if (!v[0] || !v[1]) return undefined;
    const r = elementwise([v[0], v[1]], v[0].dtype, (a, b) => a ** b, c.maxFold);
    return r && [r];
  },
  BitShift: binary((a, b, _dt, c) => (attrString(c.node, 'direction', '') === 'LEFT' ? a * 2 ** b : Math.floor(a / 2 ** b))),
  Equal: (c, v) => {
    if (v[0]?.dtype === 'string' && v[1]) {
      const a = v[0].data as string[], b = v[1].data as string[];
      const dims = broadcastNum([v[0].dims, v[1].dims]);
      if (!dims) return undefined;
      const ia = bcastIndex(v[0].dims, dims), ib = bcastIndex(v[1].dims, dims);
      return [mk('bool', dims, Array.from(ia, (x, k) => (a[x] === b[ib[k]] ? 1 : 0)))];
    }
    return cmp((a, b) => a === b)(c, v);
  },
  Less: cmp((a, b) => a < b),
  LessOrEqual: cmp((a, b) => a <= b),
  Greater: cmp((a, b) => a > b),
  GreaterOrEqual: cmp((a, b) => a >= b),
  And: cmp((a, b) => !!a && !!b),
  Or: cmp((a, b) => !!a || !!b),
  Xor: cmp((a, b) => !!a !== !!b),
  Not: unary((a) => (a ? 0 : 1)),
  Neg: unary((a) => -a),
  Abs: unary(Math.abs),
  Floor: unary(Math.floor),
  Ceil: unary(Math.ceil),
  Round: unary((a) => {
    const r = Math.round(a);
    return Math.abs(a % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
  }),
  Sqrt: unary(Math.sqrt),
  Reciprocal: unary((a) => 1 / a),
  Exp: unary(Math.exp),
  Log: unary(Math.log),
  Relu: unary((a) => Math.max(a, 0)),
  Sign: unary(Math.sign),
  Sin: unary(Math.sin),
  Cos: unary(Math.cos),
  Tanh: unary(Math.tanh),
  Sigmoid: unary((a) => 1 / (1 + Math.exp(-a))),
  IsNaN: unary((a) => (Number.isNaN(a) ? 1 : 0), 'bool'),
  IsInf: unary((a, c) => {
    if (a === Infinity) return attrInt(c.node, 'detect_positive', 1);
    if (a === -Infinity) return attrInt(c.node, 'detect_negative', 1);
    return 0;
  }, 'bool'),
  Min: variadic(Math.min),
  Max: variadic(Math.max),
  Sum: variadic((a, b) => a + b),
  Mean: variadic((a, b) => a + b, (x, n) => x / n),
  Where: (c, v) => {
    if (!v[0] || !v[1] || !v[2] || v[1].dtype === 'string') return undefined;
    const r = elementwise([v[0], v[1], v[2]], v[1].dtype, (cond, a, b) => (cond ? a : b), c.maxFold);
    return r && [r];
  },
  Clip: (c, v) => {
    if (!v[0] || v[0].dtype === 'string') return undefined;
    const lo = c.node.inputs.length > 1 ? (v[1] ? nums(v[1])[0] : -Infinity) : attrFloat(c.node, 'min', -Infinity);
    const hi = c.node.inputs.length > 2 ? (v[2] ? nums(v[2])[0] : Infinity) : attrFloat(c.node, 'max', Infinity);
    if ((c.node.inputs[1] && !v[1]) || (c.node.inputs[2] && !v[2])) return undefined;
    return unary((a) => Math.min(Math.max(a, lo), hi))(c, v);
  },
  Cast: (c, v) => {
    const x = v[0];
    const to = castTarget(c);
    if (!x || !to) return undefined;
    return [castKnown(x, to)];
  },
  CastLike: (_c, v) => (v[0] && v[1] ? [castKnown(v[0], v[1].dtype)] : undefined),
  Reshape: (c, v) => {
    const x = v[0];
    if (!x) return undefined;
    const shape = c.node.inputs.length > 1 ? (v[1] ? Array.from(nums(v[1])) : undefined) : attrInts(c.node, 'shape');
    if (!shape) return undefined;
    const dims = reshapeDims(x.dims, shape, attrInt(c.node, 'allowzero', 0) === 1);
    return dims && [mk(x.dtype, dims, x.data)];
  },
  Flatten: (c, v) => {
    const x = v[0];
    if (!x) return undefined;
    let axis = attrInt(c.node, 'axis', 1);
    if (axis < 0) axis += x.dims.length;
    const a = tensorElementCount(x.dims.slice(0, axis));
    return [mk(x.dtype, [a, tensorElementCount(x.dims.slice(axis))], x.data)];
  },
  Squeeze: (c, v) => {
    const x = v[0];
    if (!x) return undefined;
    const axesIn = c.node.inputs.length > 1 && c.node.inputs[1] !== '' ? (v[1] ? Array.from(nums(v[1])) : undefined) : attrInts(c.node, 'axes');
    if (c.node.inputs.length > 1 && c.node.inputs[1] !== '' && !axesIn) return undefined;
    const r = x.dims.length;
    const set = new Set((axesIn ?? []).map((a) => (a < 0 ? a + r : a)));
    const dims = x.dims.filter((d, i) => (axesIn ? !set.has(i) : d !== 1));
    return [mk(x.dtype, dims, x.data)];
  },
  Unsqueeze: (c, v) => {
    const x = v[0];
    if (!x) return undefined;
    const axes = c.node.inputs.length > 1 ? (v[1] ? Array.from(nums(v[1])) : undefined) : attrInts(c.node, 'axes');
    if (!axes) return undefined;
    const dims = unsqueezeDims(x.dims, axes);
    return dims && [mk(x.dtype, dims as number[], x.data)];
  },
  Concat: (c, v) => {
    const vals = v.filter((x): x is V => !!x);
    if (vals.length !== c.node.inputs.filter((n) => n !== '').length || vals.length === 0) return undefined;
    const rank = vals[0].dims.length;
    const axis = normAxis(attrInt(c.node, 'axis', 0), rank);
    if (axis === undefined) return undefined;
    const outer = tensorElementCount(vals[0].dims.slice(0, axis));
    const dims = vals[0].dims.slice();
    dims[axis] = vals.reduce((s, x) => s + x.dims[axis], 0);
    if (tensorElementCount(dims) > c.maxFold) return undefined;
    const data: (number | string)[] = [];
    for (let o = 0; o < outer; o++) {
      for (const x of vals) {
        const inner = tensorElementCount(x.dims.slice(axis));
        const src = x.data as ArrayLike<number | string>;
        for (let k = 0; k < inner; k++) data.push(src[o * inner + k]);
      }
    }
    return [mk(vals[0].dtype, dims, data as number[])];
  },
  Gather: (c, v) => {
    const x = v[0], ind = v[1];
    if (!x || !ind) return undefined;
    const r = x.dims.length;
    const axis = normAxis(attrInt(c.node, 'axis', 0), r);
    if (axis === undefined) return undefined;
    const idx = Array.from(nums(ind), (i) => (i < 0 ? i + x.dims[axis] : i));
    if (idx.some((i) => i < 0 || i >= x.dims[axis])) return undefined;
    const picks = x.dims.map((d, i) => (i === axis ? idx : range(d)));
    const g = pick(x, picks);
    const dims = [...x.dims.slice(0, axis), ...ind.dims, ...x.dims.slice(axis + 1)];
    return [mk(x.dtype, dims, g.data)];
  },
  Slice: (c, v) => {
    const x = v[0];
    if (!x) return undefined;
    const p = sliceParams(c, v, x.dims.length);
    if (!p) return undefined;
    const picks = x.dims.map((d) => range(d));
    p.axes.forEach((a, i) => { picks[a] = sliceIndices(x.dims[a], p.starts[i], p.ends[i], p.steps[i]); });
    return [pick(x, picks)];
  },
  Transpose: (c, v) => {
    const x = v[0];
    if (!x) return undefined;
    const r = x.dims.length;
    const perm = attrInts(c.node, 'perm') ?? range(r).reverse();
    const st = strides(x.dims);
    const dims = perm.map((p) => x.dims[p]);
    const n = tensorElementCount(dims);
    const src = x.data as ArrayLike<number | string>;
    const data: (number | string)[] = new Array(n);
    const counter = new Array(r).fill(0);
    for (let k = 0; k < n; k++) {
      let flat = 0;
      for (let a = 0; a < r; a++) flat += counter[a] * st[perm[a]];
      data[k] = src[flat];
      for (let a = r - 1; a >= 0; a--) {
        if (++counter[a] < dims[a]) break;
        counter[a] = 0;
      }
    }
    return [mk(x.dtype, dims, data as number[])];
  },
  Expand: (c, v) => {
    const x = v[0], s = v[1];
    if (!x || !s || x.dtype === 'string') return undefined;
    const dims = broadcastNum([x.dims, Array.from(nums(s))]);
    if (!dims || tensorElementCount(dims) > c.maxFold) return undefined;
    const idx = bcastIndex(x.dims, dims);
    const src = nums(x);
    return [mk(x.dtype, dims, Array.from(idx, (i) => src[i]))];
  },
  Tile: (c, v) => {
    const x = v[0], rep = v[1];
    if (!x || !rep) return undefined;
    const reps = Array.from(nums(rep));
    const dims = x.dims.map((d, i) => d * reps[i]);
    if (tensorElementCount(dims) > c.maxFold) return undefined;
    return [pick(x, dims.map((d, a) => range(d).map((i) => i % x.dims[a])))];
  },
  ConstantOfShape: (c, v) => {
    const s = v[0];
    if (!s) return undefined;
    const dims = Array.from(nums(s));
    const n = tensorElementCount(dims);
    if (n > c.maxFold) return undefined;
    const t = c.node.attributes.find((a) => a.name === 'value');
    let dtype: DType = 'float';
    let fill = 0;
    if (t && t.type === 'tensor') {
      dtype = t.value.dtype;
      const cv = constantFill(t.value);
      if (cv === undefined) return undefined;
      fill = cv;
    }
    return [mk(dtype, dims, new Array(n).fill(fill))];
  },
  Range: (c, v) => {
    if (!v[0] || !v[1] || !v[2]) return undefined;
    const [s, l, d] = [nums(v[0])[0], nums(v[1])[0], nums(v[2])[0]];
    const n = Math.max(Math.ceil((l - s) / d), 0);
    if (!Number.isFinite(n) || n > c.maxFold) return undefined;
    const data = new Array(n);
    for (let i = 0; i < n; i++) data[i] = castNum(v[0].dtype, s + i * d);
    return [mk(v[0].dtype, [n], data)];
  },
  ReduceSum: reduce(0, (a, x) => a + x),
  ReduceProd: reduce(1, (a, x) => a * x),
  ReduceMin: reduce(Infinity, Math.min),
  ReduceMax: reduce(-Infinity, Math.max),
  ReduceMean: reduce(0, (a, x) => a + x, (a, n) => a / n),
  NonZero: (c, v) => {
    const x = v[0];
    if (!x || x.dtype === 'string') return undefined;
    const src = nums(x);
    const st = strides(x.dims);
    const hits: number[] = [];
    for (let k = 0; k < src.length; k++) if (src[k]) hits.push(k);
    const r = x.dims.length;
    const data = new Array(r * hits.length);
    for (let a = 0; a < r; a++) for (let j = 0; j < hits.length; j++) data[a * hits.length + j] = Math.floor(hits[j] / st[a]) % x.dims[a];
    return [mk('int64', [r, hits.length], data)];
  },
};

export function castTarget(c: OpCtx): DType | undefined {
  const to = attrInt(c.node, 'to');
  if (to !== undefined) return DTYPE_NAMES[to];
  const s = attrString(c.node, 'to');
  return s ? (s.toLowerCase() as DType) : undefined;
}

export function castKnown(x: V, to: DType): V {
  if (to === 'string') {
    if (x.dtype === 'string') return x;
    return mk('string', x.dims, Array.from(nums(x), (n) => (x.dtype === 'bool' ? (n ? 'true' : 'false') : String(n))));
  }
  if (x.dtype === 'string') return mk(to, x.dims, (x.data as string[]).map((s) => castNum(to, Number(s))));
  const src = nums(x);
  const out = new Array(src.length);
  for (let i = 0; i < src.length; i++) out[i] = castNum(to, src[i]);
  return mk(to, x.dims, out);
}

function constantFill(t: Tensor): number | undefined {
  const r = tensorToArray(t);
  if (!r.ok || Array.isArray(r.value)) return undefined;
  return r.value.length ? Number(r.value[0]) : 0;
}

/** Reshape's target dims: 0 copies the input dim (unless allowzero), -1 takes what is left. */
export function reshapeDims(inDims: number[], shape: number[], allowZero: boolean): number[] | undefined {
  const total = tensorElementCount(inDims);
  let neg = -1;
  const dims = shape.map((d, i) => {
    if (d === 0 && !allowZero) return inDims[i];
    if (d === -1) { neg = i; return 1; }
    return d;
  });
  if (dims.some((d) => d === undefined)) return undefined;
  if (neg >= 0) {
    const rest = tensorElementCount(dims);
    if (rest === 0 || total % rest !== 0) return undefined;
    dims[neg] = total / rest;
  }
  return tensorElementCount(dims) === total ? dims : undefined;
}

export function unsqueezeDims<T>(dims: T[], axes: number[]): (T | 1)[] | undefined {
  const r = dims.length + axes.length;
  const set = new Set(axes.map((a) => (a < 0 ? a + r : a)));
  if ([...set].some((a) => a < 0 || a >= r) || set.size !== axes.length) return undefined;
  const out: (T | 1)[] = [];
  let j = 0;
  for (let i = 0; i < r; i++) out.push(set.has(i) ? 1 : dims[j++]);
  return out;
}
