// Device–edge–cloud split search (Neurosurgeon-style): time and device energy of every cut on a device profile, a
// link profile and a remote profile, and the best cut for an objective.

import type { Analysis } from '../analyze';
import type { DeviceProfile, LinkProfile } from '../devices/types';
import { estimate, estimateInputOf, figureRange, spanOf } from '../estimate';
import { enumerateCuts, topologicalOrder, type Compression, type CrossingTensor } from './cuts';
import { err, ok, type Result } from '../result';

export type Objective = 'latency' | 'energy' | 'mix';

export interface SplitOptions {
  objective?: Objective;
  /** For 'mix': weight of latency (0..1) against device energy, each normalised by the all-on-device figure. */
  latencyWeight?: number;
  compression?: Compression;
}

export interface CutEvaluation {
  index: number;
  afterNode: string;
  tensors: CrossingTensor[];
  /** Bytes uploaded per inference. */
  bytes: number;
  downloadBytes: number;
  deviceMs: number;
  linkMs: number;
  remoteMs: number;
  totalMs: number;
  /** Intervals of the device and remote parts from their profiles' fits; total adds the ends (the link time is exact). */
  deviceMsRange: [number, number];
  remoteMsRange: [number, number];
  totalMsRange: [number, number];
  /** Device compute + radio + idle while waiting for the remote result. */
  deviceEnergyMj: number;
  radioEnergyMj: number;
}

export interface SplitResult {
  device: string;
  remote: string;
  link: string;
  objective: Objective;
  /** For 'mix': the weight of latency against device energy. */
  latencyWeight: number;
  compression: Compression;
  best: CutEvaluation;
  cuts: CutEvaluation[];
  baseline: { allDevice: CutEvaluation; allRemote: CutEvaluation };
  /** Speed-up and energy saving of the best cut against running everything on the device. */
  gain: { latencyX: number; deviceEnergySaving: number };
  /** Cut points left out because a crossing tensor's size is unknown. */
  skippedCuts: number;
  assumptions: string[];
}

