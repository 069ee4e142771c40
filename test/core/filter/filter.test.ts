// The learned input filter on real models and the generated samples that ship (test/fixtures/filter, made by
// scripts/gen-filter-samples.ts): Silero VAD on espeak-ng speech, BlazeFace on camera frames with a real face. The
// held-out recall must meet the target with a real skip ratio, and the exported ONNX must agree with the TypeScript
// filter on every sample. Also the parts: PNG/WAV round trips, features in ORT against TypeScript, threshold choice.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { getDevice, loadProfiles } from '../../../src/core/devices';
import {
  chooseThreshold, computeAll, decodeImage, decodePng, decodeWav, encodePng, encodeWav, filterModel, FILTER_SCORE, inputView, isRedundant,
  learnFilter, metrics, parsePreprocess, parseRule, predict, resizeBilinear, splitByGroup, train, type FeatureName,
} from '../../../src/core/filter';
import { encodeModel } from '../../../src/core/onnx/encode';
import { createSession, ort } from '../../../src/core/runtime';
import { seededNormal } from '../../../src/core/random';
import { FIXTURES, fixtureModel } from '../../helpers/models';

const SAMPLES = join(FIXTURES, 'filter');
export const VAD_PRE = { input: 'input', audio: { sampleRate: 16000, window: 576, hop: 512 }, values: { sr: 16000, state: 0 }, carry: { state: 'stateN' } };
export const FACE_PRE = { image: { width: 128, height: 128, layout: 'NHWC' as const, scale: 1 / 127.5, mean: [1], std: [1] } };

function device(id: string) {
  const reg = loadProfiles();
  assert.ok(reg.ok);
  const d = getDevice(reg.value, id);
  assert.ok(d.ok, `device ${id}`);
  return d.value;
}

test('PNG: gray and RGB round-trip through our encoder and decoder; the shipped JPEG frames decode', () => {
  const normal = seededNormal(3);
  for (const channels of [1, 3] as const) {
    const img = { width: 13, height: 7, channels, data: Uint8Array.from({ length: 13 * 7 * channels }, () => Math.max(0, Math.min(255, Math.round(128 + 60 * normal())))) };
    const back = decodePng(encodePng(img));
    assert.deepEqual({ ...back, data: Array.from(back.data) }, { ...img, data: Array.from(img.data) });
  }
  const frame = decodeImage(new Uint8Array(readFileSync(join(SAMPLES, 'faces', 'cam0_000.jpg'))));
  assert.equal(frame.channels, 3);
  assert.ok(frame.width > 32 && frame.height === frame.width);
  const small = resizeBilinear(frame, 7, 5);
  assert.equal(small.data.length, 7 * 5 * 3);
});

test('WAV: 16-bit PCM round-trips within one quantization step; the shipped audio is 16 kHz', () => {
  const samples = Float32Array.from({ length: 1000 }, (_, i) => 0.5 * Math.sin(i / 10));
  const back = decodeWav(encodeWav({ sampleRate: 8000, samples }));
  assert.equal(back.sampleRate, 8000);
  assert.ok(samples.every((v, i) => Math.abs(v - back.samples[i]!) <= 1 / 32768 + 1e-9));
  for (const f of readdirSync(join(SAMPLES, 'audio')).filter((x) => x.endsWith('.wav'))) assert.equal(decodeWav(new Uint8Array(readFileSync(join(SAMPLES, 'audio', f)))).sampleRate, 16000);
});

test('rules and preprocessing specs are checked', () => {
  assert.deepEqual(parseRule('nothing-class:0'), { kind: 'nothing-class', classIndex: 0 });
  assert.deepEqual(parseRule('max-below:1.1'), { kind: 'max-below', threshold: 1.1 });
  assert.throws(() => parseRule('max-above:3'), /nothing-class:K, max-below:T or unchanged:TOL/);
  assert.throws(() => parseRule('nothing-class:1.5'), /class index/);
  assert.equal(isRedundant({ kind: 'nothing-class', classIndex: 2 }, Float64Array.from([0.1, 0.2, 0.7]), undefined), true);
  assert.equal(isRedundant({ kind: 'max-below', threshold: 0.5 }, Float64Array.from([0.1, 0.6]), undefined), false);
  assert.equal(isRedundant({ kind: 'unchanged', tolerance: 0.01 }, Float64Array.from([0.1, 0.6]), Float64Array.from([0.105, 0.6])), true);
  assert.equal(isRedundant({ kind: 'unchanged', tolerance: 0.01 }, Float64Array.from([0.1, 0.6]), undefined), false);
  assert.throws(() => parsePreprocess({ image: { width: 0, height: 3 } }), /image.width/);
  assert.throws(() => parsePreprocess({ audio: { sampleRate: 16000 } }), /audio.window/);
  assert.throws(() => parsePreprocess({ imgae: {} }), /unknown field 'imgae'/);
});

