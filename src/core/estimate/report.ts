// Builds the estimator input from an analysis and the `estimate` object of `aiot-lens analyze --device`.

import type { NodeCost } from '../cost/types';
import type { DeviceProfile } from '../devices/types';
import type { Model } from '../onnx/ir';
import type { ShapeInference } from '../shapes/types';
import type { AnalysisReport, TensorDesc } from '../analyze/report';
import { dtypeByteSize, isDType } from '../onnx/dtype';
import { estimate } from './estimate';
import { findFusedNodes } from './fusion';
import { qdqView } from './qdq';
import { planActivations, type ActivationPlan } from '../memory/kernels';
import { bestPlan, plansFor, planUnusable, type PlanName } from '../memory/plans';
import { convGeometry, runtimeWeightNodes } from './geometry';
import type { Estimate, EstimateInput, EstimateOptions, EstimateReport } from './types';

/** The parts of an analysis the estimator reads (structural, so passes can hand in transformed analyses). */
export interface AnalysisLike {
  model?: Model;
  shapes?: ShapeInference;
  cost: { nodes: NodeCost[]; totals: { weightBytes: number; partialNodes?: number; upperBoundNodes?: number } };
  /** The analysis's activation plan (memory/kernels.ts: QDQ as int8 kernels, control-flow bodies inlined). */
  memory: { arenaBytes: number; peakActivationBytes: number; view?: string; order?: number[]; unknownTensors?: string[]; bound?: 'upper' };
  report: AnalysisReport;
  /** The activation plan the user picked (`--plan`); otherwise the device's runtime decides (DeviceProfile.memoryPlans). */
  memoryPlan?: PlanName;
}

/**
 * The activation plan on a device: the analysis's own, re-planned only when the device's kernels hold some tensors at
 * another type (float16 widened to float32 where the device has no float16 arithmetic).
 */
export function devicePlan(a: AnalysisLike, device?: DeviceProfile): { arenaBytes: number; peakActivationBytes: number; view?: string } {
  const base = tensorPlan(a, device);
  // The plan the user picked (`--plan`), else the best of those the device's runtime executes (per-tensor by default).
  const allowed: readonly PlanName[] = a.memoryPlan ? [a.memoryPlan] : device?.memoryPlans ?? ['per-tensor'];
  if ((allowed.length === 1 && allowed[0] === 'per-tensor') || !a.model || !a.shapes || !('buffers' in base)) return base;
  const plans = plansFor({ model: a.model, shapes: a.shapes, memory: base as ActivationPlan, cost: { nodes: a.cost.nodes, totals: { macs: a.cost.nodes.reduce((t, n) => t + n.macs, 0) } } },
    device ? { kernelDtypes: device.dtypes } : {});
  const best = bestPlan(plans, allowed);
  const why = allowed.filter((p) => p !== best.plan).map((p) => {
    const u = planUnusable(plans, p);
    return u ? `${p}: ${u}` : '';
  }).filter(Boolean);
  return { ...best.figures, view: `${base.view ?? 'as stored in the model'}; ${best.plan} plan${why.length ? ` (${why.join('; ')})` : ''}` };
}

/** The per-tensor plan on a device (see devicePlan). */
function tensorPlan(a: AnalysisLike, device?: DeviceProfile): AnalysisLike['memory'] {
  if (!device || !a.model || !a.shapes) return a.memory;
  const lacks = (d: 'float16' | 'bfloat16') => !device.dtypes.includes(d);
  if (!lacks('float16') && !lacks('bfloat16')) return a.memory;
  // Only activations matter here: float16 weights (a .tflite's DEQUANTIZE inputs, an fp16 ONNX's initializers) are
  // not in the arena, and re-planning for them alone would drop nothing but the format's planner rules.
  const constants = new Set(a.model.graph.initializers.map((t) => t.name));
  let narrow = false;
  for (const [name, f] of a.shapes.values) {
    if (constants.has(name)) continue;
    if ((f.dtype === 'float16' && lacks('float16')) || (f.dtype === 'bfloat16' && lacks('bfloat16'))) { narrow = true; break; }
  }
  if (!narrow) return a.memory;
  const deployment = a.model.deployment;
  return planActivations(a.model, a.shapes, {
    kernelDtypes: device.dtypes, target: device.id, ...(a.memory.order ? { order: a.memory.order } : {}), ...(deployment ? { rules: deployment.arena } : {}),
  });
}

