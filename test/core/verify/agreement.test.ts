// Verification figures that mean something: relative error, SNR, cosine and top-1 computed by hand; warnings for
// near-zero or constant references and random inputs; the verdict against thresholds; and the figures on real
// models against what float16 and int8 rounding predict.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  AgreementAccumulator, DEFAULT_THRESHOLDS, classLikeOutputs, jsonNumbers, reviveNumbers, summarizeAgreement, thresholdsFrom, verdictLine,
} from '../../../src/core/verify/agreement';
import { optimizeFixture, loadFixture, verify } from '../passes/helpers';

const close = (a: number, b: number, eps = 1e-9) => assert.ok(Math.abs(a - b) <= eps, `${a} vs ${b}`);

test('relative error, SNR and cosine of one output, by hand', () => {
  const acc = new AgreementAccumulator('y', false);
  acc.add([1, 2, 3, 4], [1, 2, 3, 5], [1, 4]);
  const r = acc.result();
  assert.equal(r.maxAbsError, 1);
  assert.equal(r.relativeError, 1 / 4); // max |Δ| / max |ref|
  close(r.snrDb, 10 * Math.log10(30 / 1)); // Σref² = 30, Σ(ref−got)² = 1
  close(r.cosine, 34 / Math.sqrt(30 * 39));
  assert.equal(r.top1Rows, undefined);
  // A second sample adds to the powers; the reference variation is the largest element change between samples.
  acc.add([2, 2, 2, 2], [2, 2, 2, 2], [1, 4]);
  const r2 = acc.result();
  close(r2.snrDb, 10 * Math.log10((30 + 16) / 1));
  assert.equal(r2.referenceVariation, 2);
});

test('identical outputs: SNR is infinite, relative error 0; an all-zero reference with a non-zero result is infinitely wrong', () => {
  const same = new AgreementAccumulator('y');
  same.add([0.5, -1], [0.5, -1], [1, 2]);
  assert.equal(same.result().snrDb, Infinity);
  assert.equal(same.result().relativeError, 0);
  const zero = new AgreementAccumulator('y');
  zero.add([0, 0], [0, 1e-3], [1, 2]);
  assert.equal(zero.result().relativeError, Infinity);
  assert.equal(zero.result().snrDb, -Infinity);
  const nan = new AgreementAccumulator('y');
  nan.add([1, 2], [1, NaN], [1, 2]);
  assert.equal(nan.result().maxAbsError, Infinity);
  // JSON keeps infinite figures as strings, and they come back as numbers.
  const text = JSON.stringify(zero.result(), jsonNumbers);
  assert.match(text, /"snrDb":"-Infinity"/);
  assert.equal((JSON.parse(text, reviveNumbers) as { snrDb: number }).snrDb, -Infinity);
});

test('top-1 agreement counts rows of class-like outputs only', () => {
  const acc = new AgreementAccumulator('logits', true);
  acc.add([1, 2, 3, 0, 5, 1], [1, 2, 2.5, 0, 4, 5.5], [2, 3]);
  assert.deepEqual([acc.result().top1Matches, acc.result().top1Rows], [1, 2]);
  const s = summarizeAgreement([acc.result()], { random: false, count: 1 });
  assert.equal(s.top1Agreement, 0.5);
  assert.equal(s.verdict.pass, false);
  assert.ok(s.verdict.failed.some((f) => /^top-1 50\.0% < 95\.0%$/.test(f)), s.verdict.failed.join('; '));
});

test('warnings: near-zero references, references that ignore the input, random inputs', () => {
  const tiny = new AgreementAccumulator('out');
  tiny.add([2e-8, -1e-8], [1e-8, -1e-8], [1, 2]);
  tiny.add([1e-8, 2e-8], [1e-8, 2e-8], [1, 2]);
  const s = summarizeAgreement([tiny.result()], { random: true, count: 2 });
  assert.ok(s.warnings.some((w) => /near zero .*untrained/.test(w)), s.warnings.join('\n'));
  assert.ok(s.warnings.some((w) => /2 seeded random inputs, not data/.test(w)));
  const flat = new AgreementAccumulator('out');
  flat.add([0.3, 0.7], [0.3, 0.7], [1, 2]);
  flat.add([0.3, 0.7], [0.3, 0.7], [1, 2]);
  const f = summarizeAgreement([flat.result()], { random: false, count: 2 });
  assert.deepEqual(f.warnings.length, 1);
  assert.match(f.warnings[0]!, /same for all 2 inputs/);
  assert.equal(f.verdict.pass, true);
});

