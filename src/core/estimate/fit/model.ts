// The fitted latency model: the estimator's roofline structure with its free parameters in log space, so a fit
// and the estimator on the fitted profile give the same number for the same graph.
//
//   latencyMs = Σ_nodes [ max(computeMs_n / efficiency_g(n), memoryMs_n × memoryPenalty) + nodeOverheadMs ] + overheadMs
//
// computeMs_n and memoryMs_n are the node's times at the datasheet roof (efficiency 1, memory efficiency 1), taken from
// the estimator itself (features.ts); the parameters are the logs of the four efficiencies, the memory penalty, the
// per-node and the per-inference overhead.

/** Op classes share an efficiency by kernel family: dense conv, depthwise, matrix products, everything else. */
export type FitGroup = 'conv' | 'depthwise' | 'matmul' | 'other';
export const FIT_GROUPS: readonly FitGroup[] = ['conv', 'depthwise', 'matmul', 'other'];

/** Parameter vector order: the four log efficiencies, log memory penalty, log node overhead (ms), log overhead (ms). */
export const PARAM_NAMES = ['logEffConv', 'logEffDepthwise', 'logEffMatmul', 'logEffOther', 'logMemoryPenalty', 'logNodeOverheadMs', 'logOverheadMs'] as const;
export type ParamName = (typeof PARAM_NAMES)[number];
export const PARAM_COUNT = PARAM_NAMES.length;

/** One graph as the fit sees it: per counted node its group and its times at the roof. */
export interface FitFeatures {
  /** Group index per node (FIT_GROUPS order). */
  group: number[];
  /** Compute time at efficiency 1, ms. */
  computeMs: number[];
  /** Memory time at memory efficiency 1, ms. */
  memoryMs: number[];
  /** false: node time = compute + memory (a profile with `overlap: false`); default max of the two. */
  overlap?: boolean;
}

/** Parameters in log space, named. */
export type FitParams = Record<ParamName, number>;

export function toVector(p: FitParams): number[] {
  return PARAM_NAMES.map((n) => p[n]);
}

export function fromVector(v: readonly number[]): FitParams {
  const out = {} as FitParams;
  PARAM_NAMES.forEach((n, i) => { out[n] = v[i]!; });
  return out;
}

/** Predicted latency (ms) and, when `grad` is given, d latency / d theta written into it. */
export function predictMs(f: FitFeatures, theta: readonly number[], grad?: number[]): number {
  const inv = [Math.exp(-theta[0]!), Math.exp(-theta[1]!), Math.exp(-theta[2]!), Math.exp(-theta[3]!)];
  const mem = Math.exp(theta[4]!);
  const node = Math.exp(theta[5]!);
  const over = Math.exp(theta[6]!);
  if (grad) grad.fill(0);
  let t = 0;
  const n = f.group.length;
  const add = f.overlap === false;
  for (let i = 0; i < n; i++) {
    const g = f.group[i]!;
    const c = f.computeMs[i]! * inv[g]!;
    const m = f.memoryMs[i]! * mem;
    if (add) {
      t += c + m;
      if (grad) { grad[g]! -= c; grad[4]! += m; }
    } else if (c >= m) {
      t += c;
      if (grad) grad[g]! -= c;
    } else {
      t += m;
      if (grad) grad[4]! += m;
    }
  }
  t += n * node + over;
  if (grad) {
    grad[5] = n * node;
    grad[6] = over;
  }
  return t;
}
