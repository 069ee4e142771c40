// Shape rules for control flow (If, Loop, Scan, SequenceMap): subgraphs are inferred with outer-scope values visible.

import { attrGraph, attrInt, attrInts, type Shape } from '../../onnx/ir';
import { mergeShapes } from '../dims';
import { mk } from '../fold';
import { sequenceOf, elementFacts } from './sequence';
import { copyFacts, out, scalarOf, type OpCtx, type OutFacts, type Rule } from '../context';
import type { ValueFacts } from '../types';

/** Facts that hold whichever of two paths ran. */
export function mergeFacts(a: OutFacts | undefined, b: OutFacts | undefined): OutFacts {
  if (!a) return b ?? { dtype: 'undefined' };
  if (!b) return a;
  const f: OutFacts = { dtype: a.dtype !== 'undefined' ? a.dtype : b.dtype };
  const s = mergeShapes(a.shape, b.shape);
  if (s) f.shape = s;
  if (a.container || b.container) f.container = a.container ?? b.container;
  if (a.present !== undefined && a.present === b.present) f.present = a.present;
  if (a.elements && b.elements && a.elements.length === b.elements.length) {
    f.elements = a.elements.map((e, i) => ({ name: '', ...mergeFacts(e, b.elements![i]) }));
  }
  return f;
}

function stripValue(f: OutFacts | undefined): OutFacts | undefined {
  if (!f) return undefined;
  const g: OutFacts = { dtype: f.dtype };
  if (f.shape) g.shape = f.shape;
  if (f.container) g.container = f.container;
  return g;
}

function ifRule(c: OpCtx): OutFacts[] {
  const thenG = attrGraph(c.node, 'then_branch'), elseG = attrGraph(c.node, 'else_branch');
  if (!thenG || !elseG) return c.node.outputs.map(() => out('undefined'));
  const t = c.subgraph(thenG, []);
  const e = c.subgraph(elseG, []);
  const cond = scalarOf(c, 0);
  if (cond !== undefined) return cond ? t : e;
  return c.node.outputs.map((_, i) => mergeFacts(t[i], e[i]));
}

const MAX_SIMULATED_ITERATIONS = 1000;
/** Body-node visits one simulated Loop may spend before falling back to the static answer. */
const MAX_SIMULATED_NODE_VISITS = 100_000;

/**
 * Loop: when the trip count, condition and carried values are known the body is run iteration by iteration (constant
 * propagation through the loop); otherwise the body is inferred once per shape change and scan outputs get a leading
 * trip-count dim (numeric when the count is known).
 */
function loopRule(c: OpCtx): OutFacts[] {
  const body = attrGraph(c.node, 'body');
  if (!body) return c.node.outputs.map(() => out('undefined'));
  const nCarried = c.node.inputs.length - 2;
  const maxTrips = c.node.inputs[0] ? scalarOf(c, 0) : Infinity;
  const condGiven = !!c.node.inputs[1];
  const cond0 = condGiven ? scalarOf(c, 1) : 1;
  const carried0 = c.in.slice(2) as (OutFacts | undefined)[];
  const nScan = body.outputs.length - 1 - nCarried;

  const simulated = simulate();
  if (simulated) return simulated;

  let carried = carried0.map(stripValue);
  let res: OutFacts[] = [];
  for (let pass = 0; pass < 3; pass++) {
    // The body only runs while the condition holds, so its condition input is always true.
    res = c.subgraph(body, [out('int64', []), out('bool', [], mk('bool', [], [1])), ...carried]);
    const next = carried.map((f, i) => mergeFacts(f, stripValue(res[1 + i])));
    if (next.every((f, i) => sameShape(f.shape, carried[i]?.shape))) break;
    carried = next;
  }
  const condOut = res[0]?.value;
  const alwaysTrue = !condGiven || (condOut !== undefined && condOut.data[0] === 1 && cond0 === 1);
  const trips = maxTrips !== undefined && Number.isFinite(maxTrips) && alwaysTrue ? maxTrips : null;
  const outs: OutFacts[] = carried.map((f, i) => mergeFacts(f, stripValue(res[1 + i])));
  for (let k = 0; k < nScan; k++) {
    const s = res[1 + nCarried + k];
    outs.push(out(s?.dtype ?? 'undefined', s?.shape ? [trips, ...s.shape] : undefined));
  }
  return outs;

  function simulate(): OutFacts[] | undefined {
    if (!body) return undefined;
    if (maxTrips === undefined || cond0 === undefined) return undefined;
    if (!Number.isFinite(maxTrips) && !condGiven) return undefined;
    const cap = Math.min(MAX_SIMULATED_ITERATIONS, Math.floor(MAX_SIMULATED_NODE_VISITS / Math.max(1, body.nodes.length)));
    const limit = Math.min(maxTrips, cap);
    let carried = carried0.slice();
    let cond = cond0;
    const scans: OutFacts[][] = Array.from({ length: nScan }, () => []);
    let i = 0;
    for (; i < limit && cond; i++) {
      const res = c.subgraph(body, [out('int64', [], mk('int64', [], [i])), out('bool', [], mk('bool', [], [cond ? 1 : 0])), ...carried]);
      const cv = res[0]?.value;
      if (condGiven) {
        if (!cv) return undefined;
        cond = Number(cv.data[0]);
      }
      carried = res.slice(1, 1 + nCarried);
      for (let k = 0; k < nScan; k++) scans[k].push(res[1 + nCarried + k]);
    }
    if (i >= cap && cond) return undefined;
    // With zero iterations the carried facts are the node's own inputs: copy, never hand them out.
    const outs: OutFacts[] = carried.map((f) => (f ? copyFacts(f) : out('undefined')));
    for (let k = 0; k < nScan; k++) {
      const items = scans[k];
      let s: Shape | undefined = items[0]?.shape;
      for (const it of items) s = mergeShapes(s, it?.shape);
      const dt = items[0]?.dtype ?? 'undefined';
      outs.push(out(dt, items.length === 0 ? undefined : s ? [items.length, ...s] : undefined));
    }
    return outs;
  }
}

