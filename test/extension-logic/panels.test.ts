import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { analyzeModelFileSync } from '../../src/core/analyze';
import { getDevice, loadProfiles } from '../../src/core/devices';
import { estimateReport } from '../../src/core/estimate';
import { unwrap } from '../../src/core/result';
import { deviceGroups, modelItemData } from '../../src/extension/treeLogic';
import { chartsData, rooflineOf } from '../../webview/panels/chartData';
import { chartsBody } from '../../webview/panels/pages';

const model = join(__dirname, '..', 'fixtures', 'models', 'mobilenet_v2_vww_96.onnx');
const analysis = unwrap(analyzeModelFileSync(model));
const reg = unwrap(loadProfiles());
const h743 = unwrap(getDevice(reg, 'stm32h743'));
const f746 = unwrap(getDevice(reg, 'stm32f746'));

test('roofline points lie on or under the device roofs and carry each node’s intensity', () => {
  const e = estimateReport(analysis, h743);
  const r = rooflineOf(analysis.report, e, h743);
  assert.ok(r.points.length > 0);
  assert.equal(r.points.length + r.skipped, analysis.report.nodes.length);
  const peak = Math.max(...r.computeRoofs.map((c) => c.opsPerSecond));
  assert.equal(peak, Math.max(...h743.dtypes.map((d) => h743.peakOpsPerSecond[d] ?? 0)));
  for (const p of r.points) {
    const n = analysis.report.nodes.find((x) => x.name === p.name)!;
    assert.equal(p.intensity, n.flops / n.memoryBytes!);
    // Achieved performance can never beat the roofline (the estimator adds overheads and efficiencies).
    const roof = Math.min(peak, p.intensity * h743.memoryBandwidthBytesPerSecond);
    assert.ok(p.opsPerSecond <= roof * 1.0001, `${p.name}: ${p.opsPerSecond} > ${roof}`);
  }
});

test('charts data: gauges report RAM and flash against the device budget; page draws one dot per point', () => {
  const e = estimateReport(analysis, f746);
  const d = chartsData(analysis.report, e, f746, 50);
  const ram = d.gauges.find((g) => g.resource === 'memory')!;
  assert.equal(ram.demand, e.peakRamBytes);
  assert.equal(ram.budget, e.peakRamBytes + e.headroom.memoryBytes);
  assert.equal(ram.fits, e.fits.memory);
  const lat = d.gauges.find((g) => g.resource === 'latency')!;
  assert.equal(lat.budget, 50);
  assert.equal(lat.fits, e.latencyMs <= 50);
  const html = chartsBody(d);
  assert.equal((html.match(/<circle class="pt /g) ?? []).length, d.roofline!.points.length);
  assert.equal((html.match(/class="bar"/g) ?? []).length, Math.min(16, d.opTypes.length));
});

test('charts without a device fall back to MACs and say how to get a roofline', () => {
  const d = chartsData(analysis.report);
  assert.equal(d.gauges.length, 0);
  assert.equal(d.roofline, undefined);
  assert.match(chartsBody(d), /Select a device/);
});

test('model tree item: params/MACs and a per-resource verdict from the estimate', () => {
  const e = estimateReport(analysis, f746);
  const item = modelItemData('m.onnx', analysis.report, e);
  assert.match(item.description, /params · .* MACs/);
  assert.deepEqual(item.resources.map((r) => r.label), ['RAM', 'flash']);
  assert.equal(item.resources[0]!.fit, e.fits.memory ? 'fits' : 'over');
  assert.equal(item.fit, e.fits.memory && e.fits.storage ? 'fits' : 'over');
  const tight = modelItemData('m.onnx', analysis.report, e, e.latencyMs / 2);
  assert.equal(tight.resources[0]!.label, 'latency');
  assert.equal(tight.fit, 'over');
  assert.equal(modelItemData('m.onnx', analysis.report, undefined).fit, 'unknown');
  const failed = modelItemData('m.onnx', analysis.report, undefined, undefined, undefined, "unknown device 'my-board'");
  assert.match(failed.description, /no estimate$/);
  assert.match(failed.tooltip, /my-board/);
});

test('device groups: every profile once, links last, the active one marked', () => {
  const groups = deviceGroups(reg.entries, 'esp32-s3');
  assert.equal(groups.reduce((s, g) => s + g.devices.length, 0), reg.entries.length);
  assert.equal(groups[groups.length - 1]!.deviceClass, 'link');
  const active = groups.flatMap((g) => g.devices).filter((d) => d.active);
  assert.deepEqual(active.map((d) => d.id), ['esp32-s3']);
});
