// Shape rules for data-movement operators (Reshape, Slice, Gather, Concat, Pad, Resize, ...) and shape arithmetic.

import { dtypeFromCode, type DType } from '../../onnx/dtype';
import { attrFloats, attrInt, attrInts, attrString, attrTensor, tensorElementCount, type Dim, type Shape } from '../../onnx/ir';
import { addDims, allNumeric, broadcastShapes, dimProduct, isNum, mulDims, normAxis } from '../dims';
import { mk, reshapeDims, sliceLength, sliceParams, unsqueezeDims } from '../fold';
import { tensorFacts } from '../values';
import { resolveMinusOne } from '../symbolic';
import {
  copyFacts, dtypeOf, has, like, numsOf, out, rankOf, scalarOf, shapeOf, valueOf, UNKNOWN, type OpCtx, type OutFacts, type Rule,
} from '../context';

/** Ranks beyond this come only from hostile or corrupt dims (a declared [2^31] axes input): the rank stays unknown. */
const MAX_RANK = 64;
const unknownDims = (n: number): Shape | undefined => (n >= 0 && n <= MAX_RANK ? new Array(n).fill(null) : undefined);

/** Ints from input i when the op has it (newer opsets), else from attribute `attr` (older opsets). */
function intsInputOrAttr(c: OpCtx, i: number, attr: string): number[] | undefined | null {
  if (has(c, i)) return numsOf(c, i) ?? null; // null: the input exists but its value is unknown
  return attrInts(c.node, attr);
}

function constantRule(c: OpCtx): OutFacts[] {
  const n = c.node;
  const a = n.attributes[0];
  if (!a) return [UNKNOWN];
  const t = attrTensor(n, 'value');
  if (t) return [copyFacts(tensorFacts('', t, c.maxFold))];
  switch (a.name) {
    case 'value_float': return [out('float', [], mk('float', [], [Math.fround(a.value as number)]))];
    case 'value_floats': { const v = a.value as number[]; return [out('float', [v.length], mk('float', [v.length], v.map(Math.fround)))]; }
    case 'value_int': return [out('int64', [], mk('int64', [], [a.value as number]))];
    case 'value_ints': { const v = a.value as number[]; return [out('int64', [v.length], mk('int64', [v.length], v))]; }
    case 'value_string': return [out('string', [], mk('string', [], [a.value as string]))];
    case 'value_strings': { const v = a.value as string[]; return [out('string', [v.length], mk('string', [v.length], v))]; }
    case 'sparse_value': {
      if (a.type !== 'sparse_tensor') return [UNKNOWN];
      return [out(a.value.values.dtype, a.value.dims.slice())];
    }
  }
  return [UNKNOWN];
}

function shapeRule(c: OpCtx): OutFacts[] {
  const s = shapeOf(c, 0);
  if (!s) return [out('int64', [null])];
  const r = s.length;
  const clamp = (x: number) => Math.min(Math.max(x < 0 ? x + r : x, 0), r);
  const start = clamp(attrInt(c.node, 'start', 0));
  const end = clamp(attrInt(c.node, 'end', r));
  const dims = s.slice(start, Math.max(start, end));
  if (allNumeric(dims)) return [out('int64', [dims.length], mk('int64', [dims.length], dims))];
  return [{ ...out('int64', [dims.length]), symbolic: dims }];
}

function sizeRule(c: OpCtx): OutFacts[] {
  const s = shapeOf(c, 0);
  const n = s ? dimProduct(s) : null;
  return [out('int64', [], isNum(n) ? mk('int64', [], [n]) : undefined)];
}

