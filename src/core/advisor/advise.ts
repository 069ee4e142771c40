// The bottleneck advisor: the survey's workflow of measuring the five resources against the budget, naming the
// binding one and the module behind it, then ranking techniques by re-running the estimator on each transformed
// model or setting.

import { analyzeModel, type Analysis } from '../analyze';
import type { DeviceProfile } from '../devices/types';
import { estimate } from '../estimate/estimate';
import { estimateInputOf, toReport } from '../estimate/report';
import type { Estimate, EstimateInput } from '../estimate/types';
import { runPasses } from '../passes';
import type { Model, Shape } from '../onnx/ir';
import { searchSplit, splitModel, topologicalOrder } from '../partition';
import { appliedTechniques } from './applied';
import { afterOf, bindingResource, moduleOf, periodMs, resourcesOf } from './resources';
import { TECHNIQUES, type TechniqueContext } from './techniques';
import type { Advice, AdviseOptions, ResourceDemand, ResourceName, Suggestion } from './types';

interface Candidate extends Omit<Suggestion, 'estimate'> {
  resourcesAfter: ResourceDemand[];
  after: Estimate;
  linkBytesPerSecond?: number;
  caveat?: string;
  cut?: number;
}

function evaluate(input: EstimateInput, device: DeviceProfile, o: AdviseOptions): { e: Estimate; r: ResourceDemand[] } {
  const e = estimate(input, device, { periodMs: periodMs(o).ms, ...(o.latencyMs ? { deadlineMs: o.latencyMs } : {}) });
  return { e, r: resourcesOf(e, input, device, o, o.link) };
}

/** `--input-shape NAME=DIMS` and `--value NAME=N` flags for the printed commands. */
export function pinFlags(shapes?: Record<string, Shape>, values?: Record<string, number>): string {
  return [
    ...Object.entries(shapes ?? {}).map(([n, s]) => `--input-shape ${n}=${s.join('x')}`),
    ...Object.entries(values ?? {}).map(([n, v]) => `--value ${n}=${v}`),
  ].join(' ');
}

/** A technique relieves the binding resource when it lowers that resource's demand by more than this fraction. */
const RELIEF = 0.005;