test('the threshold keeps the share of positives asked for, on the scores it was chosen on', () => {
  const scores = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95];
  const y = [0, 1, 0, 1, 1, 1, 0, 1, 1, 1];
  for (const r of [1, 0.9, 0.8, 0.5]) {
    const t = chooseThreshold(scores, y, r);
    const m = metrics(scores, y, t);
    assert.ok(m.recall >= r, `recall ${m.recall} at target ${r}`);
  }
  assert.equal(chooseThreshold(scores, y, 1), 0.2);
  assert.equal(chooseThreshold(scores, y, 0.85), 0.4); // 7 positives: one may be missed
});

test('a stream split holds out whole streams, at least the share asked for, one with non-redundant samples first', () => {
  const groups = ['a', 'a', 'a', 'b', 'b', 'c', 'c', 'c', 'd', 'd'];
  const y = [0, 0, 0, 0, 0, 1, 0, 1, 0, 0];
  for (const seed of [1, 2, 3, 4]) {
    const sp = splitByGroup(groups, y, 0.3, seed);
    const held = new Set(sp.heldOut.map((i) => groups[i]));
    assert.ok(sp.train.every((i) => !held.has(groups[i])), 'no stream on both sides');
    assert.ok(sp.heldOut.length >= 3 && held.has('c'), `seed ${seed}: held ${[...held]}`);
    assert.equal(sp.train.length + sp.heldOut.length, groups.length);
  }
});

test('logistic and MLP learn a separable problem, deterministically', () => {
  const normal = seededNormal(9);
  const X = Array.from({ length: 120 }, (_, i) => [normal() + (i % 2 ? 2 : -2), normal()]);
  const y = X.map((_, i) => i % 2);
  for (const kind of ['logistic', 'mlp'] as const) {
    const c = train(X, y, { kind, seed: 5 });
    const acc = X.filter((f, i) => (predict(c, f) >= 0.5 ? 1 : 0) === y[i]).length / X.length;
    assert.ok(acc > 0.95, `${kind} accuracy ${acc}`);
    assert.deepEqual(train(X, y, { kind, seed: 5 }), c);
  }
});

test('features exported to ONNX match the TypeScript ones in onnxruntime (odd sizes, both layouts, streams)', async () => {
  const O = ort();
  const normal = seededNormal(21);
  const cases: { dims: number[]; features: FeatureName[] }[] = [
    { dims: [1, 3, 30, 34], features: ['pool', 'edges', 'stats', 'chroma'] },
    { dims: [1, 18, 22, 3], features: ['pool', 'edges', 'stats', 'chroma'] },
    { dims: [1, 1, 49, 10], features: ['pool', 'edges', 'stats'] },
    { dims: [1, 100], features: ['energy', 'zcr', 'pool', 'stats'] },
  ];
  for (const { dims, features } of cases) {
    const view = inputView(dims);
    const n = dims.reduce((a, b) => a * b, 1);
    const inputs = [0, 1].map(() => ({ dims, data: Float32Array.from({ length: n }, () => normal()) }));
    const X = computeAll(view, features, inputs, ['s', 's']);
    // A classifier whose score is a known function of the features: logistic on one feature at a time.
    for (let k = 0; k < X[0]!.length; k++) {
      const w1 = X[0]!.map((_, i) => [i === k ? 1 : 0]);
      const c = { kind: 'logistic' as const, mean: X[0]!.map(() => 0), std: X[0]!.map(() => 1), w1, b1: [0] };
      const enc = encodeModel(filterModel(view, features, c, 0.5, 'test'));
      assert.ok(enc.ok);
      const s = await createSession(enc.value);
      const r = await s.run({ input: new O.Tensor('float32', inputs[0]!.data, dims) });
      await s.release();
      const got = Number(r[FILTER_SCORE]!.data[0]);
      const want = predict(c, X[0]!);
      assert.ok(Math.abs(got - want) < 1e-5, `${dims.join('x')} feature ${k}: ORT ${got}, TypeScript ${want}`);
    }
  }
});

