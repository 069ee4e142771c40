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
  // The latency interval: a note with the range and its evidence, an error bar per latency bar, a band on the gauge.
  assert.deepEqual(lat.range, e.latencyMsRange);
  assert.match(html, /<p class="range-note">Estimated latency <strong>[^<]+<\/strong> \([^)]+–[^)]+\): 80% interval, (\d+ evidence points?|no evidence for this profile \(a wide range\))/);
  assert.equal((html.match(/<path class="err"/g) ?? []).length, d.opTypes.slice(0, 16).filter((r) => (r.latencyMs ?? 0) > 0).length + 1);
  assert.equal((html.match(/<rect class="range"/g) ?? []).length, 1);
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

test('split panel: a table with the best once, both extremes and the best split; chart columns offer "Export halves here"', async () => {
  const { searchSplit, splitView } = await import('../../src/core/partition');
  const { getLink } = await import('../../src/core/devices');
  const { splitBody } = await import('../../webview/panels/pages');
  const s = unwrap(searchSplit(analysis, unwrap(getDevice(reg, 'esp32-s3')), unwrap(getLink(reg, 'wifi-4')), unwrap(getDevice(reg, 'jetson-orin-nano'))));
  const n = analysis.model.graph.nodes.length;
  const view = splitView('m.onnx', s, n);
  assert.equal(view.best.index, 0);
  // The best is all remote: it is the all-remote row, so no separate one follows.
  assert.deepEqual(view.rows.slice(0, 4).map((r) => r.role), ['best', 'best-split', 'all-device', 'other']);
  assert.equal(view.rows.filter((r) => r.cut.index === 0).length, 1);
  assert.equal(view.rows.filter((r) => r.cut.index === n).length, 1);
  const html = splitBody(view);
  const body = html.slice(html.indexOf('<tbody>'), html.indexOf('</tbody>'));
  assert.equal((body.match(/<tr /g) ?? []).length, view.rows.length);
  assert.match(body, /<td>all remote \(raw input upload\)<\/td>/);
  assert.match(body, /<td>all on device<\/td>/);
  // Rows whose cut splits the model carry an export button for that cut; the extremes carry none.
  assert.equal((body.match(/data-action="exportSplit"/g) ?? []).length, view.rows.filter((r) => r.cut.index > 0 && r.cut.index < n).length);
  assert.match(html, new RegExp(`data-action="exportSplit" data-arg="${view.bestInner!.index}"`));
  // One hit column per cut; the extremes are marked as not exportable.
  assert.equal((html.match(/<rect class="hit"/g) ?? []).length, view.cuts.length);
  assert.equal((html.match(/data-disabled="1"/g) ?? []).length, 2);
  assert.match(html, /<div id="cut-selection" class="selection" hidden>.*data-action="exportSplit">Export halves here<\/button>/);
  assert.match(html, /no halves to export; the best cut that splits the model is cut \d+/);
  // Untrusted: no export buttons at all, and the note says why.
  const untrusted = splitBody({ ...view, canExport: false, exportNote: 'trust the workspace' });
  assert.equal((untrusted.slice(untrusted.indexOf('<tbody>'), untrusted.indexOf('</tbody>')).match(/exportSplit/g) ?? []).length, 0);
  assert.equal((untrusted.match(/<rect class="hit"[^>]*data-disabled="1"/g) ?? []).length, view.cuts.length);
});

test('split panel after an export shows the verification figures and the verdict line', async () => {
  const { searchSplit, splitView } = await import('../../src/core/partition');
  const { getLink } = await import('../../src/core/devices');
  const { splitBody, optimizeBody } = await import('../../webview/panels/pages');
  const { AgreementAccumulator, summarizeAgreement } = await import('../../src/core/verify/agreement');
  const s = unwrap(searchSplit(analysis, unwrap(getDevice(reg, 'esp32-s3')), unwrap(getLink(reg, 'wifi-4')), unwrap(getDevice(reg, 'jetson-orin-nano'))));
  const acc = new AgreementAccumulator('output', true);
  acc.add([2e-8, 1e-8], [2e-8, 1e-8], [1, 2]);
  const agreement = summarizeAgreement([acc.result()], { random: true, count: 1 });
  const view = { ...splitView('m.onnx', s, analysis.model.graph.nodes.length), exported: { cut: 58, where: 'after X', device: '/d.onnx', remote: '/r.onnx', verify: { ...agreement, inputs: 1 } } };
  const html = splitBody(view);
  assert.match(html, /<h2>Exported cut 58<\/h2>/);
  assert.match(html, /<strong class="ok verdict">PASS<\/strong>/);
  assert.match(html, /SNR ∞ dB \(identical\)/);
  assert.match(html, /near zero/);
  // The optimize panel prints the same verdict from the CLI's JSON (a failing one here).
  const bad = new AgreementAccumulator('output', true);
  bad.add([2e-8, 1e-8], [1e-8, 2e-8], [1, 2]);
  const fail = summarizeAgreement([bad.result()], { random: true, count: 1 });
  const fig = { fileBytes: 1, nodeCount: 1, macs: 1, params: 1, peakActivationBytes: 1 };
  const o = optimizeBody({ input: 'm.onnx', output: '/o.onnx', passes: [{ name: 'prune', changed: true }], before: fig, after: fig, verify: {
    ranOk: true, inputs: '4 seeded random (seed 1)', comparable: true, maxAbsError: fail.maxAbsError, cosine: fail.cosine, top1Agreement: fail.top1Agreement,
    relativeError: fail.relativeError, snrDb: fail.snrDb, referenceMaxAbs: fail.referenceMaxAbs, warnings: fail.warnings, verdict: fail.verdict,
    latencyMsBefore: 1, latencyMsAfter: 1, runs: 3, outputs: fail.outputs,
  } });
  assert.match(o, /<strong class="over verdict">FAIL<\/strong>/);
  assert.match(o, /verdict: FAIL: relative error 0\.5 &gt; 0\.05/);
  assert.match(o, /top-1 agreement 0\.0% of 1 rows/);
});
