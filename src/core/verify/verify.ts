// Verification of an optimized model against its original with onnxruntime-node (see index.ts).

import type { Model, Shape } from '../onnx/ir';
import { catchLensAsync, LensException, type Result } from '../result';
import { AgreementAccumulator, classLikeOutputs, summarizeAgreement, type Agreement, type OutputAgreement, type Verdict, type VerifyThresholds } from './agreement';
import { median } from './compare';
import { createSession, outputNumbers, toFeeds, type OrtSession } from './ort';
import { feedInputs, folderSamples, randomSamples, type Sample } from './samples';

export interface VerifyOptions {
  /** Input samples folder; seeded random inputs when absent. */
  calibrationDir?: string;
  /** Number of random samples (default 4). */
  samples?: number;
  seed?: number;
  inputShapes?: Record<string, Shape>;
  /** Inputs filled with a given value instead of random data (`--value sr=16000`). */
  values?: Record<string, number>;
  /** Timed runs per model for the latency medians (default 20). */
  runs?: number;
  /** The optimized model, so inputs whose dims it changed (resize-input) get samples of their own. */
  optimizedModel?: Model;
  /** What the verdict checks against (default DEFAULT_THRESHOLDS). */
  thresholds?: VerifyThresholds;
}

export interface VerifyReport {
  ranOk: boolean;
  /** Where the inputs came from: 'random (seed S)' or the folder, and how many. */
  inputs: string;
  /** null when the outputs are not comparable (the input dims changed). */
  maxAbsError: number | null;
  cosine: number | null;
  /** False when the models take differently shaped inputs: then only running and latency are checked. */
  comparable: boolean;
  /** Fraction of rows whose top-1 class agrees, over every class-like output; null when none is. */
  top1Agreement: number | null;
  /** Worst output's max |Δ| / max |ref|; null when not comparable. */
  relativeError: number | null;
  /** Worst output's signal-to-noise ratio in dB (Infinity: identical); null when not comparable. */
  snrDb: number | null;
  /** Largest |ref| of the original's outputs; null when not comparable. */
  referenceMaxAbs: number | null;
  /** Why the figures may mean little: near-zero or constant reference outputs, random inputs. */
  warnings: string[];
  /** Pass/fail against the thresholds; absent when the outputs were not compared. */
  verdict?: Verdict;
  latencyMsBefore: number;
  latencyMsAfter: number;
  runs: number;
  /** Per-output figures, by output name. */
  outputs: OutputAgreement[];
  error?: string;
}

/** `originalBytes`/`optimizedBytes` are the models' bytes, or their paths (needed when they have external data). */
export async function verifyModels(originalModel: Model, originalBytes: Uint8Array | string, optimizedBytes: Uint8Array | string, options: VerifyOptions = {}): Promise<Result<VerifyReport>> {
  return catchLensAsync(async () => {
    const seed = options.seed ?? 1;
    const set = options.calibrationDir
      ? folderSamples(originalModel, options.calibrationDir)
      : randomSamples(originalModel, options.samples ?? 4, seed, options.inputShapes, options.values);
    const inputs = set.source === 'random' ? `${set.samples.length} seeded random (seed ${seed})` : `${set.samples.length} from ${set.source}`;
    const runs = options.runs ?? 20;
    const resized = options.optimizedModel && inputsDiffer(originalModel, options.optimizedModel);
    const setB = resized ? randomSamples(options.optimizedModel!, set.samples.length, seed, {}, options.values) : set;
    const a = await createSession(originalBytes, 'the original model');
    let b: OrtSession;
    try {
      b = await createSession(optimizedBytes, 'the optimized model');
    } catch (e) {
      await a.release();
      return failed(inputs, runs, e);
    }
    try {
      const names = a.outputNames.filter((n) => b.outputNames.includes(n));
      if (names.length === 0) throw new LensException('runtime', 'the optimized model has none of the original output names');
      const classLike = classLikeOutputs(originalModel.graph);
      const acc = new Map(names.map((n) => [n, new AgreementAccumulator(n, classLike.has(n))]));
      if (resized) {
        for (const s of setB.samples) await runFeeds(b, s);
        const [ta, tb] = await timeBoth(a, b, toFeeds(set.samples[0]!), toFeeds(setB.samples[0]!), runs);
        return {
          ranOk: true, inputs, maxAbsError: null, cosine: null, comparable: false, top1Agreement: null,
          relativeError: null, snrDb: null, referenceMaxAbs: null, warnings: [],
          latencyMsBefore: ta, latencyMsAfter: tb, runs, outputs: [],
        };
      }
      for (const s of set.samples) {
        let ra;
        try {
          ra = await a.run(toFeeds(s));
        } catch (e) {
          // Say which side failed: inputs the original rejects prove nothing about the optimized model.
          const why = e instanceof Error ? e.message.split('\n')[0] : String(e);
          throw new LensException('runtime', `the original model itself cannot run these inputs (${why}); give real ones with --calibration`);
        }
        const rb = await runFeeds(b, s);
        for (const name of names) acc.get(name)!.add(outputNumbers(ra[name]!), outputNumbers(rb[name]!), ra[name]!.dims);
      }
      const agreement: Agreement = summarizeAgreement([...acc.values()].map((x) => x.result()), { random: set.source === 'random', count: set.samples.length }, options.thresholds);
      const feeds = toFeeds(set.samples[0]!);
      const [ta, tb] = await timeBoth(a, b, feeds, feeds, runs);
      return {
        ranOk: true, inputs, maxAbsError: agreement.maxAbsError, cosine: agreement.cosine, comparable: true,
        top1Agreement: agreement.top1Agreement, relativeError: agreement.relativeError, snrDb: agreement.snrDb,
        referenceMaxAbs: agreement.referenceMaxAbs, warnings: agreement.warnings, verdict: agreement.verdict,
        latencyMsBefore: ta, latencyMsAfter: tb, runs, outputs: agreement.outputs,
      };
    } catch (e) {
      return failed(inputs, runs, e);
    } finally {
      await a.release();
      await b.release();
    }
  });
}

/** Median latencies, with the two models' timed runs interleaved so machine load affects both alike. */
async function timeBoth(a: OrtSession, b: OrtSession, fa: Record<string, unknown>, fb: Record<string, unknown>, runs: number): Promise<[number, number]> {
  await a.run(fa); await b.run(fb);
  const ta: number[] = [], tb: number[] = [];
  for (let i = 0; i < runs; i++) {
    let t0 = performance.now(); await a.run(fa); ta.push(performance.now() - t0);
    t0 = performance.now(); await b.run(fb); tb.push(performance.now() - t0);
  }
  return [round3(median(ta)), round3(median(tb))];
}

function inputsDiffer(a: Model, b: Model): boolean {
  const key = (m: Model) => JSON.stringify(feedInputs(m).map((v) => [v.name, v.type.kind === 'tensor' ? v.type.shape : null]));
  return key(a) !== key(b);
}

function runFeeds(s: OrtSession, sample: Sample) {
  return s.run(toFeeds(sample));
}

function failed(inputs: string, runs: number, e: unknown): VerifyReport {
  const why = e instanceof Error ? e.message.split('\n')[0]! : String(e);
  return {
    ranOk: false, inputs, maxAbsError: null, cosine: null, comparable: false, top1Agreement: null, relativeError: null, snrDb: null,
    referenceMaxAbs: null, warnings: [], latencyMsBefore: NaN, latencyMsAfter: NaN, runs, outputs: [], error: why,
  };
}

function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}