test('Silero VAD on espeak-ng speech: held-out recall meets 99% with a real skip ratio; ONNX agrees on every window', async () => {
  const d = device('esp32-s3');
  const r = await learnFilter({
    modelPath: fixtureModel('silero_vad'), samplesDir: join(SAMPLES, 'audio'), preprocess: parsePreprocess(VAD_PRE),
    rule: parseRule('max-below:0.5'), outputs: ['output'], recall: 0.99, device: d, ratePerSecond: 16000 / 512, battery: { mAh: 1000, volts: 3.7 },
  });
  const rep = r.report;
  assert.ok(rep.samples.redundant > 50 && rep.samples.nonRedundant > 50, `both kinds: ${rep.samples.redundant}/${rep.samples.nonRedundant}`);
  assert.equal(rep.heldOut.meetsTarget, true, `held-out recall ${rep.heldOut.recall}`);
  assert.ok(rep.heldOut.skipRatio > 0.2, `held-out skip ${rep.heldOut.skipRatio}`);
  assert.equal(rep.filter.verify.samples, rep.samples.count);
  assert.equal(rep.filter.verify.decisionsDiffer, 0);
  assert.ok(rep.filter.verify.maxAbsDiff < 1e-4, `max diff ${rep.filter.verify.maxAbsDiff}`);
  assert.ok(rep.whatif.with.energyPerInputMj < rep.whatif.without.energyPerInputMj);
  assert.ok(rep.whatif.with.duty!.batteryLifeHours! > rep.whatif.without.duty!.batteryLifeHours!);
  // The what-if arithmetic, recomputed: filter always, model on the kept share.
  const expected = rep.filter.energyMj + (1 - rep.heldOut.skipRatio) * rep.modelCost.energyMj;
  assert.ok(Math.abs(rep.whatif.with.energyPerInputMj - expected) < 1e-9);
  assert.ok(rep.curve.heldOut.length > 2 && rep.curve.heldOut.every((p) => p.recall >= 0 && p.recall <= 1));
});

test('BlazeFace on camera frames with a real face: held-out recall meets 99% with a real skip ratio; ONNX agrees on every frame', async () => {
  const d = device('esp32-s3');
  const r = await learnFilter({
    modelPath: fixtureModel('blazeface_front_128'), samplesDir: join(SAMPLES, 'faces'), preprocess: parsePreprocess(FACE_PRE),
    rule: parseRule('max-below:1.1'), outputs: ['Identity:0', 'Identity_1:0'], recall: 0.99, device: d,
  });
  const rep = r.report;
  assert.ok(rep.samples.nonRedundant >= 30 && rep.samples.redundant >= 30, `faces ${rep.samples.nonRedundant}, none ${rep.samples.redundant}`);
  assert.equal(rep.input.layout, 'NHWC');
  assert.equal(rep.heldOut.meetsTarget, true, `held-out recall ${rep.heldOut.recall}`);
  assert.ok(rep.heldOut.skipRatio > 0.25, `held-out skip ${rep.heldOut.skipRatio}`);
  assert.equal(rep.filter.verify.decisionsDiffer, 0);
  assert.ok(rep.filter.verify.maxAbsDiff < 1e-4, `max diff ${rep.filter.verify.maxAbsDiff}`);
  assert.ok(rep.filter.energyMj < rep.modelCost.energyMj / 10, 'the filter costs a small share of the model');
  assert.ok(rep.whatif.energySaving > 0.2, `saving ${rep.whatif.energySaving}`);
});

test('a rule under which nothing (or everything) is redundant is refused with the reason', async () => {
  await assert.rejects(learnFilter({
    modelPath: fixtureModel('silero_vad'), samplesDir: join(SAMPLES, 'audio'), preprocess: parsePreprocess(VAD_PRE),
    rule: parseRule('max-below:2'), outputs: ['output'], device: device('esp32-s3'),
  }), /every sample is redundant/);
});
