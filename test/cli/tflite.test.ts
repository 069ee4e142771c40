// The CLI on .tflite files: analyze's JSON (format, TFLM deployment), print's listing, graph, profile in LiteRT.js,
// and the ONNX-only commands' refusal.

import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { main } from '../../src/cli/main';
import { bufferIO } from '../../src/cli/io';
import { TFLITE_DIR } from '../helpers/models';
import { buildTflite } from '../helpers/tflite-builder';
import { convNet } from '../helpers/tflite-samples';

async function cli(args: string[], cwd?: string) {
  const io = bufferIO(cwd);
  const code = await main(args, io);
  return { code, stdout: io.stdout.join(''), stderr: io.stderr.join('') };
}

const blazeface = join(TFLITE_DIR, 'face_detection_short_range.tflite');
const dir = mkdtempSync(join(tmpdir(), 'aiot-cli-tflite-'));
const int8 = join(dir, 'conv-int8.tflite');
writeFileSync(int8, buildTflite(convNet()));

test('analyze --json: the same contract, format "tflite", opsets {tflite: 3}, and TFLM\'s deployment figures', async () => {
  const r = await cli(['analyze', blazeface, '--json']);
  assert.equal(r.code, 0, r.stderr);
  const j = JSON.parse(r.stdout);
  assert.equal(j.model.format, 'tflite');
  assert.deepEqual(j.model.opsets, { tflite: 3 });
  assert.equal(j.totals.params, 101_478);
  assert.deepEqual(j.inputs, [{ name: 'input', dtype: 'float', shape: [1, 128, 128, 3] }]);
  assert.equal(j.nodes[0].domain, 'tflite');
  assert.equal(j.deployment.runtime, 'TFLite Micro');
  assert.equal(j.deployment.flashBytes, 229_032);
  assert.equal(j.deployment.tensorArenaBytes, j.deployment.arenaBytes + j.deployment.persistentBytes);
  const e = await cli(['analyze', int8, '--device', 'esp32-s3', '--json']);
  const je = JSON.parse(e.stdout);
  assert.ok(je.estimate.assumptions.some((s: string) => /persistent/.test(s)));
});

test('print lists a .tflite: tensors with type, shape and quantization, operators with options', async () => {
  const r = await cli(['print', int8]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^tflite schema 3/);
  assert.match(r.stdout, /#1 INT8\[4, 3, 3, 3\] "w1" q:per-channel\(dim 0, 4\) scale 0\.1\.\.0\.4 zp 0 const 108 B/);
  assert.match(r.stdout, /#0 INT8\[1, 8, 8, 3\] sig \[-1, 8, 8, 3\] "x" q:scale=0\.5 zp=-1/);
  assert.match(r.stdout, /1: DEPTHWISE_CONV_2D\(#3, #4, -\) -> \(#5\) \{padding=SAME stride_w=2 stride_h=2 depth_multiplier=2 fused_activation_function=RELU/);
  assert.match(r.stdout, /signature "serving_default" subgraph 0: \(image=x\) -> \(probability=prob\)/);
});

test('graph draws a .tflite; whatif re-estimates it at other input sizes', async () => {
  const svg = join(dir, 'blazeface.svg');
  const g = await cli(['graph', blazeface, '--svg', svg]);
  assert.equal(g.code, 0, g.stderr);
  assert.match(g.stdout, /167 boxes/); // 164 operators, the input and two outputs
  const w = await cli(['whatif', blazeface, '--device', 'esp32-s3', '--resolution', '1,0.75']);
  assert.equal(w.code, 0, w.stderr);
  assert.match(w.stdout, /1x96x96x3\s+17\.3 M/);
});

test('ONNX-only commands say they need ONNX', async () => {
  const o = await cli(['optimize', blazeface, '--passes', 'cleanup', '-o', join(dir, 'x.onnx')]);
  assert.equal(o.code, 2);
  assert.match(o.stderr, /this is a TFLite model \(\.tflite flatbuffer\), not ONNX: this operation needs an ONNX model/);
  const p = await cli(['parse', join(dir, 'nothing.onnxtxt'), '--weights-from', blazeface, '-o', join(dir, 'y.onnx')]);
  assert.equal(p.code, 2);
});

test('profile runs a float .tflite in LiteRT.js, and says why it cannot run an int8-input one', { timeout: 120_000 }, async () => {
  const r = await cli(['profile', blazeface, '--runs', '3', '--json']);
  assert.equal(r.code, 0, r.stderr);
  const j = JSON.parse(r.stdout);
  assert.match(j.runtime, /^LiteRT\.js \d+\.\d+\.\d+ \(XNNPACK/);
  assert.ok(j.medianMs > 0 && j.runs === 3);
  assert.deepEqual(j.inputs, [{ name: 'input', dtype: 'float32', shape: [1, 128, 128, 3] }]);
  const q = await cli(['profile', int8, '--runs', '2']);
  assert.equal(q.code, 2);
  assert.match(q.stderr, /LiteRT\.js .* cannot run it: .*INT8/);
});

test('the content decides the format, not the extension', async () => {
  const { copyFileSync } = await import('node:fs');
  const { fixtureModel } = await import('../helpers/models');
  const tfliteAsOnnx = join(dir, 'blazeface-renamed.onnx');
  const onnxAsTflite = join(dir, 'resnet8-renamed.tflite');
  copyFileSync(blazeface, tfliteAsOnnx);
  copyFileSync(fixtureModel('resnet8_cifar'), onnxAsTflite);
  const a = JSON.parse((await cli(['analyze', tfliteAsOnnx, '--json'])).stdout);
  assert.equal(a.model.format, 'tflite');
  assert.equal(a.totals.params, 101_478);
  const b = JSON.parse((await cli(['analyze', onnxAsTflite, '--json'])).stdout);
  assert.equal(b.model.format, 'onnx');
  assert.equal(b.model.opsets['ai.onnx'], 13);
});
