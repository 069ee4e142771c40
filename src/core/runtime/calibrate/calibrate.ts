// Host calibration: times the micro-benchmarks in onnxruntime-node and fits a device profile for this machine —
// per-inference overhead, memory/cache bandwidth, peak fp32 throughput, and per op class an efficiency and a
// per-node overhead — so the estimator can be checked against measured latency of models it never saw.

import { cpus, hostname, totalmem } from 'node:os';
import { statfsSync } from 'node:fs';
import { analyzeModel } from '../../analyze';
import type { NodeCost, OpClass } from '../../cost/types';
import type { DeviceProfile } from '../../devices/types';
import { encodeModel } from '../../onnx/encode';
import { nodeOps } from '../../estimate/roofline';
import { findFusedNodes } from '../../estimate/fusion';
import { channelPadFactor, convGeometry } from '../../estimate/geometry';
import { LensException, unwrap } from '../../result';
import { median, timeModel, timeModelDetailed } from '../profile';
import { ort } from '../ort';
import { fitLinear, fitPlane, type PlaneFit } from './fit';
import { DISPATCH_CHAIN, dispatchBench, microBenches, overheadBench, PROBE_NODE, RUNTIME_WEIGHT_BENCHES, withRuntimeWeights, type MicroBench } from './microbench';

export interface CalibrateOptions {
  id?: string;
  threads?: number;
  /** Target measuring time per benchmark and pass (ms); runs adapt to it. */
  budgetMsPerBench?: number;
  /** Passes over all benchmarks (default 2); each keeps its lowest median. */
  passes?: number;
  progress?: (done: number, total: number, name: string) => void;
}

export interface BenchResult {
  name: string;
  opClass: OpClass;
  ops: number;
  bytes: number;
  nodes: number;
  /** Ops with channels padded to each candidate block. */
  opsByBlock: Record<number, number>;
  /** Fastest run time minus the per-inference overhead and the output probe's dispatch. */
  measuredMs: number;
  fittedMs?: number;
}

/** Summed work of a micro-benchmark's nodes (the cost model's own numbers, so calibration and estimates agree). */
function benchWork(b: MicroBench): { ops: number; bytes: number; nodes: number; opsByBlock: Record<number, number> } {
  const a = analyzeModel(b.model);
  const folded = findFusedNodes(b.model, a.shapes.values);
  const geometry = convGeometry(b.model, a.shapes.values);
  const probe = b.model.graph.nodes.findIndex((n) => n.name === PROBE_NODE);
  const costs: NodeCost[] = a.cost.nodes.filter((n) => !folded.has(n.index) && n.index !== probe);
  if (costs.length === 0) throw new LensException('internal', `calibration benchmark ${b.name} has no costed node`);
  const opsByBlock: Record<number, number> = {};
  for (const block of BLOCKS) {
    opsByBlock[block] = costs.reduce((s, c) => {
      const g = geometry.get(c.index);
      return s + nodeOps(c) * (g ? channelPadFactor(g, block) : 1);
    }, 0);
  }
  return { ops: costs.reduce((s, c) => s + nodeOps(c), 0), bytes: costs.reduce((s, c) => s + c.memoryBytes, 0), nodes: costs.length, opsByBlock };
}

/** Channel blocks tried: none, and the SIMD widths of common CPUs (NEON 4, AVX2 8, AVX-512 16 fp32 lanes). */
const BLOCKS = [1, 4, 8, 16];

async function measure(bytes: Uint8Array, threads: number, budgetMs: number): Promise<number> {
  const probe = await timeModel(bytes, { runs: 3, warmup: 2, threads, nodes: false });
  const one = Math.max(0.001, median(probe));
  const runs = Math.max(5, Math.min(300, Math.round(budgetMs / one)));
  const t = await timeModelDetailed(bytes, { runs, warmup: 2, threads, nodes: false });
  // The lower of the wall-clock and CPU-time medians: on an idle machine they agree; under other processes' load the
  // wall clock inflates, while for microsecond runs the CPU time carries Node's own thread hand-off. With several
  // threads CPU time sums the threads, so only wall time is meaningful.
  return threads === 1 ? Math.min(median(t.wallMs), median(t.cpuMs)) : median(t.wallMs);
}

export interface Calibration {
  profile: DeviceProfile;
  /** The micro-benchmarks the fit uses (one op class each). */
  benches: BenchResult[];
  /** Models timed (benchmarks + per-inference overhead + dispatch + runtime-weight variants), passes over them, timings. */
  models: number;
  passes: number;
  timings: number;
  fits: Partial<Record<OpClass, PlaneFit>>;
}