test('verdict: thresholds from flags or settings decide pass/fail, and the line names them', () => {
  const acc = new AgreementAccumulator('y', false);
  acc.add([1, 2, 3, 4], [1, 2, 3, 5], [1, 4]);
  const strict = summarizeAgreement([acc.result()], { random: false, count: 1 });
  assert.equal(strict.verdict.pass, false);
  // Cosine 34/√1170 = 0.99400 clears 0.99: only error and SNR fail.
  assert.deepEqual(strict.verdict.failed, ['relative error 0.25 > 0.05', 'SNR 14.8 dB < 20.0 dB']);
  assert.match(verdictLine(strict.verdict), /^FAIL: relative error 0\.25 > 0\.05, SNR 14\.8 dB < 20\.0 dB \(thresholds: .*no class-like output/);
  const loose = summarizeAgreement([acc.result()], { random: false, count: 1 }, thresholdsFrom({ maxRelativeError: 0.3, minSnrDb: 10, minCosine: 'x' }));
  assert.equal(loose.verdict.pass, true);
  assert.equal(loose.verdict.thresholds.minCosine, DEFAULT_THRESHOLDS.minCosine);
  assert.match(verdictLine(loose.verdict), /^PASS \(relative error ≤ 0\.3, SNR ≥ 10\.0 dB/);
});

test('class-like outputs: classifier logits and Softmax scores, not a detector\'s box regressions', () => {
  assert.deepEqual([...classLikeOutputs(loadFixture('resnet8_cifar').model.graph)], ['output']);
  // BlazeFace (published, tf2onnx): regressors [1,896,16] and classificators [1,896,1]: neither holds classes.
  assert.deepEqual([...classLikeOutputs(loadFixture('blazeface_front_128').model.graph)], []);
  // Ultra-Light face detector (published): scores come from a Softmax, boxes from a Concat.
  const ultra = loadFixture('ultraface_rfb_320').model.graph;
  const scores = ultra.outputs.map((o) => o.name).filter((n) => classLikeOutputs(ultra).has(n));
  assert.equal(scores.length, 1);
  assert.equal(ultra.nodes.find((n) => n.outputs.includes(scores[0]!))!.opType, 'Softmax');
});

test('the random-weight sample: prune\'s tiny absolute error is as large as the output, and the verdict says FAIL', async () => {
  const o = await optimizeFixture('mobilenet_v2_vww_96', ['prune']);
  const v = await verify(o, undefined, 4);
  assert.ok(v.maxAbsError! < 1e-6, `max abs error ${v.maxAbsError}`);
  assert.ok(v.relativeError! > 0.1, `relative error ${v.relativeError}`);
  assert.ok(v.snrDb! < 20, `SNR ${v.snrDb}`);
  assert.ok(v.warnings.some((w) => /near zero/.test(w)));
  assert.ok(v.warnings.some((w) => /seeded random/.test(w)));
  assert.equal(v.verdict!.pass, false);
});

test('float16 on a published trained model: SNR near what an 11-bit significand predicts (6.02·11 + 1.76 ≈ 68 dB), verdict PASS', async () => {
  const o = await optimizeFixture('ultraface_rfb_320', ['fp16']);
  const v = await verify(o, undefined, 2);
  assert.ok(v.snrDb! > 58 && v.snrDb! < 78, `SNR ${v.snrDb}`);
  assert.ok(v.relativeError! < 0.05, `relative error ${v.relativeError}`);
  assert.ok(!v.warnings.some((w) => /near zero|same for all/.test(w)), v.warnings.join('\n'));
  assert.equal(v.verdict!.pass, true, v.verdict!.failed.join('; '));
});

test('int8 weights and activations: SNR near what 8-bit rounding predicts (≈ 50 dB), far below float16\'s', async () => {
  const o = await optimizeFixture('resnet8_cifar', ['int8-static']);
  const v = await verify(o, undefined, 2);
  assert.ok(v.snrDb! > 35 && v.snrDb! < 62, `SNR ${v.snrDb}`);
  assert.equal(v.verdict!.pass, true, v.verdict!.failed.join('; '));
});
