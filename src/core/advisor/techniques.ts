// The techniques the advisor can print, each with what rules it out and how its effect is predicted: by running the
// same passes the printed `aiot-lens optimize` command runs, with the same options and pins, and estimating the
// result on the device. A prediction is therefore the figure the user gets by running the command (test/core/advisor/
// reality.test.ts runs every printed command on every fixture and compares).
//
// Adding a technique: append a Technique whose `propose` calls ctx.optimized with the pass and its options and
// ctx.optimizeCommand with the same flags, and list in `ruledOutBy` the AppliedIds (applied.ts) after which it must
// not be suggested (the `patch` technique below is an example).

import type { Analysis } from '../analyze';
import type { DeviceProfile } from '../devices/types';
import type { EstimateInput } from '../estimate/types';
import type { Shape } from '../onnx/ir';
import { analyzeModel } from '../analyze';
import { planActivations } from '../memory/kernels';
import { isFloatDType } from '../onnx/dtype';
import { beamSchedule, type PassOptions } from '../passes';
import { IN_PLACE_ASSUMPTION, PATCH_ASSUMPTION, plansFor } from '../memory/plans';
import { formatBytes } from '../format';
import { quantizeInput, reduceInput } from './transforms';
import type { AppliedId } from './applied';
import { INPUT_FILTER } from './inputFilter';
import type { AdviseOptions, Module, ResourceName } from './types';

export interface TechniqueContext {
  analysis: Analysis;
  /**
   * The model is a .tflite: no pass rewrites it, so a technique prints where to apply it when converting and predicts
   * its effect analytically (`analytic`), or by re-planning/re-analyzing where that needs no rewrite.
   */
  tflite: boolean;
  /** The printed command for the TFLite converter hint. */
  hint(text: string): string;
  device: DeviceProfile;
  options: AdviseOptions;
  /** The estimator input of the model as it is, on the device. */
  input: EstimateInput;
  /**
   * Runs passes exactly as `aiot-lens optimize MODEL --passes … <flags>` would (int8-static without calibration: the
   * structure and sizes are the same) and analyzes the result with the command's pins. 'unchanged' when no pass
   * changed anything.
   */
  optimized(passes: string[], passOptions: PassOptions, pins?: Record<string, Shape>): Promise<Analysis | 'unchanged' | { error: string }>;
  /** The command that applies passes: `aiot-lens optimize MODEL --passes … <flags> <pins> -o MODEL.<suffix>.onnx`. */
  optimizeCommand(passes: string[], flags: string, suffix: string, pins?: Record<string, Shape>): string;
  /** The estimator input of an analysis on the device. */
  inputOf(a: Analysis): EstimateInput;
  /** `aiot-lens advise MODEL --device ID <pins>`: the command that shows a setting no pass writes. */
  adviseCommand(pins?: Record<string, Shape>): string;
}

export interface Proposal {
  technique: string;
  module: Module;
  /** Resources the technique is meant to lower. */
  resources: ResourceName[];
  command: string;
  input: EstimateInput;
  /** Budget settings the technique changes (a lower frame rate). */
  overrides?: Partial<AdviseOptions>;
  note?: string;
  /** Why it may not help on this device (shown when it does not relieve the binding resource). */
  caveat?: string;
  /** The effect is scaled analytically (a .tflite, which no pass rewrites), not computed from a transformed model. */
  analytic?: boolean;
}

export interface Technique {
  id: string;
  /** Shown when the technique is ruled out. */
  label: string;
  /** Applied techniques after which this one is not suggested (for a .tflite, which is converted again from source, maybe fewer). */
  ruledOutBy: AppliedId[] | ((tflite: boolean) => AppliedId[]);
  /** What to do instead, by the applied technique that rules this one out. */
  instead?: Partial<Record<AppliedId, string>>;
  propose(ctx: TechniqueContext): Promise<Proposal | undefined>;
}

const MODEL_RESOURCES: ResourceName[] = ['storage', 'memory', 'compute', 'energy'];

