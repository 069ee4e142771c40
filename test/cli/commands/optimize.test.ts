// `aiot-lens optimize` in-process: the JSON contract, atomic output, --force, and the input file left untouched.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run } from '../../../src/cli/commands/optimize';
import { bufferIO } from '../../../src/cli/io';
import { fixtureModel } from '../../helpers/models';

test('optimize writes the result, prints the JSON contract and verifies with ORT', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'aiot-opt-'));
  const src = fixtureModel('resnet8_cifar');
  const before = readFileSync(src);
  const io = bufferIO(dir);
  const code = await run([src, '--passes', 'cleanup,fold-bn,fp16', '-o', 'out.onnx', '--verify', '--runs', '3', '--json'], io);
  assert.equal(code, 0, io.stderr.join(''));
  const r = JSON.parse(io.stdout.join(''));
  assert.deepEqual(r.passes.map((p: { name: string }) => p.name), ['cleanup', 'fold-bn', 'fp16']);
  for (const k of ['fileBytes', 'nodeCount', 'macs', 'params', 'peakActivationBytes']) {
    assert.equal(typeof r.before[k], 'number', k);
    assert.equal(typeof r.after[k], 'number', k);
  }
  assert.equal(r.before.fileBytes, before.byteLength);
  assert.equal(r.after.fileBytes, statSync(join(dir, 'out.onnx')).size);
  assert.equal(r.before.macs, 12501632); // MODELS.md: Conv+Gemm MACs of resnet8_cifar
  assert.equal(r.after.macs, r.before.macs);
  assert.equal(r.verify.ranOk, true);
  for (const k of ['inputs', 'maxAbsError', 'cosine', 'top1Agreement', 'latencyMsBefore', 'latencyMsAfter', 'runs']) assert.ok(k in r.verify, k);
  assert.ok(r.verify.cosine > 0.999);
  assert.deepEqual(readFileSync(src), before);
});

test('optimize refuses an existing output without --force and the input as output', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'aiot-opt-'));
  writeFileSync(join(dir, 'out.onnx'), 'keep me');
  const io = bufferIO(dir);
  assert.equal(await run([fixtureModel('ds_cnn_kws'), '--passes', 'cleanup', '-o', 'out.onnx'], io), 2);
  assert.match(io.stderr.join(''), /already exists \(use --force/);
  assert.equal(readFileSync(join(dir, 'out.onnx'), 'utf8'), 'keep me');
  assert.equal(await run([fixtureModel('ds_cnn_kws'), '--passes', 'cleanup', '-o', 'out.onnx', '--force'], bufferIO(dir)), 0);
  assert.notEqual(readFileSync(join(dir, 'out.onnx'), 'utf8'), 'keep me');
  const io2 = bufferIO(dir);
  assert.equal(await run([fixtureModel('ds_cnn_kws'), '--passes', 'cleanup', '-o', fixtureModel('ds_cnn_kws'), '--force'], io2), 2);
  assert.match(io2.stderr.join(''), /never modified/);
  const io3 = bufferIO(dir);
  assert.equal(await run([fixtureModel('ds_cnn_kws'), '--passes', 'nope', '-o', 'x.onnx'], io3), 2);
  assert.match(io3.stderr.join(''), /unknown pass 'nope'/);
});

test('--verify on the random-weight sample: relative error and SNR expose the near-zero outputs, the verdict fails (exit 1) unless thresholds allow it', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'aiot-opt-'));
  const io = bufferIO(dir);
  const code = await run([fixtureModel('mobilenet_v2_vww_96'), '--passes', 'prune', '-o', 'p.onnx', '--verify', '--runs', '1'], io);
  assert.equal(code, 1, io.stderr.join(''));
  const out = io.stdout.join('');
  assert.match(out, /verify on 4 seeded random \(seed 1\) inputs, onnxruntime CPU:\n {4}relative error [\d.]+ \(max \|Δ\| [\d.]+e-\d+ \/ max \|ref\| [\d.]+e-\d+\), SNR -?[\d.]+ dB, cosine [\d.]+, top-1 agreement [\d.]+% of 4 rows/);
  assert.match(out, /warning: reference output 'output' \(max \|ref\| [\d.]+e-\d+\) is near zero/);
  assert.match(out, /warning: measured on 4 seeded random inputs, not data/);
  assert.match(out, /verdict: FAIL: relative error [\d.]+ > 0\.05, SNR -?[\d.]+ dB < 20\.0 dB/);
  const loose = bufferIO(dir);
  const ok = await run([fixtureModel('mobilenet_v2_vww_96'), '--passes', 'prune', '-o', 'p.onnx', '--force', '--verify', '--runs', '1', '--json',
    '--max-rel-error', '10', '--min-snr-db=-100', '--min-cosine=-1', '--min-top1', '0%'], loose);
  assert.equal(ok, 0, loose.stderr.join(''));
  const r = JSON.parse(loose.stdout.join(''));
  assert.equal(r.verify.verdict.pass, true);
  assert.deepEqual(r.verify.verdict.thresholds, { maxRelativeError: 10, minSnrDb: -100, minCosine: -1, minTop1Agreement: 0 });
  for (const k of ['relativeError', 'snrDb', 'referenceMaxAbs', 'warnings']) assert.ok(k in r.verify, k);
  const bad = bufferIO(dir);
  assert.equal(await run([fixtureModel('ds_cnn_kws'), '--passes', 'cleanup', '-o', 'q.onnx', '--verify', '--min-snr-db', 'loud'], bad), 2);
  assert.match(bad.stderr.join(''), /--min-snr-db expects a number, got 'loud'/);
});
