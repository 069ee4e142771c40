// What `--verify` will hold in memory, stated before it starts: both models open in onnxruntime at once. ORT maps or
// reads a model's external data and keeps a packed copy of some weights (MatMul/Conv prepacking), so each session is
// estimated at twice its weights plus a fixed overhead; measured on this project's 49 MB external-data chain, a
// session added 76 MB resident (1.5×) and peaked at 1.8×. Over the budget, verification is declined with the reason.

import { formatBytes } from '../format';

/** Resident bytes per byte of model (file + external data) onnxruntime is assumed to take. */
export const ORT_BYTES_PER_MODEL_BYTE = 2;
/** Fixed cost of a session (graph, kernels, arena), besides its weights. */
export const ORT_SESSION_OVERHEAD_BYTES = 64 << 20;

export interface VerifyMemoryPlan {
  budgetBytes: number;
  /** Model bytes (file + external data) of the original and the optimized model. */
  originalModelBytes: number;
  optimizedModelBytes: number;
  /** The bound verification stays within: both sessions open together. */
  estimatedPeakBytes: number;
  fits: boolean;
  /** One sentence on what will be loaded, or why verification is declined. */
  explanation: string;
}

export function verifyMemoryPlan(originalModelBytes: number, optimizedModelBytes: number, budgetBytes: number): VerifyMemoryPlan {
  const session = (b: number) => ORT_BYTES_PER_MODEL_BYTE * b + ORT_SESSION_OVERHEAD_BYTES;
  const estimatedPeakBytes = session(originalModelBytes) + session(optimizedModelBytes);
  const fits = estimatedPeakBytes <= budgetBytes;
  const what = `onnxruntime opens both models at once (${formatBytes(originalModelBytes)} and ${formatBytes(optimizedModelBytes)} ` +
    `with their external data, which it maps or reads, plus packed copies of weights): about ${formatBytes(estimatedPeakBytes)}`;
  const explanation = fits
    ? `${what}, within the memory budget of ${formatBytes(budgetBytes)}`
    : `${what}, over the memory budget of ${formatBytes(budgetBytes)}; verify a smaller sibling of the model (same ` +
      'architecture, fewer layers or narrower weights) or raise --memory-budget';
  return { budgetBytes, originalModelBytes, optimizedModelBytes, estimatedPeakBytes, fits, explanation };
}
