import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { advise } from '../../../src/core/advisor';
import { analyzeModelFileSync } from '../../../src/core/analyze';
import { getDevice, loadProfiles } from '../../../src/core/devices';
import { estimateReport } from '../../../src/core/estimate';
import { formatCount } from '../../../src/core/format';
import { formatForPath, opTypeBreakdown, renderReport } from '../../../src/core/report';
import { unwrap } from '../../../src/core/result';

const model = join(__dirname, '..', '..', 'fixtures', 'models', 'mobilenet_v2_vww_96.onnx');
const analysis = unwrap(analyzeModelFileSync(model));
const device = unwrap(getDevice(unwrap(loadProfiles()), 'stm32h743'));
const estimate = estimateReport(analysis, device);

test('the operator breakdown sums to the model totals (MACs, params, node count, latency)', () => {
  const rows = opTypeBreakdown(analysis.report, estimate);
  const sum = (k: 'macs' | 'params' | 'count') => rows.reduce((s, r) => s + r[k], 0);
  assert.equal(sum('macs'), analysis.report.totals.macs);
  assert.equal(sum('count'), analysis.report.nodes.length);
  assert.equal(sum('params'), analysis.report.nodes.reduce((s, n) => s + n.params, 0));
  const latency = rows.reduce((s, r) => s + (r.latencyMs ?? 0), 0);
  assert.ok(Math.abs(latency - estimate.nodes.reduce((s, n) => s + n.latencyMs, 0)) < 1e-9);
  // Sorted by latency, heaviest first.
  for (let i = 1; i < rows.length; i++) assert.ok((rows[i - 1]!.latencyMs ?? 0) >= (rows[i]!.latencyMs ?? 0));
});

test('Markdown report carries the analysis totals, the device verdict and the advice', async () => {
  const advice = await advise(analysis, device, { fps: 1 });
  const md = renderReport({ analysis: analysis.report, estimate, advice, generatedAt: '2026-11-26T12:00:00Z' }, 'markdown');
  assert.match(md, /^# AIoT Lens report: mobilenet_v2_vww_96\.onnx/);
  assert.ok(md.includes(`(${analysis.report.totals.macs})`), 'exact MAC count');
  assert.ok(md.includes(`(${analysis.report.totals.params})`), 'exact parameter count');
  assert.ok(md.includes(`## On ${device.id}`));
  assert.ok(md.includes(`**${advice.bottleneck.resource}**`));
  for (const s of advice.suggestions) assert.ok(md.includes(s.command.replace(/\|/g, '\\|')), s.command);
  const top = opTypeBreakdown(analysis.report, estimate)[0]!;
  assert.match(md, new RegExp(`\\| ${top.opType} \\| ${top.count} \\| ${formatCount(top.macs).replace('.', '\\.')} \\|`));
  assert.equal(md.includes('**no**'), !(estimate.fits.memory && estimate.fits.storage));
});

test('HTML report is one escaped self-contained document without scripts', () => {
  const weird = { ...analysis.report, model: { ...analysis.report.model, path: '/tmp/<b>&model.onnx' } };
  const html = renderReport({ analysis: weird, estimate }, 'html');
  assert.match(html, /^<!DOCTYPE html>/);
  assert.ok(html.includes('&lt;b&gt;&amp;model.onnx'));
  assert.ok(!html.includes('<b>&model'));
  assert.ok(!/<script/i.test(html));
  assert.ok(html.includes(`(${analysis.report.totals.macs})`));
  // One row per operator type in the breakdown table.
  const types = new Set(analysis.report.nodes.map((n) => n.opType));
  for (const t of types) assert.ok(html.includes(`<tr><td>${t}</td>`), t);
});

test('JSON report round-trips the analyze and estimate contracts', () => {
  const doc = JSON.parse(renderReport({ analysis: analysis.report, estimate }, 'json'));
  assert.deepEqual(doc.analysis.totals, analysis.report.totals);
  assert.equal(doc.estimate.device, 'stm32h743');
  assert.equal(doc.estimate.latencyMs, estimate.latencyMs);
  assert.equal(doc.opTypes.reduce((s: number, r: { macs: number }) => s + r.macs, 0), analysis.report.totals.macs);
  assert.equal(doc.advice, undefined);
});

test('report format follows the save path extension', () => {
  assert.equal(formatForPath('/a/r.md'), 'markdown');
  assert.equal(formatForPath('r.HTML'), 'html');
  assert.equal(formatForPath('r.json'), 'json');
  assert.equal(formatForPath('r.txt'), undefined);
});

test('report estimate sentence: ranges with the evidence behind them; no evidence says so; no power is n/a', async () => {
  const { estimateSentence, rangedFigure, partRange } = await import('../../../src/core/report');
  const range = { level: 0.8, fit: 'profile', basis: 'leave-one-out over 12 points' };
  assert.equal(estimateSentence({ latencyMs: 54, energyMj: 2.5, latencyMsRange: [41.2, 70.1], energyMjRange: [1.6, 3.3], evidencePoints: 12, range }),
    'Latency 54.0 ms (41.2–70.1), energy 2.50 mJ (1.60–3.30) per inference: 80% interval, 12 evidence points (leave-one-out over 12 points).');
  assert.match(estimateSentence({ latencyMs: 54, energyMj: 2.5, latencyMsRange: [18, 160], energyMjRange: [0.8, 7], evidencePoints: 0, range }), /80% interval, no evidence for this profile \(a wide, family-level range\)/);
  assert.match(estimateSentence({ latencyMs: 3, energyMj: 0, latencyMsRange: [2, 4], energyMjRange: [0, 0], evidencePoints: 3, range }), /energy n\/a \(the profile has no power figure\) per inference/);
  assert.equal(rangedFigure(54, [41.2, 70.1], 'ms', 12), '54.0 ms (41.2–70.1) · 12 points');
  assert.equal(rangedFigure(54, [18, 160], 'ms', 0), '54.0 ms (18.0–160) · no evidence');
  assert.equal(rangedFigure(0, [0, 0], 'mJ', 3), 'n/a (no power figure)');
  assert.deepEqual(partRange(10, 50, [40, 60]), [8, 12]);
});
