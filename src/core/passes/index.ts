// Public surface of the optimization passes: the registry by CLI name, a runner for a list of passes, and the types.
// Every pass is a pure function (model, options) → Result<{model, changed, details}>; the input model is not touched.

import type { Model } from '../onnx/ir';
import { err, ok, type Result } from '../result';
import { dtypeByteSize } from '../onnx/dtype';
import { tensorElementCount, type Tensor } from '../onnx/ir';
import { readExternalData } from '../onnx/tensor';
import { PASSES } from './registry';
import type { PassDetails, PassOptions } from './types';

export { PASSES } from './registry';
export type { PassDef, PassDetails, PassOptions, PassOutcome } from './types';
export { FP16_BLOCK_LIST } from './fp16';
export { beamSchedule } from './reorder';

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
  let current = model;
  if (options.modelDir) {
    const m = materializeExternal(model, options.modelDir);
    if (!m.ok) return m;
    current = m.value;
  }
  const passes: PassRun[] = [];
  for (const name of names) {
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
 * Reads weights stored in external files into the model (main graph initializers), so passes can read and rewrite
 * them; the optimized model is then written as one self-contained file.
 */
export function materializeExternal(model: Model, modelDir: string): Result<Model> {
  if (!model.graph.initializers.some((t) => t.data.kind === 'external')) return ok(model);
  const initializers: Tensor[] = [];
  for (const t of model.graph.initializers) {
    const d = t.data;
    if (d.kind !== 'external') { initializers.push(t); continue; }
    const bytes = readExternalData(modelDir, d.location, d.offset, d.length ?? dtypeByteSize(t.dtype, tensorElementCount(t.dims)));
    if (!bytes.ok) return bytes;
    initializers.push({ ...t, data: { kind: 'raw', bytes: bytes.value } });
  }
  return ok({ ...model, graph: { ...model.graph, initializers } });
}
