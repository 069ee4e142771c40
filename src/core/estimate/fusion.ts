// Which nodes a runtime does not execute on their own: nodes folded ahead of time (every input constant, or shape
// queries on static shapes) and BatchNormalization/activation/residual-add nodes fused into the producing
// Conv/Gemm (TFLite, ORT, TensorRT, STM32Cube.AI and the NPU compilers all do this).

import type { Graph, Model } from '../onnx/ir';
import type { ValueFacts } from '../shapes/types';

const PRODUCERS = new Set(['Conv', 'ConvTranspose', 'Gemm', 'MatMul', 'QLinearConv', 'FusedConv']);
const FUSABLE = new Set(['Relu', 'Clip', 'LeakyRelu', 'Sigmoid', 'Tanh', 'HardSigmoid', 'BatchNormalization', 'Add']);
const NONDETERMINISTIC = new Set(['RandomNormal', 'RandomUniform', 'RandomNormalLike', 'RandomUniformLike', 'Multinomial', 'Bernoulli']);

/**
 * Maps node index → reason: `folded (...)` for ahead-of-time work, `fused into NAME` for epilogue fusion.
 * The estimator always drops folded nodes and drops fused ones only on profiles that fuse.
 */
export function findFusedNodes(model: Model, values?: Map<string, ValueFacts>): Map<number, string> {
  const g = model.graph;
  const out = new Map<number, string>();
  // From IR 4 on, an initializer also listed as a graph input is only a default the caller may override: runtimes
  // neither fold it nor fuse BatchNormalization parameters taken from it (old exporters list every weight so).
  const overridable = new Set(model.irVersion >= 4 ? g.inputs.map((i) => i.name) : []);
  const constant = new Set<string>(g.initializers.map((t) => t.name).filter((n) => !overridable.has(n)));
  const consumers = countConsumers(g);
  const producer = new Map<string, number>();
  g.nodes.forEach((n, i) => n.outputs.forEach((o) => producer.set(o, i)));

  for (let i = 0; i < g.nodes.length; i++) {
    const n = g.nodes[i]!;
    const inputs = n.inputs.filter((x) => x !== '');
    const allConstant = inputs.every((x) => constant.has(x));
    const staticShape = (n.opType === 'Shape' || n.opType === 'Size') && inputs.length > 0 && isStatic(values?.get(inputs[0]!));
    if (n.domain === '' && !NONDETERMINISTIC.has(n.opType) && (allConstant || staticShape) && n.attributes.every((a) => a.type !== 'graph')) {
      out.set(i, n.opType === 'Constant' ? 'folded (constant)' : 'folded (constant inputs)');
      for (const o of n.outputs) constant.add(o);
      continue;
    }
    if (n.domain === '' && (n.opType === 'Identity' || n.opType === 'Dropout')) {
      out.set(i, 'folded (no-op at inference)');
      continue;
    }
    if (n.domain !== '' || !FUSABLE.has(n.opType)) continue;
    // The fused node's data input must come from a producer (or a node already fused into one) that feeds nothing else.
    const dataInputs = inputs.filter((x) => !constant.has(x));
    const candidates = n.opType === 'Add' ? dataInputs : dataInputs.slice(0, 1);
    // Add fuses as a residual sum into a conv (two data inputs) or as a bias into a MatMul/conv (one constant input).
    const biasAdd = n.opType === 'Add' && dataInputs.length === 1;
    if (n.opType === 'Add' && dataInputs.length !== 2 && !biasAdd) continue;
    for (const x of candidates) {
      const p = producer.get(x);
      if (p === undefined || consumers.get(x) !== 1) continue;
      const pn = g.nodes[p]!;
      const root = PRODUCERS.has(pn.opType) ? pn : out.has(p) && out.get(p)!.startsWith('fused into') ? pn : undefined;
      if (!root) continue;
      // Runtimes fold BatchNormalization and residual adds into convolutions only (ORT, TFLite, TensorRT).
      const matmulBias = biasAdd && (pn.opType === 'MatMul' || pn.opType === 'Gemm');
      if ((n.opType === 'BatchNormalization' || n.opType === 'Add') && !matmulBias && !isConvChain(g.nodes, p, producer, out)) continue;
      if (n.opType === 'BatchNormalization' && !n.inputs.slice(1).every((x) => constant.has(x))) continue;
      const into = PRODUCERS.has(pn.opType) ? (pn.name || `#${p} ${pn.opType}`) : out.get(p)!.slice('fused into '.length);
      out.set(i, `fused into ${into}`);
      break;
    }
  }
  return out;
}

function isConvChain(nodes: Model['graph']['nodes'], p: number, producer: Map<string, number>, out: Map<number, string>): boolean {
  let i: number | undefined = p;
  while (i !== undefined) {
    const n: Model['graph']['nodes'][number] = nodes[i]!;
    if (n.opType === 'Conv' || n.opType === 'ConvTranspose' || n.opType === 'QLinearConv' || n.opType === 'FusedConv') return true;
    if (!out.get(i)?.startsWith('fused into')) return false;
    i = producer.get(n.inputs[0] ?? '');
  }
  return false;
}

function countConsumers(g: Graph): Map<string, number> {
  const c = new Map<string, number>();
  for (const n of g.nodes) for (const x of n.inputs) if (x) c.set(x, (c.get(x) ?? 0) + 1);
  for (const o of g.outputs) c.set(o.name, (c.get(o.name) ?? 0) + 1);
  return c;
}

function isStatic(f: ValueFacts | undefined): boolean {
  return !!f?.shape && f.shape.every((d) => typeof d === 'number');
}
