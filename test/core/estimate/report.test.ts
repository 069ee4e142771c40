import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { analyzeModelFileSync } from '../../../src/core/analyze';
import { getDevice, loadProfiles } from '../../../src/core/devices';
import { estimateReport } from '../../../src/core/estimate';
import { unwrap } from '../../../src/core/result';

const models = join(__dirname, '..', '..', 'fixtures', 'models');
const reg = unwrap(loadProfiles());

test('estimateReport: the analyze --device contract on a real model', () => {
  const a = unwrap(analyzeModelFileSync(join(models, 'resnet8_cifar.onnx')));
  const f746 = unwrap(getDevice(reg, 'stm32f746'));
  const e = estimateReport(a, f746);
  assert.equal(e.device, 'stm32f746');
  assert.equal(e.nodes.length, a.cost.nodes.length);
  for (const n of e.nodes) assert.ok(['compute', 'memory', 'overhead'].includes(n.bound) && n.latencyMs >= 0, n.name);
  // Weights execute in place on the F746: RAM = arena + runtime; flash = weights + runtime.
  assert.equal(e.peakRamBytes, a.memory.arenaBytes + f746.runtimeRamBytes!);
  assert.equal(e.flashBytes, a.cost.totals.weightBytes + f746.runtimeFlashBytes!);
  assert.deepEqual(e.fits, { memory: true, storage: true, dtypes: true, operators: true });
  // 12.5 M MACs on a 432 MFLOPS M7 at 50% conv efficiency: at least 2 x 12.5e6 / (432e6 x 0.5) = 116 ms.
  assert.ok(e.latencyMs >= 115 && e.latencyMs < 160, `${e.latencyMs} ms`);
  assert.ok(Math.abs(e.energyMj - 0.33 * e.latencyMs) < 1e-9);
  assert.ok(e.assumptions.length >= 4);
  assert.equal(JSON.parse(JSON.stringify(e)).latencyMs, e.latencyMs, 'plain JSON');
});

test('an fp32 model on the int8-only Edge TPU is flagged, and on an NPU the float work runs on the CPU peak', () => {
  const a = unwrap(analyzeModelFileSync(join(models, 'ds_cnn_kws.onnx')));
  const coral = estimateReport(a, unwrap(getDevice(reg, 'coral-dev-board-micro')));
  assert.equal(coral.fits.dtypes, false);
  assert.ok(coral.warnings.some((w) => /cannot run float arithmetic/.test(w)));
  const n6 = estimateReport(a, unwrap(getDevice(reg, 'stm32n6')));
  assert.equal(n6.fits.dtypes, true);
});
