// Builds the two halves of a cut as standalone ONNX models: the device half outputs the crossing tensors, the remote
// half takes them as inputs. Constants both halves need are replicated instead of sent.

import { isDType } from '../onnx/dtype';
import { subgraphsOf, type Graph, type Model, type Node, type Tensor, type ValueInfo } from '../onnx/ir';
import { makeTensor } from '../onnx/tensor';
import { outerReferences } from '../memory';
import type { ValueFacts } from '../shapes/types';

export interface Halves {
  device: Model;
  remote: Model;
}

function valueInfo(name: string, facts: ValueFacts | undefined, declared?: ValueInfo): ValueInfo {
  if (declared) return declared;
  if (!facts || facts.container) return { name, type: { kind: 'unknown' } };
  return { name, type: { kind: 'tensor', elemType: facts.dtype, ...(facts.shape ? { shape: [...facts.shape] } : {}) } };
}

function reads(node: Node): Set<string> {
  const r = new Set(node.inputs.filter(Boolean));
  for (const s of subgraphsOf(node)) for (const x of outerReferences(s.graph)) r.add(x);
  return r;
}

/** Splits `model` so that order[0..cut) runs in the device half and order[cut..] in the remote half. */
export function splitModel(model: Model, values: Map<string, ValueFacts>, order: number[], cut: number): Halves {
  const g = model.graph;
  const deviceNodes = order.slice(0, cut).map((i) => g.nodes[i]!);
  const remoteNodes = order.slice(cut).map((i) => g.nodes[i]!);
  const initializers = new Map(g.initializers.map((t) => [t.name, t]));
  const declared = new Map<string, ValueInfo>();
  for (const v of [...g.inputs, ...g.outputs, ...g.valueInfo]) declared.set(v.name, v);
  const graphInputs = g.inputs.filter((i) => !initializers.has(i.name));
  const graphOutputs = new Set(g.outputs.map((o) => o.name));

  const producedOnDevice = new Set<string>();
  const constantProducer = new Map<string, Node>();
  for (const n of deviceNodes) {
    for (const o of n.outputs) if (o) producedOnDevice.add(o);
    if (n.opType === 'Constant' && n.outputs[0]) constantProducer.set(n.outputs[0], n);
  }
  const remoteReads = new Set<string>();
  for (const n of remoteNodes) for (const r of reads(n)) remoteReads.add(r);
  const producedRemotely = new Set<string>();
  for (const n of remoteNodes) for (const o of n.outputs) if (o) producedRemotely.add(o);

  // What the remote half needs from the device side: replicated constants, or real inputs sent over the link.
  const replicatedNodes: Node[] = [];
  const replicatedTensors: Tensor[] = [];
  const crossing: string[] = [];
  for (const name of remoteReads) {
    if (producedRemotely.has(name) || initializers.has(name)) continue;
    const isGraphInput = graphInputs.some((i) => i.name === name);
    if (!isGraphInput && !producedOnDevice.has(name)) continue; // dangling reference: left as in the original
    const constNode = constantProducer.get(name);
    const known = values.get(name)?.value;
    if (constNode) replicatedNodes.push(constNode);
    else if (known && !isGraphInput && !Array.isArray(known.data) && isDType(known.dtype)) {
      replicatedTensors.push(makeTensor(name, known.dtype, known.dims, known.data as ArrayLike<number>));
    } else crossing.push(name);
  }
  crossing.sort();

  const usedInitializers = (nodes: Node[]) => {
    const used = new Set<string>();
    for (const n of nodes) for (const r of reads(n)) if (initializers.has(r)) used.add(r);
    return g.initializers.filter((t) => used.has(t.name));
  };
  const deviceReads = new Set<string>();
  for (const n of deviceNodes) for (const r of reads(n)) deviceReads.add(r);

  const deviceOutputs = [
    ...crossing.filter((c) => producedOnDevice.has(c)),
    ...[...graphOutputs].filter((o) => producedOnDevice.has(o) && !crossing.includes(o)),
  ];
  const deviceGraph: Graph = {
    name: `${g.name || 'model'}_device`,
    nodes: deviceNodes,
    initializers: usedInitializers(deviceNodes),
    sparseInitializers: [],
    inputs: graphInputs.filter((i) => deviceReads.has(i.name)),
    outputs: deviceOutputs.map((o) => valueInfo(o, values.get(o), graphOutputs.has(o) ? declared.get(o) : undefined)),
    valueInfo: [],
  };
  const remoteGraph: Graph = {
    name: `${g.name || 'model'}_remote`,
    nodes: [...replicatedNodes, ...remoteNodes],
    initializers: [...usedInitializers([...replicatedNodes, ...remoteNodes]), ...replicatedTensors],
    sparseInitializers: [],
    inputs: crossing.map((c) => valueInfo(c, values.get(c), graphInputs.find((i) => i.name === c))),
    outputs: g.outputs.filter((o) => producedRemotely.has(o.name)),
    valueInfo: [],
  };
  const half = (graph: Graph, role: string): Model => ({
    ...model,
    graph,
    docString: `${role} half of ${g.name || 'the model'} split by AIoT Lens after node ${cut} of ${order.length}`,
    metadataProps: [...model.metadataProps, { key: 'aiot_lens.split', value: `${role}:${cut}/${order.length}` }],
  });
  return { device: half(deviceGraph, 'device'), remote: half(remoteGraph, 'remote') };
}
