// Time of each optimization pass on the reference CNNs (median of BENCH_RUNS, in-process, excluding ORT
// verification; int8-static includes its ORT calibration on 8 seeded random inputs).
// Run: node --import tsx bench/passes.ts

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeModel } from '../src/core/onnx/decode';
import { encodeModel } from '../src/core/onnx/encode';
import { PASSES } from '../src/core/passes';
import { unwrap } from '../src/core/result';

const runs = Number(process.env['BENCH_RUNS'] ?? 3);
const models = ['mobilenet_v2', 'squeezenet1_1', 'ultraface_rfb_320', 'transformer_har'];

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

async function main(): Promise<void> {
  console.log(['model', 'pass', 'ms (median)', 'encode ms'].join('\t'));
  for (const name of models) {
    const model = unwrap(decodeModel(new Uint8Array(readFileSync(join(__dirname, '..', 'test', 'fixtures', 'models', `${name}.onnx`)))));
    for (const pass of Object.keys(PASSES)) {
      if (pass === 'resize-input') continue;
      const times: number[] = [], enc: number[] = [];
      let failed = '';
      for (let i = 0; i < runs; i++) {
        const t0 = performance.now();
        const r = await PASSES[pass]!.run(model, { energy: 0.95 });
        times.push(performance.now() - t0);
        if (!r.ok) { failed = r.error.message; break; }
        const t1 = performance.now();
        unwrap(encodeModel(r.value.model));
        enc.push(performance.now() - t1);
      }
      console.log([name, pass, failed ? `refused (${failed.slice(0, 60)})` : median(times).toFixed(1), failed ? '-' : median(enc).toFixed(1)].join('\t'));
    }
  }
}

void main();