function reshapeRule(c: OpCtx): OutFacts[] {
  const dt = dtypeOf(c, 0);
  const target = intsInputOrAttr(c, 1, 'shape');
  const s = shapeOf(c, 0);
  const sym = has(c, 1) ? c.in[1]?.symbolic : undefined;
  if (!target && sym) {
    const allowZero = attrInt(c.node, 'allowzero', 0) === 1;
    const dims: Shape = sym.map((d, i) => (d === 0 && !allowZero ? (s ? s[i] ?? null : null) : d === -1 ? null : d));
    const neg = sym.indexOf(-1);
    if (neg >= 0 && s) dims[neg] = resolveMinusOne(s, dims, neg);
    return [out(dt, dims)];
  }
  if (!target) {
    const r = shapeOf(c, 1)?.[0];
    return [out(dt, isNum(r) ? unknownDims(r) : undefined)];
  }
  const allowZero = attrInt(c.node, 'allowzero', 0) === 1;
  if (allNumeric(s)) {
    const dims = reshapeDims(s, target, allowZero);
    if (dims) return [out(dt, dims)];
  }
  // Partly known input: copy 0-dims, resolve -1 when the rest of the product is known.
  const dims: Shape = target.map((d, i) => (d === 0 && !allowZero ? (s ? s[i] ?? null : null) : d === -1 ? null : d));
  const neg = target.indexOf(-1);
  // Equal factors cancel, so [N,4] -> [-1,4] keeps N.
  if (neg >= 0 && s) dims[neg] = resolveMinusOne(s, dims, neg);
  return [out(dt, dims)];
}

function flattenRule(c: OpCtx): OutFacts[] {
  const s = shapeOf(c, 0);
  if (!s) return [out(dtypeOf(c, 0), [null, null])];
  let axis = attrInt(c.node, 'axis', 1);
  if (axis < 0) axis += s.length;
  return [out(dtypeOf(c, 0), [dimProduct(s.slice(0, axis)), dimProduct(s.slice(axis))])];
}

function transposeRule(c: OpCtx): OutFacts[] {
  const s = shapeOf(c, 0);
  if (!s) return [like(c, 0)];
  const perm = attrInts(c.node, 'perm') ?? s.map((_, i) => s.length - 1 - i);
  return [out(dtypeOf(c, 0), perm.map((p) => s[p] ?? null))];
}

function squeezeRule(c: OpCtx): OutFacts[] {
  const s = shapeOf(c, 0);
  const axes = intsInputOrAttr(c, 1, 'axes');
  if (!s || axes === null) return [out(dtypeOf(c, 0))];
  const r = s.length;
  if (axes && axes.length) {
    const set = new Set(axes.map((a) => (a < 0 ? a + r : a)));
    return [out(dtypeOf(c, 0), s.filter((_, i) => !set.has(i)))];
  }
  if (s.some((d) => !isNum(d))) return [out(dtypeOf(c, 0))];
  return [out(dtypeOf(c, 0), s.filter((d) => d !== 1))];
}

function unsqueezeRule(c: OpCtx): OutFacts[] {
  const s = shapeOf(c, 0);
  const axes = intsInputOrAttr(c, 1, 'axes');
  if (!s || !axes) {
    const n = has(c, 1) ? shapeOf(c, 1)?.[0] : undefined;
    return [out(dtypeOf(c, 0), s && isNum(n) ? unknownDims(s.length + n) : undefined)];
  }
  return [out(dtypeOf(c, 0), unsqueezeDims(s, axes) as Shape | undefined)];
}

function concatRule(c: OpCtx): OutFacts[] {
  const shapes = c.in.map((f) => f?.shape);
  const dt = c.in.find((f) => f && f.dtype !== 'undefined')?.dtype ?? 'undefined';
  const known = shapes.find((s) => s);
  if (!known) return [out(dt)];
  const r = known.length;
  const axis = normAxis(attrInt(c.node, 'axis', 0), r);
  if (axis === undefined) return [out(dt)];
  const dims: Shape = new Array(r).fill(null);
  let sum: Dim = 0;
  for (const s of shapes) {
    if (!s || s.length !== r) { sum = null; continue; }
    sum = addDims(sum, s[axis]);
    for (let i = 0; i < r; i++) if (i !== axis && dims[i] === null) dims[i] = s[i];
  }
  dims[axis] = sum;
  return [out(dt, dims)];
}

