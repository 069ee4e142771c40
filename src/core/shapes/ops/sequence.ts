// Shape rules for sequence and optional values: element facts are tracked one by one while the length is known.

import type { DType } from '../../onnx/dtype';
import { attrInt, type Shape } from '../../onnx/ir';
import { addDims, mergeShapes, normAxis } from '../dims';
import { mk } from '../fold';
import { dtypeAttr } from './elementwise';
import { copyFacts, out, scalarOf, type OpCtx, type OutFacts, type Rule } from '../context';
import type { ValueFacts } from '../types';

/** A sequence's facts from its element facts (shape = what all elements share). */
export function sequenceOf(dtype: DType, elements: ValueFacts[] | undefined, shape?: Shape): OutFacts {
  // A sequence made by an operator always exists (only Optional without input is empty).
  const f: OutFacts = { dtype, container: 'sequence', present: true };
  if (elements) {
    f.elements = elements;
    let m: Shape | undefined = elements[0]?.shape;
    for (const e of elements) m = mergeShapes(m, e.shape);
    if (m) f.shape = m;
    if (elements.length && dtype === 'undefined') f.dtype = elements[0].dtype;
  } else if (shape) f.shape = shape;
  return f;
}

function elem(f: OutFacts): ValueFacts {
  const e: ValueFacts = { name: '', dtype: f.dtype };
  if (f.shape) e.shape = f.shape;
  if (f.value) e.value = f.value;
  return e;
}

/** Facts of one element of a sequence, when the position is known, else of "some element". */
export function elementFacts(seq: ValueFacts | undefined, pos: number | undefined): OutFacts {
  if (!seq) return { dtype: 'undefined' };
  if (seq.elements && pos !== undefined) {
    const i = pos < 0 ? pos + seq.elements.length : pos;
    const e = seq.elements[i];
    if (e) return { dtype: e.dtype, ...(e.shape ? { shape: e.shape } : {}), ...(e.value ? { value: e.value } : {}) };
  }
  return out(seq.dtype, seq.shape);
}

function insertRule(c: OpCtx): OutFacts[] {
  const seq = c.in[0];
  const t = c.in[1];
  const dt = seq?.dtype !== 'undefined' && seq ? seq.dtype : t?.dtype ?? 'undefined';
  if (!seq?.elements || !t) return [sequenceOf(dt, undefined, mergeShapes(seq?.shape, t?.shape))];
  const n = seq.elements.length;
  const p = c.node.inputs[2] ? scalarOf(c, 2) : n;
  if (p === undefined) return [sequenceOf(dt, undefined, mergeShapes(seq.shape, t.shape))];
  const els = seq.elements.slice();
  els.splice(p < 0 ? p + n : p, 0, elem(t));
  return [sequenceOf(dt, els)];
}

function eraseRule(c: OpCtx): OutFacts[] {
  const seq = c.in[0];
  if (!seq?.elements) return [sequenceOf(seq?.dtype ?? 'undefined', undefined, seq?.shape)];
  const n = seq.elements.length;
  const p = c.node.inputs[1] ? scalarOf(c, 1) : n - 1;
  if (p === undefined) return [sequenceOf(seq.dtype, undefined, seq.shape)];
  const els = seq.elements.slice();
  els.splice(p < 0 ? p + n : p, 1);
  return [sequenceOf(seq.dtype, els)];
}

function concatFromSequenceRule(c: OpCtx): OutFacts[] {
  const seq = c.in[0];
  const dt = seq?.dtype ?? 'undefined';
  const newAxis = attrInt(c.node, 'new_axis', 0) === 1;
  const axisAttr = attrInt(c.node, 'axis', 0);
  const base = seq?.shape;
  if (!base) return [out(dt)];
  const r = base.length + (newAxis ? 1 : 0);
  const axis = normAxis(axisAttr, r);
  if (axis === undefined) return [out(dt)];
  const dims: Shape = base.slice();
  if (newAxis) dims.splice(axis, 0, seq.elements ? seq.elements.length : null);
  else if (seq.elements) {
    let sum: Shape[number] = 0;
    for (const e of seq.elements) sum = addDims(sum, e.shape?.[axis] ?? null);
    dims[axis] = sum;
  } else dims[axis] = null;
  return [out(dt, dims)];
}

export const sequenceRules: Record<string, Rule> = {
  SequenceEmpty: (c) => [sequenceOf(dtypeAttr(c, 'dtype', 'float'), [])],
  SequenceConstruct: (c) => [sequenceOf(c.in[0]?.dtype ?? 'undefined', c.in.map((f) => elem(f ?? { dtype: 'undefined' })))],
  SequenceInsert: insertRule,
  SequenceErase: eraseRule,
  SequenceAt: (c) => [elementFacts(c.in[0], scalarOf(c, 1))],
  SequenceLength: (c) => {
    const n = c.in[0]?.elements?.length;
    return [out('int64', [], n === undefined ? undefined : mk('int64', [], [n]))];
  },
  ConcatFromSequence: concatFromSequenceRule,
  Optional: (c) => {
    const f = c.in[0];
    if (f) {
      if (f.container === 'sequence') return [Object.assign(copyFacts(f), { present: true })];
      return [{ dtype: f.dtype, shape: f.shape, container: 'optional', present: true }];
    }
    const tp = c.node.attributes.find((a) => a.name === 'type');
    if (tp && tp.type === 'type_proto' && tp.value.kind === 'tensor') return [{ dtype: tp.value.elemType, shape: tp.value.shape, container: 'optional', present: false }];
    if (tp && tp.type === 'type_proto' && tp.value.kind === 'sequence') {
      const e = tp.value.elem;
      return [{ ...sequenceOf(e && e.kind === 'tensor' ? e.elemType : 'undefined', undefined, e && e.kind === 'tensor' ? e.shape : undefined), present: false }];
    }
    return [{ dtype: 'undefined', container: 'optional', present: false }];
  },
  OptionalHasElement: (c) => {
    const p = c.node.inputs[0] ? c.in[0]?.present ?? (c.in[0] && !c.in[0].container ? true : undefined) : false;
    return [out('bool', [], p === undefined ? undefined : mk('bool', [], [p ? 1 : 0]))];
  },
  OptionalGetElement: (c) => {
    const f = c.in[0];
    if (!f) return [out('undefined')];
    if (f.container === 'optional') return [out(f.dtype, f.shape)];
    return [copyFacts(f, ['name', 'present'])];
  },
};

