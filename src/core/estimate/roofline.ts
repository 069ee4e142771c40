// Roofline latency of one node on one device: max(compute time, memory time) plus the per-node dispatch cost.

import type { NodeCost } from '../cost/types';
import type { DeviceProfile } from '../devices/types';
import { choosePeak } from './dtype';
import { channelPadFactor, type ConvGeometry } from './geometry';
import type { NodeEstimate } from './types';

const ARITHMETIC = new Set(['conv', 'depthwise', 'matmul', 'recurrent']);
/** Ops that only relabel a tensor's shape: runtimes hand out a view of the same buffer, so no bytes move. */
const VIEW_OPS = new Set(['Reshape', 'Flatten', 'Squeeze', 'Unsqueeze']);

/** Operations a node performs: FLOPs, and at least 2 per MAC (some cost models count MACs only). */
export function nodeOps(cost: NodeCost): number {
  return Math.max(cost.flops, 2 * cost.macs);
}

export interface NodeRoofline extends NodeEstimate {
  supported: boolean;
  note?: string;
}

export function nodeRoofline(cost: NodeCost, device: DeviceProfile, geometry?: ConvGeometry): NodeRoofline {
  const needsArithmetic = ARITHMETIC.has(cost.opClass) && cost.macs > 0;
  const peak = choosePeak(device, cost.computeDtype, needsArithmetic);
  const efficiency = device.efficiency[cost.opClass] ?? 1;
  const ops = nodeOps(cost) * (geometry && device.channelBlock ? channelPadFactor(geometry, device.channelBlock) : 1);
  const computeMs = ops > 0 && efficiency > 0 ? (ops / (peak.opsPerSecond * efficiency)) * 1000 : 0;

  // Bytes that fit in the cache move at cache speed; weights read in place from flash move at flash speed.
  const inCache = device.cache !== undefined && cost.memoryBytes <= device.cache.bytes;
  const ramBw = inCache ? device.cache!.bandwidthBytesPerSecond : device.memoryBandwidthBytesPerSecond;
  const weightBw = device.executeInPlace && device.flashBandwidthBytesPerSecond !== undefined
    ? device.flashBandwidthBytesPerSecond : ramBw;
  const activationBytes = VIEW_OPS.has(cost.opType) && cost.domain === '' ? 0 : Math.max(0, cost.memoryBytes - cost.weightBytes);
  const memEff = device.memoryEfficiency?.[cost.opClass] ?? 1;
  const memoryMs = memEff > 0 ? ((activationBytes / ramBw + cost.weightBytes / weightBw) * 1000) / memEff : 0;

  const overheadMs = device.nodeOverheadMs?.[cost.opClass] ?? 0;
  const roof = device.overlap === false ? computeMs + memoryMs : Math.max(computeMs, memoryMs);
  const bound = roof === 0 && overheadMs > 0 ? 'overhead' : computeMs >= memoryMs ? 'compute' : 'memory';
  return {
    index: cost.index, name: cost.name, opType: cost.opType, opClass: cost.opClass, dtype: peak.dtype,
    latencyMs: roof + overheadMs, computeMs, memoryMs, overheadMs, bound,
    supported: peak.supported, ...(peak.note ? { note: peak.note } : {}),
  };
}
