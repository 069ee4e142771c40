// The bottleneck advisor: the survey's workflow of measuring the five resources against the budget, naming the
// binding one and the module behind it, then ranking techniques by re-running the estimator on each transformed
// model or setting.

import { analyzeModel, type Analysis } from '../analyze';
import type { DeviceProfile } from '../devices/types';
import { estimate } from '../estimate/estimate';
import { estimateInputOf } from '../estimate/report';
import type { Estimate, EstimateInput } from '../estimate/types';
import { beamSchedule, PASSES } from '../passes';
import type { Shape } from '../onnx/ir';
import { planMemory } from '../memory';
import { searchSplit, topologicalOrder } from '../partition';
import { afterOf, bindingResource, moduleOf, periodMs, resourcesOf } from './resources';
import { quantizeInput, reduceInput } from './transforms';
import type { Advice, AdviseOptions, ResourceDemand, ResourceName, Suggestion } from './types';

interface Candidate extends Omit<Suggestion, 'estimate'> {
  resourcesAfter: ResourceDemand[];
  after: Estimate;
  linkBytesPerSecond?: number;
}

function evaluate(input: EstimateInput, device: DeviceProfile, o: AdviseOptions): { e: Estimate; r: ResourceDemand[] } {
  const e = estimate(input, device, { periodMs: periodMs(o).ms, ...(o.latencyMs ? { deadlineMs: o.latencyMs } : {}) });
  return { e, r: resourcesOf(e, input, device, o, o.link) };
}

export async function advise(analysis: Analysis, device: DeviceProfile, o: AdviseOptions = {}): Promise<Advice> {
  const model = o.modelPath ?? analysis.path ?? 'MODEL';
  const dev = o.deviceArgs ?? `--device ${device.id}`;
  const input = estimateInputOf(analysis, device);
  const base = evaluate(input, device, o);
  const binding = bindingResource(base.r);
  const mod = moduleOf(binding, base.e, input, device, o);
  const assumptions = [...base.e.assumptions];
  if (periodMs(o).assumed) assumptions.push('no --fps or --latency-ms given: one inference per second assumed for energy and link rates');

  const candidates: Candidate[] = [];
  const add = (c: Omit<Candidate, 'resourcesAfter' | 'after'>, next: EstimateInput, overrideOptions?: Partial<AdviseOptions>) => {
    const opts = { ...o, ...(overrideOptions ?? {}) };
    const { e, r } = evaluate(next, device, opts);
    candidates.push({ ...c, after: e, resourcesAfter: r });
  };
  const out = (suffix: string) => model.replace(/\.onnx$/i, '') + `.${suffix}.onnx`;

  add({ technique: 'int8 quantization (weights and activations)', module: 'model', resources: ['storage', 'memory', 'compute', 'energy'],
    command: `aiot-lens optimize ${model} --passes fold-bn,int8-static -o ${out('int8')}` }, quantizeInput(input, 'int8'));
  add({ technique: 'float16 weights and compute', module: 'model', resources: ['storage', 'memory', 'compute', 'energy'],
    command: `aiot-lens optimize ${model} --passes fp16 -o ${out('fp16')}` }, quantizeInput(input, 'float16'));

  // Pruning and low-rank: the real pass when the registry has it (re-analyzed), else an analytic reduction.
  const conv = new Set(['conv', 'depthwise', 'matmul']);
  const matmul = new Set(['matmul']);
  const pruned = await passAnalysis(analysis, 'prune', { channelSparsity: 0.3, sparsity: 0, inputShapes: o.inputShapes });
  const pruneCommand = `aiot-lens optimize ${model} --passes prune --channel-sparsity 0.3 --sparsity 0 -o ${out('pruned')}`;
  if (pruned === 'missing') {
    add({ technique: 'structured pruning (30% of conv channels)', module: 'model', resources: ['compute', 'storage', 'memory', 'energy'],
      command: pruneCommand, analytic: true, note: 'estimated analytically: 30% of channels removed keeps ~49% of conv MACs and weights (0.7 x 0.7)' },
    reduceInput(input, 0.49, conv, 'analytic structured pruning: 0.7 x 0.7 of conv/matmul work and weights kept'));
  } else if (pruned !== 'unchanged') {
    add({ technique: 'structured pruning (30% of conv output channels, prune pass)', module: 'model', resources: ['compute', 'storage', 'memory', 'energy'],
      command: pruneCommand }, estimateInputOf(pruned));
  }
  if (input.costs.some((c) => c.opClass === 'matmul' && c.weightBytes > 0)) {
    const lowRank = await passAnalysis(analysis, 'low-rank', { energy: 0.95, inputShapes: o.inputShapes });
    const command = `aiot-lens optimize ${model} --passes low-rank --energy 0.95 -o ${out('lowrank')}`;
    if (lowRank === 'missing') {
      add({ technique: 'low-rank factorization of Gemm/MatMul weights', module: 'model', resources: ['compute', 'storage', 'energy'], command,
        analytic: true, note: 'estimated analytically: rank halved, so Gemm/MatMul MACs and weights halve' },
      reduceInput(input, 0.5, matmul, 'analytic low-rank: half of Gemm/MatMul work and weights'));
    } else if (lowRank === 'unchanged') {
      add({ technique: 'low-rank factorization of Gemm/MatMul weights', module: 'model', resources: ['compute', 'storage', 'energy'], command,
        note: 'the low-rank pass finds no weight whose factorization keeping 95% of the energy saves anything (try --rank R)' }, input);
    } else {
      add({ technique: 'low-rank factorization of Gemm/MatMul weights (95% energy)', module: 'model', resources: ['compute', 'storage', 'energy'], command },
        estimateInputOf(lowRank));
    }
  }

  // Operator reordering: a real memory-aware schedule, re-planned.
  const order = beamSchedule(analysis.model.graph, analysis.shapes.values, analysis.model.graph.nodes.length <= 300 ? 24 : 4);
  if (order) {
    const plan = planMemory(analysis.model.graph, analysis.shapes.values, { order });
    if (plan.arenaBytes < analysis.memory.arenaBytes) {
      add({ technique: 'operator reordering for peak memory', module: 'model', resources: ['memory'],
        command: `aiot-lens optimize ${model} --passes reorder -o ${out('reordered')}` },
      { ...input, arenaBytes: plan.arenaBytes, peakActivationBytes: plan.peakActivationBytes });
    }
  }

  // Smaller input resolution: shape inference and cost re-run with the new input shape.
  const resized = smallerInput(analysis, o.inputShapes);
  if (resized) {
    const shapeArg = Object.entries(resized.shapes).map(([n, s]) => `--input-shape ${n}=${s.join('x')}`).join(' ');
    const command = PASSES['resize-input']
      ? `aiot-lens optimize ${model} --passes resize-input ${shapeArg} -o ${out('resized')}`
      : `aiot-lens advise ${model} ${dev} ${shapeArg}`;
    add({ technique: `smaller input resolution (${resized.label})`, module: 'sensor data', resources: ['compute', 'memory', 'energy', 'communication'],
      command, note: 'accuracy at the new resolution needs fine-tuning; the estimate re-runs shape inference and cost at it' },
    estimateInputOf(resized.analysis));
  }

  // Lower frame rate / skip frames with an input filter.
  if (o.fps) {
    add({ technique: `lower frame rate or skip 50% of frames with an input filter (${o.fps} → ${o.fps / 2} fps)`, module: 'sensor data',
      resources: ['compute', 'energy', 'communication'], command: `aiot-lens advise ${model} ${dev} --fps ${o.fps / 2}` },
    input, { fps: o.fps / 2 });
  }

  // Partitioning: offload the whole model over the link to an edge device.
  if (o.link && o.edge) {
    const c = offload(analysis, input, device, o, model, dev);
    if (c) candidates.push(c);
  }

  const suggestions = rank(candidates, binding.name).map((c): Suggestion => ({
    technique: c.technique, module: c.module, resources: c.resources,
    estimate: afterOf(c.resourcesAfter, c.after, c.linkBytesPerSecond), command: c.command,
    ...(c.analytic ? { analytic: true } : {}), ...(c.note ? { note: c.note } : {}),
  }));
  return {
    device: device.id, model, resources: base.r,
    bottleneck: { resource: binding.name, module: mod.module, fits: binding.fits, reason: mod.reason },
    suggestions, assumptions,
  };
}

