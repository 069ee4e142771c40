// Proves a split: runs the original model and the two chained halves in onnxruntime on the same seeded inputs and
// compares every output with the same figures and verdict as optimize --verify (core/verify/agreement).

import { encodeModel } from '../onnx/encode';
import type { Model } from '../onnx/ir';
import { halfToFloat } from '../passes/numeric';
import { createSession, ort, randomFeeds, type InputOptions } from '../runtime';
import { LensException, unwrap } from '../result';
import { AgreementAccumulator, classLikeOutputs, summarizeAgreement, type Agreement, type VerifyThresholds } from '../verify/agreement';

export interface SplitVerification extends Agreement {
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

/** Values as numbers: float16 held as raw bits (a Uint16Array) decoded, everything else converted. */
function numbers(t: Tensorish): Float64Array {
  const n = t.data.length;
  const out = new Float64Array(n);
  const bits = t.type === 'float16' && t.data instanceof Uint16Array;
  for (let i = 0; i < n; i++) out[i] = bits ? halfToFloat(t.data[i] as number) : Number(t.data[i]);
  return out;
}

export async function verifySplit(
  original: Model,
  device: Model,
  remote: Model,
  options: InputOptions & { runs?: number; thresholds?: VerifyThresholds } = {},
): Promise<SplitVerification> {
  // Optimizations off: each half must reproduce the original's arithmetic, not ORT's fused variants of it.
  const opts = { optimization: 'disabled' as const };
  const full = await createSession(unwrap(encodeModel(original)), opts, 'the original model');
  const dev = device.graph.outputs.length ? await createSession(unwrap(encodeModel(device)), opts, 'the device half') : undefined;
  const rem = remote.graph.nodes.length ? await createSession(unwrap(encodeModel(remote)), opts, 'the remote half') : undefined;
  try {
    const runs = options.runs ?? 2;
    const classLike = classLikeOutputs(original.graph);
    const acc = new Map<string, AgreementAccumulator>();
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
        if (have.data.length !== want.data.length) throw new LensException('runtime', `output '${name}' has ${have.data.length} elements after the split, ${want.data.length} before`);
        let a = acc.get(name);
        if (!a) acc.set(name, (a = new AgreementAccumulator(name, classLike.has(name))));
        a.add(numbers(want), numbers(have), want.dims);
      }
    }
    // Every feed is seeded random unless a value was pinned for it.
    const random = full.inputs.some((i) => options.values?.[i.name] === undefined);
    const agreement = summarizeAgreement([...acc.values()].map((x) => x.result()), {
      random, count: runs,
      remedy: 'the halves must reproduce the original, which noise tests as well as data does; accuracy on real inputs is not measured',
    }, options.thresholds);
    return { ...agreement, inputs: runs };
  } finally {
    await full.release();
    await dev?.release();
    await rem?.release();
  }
}
