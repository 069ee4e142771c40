// What the inspector shows for one node (attributes, tensors with dtype and shape, cost) and weight statistics,
// computed on the host side from the IR so the webview receives plain data.

import type { Attribute, Graph, Quantization, Tensor } from '../onnx/ir';
import { tensorToNumbers } from '../onnx/tensor';
import type { NodeCost } from '../cost/types';
import { err, ok, type Result } from '../result';
import { formalInputName } from './input-names';
import { formatShape, type ValueShapes } from './model-graph';
import type { NodeDetails, TensorDetail, WeightStats } from './types';

export type { NodeDetails, WeightStats };

/** Attribute value as short text (lists and tensors abbreviated). */
export function attributeText(a: Attribute): string {
  const list = (xs: readonly (number | string)[]) => (xs.length > 16 ? `[${xs.slice(0, 16).join(', ')}, … ${xs.length} items]` : `[${xs.join(', ')}]`);
  switch (a.type) {
    case 'float':
      return String(Number(a.value.toPrecision(7)));
    case 'int':
      return String(a.value);
    case 'string':
      return JSON.stringify(a.value);
    case 'floats':
      return list(a.value.map((v) => Number(v.toPrecision(7))));
    case 'ints':
      return list(a.value);
    case 'strings':
      return list(a.value.map((s) => JSON.stringify(s)));
    case 'tensor':
      return `tensor ${a.value.dtype} ⟨${a.value.dims.join('×')}⟩`;
    case 'tensors':
      return `${a.value.length} tensors`;
    case 'graph':
      return `graph (${a.value.nodes.length} nodes)`;
    case 'graphs':
      return `${a.value.length} graphs`;
    case 'sparse_tensor':
      return `sparse tensor ⟨${a.value.dims.join('×')}⟩`;
    default:
      return a.type;
  }
}

/** Weights of a graph by name: initializers and Constant outputs. */
function weightTensors(graph: Graph): Map<string, Tensor> {
  const map = new Map<string, Tensor>();
  for (const t of graph.initializers) map.set(t.name, t);
  for (const node of graph.nodes) {
    if (node.opType !== 'Constant' || node.domain !== '') continue;
    const v = node.attributes.find((a) => a.name === 'value');
    if (v?.type === 'tensor' && node.outputs[0]) map.set(node.outputs[0], v.value);
  }
  return map;
}

/** Formal (schema) names of a node's inputs and outputs by position; the built-in table of input names otherwise. */
export interface FormalNames {
  input(index: number): string;
  output(index: number): string;
}

export function nodeDetails(graph: Graph, nodeIndex: number, shapes?: ValueShapes, cost?: NodeCost, formal?: FormalNames): Result<NodeDetails> {
  const node = graph.nodes[nodeIndex];
  if (!node) return err('invalid-argument', `node ${nodeIndex} does not exist (the graph has ${graph.nodes.length})`);
  const weights = weightTensors(graph);
  const declared = new Map<string, { dtype?: string; shape?: string; quantization?: Quantization }>();
  for (const v of [...graph.inputs, ...graph.valueInfo, ...graph.outputs, ...(graph.states ?? [])]) {
    if (v.type.kind === 'tensor') declared.set(v.name, { dtype: v.type.elemType, shape: formatShape(v.type.shape), ...(v.quantization ? { quantization: v.quantization } : {}) });
  }
  const describe = (name: string, formal: string): TensorDetail => {
    const w = weights.get(name);
    const inferred = shapes?.get(name);
    const d = declared.get(name);
    const q = w?.quantization ?? d?.quantization;
    return {
      name,
      formal,
      dtype: w?.dtype ?? inferred?.dtype ?? d?.dtype ?? '',
      shape: w ? formatShape(w.dims) : inferred?.shape ? formatShape(inferred.shape) : d?.shape ?? '',
      isWeight: w !== undefined,
      ...(q ? { quantization: { scale: q.scale, zeroPoint: q.zeroPoint, ...(q.axis !== undefined ? { axis: q.axis } : {}) } } : {}),
      ...(w?.sparse ? { sparse: `${w.sparse.format}, ${w.sparse.storedBytes} B stored` } : {}),
    };
  };
  const details: NodeDetails = {
    nodeIndex,
    name: node.name,
    opType: node.opType,
    domain: node.domain,
    attributes: node.attributes.map((a) => ({ name: a.name, value: attributeText(a) })),
    // Omitted optional inputs ('') are left out; positions still pick the formal names.
    inputs: node.inputs.flatMap((name, k) => (name ? [describe(name, formal ? formal.input(k) : formalInputName(node.opType, k))] : [])),
    outputs: node.outputs.flatMap((name, k) => (name ? [describe(name, formal ? formal.output(k) : '')] : [])),
    subgraphs: node.attributes.flatMap((a) =>
      a.type === 'graph' ? [{ attribute: a.name, nodes: a.value.nodes.length }]
        : a.type === 'graphs' ? a.value.map((g, k) => ({ attribute: `${a.name}[${k}]`, nodes: g.nodes.length })) : [],
    ),
  };
  if (cost) {
    details.cost = {
      macs: cost.macs, flops: cost.flops, params: cost.params, weightBytes: cost.weightBytes, memoryBytes: cost.memoryBytes, partial: cost.partial,
      ...(cost.body?.bound === 'upper' ? { upperBound: true } : {}),
    };
    if (cost.body) details.control = controlText(node.opType, cost);
  }
  return ok(details);
}

/** min/max/mean/std/sparsity of a weight tensor (read lazily: only when the user asks). */
export function weightStats(graph: Graph, tensorName: string, modelDir?: string, maxBytes?: number): Result<WeightStats> {
  const t = weightTensors(graph).get(tensorName);
  if (!t) return err('invalid-argument', `'${tensorName}' is not a weight of this graph`);
  const values = tensorToNumbers(t, { modelDir, ...(maxBytes !== undefined ? { maxBytes } : {}) });
  if (!values.ok) return values;
  return ok(statsOf(tensorName, values.value));
}

export function statsOf(tensor: string, values: ArrayLike<number>): WeightStats {
  const count = values.length;
  if (count === 0) return { tensor, count: 0, min: 0, max: 0, mean: 0, std: 0, sparsity: 0 };
  let min = Infinity;
  let max = -Infinity;
  let zeros = 0;
  // Welford's update keeps the variance accurate for millions of elements.
  let mean = 0;
  let m2 = 0;
  for (let i = 0; i < count; i++) {
    const v = values[i]!;
    if (v < min) min = v;
    if (v > max) max = v;
    if (v === 0) zeros++;
    const delta = v - mean;
    mean += delta / (i + 1);
    m2 += delta * (v - mean);
  }
  return { tensor, count, min, max, mean, std: Math.sqrt(m2 / count), sparsity: zeros / count };
}

/** What a control-flow node's figures include, in words (the inspector's line). */
export function controlText(opType: string, cost: NodeCost): string {
  const b = cost.body!;
  if (opType === 'If') {
    return b.bound === 'upper'
      ? `condition unknown: the costlier ${b.branch} branch is counted (an upper bound; give the input it depends on a value)`
      : `the ${b.branch} branch runs (condition known): its nodes are counted`;
  }
  if (cost.partial && b.repeat === 1) return `${opType} body counted once: the trip count is unknown, so the figures are per iteration`;
  return `${opType} body × ${b.repeat} iteration${b.repeat === 1 ? '' : 's'}${b.bound === 'upper' ? ' (at most: a condition may stop it earlier)' : ''}`;
}
