// One call from a model file to every engine figure: decode → shapes → cost → memory plan → the report contract.

import { costModel, type GraphCost } from '../cost';
import { planActivations, type ActivationPlan } from '../memory/kernels';
import type { PlanName } from '../memory/plans';
import { defaultOpset, type Model, type Shape } from '../onnx/ir';
import { loadModelFile, type LoadedModel } from '../model';
import { inferShapes } from '../shapes';
import type { ShapeInference, ValueFacts } from '../shapes/types';
import type { Deadline } from '../deadline';
import { catchLens, LensException, type Result } from '../result';
import { checkPins } from './pins';
import type { AnalysisReport, MemorySummary, NodeReport, TensorDesc } from './report';

export type { AnalysisReport, MemorySummary, NodeReport, TensorDesc } from './report';
export { applicablePins, checkPins } from './pins';

export interface AnalyzeOptions {
  /** Pinned graph-input shapes by input name. */
  inputShapes?: Record<string, Shape>;
  /** Graph inputs known at analysis time (`--value sr=16000`): every element equals the number. */
  inputValues?: Record<string, number>;
  /** Value for symbolic first (batch) dims of graph inputs; default 1, reported as an assumption. Pass null to keep them symbolic. */
  defaultBatch?: number | null;
  /** Execution order for the memory plan (node indices); default: the file's node order. */
  order?: number[];
  /** Stops the analysis with a `cancelled` error once its time budget is spent (the language server sets one). */
  deadline?: Deadline;
}

export interface Analysis {
  /** The file's format (set when analyzed from a file): optimization passes and exports rewrite ONNX only. */
  format?: 'onnx' | 'tflite';
  model: Model;
  shapes: ShapeInference;
  cost: GraphCost;
  /** Activations as the kernels hold them (QDQ fused to int8, control-flow bodies inlined); see memory/kernels.ts. */
  memory: ActivationPlan;
  report: AnalysisReport;
  path: string;
  modelDir?: string;
  fileBytes: number;
  /** The activation plan the user picked (`--plan`) for device figures; otherwise the device's runtime decides. */
  memoryPlan?: PlanName;
  /** `--value` inputs the analysis was made with: re-analyses of a transformed model (what-ifs) take them too. */
  inputValues?: Record<string, number>;
}

export async function analyzeModelFile(path: string, options: AnalyzeOptions = {}): Promise<Result<Analysis>> {
  return analyzeModelFileSync(path, options);
}

/** Synchronous form for the CLI's batch mode, where thousands of files run back to back. */
export function analyzeModelFileSync(path: string, options: AnalyzeOptions = {}): Result<Analysis> {
  const loaded = loadModelFile(path);
  if (!loaded.ok) return loaded;
  return analyzeLoaded(loaded.value, options);
}

export function analyzeLoaded(loaded: LoadedModel, options: AnalyzeOptions = {}): Result<Analysis> {
  return catchLens(() => {
    const a = analyzeModel(loaded.model, {
      ...options, path: loaded.path, modelDir: loaded.modelDir, fileBytes: loaded.fileBytes, externalDataBytes: loaded.externalDataBytes,
    });
    a.report.model.format = loaded.format;
    return { ...a, format: loaded.format };
  }, loaded.path);
}

/** Analyzes an in-memory model (optimization passes call this on their results). */
export function analyzeModel(
  model: Model,
  options: AnalyzeOptions & { path?: string; modelDir?: string; fileBytes?: number; externalDataBytes?: number } = {},
): Analysis {
  const pins = checkPins(model, options.inputShapes, options.inputValues);
  if (!pins.ok) throw new LensException(pins.error.code, pins.error.message, options.path);
  const shapes = inferShapes(model, {
    inputShapes: options.inputShapes,
    ...(options.inputValues && Object.keys(options.inputValues).length ? { inputValues: options.inputValues } : {}),
    defaultBatch: options.defaultBatch === null ? undefined : (options.defaultBatch ?? 1),
    modelDir: options.modelDir,
    deadline: options.deadline,
  });
  const cost = costModel(model, shapes, options.deadline);
  // A format whose runtime fixes the activation planner (TFLite → TFLite Micro) brings its rules with the model.
  const memory = planActivations(model, shapes, { ...(options.order ? { order: options.order } : {}), ...(model.deployment ? { rules: model.deployment.arena } : {}) });
  const report = buildReport(model, shapes, cost, memory, options.path ?? '', options.fileBytes ?? 0, options.externalDataBytes ?? 0);
  return {
    model, shapes, cost, memory, report, path: options.path ?? '', modelDir: options.modelDir, fileBytes: options.fileBytes ?? 0,
    ...(options.inputValues && Object.keys(options.inputValues).length ? { inputValues: options.inputValues } : {}),
  };
}

