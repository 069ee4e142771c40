// `cleanup`: removes what does not compute anything — Identity, Dropout, no-op Cast/Reshape, chained Reshapes,
// dead nodes, unused and duplicate initializers, initializers exposed as graph inputs — and sorts the graph.

import { createHash } from 'node:crypto';
import type { Graph, Model, Node, Tensor } from '../onnx/ir';
import { externalSource, forEachByteChunk } from '../onnx/dataFile';
import { attrInt, tensorElementCount } from '../onnx/ir';
import type { DType } from '../onnx/dtype';
import { dtypeFromCode } from '../onnx/dtype';
import { catchLens, type Result } from '../result';
import {
  cloneModel, constantNodeTensor, promoteInitializerInputs, graphOutputNames, producerMap, removeDeadNodes, removeUnusedInitializers, renameUses,
  topoSort,
} from './graph';
import type { PassOptions, PassOutcome } from './types';
import { valueDtypes, valueShapes } from './facts';
import { inferShapes } from '../shapes';

export function cleanup(model: Model, options: PassOptions = {}): Result<PassOutcome> {
  return catchLens(() => {
    const m = cloneModel(model);
    const g = m.graph;
    const details = {
      initializerInputsRemoved: 0, identityRemoved: 0, dropoutRemoved: 0, castRemoved: 0, reshapeRemoved: 0,
      deadNodesRemoved: 0, commonSubexpressionsMerged: 0, duplicateInitializersMerged: 0, unusedInitializersRemoved: 0, reordered: false,
      nodesBefore: model.graph.nodes.length, nodesAfter: 0,
    };
    details.initializerInputsRemoved = promoteInitializerInputs(m);
    const sorted = topoSort(g);
    details.reordered = sorted.some((n, i) => n !== g.nodes[i]);
    g.nodes = sorted;
    details.duplicateInitializersMerged = mergeDuplicateInitializers(g);
    // No assumed batch or pinned dims here: a Reshape is a no-op only if it is one for every input size.
    const facts = inferShapes(m);
    const dtypes = valueDtypes(m, facts);
    const shapes = valueShapes(m, {}, facts);
    for (let pass = 0; pass < 3; pass++) {
      let changed = 0;
      for (const n of [...g.nodes]) {
        if (n.domain !== '') continue;
        if (n.opType === 'Identity' && bypass(g, n)) { details.identityRemoved++; changed++; }
        else if (n.opType === 'Dropout' && isInferenceDropout(g, n) && bypass(g, n)) { details.dropoutRemoved++; changed++; }
        else if (n.opType === 'Cast' && isNoOpCast(n, dtypes) && bypass(g, n)) { details.castRemoved++; changed++; }
        else if (n.opType === 'Reshape' && isNoOpReshape(n, shapes) && bypass(g, n)) { details.reshapeRemoved++; changed++; }
        else if ((n.opType === 'Reshape' || n.opType === 'Flatten' || n.opType === 'Squeeze' || n.opType === 'Unsqueeze') && skipChainedReshape(g, n)) {
          details.reshapeRemoved++; changed++;
        }
      }
      if (changed === 0) break;
    }
    details.commonSubexpressionsMerged = mergeCommonSubexpressions(g);
    details.deadNodesRemoved = removeDeadNodes(g);
    details.unusedInitializersRemoved = removeUnusedInitializers(g);
    details.nodesAfter = g.nodes.length;
    const changed = details.nodesAfter !== details.nodesBefore || details.initializerInputsRemoved > 0 ||
      details.duplicateInitializersMerged > 0 || details.unusedInitializersRemoved > 0 || details.reordered;
    return { model: m, changed, details };
  }, options.path);
}

/** Makes the node's consumers read its first input instead of its first output; false when that is not allowed. */
function bypass(g: Graph, n: Node): boolean {
  const src = n.inputs[0];
  const dst = n.outputs[0];
  if (!src || !dst) return false;
  if (n.outputs.slice(1).some((o) => o !== '' && isRead(g, o))) return false;
  const outputs = graphOutputNames(g);
  const inputs = new Set(g.inputs.map((v) => v.name));
  if (outputs.has(dst)) {
    // The graph output's name must survive: rename the source to it, when the source is an ordinary node output.
    const producer = producerMap(g).get(src);
    if (!producer || outputs.has(src) || inputs.has(src)) return false;
    producer.outputs[producer.outputs.indexOf(src)] = dst;
    renameUses(g, src, dst);
    g.nodes.splice(g.nodes.indexOf(n), 1);
    return true;
  }
  renameUses(g, dst, src);
  g.nodes.splice(g.nodes.indexOf(n), 1);
  return true;
}

function isRead(g: Graph, name: string): boolean {
  return g.outputs.some((o) => o.name === name) || g.nodes.some((n) => n.inputs.includes(name));
}

function isInferenceDropout(g: Graph, n: Node): boolean {
  // Opset 12+ has a training_mode input; only a constant false (or absent) one means identity.
  const training = n.inputs[2];
  if (!training) return true;
  const c = g.nodes.find((x) => x.outputs[0] === training);
  const t = c ? constantNodeTensor(c) : g.initializers.find((x) => x.name === training);
  if (!t || t.data.kind !== 'raw') return false;
  return t.data.bytes.every((b) => b === 0);
}