export function tensorBytes(t: TensorDesc): number | undefined {
  if (!t.shape || !isDType(t.dtype)) return undefined;
  let n = 1;
  for (const d of t.shape) {
    if (typeof d !== 'number') return undefined;
    n *= d;
  }
  return dtypeByteSize(t.dtype, n);
}

function sumBytes(list: TensorDesc[]): number | undefined {
  let total = 0;
  for (const t of list) {
    const b = tensorBytes(t);
    if (b === undefined) return undefined;
    total += b;
  }
  return total;
}

/**
 * The estimator's input for an analysis. With a device, activations are sized as that device's kernels hold them
 * (see devicePlan); without one, as the analysis planned them.
 */
export function estimateInputOf(a: AnalysisLike, device?: DeviceProfile): EstimateInput {
  const byDtype: Record<string, number> = {};
  for (const t of a.model?.graph.initializers ?? []) {
    let n = 1;
    for (const d of t.dims) n *= d;
    byDtype[t.dtype] = (byDtype[t.dtype] ?? 0) + dtypeByteSize(t.dtype, n);
  }
  const inputBytes = sumBytes(a.report.inputs);
  const outputBytes = sumBytes(a.report.outputs);
  // A QDQ-quantized model runs as int8 kernels: its DQ → op → Q islands fused, activations stored in int8.
  const qdq = a.model && a.shapes ? qdqView(a.model, a.shapes.values, a.cost.nodes) : undefined;
  const fused = a.model ? findFusedNodes(a.model, a.shapes?.values) : undefined;
  if (qdq && fused) for (const [i, why] of qdq.folded) if (!fused.has(i)) fused.set(i, why);
  const assumptions = [...(a.report.assumptions ?? [])];
  if (qdq) assumptions.push(`${qdq.islands} quantize/dequantize islands run as fused int8 kernels, activations stored as int8 (as ORT, TFLite and the MCU toolchains run QDQ models)`);
  const plan = devicePlan(a, device);
  const bounds = boundsOf(a, inputBytes === undefined);
  const deployment = a.model?.deployment;
  if (deployment) assumptions.push(...deployment.arena.basis);
  return {
    ...(bounds ? { bounds } : {}),
    costs: qdq ? qdq.costs : a.cost.nodes,
    arenaBytes: plan.arenaBytes,
    peakActivationBytes: plan.peakActivationBytes,
    ...(plan.view ? { activationView: plan.view } : {}),
    weightBytes: a.cost.totals.weightBytes,
    weightBytesByDtype: byDtype,
    ...(inputBytes !== undefined ? { inputBytes } : {}),
    ...(outputBytes !== undefined ? { outputBytes } : {}),
    ...(deployment ? {
      deployment: {
        runtime: deployment.runtime, flashOverheadBytes: Math.max(0, deployment.flashBytes - a.cost.totals.weightBytes), flashBasis: deployment.flashBasis,
        persistentBytes: deployment.persistentBytes, persistentBasis: deployment.persistentBasis,
      },
    } : {}),
    ...(a.model ? {
      fusedNodes: fused,
      convGeometry: convGeometry(a.model, a.shapes?.values),
      runtimeWeightNodes: runtimeWeightNodes(a.model),
      ...(a.shapes ? { control: { model: a.model, subgraphValues: a.shapes.subgraphs } } : {}),
    } : {}),
    assumptions,
  };
}