function splitRule(c: OpCtx): OutFacts[] {
  const s = shapeOf(c, 0);
  const dt = dtypeOf(c, 0);
  const n = c.node.outputs.length;
  if (!s) return c.node.outputs.map(() => out(dt));
  const axis = normAxis(attrInt(c.node, 'axis', 0), s.length);
  if (axis === undefined) return c.node.outputs.map(() => out(dt));
  let sizes: number[] | undefined | null = intsInputOrAttr(c, 1, 'split');
  const d = s[axis];
  if (!sizes || sizes.length === 0) {
    if (sizes === null) sizes = undefined;
    else if (isNum(d)) {
      const numOut = attrInt(c.node, 'num_outputs', n);
      const chunk = Math.ceil(d / numOut);
      sizes = Array.from({ length: n }, (_, i) => Math.max(0, Math.min(chunk, d - chunk * i)));
    }
  }
  return c.node.outputs.map((_, i) => {
    const dims = s.slice();
    dims[axis] = sizes ? sizes[i] ?? null : null;
    return out(dt, dims);
  });
}

function sliceRule(c: OpCtx): OutFacts[] {
  const s = shapeOf(c, 0);
  const dt = dtypeOf(c, 0);
  if (!s) return [out(dt)];
  const p = sliceParams(c, undefined, s.length);
  if (!p) {
    // Unknown starts/ends: only the untouched axes are known when axes are known.
    const axes = has(c, 3) ? numsOf(c, 3) : c.node.inputs.length <= 1 ? attrInts(c.node, 'axes') : undefined;
    if (!axes) return [out(dt, unknownDims(s.length))];
    const set = new Set(axes.map((a) => (a < 0 ? a + s.length : a)));
    return [out(dt, s.map((d, i) => (set.has(i) ? null : d)))];
  }
  const dims = s.slice();
  p.axes.forEach((a, i) => {
    const d = s[a];
    dims[a] = isNum(d) ? sliceLength(d, p.starts[i], p.ends[i], p.steps[i]) : null;
    // Full-range slices keep symbolic dims.
    if (!isNum(d) && p.starts[i] === 0 && p.steps[i] === 1 && p.ends[i] >= 2 ** 31 - 1) dims[a] = d;
  });
  return [out(dt, dims)];
}

function gatherRule(c: OpCtx): OutFacts[] {
  const s = shapeOf(c, 0), ind = shapeOf(c, 1);
  const dt = dtypeOf(c, 0);
  if (!s || !ind) return [out(dt)];
  const axis = normAxis(attrInt(c.node, 'axis', 0), s.length);
  if (axis === undefined) return [out(dt)];
  return [out(dt, [...s.slice(0, axis), ...ind, ...s.slice(axis + 1)])];
}

function gatherNDRule(c: OpCtx): OutFacts[] {
  const s = shapeOf(c, 0), ind = shapeOf(c, 1);
  const dt = dtypeOf(c, 0);
  const b = attrInt(c.node, 'batch_dims', 0);
  if (!s || !ind) return [out(dt)];
  const last = ind[ind.length - 1];
  if (!isNum(last)) return [out(dt)];
  return [out(dt, [...ind.slice(0, -1), ...s.slice(b + last)])];
}

function expandRule(c: OpCtx): OutFacts[] {
  const target = numsOf(c, 1) ?? c.in[1]?.symbolic;
  const dt = dtypeOf(c, 0);
  if (!target) {
    const n = shapeOf(c, 1)?.[0];
    const s = shapeOf(c, 0);
    if (!isNum(n) || !s) return [out(dt)];
    return [out(dt, unknownDims(Math.max(n, s.length)))];
  }
  return [out(dt, broadcastShapes([shapeOf(c, 0), target]))];
}

function tileRule(c: OpCtx): OutFacts[] {
  const s = shapeOf(c, 0);
  const reps = numsOf(c, 1) ?? (c.node.inputs.length === 3 ? undefined : undefined);
  if (!s) return [like(c, 0)];
  if (!reps) return [out(dtypeOf(c, 0), unknownDims(s.length))];
  return [out(dtypeOf(c, 0), s.map((d, i) => mulDims(d, reps[i] ?? 1)))];
}

