// Every pass on every reference model it applies to: the result must decode, pass shape inference and run in ORT.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { decodeModel } from '../../../src/core/onnx/decode';
import { encodeModel } from '../../../src/core/onnx/encode';
import { defaultOpset, type Shape } from '../../../src/core/onnx/ir';
import { PASSES } from '../../../src/core/passes';
import { unwrap } from '../../../src/core/result';
import { inferShapes } from '../../../src/core/shapes';
import { MODELS_DIR } from '../../helpers/models';
import { loadFixture, verify } from './helpers';

/** Dims for models whose inputs are symbolic. */
const INPUT_SHAPES: Record<string, Record<string, Shape>> = {
  ppocr_mobile_v2_cls: { x: [1, 3, 48, 192] },
  silero_vad_16k_op15: { input: [1, 512], state: [2, 1, 128] },
  silero_vad: { input: [1, 576], state: [2, 1, 128] },
};

/** Inputs that must hold a given value (Silero's sample rate decides its If branch). */
const VALUES: Record<string, Record<string, number>> = {
  silero_vad: { sr: 16000 },
  silero_vad_16k_op15: { sr: 16000 },
};

const models = readdirSync(MODELS_DIR).filter((f) => f.endsWith('.onnx')).map((f) => f.replace(/\.onnx$/, ''));

for (const name of models) {
  test(`every pass leaves ${name} decodable, inferable and runnable`, async () => {
    const { model, bytes } = loadFixture(name);
    const inputShapes = INPUT_SHAPES[name];
    const values = VALUES[name];
    const base = await verify({ original: model, originalBytes: bytes, bytes }, inputShapes, 1, values);
    for (const pass of Object.keys(PASSES)) {
      if (pass === 'resize-input') continue; // needs new dims per model; covered in its own test
      const r = await PASSES[pass]!.run(model, { inputShapes, ...(values ? { inputValues: values } : {}), calibrationSamples: 1, sparsity: 0.5, beamWidth: 4 });
      if (pass.startsWith('int8') && (defaultOpset(model.opsetImports) ?? 0) < 10) {
        // Q/DQ ops do not exist before opset 10: a clear refusal is the right outcome.
        assert.ok(!r.ok && r.error.code === 'unsupported' && /opset 10/.test(r.error.message), `${pass} on ${name}`);
        continue;
      }
      assert.ok(r.ok, `${pass} on ${name}: ${r.ok ? '' : r.error.message}`);
      const out = unwrap(encodeModel(r.value.model));
      const back = decodeModel(out);
      assert.ok(back.ok, `${pass} on ${name}: result does not decode`);
      const shapes = inferShapes(back.value, { inputShapes, defaultBatch: 1 });
      assert.ok(shapes.values.size > 0);
      if (!base.ranOk) continue; // random inputs cannot drive this model in ORT at all
      const v = await verify({ original: model, originalBytes: bytes, bytes: out }, inputShapes, 1, values);
      assert.ok(v.ranOk, `${pass} on ${name}: onnxruntime: ${v.error}`);
    }
  });
}