export function describeValue(name: string, facts: ValueFacts | undefined): TensorDesc {
  return {
    name,
    dtype: facts?.dtype ?? 'undefined',
    shape: facts?.shape ? facts.shape.map((d) => d) : null,
  };
}

function buildReport(
  model: Model,
  shapes: ShapeInference,
  cost: GraphCost,
  memory: ActivationPlan,
  path: string,
  fileBytes: number,
  externalDataBytes: number,
): AnalysisReport {
  const g = model.graph;
  const initializers = new Set(g.initializers.map((t) => t.name));
  const opsets: Record<string, number> = {};
  for (const o of model.opsetImports) opsets[o.domain === '' ? 'ai.onnx' : o.domain] = o.version;
  const nodes: NodeReport[] = cost.nodes.map((c) => {
    const node = g.nodes[c.index]!;
    return {
      name: c.name,
      opType: c.opType,
      domain: c.domain,
      macs: c.macs,
      flops: c.flops,
      params: c.params,
      weightBytes: c.weightBytes,
      outputs: node.outputs.filter((o) => o !== '').map((o) => describeValue(o, shapes.values.get(o))),
      opClass: c.opClass,
      memoryBytes: c.memoryBytes,
    };
  });
  const warnings = [...shapes.warnings, ...cost.warnings];
  if (cost.totals.partialNodes > 0) {
    warnings.push(`${cost.totals.partialNodes} node(s) have unknown shapes: their MACs/FLOPs are lower bounds (pin inputs with --input-shape)`);
  }
  if (memory.unknownTensors.length > 0) {
    warnings.push(`${memory.unknownTensors.length} activation(s) have unknown sizes and are left out of the memory plan: peak and arena are lower bounds (pin inputs with --input-shape)`);
  }
  if (defaultOpset(model.opsetImports) === undefined && g.nodes.some((n) => n.domain === '')) {
    warnings.push('the model imports no ai.onnx opset');
  }
  const peakNode = g.nodes[memory.order[memory.peakStep] ?? memory.peakStep];
  const d = model.deployment;
  return {
    ...(d ? {
      deployment: {
        runtime: d.runtime, arenaBytes: memory.arenaBytes, persistentBytes: d.persistentBytes,
        tensorArenaBytes: memory.arenaBytes + d.persistentBytes, flashBytes: d.flashBytes,
        basis: [...d.arena.basis, d.persistentBasis, `flash: ${d.flashBasis}`],
      },
    } : {}),
    model: {
      path,
      irVersion: model.irVersion,
      opsets,
      producer: [model.producerName, model.producerVersion].filter(Boolean).join(' '),
      nodeCount: g.nodes.length,
      fileBytes,
      externalDataBytes,
      totalBytes: fileBytes + externalDataBytes,
    },
    inputs: g.inputs.filter((i) => !initializers.has(i.name)).map((i) => describeValue(i.name, shapes.values.get(i.name))),
    outputs: g.outputs.map((o) => describeValue(o.name, shapes.values.get(o.name))),
    totals: {
      params: cost.totals.params,
      macs: cost.totals.macs,
      flops: cost.totals.flops,
      weightBytes: cost.totals.weightBytes,
      peakActivationBytes: memory.peakActivationBytes,
      arenaBytes: memory.arenaBytes,
    },
    nodes,
    warnings,
    assumptions: [...shapes.assumptions, ...cost.assumptions],
    peak: { nodeName: peakNode ? peakNode.name || `#${memory.peakStep} ${peakNode.opType}` : '', tensors: memory.peakTensors },
    memory: memorySummary(memory),
    ...boundsOf(cost, memory),
  };
}

/** How the activation figures were made, for the report (`memory` in `analyze --json`). */
export function memorySummary(memory: ActivationPlan): MemorySummary {
  const bound = memory.unknownTensors.length > 0 ? 'lower' : memory.bound;
  return {
    view: memory.view,
    ...(bound ? { bound } : {}),
    ...(memory.unknownTensors.length ? { unknownTensors: memory.unknownTensors.length } : {}),
    notes: memory.notes,
    ...(memory.reference ? { reference: memory.reference } : {}),
  };
}

function boundsOf(cost: GraphCost, memory: ActivationPlan): Pick<AnalysisReport, 'bounds'> {
  const compute = cost.totals.partialNodes > 0 ? 'lower' : cost.totals.upperBoundNodes > 0 ? 'upper' : undefined;
  const mem = memorySummary(memory).bound;
  return compute || mem ? { bounds: { ...(compute ? { compute } : {}), ...(mem ? { memory: mem } : {}) } } : {};
}
