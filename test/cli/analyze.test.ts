// The analyze command's contract: JSON field names, batch mode, and clean failures.

import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { main } from '../../src/cli/main';
import { bufferIO } from '../../src/cli/io';
import { decodeModel } from '../../src/core/onnx/decode';
import { encodeModel } from '../../src/core/onnx/encode';
import { unwrap } from '../../src/core/result';
import { fixtureModel, modelReferences } from '../helpers/models';

async function cli(args: string[], cwd?: string) {
  const io = bufferIO(cwd);
  const code = await main(args, io);
  return { code, stdout: io.stdout.join(''), stderr: io.stderr.join('') };
}

test('analyze --json prints the contract for one model', async () => {
  const r = await cli(['analyze', fixtureModel('resnet8_cifar'), '--json']);
  assert.equal(r.code, 0, r.stderr);
  const j = JSON.parse(r.stdout);
  assert.deepEqual(Object.keys(j.model).sort(), ['externalDataBytes', 'fileBytes', 'format', 'irVersion', 'nodeCount', 'opsets', 'path', 'producer', 'totalBytes']);
  assert.equal(j.model.format, 'onnx');
  assert.equal(j.model.externalDataBytes, 0);
  assert.equal(j.model.totalBytes, j.model.fileBytes);
  for (const k of ['params', 'macs', 'flops', 'weightBytes', 'peakActivationBytes', 'arenaBytes']) assert.equal(typeof j.totals[k], 'number', k);
  assert.deepEqual(j.inputs, [{ name: 'input', dtype: 'float', shape: [1, 3, 32, 32] }]);
  assert.equal(j.model.opsets['ai.onnx'], 13);
  const ref = modelReferences().find((m) => m.file === 'resnet8_cifar.onnx')!;
  assert.equal(j.totals.params, ref.params);
  assert.equal(j.nodes.length, ref.nodes);
  for (const k of ['name', 'opType', 'domain', 'macs', 'flops', 'params', 'weightBytes', 'outputs']) assert.ok(k in j.nodes[0], k);
  assert.ok(Array.isArray(j.warnings));
});

test('several models: one JSON object per line in order, a bad file becomes {path, error} and the rest continue', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'aiot-cli-'));
  writeFileSync(join(dir, 'broken.onnx'), 'not a model');
  const r = await cli(['analyze', fixtureModel('ds_cnn_kws'), 'broken.onnx', fixtureModel('resnet8_cifar'), '--json'], dir);
  assert.equal(r.code, 2);
  const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
  assert.equal(lines.length, 3);
  assert.equal(lines[0].model.nodeCount, 21);
  assert.equal(lines[1].path, 'broken.onnx');
  assert.match(lines[1].error, /broken\.onnx/);
  assert.equal(lines[2].model.nodeCount, 22);
  assert.equal(r.stderr.trim().split('\n').length, 1);
});

test('unreadable input: exit 2, one line on stderr naming the file, no stack trace', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'aiot-cli-'));
  const good = readFileSync(fixtureModel('resnet8_cifar'));
  writeFileSync(join(dir, 'truncated.onnx'), good.subarray(0, 1000));
  // A model whose first weight points at external data outside its folder.
  const m = unwrap(decodeModel(good));
  const w = m.graph.initializers[0]!;
  w.data = { kind: 'external', location: '../../etc/passwd', offset: 0 };
  writeFileSync(join(dir, 'escape.onnx'), unwrap(encodeModel(m)));
  w.data = { kind: 'external', location: 'weights.bin', offset: 0 };
  writeFileSync(join(dir, 'missing.onnx'), unwrap(encodeModel(m)));
  symlinkSync('/etc/hostname', join(dir, 'link.bin'));
  w.data = { kind: 'external', location: 'link.bin', offset: 0 };
  writeFileSync(join(dir, 'symlink.onnx'), unwrap(encodeModel(m)));
  const cases: [string, RegExp][] = [
    ['nope.onnx', /nope\.onnx: no such file/],
    ['truncated.onnx', /truncated\.onnx: not a valid ONNX protobuf/],
    ['escape.onnx', /escape\.onnx: .*leaves the model's folder/],
    ['missing.onnx', /missing\.onnx: .*weights\.bin.*not found/],
    ['symlink.onnx', /symlink\.onnx: .*outside the model's folder/],
  ];
  for (const [file, pattern] of cases) {
    const r = await cli(['analyze', file, '--json'], dir);
    assert.equal(r.code, 2, file);
    assert.equal(r.stdout, '');
    const lines = r.stderr.trim().split('\n');
    assert.equal(lines.length, 1, r.stderr);
    assert.match(lines[0]!, pattern);
    assert.doesNotMatch(r.stderr, /\n\s+at /);
  }
});

test('--input-shape pins symbolic dims; the default batch of 1 is reported as an assumption', async () => {
  const pinned = await cli(['analyze', fixtureModel('ppocr_mobile_v2_cls'), '--input-shape', 'x=1x3x48x192', '--json']);
  assert.equal(pinned.code, 0, pinned.stderr);
  const j = JSON.parse(pinned.stdout);
  assert.deepEqual(j.inputs[0].shape, [1, 3, 48, 192]);
  assert.ok(j.totals.macs > 0);
  assert.ok(j.nodes.every((n: { outputs: { shape: unknown[] }[] }) => n.outputs.every((o) => o.shape && o.shape.every((d) => typeof d === 'number'))));
  const silero = await cli(['analyze', fixtureModel('silero_vad_16k_op15'), '--json']);
  const s = JSON.parse(silero.stdout);
  assert.ok(s.assumptions.some((a: string) => /batch/.test(a)), JSON.stringify(s.assumptions));
});

test('human output has totals and a top-N table by MACs', async () => {
  const r = await cli(['analyze', fixtureModel('mobilenet_v2'), '--top', '3']);
  assert.equal(r.code, 0);
  assert.match(r.stdout, /MACs\s+300,7\d\d,\d{3}/);
  assert.match(r.stdout, /top 3 nodes by MACs/);
  assert.equal(r.stdout.split('\n').filter((l) => /\bConv\b/.test(l)).length, 3);
});
