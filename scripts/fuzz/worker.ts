// Runs fuzz cases in a child process so that a hang or runaway heap can be stopped (killed) from outside.

import { readFileSync } from 'node:fs';
import { analyzeModel } from '../../src/core/analyze';
import { decodeModel } from '../../src/core/onnx/decode';
import { sniffFormat } from '../../src/core/model';
import { decodeTflite } from '../../src/core/tflite/load';
import { join } from 'node:path';
import { catchLens } from '../../src/core/result';
import { makeRng, mutate } from './mutate';
import { extraStages } from './stages';

interface Job {
  seed: number;
  from: number;
  to: number;
  corpus: string[];
  modelDir: string;
}

const job = JSON.parse(process.env['AIOT_FUZZ_JOB'] ?? '{}') as Job;
const send = (m: unknown) => process.send!(m);
const cache = new Map<string, Uint8Array>();

function load(path: string): Uint8Array {
  let b = cache.get(path);
  if (!b) {
    b = readFileSync(path);
    cache.set(path, b);
  }
  return b;
}

for (let i = job.from; i < job.to; i++) {
  const rng = makeRng((Math.imul(job.seed, 2654435761) ^ Math.imul(i + 1, 40503)) >>> 0);
  const source = job.corpus[Math.floor(rng() * job.corpus.length)]!;
  send({ type: 'mutating', index: i, source, kind: 'mutating' });
  const { kind, bytes } = mutate(load(source), rng);
  send({ type: 'start', index: i, source, kind });
  const started = performance.now();
  let outcome: 'ok' | 'error' | 'crash' = 'ok';
  let detail = '';
  try {
    // The format is decided as the loader decides it: by the TFL3 identifier, whatever the source was.
    const tflite = sniffFormat(bytes) === 'tflite';
    const decoded = tflite
      ? (() => { const r = decodeTflite(bytes, { path: join(job.modelDir, 'fuzz.tflite') }); return r.ok ? { ok: true as const, value: r.value.model } : r; })()
      : decodeModel(bytes, { path: 'fuzz.onnx' });
    if (!decoded.ok) {
      outcome = decoded.error.code === 'internal' ? 'crash' : 'error';
      detail = decoded.error.message;
    } else {
      // `internal` is what catchLens makes of an exception nobody meant: a bug, counted as a crash.
      const analyzed = catchLens(() => analyzeModel(decoded.value, { modelDir: job.modelDir }));
      if (!analyzed.ok) {
        outcome = analyzed.error.code === 'internal' ? 'crash' : 'error';
        detail = analyzed.error.message;
      } else {
        for (const stage of extraStages) {
          if (tflite && stage.onnxOnly) continue;
          const r = stage.run(analyzed.value, rng);
          if (!r.ok) {
            outcome = r.error.code === 'internal' ? 'crash' : outcome;
            detail = `${stage.name}: ${r.error.message}`;
            if (outcome === 'crash') break;
          }
        }
      }
    }
  } catch (e) {
    outcome = 'crash';
    detail = `unhandled ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`;
  }
  send({
    type: 'done', index: i, source, kind, outcome, detail, ms: performance.now() - started,
    heapBytes: process.memoryUsage().heapUsed,
  });
}
