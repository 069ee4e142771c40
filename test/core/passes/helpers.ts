// Test plumbing for the passes: load a fixture, run passes, encode, and compare with the original in onnxruntime.

import { readFileSync } from 'node:fs';
import { decodeModel } from '../../../src/core/onnx/decode';
import { encodeModel } from '../../../src/core/onnx/encode';
import type { Model, Shape } from '../../../src/core/onnx/ir';
import { runPasses, type PassOptions, type PassRun } from '../../../src/core/passes';
import { unwrap } from '../../../src/core/result';
import { verifyModels, type VerifyReport } from '../../../src/core/verify';
import { fixtureModel } from '../../helpers/models';

export interface Optimized {
  original: Model;
  originalBytes: Uint8Array;
  model: Model;
  bytes: Uint8Array;
  passes: PassRun[];
}

export function loadFixture(name: string): { model: Model; bytes: Uint8Array } {
  const bytes = new Uint8Array(readFileSync(fixtureModel(name)));
  return { model: unwrap(decodeModel(bytes, { path: name })), bytes };
}

export async function optimizeFixture(name: string, passes: string[], options: PassOptions = {}): Promise<Optimized> {
  const { model, bytes } = loadFixture(name);
  const r = unwrap(await runPasses(model, passes, options));
  return { original: model, originalBytes: bytes, model: r.model, bytes: unwrap(encodeModel(r.model)), passes: r.passes };
}

export async function verify(o: { original: Model; originalBytes: Uint8Array; bytes: Uint8Array }, inputShapes?: Record<string, Shape>, samples = 2,
  values?: Record<string, number>): Promise<VerifyReport> {
  return unwrap(await verifyModels(o.original, o.originalBytes, o.bytes, { samples, runs: 1, inputShapes, ...(values ? { values } : {}) }));
}

export function opCounts(m: Model): Record<string, number> {
  const c: Record<string, number> = {};
  for (const n of m.graph.nodes) c[n.opType] = (c[n.opType] ?? 0) + 1;
  return c;
}
