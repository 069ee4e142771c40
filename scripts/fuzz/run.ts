// `npm run fuzz -- --iterations N --seed S [--time-limit-ms 5000] [--suite] [--tflite]`: mutates and truncates the reference
// models (and the ONNX conformance suite's) and runs decode → shapes → cost → memory plan → later stages on each.
// Every case must end in a result or a clean error within the time bound: crashes, unhandled exceptions, timeouts
// and heap blow-ups are counted and listed, and make the run fail.

import { existsSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { fork } from 'node:child_process';
import { buildTflite } from '../../test/helpers/tflite-builder';
import { controlFlowNet, convNet } from '../../test/helpers/tflite-samples';

const { values } = parseArgs({
  options: {
    iterations: { type: 'string', default: '1000' },
    seed: { type: 'string', default: '1' },
    'time-limit-ms': { type: 'string', default: '5000' },
    'heap-mb': { type: 'string', default: '1024' },
    suite: { type: 'boolean', default: true },
    'no-suite': { type: 'boolean' },
    /** Only the .tflite corpus (flatbuffer mutations). */
    tflite: { type: 'boolean' },
  },
});
const iterations = Number(values.iterations);
const seed = Number(values.seed);
const limitMs = Number(values['time-limit-ms']);
const heapMb = Number(values['heap-mb']);

const root = join(__dirname, '..', '..');
const corpus: string[] = [];
const fixtures = join(root, 'test', 'fixtures', 'models');
for (const f of readdirSync(fixtures)) if (f.endsWith('.onnx')) corpus.push(join(fixtures, f));
// The published .tflite models, each twice so that flatbuffers are a fair share of a short run.
for (const f of readdirSync(join(fixtures, 'tflite'))) if (f.endsWith('.tflite')) corpus.push(join(fixtures, 'tflite', f), join(fixtures, 'tflite', f));
const modelDir = mkdtempSync(join(tmpdir(), 'aiot-fuzz-'));
// Written .tflite models with what the published ones lack: per-channel int8, signature -1 dims, subgraphs
// (IF, CALL_ONCE), buffers after the flatbuffer, an offline memory plan.
const built: [string, Uint8Array][] = [
  ['conv-int8.tflite', buildTflite(convNet())],
  ['conv-int8-v3c.tflite', buildTflite(convNet({ buffersAfter: true }))],
  ['control-flow.tflite', buildTflite(controlFlowNet())],
];
for (const [name, bytes] of built) {
  writeFileSync(join(modelDir, name), bytes);
  corpus.push(join(modelDir, name));
}
if (values.tflite) corpus.splice(0, corpus.length, ...corpus.filter((p) => p.endsWith('.tflite')));
const SUITE = '/usr/share/libonnx-testdata/data/node';
if (!values['no-suite'] && !values.tflite && existsSync(SUITE)) {
  for (const d of readdirSync(SUITE)) {
    const p = join(SUITE, d, 'model.onnx');
    if (existsSync(p)) corpus.push(p);
  }
}

/** What the child reports: `start` before a case, `done` with its outcome after it. */
interface CaseMessage {
  type: 'mutating' | 'start' | 'done';
  index: number;
  source: string;
  kind: string;
  outcome: 'ok' | 'error' | 'crash';
  detail: string;
  ms: number;
  heapBytes: number;
}

interface Failure {
  index: number;
  source: string;
  kind: string;
  outcome: string;
  detail: string;
}

const failures: Failure[] = [];
const retried = new Set<number>();
const counts = { ok: 0, error: 0, crash: 0, timeout: 0, heap: 0 };
let slowestMs = 0;
let maxHeap = 0;
const started = Date.now();

function runFrom(from: number): Promise<number> {
  return new Promise((resolve) => {
    // A child process, not a worker thread: V8 aborts the whole process when a worker runs out of heap inside a
    // native allocation, and terminate() cannot interrupt one; a child can always be killed.
    const worker = fork(join(__dirname, 'worker.ts'), [], {
      execArgv: ['--import', 'tsx', `--max-old-space-size=${heapMb}`],
      env: { ...process.env, AIOT_FUZZ_JOB: JSON.stringify({ seed, from, to: iterations, corpus, modelDir }) },
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    });
    let stderr = '';
    worker.stderr!.on('data', (d) => {
      stderr = (stderr + String(d)).slice(-4000);
    });
    let current: { index: number; source: string; kind: string } | undefined;
    let timer: NodeJS.Timeout | undefined;
    let next = from;
    let settled = false;
    const finish = (n: number) => {
      if (settled) return;
      settled = true;
      if (timer) clearTimeout(timer);
      resolve(n);
    };
    worker.on('message', (raw) => {
      const m = raw as CaseMessage;
      if (m.type === 'start' || m.type === 'mutating') {
        current = m;
        if (timer) clearTimeout(timer);
        // The bound is on the engine; building the mutated model (the harness's own work) gets a looser one.
        const limit = m.type === 'start' ? limitMs : limitMs * 6;
        timer = setTimeout(() => {
          const c = current!;
          worker.kill('SIGKILL');
          // A hang is deterministic, a load spike on a shared machine is not: run a timed-out case once more in a
          // fresh process before counting it.
          if (!retried.has(c.index)) {
            retried.add(c.index);
            finish(c.index);
            return;
          }
          counts.timeout++;
          failures.push({ ...c, outcome: 'timeout', detail: `no result after ${limit} ms, twice` });
          finish(c.index + 1);
        }, limit);
      } else {
        if (timer) clearTimeout(timer);
        counts[m.outcome as 'ok' | 'error' | 'crash']++;
        slowestMs = Math.max(slowestMs, m.ms);
        maxHeap = Math.max(maxHeap, m.heapBytes);
        if (m.outcome === 'crash') failures.push(m);
        next = m.index + 1;
        current = undefined;
        if ((next - 0) % 500 === 0) process.stdout.write(`  ${next}/${iterations} cases, ${((Date.now() - started) / 1000).toFixed(0)} s\n`);
      }
    });
    worker.on('exit', (code, signal) => {
      if (settled) return;
      if (code === 0 && !current) return finish(iterations);
      if (!current) {
        // The child died before running a case: the harness itself is broken, not the engine.
        console.error(`fuzz: the worker failed to start (exit ${code ?? signal}): ${stderr.trim().split('\n').slice(-3).join(' ')}`);
        process.exit(2);
      }
      // Out of heap, or a crash of the process itself: charge it to the running case.
      const oom = /heap out of memory|Allocation failed/i.test(stderr);
      if (oom) counts.heap++;
      else counts.crash++;
      failures.push({ ...current, outcome: oom ? 'heap' : 'crash', detail: `process died (${code ?? signal}) ${stderr.trim().split('\n').filter(Boolean).slice(-1)[0] ?? ''}` });
      finish(current.index + 1);
    });
  });
}

async function main(): Promise<void> {
  console.log(`fuzz: ${iterations} cases, seed ${seed}, corpus ${corpus.length} models, limit ${limitMs} ms/case, heap ${heapMb} MB`);
  let from = 0;
  while (from < iterations) from = await runFrom(from);
  const seconds = (Date.now() - started) / 1000;
  console.log(`fuzz: ${counts.ok} analyzed, ${counts.error} clean errors, ${counts.crash} crashes, ${counts.timeout} over ${limitMs} ms, ${counts.heap} out of heap`);
  if (retried.size) console.log(`fuzz: ${retried.size} case(s) timed out once and were run again`);
  console.log(`fuzz: slowest case ${slowestMs.toFixed(0)} ms, largest worker heap ${(maxHeap / 2 ** 20).toFixed(0)} MiB, ${seconds.toFixed(0)} s in all`);
  for (const f of failures.slice(0, 30)) console.log(`  #${f.index} ${f.outcome} ${f.kind} ${f.source.replace(root + '/', '')}: ${f.detail}`);
  const bad = counts.crash + counts.timeout + counts.heap;
  console.log(`${counts.ok + counts.error} passed, ${bad} failed`);
  process.exitCode = bad > 0 ? 1 : 0;
}

void main();
