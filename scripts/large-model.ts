// `npm run test:large`: the issue-18 acceptance run, too heavy for the unit suite. Generates a four-MatMul model whose
// external data is 3.46 GiB (zero weights in a sparse file: no disk blocks), runs `aiot-lens optimize --passes fp16`
// and `--passes int8-dynamic` on it as separate processes (the built CLI, dist/cli.js) and checks each: peak resident
// memory under 1 GiB, wall time under 60 s, outputs in OUT.data with the right size ratios (0.5x, 0.25x), both outputs
// load in onnxruntime (the int8 one also runs). A smaller sibling with random weights is verified numerically with
// --verify. Everything is written to a temporary folder that is removed afterwards.

import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statfsSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeMatMulChain } from '../test/helpers/largeModel';

const root = join(__dirname, '..');
const cli = join(root, 'dist', 'cli.js');
const MAX_RSS_BYTES = 2 ** 30;
const MAX_WALL_S = 60;
let passed = 0, failed = 0;

function check(ok: boolean, what: string): void {
  if (ok) passed++; else failed++;
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${what}`);
}

/** Runs a node script with a preload that reports the process's peak resident memory at exit. */
function measured(dir: string, args: string[]): { status: number | null; wallS: number; peakRssBytes: number; stdout: string; stderr: string } {
  const preload = join(dir, 'peak-rss.cjs');
  writeFileSync(preload, "process.on('exit', () => process.stderr.write(`\\npeak-rss-bytes ${process.resourceUsage().maxRSS * 1024}\\n`));\n");
  const t0 = performance.now();
  const r = spawnSync(process.execPath, ['--require', preload, ...args], { cwd: dir, encoding: 'utf8', maxBuffer: 64 << 20 });
  const wallS = (performance.now() - t0) / 1000;
  const m = /peak-rss-bytes (\d+)/.exec(r.stderr);
  return { status: r.status, wallS, peakRssBytes: m ? Number(m[1]) : NaN, stdout: r.stdout, stderr: r.stderr };
}

const ORT_CHECK = `
const ort = require(${JSON.stringify(join(root, 'node_modules', 'onnxruntime-node'))});
(async () => {
  const [path, dim, runIt] = process.argv.slice(2);
  const s = await ort.InferenceSession.create(path, { intraOpNumThreads: 1, interOpNumThreads: 1, graphOptimizationLevel: 'disabled', logSeverityLevel: 4 });
  let out = 'not run';
  if (runIt === 'run') {
    const y = (await s.run({ x: new ort.Tensor('float32', new Float32Array(Number(dim)).fill(0.5), [1, Number(dim)]) })).y;
    out = y.dims.join('x') + ' max|y| ' + Math.max(...Array.from(y.data, Math.abs));
  }
  console.log(JSON.stringify({ inputs: s.inputNames, outputs: s.outputNames, out }));
})().catch((e) => { console.error(String(e)); process.exit(1); });
`;

function main(): void {
  if (!statSync(cli, { throwIfNoEntry: false })) {
    console.error('dist/cli.js is missing: run npm run build first');
    process.exit(2);
  }
  const dir = mkdtempSync(join(tmpdir(), 'aiot-large-'));
  try {
    const fs = statfsSync(dir);
    console.log(`scratch folder ${dir}: ${(fs.bavail * fs.bsize / 2 ** 30).toFixed(1)} GiB free (the zero weights take no blocks)`);
    writeFileSync(join(dir, 'ort-check.cjs'), ORT_CHECK);
    const dim = 15232;
    const big = writeMatMulChain({ dir, name: 'big.onnx', layers: 4, dim, values: 'zeros' });
    const inBytes = statSync(big.path).size + statSync(big.dataPath).size;
    console.log(`big.onnx: 4 MatMul of ${dim}x${dim} float32, external data ${(big.weightBytes / 2 ** 30).toFixed(2)} GiB`);
    check(big.weightBytes > 2 ** 31, 'external data is over 2 GiB');

    for (const [pass, ratio] of [['fp16', 0.5], ['int8-dynamic', 0.25]] as const) {
      const out = `big.${pass}.onnx`;
      const r = measured(dir, [cli, 'optimize', 'big.onnx', '--passes', pass, '-o', out, '--json']);
      check(r.status === 0, `${pass}: optimize exits 0${r.status === 0 ? '' : `: ${r.stderr.trim().split('\n')[0]}`}`);
      if (r.status !== 0) continue;
      const j = JSON.parse(r.stdout);
      const got = j.after.totalBytes / j.before.totalBytes;
      console.log(`     ${pass}: ${r.wallS.toFixed(1)} s, peak resident ${(r.peakRssBytes / 2 ** 20).toFixed(0)} MiB, ${(j.before.totalBytes / 2 ** 30).toFixed(2)} GiB → ${(j.after.totalBytes / 2 ** 30).toFixed(2)} GiB (${got.toFixed(4)}x)`);
      check(r.peakRssBytes < MAX_RSS_BYTES, `${pass}: peak resident memory ${(r.peakRssBytes / 2 ** 20).toFixed(0)} MiB < 1 GiB`);
      check(r.wallS < MAX_WALL_S, `${pass}: wall time ${r.wallS.toFixed(1)} s < ${MAX_WALL_S} s`);
      check(j.before.totalBytes === inBytes, `${pass}: the size before counts model + data (${j.before.totalBytes} B)`);
      check(Math.abs(got - ratio) < 0.005, `${pass}: size ratio ${got.toFixed(4)} ≈ ${ratio}`);
      check(j.after.fileBytes < 4096 && statSync(join(dir, `${out}.data`)).size === j.after.externalDataBytes, `${pass}: weights in ${out}.data, protobuf ${j.after.fileBytes} B`);
      // fp16 MatMul on ORT's CPU provider computes through float32 copies (GiBs here): loading is what is checked.
      const ort = measured(dir, [join(dir, 'ort-check.cjs'), out, String(dim), pass === 'int8-dynamic' ? 'run' : 'load']);
      check(ort.status === 0, `${pass}: onnxruntime loads ${out}${pass === 'int8-dynamic' ? ' and runs it' : ''} (${ort.stdout.trim() || ort.stderr.trim().split('\n')[0]}; peak ${(ort.peakRssBytes / 2 ** 20).toFixed(0)} MiB)`);
      rmSync(join(dir, out), { force: true });
      rmSync(join(dir, `${out}.data`), { force: true });
    }

    // The smaller sibling: same architecture, random weights, verified numerically against the original in ORT.
    const small = writeMatMulChain({ dir, name: 'small.onnx', layers: 4, dim: 1024, values: 'random', seed: 7 });
    for (const pass of ['fp16', 'int8-dynamic']) {
      const r = measured(dir, [cli, 'optimize', 'small.onnx', '--passes', pass, '-o', `small.${pass}.onnx`, '--verify', '--runs', '3', '--json']);
      const v = r.status === 0 ? JSON.parse(r.stdout).verify : undefined;
      check(v?.ranOk === true && v.cosine > 0.999, `small sibling ${pass}: verified in onnxruntime, cosine ${v?.cosine?.toFixed(6)}, max abs error ${v?.maxAbsError?.toExponential(2)}`);
    }
    void small;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  console.log(`${passed} passed, ${failed} failed`);
  process.exit(failed ? 1 : 0);
}

main();
