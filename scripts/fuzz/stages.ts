// Engine stages after analysis that the fuzzer drives too: device estimates, and the optimization passes that run
// without onnxruntime, each followed by encode → decode → analyze of the pass's result.
// Each stage returns a Result; an `internal` error or a throw is a crash.

import { analyzeModel, type Analysis } from '../../src/core/analyze';
import { getDevice, loadProfiles, type DeviceProfile } from '../../src/core/devices';
import { estimate, estimateInputOf } from '../../src/core/estimate';
import { decodeModel } from '../../src/core/onnx/decode';
import { encodeModel } from '../../src/core/onnx/encode';
import { PASSES } from '../../src/core/passes';
import { catchLens, err, ok, unwrap, type Result } from '../../src/core/result';
import type { Rng } from './mutate';

export interface Stage {
  name: string;
  /** The stage rewrites ONNX (optimization passes): not run on models read from other formats. */
  onnxOnly?: boolean;
  run(analysis: Analysis, rng: Rng): Result<unknown>;
}

const registry = unwrap(loadProfiles());
const devices: DeviceProfile[] = ['stm32f746', 'kendryte-k210', 'nvidia-t4'].map((id) => unwrap(getDevice(registry, id)));

// Passes that are pure functions of the model (the int8 passes run onnxruntime to calibrate: not fuzzed here).
const PURE_PASSES = ['cleanup', 'fold-constants', 'fold-bn', 'fp16', 'prune', 'low-rank', 'reorder'];

export const extraStages: Stage[] = [
  {
    name: 'estimate',
    run: (a) => catchLens(() => devices.map((d) => estimate(estimateInputOf(a), d))),
  },
  {
    name: 'pass',
    onnxOnly: true,
    run: (a, rng) => {
      const name = PURE_PASSES[Math.floor(rng() * PURE_PASSES.length)]!;
      const r = PASSES[name]!.run(a.model, { sparsity: 0.5, seed: 1 });
      if (r instanceof Promise) return err('internal', `${name} is not synchronous`);
      if (!r.ok) return r;
      const bytes = encodeModel(r.value.model);
      if (!bytes.ok) return err(bytes.error.code, `${name}: cannot encode its result: ${bytes.error.message}`);
      const back = decodeModel(bytes.value);
      if (!back.ok) return err('internal', `${name}: its result does not decode: ${back.error.message}`);
      const again = catchLens(() => analyzeModel(back.value));
      return again.ok ? ok(name) : again;
    },
  },
];