/** float16 storage on a device without float16 arithmetic: the weights halve in flash; compute and activations stay float32. */
function floatStorageOnly(input: EstimateInput): EstimateInput {
  const q = quantizeInput(input, 'float16');
  return { ...input, weightBytes: q.weightBytes, ...(q.weightBytesByDtype ? { weightBytesByDtype: q.weightBytesByDtype } : {}),
    assumptions: [...(input.assumptions ?? []), 'float16 weights dequantized to float32 for computation (no float16 arithmetic on the device)'] };
}

/** Whether any MAC-bearing node computes in floating point (an all-integer model gains nothing from quantizing). */
function floatCompute(ctx: TechniqueContext): boolean {
  return ctx.input.costs.some((c) => c.macs > 0 && isFloatDType(c.computeDtype));
}

export const TECHNIQUES: Technique[] = [
  {
    id: 'int8', label: 'int8 quantization',
    // A float16 .tflite is converted again from its source with int8; an ONNX float16 model is not re-quantized.
    ruledOutBy: (tflite) => (tflite ? ['int8', 'int8-dynamic'] : ['int8', 'int8-dynamic', 'fp16']),
    instead: { fp16: 'quantize the float32 original instead' },
    async propose(ctx) {
      if (ctx.tflite) {
        return floatCompute(ctx) ? {
          technique: 'int8 quantization (weights and activations)', module: 'model', resources: MODEL_RESOURCES, analytic: true,
          command: ctx.hint('TFLite converter: optimizations = [tf.lite.Optimize.DEFAULT], a representative_dataset, supported_ops = [TFLITE_BUILTINS_INT8]'),
          input: quantizeInput(ctx.input, 'int8'), note: 'estimated analytically: float weights, activations and arithmetic scaled to int8',
        } : undefined;
      }
      const r = await ctx.optimized(['fold-bn', 'int8-static'], {});
      if (r === 'unchanged' || 'error' in r) return undefined;
      const lacks = !ctx.device.dtypes.includes('int8');
      return {
        technique: 'int8 quantization (weights and activations)', module: 'model', resources: MODEL_RESOURCES,
        command: ctx.optimizeCommand(['fold-bn', 'int8-static'], '', 'int8'), input: ctx.inputOf(r),
        note: 'calibrated on seeded random inputs unless you add --calibration DIR; check accuracy with --verify',
        ...(lacks ? { caveat: `${ctx.device.id} has no int8 arithmetic` } : {}),
      };
    },
  },
  {
    id: 'fp16', label: 'float16', ruledOutBy: ['fp16', 'int8', 'int8-dynamic'],
    async propose(ctx) {
      const lacks = !ctx.device.dtypes.includes('float16');
      const caveat = lacks ? { caveat: `${ctx.device.id} has no float16 arithmetic: its runtime computes and holds activations in float32, only flash shrinks` } : {};
      if (ctx.tflite) {
        return floatCompute(ctx) ? {
          technique: 'float16 weights and compute', module: 'model', resources: MODEL_RESOURCES, analytic: true, ...caveat,
          command: ctx.hint('TFLite converter: optimizations = [tf.lite.Optimize.DEFAULT], target_spec.supported_types = [tf.float16]'),
          input: lacks ? floatStorageOnly(ctx.input) : quantizeInput(ctx.input, 'float16'),
          note: lacks ? 'estimated analytically: float16 weights in flash, computed in float32 (the device has no float16 arithmetic)'
            : 'estimated analytically: float weights, activations and arithmetic scaled to float16',
        } : undefined;
      }
      const r = await ctx.optimized(['fp16'], {});
      if (r === 'unchanged' || 'error' in r) return undefined;
      return {
        technique: 'float16 weights and compute', module: 'model', resources: MODEL_RESOURCES,
        command: ctx.optimizeCommand(['fp16'], '', 'fp16'), input: ctx.inputOf(r), ...caveat,
      };
    },
  },
  {
    id: 'prune', label: 'structured pruning', ruledOutBy: ['channel-pruning', 'int8', 'int8-dynamic'],
    instead: { int8: 'prune the float model, then quantize', 'int8-dynamic': 'prune the float model, then quantize' },
    async propose(ctx) {
      if (ctx.tflite) {
        return {
          technique: 'structured pruning (30% of conv channels)', module: 'model', resources: ['compute', 'storage', 'memory', 'energy'], analytic: true,
          command: ctx.hint('prune channels in training (tfmot) and convert again'),
          input: reduceInput(ctx.input, 0.49, new Set(['conv', 'depthwise', 'matmul']), 'analytic structured pruning: 0.7 x 0.7 of conv/matmul work and weights kept'),
          note: 'estimated analytically: 30% of channels removed keeps ~49% of conv MACs and weights (0.7 x 0.7)',
        };
      }
      const r = await ctx.optimized(['prune'], { channelSparsity: 0.3, sparsity: 0 });
      if (r === 'unchanged' || 'error' in r) return undefined;
      return {
        technique: 'structured pruning (30% of conv output channels, prune pass)', module: 'model', resources: ['compute', 'storage', 'memory', 'energy'],
        command: ctx.optimizeCommand(['prune'], '--channel-sparsity 0.3 --sparsity 0', 'pruned'), input: ctx.inputOf(r),
        note: 'no fine-tuning: accuracy drops until you retrain; check with --verify',
      };
    },
  },
  {
    id: 'low-rank', label: 'low-rank factorization', ruledOutBy: ['low-rank', 'int8', 'int8-dynamic'],
    instead: { int8: 'factorize the float model, then quantize', 'int8-dynamic': 'factorize the float model, then quantize' },
    async propose(ctx) {
      if (!ctx.input.costs.some((c) => c.opClass === 'matmul' && c.weightBytes > 0)) return undefined;
      if (ctx.tflite) {
        return {
          technique: 'low-rank factorization of fully connected weights', module: 'model', resources: ['compute', 'storage', 'energy'], analytic: true,
          command: ctx.hint('factorize the fully connected layers in the source model and convert again'),
          input: reduceInput(ctx.input, 0.5, new Set(['matmul']), 'analytic low-rank: half of Gemm/MatMul work and weights'),
          note: 'estimated analytically: rank halved, so fully connected MACs and weights halve',
        };
      }
      const r = await ctx.optimized(['low-rank'], { energy: 0.95 });
      if (r === 'unchanged' || 'error' in r) return undefined;
      return {
        technique: 'low-rank factorization of Gemm/MatMul weights (95% energy)', module: 'model', resources: ['compute', 'storage', 'energy'],
        command: ctx.optimizeCommand(['low-rank'], '--energy 0.95', 'lowrank'), input: ctx.inputOf(r),
      };
    },
  },
  {
    id: 'reorder', label: 'operator reordering', ruledOutBy: ['reordered'],
    async propose(ctx) {
      if (ctx.tflite) {
        // TFLite Micro runs operators in file order: the same schedule, re-planned with its planner's rules.
        const a = ctx.analysis;
        const order = beamSchedule(a.model.graph, a.shapes.values, a.model.graph.nodes.length <= 300 ? 24 : 4);
        if (!order) return undefined;
        const plan = planActivations(a.model, a.shapes, { order, ...(a.model.deployment ? { rules: a.model.deployment.arena } : {}) });
        if (plan.arenaBytes >= a.memory.arenaBytes) return undefined;
        return {
          technique: 'operator reordering for peak memory', module: 'model', resources: ['memory'],
          command: ctx.hint('TFLite Micro runs operators in file order: emit them in this order when converting'),
          input: { ...ctx.input, arenaBytes: plan.arenaBytes, peakActivationBytes: plan.peakActivationBytes },
        };
      }
      const r = await ctx.optimized(['reorder'], {});
      if (r === 'unchanged' || 'error' in r) return undefined;
      if (r.memory.arenaBytes >= ctx.analysis.memory.arenaBytes) return undefined;
      return {
        technique: 'operator reordering for peak memory', module: 'model', resources: ['memory'],
        command: ctx.optimizeCommand(['reorder'], '', 'reordered'), input: ctx.inputOf(r),
      };
    },
  },
  {
    // Patch-based inference (MCUNetV2): the patch pass rewrites the first layers as overlapping tiles. On a runtime that
    // plans tensor by tensor the figures are the patched graph run so (often already lower: the big early tensors are
    // gone); a runtime that runs patches (profile memoryPlans) holds less still, which the caveat states.
    id: 'patch', label: 'patch-based inference', ruledOutBy: ['patch', 'int8', 'int8-dynamic'],
    instead: { int8: 'patch the float model, then quantize', 'int8-dynamic': 'patch the float model, then quantize' },
    async propose(ctx) {
      if (ctx.tflite) return undefined;
      const r = await ctx.optimized(['patch'], {});
      if (r === 'unchanged' || 'error' in r) return undefined;
      const p = plansFor(r).patch;
      if ('unavailable' in p) return undefined;
      const runs = ctx.device.memoryPlans?.includes('patch') ?? false;
      return {
        technique: `patch-based inference (${p.split.prefixNodes} nodes on ${p.split.grid}x${p.split.grid} tiles, +${(100 * p.split.macOverhead).toFixed(1)}% MACs)`,
        module: 'model', resources: ['memory'], command: ctx.optimizeCommand(['patch'], '', 'patched'), input: ctx.inputOf(r),
        ...(runs ? { note: `runtime assumption: ${PATCH_ASSUMPTION}` } : { caveat: `${ctx.device.id}'s runtime plans tensor by tensor (its profile lists no patch plan): these figures are the patched graph run so; a runtime that runs patches holds ${formatBytes(p.arenaBytes)} of activations` }),
      };
    },
  },
  {
    // In-place kernels are a runtime's choice (TinyEngine), not a rewrite: `advise --plan in-place` shows the device
    // figures with them.
    id: 'in-place', label: 'in-place kernels', ruledOutBy: [],
    async propose(ctx) {
      if (ctx.analysis.memoryPlan || ctx.device.memoryPlans?.includes('in-place')) return undefined;
      const input = ctx.inputOf({ ...ctx.analysis, memoryPlan: 'in-place' });
      if (input.arenaBytes >= ctx.input.arenaBytes) return undefined;
      return {
        technique: 'in-place kernels: elementwise and depthwise ops write over their input (a TinyEngine-like runtime)',
        module: 'hardware', resources: ['memory'], command: `${ctx.adviseCommand()} --plan in-place`, input,
        note: `runtime assumption: ${IN_PLACE_ASSUMPTION}`,
      };
    },
  },
  {
    id: 'resize-input', label: 'smaller input resolution', ruledOutBy: ['resized-input'],
    async propose(ctx) {
      const smaller = smallerShapes(ctx.analysis);
      if (!smaller) return undefined;
      const pins = { ...(ctx.options.inputShapes ?? {}), ...smaller.shapes };
      if (ctx.tflite) {
        // No pass rewrites a .tflite: the figures are the model re-analyzed at the new size (what `advise` prints for it).
        try {
          const a = analyzeModel(ctx.analysis.model, { inputShapes: pins, ...(ctx.options.inputValues ? { inputValues: ctx.options.inputValues } : {}) });
          if (a.cost.totals.partialNodes > ctx.analysis.cost.totals.partialNodes) return undefined;
          return {
            technique: `smaller input resolution (${smaller.label})`, module: 'sensor data', resources: ['compute', 'memory', 'energy', 'communication'],
            command: ctx.adviseCommand(pins), input: ctx.inputOf(a), note: 'convert the model at the new resolution; accuracy needs fine-tuning',
          };
        } catch {
          return undefined;
        }
      }
      const r = await ctx.optimized(['resize-input'], { inputShapes: pins }, pins);
      if (r === 'unchanged' || 'error' in r) return undefined;
      return {
        technique: `smaller input resolution (${smaller.label})`, module: 'sensor data', resources: ['compute', 'memory', 'energy', 'communication'],
        command: ctx.optimizeCommand(['resize-input'], '', 'resized', pins), input: ctx.inputOf(r),
        note: 'accuracy at the new resolution needs fine-tuning',
      };
    },
  },
  // Measured on the user's samples (aiot-lens filter --save-report): offered only when MODEL.filter.json exists.
  INPUT_FILTER,
];

/** 4-D image-like inputs (NCHW or NHWC) scaled to 3/4 of their spatial size, rounded to a multiple of 8. */
function smallerShapes(a: Analysis): { shapes: Record<string, number[]>; label: string } | undefined {
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
  return labels.length ? { shapes, label: labels.join(', ') } : undefined;
}