/** Runs a registered pass (prune, low-rank) and re-analyzes the result; 'missing' when the pass is not available. */
async function passAnalysis(a: Analysis, name: string, options: Record<string, unknown>): Promise<Analysis | 'missing' | 'unchanged'> {
  const pass = PASSES[name];
  if (!pass) return 'missing';
  try {
    const r = await pass.run(a.model, options);
    if (!r.ok) return 'missing';
    if (!r.value.changed) return 'unchanged';
    return analyzeModel(r.value.model, { inputShapes: options['inputShapes'] as Record<string, Shape> | undefined });
  } catch {
    return 'missing';
  }
}

/** 4-D image-like inputs (NCHW or NHWC) scaled to 3/4 of their spatial size, rounded to a multiple of 8. */
function smallerInput(a: Analysis, pinned?: Record<string, Shape>): { analysis: Analysis; shapes: Record<string, number[]>; label: string } | undefined {
  const shapes: Record<string, number[]> = {};
  const labels: string[] = [];
  for (const t of a.report.inputs) {
    const s = t.shape;
    if (!s || s.length !== 4 || s.some((d) => typeof d !== 'number')) continue;
    const dims = s as number[];
    const nhwc = dims[3]! <= 4 && dims[1]! > 4;
    const [h, w] = nhwc ? [1, 2] : [2, 3];
    if (dims[h]! < 32 || dims[w]! < 32) continue;
    const next = [...dims];
    next[h] = Math.max(8, Math.round((dims[h]! * 0.75) / 8) * 8);
    next[w] = Math.max(8, Math.round((dims[w]! * 0.75) / 8) * 8);
    shapes[t.name] = next;
    labels.push(`${t.name} ${dims[h]}x${dims[w]} → ${next[h]}x${next[w]}`);
  }
  if (labels.length === 0) return undefined;
  try {
    const analysis = analyzeModel(a.model, { inputShapes: { ...(pinned ?? {}), ...shapes } });
    if (analysis.cost.totals.partialNodes > a.cost.totals.partialNodes) return undefined; // the model does not accept other sizes
    return { analysis, shapes, label: labels.join(', ') };
  } catch {
    return undefined;
  }
}

