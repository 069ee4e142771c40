import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { loadModelFile } from '../../../src/core/onnx/load';
import { unwrap } from '../../../src/core/result';
import {
  allScopes, buildViewGraph, layoutCacheKey, layoutModel, layoutPrepared, prepareGraph, renderSvg, resolveExpanded,
} from '../../../src/core/layout';
import { syntheticTransformer } from '../../../bench/synthetic-transformer';

const fixture = (name: string) => unwrap(loadModelFile(join(import.meta.dirname, '../../fixtures/models', name))).model;

test('mobilenet_v2: one box per compute node, weights listed inside, constants folded', () => {
  const model = fixture('mobilenet_v2.onnx');
  const layout = layoutModel(model, { expanded: 'all' });
  const ops = layout.nodes.filter((n) => n.kind === 'op');
  const hiddenOps = new Set(['Constant', 'Identity']);
  assert.equal(ops.length, model.graph.nodes.filter((n) => !hiddenOps.has(n.opType)).length);
  assert.equal(layout.nodes.filter((n) => n.kind === 'input').length, 1);
  assert.equal(layout.nodes.filter((n) => n.kind === 'output').length, 1);
  const first = ops.find((n) => n.title === 'Conv')!;
  assert.deepEqual(first.rows, [{ label: 'W', value: '⟨32×3×3×3⟩' }, { label: 'B', value: '⟨32⟩' }]);
  const clip = ops.find((n) => n.title === 'Clip')!;
  assert.deepEqual(clip.rows, [{ label: 'min', value: '= 0' }, { label: 'max', value: '= 6' }]);
  const fromInput = layout.edges.find((e) => e.from === 'i:input')!;
  assert.equal(fromInput.label, '1×3×224×224');
  const ids = new Set(layout.nodes.map((n) => n.id));
  for (const e of layout.edges) assert.ok(ids.has(e.from) && ids.has(e.to));
  // 17 residual Adds + the straight chain: every box must be below all boxes feeding it.
  const byId = new Map(layout.nodes.map((n) => [n.id, n]));
  for (const e of layout.edges) assert.ok(byId.get(e.to)!.y > byId.get(e.from)!.y);
});

test('every fixture lays out with finite coordinates and no overlapping boxes in a row', () => {
  for (const name of ['ultraface_rfb_320.onnx', 'silero_vad_16k_op15.onnx', 'ppocr_mobile_v2_cls.onnx', 'lstm_kws.onnx']) {
    const layout = layoutModel(fixture(name), { expanded: 'all' });
    const rows = new Map<number, { x: number; w: number }[]>();
    for (const n of layout.nodes) {
      assert.ok(Number.isFinite(n.x) && Number.isFinite(n.y), name);
      assert.ok(n.x >= 0 && n.x + n.width <= layout.width + 0.5 && n.y + n.height <= layout.height + 0.5, `${name} ${n.id} inside`);
      const cy = n.y + n.height / 2;
      const row = rows.get(cy) ?? [];
      row.push({ x: n.x, w: n.width });
      rows.set(cy, row);
    }
    for (const row of rows.values()) {
      row.sort((a, b) => a.x - b.x);
      for (let k = 1; k < row.length; k++) assert.ok(row[k]!.x >= row[k - 1]!.x + row[k - 1]!.w - 0.2, `${name}: overlap`);
    }
  }
});

test('silero_vad: If nodes list their branches', () => {
  const layout = layoutModel(fixture('silero_vad_16k_op15.onnx'), { expanded: 'all' });
  const ifBox = layout.nodes.find((n) => n.title === 'If')!;
  assert.ok(ifBox.rows.some((r) => r.label === 'then_branch' && /nodes$/.test(r.value)));
});