function sameShape(a: Shape | undefined, b: Shape | undefined): boolean {
  if (!a || !b) return a === b;
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

/** Scan (opset 9+; opset 8 has a leading sequence_lens input and a batch axis). */
function scanRule(c: OpCtx): OutFacts[] {
  const body = attrGraph(c.node, 'body');
  if (!body) return c.node.outputs.map(() => out('undefined'));
  const v8 = c.opset < 9;
  const offset = v8 ? 1 : 0;
  const nScanIn = attrInt(c.node, 'num_scan_inputs', 0);
  const nState = c.node.inputs.length - offset - nScanIn;
  const inAxes = attrInts(c.node, 'scan_input_axes') ?? new Array(nScanIn).fill(0);
  const states = c.in.slice(offset, offset + nState);
  let seqLen: Shape[number] = null;
  let batch: Shape[number] = null;
  const slices: (OutFacts | undefined)[] = [];
  for (let j = 0; j < nScanIn; j++) {
    const f = c.in[offset + nState + j];
    const s = f?.shape;
    if (!s) { slices.push(f && out(f.dtype)); continue; }
    if (v8) {
      batch = s[0];
      seqLen = s[1];
      slices.push(out(f.dtype, s.slice(2)));
    } else {
      const ax = inAxes[j] < 0 ? inAxes[j] + s.length : inAxes[j];
      if (j === 0) seqLen = s[ax];
      slices.push(out(f.dtype, s.filter((_, i) => i !== ax)));
    }
  }
  const stateIn = states.map((f) => {
    const g = stripValue(f);
    if (v8 && g?.shape) return out(g.dtype, g.shape.slice(1));
    return g;
  });
  const res = c.subgraph(body, [...stateIn, ...slices]);
  const outAxes = attrInts(c.node, 'scan_output_axes');
  return c.node.outputs.map((_, k) => {
    const f = res[k];
    if (!f) return out('undefined');
    if (k < nState) return v8 && f.shape ? out(f.dtype, [batch, ...f.shape]) : out(f.dtype, f.shape);
    if (!f.shape) return out(f.dtype);
    if (v8) return out(f.dtype, [batch, seqLen, ...f.shape]);
    const r = f.shape.length + 1;
    let ax = outAxes?.[k - nState] ?? 0;
    if (ax < 0) ax += r;
    const dims = f.shape.slice();
    dims.splice(ax, 0, seqLen);
    return out(f.dtype, dims);
  });
}

/** SequenceMap: the body runs per element when the sequence length is known (elements may differ in shape). */
function sequenceMapRule(c: OpCtx): OutFacts[] {
  const body = attrGraph(c.node, 'body');
  if (!body) return c.node.outputs.map(() => out('undefined'));
  const first = c.in[0];
  const n = first?.elements?.length;
  const argsFor = (i: number | undefined) => c.in.map((f) => (f?.container === 'sequence' ? elementFacts(f, i) : f));
  if (n === undefined) {
    const res = c.subgraph(body, argsFor(undefined));
    return c.node.outputs.map((_, k) => sequenceOf(res[k]?.dtype ?? 'undefined', undefined, res[k]?.shape));
  }
  const per: OutFacts[][] = [];
  for (let i = 0; i < n; i++) per.push(c.subgraph(body, argsFor(i)));
  if (n === 0) c.subgraph(body, argsFor(undefined));
  return c.node.outputs.map((_, k) => {
    const els: ValueFacts[] = per.map((r) => ({ name: '', dtype: r[k]?.dtype ?? 'undefined', ...(r[k]?.shape ? { shape: r[k].shape } : {}) }));
    return sequenceOf(els[0]?.dtype ?? 'undefined', els);
  });
}

export const controlRules: Record<string, Rule> = {
  If: ifRule,
  Loop: loopRule,
  Scan: scanRule,
  SequenceMap: sequenceMapRule,
};

