import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyzeModelFile } from '../../src/core/analyze';
import { applyPlan } from '../../src/core/analyze/plan';
import { builtInProfiles, isLink } from '../../src/core/devices';
import { unwrap } from '../../src/core/result';
import type { ModelEntry } from '../../src/server/modelStore';
import { nodeDetails, nodeMetrics, subgraphFigures, subgraphMetrics, subgraphNodeDetails, weightStats } from '../../src/server/nodeFeatures';

const sample = new URL('../../samples/mobilenet_v2_vww_96.onnx', import.meta.url).pathname;

async function entry(): Promise<ModelEntry> {
  const analysis = unwrap(await analyzeModelFile(sample));
  return { analysis, analyzeMs: 0, layouts: new Map(), estimates: new Map() };
}

test('overlay metrics are indexed like the graph and add up to the report totals', async () => {
  const e = await entry();
  const m = unwrap(nodeMetrics(e, ''));
  const n = e.analysis.model.graph.nodes.length;
  assert.equal(m.values.macs!.length, n);
  const sum = (xs: (number | null)[]) => xs.reduce<number>((a, b) => a + (b ?? 0), 0);
  assert.equal(sum(m.values.macs!), e.analysis.report.totals.macs);
  assert.equal(m.values.latency, undefined, 'no device: no latency');
  assert.equal(m.device, undefined);
});

test('with a device, per-node latency sums to the estimate and energy is active power × latency', async () => {
  const e = await entry();
  const device = builtInProfiles().map((p) => p.profile).find((p) => !isLink(p) && p.class === 'mcu')!;
  assert.ok(device && !isLink(device));
  const m = unwrap(nodeMetrics(e, device.id));
  assert.equal(m.device?.id, device.id);
  const est = e.estimates.get(device.id)!;
  const nodeSum = m.values.latency!.reduce<number>((a, b) => a + (b ?? 0), 0);
  // The model total adds the per-inference overhead on top of the nodes' own time.
  assert.ok(nodeSum > 0 && nodeSum <= est.latencyMs + 1e-9, `${nodeSum} vs ${est.latencyMs}`);
  const i = m.values.latency!.findIndex((v) => v !== null && v > 0);
  assert.ok(Math.abs(m.values.energy![i]! - m.values.latency![i]! * (device as { activePowerW: number }).activePowerW) < 1e-12);
  assert.equal(nodeMetrics(e, 'no-such-device').ok, false);
});

test('node details name formal inputs from the op schema and carry the node cost', async () => {
  const e = await entry();
  const g = e.analysis.model.graph;
  const idx = g.nodes.findIndex((n) => n.opType === 'Conv');
  const d = unwrap(nodeDetails(e, idx, ''));
  assert.deepEqual(d.inputs.map((t) => t.formal).slice(0, 2), ['X', 'W']);
  assert.equal(d.inputs[1]!.isWeight, true);
  assert.equal(d.inputs[0]!.isWeight, false);
  const cost = e.analysis.cost.nodes.find((c) => c.index === idx)!;
  assert.equal(d.cost?.macs, cost.macs);
  assert.ok(d.attributes.some((a) => a.name === 'kernel_shape'));
  assert.equal(nodeDetails(e, g.nodes.length, '').ok, false);
});

test('weight statistics match an independent read of the raw float32 bytes', async () => {
  const e = await entry();
  const t = e.analysis.model.graph.initializers.find((x) => x.dtype === 'float' && x.data.kind === 'raw' && x.dims.length === 4)!;
  assert.ok(t && t.data.kind === 'raw');
  const bytes = t.data.bytes;
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const xs = Array.from({ length: bytes.byteLength / 4 }, (_, i) => dv.getFloat32(4 * i, true));
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
  const std = Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / xs.length);
  const s = unwrap(weightStats(e, t.name));
  assert.equal(s.count, xs.length);
  assert.equal(s.min, Math.min(...xs));
  assert.equal(s.max, Math.max(...xs));
  assert.ok(Math.abs(s.mean - mean) < 1e-9);
  assert.ok(Math.abs(s.std - std) < 1e-9);
  assert.equal(s.sparsity, xs.filter((x) => x === 0).length / xs.length);
  assert.equal(weightStats(e, 'not-a-weight').ok, false);
});

