// Proves a split: runs the original model and the two chained halves in onnxruntime on the same seeded inputs and
// compares every output.

import { encodeModel } from '../onnx/encode';
import type { Model } from '../onnx/ir';
import { createSession, ort, randomFeeds, type InputOptions } from '../runtime';
import { LensException, unwrap } from '../result';

export interface SplitVerification {
  /** Largest absolute difference over every output element of every input set. */
  maxAbsError: number;
  /** Input sets compared. */
  inputs: number;
}

type Tensorish = { type: string; dims: readonly number[]; data: ArrayLike<number | bigint> };

/**
 * An output of one session as an input of another. Where the runtime has Float16Array (Node 24, code-server's),
 * onnxruntime-common stores float16 data as one — even when given a Uint16Array — and onnxruntime-node's native
 * binding then reads it as empty ("not enough space"). Hand the binding the raw bits as the Uint16Array it expects.
 */
function asFeed(t: Tensorish): unknown {
  const data = t.data as unknown as ArrayBufferView;
  if (t.type !== 'float16' || data instanceof Uint16Array || !ArrayBuffer.isView(data)) return t;
  const bits = new Uint16Array(data.buffer, data.byteOffset, data.byteLength / 2);
  const tensor = new (ort().Tensor)('float16', bits, [...t.dims]);
  (tensor as { cpuData: unknown }).cpuData = bits;
  return tensor;
}

function maxAbsDiff(a: Tensorish, b: Tensorish, name: string): number {
  if (a.data.length !== b.data.length) throw new LensException('runtime', `output '${name}' has ${b.data.length} elements after the split, ${a.data.length} before`);
  let m = 0;
  for (let i = 0; i < a.data.length; i++) {
    const x = Number(a.data[i]);
    const y = Number(b.data[i]);
    if (Number.isNaN(x) && Number.isNaN(y)) continue;
    const d = Math.abs(x - y);
    if (!(d <= m)) m = Number.isNaN(d) ? Infinity : d;
  }
  return m;
}

export async function verifySplit(
  original: Model,
  device: Model,
  remote: Model,
  options: InputOptions & { runs?: number } = {},
): Promise<SplitVerification> {
  // Optimizations off: each half must reproduce the original's arithmetic, not ORT's fused variants of it.
  const opts = { optimization: 'disabled' as const };
  const full = await createSession(unwrap(encodeModel(original)), opts, 'the original model');
  const dev = device.graph.outputs.length ? await createSession(unwrap(encodeModel(device)), opts, 'the device half') : undefined;
  const rem = remote.graph.nodes.length ? await createSession(unwrap(encodeModel(remote)), opts, 'the remote half') : undefined;
  try {
    const runs = options.runs ?? 2;
    let maxAbsError = 0;
    for (let r = 0; r < runs; r++) {
      const feeds = randomFeeds(full.inputs, { ...options, seed: (options.seed ?? 7) + r }) as Record<string, unknown>;
      const expected = await full.run(feeds);
      const got: Record<string, Tensorish> = {};
      const available: Record<string, unknown> = { ...feeds };
      if (dev) {
        const devFeeds: Record<string, unknown> = {};
        for (const name of dev.inputNames) devFeeds[name] = feeds[name];
        const out = await dev.run(devFeeds);
        for (const [k, v] of Object.entries(out)) {
          got[k] = v;
          available[k] = asFeed(v);
        }
      }
      if (rem) {
        const remFeeds: Record<string, unknown> = {};
        for (const name of rem.inputNames) {
          if (!(name in available)) throw new LensException('runtime', `the remote half needs '${name}', which the device half does not produce`);
          remFeeds[name] = available[name];
        }
        Object.assign(got, await rem.run(remFeeds));
      }
      for (const [name, want] of Object.entries(expected)) {
        const have = got[name];
        if (!have) throw new LensException('runtime', `output '${name}' is produced by neither half`);
        maxAbsError = Math.max(maxAbsError, maxAbsDiff(want, have, name));
      }
    }
    return { maxAbsError, inputs: runs };
  } finally {
    await full.release();
    await dev?.release();
    await rem?.release();
  }
}
