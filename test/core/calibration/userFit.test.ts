// A user calibration recovers a known truth: measurements made by our own estimator on a profile whose parameters
// were scaled by known factors are fitted back to those factors, and the held-out error drops to near zero.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { analyzeModelFileSync, type Analysis } from '../../../src/core/analyze';
import { calibrateFromMeasurements, deviceLogParams, freeParameters, type Measurement } from '../../../src/core/calibration';
import { getDevice, loadProfiles, withFitParams, type DeviceProfile } from '../../../src/core/devices';
import { estimate, estimateInputOf } from '../../../src/core/estimate';
import { fitFeatures, logParams, profileParams, type FitParams } from '../../../src/core/estimate/fit';
import { unwrap } from '../../../src/core/result';

const dir = join(__dirname, '..', '..', 'fixtures', 'models', 'evidence');
const files = readdirSync(dir).filter((f) => f.endsWith('.onnx')).sort();
const analyses = new Map<string, Analysis>(files.map((f) => [join(dir, f), unwrap(analyzeModelFileSync(join(dir, f)))]));
const analyze = (p: string) => { const a = analyses.get(p); return a ? { ok: true as const, value: a } : analyzeModelFileSync(p); };

/** Known factors on the device's own parameters (log space). */
const SCALE: FitParams = {
  logEffConv: Math.log(0.6), logEffDepthwise: Math.log(1.5), logEffMatmul: 0, logEffOther: Math.log(1.3),
  logMemoryPenalty: Math.log(1.2), logNodeOverheadMs: Math.log(2), logOverheadMs: Math.log(3),
};

function truthOf(device: DeviceProfile): { truth: DeviceProfile; params: FitParams } {
  const base = deviceLogParams(device);
  const params = Object.fromEntries(Object.entries(base).map(([k, v]) => [k, v + SCALE[k as keyof FitParams]])) as FitParams;
  return { truth: withFitParams(device, profileParams(params)), params };
}

function measure(truth: DeviceProfile, paths: string[], powerW?: number): Measurement[] {
  return paths.map((path, i) => {
    const ms = estimate(estimateInputOf(analyses.get(path)!, truth), truth).latencyMs;
    return { label: path.slice(dir.length + 1), path, latencyMs: ms, ...(powerW ? { energyMj: powerW * ms } : {}), lines: [i + 2] };
  });
}

const device = unwrap(getDevice(unwrap(loadProfiles()), 'esp32-s3'));