/**
 * Partitioning to an edge device: the split search's best cut (which may be "send the raw input"), with the device
 * keeping only its part's activations and weights.
 */
function offload(a: Analysis, input: EstimateInput, device: DeviceProfile, o: AdviseOptions, model: string, dev: string): Candidate | undefined {
  const link = o.link!;
  const edge = o.edge!;
  const split = searchSplit(a, device, link, edge, { objective: 'latency' });
  if (!split.ok) return undefined;
  const order = topologicalOrder(a.model.graph) ?? a.model.graph.nodes.map((_, i) => i);
  // The best cut that offloads something: "all on device" is the baseline, not a technique.
  const offloading = split.value.cuts.filter((c) => c.index < order.length);
  if (offloading.length === 0) return undefined;
  const best = offloading.reduce((x, y) => (y.totalMs < x.totalMs ? y : x));
  const k = best.index;
  const deviceNodes = new Set(order.slice(0, k));
  // RAM: the activation peak over the device's part of the order (or the input buffer when everything is sent),
  // plus its weights where they cannot execute in place; flash: the device part's weights.
  const plan = planMemory(a.model.graph, a.shapes.values, { order });
  const activations = k === 0 ? best.bytes : Math.max(...plan.liveBytesByStep.slice(0, k), 0);
  const weights = a.cost.nodes.filter((n) => deviceNodes.has(n.index)).reduce((sum, n) => sum + n.weightBytes, 0);
  const edgeEst = estimate(input, edge, {});
  const peakRamBytes = activations + (device.executeInPlace ? 0 : weights) + (device.runtimeRamBytes ?? 0);
  const flashBytes = weights + (device.runtimeFlashBytes ?? 0);
  const onDevice: Estimate = {
    ...edgeEst, device: device.id, deviceName: device.name, latencyMs: best.totalMs, energyMj: best.deviceEnergyMj,
    peakRamBytes, flashBytes,
    fits: { memory: true, storage: true, dtypes: true, operators: true },
  };
  onDevice.resources = {
    memory: { ...edgeEst.resources.memory, demand: peakRamBytes, budget: device.ramBytes, fits: peakRamBytes <= device.ramBytes, headroom: device.ramBytes - peakRamBytes, utilization: peakRamBytes / device.ramBytes, assumption: k === 0 ? 'input buffer + runtime' : `activations of the first ${k} nodes + their weights + runtime` },
    storage: { ...edgeEst.resources.storage, demand: flashBytes, budget: device.flashBytes, fits: flashBytes <= device.flashBytes, headroom: device.flashBytes - flashBytes, utilization: flashBytes / device.flashBytes, assumption: k === 0 ? 'runtime only' : `weights of the first ${k} nodes + runtime` },
  };
  onDevice.fits = { ...onDevice.fits, memory: onDevice.resources.memory.fits, storage: onDevice.resources.storage.fits };
  const r = resourcesOf(onDevice, input, device, o, link);
  const perSecond = 1000 / periodMs(o).ms;
  const where = k === 0 ? 'send the raw input' : `cut after node ${k - 1} ('${best.afterNode}')`;
  return {
    technique: `partition to ${edge.id} over ${link.id} (${where})`, module: 'hardware', resources: ['memory', 'storage', 'compute', 'energy'],
    command: `aiot-lens split ${model} ${dev} --remote ${edge.id} --link ${link.id} --out-dir ${model.replace(/\.onnx$/i, '')}.split`,
    note: `latency = ${best.deviceMs.toFixed(2)} ms on the device + ${best.linkMs.toFixed(2)} ms on the link (${best.bytes} B up) + ${best.remoteMs.toFixed(2)} ms on ${edge.id}; device energy = compute + radio + idle while waiting`,
    after: onDevice, resourcesAfter: r, linkBytesPerSecond: best.bytes * perSecond,
  };
}

/** Candidates that make everything fit first, then by the binding resource's utilization after, then overall. */
function rank(list: Candidate[], binding: ResourceName): Candidate[] {
  const util = (c: Candidate, name: ResourceName) => c.resourcesAfter.find((r) => r.name === name)?.utilization ?? 0;
  const allFit = (c: Candidate) => c.resourcesAfter.every((r) => r.fits);
  const total = (c: Candidate) => c.resourcesAfter.reduce((a, r) => a + Math.min(10, r.utilization ?? 0), 0);
  return [...list].sort((a, b) =>
    Number(allFit(b)) - Number(allFit(a)) || util(a, binding) - util(b, binding) || total(a) - total(b));
}
