// Measures a model with onnxruntime-node: warm-up then N timed runs fully optimized (median, p90), plus one profiled
// run with optimizations off so per-node times carry the user's node names. ORT's profile files are removed.

import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LensException } from '../result';
import { createSession } from './ort';
import { randomFeeds, type InputOptions } from './inputs';

export interface ProfileOptions extends InputOptions {
  runs?: number;
  warmup?: number;
  threads?: number;
  /** Skip the per-node profiled run (calibration and benchmarks only need end-to-end time). */
  nodes?: boolean;
}

export interface NodeTime {
  name: string;
  opType: string;
  ms: number;
}

export interface ProfileResult {
  /** End-to-end wall-clock median with full optimization. */
  medianMs: number;
  /** Median CPU time of the process per run: close to the latency on an idle core, insensitive to other processes' load. */
  cpuMedianMs: number;
  p90Ms: number;
  minMs: number;
  runs: number;
  threads: number;
  nodes: NodeTime[];
  /** Sum of per-node kernel times in the unoptimized profiled run. */
  unoptimizedKernelMs?: number;
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i]!;
}

export function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** End-to-end wall-clock timings (ms) of `runs` inferences after `warmup` untimed ones. */
export async function timeModel(model: string | Uint8Array, options: ProfileOptions = {}): Promise<number[]> {
  return (await timeModelDetailed(model, options)).wallMs;
}

/**
 * Wall-clock and process CPU time (ms) per run. With one intra-op thread the inference runs on one thread while
 * Node waits, so CPU time is the run's own work: on a shared machine it stays put while wall time absorbs the
 * time other processes hold the core.
 */
export async function timeModelDetailed(model: string | Uint8Array, options: ProfileOptions = {}): Promise<{ wallMs: number[]; cpuMs: number[] }> {
  const s = await createSession(model, { optimization: 'all', threads: options.threads ?? 1 });
  try {
    const feeds = randomFeeds(s.inputs, options);
    for (let i = 0; i < (options.warmup ?? 3); i++) await s.run(feeds);
    const wallMs: number[] = [];
    const cpuMs: number[] = [];
    for (let i = 0; i < (options.runs ?? 20); i++) {
      const c0 = process.cpuUsage();
      const t0 = process.hrtime.bigint();
      await s.run(feeds);
      wallMs.push(Number(process.hrtime.bigint() - t0) / 1e6);
      const c = process.cpuUsage(c0);
      cpuMs.push((c.user + c.system) / 1000);
    }
    return { wallMs, cpuMs };
  } finally {
    await s.release();
  }
}

export async function profileModel(model: string | Uint8Array, options: ProfileOptions = {}): Promise<ProfileResult> {
  const threads = options.threads ?? 1;
  const { wallMs: times, cpuMs } = await timeModelDetailed(model, options);
  const sorted = [...times].sort((a, b) => a - b);
  const result: ProfileResult = {
    medianMs: median(times), cpuMedianMs: median(cpuMs), p90Ms: percentile(sorted, 90), minMs: sorted[0]!, runs: times.length, threads, nodes: [],
  };
  if (options.nodes === false) return result;
  const nodes = await profileNodes(model, options);
  result.nodes = nodes;
  result.unoptimizedKernelMs = nodes.reduce((a, n) => a + n.ms, 0);
  return result;
}

/** Per-node kernel times of one run with graph optimizations disabled (after one warm-up run). */
export async function profileNodes(model: string | Uint8Array, options: ProfileOptions = {}): Promise<NodeTime[]> {
  const dir = mkdtempSync(join(tmpdir(), 'aiot-lens-profile-'));
  try {
    const s = await createSession(model, { optimization: 'disabled', threads: options.threads ?? 1, profilePrefix: join(dir, 'ort') });
    try {
      const feeds = randomFeeds(s.inputs, options);
      await s.run(feeds);
      await s.run(feeds);
    } finally {
      await s.endProfiling();
      await s.release();
    }
    const file = readdirSync(dir).find((f) => f.endsWith('.json'));
    if (!file) throw new LensException('runtime', 'onnxruntime wrote no profile file');
    return parseOrtProfile(readFileSync(join(dir, file), 'utf8'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

interface OrtEvent {
  cat?: string;
  name?: string;
  ts?: number;
  dur?: number;
  args?: { op_name?: string; node_index?: string };
}

/** Kernel times of the last `model_run` in an ORT profile, summed per node, in execution order. */
export function parseOrtProfile(text: string): NodeTime[] {
  let events: OrtEvent[];
  try {
    events = JSON.parse(text) as OrtEvent[];
  } catch {
    throw new LensException('runtime', 'onnxruntime wrote an unreadable profile file');
  }
  const runs = events.filter((e) => e.cat === 'Session' && e.name === 'model_run');
  const last = runs[runs.length - 1];
  const from = last?.ts ?? -Infinity;
  const to = last ? (last.ts ?? 0) + (last.dur ?? 0) : Infinity;
  const byNode = new Map<string, NodeTime>();
  for (const e of events) {
    if (e.cat !== 'Node' || !e.name?.endsWith('_kernel_time')) continue;
    const ts = e.ts ?? 0;
    if (ts < from || ts > to) continue;
    const opType = e.args?.op_name ?? '';
    let name = e.name.slice(0, -'_kernel_time'.length);
    if (!name) name = `#${e.args?.node_index ?? '?'} ${opType}`;
    const t = byNode.get(name) ?? { name, opType, ms: 0 };
    t.ms += (e.dur ?? 0) / 1000;
    byNode.set(name, t);
  }
  return [...byNode.values()];
}
