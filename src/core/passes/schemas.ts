// Operator schema look-ups the type-changing passes need: which inputs/outputs of a node may hold a given dtype.

import type { Model, Node } from '../onnx/ir';
import { opsetVersion } from '../onnx/ir';
import { operatorSchemas, type OperatorSchema as Schema, type SchemaIO } from '../onnx/schemas';

let byName: Map<string, Schema[]> | undefined;

function schemasByName(): Map<string, Schema[]> {
  if (byName) return byName;
  byName = new Map();
  for (const s of operatorSchemas()) {
    const key = `${s.domain === 'ai.onnx' ? '' : s.domain}:${s.name}`;
    let list = byName.get(key);
    if (!list) byName.set(key, (list = []));
    list.push(s);
  }
  return byName;
}

/** The schema version a node uses under the model's opset imports. */
export function schemaFor(model: Model, n: Node): Schema | undefined {
  const list = schemasByName().get(`${n.domain}:${n.opType}`);
  const version = opsetVersion(model.opsetImports, n.domain);
  if (!list || version === undefined) return undefined;
  let best: Schema | undefined;
  for (const s of list) if (s.sinceVersion <= version && (!best || s.sinceVersion > best.sinceVersion)) best = s;
  return best;
}

function slot(ios: SchemaIO[], i: number): SchemaIO | undefined {
  if (i < ios.length) return ios[i];
  const last = ios[ios.length - 1];
  return last && last.option === 'variadic' ? last : undefined;
}

/** Element types an input (or output) slot allows, as ONNX names ('float16', 'float', ...). */
export function allowedTypes(s: Schema, which: 'input' | 'output', i: number): { param: string; types: string[] } | undefined {
  const io = slot(which === 'input' ? s.inputs : s.outputs, i);
  if (!io) return undefined;
  const c = s.typeConstraints.find((t) => t.param === io.type);
  const list = c ? c.allowed : [io.type];
  return { param: io.type, types: list.map((t) => t.replace(/^tensor\((.*)\)$/, '$1')) };
}