test('user fit recovers known parameter factors and power from the evidence models', () => {
  const paths = [...analyses.keys()];
  const { truth, params } = truthOf(device);
  const measurements = measure(truth, paths, 0.42);
  const r = calibrateFromMeasurements(device, { measurements, rows: measurements.length }, { csvLabel: 'synthetic.csv', analyze, date: '2026-12-03T00:00:00Z' });
  assert.ok(r.ok, r.ok ? '' : r.error.message);
  const c = r.value;
  // Every parameter but matmul efficiency is exercised by some evidence model (their dense layers are memory-bound
  // on this device: weights stream from flash), so matmul stays at the device's value — unscaled in the truth.
  assert.deepEqual(c.free, ['logEffConv', 'logEffDepthwise', 'logEffOther', 'logMemoryPenalty', 'logNodeOverheadMs', 'logOverheadMs']);
  const got = logParams(c.params);
  const base = deviceLogParams(device);
  // Parameters that carry much of some model's time come back within 5%. The weakly informed ones — other-op
  // efficiency (two small element-wise kernels), per-node and per-inference overhead (a small share of most models,
  // trading off against each other; other-op nodes are memory-bound at these parameters) — never move away from it.
  for (const k of ['logEffConv', 'logEffDepthwise', 'logMemoryPenalty'] as const) {
    assert.ok(Math.abs(got[k] - params[k]) < 0.05, `${k}: fitted ×${Math.exp(got[k] - params[k]).toFixed(3)} of the truth`);
  }
  for (const k of ['logEffOther', 'logNodeOverheadMs', 'logOverheadMs'] as const) {
    assert.ok(Math.abs(got[k] - params[k]) <= Math.abs(base[k] - params[k]) + 0.01,
      `${k}: fitted ×${Math.exp(got[k] - base[k]).toFixed(3)} of the device, truth ×${Math.exp(SCALE[k]).toFixed(2)}`);
  }
  assert.ok(Math.abs(c.activePowerW! / 0.42 - 1) < 0.02, `power ${c.activePowerW}`);
  // The device as it was is off by the factors; held out, the fit is within 5% on every model.
  assert.ok(c.before.medianAbsErrorPct > 20, `before ${c.before.medianAbsErrorPct}`);
  assert.ok(c.after.medianAbsErrorPct < 1, `after median ${c.after.medianAbsErrorPct}`);
  assert.equal(c.after.within35Pct, c.points.length, `after worst ${c.after.worstAbsErrorPct}`);
  assert.ok(c.energyAfter && c.energyAfter.medianAbsErrorPct < 2, `energy after ${c.energyAfter?.medianAbsErrorPct}`);
  assert.equal(c.points.length, paths.length);
  // The written profile estimates as the fit predicts and carries a 'user' fit record with its range.
  assert.equal(c.profile.id, device.id);
  assert.equal(c.profile.fit?.level, 'user');
  assert.equal(c.profile.fit?.evidencePoints, paths.length);
  assert.ok(c.profile.fit!.range.latencyLogSpread > 0 && c.profile.fit!.range.latencyLogSpread < 0.5);
  const one = paths[3]!;
  const est = estimate(estimateInputOf(analyses.get(one)!, c.profile), c.profile).latencyMs;
  const truthMs = measurements[3]!.latencyMs;
  assert.ok(Math.abs(est / truthMs - 1) < 0.02, `estimate ${est} vs truth ${truthMs}`);
});

test('free parameters: only what the measured models exercise; held ones stay at the device', () => {
  const conv = [...analyses.keys()].filter((p) => /kernel_conv/.test(p));
  const feats = conv.map((p) => fitFeatures(estimateInputOf(analyses.get(p)!, device), device));
  const free = freeParameters(feats);
  assert.ok(!free.includes('logEffDepthwise') && !free.includes('logEffMatmul'), free.join(','));
  assert.ok(free.includes('logOverheadMs'));
  const { truth } = truthOf(device);
  const measurements = measure(truth, conv);
  const r = calibrateFromMeasurements(device, { measurements, rows: measurements.length }, { csvLabel: 'k.csv', analyze });
  if (measurements.length < free.length + 1) {
    assert.equal(r.ok, false);
    return;
  }
  assert.ok(r.ok, r.ok ? '' : r.error.message);
  const before = deviceLogParams(device);
  const after = logParams(r.value.params);
  assert.ok(Math.abs(after.logEffDepthwise - before.logEffDepthwise) < 0.01, 'depthwise held');
  assert.ok(Math.abs(after.logEffMatmul - before.logEffMatmul) < 0.01, 'matmul held');
});

test('too few models for the free parameters is refused, naming both counts', () => {
  const paths = [...analyses.keys()].filter((p) => /keras_mobilenet/.test(p)).slice(0, 2);
  const measurements = measure(device, paths);
  const r = calibrateFromMeasurements(device, { measurements, rows: 2 }, { csvLabel: 'two.csv', analyze });
  assert.equal(r.ok, false);
  assert.match(r.ok ? '' : r.error.message, /^two\.csv: 2 models measured; fitting (\d) free parameters \(.*per-inference overhead\) and holding one model out needs at least \d distinct models$/);
});

test('an unreadable model is refused with its CSV line', () => {
  const r = calibrateFromMeasurements(device, { measurements: [{ label: 'gone.onnx', path: join(dir, 'gone.onnx'), latencyMs: 3, lines: [7] }], rows: 1 },
    { csvLabel: 'm.csv' });
  assert.equal(r.ok, false);
  assert.match(r.ok ? '' : r.error.message, /^m\.csv:7: model 'gone\.onnx' cannot be read: /);
});
