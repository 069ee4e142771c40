// Verification of an optimized model against its original with onnxruntime-node (see index.ts).

import type { Model, Shape } from '../onnx/ir';
import { catchLensAsync, LensException, type Result } from '../result';
import { compareOutputs, median } from './compare';
import { createSession, outputNumbers, toFeeds, type OrtSession } from './ort';
import { folderSamples, randomSamples, type Sample } from './samples';

export interface VerifyOptions {
  /** Input samples folder; seeded random inputs when absent. */
  calibrationDir?: string;
  /** Number of random samples (default 4). */
  samples?: number;
  seed?: number;
  inputShapes?: Record<string, Shape>;
  /** Timed runs per model for the latency medians (default 20). */
  runs?: number;
}

export interface VerifyReport {
  ranOk: boolean;
  /** Where the inputs came from: 'random (seed S)' or the folder, and how many. */
  inputs: string;
  maxAbsError: number;
  cosine: number;
  /** Fraction of rows whose top-1 class agrees, over every class-like output; null when none is. */
  top1Agreement: number | null;
  latencyMsBefore: number;
  latencyMsAfter: number;
  runs: number;
  /** Per-output figures, by output name. */
  outputs: { name: string; maxAbsError: number; cosine: number }[];
  error?: string;
}

export async function verifyModels(originalModel: Model, originalBytes: Uint8Array, optimizedBytes: Uint8Array, options: VerifyOptions = {}): Promise<Result<VerifyReport>> {
  return catchLensAsync(async () => {
    const seed = options.seed ?? 1;
    const set = options.calibrationDir
      ? folderSamples(originalModel, options.calibrationDir)
      : randomSamples(originalModel, options.samples ?? 4, seed, options.inputShapes);
    const inputs = set.source === 'random' ? `${set.samples.length} seeded random (seed ${seed})` : `${set.samples.length} from ${set.source}`;
    const runs = options.runs ?? 20;
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
      let maxAbs = 0, cosSum = 0, cosCount = 0, matches = 0, rows = 0;
      const per = new Map<string, { maxAbsError: number; cosSum: number; count: number }>();
      for (const s of set.samples) {
        const [ra, rb] = [await a.run(toFeeds(s)), await runFeeds(b, s)];
        for (const name of names) {
          const c = compareOutputs(outputNumbers(ra[name]!), outputNumbers(rb[name]!), ra[name]!.dims);
          maxAbs = Math.max(maxAbs, c.maxAbsError);
          cosSum += c.cosine; cosCount++;
          if (c.top1Rows !== undefined) { matches += c.top1Matches!; rows += c.top1Rows; }
          const p = per.get(name) ?? { maxAbsError: 0, cosSum: 0, count: 0 };
          p.maxAbsError = Math.max(p.maxAbsError, c.maxAbsError); p.cosSum += c.cosine; p.count++;
          per.set(name, p);
        }
      }
      // Interleave the two models' timed runs so machine load affects both alike.
      const feeds = toFeeds(set.samples[0]!);
      await a.run(feeds); await b.run(feeds);
      const ta: number[] = [], tb: number[] = [];
      for (let i = 0; i < runs; i++) {
        let t0 = performance.now(); await a.run(feeds); ta.push(performance.now() - t0);
        t0 = performance.now(); await b.run(feeds); tb.push(performance.now() - t0);
      }
      return {
        ranOk: true, inputs, maxAbsError: maxAbs, cosine: cosCount ? cosSum / cosCount : 1,
        top1Agreement: rows > 0 ? matches / rows : null,
        latencyMsBefore: round3(median(ta)), latencyMsAfter: round3(median(tb)), runs,
        outputs: [...per].map(([name, p]) => ({ name, maxAbsError: p.maxAbsError, cosine: p.cosSum / p.count })),
      };
    } catch (e) {
      return failed(inputs, runs, e);
    } finally {
      await a.release();
      await b.release();
    }
  });
}

function runFeeds(s: OrtSession, sample: Sample) {
  return s.run(toFeeds(sample));
}

function failed(inputs: string, runs: number, e: unknown): VerifyReport {
  const why = e instanceof Error ? e.message.split('\n')[0]! : String(e);
  return {
    ranOk: false, inputs, maxAbsError: NaN, cosine: NaN, top1Agreement: null, latencyMsBefore: NaN, latencyMsAfter: NaN,
    runs, outputs: [], error: why,
  };
}

function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}