function padRule(c: OpCtx): OutFacts[] {
  const s = shapeOf(c, 0);
  const dt = dtypeOf(c, 0);
  if (!s) return [out(dt)];
  const pads = has(c, 1) ? numsOf(c, 1) : attrInts(c.node, 'pads') ?? attrInts(c.node, 'paddings');
  if (!pads) return [out(dt, unknownDims(s.length))];
  const r = s.length;
  let axes = has(c, 3) ? numsOf(c, 3) : undefined;
  if (has(c, 3) && !axes) return [out(dt, unknownDims(r))];
  axes = (axes ?? s.map((_, i) => i)).map((a) => (a < 0 ? a + r : a));
  const k = axes.length;
  const dims = s.slice();
  axes.forEach((a, i) => { dims[a] = addDims(dims[a], (pads[i] ?? 0) + (pads[i + k] ?? 0)); });
  return [out(dt, dims)];
}

function depthToSpaceRule(c: OpCtx, inverse: boolean): OutFacts[] {
  const s = shapeOf(c, 0);
  const b = attrInt(c.node, 'blocksize', 1);
  if (!s || s.length !== 4) return [like(c, 0)];
  const [n, ch, h, w] = s;
  const div = (d: Dim, k: number): Dim => (isNum(d) ? d / k : null);
  return [out(dtypeOf(c, 0), inverse
    ? [n, mulDims(ch, b * b), div(h, b), div(w, b)]
    : [n, div(ch, b * b), mulDims(h, b), mulDims(w, b)])];
}

function compressRule(c: OpCtx): OutFacts[] {
  const s = shapeOf(c, 0);
  const dt = dtypeOf(c, 0);
  const cond = numsOf(c, 1);
  const axisAttr = attrInt(c.node, 'axis');
  if (axisAttr === undefined) {
    if (!cond) return [out(dt, [null])];
    const total = s ? dimProduct(s) : null;
    const lim = isNum(total) ? Math.min(total, cond.length) : cond.length;
    return [out(dt, [cond.slice(0, lim).filter((x) => x).length])];
  }
  if (!s) return [out(dt)];
  const axis = normAxis(axisAttr, s.length);
  if (axis === undefined) return [out(dt)];
  const dims = s.slice();
  const d = s[axis];
  dims[axis] = cond ? cond.slice(0, isNum(d) ? d : cond.length).filter((x) => x).length : null;
  return [out(dt, dims)];
}

function oneHotRule(c: OpCtx): OutFacts[] {
  const s = shapeOf(c, 0);
  const dt = dtypeOf(c, 2);
  const depth = scalarOf(c, 1);
  if (!s) return [out(dt)];
  const r = s.length + 1;
  let axis = attrInt(c.node, 'axis', -1);
  if (axis < 0) axis += r;
  const dims: Shape = s.slice();
  dims.splice(axis, 0, depth === undefined ? null : Math.trunc(depth));
  return [out(dt, dims)];
}

function constantOfShapeRule(c: OpCtx): OutFacts[] {
  const t = attrTensor(c.node, 'value');
  const dt: DType = t ? t.dtype : 'float';
  const dims = numsOf(c, 0) ?? c.in[0]?.symbolic;
  if (dims) return [out(dt, dims)];
  const n = shapeOf(c, 0)?.[0];
  return [out(dt, isNum(n) ? unknownDims(n) : undefined)];
}

function rangeRule(c: OpCtx): OutFacts[] {
  const [s, l, d] = [scalarOf(c, 0), scalarOf(c, 1), scalarOf(c, 2)];
  const dt = dtypeOf(c, 0);
  if (s === undefined || l === undefined || d === undefined) {
    // Range(0, N, 1) with a symbolic N (arange over a dynamic length) has N elements.
    const lim = c.in[1]?.symbolic;
    return [out(dt, [s === 0 && d === 1 && lim && lim.length === 1 ? lim[0] : null])];
  }
  return [out(dt, [Math.max(Math.ceil((l - s) / d), 0)])];
}

