import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { loadModelFile } from '../../src/core/onnx/load';
import { unwrap } from '../../src/core/result';
import { layoutModel, layoutPrepared, modelOutline, prepareGraph, resolveExpanded } from '../../src/core/layout';
import { searchGraph, stepHit } from '../../webview/graph/logic/search';
import { computeHeat, formatValue, heatColor, legendTicks, topHotspots } from '../../webview/graph/logic/heat';
import { centerOn, fitView, toGraph, zoomAt, isVisible } from '../../webview/graph/logic/viewport';
import { GridIndex } from '../../webview/graph/logic/spatial';
import { createNavigator } from '../../webview/graph/logic/navigate';
import { isHostToGraph } from '../../webview/graph/messages';
import { syntheticTransformer } from '../../bench/synthetic-transformer';

const mobilenet = unwrap(loadModelFile(join(import.meta.dirname, '../fixtures/models/mobilenet_v2.onnx'))).model;
const mLayout = layoutModel(mobilenet, { expanded: 'all' });
const mOutline = modelOutline(mobilenet.graph);

test('search finds op types, node names and tensor names, in graph order, one hit per node', () => {
  const adds = searchGraph(mOutline, mLayout, 'add').filter((h) => h.matched === 'op');
  assert.equal(adds.length, mobilenet.graph.nodes.filter((n) => n.opType === 'Add').length);
  assert.ok(adds.every((h) => h.matched === 'op' && h.reveal.length === 0 && h.boxId === `n${h.nodeIndex}`));
  for (let k = 1; k < adds.length; k++) assert.ok(adds[k]!.nodeIndex > adds[k - 1]!.nodeIndex);
  const gemm = mobilenet.graph.nodes.findIndex((n) => n.opType === 'Gemm');
  const byTensor = searchGraph(mOutline, mLayout, mobilenet.graph.nodes[gemm]!.outputs[0]!);
  assert.ok(byTensor.some((h) => h.nodeIndex === gemm));
  assert.deepEqual(searchGraph(mOutline, mLayout, '   '), []);
  assert.equal(searchGraph(mOutline, mLayout, 'input')[0]!.boxId, 'i:input');
});

test('search hits inside collapsed groups point at the group and list the scopes to open', () => {
  const model = syntheticTransformer({ layers: 152, hidden: 64, heads: 4, seq: 8 });
  const p = prepareGraph(model.graph);
  const layout = layoutPrepared(p, resolveExpanded(p, { expanded: 'auto' }));
  const hits = searchGraph(modelOutline(model.graph), layout, 'Softmax');
  const ops = hits.filter((x) => x.matched === 'op');
  assert.equal(ops.length, 152);
  // The MatMul reading each Softmax output matches by tensor name.
  assert.equal(hits.filter((x) => x.matched === 'tensor').length, 152);
  const h = ops[100]!;
  assert.ok(h.boxId.startsWith('g:'));
  assert.equal(h.targetId, `n${h.nodeIndex}`);
  const opened = layoutPrepared(p, [...layout.expanded, ...h.reveal]);
  assert.ok(opened.nodes.some((n) => n.id === h.targetId), 'opening the listed scopes shows the node');
  assert.equal(stepHit(-1, 3, 1), 0);
  assert.equal(stepHit(0, 3, -1), 2);
  assert.equal(stepHit(2, 3, 1), 0);
});

test('hotspot heat: groups sum members, the largest box is the hot end, nulls stay uncoloured', () => {
  const model = syntheticTransformer({ layers: 152, hidden: 64, heads: 4, seq: 8 });
  const p = prepareGraph(model.graph);
  const layout = layoutPrepared(p, resolveExpanded(p, { expanded: 'auto' }));
  const values = model.graph.nodes.map((n) => (n.opType === 'MatMul' ? 10 : n.opType === 'Shape' ? null : 1));
  const heat = computeHeat(layout, values);
  for (const g of layout.nodes.filter((n) => n.kind === 'group')) {
    const expect = g.members!.reduce((s, m) => s + (values[m] ?? 0), 0);
    if (g.members!.some((m) => values[m] !== null)) assert.equal(heat.values.get(g.id), expect);
  }
  const maxBox = [...heat.values].sort((a, b) => b[1] - a[1])[0]!;
  assert.equal(heat.position.get(maxBox[0]), 1);
  assert.equal(heat.total, values.reduce<number>((s, v) => s + (v ?? 0), 0));
  assert.equal(heatColor(0), '#ffeda0');
  assert.equal(heatColor(1), '#a00026');
  assert.equal(heatColor(-5), heatColor(0));
  assert.deepEqual(legendTicks(100).map((t) => t.value), [0, 6.25, 25, 56.25, 100]);
});

