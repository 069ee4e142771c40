// onnxruntime-node sessions for measurement: load from a path or bytes with explicit optimization level and threads.

import { LensException } from '../result';

/* eslint-disable @typescript-eslint/no-explicit-any */
type OrtModule = any;
let ortModule: OrtModule | undefined;

/** The native module, loaded on first use so the engine bundles without it until a measurement runs. */
export function ort(): OrtModule {
  if (!ortModule) {
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      ortModule = require('onnxruntime-node');
    } catch (e) {
      throw new LensException('runtime', `onnxruntime-node is not available: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}`);
    }
  }
  return ortModule;
}

export type OptimizationLevel = 'disabled' | 'basic' | 'extended' | 'all';

export interface SessionOptions {
  /** Graph optimization level (default 'all'). */
  optimization?: OptimizationLevel;
  /** Intra-op threads (default 1: stable timings on shared machines, and the same setting calibration uses). */
  threads?: number;
  /** Write an ORT profile with this path prefix. */
  profilePrefix?: string;
}

export interface InputMeta {
  name: string;
  /** ORT tensor type name: float32, int64, ... */
  type: string;
  /** Numbers for fixed dims; strings or -1 for symbolic ones. */
  shape: (number | string)[];
}

export interface Session {
  inputNames: string[];
  outputNames: string[];
  inputs: InputMeta[];
  run(feeds: Record<string, unknown>): Promise<Record<string, { type: string; dims: readonly number[]; data: ArrayLike<number | bigint> }>>;
  endProfiling(): Promise<unknown>;
  release(): Promise<void>;
}

/** Creates a session; `what` names the model in the error message (its path, or a description). */
export async function createSession(model: string | Uint8Array, options: SessionOptions = {}, what?: string): Promise<Session> {
  const O = ort();
  const label = what ?? (typeof model === 'string' ? model : 'the model');
  let s: any;
  try {
    s = await O.InferenceSession.create(model, {
      graphOptimizationLevel: options.optimization ?? 'all',
      intraOpNumThreads: options.threads ?? 1,
      interOpNumThreads: 1,
      executionMode: 'sequential',
      logSeverityLevel: 4, // failures still throw; ORT's own console lines would duplicate them
      ...(options.profilePrefix ? { enableProfiling: true, profileFilePrefix: options.profilePrefix } : {}),
    });
  } catch (e) {
    throw new LensException('runtime', `${label}: onnxruntime cannot load it: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}`);
  }
  const meta: any[] = Array.isArray(s.inputMetadata) ? s.inputMetadata : [];
  const inputs: InputMeta[] = s.inputNames.map((name: string) => {
    const m = meta.find((x) => x?.name === name);
    return { name, type: m?.type ?? 'float32', shape: Array.isArray(m?.shape) ? m.shape : [] };
  });
  return {
    inputNames: s.inputNames, outputNames: s.outputNames, inputs,
    run: (feeds) => s.run(feeds),
    endProfiling: async () => s.endProfiling(),
    release: async () => s.release(),
  };
}
