// QDQ islands: a quantized model spells int8 arithmetic as float ops wrapped in DequantizeLinear/QuantizeLinear, and
// ORT, TFLite and the MCU toolchains fuse each DQ → op → Q island into one int8 kernel that reads and writes the
// quantized tensors. Both the memory plan and the estimator see a QDQ model this way; this file finds the islands.

import type { Graph, Node } from '../onnx/ir';
import type { ValueFacts } from '../shapes/types';

export interface QdqIslands {
  /** Island ops (node indices): every non-constant input from a DQ, every output read only by Q nodes. */
  islands: Set<number>;
  /** DQ/Q nodes a fusing runtime folds into an island op, with the reason. */
  folded: Map<number, string>;
  /**
   * Tensors that are not materialized by the fused kernels, mapped to the tensor that is: a folded DQ's float output
   * to its quantized input, an island op's float output to the Q output it feeds.
   */
  rename: Map<string, string>;
  /** DQ nodes feeding island ops whose input is a stored weight (their int8 tensor is charged to the island op). */
  weightDq: Set<number>;
  producer: Map<string, number>;
  users: Map<string, number[]>;
}

/** undefined when the graph has no quantize/dequantize islands. */
export function findQdqIslands(g: Graph, values: Map<string, ValueFacts>): QdqIslands | undefined {
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
  const op = (name: string): Node | undefined => g.nodes[producer.get(name) ?? -1];
  const isDQ = (name: string) => op(name)?.opType === 'DequantizeLinear' && op(name)?.domain === '';
  const isConstInput = (name: string) => constants.has(name) || (op(name) !== undefined && constants.has(op(name)!.inputs[0] ?? '') && isDQ(name)) ||
    (values.get(name)?.value !== undefined && !isDQ(name));

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
  const weightDq = new Set<number>();
  for (const i of islands) {
    const n = g.nodes[i]!;
    const label = n.name || `#${i} ${n.opType}`;
    for (const x of n.inputs) {
      if (!x || !isDQ(x)) continue;
      const dqIndex = producer.get(x)!;
      // The DQ folds away when every reader of its float output is an island op.
      if ((users.get(x) ?? []).every((u) => islands.has(u))) folded.set(dqIndex, `folded (QDQ into ${label})`);
      if (isConstInput(x)) weightDq.add(dqIndex);
    }
    for (const o of n.outputs) for (const u of users.get(o) ?? []) folded.set(u, `folded (QDQ into ${label})`);
  }
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
  return { islands, folded, rename, weightDq, producer, users };
}