/** Which of an analysis's figures are bounds, and why (unknown shapes, an If of unknown condition). */
export function boundsOf(a: AnalysisLike, inputUnknown: boolean): EstimateInput['bounds'] | undefined {
  const partial = a.cost.totals.partialNodes ?? 0;
  const upper = a.cost.totals.upperBoundNodes ?? 0;
  const unknown = a.memory.unknownTensors?.length ?? 0;
  const b: NonNullable<EstimateInput['bounds']> = { why: {} };
  if (partial > 0) {
    b.latency = 'lower';
    b.why!.latency = `${partial} node(s) have unknown shapes, so their work is left out`;
  } else if (upper > 0) {
    b.latency = 'upper';
    b.why!.latency = `${upper} If node(s) of unknown condition are costed with their costlier branch`;
  }
  if (unknown > 0) {
    b.memory = 'lower';
    b.why!.memory = `${unknown} activation(s) of unknown size are left out`;
  } else if (a.memory.bound === 'upper') {
    b.memory = 'upper';
    b.why!.memory = 'an If of unknown condition is planned with its larger branch';
  }
  if (inputUnknown) b.inputBytes = 'lower';
  return b.latency || b.memory || b.inputBytes ? b : undefined;
}

export function toReport(e: Estimate, warnings: string[] = []): EstimateReport {
  const w = [...warnings];
  const undecided = (['memory', 'storage', 'compute'] as const).filter((k) => e.resources[k]?.verdict === 'unknown');
  for (const k of undecided) {
    const r = e.resources[k]!;
    w.push(`${k === 'memory' ? 'RAM' : k === 'storage' ? 'flash' : 'latency'} is a ${r.bound} bound (${(k === 'memory' ? e.bounds?.why?.memory : e.bounds?.why?.latency) ?? 'unknown shapes'}): no fit verdict until the inputs are pinned (--input-shape, --value)`);
  }
  if (!e.fits.dtypes) w.push(`${e.device} cannot run ${e.unsupportedDtypes.join(', ')} arithmetic: quantize the model first`);
  if (!e.fits.operators) w.push(`${e.device} does not support ${e.unsupportedOps.join(', ')}`);
  return {
    device: e.device,
    latencyMs: e.latencyMs,
    energyMj: e.energyMj,
    latencyMsRange: e.latencyMsRange,
    energyMjRange: e.energyMjRange,
    evidencePoints: e.evidencePoints,
    range: e.range,
    peakRamBytes: e.peakRamBytes,
    ...(e.ram ? { ram: e.ram } : {}),
    flashBytes: e.flashBytes,
    fits: e.fits,
    headroom: {
      memoryBytes: e.resources.memory.headroom,
      storageBytes: e.resources.storage.headroom,
      ...(e.resources.compute ? { computeMs: e.resources.compute.headroom } : {}),
    },
    nodes: e.nodes.map((n) => ({ name: n.name, opType: n.opType, latencyMs: n.latencyMs, bound: n.bound, ...(n.fused ? { fused: n.fused } : {}) })),
    assumptions: e.assumptions,
    warnings: w,
    ...(e.bounds && (e.bounds.latency || e.bounds.memory) ? { bounds: { ...(e.bounds.latency ? { latency: e.bounds.latency } : {}), ...(e.bounds.memory ? { memory: e.bounds.memory } : {}) } } : {}),
    ...(undecided.length ? { undecided: [...undecided] } : {}),
  };
}

/** The `estimate` object for `analyze --device ID --json`. */
export function estimateReport(analysis: AnalysisLike, device: DeviceProfile, options: EstimateOptions = {}): EstimateReport {
  const warnings = analysis.report.warnings.some((x) => /lower bound/.test(x))
    ? ['some node costs are lower bounds (unknown shapes or operators without a cost model), so latency is too']
    : [];
  return toReport(estimate(estimateInputOf(analysis, device), device, options), warnings);
}