test('top hotspots are sorted by value with their share of the total', () => {
  const values = mOutline.nodes.map((_, i) => (i === 5 ? 50 : i === 9 ? 30 : i === 2 ? 20 : 0));
  const top = topHotspots(mOutline, values, 2);
  assert.deepEqual(top.map((h) => [h.nodeIndex, h.share]), [[5, 0.5], [9, 0.3]]);
  assert.equal(formatValue(1536, 'bytes'), '1.5 KiB');
  assert.equal(formatValue(300_774_272, 'MACs'), '300.77M MACs');
  assert.equal(formatValue(0.01234, 'ms'), '0.0123 ms');
});

test('viewport: fit centres without enlarging, zoom keeps the point under the cursor', () => {
  const v = fitView(200, 100, 800, 600);
  assert.equal(v.scale, 1);
  assert.equal(v.tx, 300);
  const big = fitView(4000, 20000, 800, 600);
  assert.ok(Math.abs(big.scale - 560 / 20000) < 1e-9);
  const z = zoomAt(v, 2, 400, 300);
  const before = toGraph(v, 400, 300);
  const after = toGraph(z, 400, 300);
  assert.ok(Math.abs(before.x - after.x) < 1e-9 && Math.abs(before.y - after.y) < 1e-9);
  const c = centerOn(z, 50, 60, 800, 600);
  const mid = toGraph(c, 400, 300);
  assert.ok(Math.abs(mid.x - 50) < 1e-9 && Math.abs(mid.y - 60) < 1e-9);
  assert.ok(isVisible(c, 800, 600, { x: 40, y: 50, width: 20, height: 20 }));
  assert.ok(!isVisible(c, 800, 600, { x: 5000, y: 50, width: 20, height: 20 }));
});

test('grid index finds exactly the boxes a viewport touches', () => {
  const grid = new GridIndex(mLayout.nodes, 300);
  const area = { x: 0, y: 500, width: 400, height: 700 };
  const brute = mLayout.nodes
    .map((n, i) => [n, i] as const)
    .filter(([n]) => n.x <= area.x + area.width && n.x + n.width >= area.x && n.y <= area.y + area.height && n.y + n.height >= area.y)
    .map(([, i]) => i);
  assert.deepEqual(grid.query(area), brute);
  const n = mLayout.nodes[10]!;
  assert.equal(grid.hit(n.x + 2, n.y + 2), 10);
  assert.equal(grid.hit(-100, -100), -1);
});

test('keyboard navigation follows edges down and up and moves along a row', () => {
  const nav = createNavigator(mLayout);
  const first = mLayout.edges.find((e) => e.from === 'i:input')!.to;
  assert.equal(nav.step('i:input', 'down'), first);
  assert.equal(nav.step(first, 'up'), 'i:input');
  assert.equal(nav.step('i:input', 'up'), undefined);
  // A residual Add has two inputs; from its left neighbour in the row, right moves to a box further right.
  const rows = new Map<number, string[]>();
  for (const n of mLayout.nodes) rows.set(n.y + n.height / 2, [...(rows.get(n.y + n.height / 2) ?? []), n.id]);
  const wide = [...rows.values()].find((r) => r.length >= 2);
  if (wide) {
    const sorted = wide.map((id) => mLayout.nodes.find((n) => n.id === id)!).sort((a, b) => a.x - b.x);
    assert.equal(nav.step(sorted[0]!.id, 'right'), sorted[1]!.id);
    assert.equal(nav.step(sorted[1]!.id, 'left'), sorted[0]!.id);
  }
});

test('host messages are recognised by type', () => {
  assert.ok(isHostToGraph({ type: 'layout', layout: mLayout }));
  assert.ok(!isHostToGraph({ type: 'bogus' }));
  assert.ok(!isHostToGraph(null));
});

test('the protocol accepts well-formed openGraph paths only', async () => {
  const { parseGraphToHost } = await import('../../src/protocol');
  assert.deepEqual(parseGraphToHost({ type: 'openGraph', path: [{ nodeIndex: 3, attribute: 'then_branch', branch: 0, x: 1 }] }),
    { type: 'openGraph', path: [{ nodeIndex: 3, attribute: 'then_branch', branch: 0 }] });
  assert.deepEqual(parseGraphToHost({ type: 'openGraph', path: [] }), { type: 'openGraph', path: [] });
  assert.equal(parseGraphToHost({ type: 'openGraph', path: [{ nodeIndex: -1, attribute: 'a', branch: 0 }] }), undefined);
  assert.equal(parseGraphToHost({ type: 'openGraph', path: 'x' }), undefined);
});
