// Analytic settings the advisor re-estimates where no pass can rewrite the model (a .tflite: the technique is applied
// where the model is converted, so the advisor can only scale the estimator input, and says so with `analytic`):
// the input after quantizing weights and activations, or after a reduction of MACs and weights. ONNX models are
// predicted by running the real passes instead (techniques.ts).

import type { NodeCost } from '../cost/types';
import { isFloatDType, type DType } from '../onnx/dtype';
import type { EstimateInput } from '../estimate/types';

/** Bytes per element relative to float32 for a target storage type. */
const SCALE: Record<'int8' | 'float16', number> = { int8: 0.25, float16: 0.5 };

function scaledBytes(bytes: number, from: DType, to: 'int8' | 'float16'): number {
  if (!isFloatDType(from)) return bytes;
  const fromBytes = from === 'double' ? 8 : from === 'float16' || from === 'bfloat16' ? 2 : 4;
  return Math.round((bytes / fromBytes) * 4 * SCALE[to]);
}

/**
 * Full quantization to `to`: float weights, activations and compute become int8 (QDQ / TFLite int8) or float16.
 * Integer and index tensors keep their size; so does the sensor input the device would send when offloading.
 */
export function quantizeInput(input: EstimateInput, to: 'int8' | 'float16'): EstimateInput {
  const costs: NodeCost[] = input.costs.map((c) => {
    if (!isFloatDType(c.computeDtype)) return c;
    const weightBytes = scaledBytes(c.weightBytes, c.computeDtype, to);
    const inputBytes = scaledBytes(c.inputBytes, c.computeDtype, to);
    const outputBytes = scaledBytes(c.outputBytes, c.computeDtype, to);
    return { ...c, computeDtype: to, weightBytes, inputBytes, outputBytes, memoryBytes: weightBytes + inputBytes + outputBytes };
  });
  let weightBytes = 0;
  const byDtype: Record<string, number> = {};
  if (input.weightBytesByDtype) {
    for (const [d, b] of Object.entries(input.weightBytesByDtype)) {
      const nb = scaledBytes(b, d as DType, to);
      const key = isFloatDType(d as DType) ? to : d;
      byDtype[key] = (byDtype[key] ?? 0) + nb;
      weightBytes += nb;
    }
  } else {
    weightBytes = Math.round(input.weightBytes * SCALE[to]);
  }
  // Float constants held in Constant nodes are counted in weightBytes but not in initializers.
  if (weightBytes < input.weightBytes * SCALE[to]) weightBytes = Math.round(input.weightBytes * SCALE[to]);
  return {
    ...input, costs, weightBytes, weightBytesByDtype: byDtype,
    arenaBytes: Math.round(input.arenaBytes * SCALE[to]),
    peakActivationBytes: Math.round(input.peakActivationBytes * SCALE[to]),
    assumptions: [...(input.assumptions ?? []), `${to} quantization: float weights, activations and arithmetic scaled to ${to}`],
  };
}

/**
 * Analytic reduction: the given fraction of MACs/FLOPs and weights removed from nodes of the given classes
 * (structured pruning keeps layers dense, so the reduction carries over to latency).
 */
export function reduceInput(input: EstimateInput, keep: number, classes: ReadonlySet<string>, label: string): EstimateInput {
  let removed = 0;
  const costs = input.costs.map((c) => {
    if (!classes.has(c.opClass) || c.macs === 0) return c;
    const weightBytes = Math.round(c.weightBytes * keep);
    removed += c.weightBytes - weightBytes;
    const outputBytes = c.opClass === 'conv' || c.opClass === 'depthwise' ? Math.round(c.outputBytes * keep) : c.outputBytes;
    return {
      ...c, macs: Math.round(c.macs * keep), flops: Math.round(c.flops * keep), params: Math.round(c.params * keep),
      weightBytes, outputBytes, memoryBytes: c.inputBytes + outputBytes + weightBytes,
    };
  });
  return {
    ...input, costs, weightBytes: input.weightBytes - removed,
    arenaBytes: classes.has('conv') ? Math.round(input.arenaBytes * keep) : input.arenaBytes,
    peakActivationBytes: classes.has('conv') ? Math.round(input.peakActivationBytes * keep) : input.peakActivationBytes,
    assumptions: [...(input.assumptions ?? []), label],
  };
}
