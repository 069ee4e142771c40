// Whole-model estimate on a device: latency, energy, peak RAM, flash and a verdict per resource, each with the
// assumption it rests on.

import type { DeviceProfile } from '../devices/types';
import { nodeRoofline } from './roofline';
import { controlRoofline, type ControlRoofline } from './control';
import type { Estimate, EstimateInput, EstimateOptions, FigureBound, NodeEstimate, ResourceVerdict, Verdict } from './types';
import { figureRange, spanOf } from './range';

/** fits/over from demand and budget; a lower bound within budget or an upper bound over it decides nothing. */
export function judge(demand: number, budget: number, bound?: FigureBound): Verdict {
  const within = demand <= budget;
  if (bound === 'lower' && within) return 'unknown';
  if (bound === 'upper' && !within) return 'unknown';
  return within ? 'fits' : 'over';
}

function verdict(demand: number, budget: number, unit: string, assumption: string, bound?: FigureBound): ResourceVerdict {
  const v = judge(demand, budget, bound);
  return {
    demand, budget, unit, assumption,
    utilization: budget > 0 ? demand / budget : demand > 0 ? Infinity : 0,
    fits: v === 'fits',
    headroom: budget - demand,
    ...(bound ? { bound } : {}),
    verdict: v,
  };
}

