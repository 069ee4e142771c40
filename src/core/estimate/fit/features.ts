// Fit features from the estimator itself: the graph timed on the profile at its datasheet roof (every efficiency 1, no
// overheads), so fusion, QDQ islands, channel padding and flash-resident weights are the estimator's own.

import type { OpClass } from '../../cost/types';
import type { DeviceProfile, FitProfileParams, PerOpClass } from '../../devices/types';
import { withFitParams } from '../../devices/runtimes';
import { estimate } from '../estimate';
import type { EstimateInput } from '../types';
import { fromVector, type FitFeatures, type FitGroup, type FitParams, FIT_GROUPS } from './model';

const OP_CLASSES: readonly OpClass[] = ['conv', 'depthwise', 'matmul', 'recurrent', 'elementwise', 'pooling', 'data', 'control'];

export function groupOf(c: OpClass): FitGroup {
  if (c === 'conv' || c === 'depthwise') return c;
  if (c === 'matmul' || c === 'recurrent') return 'matmul';
  return 'other';
}

const every = (v: number): PerOpClass & Record<'conv' | 'depthwise' | 'matmul' | 'recurrent' | 'elementwise' | 'pooling', number> =>
  Object.fromEntries(OP_CLASSES.map((c) => [c, v])) as never;

/** The profile at its roof: efficiency 1 everywhere, no per-node or per-inference overhead. */
export function roofDevice(device: DeviceProfile): DeviceProfile {
  return { ...device, efficiency: every(1), memoryEfficiency: every(1), nodeOverheadMs: every(0), overheadMs: 0 };
}

/** The graph's fit features on a device: one entry per node the runtime executes (folded nodes are left out). */
export function fitFeatures(input: EstimateInput, device: DeviceProfile): FitFeatures {
  const est = estimate(input, roofDevice(device));
  const f: FitFeatures = { group: [], computeMs: [], memoryMs: [], ...(device.overlap === false ? { overlap: false } : {}) };
  for (const n of est.nodes) {
    if (n.fused !== undefined) continue;
    f.group.push(FIT_GROUPS.indexOf(groupOf(n.opClass)));
    f.computeMs.push(n.computeMs);
    f.memoryMs.push(n.memoryMs);
  }
  return f;
}

/** Log-space parameters in the profile's units (fit.params of a profile JSON). */
export function profileParams(params: FitParams | readonly number[]): FitProfileParams {
  const p = Array.isArray(params) ? fromVector(params) : (params as FitParams);
  return {
    efficiency: { conv: Math.exp(p.logEffConv), depthwise: Math.exp(p.logEffDepthwise), matmul: Math.exp(p.logEffMatmul), other: Math.exp(p.logEffOther) },
    memoryPenalty: Math.exp(p.logMemoryPenalty),
    nodeOverheadMs: Math.exp(p.logNodeOverheadMs),
    overheadMs: Math.exp(p.logOverheadMs),
  };
}

/** A profile's fit.params back in log space (a user calibration's prior is centred there). */
export function logParams(p: FitProfileParams): FitParams {
  return {
    logEffConv: Math.log(p.efficiency.conv), logEffDepthwise: Math.log(p.efficiency.depthwise), logEffMatmul: Math.log(p.efficiency.matmul),
    logEffOther: Math.log(p.efficiency.other), logMemoryPenalty: Math.log(p.memoryPenalty), logNodeOverheadMs: Math.log(p.nodeOverheadMs),
    logOverheadMs: Math.log(p.overheadMs),
  };
}

/** The profile with fitted parameters in place of its hand-set efficiencies and overheads. */
export function applyFit(device: DeviceProfile, params: FitParams | readonly number[]): DeviceProfile {
  return withFitParams(device, profileParams(params));
}
