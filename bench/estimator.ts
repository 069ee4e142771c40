// Estimator accuracy on this machine: calibrate a host profile from micro-benchmarks (or load one with
// --profiles FILE), then for every reference model and a set of generated CNN/MLP models (none used to calibrate)
// compare the estimator's end-to-end latency with the measured onnxruntime-node median (1 thread, 'all').
// Prints each model's error and the fraction within ±10% and ±20%.
//
//   node --import tsx bench/estimator.ts [--profiles host.json] [--runs N] [--passes N] [--out host.json]

import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cpus, loadavg } from 'node:os';
import { analyzeModel, analyzeModelFileSync, type Analysis } from '../src/core/analyze';
import { parseProfileText, isLink, type DeviceProfile } from '../src/core/devices';
import { estimate, estimateInputOf } from '../src/core/estimate';
import type { Attribute, Model, Node, Tensor, ValueInfo } from '../src/core/onnx/ir';
import { encodeModel } from '../src/core/onnx/encode';
import { unwrap } from '../src/core/result';
import { calibrateHost, median, seededRandom, timeModelDetailed } from '../src/core/runtime';

const args = process.argv.slice(2);
const flag = (name: string) => { const i = args.indexOf(name); return i >= 0 ? args[i + 1] : undefined; };
const runs = Number(flag('--runs') ?? 30);
const root = join(__dirname, '..');
const modelsDir = existsSync(join(root, '..', 'shared', 'models')) ? join(root, '..', 'shared', 'models') : join(root, 'test', 'fixtures', 'models');

/** Inputs that need pinning or fixed values to run (symbolic dims; Silero's sample rate). */
const SETTINGS: Record<string, { inputShapes?: Record<string, number[]>; values?: Record<string, number> }> = {
  'ppocr_mobile_v2_cls.onnx': { inputShapes: { x: [1, 3, 48, 192] } },
  'silero_vad_16k_op15.onnx': { inputShapes: { input: [1, 512], state: [2, 1, 128] }, values: { sr: 16000 } },
};

// ---- generated models: seeded CNN and MLP stacks with shapes the calibration set does not contain ----
const vi = (name: string, shape: number[]): ValueInfo => ({ name, type: { kind: 'tensor', elemType: 'float', shape } });
const ints = (name: string, value: number[]): Attribute => ({ name, type: 'ints', value });
const int = (name: string, value: number): Attribute => ({ name, type: 'int', value });

/** `large`: 96–160 px inputs and wider layers, so the held-out set has models of several milliseconds. */
function generatedCnn(seed: number, large = false): Model {
  const rand = seededRandom(seed);
  const pick = <T>(xs: T[]) => xs[Math.floor(rand() * xs.length)]!;
  const nodes: Node[] = [];
  const inits: Tensor[] = [];
  const w = (name: string, dims: number[]) => {
    const n = dims.reduce((a, b) => a * b, 1);
    inits.push({ name, dtype: 'float', dims, data: { kind: 'float', values: Float32Array.from({ length: n }, () => (rand() * 2 - 1) * 0.1) } });
  };
  let c = pick([3, 8]);
  let hw = large ? pick([128, 160, 192, 224]) : pick([40, 56, 72, 88]);
  const input = vi('x', [1, c, hw, hw]);
  let cur = 'x';
  const layers = 4 + Math.floor(rand() * 6);
  for (let i = 0; i < layers; i++) {
    const kind = pick(['conv', 'conv', 'dw', 'pw', 'pool']);
    const out = `t${i}`;
    if (kind === 'pool' && hw >= 8) {
      nodes.push({ name: `pool${i}`, opType: 'MaxPool', domain: '', inputs: [cur], outputs: [out], attributes: [ints('kernel_shape', [2, 2]), ints('strides', [2, 2])] });
      hw /= 2;
      hw = Math.floor(hw);
    } else {
      const cout = kind === 'dw' ? c : pick(large ? [32, 48, 64, 96, 128] : [12, 24, 40, 48, 80]);
      const k = kind === 'pw' ? 1 : 3;
      const group = kind === 'dw' ? c : 1;
      const stride = kind !== 'pw' && hw >= 16 && rand() < 0.3 ? 2 : 1;
      w(`w${i}`, [cout, c / group, k, k]);
      w(`b${i}`, [cout]);
      const pad = (k - 1) >> 1;
      nodes.push({ name: `conv${i}`, opType: 'Conv', domain: '', inputs: [cur, `w${i}`, `b${i}`], outputs: [`c${i}`],
        attributes: [ints('kernel_shape', [k, k]), ints('pads', [pad, pad, pad, pad]), ints('strides', [stride, stride]), int('group', group)] });
      nodes.push({ name: `relu${i}`, opType: 'Relu', domain: '', inputs: [`c${i}`], outputs: [out], attributes: [] });
      c = cout;
      hw = Math.floor((hw + 2 * pad - k) / stride) + 1;
    }
    cur = out;
  }
  nodes.push({ name: 'gap', opType: 'GlobalAveragePool', domain: '', inputs: [cur], outputs: ['g'], attributes: [] });
  nodes.push({ name: 'flat', opType: 'Flatten', domain: '', inputs: ['g'], outputs: ['f'], attributes: [] });
  w('fcw', [10, c]);
  w('fcb', [10]);
  nodes.push({ name: 'fc', opType: 'Gemm', domain: '', inputs: ['f', 'fcw', 'fcb'], outputs: ['y'], attributes: [int('transB', 1)] });
  return {
    irVersion: 8, opsetImports: [{ domain: '', version: 13 }], producerName: 'aiot-lens bench', producerVersion: '', domain: '',
    modelVersion: 0, docString: '', metadataProps: [], functions: [],
    graph: { name: `cnn${seed}`, nodes, initializers: inits, sparseInitializers: [], inputs: [input], outputs: [vi('y', [1, 10])], valueInfo: [] },
  };
}