test('a nested graph\'s overlay and inspector: the branch that runs carries MACs and device latency, the other its own MACs only', async () => {
  const silero = new URL('../fixtures/models/silero_vad.onnx', import.meta.url).pathname;
  const analysis = unwrap(await analyzeModelFile(silero, { inputShapes: { input: [1, 576], state: [2, 1, 128] }, inputValues: { sr: 16000 } }));
  const e: ModelEntry = { analysis, analyzeMs: 0, layouts: new Map(), estimates: new Map() };
  const ifIndex = analysis.model.graph.nodes.findIndex((n) => n.opType === 'If');
  const then = [{ nodeIndex: ifIndex, attribute: 'then_branch', branch: 0 }];
  const els = [{ nodeIndex: ifIndex, attribute: 'else_branch', branch: 0 }];
  const sum = (xs: (number | null)[] | undefined) => (xs ?? []).reduce<number>((a, b) => a + (b ?? 0), 0);
  const m = unwrap(subgraphMetrics(e, then, 'stm32h743'));
  assert.equal(sum(m.values.macs), analysis.report.totals.macs, 'the branch that runs holds every MAC of the model');
  assert.ok(sum(m.values.latency) > 0, 'and its nodes have device latency');
  assert.match(m.note ?? '', /then branch runs/);
  const top = unwrap(nodeMetrics(e, 'stm32h743'));
  assert.ok(Math.abs(sum(m.values.latency) - top.values.latency![ifIndex]!) < 1e-9, 'the If\'s latency is its branch\'s');
  const other = unwrap(subgraphMetrics(e, els, 'stm32h743'));
  assert.ok(sum(other.values.macs) > 0, 'the 8 kHz branch is costed on its own');
  assert.equal(other.values.latency, undefined, 'but it does not run: no latency');
  assert.match(other.note ?? '', /does not run/);
  const conv = analysis.cost.subgraphs.get(unwrap(subgraphFigures(e, then, '')).graph)!.find((c) => c.opType === 'Conv')!;
  const d = unwrap(subgraphNodeDetails(e, then, conv.index, 'stm32h743'));
  assert.equal(d.cost?.macs, conv.macs);
  assert.ok(d.estimate && d.estimate.latencyMs > 0);
  const ifDetails = unwrap(nodeDetails(e, ifIndex, ''));
  assert.match(ifDetails.control ?? '', /the then branch runs/);
});

test('node details carry the profile\'s interval and evidence; the model total beside it', async () => {
  const e = await entry();
  const idx = e.analysis.model.graph.nodes.findIndex((n) => n.opType === 'Conv');
  const d = unwrap(nodeDetails(e, idx, 'esp32-s3'));
  const est = d.estimate!;
  assert.ok(est.latencyMsRange && est.latencyMsRange[0] < est.latencyMs && est.latencyMs < est.latencyMsRange[1]);
  assert.equal(typeof est.evidencePoints, 'number');
  assert.ok(est.model && est.model.latencyMsRange[0] < est.model.latencyMs && est.model.latencyMs < est.model.latencyMsRange[1]);
  // The node's interval is the model's relative interval.
  const rel = (r: [number, number], v: number) => r[1] / v;
  assert.ok(Math.abs(rel(est.latencyMsRange!, est.latencyMs) - rel(est.model.latencyMsRange, est.model.latencyMs)) < 1e-9);
});

test('a cached estimate is made again when the device profile changes under the same id', async () => {
  const { mkdtempSync, mkdirSync, writeFileSync, rmSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { join } = await import('node:path');
  const { estimateOn } = await import('../../src/server/devices');
  const { registerTrust } = await import('../../src/server/trust');
  // A trusted workspace (workspace profiles load only then).
  registerTrust({ onNotification: () => undefined } as never, () => true);
  const dir = mkdtempSync(join(tmpdir(), 'aiot-prof-'));
  try {
    const e = await entry();
    const device = builtInProfiles().map((p) => p.profile).find((p) => p.id === 'esp32-s3')! as import('../../src/core/devices').DeviceProfile;
    mkdirSync(join(dir, '.aiot', 'devices'), { recursive: true });
    const write = (overheadMs: number) => writeFileSync(join(dir, '.aiot', 'devices', 'esp32-s3.json'), JSON.stringify({ ...device, fit: undefined, overheadMs }));
    write(1);
    const a = unwrap(estimateOn(e, 'esp32-s3', dir)).estimate.latencyMs;
    write(101);
    const b = unwrap(estimateOn(e, 'esp32-s3', dir)).estimate.latencyMs;
    assert.ok(Math.abs(b - a - 100) < 1e-6, `${a} → ${b}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the patch region overlay: the prefix nodes the patch plan tiles, each with its largest per-tile output', async () => {
  const e = await entry();
  assert.equal(unwrap(nodeMetrics(e, '')).values.patchTile, undefined, 'no plans in the report: no patch overlay');
  applyPlan(e.analysis, undefined);
  const patch = e.analysis.report.plans!.patch;
  assert.ok(!('unavailable' in patch));
  const m = unwrap(nodeMetrics(e, ''));
  const tiles = m.values.patchTile!;
  assert.equal(tiles.length, e.analysis.model.graph.nodes.length);
  const marked = tiles.map((v, i) => (v === null ? -1 : i)).filter((i) => i >= 0);
  assert.deepEqual(marked, patch.region.nodes);
  assert.equal(marked.length, patch.split.prefixNodes);
  // A per-tile buffer is a fraction of the node's whole output (a 3x3 grid with halos: well under half).
  for (const i of marked) {
    const whole = e.analysis.cost.nodes.find((c) => c.index === i)!.outputBytes;
    assert.ok(tiles[i]! > 0 && tiles[i]! < whole / 2, `node ${i}: tile ${tiles[i]} of ${whole}`);
  }
});