/** Evaluates every cut of an analysed model. */
export function searchSplit(
  analysis: Analysis,
  device: DeviceProfile,
  link: LinkProfile,
  remote: DeviceProfile,
  options: SplitOptions = {},
): Result<SplitResult> {
  const graph = analysis.model.graph;
  const order = topologicalOrder(graph);
  if (!order) return err('invalid-model', 'the graph has a cycle, so it has no execution order to cut');
  const compression = options.compression ?? 'none';
  const set = enumerateCuts(graph, analysis.shapes.values, order, compression);
  if (set.cuts.length === 0) return err('invalid-model', 'no cut has known tensor sizes: pin the inputs with --input-shape');

  const onDevice = estimate(estimateInputOf(analysis, device), device);
  const onRemote = estimate(estimateInputOf(analysis, remote), remote);
  const devMs = new Float64Array(graph.nodes.length);
  const remMs = new Float64Array(graph.nodes.length);
  for (const n of onDevice.nodes) devMs[n.index] = n.latencyMs;
  for (const n of onRemote.nodes) remMs[n.index] = n.latencyMs;
  // Prefix sums over the order: device time of order[0..k), remote time of order[k..].
  const prefix = new Float64Array(order.length + 1);
  for (let k = 0; k < order.length; k++) prefix[k + 1] = prefix[k]! + devMs[order[k]!]!;
  const suffix = new Float64Array(order.length + 1);
  for (let k = order.length - 1; k >= 0; k--) suffix[k] = suffix[k + 1]! + remMs[order[k]!]!;

  const devRange = figureRange(device);
  const remRange = figureRange(remote);
  const upBps = link.uplinkBitsPerSecond;
  const downBps = link.downlinkBitsPerSecond ?? link.uplinkBitsPerSecond;
  const cuts: CutEvaluation[] = set.cuts.map((c) => {
    const k = c.index;
    const deviceMs = k > 0 ? prefix[k]! + device.overheadMs : 0;
    const remoteWork = k < order.length;
    const remoteMs = remoteWork ? suffix[k]! + remote.overheadMs : 0;
    const upMs = remoteWork ? (c.bytes * 8 * 1000) / upBps : 0;
    const downMs = remoteWork ? (c.downloadBytes * 8 * 1000) / downBps : 0;
    const linkMs = remoteWork ? link.rttMs + upMs + downMs : 0;
    const radioEnergyMj = remoteWork ? radioEnergy(link, c.bytes + c.downloadBytes, upMs + downMs) : 0;
    // While the link and the remote side work, the device waits at idle power.
    const waitMs = remoteWork ? link.rttMs + remoteMs : 0;
    const deviceEnergyMj = device.activePowerW * deviceMs + radioEnergyMj + device.idlePowerW * waitMs;
    const deviceMsRange = spanOf(deviceMs, devRange.latencyLogSpread, devRange.level);
    const remoteMsRange = spanOf(remoteMs, remRange.latencyLogSpread, remRange.level);
    return {
      index: k, afterNode: c.afterNode, tensors: c.tensors, bytes: remoteWork ? c.bytes : 0, downloadBytes: c.downloadBytes,
      deviceMs, linkMs, remoteMs, totalMs: deviceMs + linkMs + remoteMs,
      deviceMsRange, remoteMsRange, totalMsRange: [deviceMsRange[0] + linkMs + remoteMsRange[0], deviceMsRange[1] + linkMs + remoteMsRange[1]],
      deviceEnergyMj, radioEnergyMj,
    };
  });
  const allDevice = cuts.find((c) => c.index === order.length);
  const allRemote = cuts.find((c) => c.index === 0);
  if (!allDevice || !allRemote) return err('invalid-model', 'the model input or output sizes are unknown: pin the inputs with --input-shape');

  const objective = options.objective ?? 'latency';
  const w = Math.min(1, Math.max(0, options.latencyWeight ?? 0.5));
  const score = (c: CutEvaluation) => scoreCut(objective, w, allDevice, c);
  // Ties go to the later cut: the less that leaves the device, the better for privacy and link load.
  let best = cuts[0]!;
  for (const c of cuts) if (score(c) < score(best) || (score(c) === score(best) && c.index > best.index)) best = c;

  const assumptions = [
    `device part: ${device.id} estimates (${onDevice.assumptions[0] ?? 'roofline'}); remote part: ${remote.id}`,
    `link ${link.id}: ${link.uplinkBitsPerSecond / 1e6} Mbit/s up, ${downBps / 1e6} Mbit/s down, RTT ${link.rttMs} ms once per offloaded inference`,
    link.energyPerBitNj !== undefined
      ? `radio energy: ${link.energyPerBitNj} nJ per bit sent or received`
      : `radio energy: TX power ${link.txPowerW ?? 0} W while sending or receiving`,
    `the device idles at ${device.idlePowerW} W while waiting for the remote result; remote energy is not charged to the device`,
    compression === 'none' ? 'crossing tensors are sent in their own dtype'
      : `float crossing tensors are sent as ${compression} (the codec's own time is not counted)`,
  ];
  return ok({
    device: device.id, remote: remote.id, link: link.id, objective, latencyWeight: w, compression, best, cuts,
    baseline: { allDevice, allRemote },
    gain: {
      latencyX: best.totalMs > 0 ? allDevice.totalMs / best.totalMs : 1,
      deviceEnergySaving: allDevice.deviceEnergyMj > 0 ? 1 - best.deviceEnergyMj / allDevice.deviceEnergyMj : 0,
    },
    skippedCuts: set.unknown.length,
    assumptions,
  });
}

function scoreCut(objective: Objective, w: number, allDevice: CutEvaluation, c: CutEvaluation): number {
  return objective === 'latency' ? c.totalMs
    : objective === 'energy' ? c.deviceEnergyMj
      : w * (c.totalMs / allDevice.totalMs) + (1 - w) * (c.deviceEnergyMj / allDevice.deviceEnergyMj);
}

/** What the search minimised for this cut (lower is better): total ms, device mJ, or the normalised mix. */
export function cutScore(r: SplitResult, c: CutEvaluation): number {
  return scoreCut(r.objective, r.latencyWeight, r.baseline.allDevice, c);
}

function radioEnergy(link: LinkProfile, bytes: number, airMs: number): number {
  if (link.energyPerBitNj !== undefined) return (bytes * 8 * link.energyPerBitNj) / 1e6; // nJ → mJ
  return (link.txPowerW ?? 0) * airMs;
}
