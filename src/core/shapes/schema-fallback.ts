// Output dtypes from the operator schemas for ops without a shape rule (ai.onnx.ml): shapes stay unknown.

import { isDType, type DType } from '../onnx/dtype';
import { operatorSchemas, type OperatorSchema as Schema } from '../onnx/schemas';
import type { OpCtx, OutFacts } from './context';

let byKey: Map<string, Schema[]> | undefined;

function schemaOf(domain: string, op: string, opset: number): Schema | undefined {
  if (!byKey) {
    byKey = new Map();
    for (const s of operatorSchemas()) {
      const key = `${s.domain === 'ai.onnx' ? '' : s.domain}:${s.name}`;
      const list = byKey.get(key) ?? [];
      list.push(s);
      byKey.set(key, list);
    }
  }
  let best: Schema | undefined;
  for (const s of byKey.get(`${domain}:${op}`) ?? []) if (s.sinceVersion <= opset && (!best || s.sinceVersion > best.sinceVersion)) best = s;
  return best;
}

function tensorType(t: string): DType | undefined {
  const m = /^tensor\((.*)\)$/.exec(t);
  return m && isDType(m[1]) ? m[1] : undefined;
}

/** Facts for each output: the dtype of the input sharing its type parameter, or the only type the schema allows. */
export function schemaFallback(c: OpCtx, domain: string): OutFacts[] | undefined {
  const s = schemaOf(domain, c.node.opType, c.opset);
  if (!s) return undefined;
  return c.node.outputs.map((_, i) => {
    const io = s.outputs[Math.min(i, s.outputs.length - 1)];
    if (!io) return { dtype: 'undefined' };
    const fixed = tensorType(io.type);
    if (fixed) return { dtype: fixed };
    const k = s.inputs.findIndex((x) => x.type === io.type);
    const fromInput = k >= 0 ? c.in[k]?.dtype : undefined;
    if (fromInput && fromInput !== 'undefined') return { dtype: fromInput };
    const allowed = s.typeConstraints.find((t) => t.param === io.type)?.allowed ?? [];
    const only = allowed.length === 1 ? tensorType(allowed[0]) : undefined;
    return { dtype: only ?? 'undefined' };
  });
}
