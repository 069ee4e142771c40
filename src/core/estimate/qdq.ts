// Quantized (QDQ) models as an int8 runtime runs them. A QDQ model spells int8 arithmetic as float ops wrapped in
// DequantizeLinear/QuantizeLinear; ORT, TFLite and the MCU toolchains fuse each DQ → op → Q island into one int8
// kernel. Without this view a quantized model would be estimated slower and larger than its float original.

import { dtypeByteSize } from '../onnx/dtype';
import { tensorElementCount, type Graph, type Model } from '../onnx/ir';
import { planMemory } from '../memory';
import type { NodeCost } from '../cost/types';
import type { ValueFacts } from '../shapes/types';

export interface QdqView {
  /** Costs with island ops in int8 and their DQ weights charged to them. */
  costs: NodeCost[];
  /** DQ/Q nodes a fusing runtime folds into an island op, by node index. */
  folded: Map<number, string>;
  arenaBytes: number;
  peakActivationBytes: number;
  islands: number;
}

function bytesOf(f: ValueFacts | undefined): number | undefined {
  if (!f?.shape || !f.shape.every((d) => typeof d === 'number')) return undefined;
  return dtypeByteSize(f.dtype, tensorElementCount(f.shape as number[]));
}

/** undefined when the model has no quantize/dequantize islands. */
export function qdqView(model: Model, values: Map<string, ValueFacts>, costs: NodeCost[]): QdqView | undefined {
  const g = model.graph;
  if (!g.nodes.some((n) => n.opType === 'DequantizeLinear')) return undefined;
  const producer = new Map<string, number>();
  const users = new Map<string, number[]>();
  g.nodes.forEach((n, i) => {
    for (const o of n.outputs) if (o) producer.set(o, i);
    for (const x of n.inputs) if (x) users.set(x, [...(users.get(x) ?? []), i]);
  });
  const constants = new Set(g.initializers.map((t) => t.name));
  g.nodes.forEach((n) => {
    if (n.opType === 'Constant') for (const o of n.outputs) constants.add(o);
  });
  const graphOutputs = new Set(g.outputs.map((o) => o.name));
  const op = (name: string) => g.nodes[producer.get(name) ?? -1];
  const isDQ = (name: string) => op(name)?.opType === 'DequantizeLinear' && op(name)?.domain === '';
  const isConstInput = (name: string) => constants.has(name) || (op(name) !== undefined && constants.has(op(name)!.inputs[0] ?? '') && isDQ(name)) ||
    values.get(name)?.value !== undefined && !isDQ(name);

  // An island op: every non-constant input comes from a DQ, every output goes only to Q nodes.
  const islands = new Set<number>();
  g.nodes.forEach((n, i) => {
    if (n.domain !== '' || n.opType === 'QuantizeLinear' || n.opType === 'DequantizeLinear' || n.opType === 'Constant') return;
    const data = n.inputs.filter((x) => x && !constants.has(x) && !(values.get(x)?.value !== undefined && !isDQ(x)));
    if (data.length === 0 || !data.every(isDQ)) return;
    const outs = n.outputs.filter(Boolean);
    if (!outs.every((o) => !graphOutputs.has(o) && (users.get(o) ?? []).length > 0 && (users.get(o) ?? []).every((u) => g.nodes[u]!.opType === 'QuantizeLinear'))) return;
    islands.add(i);
  });
  if (islands.size === 0) return undefined;

  const folded = new Map<number, string>();
  const out = costs.map((c) => ({ ...c }));
  const byIndex = new Map(out.map((c) => [c.index, c]));
  for (const i of islands) {
    const n = g.nodes[i]!;
    const label = n.name || `#${i} ${n.opType}`;
    const c = byIndex.get(i);
    let inputBytes = 0;
    for (const x of n.inputs) {
      if (!x || !isDQ(x)) continue;
      const dqIndex = producer.get(x)!;
      const dq = g.nodes[dqIndex]!;
      // The DQ folds away when every reader of its float output is an island op.
      if ((users.get(x) ?? []).every((u) => islands.has(u))) folded.set(dqIndex, `folded (QDQ into ${label})`);
      const dqCost = byIndex.get(dqIndex);
      if (isConstInput(x)) {
        // A quantized weight: the island op reads the stored int8/int32 tensor the DQ read.
        if (c && dqCost) {
          c.params += dqCost.params;
          c.weightBytes += dqCost.weightBytes;
          dqCost.params = 0;
          dqCost.weightBytes = 0;
        }
      } else {
        inputBytes += bytesOf(values.get(dq.inputs[0] ?? '')) ?? 0;
        if (c) c.computeDtype = values.get(dq.inputs[0] ?? '')?.dtype ?? c.computeDtype;
      }
    }
    let outputBytes = 0;
    for (const o of n.outputs) {
      for (const u of users.get(o) ?? []) {
        folded.set(u, `folded (QDQ into ${label})`);
        outputBytes += bytesOf(values.get(g.nodes[u]!.outputs[0] ?? '')) ?? 0;
      }
    }
    if (c) {
      c.inputBytes = inputBytes;
      c.outputBytes = outputBytes;
      c.memoryBytes = c.inputBytes + c.outputBytes + c.weightBytes;
    }
  }
  // The activation plan of the fused graph: island ops read and write the quantized tensors directly.
  const rename = new Map<string, string>();
  for (const [index] of folded) {
    const n = g.nodes[index]!;
    if (n.opType === 'DequantizeLinear' && n.outputs[0]) rename.set(n.outputs[0], n.inputs[0]!);
  }
  for (const i of islands) {
    for (const o of g.nodes[i]!.outputs) {
      const qs = users.get(o) ?? [];
      if (o && qs.length === 1) rename.set(o, g.nodes[qs[0]!]!.outputs[0]!);
    }
  }
  const plannedNodes = g.nodes
    .map((n, i) => ({ n, i }))
    .filter(({ i }) => !folded.has(i))
    .map(({ n }) => ({ ...n, inputs: n.inputs.map((x) => rename.get(x) ?? x), outputs: n.outputs.map((o) => rename.get(o) ?? o) }));
  const planned: Graph = { ...g, nodes: plannedNodes };
  const plan = planMemory(planned, values);
  return { costs: out, folded, arenaBytes: plan.arenaBytes, peakActivationBytes: plan.peakActivationBytes, islands: islands.size };
}
