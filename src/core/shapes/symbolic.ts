// Shape tensors known only in part (e.g. Shape of [N,3,4] = [N,3,4]): propagated so exporter shape arithmetic keeps symbols.

import { attrInt, type Dim, type Shape } from '../onnx/ir';
import { isNum, normAxis } from './dims';
import { sliceIndices, sliceParams } from './fold';
import type { OpCtx, OutFacts } from './context';

/** Elements of a small integer tensor: its value when known, else its symbolic elements, else undefined. */
export function dimsValueOf(c: OpCtx, i: number): Dim[] | undefined {
  const f = c.in[i];
  if (!f) return undefined;
  if (f.value && f.value.dtype !== 'string') return Array.from(f.value.data as ArrayLike<number>);
  return f.symbolic;
}

function binary(a: Dim, b: Dim, op: string): Dim {
  if (isNum(a) && isNum(b)) {
    switch (op) {
      case 'Add': return a + b;
      case 'Sub': return a - b;
      case 'Mul': return a * b;
      case 'Div': return b === 0 ? null : Math.trunc(a / b);
    }
  }
  if (op === 'Mul' && (a === 1 || b === 1)) return a === 1 ? b : a;
  if ((op === 'Add' || op === 'Sub') && b === 0) return a;
  if (op === 'Add' && a === 0) return b;
  if (op === 'Div' && b === 1) return a;
  return null;
}

/** Symbolic elements of each output, for the ops that move shape values around. */
function evaluate(c: OpCtx): Dim[] | undefined {
  const op = c.node.opType;
  switch (op) {
    case 'Identity': case 'Cast': case 'Squeeze': case 'Unsqueeze': case 'Reshape': case 'Flatten':
      return c.in[0]?.symbolic;
    case 'Concat': {
      if (attrInt(c.node, 'axis', 0) !== 0 && attrInt(c.node, 'axis', 0) !== -1) return undefined;
      const out: Dim[] = [];
      for (let i = 0; i < c.node.inputs.length; i++) {
        const d = dimsValueOf(c, i);
        if (!d) return undefined;
        out.push(...d);
      }
      return out;
    }
    case 'Gather': {
      const data = c.in[0]?.symbolic;
      const idx = c.in[1]?.value;
      if (!data || !idx || c.in[0]?.shape?.length !== 1) return undefined;
      const picked: Dim[] = [];
      for (const i of Array.from(idx.data as ArrayLike<number>)) {
        const k = normAxis(i, data.length);
        if (k === undefined) return undefined;
        picked.push(data[k]);
      }
      return picked;
    }
    case 'Slice': {
      const data = c.in[0]?.symbolic;
      if (!data || c.in[0]?.shape?.length !== 1) return undefined;
      const p = sliceParams(c, undefined, 1);
      if (!p) return undefined;
      return p.axes.length ? sliceIndices(data.length, p.starts[0], p.ends[0], p.steps[0]).map((i) => data[i]) : data;
    }
    case 'Add': case 'Sub': case 'Mul': case 'Div': {
      const a = dimsValueOf(c, 0), b = dimsValueOf(c, 1);
      if (!a || !b || (a.length !== b.length && a.length !== 1 && b.length !== 1)) return undefined;
      const n = Math.max(a.length, b.length);
      const out: Dim[] = [];
      for (let i = 0; i < n; i++) out.push(binary(a[a.length === 1 ? 0 : i], b[b.length === 1 ? 0 : i], op));
      return out;
    }
  }
  return undefined;
}

/** Adds `symbolic` to the first output when the op forwards shape values and the result is not fully known. */
export function propagateSymbolic(c: OpCtx, outs: OutFacts[]): void {
  const o = outs[0];
  if (!o || o.value || (o.dtype !== 'int64' && o.dtype !== 'int32')) return;
  if (!c.in.some((f) => f?.symbolic)) return;
  const s = evaluate(c);
  if (!s || s.length > c.maxFold) return;
  const shape = o.shape;
  if (shape) {
    if (shape.length > 1) return;
    if (shape.length === 0 && s.length !== 1) return;
    if (shape.length === 1 && isNum(shape[0]) && shape[0] !== s.length) return;
  }
  const dims = shape && shape.length === 0 ? [] : [s.length];
  if (s.every(isNum)) {
    outs[0] = { ...o, shape: dims, value: { dtype: o.dtype, dims, data: s as number[] } };
    return;
  }
  outs[0] = { ...o, shape: dims, symbolic: s };
}

/** Resolves a -1 in a reshape target by cancelling equal factors (numbers and symbols) against the input shape. */
export function resolveMinusOne(input: Shape, target: Dim[], neg: number): Dim {
  let numIn = 1;
  const symIn: string[] = [];
  for (const d of input) {
    if (isNum(d)) numIn *= d;
    else if (d === null) return null;
    else symIn.push(d);
  }
  let numOut = 1;
  for (let i = 0; i < target.length; i++) {
    if (i === neg) continue;
    const d = target[i];
    if (isNum(d)) numOut *= d;
    else if (d === null) return null;
    else {
      const k = symIn.indexOf(d);
      if (k < 0) return null;
      symIn.splice(k, 1);
    }
  }
  if (symIn.length === 0) return numOut > 0 && numIn % numOut === 0 ? numIn / numOut : null;
  if (symIn.length === 1 && numIn === numOut) return symIn[0];
  return null;
}

