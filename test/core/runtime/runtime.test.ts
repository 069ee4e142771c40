import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { analyzeModelFileSync } from '../../../src/core/analyze';
import { validateProfile } from '../../../src/core/devices';
import { estimate, estimateInputOf } from '../../../src/core/estimate';
import { decodeModel } from '../../../src/core/onnx/decode';
import { unwrap } from '../../../src/core/result';
import {
  calibrateHost, createSession, microBenches, fitLinear, fitPlane, parseOrtProfile, profileModel, randomFeeds, runModel, seededRandom, timeModel,
} from '../../../src/core/runtime';
import { readFileSync } from 'node:fs';

const models = join(__dirname, '..', '..', 'fixtures', 'models');
const profileDirs = () => readdirSync(tmpdir()).filter((f) => f.startsWith('aiot-lens-profile-')).length;

test('runModel: seeded inputs give the same outputs, other seeds different ones', async () => {
  const path = join(models, 'ds_cnn_kws.onnx');
  const a = await runModel(path);
  const b = await runModel(path);
  const c = await runModel(path, undefined, { seed: 7 });
  const out = Object.values(a)[0]!;
  assert.deepEqual(out.dims, [1, 12]);
  assert.deepEqual(Array.from(out.data), Array.from(Object.values(b)[0]!.data));
  assert.notDeepEqual(Array.from(out.data), Array.from(Object.values(c)[0]!.data));
  const s = await createSession(path);
  const feeds = randomFeeds(s.inputs, { seed: 1 }) as Record<string, { dims: number[] }>;
  assert.deepEqual(feeds['input']!.dims, [1, 1, 49, 10]);
  await s.release();
  const r = seededRandom(3);
  assert.equal(r(), seededRandom(3)());
});

test('profile: median/p90 with full optimization and per-node times named after the model nodes; files removed', async () => {
  const before = profileDirs();
  const path = join(models, 'resnet8_cifar.onnx');
  const p = await profileModel(path, { runs: 5 });
  assert.equal(p.runs, 5);
  assert.ok(p.medianMs > 0 && p.p90Ms >= p.medianMs && p.minMs <= p.medianMs);
  const model = unwrap(decodeModel(new Uint8Array(readFileSync(path)), { path }));
  const names = new Set(model.graph.nodes.map((n) => n.name));
  assert.equal(p.nodes.length, model.graph.nodes.length, 'unoptimized run keeps every node');
  for (const n of p.nodes) assert.ok(names.has(n.name), `${n.name} is a node of the model`);
  assert.ok(p.nodes.filter((n) => n.opType === 'Conv').every((n) => n.ms > 0));
  assert.equal(profileDirs(), before, 'ORT profile files are cleaned up');
});

test('parseOrtProfile keeps the last model_run and sums kernel times per node', () => {
  const events = [
    { cat: 'Session', name: 'model_run', ts: 0, dur: 100 },
    { cat: 'Node', name: 'conv_kernel_time', ts: 10, dur: 50, args: { op_name: 'Conv' } },
    { cat: 'Session', name: 'model_run', ts: 200, dur: 100 },
    { cat: 'Node', name: 'conv_kernel_time', ts: 210, dur: 30, args: { op_name: 'Conv' } },
    { cat: 'Node', name: '_kernel_time', ts: 250, dur: 4, args: { op_name: 'Relu', node_index: '3' } },
    { cat: 'Node', name: 'conv_fence_before', ts: 209, dur: 1, args: { op_name: 'Conv' } },
  ];
  assert.deepEqual(parseOrtProfile(JSON.stringify(events)), [
    { name: 'conv', opType: 'Conv', ms: 0.03 },
    { name: '#3 Relu', opType: 'Relu', ms: 0.004 },
  ]);
});

test('fits recover known coefficients', () => {
  const line = fitLinear([1, 2, 4, 8].map((x) => ({ x, t: 3 * x + 0.5 })));
  assert.ok(Math.abs(line.slope - 3) < 1e-9 && Math.abs(line.intercept - 0.5) < 1e-9);
  const pts = [[1, 5], [2, 1], [4, 7], [8, 2], [3, 3]].map(([ops, bytes]) => ({ ops: ops!, bytes: bytes!, t: 2 * ops! + 0.5 * bytes! + 0.1 }));
  const plane = fitPlane(pts);
  assert.ok(Math.abs(plane.perOp - 2) < 1e-9 && Math.abs(plane.perByte - 0.5) < 1e-9 && Math.abs(plane.intercept - 0.1) < 1e-9);
  const fixed = fitPlane(pts, 0.1);
  assert.ok(Math.abs(fixed.perOp - 2) < 1e-9 && fixed.intercept === 0.1);
});

test('calibrate: a host profile that validates and predicts a model it never saw within a factor of two', async () => {
  const c = await calibrateHost({ budgetMsPerBench: 15 });
  const v = validateProfile(c.profile, 'calibrated');
  assert.ok(v.ok, v.ok ? '' : v.error.message);
  assert.equal(c.profile.class, 'host');
  assert.ok(c.benches.length >= 40);
  // Counts the summary prints agree: every timed model in every pass, the benchmarks a subset of the models.
  assert.equal(c.timings, c.models * c.passes);
  assert.ok(c.benches.length < c.models);
  // Each benchmark ends in the one-element output probe (Transpose excepted), so output copies do not swamp kernels.
  assert.ok(microBenches().filter((b) => b.probed).length >= c.benches.length - 3);
  // Every class depends on its work through ops, bytes or both (a 0 coefficient means "no dependence on that term").
  for (const k of ['conv', 'depthwise', 'matmul', 'elementwise'] as const) {
    assert.ok(c.profile.efficiency[k] > 0 || (c.profile.memoryEfficiency?.[k] ?? 0) > 0, k);
  }
  assert.ok(c.profile.efficiency.conv > 0, 'convolutions are compute-bound');
  const path = join(models, 'resnet8_cifar.onnx');
  const est = estimate(estimateInputOf(unwrap(analyzeModelFileSync(path))), c.profile).latencyMs;
  const measured = Math.min(...(await timeModel(path, { runs: 15 })));
  assert.ok(est > measured / 2 && est < measured * 2, `estimate ${est} ms vs measured ${measured} ms`);
});
