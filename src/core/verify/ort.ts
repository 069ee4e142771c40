// Thin onnxruntime-node wrapper: sessions from bytes, running samples, and adding intermediate outputs.

import type { DType } from '../onnx/dtype';
import { LensException } from '../result';
import { halfToFloat } from '../passes/numeric';
import type { Sample, SampleTensor } from './samples';

// Loaded lazily so the engine can be bundled without the native addon until a pass actually runs ORT.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Ort = any;
let ortModule: Ort | undefined;
export function ort(): Ort {
  if (!ortModule) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    ortModule = require('onnxruntime-node');
    // ORT's own log lines would interleave with the CLI's output; failures still reach the user as errors we report.
    ortModule.env.logLevel = 'fatal';
  }
  return ortModule;
}

export interface OrtSession {
  inputNames: string[];
  outputNames: string[];
  run(feeds: Record<string, unknown>, fetches?: string[]): Promise<Record<string, OrtTensor>>;
  release(): Promise<void>;
}

export interface OrtTensor {
  type: string;
  dims: readonly number[];
  data: ArrayLike<number | bigint>;
}

/** A session from the model's bytes, or from its path: then onnxruntime finds (and maps) its external data itself. */
export async function createSession(bytes: Uint8Array | string, what: string): Promise<OrtSession> {
  try {
    return await ort().InferenceSession.create(bytes, {
      // One thread keeps latency comparisons stable on a shared machine; both models get the same setting.
      intraOpNumThreads: 1,
      interOpNumThreads: 1,
      graphOptimizationLevel: 'all',
      // Warnings (e.g. initializers listed as inputs) would flood the user's terminal; failures still throw.
      logSeverityLevel: 4,
    });
  } catch (e) {
    const why = e instanceof Error ? e.message.split('\n')[0] : String(e);
    throw new LensException('runtime', `onnxruntime cannot load ${what}: ${why}`);
  }
}

const ORT_TYPE: Partial<Record<DType, string>> = {
  float: 'float32', double: 'float64', float16: 'float16', int64: 'int64', int32: 'int32', bool: 'bool', uint8: 'uint8', int8: 'int8',
};

export function toFeeds(sample: Sample): Record<string, unknown> {
  const O = ort();
  const feeds: Record<string, unknown> = {};
  for (const [name, t] of Object.entries(sample)) feeds[name] = toOrtTensor(O, t);
  return feeds;
}

function toOrtTensor(O: Ort, t: SampleTensor): unknown {
  const type = ORT_TYPE[t.dtype];
  if (!type) throw new LensException('unsupported', `onnxruntime inputs of type ${t.dtype} are not supported`);
  return new O.Tensor(type, t.data, t.dims);
}

/** Output elements as float64 numbers (float16 outputs decoded). */
export function outputNumbers(t: OrtTensor): Float64Array {
  const n = t.data.length;
  const out = new Float64Array(n);
  if (t.type === 'float16' && t.data instanceof Uint16Array) {
    for (let i = 0; i < n; i++) out[i] = halfToFloat(t.data[i]!);
  } else {
    for (let i = 0; i < n; i++) out[i] = Number(t.data[i]);
  }
  return out;
}

