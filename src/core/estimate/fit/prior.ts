// Priors: a deliberately wide global one (a core family's fit starts there) and one centred on a fitted parameter set
// (a board × runtime starts at its family's fit, a user calibration at the catalog profile's fit).

import type { FitPrior } from './fit';
import type { FitParams } from './model';

/**
 * Where a family without other information starts: kernels at a fifth (dense) to a tenth (depthwise, elementwise)
 * of the datasheet roof, memory at its roof, 10 µs per node, 0.1 ms per inference — each ×/÷ e² (sd 2 in log space),
 * wide enough that a family's own points decide.
 */
export const GLOBAL_PRIOR: FitPrior = {
  mean: {
    logEffConv: Math.log(0.2), logEffDepthwise: Math.log(0.1), logEffMatmul: Math.log(0.2), logEffOther: Math.log(0.1),
    logMemoryPenalty: 0, logNodeOverheadMs: Math.log(0.01), logOverheadMs: Math.log(0.1),
  },
  sd: { logEffConv: 2, logEffDepthwise: 2, logEffMatmul: 2, logEffOther: 2, logMemoryPenalty: 2, logNodeOverheadMs: 2, logOverheadMs: 2 },
};

/** A prior centred on `params` with log sd `sd` (a number for all, or per parameter), and on `powerW` if given. */
export function priorAround(params: FitParams, sd: number | Partial<FitParams>, power?: { powerW: number; logSd: number }): FitPrior {
  const all = (k: keyof FitParams) => (typeof sd === 'number' ? sd : sd[k] ?? 1);
  const sds = Object.fromEntries((Object.keys(params) as (keyof FitParams)[]).map((k) => [k, all(k)])) as FitParams;
  return { mean: { ...params }, sd: sds, ...(power ? { logPowerW: { mean: Math.log(power.powerW), sd: power.logSd } } : {}) };
}
