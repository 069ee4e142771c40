// One-shot inference helper other modules reuse (verification, examples, tests).

import { createSession, type SessionOptions } from './ort';
import { randomFeeds, type InputOptions } from './inputs';

export type Outputs = Record<string, { type: string; dims: readonly number[]; data: ArrayLike<number | bigint> }>;

/** Runs a model once on the given feeds (or seeded random ones) and releases the session. */
export async function runModel(model: string | Uint8Array, feeds?: Record<string, unknown>, options: SessionOptions & InputOptions = {}): Promise<Outputs> {
  const s = await createSession(model, options);
  try {
    return await s.run(feeds ?? randomFeeds(s.inputs, options));
  } finally {
    await s.release();
  }
}