function generatedMlp(seed: number): Model {
  const rand = seededRandom(seed);
  const nodes: Node[] = [];
  const inits: Tensor[] = [];
  let d = 64 + Math.floor(rand() * 8) * 64;
  const input = vi('x', [1, d]);
  let cur = 'x';
  const layers = 2 + Math.floor(rand() * 4);
  for (let i = 0; i < layers; i++) {
    const out = 96 + Math.floor(rand() * 12) * 32;
    const n = out * d;
    inits.push({ name: `w${i}`, dtype: 'float', dims: [out, d], data: { kind: 'float', values: Float32Array.from({ length: n }, () => (rand() * 2 - 1) * 0.1) } });
    inits.push({ name: `b${i}`, dtype: 'float', dims: [out], data: { kind: 'float', values: new Float32Array(out) } });
    nodes.push({ name: `fc${i}`, opType: 'Gemm', domain: '', inputs: [cur, `w${i}`, `b${i}`], outputs: [`h${i}`], attributes: [int('transB', 1)] });
    nodes.push({ name: `act${i}`, opType: rand() < 0.5 ? 'Relu' : 'Tanh', domain: '', inputs: [`h${i}`], outputs: [`a${i}`], attributes: [] });
    cur = `a${i}`;
    d = out;
  }
  return {
    irVersion: 8, opsetImports: [{ domain: '', version: 13 }], producerName: 'aiot-lens bench', producerVersion: '', domain: '',
    modelVersion: 0, docString: '', metadataProps: [], functions: [],
    graph: { name: `mlp${seed}`, nodes, initializers: inits, sparseInitializers: [], inputs: [input], outputs: [vi(cur, [1, d])], valueInfo: [] },
  };
}

interface Case {
  name: string;
  analysis: Analysis;
  model: string | Uint8Array;
  settings?: (typeof SETTINGS)[string];
}

