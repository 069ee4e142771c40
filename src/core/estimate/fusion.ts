// Which nodes a runtime does not execute on their own: nodes folded ahead of time (every input constant, or shape
// queries on static shapes) and BatchNormalization/activation/residual-add nodes fused into the producing
// Conv/Gemm (TFLite, ORT, TensorRT, STM32Cube.AI and the NPU compilers all do this).

import type { Graph, Model } from '../onnx/ir';
import type { ValueFacts } from '../shapes/types';

const PRODUCERS = new Set(['Conv', 'ConvTranspose', 'Gemm', 'MatMul', 'QLinearConv', 'FusedConv']);
const FUSABLE = new Set(['Relu', 'Clip', 'LeakyRelu', 'Sigmoid', 'Tanh', 'HardSigmoid', 'BatchNormalization', 'Add']);
const NONDETERMINISTIC = new Set(['RandomNormal', 'RandomUniform', 'RandomNormalLike', 'RandomUniformLike', 'Multinomial', 'Bernoulli']);

/**
 * Other domains whose operators carry a fused activation option: a separate activation whose only input is such an
 * operator's output (feeding nothing else) runs inside it, as TFLite's converter and XNNPACK fuse it. Their
 * operators with constant inputs only (DEQUANTIZE of float16 weights, DENSIFY of sparse ones) run once at Prepare.
 */
const ACTIVATION_FUSION: Record<string, { producers: Set<string>; activations: Set<string> }> = {
  tflite: {
    producers: new Set(['CONV_2D', 'DEPTHWISE_CONV_2D', 'FULLY_CONNECTED', 'TRANSPOSE_CONV', 'ADD', 'SUB', 'MUL', 'CONCATENATION']),
    activations: new Set(['RELU', 'RELU6', 'RELU_N1_TO_1', 'RELU_0_TO_1']),
  },
};

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
    const folds = n.domain === '' || (ACTIVATION_FUSION[n.domain] !== undefined && inputs.length > 0);
    if (folds && !NONDETERMINISTIC.has(n.opType) && (allConstant || staticShape) && n.attributes.every((a) => a.type !== 'graph')) {
      out.set(i, n.opType === 'Constant' ? 'folded (constant)' : 'folded (constant inputs)');
      for (const o of n.outputs) constant.add(o);
      continue;
    }
    if (n.domain === '' && (n.opType === 'Identity' || n.opType === 'Dropout')) {
      out.set(i, 'folded (no-op at inference)');
      continue;
    }
    const other = ACTIVATION_FUSION[n.domain];
    if (other) {
      const x = inputs[0];
      const p = x === undefined ? undefined : producer.get(x);
      const pn = p === undefined ? undefined : g.nodes[p]!;
      const free = pn?.attributes.find((a) => a.name === 'fused_activation_function');
      if (other.activations.has(n.opType) && inputs.length === 1 && pn && other.producers.has(pn.opType) && pn.domain === n.domain &&
        consumers.get(x!) === 1 && (!free || (free.type === 'string' && free.value === 'NONE'))) {
        out.set(i, `fused into ${pn.name || `#${p} ${pn.opType}`}`);
      }
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
  fuseLayerNorms(g, producer, consumers, constant, out);
  fuseTransposeIntoMatMul(g, producer, consumers, out);
  return out;
}

/**
 * LayerNormalization exported as primitives (ReduceMean, Sub, Pow, ReduceMean, Add, Sqrt, Div, Mul, Add) runs as one
 * kernel in ORT, TensorRT and TFLite; a residual Add feeding only it joins too (ORT's SkipLayerNormalization). The
 * first ReduceMean keeps the cost, the rest are marked fused into it.
 */
function fuseLayerNorms(g: Model['graph'], producer: Map<string, number>, consumers: Map<string, number>, constant: Set<string>,
  out: Map<number, string>): void {
  const users = new Map<string, number[]>();
  g.nodes.forEach((n, i) => n.inputs.forEach((x) => { if (x) users.set(x, [...(users.get(x) ?? []), i]); }));
  const only = (value: string, op: string): number | undefined => {
    const u = users.get(value) ?? [];
    return u.length === 1 && g.nodes[u[0]!]!.opType === op ? u[0] : undefined;
  };
  g.nodes.forEach((sub, si) => {
    if (sub.opType !== 'Sub' || out.has(si)) return;
    const [x, m] = sub.inputs;
    const mi = producer.get(m ?? '');
    if (mi === undefined || g.nodes[mi]!.opType !== 'ReduceMean' || g.nodes[mi]!.inputs[0] !== x) return;
    const d = sub.outputs[0]!;
    const du = users.get(d) ?? [];
    const pow = du.find((i) => g.nodes[i]!.opType === 'Pow' || g.nodes[i]!.opType === 'Mul');
    const div = du.find((i) => g.nodes[i]!.opType === 'Div');
    if (pow === undefined || div === undefined || du.length !== 2) return;
    const var_ = only(g.nodes[pow]!.outputs[0]!, 'ReduceMean');
    const eps = var_ !== undefined ? only(g.nodes[var_]!.outputs[0]!, 'Add') : undefined;
    const sqrt = eps !== undefined ? only(g.nodes[eps]!.outputs[0]!, 'Sqrt') : undefined;
    if (sqrt === undefined || g.nodes[div]!.inputs[1] !== g.nodes[sqrt]!.outputs[0]) return;
    const chain = [si, pow, var_!, eps!, sqrt, div];
    const scale = only(g.nodes[div]!.outputs[0]!, 'Mul');
    if (scale !== undefined && g.nodes[scale]!.inputs.some((i) => constant.has(i))) {
      chain.push(scale);
      const shift = only(g.nodes[scale]!.outputs[0]!, 'Add');
      if (shift !== undefined && g.nodes[shift]!.inputs.some((i) => constant.has(i))) chain.push(shift);
    }
    const root = g.nodes[mi]!;
    const into = `fused into ${root.name || `#${mi} ${root.opType}`}`;
    for (const i of chain) if (!out.has(i)) out.set(i, into);
    // The residual Add whose output only feeds this LayerNorm.
    const ai = producer.get(x ?? '');
    const add = ai !== undefined ? g.nodes[ai]! : undefined;
    if (add && add.opType === 'Add' && !out.has(ai!) && (users.get(x!) ?? []).every((i) => i === mi || i === si) && consumers.get(x!) === 2) {
      out.set(ai!, into);
    }
  });
}

/** A Transpose whose only consumer is a MatMul becomes the MatMul's transpose flag (ORT FusedMatMul, cuBLAS). */
function fuseTransposeIntoMatMul(g: Model['graph'], producer: Map<string, number>, consumers: Map<string, number>, out: Map<number, string>): void {
  g.nodes.forEach((n, i) => {
    if (n.opType !== 'MatMul' || n.domain !== '') return;
    for (const x of n.inputs) {
      const p = producer.get(x);
      if (p === undefined || out.has(p) || consumers.get(x) !== 1) continue;
      const t = g.nodes[p]!;
      if (t.opType !== 'Transpose') continue;
      const perm = t.attributes.find((a) => a.name === 'perm');
      // Only swaps of the last two axes are a matmul transpose flag.
      const v = perm && perm.type === 'ints' ? perm.value : undefined;
      if (!v || v.length < 2 || v[v.length - 1] !== v.length - 2 || v[v.length - 2] !== v.length - 1) continue;
      if (v.slice(0, -2).some((d, k) => d !== k)) continue;
      out.set(p, `fused into ${n.name || `#${i} MatMul`}`);
    }
  });
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
