// Deterministic inputs for measurement: seeded pseudo-random tensors matching a session's input types and shapes.

import { LensException } from '../result';
import { seededRandom } from '../random';
import { ort, type InputMeta } from './ort';

export { seededRandom } from '../random';

export interface InputOptions {
  seed?: number;
  /** Dims for symbolic input dimensions, by input name (others default to 1). */
  inputShapes?: Record<string, (number | string | null)[]>;
  /** Inputs filled with one value instead of random data (e.g. a sample-rate scalar `sr=16000`). */
  values?: Record<string, number>;
}

/** Concrete dims for an input: fixed dims as given, pinned ones from options, the rest 1. */
export function concreteDims(input: InputMeta, pinned?: (number | string | null)[]): number[] {
  if (pinned) {
    return pinned.map((d, i) => {
      if (typeof d === 'number') return d;
      const fixed = input.shape[i];
      return typeof fixed === 'number' && fixed > 0 ? fixed : 1;
    });
  }
  return input.shape.map((d) => (typeof d === 'number' && d > 0 ? d : 1));
}

/** Seeded feeds: floats uniform in [-1, 1), integers in [0, 4) (safe for index-like inputs), bools random. */
export function randomFeeds(inputs: InputMeta[], options: InputOptions = {}): Record<string, unknown> {
  const O = ort();
  const rand = seededRandom(options.seed ?? 42);
  const feeds: Record<string, unknown> = {};
  for (const input of inputs) {
    const dims = concreteDims(input, options.inputShapes?.[input.name]);
    const n = dims.reduce((a, b) => a * b, 1);
    let data: unknown;
    const fill = options.values?.[input.name];
    if (fill !== undefined) {
      const big = input.type === 'int64';
      const Ctor = { float32: Float32Array, float64: Float64Array, int32: Int32Array, int8: Int8Array, uint8: Uint8Array, bool: Uint8Array }[input.type as 'float32'];
      if (!big && !Ctor) throw new LensException('unsupported', `input '${input.name}' has type ${input.type}, which cannot be filled with a value`);
      feeds[input.name] = new O.Tensor(input.type, big ? BigInt64Array.from({ length: n }, () => BigInt(Math.round(fill))) : new Ctor(n).fill(fill), dims);
      continue;
    }
    switch (input.type) {
      case 'float32': data = Float32Array.from({ length: n }, () => rand() * 2 - 1); break;
      case 'float64': data = Float64Array.from({ length: n }, () => rand() * 2 - 1); break;
      case 'int64': data = BigInt64Array.from({ length: n }, () => BigInt(Math.floor(rand() * 4))); break;
      case 'int32': data = Int32Array.from({ length: n }, () => Math.floor(rand() * 4)); break;
      case 'int8': data = Int8Array.from({ length: n }, () => Math.floor(rand() * 256) - 128); break;
      case 'uint8': data = Uint8Array.from({ length: n }, () => Math.floor(rand() * 256)); break;
      case 'bool': data = Uint8Array.from({ length: n }, () => (rand() < 0.5 ? 1 : 0)); break;
      default: throw new LensException('unsupported', `input '${input.name}' has type ${input.type}, which measurement does not generate`);
    }
    feeds[input.name] = new O.Tensor(input.type, data, dims);
  }
  return feeds;
}
