// Measures a .tflite model on this machine with LiteRT.js (@litertjs/core: Google's LiteRT runtime compiled to
// WebAssembly, XNNPACK CPU kernels). The package is written for browsers, so it runs in a worker thread given the few
// globals its Emscripten loader looks for (self, importScripts, require, __dirname); the worker keeps them, and the
// runtime's log lines, away from the caller's process.

import { dirname } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { LensException } from '../result';

export interface LiteRtTiming {
  wallMs: number[];
  cpuMs: number[];
  inputs: { name: string; dtype: string; shape: number[] }[];
  outputs: { name: string; dtype: string; shape: number[] }[];
  /** LiteRT.js version that ran the model. */
  version: string;
}

/** Where @litertjs/core lives (its wasm files sit in its `wasm/` folder), or undefined when it is not installed. */
export function liteRtPackage(): { entry: string; wasmDir: string; version: string } | undefined {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const entry = require.resolve('@litertjs/core');
    const root = dirname(dirname(entry));
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const version = (require(`${root}/package.json`) as { version: string }).version;
    return { entry, wasmDir: `${root}/wasm/`, version };
  } catch {
    return undefined;
  }
}

// The worker: shim the browser globals, load the runtime, compile the model for the CPU (wasm) accelerator, run
// warm-ups and timed runs on seeded inputs of each input's dtype and shape.
const WORKER = String.raw`
const { parentPort, workerData } = require('node:worker_threads');
const { readFileSync } = require('node:fs');
const { fileURLToPath } = require('node:url');
const { createRequire } = require('node:module');
const logs = [];
for (const k of ['log', 'info', 'warn', 'error', 'debug']) console[k] = (...a) => logs.push(a.join(' '));
globalThis.self = globalThis;
globalThis.require = createRequire(workerData.entry);
globalThis.__dirname = fileURLToPath(workerData.wasmDir);
globalThis.__filename = globalThis.__dirname + 'litert.js';
globalThis.importScripts = (u) => { (0, eval)(readFileSync(fileURLToPath(u), 'utf8')); };
globalThis.Module = { print: (s) => logs.push(s), printErr: (s) => logs.push(s) };
(async () => {
  const lr = await import(workerData.entryUrl);
  await lr.loadLiteRt(workerData.wasmDir);
  const model = await lr.loadAndCompile(new Uint8Array(readFileSync(workerData.path)), { accelerator: 'wasm' });
  const dims = (d) => Array.from({ length: Object.keys(d.shape).length }, (_, i) => d.shape[i]);
  const inputs = model.getInputDetails().map((d) => ({ name: d.name, dtype: d.dtype, shape: dims(d) }));
  const outputs = model.getOutputDetails().map((d) => ({ name: d.name, dtype: d.dtype, shape: dims(d) }));
  let seed = 12345;
  const rnd = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 4294967296);
  const arrays = { float32: Float32Array, int32: Int32Array, int8: Int8Array, uint8: Uint8Array, int16: Int16Array, int64: BigInt64Array, bool: Uint8Array };
  const tensors = inputs.map((d) => {
    const n = d.shape.reduce((a, b) => a * Math.max(1, b), 1);
    const A = arrays[d.dtype];
    if (!A) throw new Error('LiteRT.js cannot feed input ' + d.name + ' of type ' + d.dtype);
    const data = new A(n);
    for (let i = 0; i < n; i++) data[i] = d.dtype === 'float32' ? rnd() : d.dtype === 'int64' ? BigInt(Math.floor(rnd() * 100)) : Math.floor(rnd() * 100);
    return new lr.Tensor(data, d.shape.map((x) => Math.max(1, x)));
  });
  for (let i = 0; i < workerData.warmup; i++) await model.run(tensors);
  const wallMs = [];
  const cpuMs = [];
  for (let i = 0; i < workerData.runs; i++) {
    const c0 = process.cpuUsage();
    const t0 = process.hrtime.bigint();
    const outs = await model.run(tensors);
    wallMs.push(Number(process.hrtime.bigint() - t0) / 1e6);
    const c = process.cpuUsage(c0);
    cpuMs.push((c.user + c.system) / 1000);
    for (const o of outs) o.delete?.();
  }
  parentPort.postMessage({ ok: true, wallMs, cpuMs, inputs, outputs });
})().catch((e) => parentPort.postMessage({ ok: false, message: (e && e.message) || String(e), logs: logs.filter((l) => /ERROR/.test(l) && !/litert_web|compiled_model_next/.test(l)).slice(-4) }));
`;

/** Times `runs` inferences after `warmup` untimed ones in LiteRT.js's CPU (XNNPACK) runtime. */
export function timeTflite(path: string, options: { runs?: number; warmup?: number } = {}): Promise<LiteRtTiming> {
  const pkg = liteRtPackage();
  if (!pkg) {
    return Promise.reject(new LensException('runtime', 'measuring a .tflite needs the @litertjs/core package (LiteRT.js), which is not installed: npm install @litertjs/core'));
  }
  return new Promise((resolve, reject) => {
    const worker = new Worker(WORKER, {
      eval: true,
      workerData: {
        path, entry: pkg.entry, entryUrl: pathToFileURL(pkg.entry).href, wasmDir: pathToFileURL(pkg.wasmDir).href,
        runs: options.runs ?? 20, warmup: options.warmup ?? 3,
      },
      stdout: true,
      stderr: true,
    });
    worker.once('message', (m: { ok: boolean; message?: string; logs?: string[] } & Omit<LiteRtTiming, 'version'>) => {
      void worker.terminate();
      if (m.ok) resolve({ wallMs: m.wallMs, cpuMs: m.cpuMs, inputs: m.inputs, outputs: m.outputs, version: pkg.version });
      else reject(new LensException('runtime', `LiteRT.js ${pkg.version} cannot run it: ${m.message}${m.logs?.length ? ` (${m.logs.join('; ')})` : ''}`));
    });
    worker.once('error', (e) => reject(new LensException('runtime', `LiteRT.js ${pkg.version} failed: ${e.message}`)));
  });
}
