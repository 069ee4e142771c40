// Public surface of the optimization passes: the registry by CLI name, a runner for a list of passes, and the types.
// Every pass is a pure function (model, options) → Result<{model, changed, details}>; the input model is not touched.

import { realpathSync } from 'node:fs';
import type { Attribute, Graph, Model } from '../onnx/ir';
import { err, ok, type Result } from '../result';
import { dtypeByteSize } from '../onnx/dtype';
import { formatBytes } from '../format';
import { tensorElementCount, type Tensor } from '../onnx/ir';
import { passWorkingSet } from './budget';
import { readExternalData } from '../onnx/tensor';
import { PASSES } from './registry';
import type { PassDetails, PassOptions } from './types';

export { PASSES } from './registry';
export type { PassDef, PassDetails, PassOptions, PassOutcome } from './types';
export { FP16_BLOCK_LIST } from './fp16';
export { beamSchedule } from './reorder';
export { passWorkingSet, type WorkingSet } from './budget';

export interface PassRun {
  name: string;
  changed: boolean;
  details: PassDetails;
}

export function passNames(): string[] {
  return Object.keys(PASSES);
}

/** Runs the named passes in order; stops at the first failure, whose error names the pass. */
export async function runPasses(model: Model, names: string[], options: PassOptions = {}): Promise<Result<{ model: Model; passes: PassRun[] }>> {
  const unknown = names.filter((n) => !PASSES[n]);
  if (unknown.length > 0) {
    return err('invalid-argument', `unknown pass ${unknown.map((u) => `'${u}'`).join(', ')}; available: ${passNames().join(', ')}`);
  }
  // External weights stay on disk: each tensor remembers its folder and passes read it (a chunk or a tensor at a time)
  // when they need it, instead of the whole model being read into memory first.
  let current = options.modelDir ? withExternalBase(model, options.modelDir) : model;
  const passes: PassRun[] = [];
  for (const name of names) {
    const budget = options.memoryBudgetBytes;
    const need = budget !== undefined ? passWorkingSet(name, current) : undefined;
    if (need && budget !== undefined && need.bytes > budget) {
      return err('too-large', `${name} ${need.why}: ${need.tensor ? `for '${need.tensor}' that is` : 'that is'} ${formatBytes(need.bytes)}, over the memory budget of ${formatBytes(budget)} (--memory-budget); nothing was written`);
    }
    const r = await PASSES[name]!.run(current, options);
    if (!r.ok) return err(r.error.code, `${name}: ${r.error.message}`, r.error.path);
    passes.push({ name, changed: r.value.changed, details: r.value.details });
    current = r.value.model;
  }
  return ok({ model: stampHistory(current, passes), passes });
}

/** metadata_props key listing the passes that changed a model, oldest first (the advisor reads it). */
export const HISTORY_KEY = 'aiot-lens.passes';

/** What a pass run did, as recorded in the history: its name, prune split by what it removed. */
function historyLabels(run: PassRun): string[] {
  if (!run.changed) return [];
  if (run.name === 'prune') {
    const d = run.details as { channelsRemoved?: number; weightsPruned?: number };
    return [...((d.channelsRemoved ?? 0) > 0 ? ['prune-channels'] : []), ...((d.weightsPruned ?? 0) > 0 ? ['prune-weights'] : [])];
  }
  return [run.name];
}

/** Appends the passes that changed the model to its `aiot-lens.passes` metadata, so later tools know what was done. */
function stampHistory(model: Model, runs: PassRun[]): Model {
  const labels = runs.flatMap(historyLabels);
  if (labels.length === 0) return model;
  const props = [...(model.metadataProps ?? [])];
  const i = props.findIndex((p) => p.key === HISTORY_KEY);
  const before = i >= 0 ? props[i]!.value.split(',').filter(Boolean) : [];
  const entry = { key: HISTORY_KEY, value: [...before, ...labels].join(',') };
  if (i >= 0) props[i] = entry;
  else props.push(entry);
  return { ...model, metadataProps: props };
}

/** The passes recorded in a model's `aiot-lens.passes` metadata (see stampHistory). */
export function passHistory(model: Model): string[] {
  return model.metadataProps?.find((p) => p.key === HISTORY_KEY)?.value.split(',').filter(Boolean) ?? [];
}

/**
 * The model with every external tensor (initializers and attribute tensors, in subgraphs too) told the absolute folder
 * its location is relative to, so any pass can read it without the model's folder being passed around. No weight is read.
 */
export function withExternalBase(model: Model, modelDir: string): Model {
  let dir: string;
  try {
    dir = realpathSync(modelDir);
  } catch {
    return model;
  }
  const fix = (t: Tensor): Tensor => (t.data.kind === 'external' && !t.data.baseDir ? { ...t, data: { ...t.data, baseDir: dir } } : t);
  const fixAttr = (a: Attribute): Attribute => {
    switch (a.type) {
      case 'tensor': return { ...a, value: fix(a.value) };
      case 'tensors': return { ...a, value: a.value.map(fix) };
      case 'graph': return { ...a, value: fixGraph(a.value) };
      case 'graphs': return { ...a, value: a.value.map(fixGraph) };
      default: return a;
    }
  };
  const fixGraph = (g: Graph): Graph => ({
    ...g,
    initializers: g.initializers.map(fix),
    nodes: g.nodes.map((n) => (n.attributes.some((a) => a.type === 'tensor' || a.type === 'tensors' || a.type === 'graph' || a.type === 'graphs')
      ? { ...n, attributes: n.attributes.map(fixAttr) }
      : n)),
  });
  return { ...model, graph: fixGraph(model.graph) };
}

/**
 * Reads weights stored in external files into the model (main graph initializers). Kept for callers that need a
 * self-contained model in memory; runPasses no longer does this (see withExternalBase).
 */
export function materializeExternal(model: Model, modelDir: string): Result<Model> {
  if (!model.graph.initializers.some((t) => t.data.kind === 'external')) return ok(model);
  const initializers: Tensor[] = [];
  for (const t of model.graph.initializers) {
    const d = t.data;
    if (d.kind !== 'external') { initializers.push(t); continue; }
    const bytes = readExternalData(d.baseDir ?? modelDir, d.location, d.offset, d.length ?? dtypeByteSize(t.dtype, tensorElementCount(t.dims)));
    if (!bytes.ok) return bytes;
    initializers.push({ ...t, data: { kind: 'raw', bytes: bytes.value } });
  }
  return ok({ ...model, graph: { ...model.graph, initializers } });
}