function topKRule(c: OpCtx): OutFacts[] {
  const s = shapeOf(c, 0);
  const k = has(c, 1) ? scalarOf(c, 1) : attrInt(c.node, 'k');
  if (!s) return [out(dtypeOf(c, 0)), out('int64')];
  const axis = normAxis(attrInt(c.node, 'axis', -1), s.length);
  const dims = s.slice();
  if (axis !== undefined) dims[axis] = k ?? null;
  return [out(dtypeOf(c, 0), dims), out('int64', dims.slice())];
}

function uniqueRule(c: OpCtx): OutFacts[] {
  const v = valueOf(c, 0);
  const s = shapeOf(c, 0);
  const dt = dtypeOf(c, 0);
  const axisAttr = attrInt(c.node, 'axis');
  let count: Dim = null;
  let axis: number | undefined;
  if (s && axisAttr !== undefined) axis = normAxis(axisAttr, s.length);
  if (v) {
    if (axis === undefined) count = new Set(Array.from(v.data as ArrayLike<number | string>)).size;
    else {
      const dims = v.dims;
      const outer = tensorElementCount(dims.slice(0, axis));
      const inner = tensorElementCount(dims.slice(axis + 1));
      const keys = new Set<string>();
      const src = v.data as ArrayLike<number | string>;
      for (let j = 0; j < dims[axis]; j++) {
        const part: (number | string)[] = [];
        for (let o = 0; o < outer; o++) for (let k = 0; k < inner; k++) part.push(src[(o * dims[axis] + j) * inner + k]);
        keys.add(JSON.stringify(part));
      }
      count = keys.size;
    }
  }
  let y: OutFacts;
  let inv: Dim;
  if (axisAttr === undefined) { y = out(dt, [count]); inv = s ? dimProduct(s) : null; }
  else if (s && axis !== undefined) {
    const dims = s.slice();
    dims[axis] = count;
    y = out(dt, dims);
    inv = s[axis];
  } else { y = out(dt); inv = null; }
  return [y, out('int64', [count]), out('int64', [inv]), out('int64', [count])];
}

/** Output spatial sizes of Resize/Upsample from sizes or scales, honouring axes and keep_aspect_ratio_policy. */
function resizeRule(c: OpCtx): OutFacts[] {
  const s = shapeOf(c, 0);
  const dt = dtypeOf(c, 0);
  if (!s) return [out(dt)];
  const r = s.length;
  let scales: number[] | undefined;
  let sizes: number[] | undefined;
  if (c.node.opType === 'Upsample') scales = has(c, 1) ? numsOf(c, 1) : attrFloats(c.node, 'scales');
  else if (c.opset < 11) scales = numsOf(c, 1);
  else {
    if (has(c, 3)) sizes = numsOf(c, 3);
    if (has(c, 2) && !sizes) {
      scales = numsOf(c, 2);
      if (scales && scales.length === 0) scales = undefined;
    }
    if (!sizes && !scales) {
      // Empty sizes/scales tensors are "not given"; unknown ones leave dims unknown.
      if (has(c, 3) && shapeOf(c, 3)?.[0] !== 0) return [out(dt, unknownDims(r))];
      if (has(c, 2) && shapeOf(c, 2)?.[0] !== 0) return [out(dt, unknownDims(r))];
    }
  }
  if (!sizes && !scales) return [out(dt, unknownDims(r))];
  const axes = (attrInts(c.node, 'axes') ?? s.map((_, i) => i)).map((a) => (a < 0 ? a + r : a));
  const dims = s.slice();
  if (sizes) {
    const policy = attrString(c.node, 'keep_aspect_ratio_policy', 'stretch');
    if (policy !== 'stretch' && axes.every((a) => isNum(s[a]))) {
      const ratios = axes.map((a, i) => sizes![i] / (s[a] as number));
      const scale = policy === 'not_larger' ? Math.min(...ratios) : Math.max(...ratios);
      axes.forEach((a) => { dims[a] = Math.round((s[a] as number) * scale); });
    } else axes.forEach((a, i) => { dims[a] = sizes![i] ?? null; });
  } else {
    axes.forEach((a, i) => { const d = s[a]; dims[a] = isNum(d) ? Math.floor(d * Math.fround(scales![i])) : scales![i] === 1 ? d : null; });
  }
  return [out(dt, dims)];
}