export async function calibrateHost(options: CalibrateOptions = {}): Promise<Calibration> {
  const threads = options.threads ?? 1;
  const budget = options.budgetMsPerBench ?? 250;
  const passes = Math.max(1, options.passes ?? 2);
  const benches = microBenches();
  const variants = benches.filter((b) => RUNTIME_WEIGHT_BENCHES.includes(b.name)).map(withRuntimeWeights);
  const all = [overheadBench(), dispatchBench(), ...benches, ...variants];
  const encoded = all.map((b) => unwrap(encodeModel(b.model)));
  const work = benches.map(benchWork);

  // Every model is timed in each pass and keeps its lowest median: a burst of load from other processes rarely
  // hits the same benchmark twice.
  const best = new Array<number>(all.length).fill(Infinity);
  const total = all.length * passes;
  for (let pass = 0; pass < passes; pass++) {
    for (let i = 0; i < all.length; i++) {
      options.progress?.(pass * all.length + i + 1, total, all[i]!.name);
      best[i] = Math.min(best[i]!, await measure(encoded[i]!, threads, budget));
    }
  }
  const overheadMs = best[0]!;
  const dispatchMs = Math.max(0, best[1]! - overheadMs) / DISPATCH_CHAIN;
  const results: BenchResult[] = benches.map((b, i) => ({
    name: b.name, opClass: b.opClass, ...work[i]!, measuredMs: Math.max(1e-5, best[i + 2]! - overheadMs - (b.probed ? dispatchMs : 0)),
  }));
  // Slowdown when weights are overridable graph inputs: per class, the median ratio to the constant-weight model.
  const ratios: Partial<Record<OpClass, number[]>> = {};
  variants.forEach((v, k) => {
    const base = results.find((r) => `${r.name}_runtime_weights` === v.name)!;
    const t = Math.max(1e-5, best[2 + benches.length + k]! - overheadMs - (v.probed ? dispatchMs : 0));
    (ratios[v.opClass] ??= []).push(t / base.measuredMs);
  });
  const runtimeWeightsFactor: Partial<Record<OpClass, number>> = {};
  for (const [c, list] of Object.entries(ratios)) runtimeWeightsFactor[c as OpClass] = round(median(list!), 3);

  // Memory: element-wise Add streams bytes, its fitted time per byte gives the bandwidth every class is scaled to.
  const addFit = fitLinear(results.filter((r) => r.name.startsWith('add_')).map((r) => ({ x: r.bytes / r.nodes, t: r.measuredMs / r.nodes })));
  const memoryBandwidthBytesPerSecond = addFit.slope > 0 ? 1000 / addFit.slope : 10e9;

  // Per class: time = ops x perOp + bytes x perByte + per-node intercept (non-negative least squares).
  // Single-thread CPU kernels overlap compute and memory traffic poorly, so the profile adds the two (overlap: false).
  const classes: OpClass[] = ['conv', 'depthwise', 'matmul', 'recurrent', 'elementwise', 'pooling', 'data'];
  // Fitted per node (work and time divided by the chain length), so the intercept is a per-node cost.
  const fitClass = (c: OpClass, block: number): PlaneFit => {
    // Models whose run barely exceeds the per-inference overhead carry no usable signal after subtracting it.
    const pts = results.filter((r) => r.opClass === c && r.measuredMs >= overheadMs)
      .map((r) => ({ ops: r.opsByBlock[block]! / r.nodes, bytes: r.bytes / r.nodes, t: r.measuredMs / r.nodes }));
    // Data movement has no arithmetic and only a few benchmarks: its per-node cost is the dispatch cost, and the fit
    // finds the per-byte cost (a free intercept there soaked up the noise of single timings).
    if (c === 'data') return fitPlane(pts, dispatchMs);
    const free = fitPlane(pts);
    return free.intercept >= dispatchMs ? free : fitPlane(pts, dispatchMs);
  };
  // The channel block that explains dense and depthwise conv times best.
  let channelBlock = 1;
  let bestErr = Infinity;
  for (const block of BLOCKS) {
    const err = fitClass('conv', block).meanRelError + fitClass('depthwise', block).meanRelError;
    if (err < bestErr - 1e-9) { bestErr = err; channelBlock = block; }
  }
  const fits: Partial<Record<OpClass, PlaneFit>> = {};
  for (const c of classes) {
    // Per-op, per-byte and per-node costs; a class whose fit finds no per-node cost still pays the measured dispatch.
    fits[c] = fitClass(c, c === 'conv' || c === 'depthwise' ? channelBlock : 1);
  }
  // Peak fp32 = the fitted dense-conv throughput (so conv efficiency is 1): a ratio of single benchmarks would let
  // one noisy sub-microsecond timing set the scale.
  const convFit = fitClass('conv', channelBlock);
  const peakFloat = convFit.perOp > 0 ? 1000 / convFit.perOp
    : Math.max(...results.filter((r) => r.opClass === 'conv' && r.measuredMs > 0.05).map((r) => (r.opsByBlock[channelBlock]! / r.measuredMs) * 1000));
  const efficiency = { control: 1 } as DeviceProfile['efficiency'];
  const memoryEfficiency: Partial<Record<OpClass, number>> = { control: 1 };
  const nodeOverheadMs: Partial<Record<OpClass, number>> = { control: 0 };
  for (const c of classes) {
    const f = fits[c]!;
    // 0 means the fit found no dependence on that term: the estimator then adds no time for it.
    efficiency[c] = f.perOp > 0 ? round(1000 / f.perOp / peakFloat, 6) : 0;
    memoryEfficiency[c] = f.perByte > 0 ? round(1000 / f.perByte / memoryBandwidthBytesPerSecond, 6) : 0;
    nodeOverheadMs[c] = round(f.intercept, 6);
  }

  // Predict each benchmark back with the same formula the estimator uses, for the record.
  for (const r of results) {
    const f = fits[r.opClass]!;
    const ops = r.opClass === 'conv' || r.opClass === 'depthwise' ? r.opsByBlock[channelBlock]! : r.ops;
    r.fittedMs = f.perOp * ops + f.perByte * r.bytes + f.intercept * r.nodes;
  }

  let diskBytes = 0;
  try {
    const s = statfsSync(process.cwd());
    diskBytes = s.blocks * s.bsize;
  } catch {
    diskBytes = 0;
  }
  const cpu = cpus()[0]?.model?.trim() || 'unknown CPU';
  const ortVersion: string = ort().env?.versions?.common ?? ort().env?.versions?.node ?? 'unknown';
  const date = new Date().toISOString();
  const profile: DeviceProfile = {
    id: options.id ?? 'host',
    name: `This machine (${cpu}, ${threads} thread${threads > 1 ? 's' : ''}, onnxruntime CPU)`,
    class: 'host',
    peakOpsPerSecond: { float: Math.round(peakFloat) },
    efficiency,
    memoryBandwidthBytesPerSecond: Math.round(memoryBandwidthBytesPerSecond),
    memoryEfficiency,
    overlap: false,
    ramBytes: totalmem(),
    flashBytes: diskBytes,
    executeInPlace: false,
    dtypes: ['float'],
    fusesActivations: true,
    ...(channelBlock > 1 ? { channelBlock } : {}),
    runtimeWeightsFactor,
    activePowerW: 0,
    idlePowerW: 0,
    overheadMs: round(overheadMs, 5),
    nodeOverheadMs,
    runtimeFlashBytes: 0,
    runtimeRamBytes: 0,
    sources: [`aiot-lens calibrate on ${hostname()} at ${date}: ${results.length} onnxruntime-node ${ortVersion} micro-benchmarks, ${threads} intra-op thread(s), graph optimization 'all'`],
    notes: 'Measured, not from a datasheet. Per op class, node time = ops x a + bytes x b + c fitted by least squares on single-op-class models: efficiency = (1/a) / peak fp32 (the fitted dense-conv throughput), memoryEfficiency = (1/b) / the element-wise Add bandwidth, nodeOverheadMs = c; 0 means no dependence on that term. Power is not measured: set activePowerW and idlePowerW to get energy figures.',
    calibration: {
      date, threads, ortVersion, cpu, dispatchMs: round(dispatchMs, 6),
      benches: results.map(({ opsByBlock: _o, ...r }) => ({ ...r, measuredMs: round(r.measuredMs, 5), fittedMs: round(r.fittedMs ?? 0, 5) })),
      fitErrors: Object.fromEntries(Object.entries(fits).map(([k, f]) => [k, round(f!.meanRelError, 4)])),
    },
  };
  return { profile, benches: results, fits, models: all.length, passes, timings: total };
}

function round(x: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}
