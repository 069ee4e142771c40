// Public surface of the optimization passes: the registry by CLI name, a runner for a list of passes, and the types.
// Every pass is a pure function (model, options) → Result<{model, changed, details}>; the input model is not touched.

import type { Model } from '../onnx/ir';
import { err, ok, type Result } from '../result';
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
  const passes: PassRun[] = [];
  for (const name of names) {
    const r = await PASSES[name]!.run(current, options);
    if (!r.ok) return err(r.error.code, `${name}: ${r.error.message}`, r.error.path);
    passes.push({ name, changed: r.value.changed, details: r.value.details });
    current = r.value.model;
  }
  return ok({ model: current, passes });
}