export async function advise(analysis: Analysis, device: DeviceProfile, o: AdviseOptions = {}): Promise<Advice> {
  const model = o.modelPath ?? analysis.path ?? 'MODEL';
  const dev = o.deviceArgs ?? `--device ${device.id}`;
  const input = estimateInputOf(analysis, device);
  const base = evaluate(input, device, o);
  const binding = bindingResource(base.r);
  const mod = moduleOf(binding, base.e, input, device, o);
  const assumptions = [...base.e.assumptions];
  if (periodMs(o).assumed) assumptions.push('no --fps or --latency-ms given: one inference per second assumed for energy and link rates');
  // The resource rows carry which figures are bounds; the analysis's warnings say why (unknown shapes, …).
  const warnings = [...analysis.report.warnings, ...toReport(base.e).warnings.filter((w) => !analysis.report.warnings.includes(w) && !/ bound \(/.test(w))];
  const applied = appliedTechniques(analysis);
  const appliedIds = new Set(applied.map((x) => x.id));

  const out = (suffix: string) => model.replace(/\.onnx$/i, '') + `.${suffix}.onnx`;
  const tflite = analysis.format === 'tflite';
  const ctx: TechniqueContext = {
    analysis, device, options: o, input, tflite,
    hint: (text) => `# ${text} (aiot-lens optimize rewrites ONNX models)`,
    adviseCommand: (pins) => `aiot-lens advise ${model} ${dev}${pinFlags(pins ?? o.inputShapes, o.inputValues) ? ` ${pinFlags(pins ?? o.inputShapes, o.inputValues)}` : ''}`,
    async optimized(passes, passOptions, pins) {
      const shapes = pins ?? o.inputShapes ?? {};
      try {
        const r = await runPasses(analysis.model, passes, {
          seed: 1, ...passOptions, inputShapes: shapes, ...(o.inputValues ? { inputValues: o.inputValues } : {}),
          ...(analysis.modelDir ? { modelDir: analysis.modelDir } : {}), structureOnly: true,
        });
        if (!r.ok) return { error: r.error.message };
        if (!r.value.passes.some((p) => p.changed)) return 'unchanged';
        const after = analyzeModel(r.value.model, { inputShapes: shapes, ...(o.inputValues ? { inputValues: o.inputValues } : {}) });
        // The plan the user picked (`--plan`) holds for the transformed model too.
        return analysis.memoryPlan ? { ...after, memoryPlan: analysis.memoryPlan } : after;
      } catch (e) {
        return { error: e instanceof Error ? e.message : String(e) };
      }
    },
    optimizeCommand(passes, flags, suffix, pins) {
      const extra = [flags, pinFlags(pins ?? o.inputShapes, o.inputValues)].filter(Boolean).join(' ');
      return `aiot-lens optimize ${model} --passes ${passes.join(',')}${extra ? ` ${extra}` : ''} -o ${out(suffix)}`;
    },
    inputOf: (a) => estimateInputOf(a, device),
  };

  const candidates: Candidate[] = [];
  const notSuggested: Advice['notSuggested'] = [];
  for (const t of TECHNIQUES) {
    const rules = typeof t.ruledOutBy === 'function' ? t.ruledOutBy(tflite) : t.ruledOutBy;
    const blocker = rules.find((id) => appliedIds.has(id));
    if (blocker) {
      const why = applied.find((x) => x.id === blocker)!;
      const instead = t.instead?.[blocker];
      notSuggested.push({ technique: t.label, reason: `already applied: ${blocker} (${why.evidence})${instead ? `; ${instead}` : ''}`, because: blocker, ...(instead ? { instead } : {}) });
      continue;
    }
    const p = await t.propose(ctx);
    if (!p) continue;
    const { e, r } = evaluate(p.input, device, { ...o, ...(p.overrides ?? {}) });
    candidates.push({
      technique: p.technique, module: p.module, resources: p.resources, command: p.command,
      ...(p.note ? { note: p.note } : {}), ...(p.caveat ? { caveat: p.caveat } : {}), ...(p.analytic ? { analytic: true } : {}), after: e, resourcesAfter: r,
    });
  }

  // Lower frame rate / skip frames with an input filter.
  if (o.fps) {
    const next = { ...o, fps: o.fps / 2 };
    const { e, r } = evaluate(input, device, next);
    candidates.push({
      technique: `lower frame rate or skip 50% of frames with an input filter (${o.fps} → ${o.fps / 2} fps)`, module: 'sensor data',
      resources: ['compute', 'energy', 'communication'],
      command: `aiot-lens advise ${model} ${dev} --fps ${o.fps / 2}${o.link ? ` --link ${o.link.id}` : ''}${pinFlags(o.inputShapes, o.inputValues) ? ` ${pinFlags(o.inputShapes, o.inputValues)}` : ''}`,
      after: e, resourcesAfter: r,
    });
  }

  // Partitioning: offload over the link to an edge device.
  if (o.link && o.edge) {
    const c = offload(analysis, input, device, o, model, dev);
    if (c) candidates.push(c);
  }

  // Techniques that lower the binding resource are the suggestions; the rest are listed apart, saying so.
  const before = binding.demand;
  const relieves = (c: Candidate) => {
    const after = c.resourcesAfter.find((r) => r.name === binding.name)?.demand ?? before;
    return after < before * (1 - RELIEF);
  };
  const toSuggestion = (c: Candidate): Suggestion => ({
    technique: c.technique, module: c.module, resources: c.resources,
    estimate: afterOf(c.resourcesAfter, c.after, c.linkBytesPerSecond), command: c.command,
    ...(c.analytic ? { analytic: true } : {}), ...(c.note ? { note: c.note } : {}), ...(c.cut !== undefined ? { cut: c.cut } : {}),
  });
  const suggestions = rank(candidates.filter(relieves), binding.name).map(toSuggestion);
  const elsewhere = rank(candidates.filter((c) => !relieves(c)), binding.name).map((c) => {
    const after = c.resourcesAfter.find((r) => r.name === binding.name)?.demand ?? before;
    return {
      ...toSuggestion(c), doesNotFix: binding.name,
      reason: `${binding.name} ${showDemand(before, binding.unit)} → ${showDemand(after, binding.unit)}${c.caveat ? `: ${c.caveat}` : ''}`,
    };
  });
  const undecided = binding.verdict === 'unknown';
  return {
    device: device.id, model, resources: base.r,
    bottleneck: {
      resource: binding.name, module: mod.module, fits: binding.fits,
      reason: undecided ? `no verdict: ${binding.name} is a ${binding.bound} bound (${boundWhy(input, binding.name)}); pin the inputs (--input-shape, --value). ${mod.reason}` : mod.reason,
      ...(binding.verdict ? { verdict: binding.verdict } : {}),
    },
    suggestions, elsewhere, applied, notSuggested, assumptions, warnings,
  };
}

function boundWhy(input: EstimateInput, name: ResourceName): string {
  const why = input.bounds?.why;
  if (name === 'memory') return why?.memory ?? 'unknown sizes';
  if (name === 'communication') return 'the input size is unknown';
  return why?.latency ?? 'unknown shapes';
}

function showDemand(v: number, unit: string): string {
  if (unit === 'bytes') return `${Math.round(v / 102.4) / 10} KiB`;
  if (unit === 'ms') return `${v.toFixed(2)} ms`;
  if (unit === 'bytes/s') return `${Math.round(v / 102.4) / 10} KiB/s`;
  if (unit === 'J') return `${v.toFixed(3)} J`;
  return `${v} ${unit}`;
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
  // The device keeps the first k nodes: RAM and flash are those of the device half the split command writes,
  // estimated like any model (k = 0: the device only buffers the raw input it sends).
  let peakRamBytes: number, flashBytes: number, ramWhy: string, flashWhy: string;
  if (k === 0) {
    peakRamBytes = best.bytes + (device.runtimeRamBytes ?? 0);
    flashBytes = device.runtimeFlashBytes ?? 0;
    ramWhy = `input buffer ${best.bytes} B + runtime`;
    flashWhy = 'runtime only';
  } else {
    const halves = splitModel(a.model, a.shapes.values, order, k);
    const half = analyzeModel(halves.device, { ...(o.inputShapes ? { inputShapes: pinsFor(halves.device, o.inputShapes) } : {}), ...(o.inputValues ? { inputValues: valuesFor(halves.device, o.inputValues) } : {}) });
    const e = estimate(estimateInputOf(half, device), device);
    peakRamBytes = e.peakRamBytes;
    flashBytes = e.flashBytes;
    ramWhy = `the device half (first ${k} nodes): ${e.resources.memory.assumption}`;
    flashWhy = `the device half: ${e.resources.storage.assumption}`;
  }
  const { ram: _edgeRam, ...edgeEst } = estimate(input, edge, {});
  const onDevice: Estimate = {
    ...edgeEst, device: device.id, deviceName: device.name, latencyMs: best.totalMs, energyMj: best.deviceEnergyMj,
    peakRamBytes, flashBytes,
    fits: { memory: true, storage: true, dtypes: true, operators: true },
  };
  onDevice.resources = {
    memory: { ...edgeEst.resources.memory, demand: peakRamBytes, budget: device.ramBytes, fits: peakRamBytes <= device.ramBytes, headroom: device.ramBytes - peakRamBytes, utilization: peakRamBytes / device.ramBytes, assumption: ramWhy },
    storage: { ...edgeEst.resources.storage, demand: flashBytes, budget: device.flashBytes, fits: flashBytes <= device.flashBytes, headroom: device.flashBytes - flashBytes, utilization: flashBytes / device.flashBytes, assumption: flashWhy },
  };
  onDevice.fits = { ...onDevice.fits, memory: onDevice.resources.memory.fits, storage: onDevice.resources.storage.fits };
  const r = resourcesOf(onDevice, input, device, o, link);
  const perSecond = 1000 / periodMs(o).ms;
  const where = k === 0 ? 'send the raw input' : `cut after node ${k - 1} ('${best.afterNode}')`;
  return {
    technique: `partition to ${edge.id} over ${link.id} (${where})`, module: 'hardware', resources: ['memory', 'storage', 'compute', 'energy'],
    command: `aiot-lens split ${model} ${dev} --remote ${edge.id} --link ${link.id}${pinFlags(o.inputShapes, o.inputValues) ? ` ${pinFlags(o.inputShapes, o.inputValues)}` : ''}${k > 0 ? ` --out-dir ${model.replace(/\.onnx$/i, '')}.split` : ''}`,
    note: `latency = ${best.deviceMs.toFixed(2)} ms on the device + ${best.linkMs.toFixed(2)} ms on the link (${best.bytes} B up) + ${best.remoteMs.toFixed(2)} ms on ${edge.id}; device energy = compute + radio + idle while waiting`,
    after: onDevice, resourcesAfter: r, linkBytesPerSecond: best.bytes * perSecond, cut: k,
  };
}

/** The pins that name inputs of a half (the device half keeps the model's inputs it reads). */
function pinsFor(m: Model, shapes: Record<string, Shape>): Record<string, Shape> {
  return Object.fromEntries(Object.entries(shapes).filter(([n]) => m.graph.inputs.some((i) => i.name === n)));
}

function valuesFor(m: Model, values: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(values).filter(([n]) => m.graph.inputs.some((i) => i.name === n)));
}

/** Candidates that make everything fit first, then by the binding resource's utilization after, then overall. */
function rank(list: Candidate[], binding: ResourceName): Candidate[] {
  const util = (c: Candidate, name: ResourceName) => c.resourcesAfter.find((r) => r.name === name)?.utilization ?? 0;
  const allFit = (c: Candidate) => c.resourcesAfter.every((r) => r.fits);
  const total = (c: Candidate) => c.resourcesAfter.reduce((a, r) => a + Math.min(10, r.utilization ?? 0), 0);
  return [...list].sort((a, b) =>
    Number(allFit(b)) - Number(allFit(a)) || util(a, binding) - util(b, binding) || total(a) - total(b));
}
