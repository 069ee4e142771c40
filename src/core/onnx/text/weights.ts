// Gives elided tensors (parsed from placeholders) their data back from the original model, matching by name and
// sha256 prefix, so that an edited text file can be rebuilt into a full binary model without retyping weights.

import type { Graph, Model, Tensor } from '../ir';
import { err, ok, type Result } from '../../result';
import type { ElidedTensor } from './parser';
import { tensorSha256 } from './tensorBytes';

/** Every tensor held anywhere in a model: initializers, tensor attributes, sparse parts, subgraphs, functions. */
export function allTensors(model: Model): Tensor[] {
  const out: Tensor[] = [];
  const visitGraph = (g: Graph) => {
    out.push(...g.initializers);
    for (const s of g.sparseInitializers) out.push(s.values, s.indices);
    visitNodes(g.nodes);
  };
  const visitNodes = (nodes: Graph['nodes']) => {
    for (const n of nodes) {
      for (const a of n.attributes) {
        if (a.type === 'tensor') out.push(a.value);
        else if (a.type === 'tensors') out.push(...a.value);
        else if (a.type === 'sparse_tensor') out.push(a.value.values, a.value.indices);
        else if (a.type === 'sparse_tensors') for (const s of a.value) out.push(s.values, s.indices);
        else if (a.type === 'graph') visitGraph(a.value);
        else if (a.type === 'graphs') a.value.forEach(visitGraph);
      }
    }
  };
  visitGraph(model.graph);
  for (const f of model.functions) visitNodes(f.nodes);
  return out;
}

const sameShape = (a: Tensor, b: Tensor) => a.dtype === b.dtype && a.dims.length === b.dims.length && a.dims.every((d, i) => d === b.dims[i]);

/**
 * Fills each elided tensor with the data of the original's tensor of the same name, dtype, dims and sha256 prefix
 * (or, for renamed or unnamed tensors, the one tensor with that digest). Fails naming the first tensor it cannot fill.
 */
export function fillElided(elided: ElidedTensor[], original: Model, originalPath = 'the original model'): Result<number> {
  if (elided.length === 0) return ok(0);
  const digests = new Map<Tensor, string>();
  const digestOf = (t: Tensor) => {
    let d = digests.get(t);
    if (d === undefined) {
      d = tensorSha256(t) ?? '';
      digests.set(t, d);
    }
    return d;
  };
  const tensors = allTensors(original).filter((t) => t.data.kind !== 'external');
  const byName = new Map<string, Tensor[]>();
  for (const t of tensors) {
    if (!t.name) continue;
    const list = byName.get(t.name) ?? [];
    list.push(t);
    byName.set(t.name, list);
  }
  for (const e of elided) {
    const fits = (t: Tensor) => sameShape(t, e.tensor) && digestOf(t).startsWith(e.digest);
    let source = (byName.get(e.tensor.name) ?? []).find(fits);
    if (!source) source = tensors.find(fits);
    if (!source) {
      const label = e.tensor.name ? `tensor '${e.tensor.name}'` : 'an unnamed tensor';
      const named = byName.get(e.tensor.name)?.[0];
      const why = named
        ? sameShape(named, e.tensor)
          ? `its weights differ (sha256 ${digestOf(named).slice(0, e.digest.length)} there, ${e.digest} in the text)`
          : `it is ${named.dtype}[${named.dims.join(',')}] there`
        : `no tensor there has sha256 prefix ${e.digest}`;
      return err('invalid-argument', `${e.line}:${e.column}: ${label} cannot take its weights from ${originalPath}: ${why}`);
    }
    e.tensor.data = source.data;
  }
  return ok(elided.length);
}
