import { test } from 'node:test';
import assert from 'node:assert/strict';
import { countCrossings, isotonicPlace, layeredLayout } from '../../../src/core/layout/layered';

const box = { width: 60, height: 30 };

function assertNoOverlap(r: ReturnType<typeof layeredLayout>, widths: number[]): void {
  const byRow = new Map<number, number[]>();
  for (let v = 0; v < r.x.length; v++) {
    const row = byRow.get(r.y[v]!) ?? [];
    row.push(v);
    byRow.set(r.y[v]!, row);
  }
  for (const row of byRow.values()) {
    row.sort((a, b) => r.x[a]! - r.x[b]!);
    for (let k = 1; k < row.length; k++) {
      const a = row[k - 1]!;
      const b = row[k]!;
      assert.ok(r.x[b]! - widths[b]! / 2 >= r.x[a]! + widths[a]! / 2 - 1e-6, `boxes ${a} and ${b} overlap`);
    }
  }
}

test('edges point downwards and start and end on the boxes they join', () => {
  const nodes = Array.from({ length: 6 }, () => box);
  const edges = [[0, 1], [0, 2], [1, 3], [2, 3], [3, 4], [0, 4], [4, 5]].map(([s, t]) => ({ source: s!, target: t! }));
  const r = layeredLayout(nodes, edges);
  edges.forEach((e, k) => {
    assert.ok(r.y[e.target]! > r.y[e.source]!, `edge ${k} goes down`);
    const pts = r.edgePoints[k]!;
    assert.equal(pts[0], r.x[e.source]);
    assert.equal(pts[1], r.y[e.source]! + box.height / 2);
    assert.equal(pts[pts.length - 2], r.x[e.target]);
    assert.equal(pts[pts.length - 1], r.y[e.target]! - box.height / 2);
  });
  assertNoOverlap(r, nodes.map((n) => n.width));
  assert.equal(r.stats.crossings, 0);
  // A chain stays straight: 3 → 4 → 5 share one x.
  assert.equal(r.x[4], r.x[5]);
});

test('cycles are broken, and a reversed edge is still drawn from its source to its target', () => {
  const nodes = [box, box, box];
  const edges = [{ source: 0, target: 1 }, { source: 1, target: 2 }, { source: 2, target: 0 }];
  const r = layeredLayout(nodes, edges);
  assert.equal(r.stats.reversedEdges, 1);
  const back = r.edgePoints[2]!;
  assert.equal(back[0], r.x[2]);
  assert.equal(back[1], r.y[2]! - box.height / 2, 'the reversed edge leaves the top of node 2');
  assert.equal(back[back.length - 1], r.y[0]! + box.height / 2, 'and enters the bottom of node 0');
});

test('a chain 6,000 ranks deep lays out without recursion limits', () => {
  const n = 6000;
  const nodes = Array.from({ length: n }, () => box);
  const edges = Array.from({ length: n - 1 }, (_, i) => ({ source: i, target: i + 1 }));
  const r = layeredLayout(nodes, edges);
  assert.equal(r.stats.ranks, n);
  for (let i = 1; i < n; i++) assert.ok(r.y[i]! > r.y[i - 1]!);
  assert.ok(Number.isFinite(r.height) && r.height > n * box.height);
});

test('one tensor feeding far consumers shares a single dummy chain', () => {
  // 0 → 1 → 2 → 3 → 4 → 5, and 0 also feeds 3 and 5: one chain down to rank 4, not two.
  const nodes = Array.from({ length: 6 }, () => box);
  const chain = [0, 1, 2, 3, 4].map((i) => ({ source: i, target: i + 1, bundle: i }));
  const bundled = layeredLayout(nodes, [...chain, { source: 0, target: 3, bundle: 0 }, { source: 0, target: 5, bundle: 0 }]);
  assert.equal(bundled.stats.dummies, 4);
  const separate = layeredLayout(nodes, [...chain, { source: 0, target: 3 }, { source: 0, target: 5 }]);
  assert.equal(separate.stats.dummies, 2 + 4);
});

test('crossing count matches a hand count', () => {
  // upper [0, 1], lower [2, 3]; edges 0→3 and 1→2 cross once; 0→2 adds none.
  const start = Int32Array.of(0, 2, 3, 3, 3);
  const items = Int32Array.of(3, 2, 2);
  const pos = Float64Array.of(0, 1, 0, 1);
  assert.equal(countCrossings([[0, 1], [2, 3]], { start, items }, pos), 1);
});

test('barycenter ordering removes crossings a bad input order would cause', () => {
  // Two independent chains whose second layer is given in swapped order.
  const nodes = Array.from({ length: 6 }, () => box);
  const edges = [{ source: 0, target: 3 }, { source: 1, target: 2 }, { source: 2, target: 4 }, { source: 3, target: 5 }];
  const r = layeredLayout(nodes, edges);
  assert.equal(r.stats.crossings, 0);
  assert.equal(r.x[0], r.x[3]);
  assert.equal(r.x[1], r.x[2]);
});

test('isotonic placement keeps gaps and is exact for separable targets', () => {
  const x = new Float64Array(3);
  const offsets = Float64Array.of(0, 50, 100);
  // All three want x = 0: the least-squares answer centres them on 0.
  isotonicPlace([0, 1, 2], offsets, Float64Array.of(0, 0, 0), Float64Array.of(1, 1, 1), x);
  assert.deepEqual([...x], [-50, 0, 50]);
  // Targets already far enough apart are met exactly.
  isotonicPlace([0, 1, 2], offsets, Float64Array.of(0, 200, 400), Float64Array.of(1, 1, 1), x);
  assert.deepEqual([...x], [0, 200, 400]);
});