async function main(): Promise<void> {
  let profile: DeviceProfile;
  const profilesPath = flag('--profiles');
  if (profilesPath) {
    const r = parseProfileText(readFileSync(profilesPath, 'utf8'), profilesPath);
    const p = r.ok ? r.value.find((x) => !isLink(x)) : undefined;
    if (!p || isLink(p)) throw new Error(r.ok ? `${profilesPath}: no device profile` : r.error.message);
    profile = p;
  } else {
    const t0 = Date.now();
    process.stderr.write('calibrating this machine...\n');
    profile = (await calibrateHost()).profile;
    process.stderr.write(`calibrated in ${((Date.now() - t0) / 1000).toFixed(1)} s\n`);
    const out = flag('--out');
    if (out) writeFileSync(out, JSON.stringify(profile, null, 2) + '\n');
  }

  const cases: Case[] = [];
  for (const f of readdirSync(modelsDir).filter((x) => x.endsWith('.onnx')).sort()) {
    const s = SETTINGS[f];
    const a = analyzeModelFileSync(join(modelsDir, f), s?.inputShapes ? { inputShapes: s.inputShapes } : {});
    if (!a.ok) { console.log(`${f}: skipped (${a.error.message})`); continue; }
    cases.push({ name: f, analysis: a.value, model: join(modelsDir, f), ...(s ? { settings: s } : {}) });
  }
  for (let seed = 1; seed <= 8; seed++) {
    const m = generatedCnn(100 + seed);
    cases.push({ name: `generated cnn${100 + seed}`, analysis: analyzeModel(m), model: unwrap(encodeModel(m)) });
  }
  for (let seed = 1; seed <= 6; seed++) {
    const m = generatedCnn(300 + seed, true);
    cases.push({ name: `generated large cnn${300 + seed}`, analysis: analyzeModel(m), model: unwrap(encodeModel(m)) });
  }
  for (let seed = 1; seed <= 4; seed++) {
    const m = generatedMlp(200 + seed);
    cases.push({ name: `generated mlp${200 + seed}`, analysis: analyzeModel(m), model: unwrap(encodeModel(m)) });
  }

  // Two passes over all models, keeping each model's lower median: a burst of load from other processes rarely hits
  // the same model twice.
  const passes = Number(flag('--passes') ?? 2);
  const best = new Map<string, { wall: number; ref: number }>();
  for (let pass = 0; pass < passes; pass++) {
    for (const c of cases) {
      try {
        const t = await timeModelDetailed(c.model, { runs, warmup: 5, threads: profile.calibration?.['threads'] as number | undefined ?? 1, nodes: false, ...(c.settings ?? {}) });
        const wall = median(t.wallMs);
        // Reference: the lower of the wall-clock and CPU-time medians (they agree on an idle machine; under load the
        // wall clock inflates, while microsecond runs carry Node's thread hand-off in CPU time).
        const ref = Math.min(wall, median(t.cpuMs));
        const prev = best.get(c.name);
        best.set(c.name, { wall: Math.min(wall, prev?.wall ?? Infinity), ref: Math.min(ref, prev?.ref ?? Infinity) });
      } catch (e) {
        if (pass === 0) console.log(`${c.name}: not measured (${e instanceof Error ? e.message : String(e)})`);
      }
    }
  }
  const rows: { name: string; estMs: number; medMs: number; cpuMs: number; err: number; errCpu: number }[] = [];
  for (const c of cases) {
    const m = best.get(c.name);
    if (!m) continue;
    const est = estimate(estimateInputOf(c.analysis), profile).latencyMs;
    rows.push({ name: c.name, estMs: est, medMs: m.wall, cpuMs: m.ref, err: est / m.wall - 1, errCpu: est / m.ref - 1 });
  }
  console.log(`\nestimator vs onnxruntime-node median on ${profile.name} (profile '${profile.id}'), ${runs} runs per pass, best of ${passes} passes`);
  const pct = (x: number) => `${(x * 100).toFixed(1)}%`.padStart(8);
  console.log(`${'model'.padEnd(34)} ${'estimate ms'.padStart(12)} ${'ref med ms'.padStart(10)} ${'error'.padStart(8)} ${'wall med ms'.padStart(11)} ${'error'.padStart(8)}`);
  for (const r of rows) {
    console.log(`${r.name.padEnd(34)} ${r.estMs.toFixed(3).padStart(12)} ${r.cpuMs.toFixed(3).padStart(10)} ${pct(r.errCpu)} ${r.medMs.toFixed(3).padStart(11)} ${pct(r.err)}`);
  }
  const within = (x: number, key: 'err' | 'errCpu') => rows.filter((r) => Math.abs(r[key]) <= x).length;
  const share = (n: number) => `${n}/${rows.length} (${((n / rows.length) * 100).toFixed(0)}%)`;
  const mape = (key: 'err' | 'errCpu') => pct(rows.reduce((a, r) => a + Math.abs(r[key]), 0) / rows.length).trim();
  console.log(`\nvs reference median:  within ±10%: ${share(within(0.1, 'errCpu'))}   within ±20%: ${share(within(0.2, 'errCpu'))}   mean |error| ${mape('errCpu')}`);
  console.log(`vs wall-clock median: within ±10%: ${share(within(0.1, 'err'))}   within ±20%: ${share(within(0.2, 'err'))}   mean |error| ${mape('err')}`);
  // The issue-12 target: the host profile within ±10% of measured latency on ≥ 80% of the held-out models of ≥ 1 ms
  // (below that, per-run jitter of a shared machine is a large fraction of the time).
  const big = rows.filter((r) => r.cpuMs >= 1);
  const bigWithin = big.filter((r) => Math.abs(r.errCpu) <= 0.1).length;
  console.log(`held-out models >= 1 ms: within ±10%: ${bigWithin}/${big.length} (${big.length ? ((bigWithin / big.length) * 100).toFixed(0) : '-'}%; target >= 80%)` +
    `${big.length ? `  [${big.map((r) => `${r.name} ${pct(r.errCpu).trim()}`).join(', ')}]` : ''}`);
  const load = loadavg()[0]!;
  console.log(`(load average ${load.toFixed(1)} on ${cpus().length} cores while measuring. reference = min(wall-clock median, CPU-time median): wall-clock time absorbs other processes' load, the single inference thread's CPU time does not)`);
}

main().catch((e) => {
  console.error(`bench/estimator: ${e instanceof Error ? e.message : String(e)}`);
  process.exitCode = 1;
});
