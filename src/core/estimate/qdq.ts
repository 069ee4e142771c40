// Quantized (QDQ) models as an int8 runtime runs them. A QDQ model spells int8 arithmetic as float ops wrapped in
// DequantizeLinear/QuantizeLinear; ORT, TFLite and the MCU toolchains fuse each DQ → op → Q island into one int8
// kernel. Without this view a quantized model would be estimated slower and larger than its float original.

import { dtypeByteSize } from '../onnx/dtype';
import { tensorElementCount, type Model } from '../onnx/ir';
import { findQdqIslands } from '../memory/qdq-islands';
import type { NodeCost } from '../cost/types';
import type { ValueFacts } from '../shapes/types';

export interface QdqView {
  /** Costs with island ops in int8 and their DQ weights charged to them. */
  costs: NodeCost[];
  /** DQ/Q nodes a fusing runtime folds into an island op, by node index. */
  folded: Map<number, string>;
  islands: number;
}

function bytesOf(f: ValueFacts | undefined): number | undefined {
  if (!f?.shape || !f.shape.every((d) => typeof d === 'number')) return undefined;
  return dtypeByteSize(f.dtype, tensorElementCount(f.shape as number[]));
}

/**
 * undefined when the model has no quantize/dequantize islands. The activation plan of the fused graph is the
 * analysis's own (src/core/memory/kernels.ts plans QDQ models the same way).
 */
export function qdqView(model: Model, values: Map<string, ValueFacts>, costs: NodeCost[]): QdqView | undefined {
  const g = model.graph;
  const found = findQdqIslands(g, values);
  if (!found) return undefined;
  const { islands, folded, weightDq, producer, users } = found;
  const out = costs.map((c) => ({ ...c }));
  const byIndex = new Map(out.map((c) => [c.index, c]));
  for (const i of islands) {
    const n = g.nodes[i]!;
    const c = byIndex.get(i);
    let inputBytes = 0;
    for (const x of n.inputs) {
      const dqIndex = x ? producer.get(x) : undefined;
      if (dqIndex === undefined || g.nodes[dqIndex]!.opType !== 'DequantizeLinear' || g.nodes[dqIndex]!.domain !== '') continue;
      const dq = g.nodes[dqIndex]!;
      const dqCost = byIndex.get(dqIndex);
      if (weightDq.has(dqIndex)) {
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
      for (const u of users.get(o) ?? []) outputBytes += bytesOf(values.get(g.nodes[u]!.outputs[0] ?? '')) ?? 0;
    }
    if (c) {
      c.inputBytes = inputBytes;
      c.outputBytes = outputBytes;
      c.memoryBytes = c.inputBytes + c.outputBytes + c.weightBytes;
    }
  }
  return { costs: out, folded, islands: islands.size };
}
