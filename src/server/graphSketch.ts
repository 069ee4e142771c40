// Reduces a decoded model to the wiring the graph view draws (names only: no weights cross the process boundary).

import type { Model } from '../core/onnx/ir';
import type { GraphSketch } from '../protocol';

export function sketchGraph(model: Model): GraphSketch {
  const g = model.graph;
  return {
    nodes: g.nodes.map((n) => ({ name: n.name, opType: n.opType, domain: n.domain, inputs: n.inputs, outputs: n.outputs })),
    inputs: g.inputs.map((v) => v.name),
    outputs: g.outputs.map((v) => v.name),
    initializers: g.initializers.map((t) => ({ name: t.name, dtype: t.dtype, dims: t.dims })),
  };
}