test('a 10,000-node transformer opens on collapsed scopes that account for every node', () => {
  const model = syntheticTransformer({ layers: 152, hidden: 64, heads: 4, seq: 8 });
  assert.ok(model.graph.nodes.length >= 10000);
  const p = prepareGraph(model.graph);
  const expanded = resolveExpanded(p, { expanded: 'auto' });
  const layout = layoutPrepared(p, expanded);
  assert.ok(layout.nodes.length <= 320, `first screen has ${layout.nodes.length} boxes`);
  const groups = layout.nodes.filter((n) => n.kind === 'group');
  assert.ok(groups.length > 0);
  const covered = groups.reduce((s, g) => s + g.members!.length, 0) + layout.nodes.filter((n) => n.kind === 'op').length;
  assert.equal(covered, model.graph.nodes.length);
  // Opening one group re-lays out with its content visible and the group gone.
  const g = groups.find((x) => x.scope!.startsWith('encoder/layers.'))!;
  const opened = layoutPrepared(p, [...expanded, g.scope!]);
  assert.ok(!opened.nodes.some((n) => n.id === g.id));
  assert.ok(opened.nodes.length > layout.nodes.length);
  assert.equal(layoutCacheKey('abc', ['b', 'a']), layoutCacheKey('abc', ['a', 'b']));
  assert.notEqual(layoutCacheKey('abc', ['a']), layoutCacheKey('abd', ['a']));
});

test('edges between collapsed groups merge their tensors into one counted edge', () => {
  const model = syntheticTransformer({ layers: 2, hidden: 64, heads: 4, seq: 8 });
  const p = prepareGraph(model.graph);
  // Collapse everything: layers.0 feeds layers.1 through one tensor (the residual stream).
  const view = buildViewGraph(p, new Set(['encoder']));
  const l0 = view.nodes.findIndex((n) => n.id === 'g:encoder/layers.0');
  const l1 = view.nodes.findIndex((n) => n.id === 'g:encoder/layers.1');
  const between = view.edges.filter((e) => e.from === l0 && e.to === l1);
  assert.equal(between.length, 1);
  assert.ok(allScopes(p.scopes).includes('encoder/layers.1/attn/q'));
});

test('the SVG drawing has one group per box, escapes names and carries the theme variables', () => {
  const layout = layoutModel(fixture('resnet8_cifar.onnx'), { expanded: 'all' });
  layout.nodes[0]!.subtitle = 'a<b&"c"';
  const svg = renderSvg(layout);
  assert.equal((svg.match(/<g class="node /g) ?? []).length, layout.nodes.length);
  assert.equal((svg.match(/<path class="edge"/g) ?? []).length, layout.edges.length);
  assert.ok(svg.includes('a&lt;b&amp;&quot;c&quot;'));
  assert.ok(!svg.includes('a<b'));
  assert.ok(svg.includes('var(--vscode-editor-background'));
  assert.ok(svg.startsWith('<svg') && svg.trimEnd().endsWith('</svg>'));
});

test('edge shape labels never print over each other', async () => {
  const { textWidth } = await import('../../../src/core/layout/text');
  const { inferShapes } = await import('../../../src/core/shapes');
  const model = fixture('ultraface_rfb_320.onnx');
  const layout = layoutModel(model, { expanded: 'all', shapes: inferShapes(model).values });
  const svg = renderSvg(layout);
  const rects = [...svg.matchAll(/<text class="edge-label"( text-anchor="end")? x="([\d.-]+)" y="([\d.-]+)">([^<]*)<\/text>/g)].map((m) => {
    const w = textWidth(m[4]!.replace(/&amp;/g, '&'), 9);
    const x = Number(m[2]);
    const left = m[1] ? x - w : x;
    const y = Number(m[3]) - 3;
    return [left, y - 4, left + w, y + 5] as const;
  });
  assert.ok(rects.length > 100, `${rects.length} labels drawn`);
  for (let i = 0; i < rects.length; i++) {
    for (let j = i + 1; j < rects.length; j++) {
      const a = rects[i]!;
      const b = rects[j]!;
      assert.ok(!(a[0] < b[2] && a[2] > b[0] && a[1] < b[3] && a[3] > b[1]), `labels ${i} and ${j} overlap`);
    }
  }
});