function isNoOpCast(n: Node, dtypes: Map<string, DType>): boolean {
  const to = dtypeFromCode(attrInt(n, 'to', 0));
  const from = dtypes.get(n.inputs[0] ?? '');
  return to !== undefined && from !== undefined && from !== 'undefined' && from === to;
}

function isNoOpReshape(n: Node, shapes: Map<string, (number | string | null)[]>): boolean {
  const a = shapes.get(n.inputs[0] ?? '');
  const b = shapes.get(n.outputs[0] ?? '');
  if (!a || !b || a.length !== b.length) return false;
  return a.every((d, i) => typeof d === 'number' && d === b[i]);
}

/** Reshape(Reshape(x)) needs only the outer one: point it at x when the inner result has no other reader. */
function skipChainedReshape(g: Graph, n: Node): boolean {
  if (n.opType !== 'Reshape') return false;
  const inner = producerMap(g).get(n.inputs[0] ?? '');
  if (!inner || inner.domain !== '' || !['Reshape', 'Flatten', 'Squeeze', 'Unsqueeze'].includes(inner.opType)) return false;
  const mid = n.inputs[0]!;
  if (g.outputs.some((o) => o.name === mid)) return false;
  // allowzero=1 or a 0 in the target shape copies dims from the input, which differs between the two.
  if (attrInt(n, 'allowzero', 0) !== 0) return false;
  const shapeInit = g.initializers.find((t) => t.name === n.inputs[1]);
  const shapeConst = g.nodes.find((x) => x.outputs[0] === n.inputs[1]);
  const target = shapeInit ?? (shapeConst ? constantNodeTensor(shapeConst) : undefined);
  if (!target || target.data.kind !== 'raw' || target.dtype !== 'int64') return false;
  const dims = new BigInt64Array(target.data.bytes.slice().buffer);
  if (dims.some((d) => d === 0n)) return false;
  n.inputs[0] = inner.inputs[0]!;
  return true;
}

/** sha1 of a tensor's bytes, external ones read a chunk at a time. */
function digest(t: Tensor): string {
  const h = createHash('sha1');
  if (t.data.kind === 'raw') h.update(t.data.bytes);
  else {
    const src = externalSource(t);
    forEachByteChunk(src.path, src.offset, src.length, (chunk) => h.update(chunk));
  }
  return h.digest('hex');
}

/** Initializers with identical dtype, dims and bytes collapse into the first one. */
function mergeDuplicateInitializers(g: Graph): number {
  const inputs = new Set(g.inputs.map((v) => v.name));
  const outputs = graphOutputNames(g);
  const seen = new Map<string, string>();
  let merged = 0;
  // Only tensors that share dtype and dims with another are hashed: external weights are read only when they could match.
  const shapeKey = (t: Tensor) => `${t.dtype}|${t.dims.join('x')}`;
  const shapeCount = new Map<string, number>();
  for (const t of g.initializers) shapeCount.set(shapeKey(t), (shapeCount.get(shapeKey(t)) ?? 0) + 1);
  for (const t of g.initializers) {
    if (inputs.has(t.name) || outputs.has(t.name)) continue;
    if (t.data.kind !== 'raw' && !(t.data.kind === 'external' && t.data.baseDir)) continue;
    if (tensorElementCount(t.dims) === 0 || (shapeCount.get(shapeKey(t)) ?? 0) < 2) continue;
    const key = `${shapeKey(t)}|${digest(t)}`;
    const first = seen.get(key);
    if (first === undefined) { seen.set(key, t.name); continue; }
    renameUses(g, t.name, first);
    merged++;
  }
  return merged;
}

/** Ops that must run once per occurrence (random draws), so identical nodes are not merged. */
const IMPURE = new Set(['RandomNormal', 'RandomUniform', 'RandomNormalLike', 'RandomUniformLike', 'Multinomial', 'Bernoulli', 'Dropout']);

/**
 * Nodes with the same op, attributes and inputs compute the same values: later ones are dropped and their readers
 * read the first one's outputs (common subexpression elimination; exporters repeat Slice/Div chains).
 */
function mergeCommonSubexpressions(g: Graph): number {
  const outputs = graphOutputNames(g);
  const seen = new Map<string, Node>();
  let merged = 0;
  for (const n of [...g.nodes]) {
    if (IMPURE.has(n.opType) || n.attributes.some((a) => a.type === 'graph' || a.type === 'graphs' || a.type === 'tensor')) continue;
    if (n.outputs.some((o) => outputs.has(o))) continue;
    const key = JSON.stringify([n.domain, n.opType, n.inputs, n.attributes.map((a) => [a.name, a.type, a.value])]);
    const first = seen.get(key);
    if (!first) { seen.set(key, n); continue; }
    if (first.outputs.length !== n.outputs.length) continue;
    n.outputs.forEach((o, i) => { if (o) renameUses(g, o, first.outputs[i]!); });
    g.nodes.splice(g.nodes.indexOf(n), 1);
    merged++;
  }
  return merged;
}
