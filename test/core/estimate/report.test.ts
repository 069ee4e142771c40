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
  // The conv work at the profile's fitted conv efficiency (its default runtime, fitted to published F746 measurements)
  // is the floor; the rest of the graph adds a little, and the interval the fit carries brackets the figure.
  const convOps = a.cost.nodes.filter((n) => n.opClass === 'conv').reduce((s, n) => s + 2 * n.macs, 0);
  const floorMs = (convOps / (f746.peakOpsPerSecond.float! * f746.efficiency.conv)) * 1000;
  assert.ok(f746.fit?.level === 'profile' && f746.fit.evidencePoints > 0, 'stm32f746 is fitted to its own measurements');
  assert.ok(e.latencyMs >= floorMs && e.latencyMs < 1.2 * floorMs, `${e.latencyMs} ms vs conv floor ${floorMs} ms`);
  assert.ok(e.latencyMsRange[0] < e.latencyMs && e.latencyMs < e.latencyMsRange[1]);
  assert.ok(Math.abs(e.energyMj - f746.activePowerW * e.latencyMs) < 1e-9);
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