export function estimate(input: EstimateInput, device: DeviceProfile, options: EstimateOptions = {}): Estimate {
  const assumptions: string[] = [...(input.assumptions ?? [])];
  const notes = new Set<string>();
  const unsupportedDtypes = new Set<string>();
  const unsupportedOps = new Set<string>();
  const supportedOps = device.supportedOps ? new Set(device.supportedOps) : undefined;
  const fuses = device.fusesActivations === true;

  const nodes: NodeEstimate[] = [];
  let computeBoundMs = 0;
  let memoryBoundMs = 0;
  let nodeOverheadMs = 0;
  let nodesMs = 0;
  let runtimeWeights = 0;
  for (const cost of input.costs) {
    // Control-flow nodes are timed from the subgraph that runs, node by node (estimate/control.ts).
    const r = cost.body ? controlRoofline(cost, device, input.control?.model, input.control?.subgraphValues) : nodeRoofline(cost, device, input.convGeometry?.get(cost.index));
    if (cost.body) {
      const c = r as ControlRoofline;
      c.unsupportedDtypes.forEach((d) => unsupportedDtypes.add(d));
      c.notes.forEach((n) => notes.add(n));
      if (supportedOps) for (const op of c.bodyOps) if (!supportedOps.has(op)) unsupportedOps.add(op);
    } else if (!r.supported) unsupportedDtypes.add(cost.computeDtype);
    if (r.note) notes.add(r.note);
    const fusedInto = input.fusedNodes?.get(cost.index);
    const aheadOfTime = fusedInto !== undefined && fusedInto.startsWith('folded');
    if (supportedOps && !aheadOfTime && cost.opClass !== 'control' && !supportedOps.has(cost.opType)) unsupportedOps.add(cost.opType);
    // Ahead-of-time folds happen on every runtime; activation fusion only where the profile says the runtime fuses.
    const folded = fusedInto !== undefined && (aheadOfTime || fuses);
    const { supported: _s, note: _n, ...all } = r;
    const { bodyOps: _o, notes: _ns, unsupportedDtypes: _u, ...node } = all as Partial<ControlRoofline> & typeof all;
    if (folded) {
      nodes.push({ ...node, latencyMs: 0, computeMs: 0, memoryMs: 0, overheadMs: 0, fused: fusedInto });
      continue;
    }
    const factor = input.runtimeWeightNodes?.has(cost.index) ? device.runtimeWeightsFactor?.[cost.opClass] : undefined;
    if (factor !== undefined && factor !== 1) {
      node.computeMs *= factor;
      node.memoryMs *= factor;
      node.latencyMs = (node.latencyMs - node.overheadMs) * factor + node.overheadMs;
      runtimeWeights++;
    }
    nodes.push(node);
    if (node.bound === 'compute') computeBoundMs += node.latencyMs - node.overheadMs;
    else if (node.bound === 'memory') memoryBoundMs += node.latencyMs - node.overheadMs;
    nodeOverheadMs += node.overheadMs;
    nodesMs += node.latencyMs;
  }
  const latencyMs = nodesMs + device.overheadMs;
  const combine = device.overlap === false ? 'compute + memory time (no overlap)' : 'roofline max(compute, memory)';
  assumptions.push(
    `latency: per node ${combine}, compute = ops / (peak x class efficiency), memory = bytes / bandwidth, plus per-node dispatch and ${device.overheadMs} ms per inference, from profile '${device.id}'`,
  );
  if (runtimeWeights > 0) assumptions.push(`${runtimeWeights} node(s) take weights listed as graph inputs: ${device.id} cannot prepack them, timed at its measured slowdown`);
  if (device.channelBlock && device.channelBlock > 1) assumptions.push(`conv channel counts padded to multiples of ${device.channelBlock} (${device.id}'s kernels)`);
  if (fuses) assumptions.push(`${device.id}'s runtime fuses BatchNormalization and activations into the preceding Conv/Gemm (they cost nothing)`);
  for (const n of notes) assumptions.push(n);

  const energyMj = device.activePowerW * latencyMs;
  const fittedPower = device.fit?.activePowerW !== undefined;
  assumptions.push(`energy: active power ${device.activePowerW} W x latency (${fittedPower ? `fitted to ${device.fit!.energyEvidencePoints ?? 0} measured energies` : 'datasheet/typical power, not measured'})`);
  const range = figureRange(device);
  const latencyMsRange = spanOf(latencyMs, range.latencyLogSpread, range.level);
  const energyMjRange = spanOf(energyMj, range.energyLogSpread, range.level);
  assumptions.push(`ranges: ${Math.round(range.level * 100)}% interval, ${range.basis}${range.evidencePoints > 0 ? ` (${range.evidencePoints} measured inferences behind ${device.id})` : ''}`);
  let energyPerPeriodMj: number | undefined;
  let averagePowerW: number | undefined;
  if (options.periodMs !== undefined && options.periodMs > 0) {
    const idleMs = Math.max(0, options.periodMs - latencyMs);
    energyPerPeriodMj = energyMj + device.idlePowerW * idleMs;
    averagePowerW = energyPerPeriodMj / options.periodMs;
    assumptions.push(`energy per period: idle ${device.idlePowerW} W for the rest of each ${round(options.periodMs)} ms period`);
  }

  const runtimeRam = device.runtimeRamBytes ?? 0;
  const weightsInRam = device.executeInPlace ? 0 : input.weightBytes;
  const deployed = input.deployment;
  const persistent = deployed?.persistentBytes ?? 0;
  const peakRamBytes = input.arenaBytes + persistent + weightsInRam + runtimeRam;
  const memory = verdict(peakRamBytes, device.ramBytes, 'bytes',
    `RAM = activation arena ${input.arenaBytes} B${input.activationView ? ` (${input.activationView})` : ''}` +
      (deployed ? ` + ${deployed.runtime} persistent ≈ ${persistent} B` : '') +
      (device.executeInPlace ? ' (weights execute in place from flash)' : ` + weights ${input.weightBytes} B copied to RAM`) +
      ` + runtime ${runtimeRam} B` + (input.bounds?.memory ? `; a ${input.bounds.memory} bound: ${input.bounds.why?.memory ?? 'some activations are bounds'}` : ''),
    input.bounds?.memory);
  const runtimeFlash = device.runtimeFlashBytes ?? 0;
  // A format whose runtime reads the model file in place (TFLite on TFLM) occupies its whole file in flash: the weights
  // plus the graph, quantization and metadata around them.
  const modelFlash = input.weightBytes + (deployed?.flashOverheadBytes ?? 0);
  const flashBytes = modelFlash + runtimeFlash;
  const storage = verdict(flashBytes, device.flashBytes, 'bytes',
    (deployed ? `flash = the model file as ${deployed.runtime} reads it in place, ${modelFlash} B: weights ${input.weightBytes} B + graph, quantization and metadata ${deployed.flashOverheadBytes} B` : `flash = weights ${input.weightBytes} B as stored in the model`) + ` + runtime code ${runtimeFlash} B`);
  if (deployed) assumptions.push(deployed.persistentBasis);
  if (device.maxWeightBytes !== undefined && input.weightBytes > device.maxWeightBytes) {
    assumptions.push(`weights (${input.weightBytes} B) exceed the ${device.maxWeightBytes} B the accelerator holds on-chip: they stream from external memory, so latency is optimistic`);
  }
  assumptions.push(memory.assumption, storage.assumption);
  let compute: ResourceVerdict | undefined;
  const deadlineMs = options.deadlineMs ?? options.periodMs;
  if (deadlineMs !== undefined) {
    compute = verdict(latencyMs, deadlineMs, 'ms',
      (options.deadlineMs !== undefined ? `deadline ${round(deadlineMs)} ms per inference` : `one inference per ${round(deadlineMs)} ms frame period`) +
        (input.bounds?.latency ? `; latency is a ${input.bounds.latency} bound: ${input.bounds.why?.latency ?? 'some node costs are bounds'}` : ''),
      input.bounds?.latency);
  }

  return {
    device: device.id, deviceName: device.name, latencyMs, energyMj,
    latencyMsRange, energyMjRange, evidencePoints: range.evidencePoints,
    range: { level: range.level, fit: range.fitLevel, basis: range.basis },
    ...(energyPerPeriodMj !== undefined ? { energyPerPeriodMj, averagePowerW } : {}),
    peakRamBytes, ram: {
      arenaBytes: input.arenaBytes, weightBytes: weightsInRam, runtimeBytes: runtimeRam, ...(persistent ? { persistentBytes: persistent } : {}),
      ...(input.activationView ? { view: input.activationView } : {}),
    },
    flashBytes, computeBoundMs, memoryBoundMs, overheadMs: nodeOverheadMs + device.overheadMs,
    fits: {
      memory: memory.fits, storage: storage.fits, dtypes: unsupportedDtypes.size === 0, operators: unsupportedOps.size === 0,
      ...(compute ? { compute: compute.fits } : {}),
    },
    resources: { memory, storage, ...(compute ? { compute } : {}) },
    unsupportedDtypes: [...unsupportedDtypes], unsupportedOps: [...unsupportedOps],
    nodes, assumptions,
    ...(input.bounds ? { bounds: input.bounds } : {}),
  };
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}