function centerCropPadRule(c: OpCtx): OutFacts[] {
  const s = shapeOf(c, 0);
  const sizes = numsOf(c, 1);
  if (!s) return [like(c, 0)];
  if (!sizes) return [out(dtypeOf(c, 0), unknownDims(s.length))];
  const r = s.length;
  const axes = (attrInts(c.node, 'axes') ?? s.map((_, i) => i)).map((a) => (a < 0 ? a + r : a));
  const dims = s.slice();
  axes.forEach((a, i) => { dims[a] = sizes[i]; });
  return [out(dtypeOf(c, 0), dims)];
}

function matMulDims(a: Shape | undefined, b: Shape | undefined): Shape | undefined {
  if (!a || !b || a.length === 0 || b.length === 0) return undefined;
  const a2 = a.length === 1 ? [1, a[0]] : a;
  const b2 = b.length === 1 ? [b[0], 1] : b;
  const batch = broadcastShapes([a2.slice(0, -2), b2.slice(0, -2)]);
  if (!batch) return undefined;
  const dims: Shape = [...batch];
  if (a.length > 1) dims.push(a2[a2.length - 2]);
  if (b.length > 1) dims.push(b2[b2.length - 1]);
  return dims;
}

function gemmRule(c: OpCtx): OutFacts[] {
  const a = shapeOf(c, 0), b = shapeOf(c, 1);
  const dt = dtypeOf(c, 0);
  const m = a ? (attrInt(c.node, 'transA', 0) ? a[1] : a[0]) ?? null : null;
  const n = b ? (attrInt(c.node, 'transB', 0) ? b[0] : b[1]) ?? null : null;
  return [out(dt, [m, n])];
}

function einsumRule(c: OpCtx): OutFacts[] {
  const eq = attrString(c.node, 'equation', '').replace(/\s/g, '');
  const dt = dtypeOf(c, 0);
  const [lhs, rhs] = eq.split('->');
  const terms = lhs.split(',');
  const labels = new Map<string, Dim>();
  const counts = new Map<string, number>();
  let ellipsis: Shape | undefined = [];
  for (let t = 0; t < terms.length; t++) {
    const s = shapeOf(c, t);
    if (!s) return [out(dt)];
    const term = terms[t];
    const dot = term.indexOf('...');
    const letters = term.replace('...', '');
    const nEll = dot >= 0 ? s.length - letters.length : 0;
    if (dot >= 0) ellipsis = broadcastShapes([ellipsis, s.slice(dot, dot + nEll)]);
    let k = 0;
    for (let i = 0; i < term.length; i++) {
      if (term.startsWith('...', i)) { k += nEll; i += 2; continue; }
      const ch = term[i];
      const d = s[k++];
      const prev = labels.get(ch);
      labels.set(ch, prev === undefined || prev === 1 || prev === null ? d : prev);
      counts.set(ch, (counts.get(ch) ?? 0) + 1);
    }
  }
  const outTerm = rhs ?? '...' + [...counts.keys()].filter((k) => counts.get(k) === 1).sort().join('');
  const dims: Shape = [];
  for (let i = 0; i < outTerm.length; i++) {
    if (outTerm.startsWith('...', i)) { if (!ellipsis) return [out(dt)]; dims.push(...ellipsis); i += 2; continue; }
    dims.push(labels.get(outTerm[i]) ?? null);
  }
  return [out(dt, dims)];
}

function splitToSequenceRule(c: OpCtx): OutFacts[] {
  const s = shapeOf(c, 0);
  const dt = dtypeOf(c, 0);
  if (!s) return [{ dtype: dt, container: 'sequence' }];
  const axis = normAxis(attrInt(c.node, 'axis', 0), s.length) ?? 0;
  const keep = attrInt(c.node, 'keepdims', 1) === 1;
  const d = s[axis];
  const split = has(c, 1) ? numsOf(c, 1) : undefined;
  let sizes: number[] | undefined;
  if (!has(c, 1)) sizes = isNum(d) && d <= 1 << 16 ? new Array(d).fill(1) : undefined;
  else if (split) {
    if (valueOf(c, 1)!.dims.length === 0 && isNum(d)) {
      const k = split[0];
      sizes = Array.from({ length: Math.ceil(d / k) }, (_, i) => Math.min(k, d - i * k));
    } else sizes = split;
  }
  const elem = (n: Dim): OutFacts => {
    const dims = s.slice();
    if (!has(c, 1) && !keep) dims.splice(axis, 1);
    else dims[axis] = n;
    return out(dt, dims);
  };
  if (!sizes) return [{ dtype: dt, container: 'sequence', shape: elem(null).shape }];
  const elements = sizes.map((n) => ({ name: '', ...elem(n) }));
  return [{ dtype: dt, container: 'sequence', shape: mergeAll(elements.map((e) => e.shape)), elements }];
}

function mergeAll(shapes: (Shape | undefined)[]): Shape | undefined {
  if (shapes.length === 0) return undefined;
  let m = shapes[0];
  for (const s of shapes) {
    if (!m || !s || s.length !== m.length) return undefined;
    m = m.map((d, i) => (d === s[i] ? d : null));
  }
  return m;
}

export const tensorRules: Record<string, Rule> = {
  Constant: constantRule,
  Shape: shapeRule,
  Size: sizeRule,
  Reshape: reshapeRule,
  Flatten: flattenRule,
  Transpose: transposeRule,
  Squeeze: squeezeRule,
  Unsqueeze: unsqueezeRule,
  Concat: concatRule,
  Split: splitRule,
  Slice: sliceRule,
  Gather: gatherRule,
  GatherElements: (c) => [out(dtypeOf(c, 0), shapeOf(c, 1)?.slice())],
  GatherND: gatherNDRule,
  Expand: expandRule,
  Tile: tileRule,
  Pad: padRule,
  DepthToSpace: (c) => depthToSpaceRule(c, false),
  SpaceToDepth: (c) => depthToSpaceRule(c, true),
  Compress: compressRule,
  NonZero: (c) => [out('int64', [rankOf(c, 0) ?? null, null])],
  OneHot: oneHotRule,
  ConstantOfShape: constantOfShapeRule,
  Range: rangeRule,
  TopK: topKRule,
  Unique: uniqueRule,
  Resize: resizeRule,
  Upsample: resizeRule,
  CenterCropPad: centerCropPadRule,
  MatMul: (c) => [out(dtypeOf(c, 0), matMulDims(shapeOf(c, 0), shapeOf(c, 1)))],
  MatMulInteger: (c) => [out('int32', matMulDims(shapeOf(c, 0), shapeOf(c, 1)))],
  QLinearMatMul: (c) => [out(dtypeOf(c, 7), matMulDims(shapeOf(c, 0), shapeOf(c, 3)))],
  Gemm: gemmRule,
  Einsum: einsumRule,
  Det: (c) => { const s = shapeOf(c, 0); return [out(dtypeOf(c, 0), s ? s.slice(0, -2) : undefined)]; },
  SplitToSequence: splitToSequenceRule,
  RandomUniform: (c) => [out(dtypeFromCode(attrInt(c.node, 'dtype', 1)) ?? 'float', attrInts(c.node, 'shape'))],
  RandomNormal: (c) => [out(dtypeFromCode(attrInt(c.node, 'dtype', 1)) ?? 'float', attrInts(c.node, 'shape'))],
  Multinomial: (c) => {
    const s = shapeOf(c, 0);
    return [out(dtypeFromCode(attrInt(c.node, 'dtype', 6)) ?? 'int32', [s?.[0] ?? null, attrInt(c.node, 'sample_size', 1)])];
  },
};

export { matMulDims };
