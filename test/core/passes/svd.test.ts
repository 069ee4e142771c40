// The small SVD behind low-rank, checked by reconstruction and against matrices with known singular values.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { svdSmall, svdTopK, symmetricEigen } from '../../../src/core/passes/svd';
import { seededNormal } from '../../../src/core/verify';

function randomMatrix(m: number, n: number, seed: number): Float64Array {
  const r = seededNormal(seed);
  return Float64Array.from({ length: m * n }, () => r());
}

function reconstruct(u: Float64Array, s: Float64Array, v: Float64Array, m: number, n: number, k: number, rank: number): Float64Array {
  const out = new Float64Array(m * n);
  for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) {
    let acc = 0;
    for (let t = 0; t < rank; t++) acc += u[i * k + t]! * s[t]! * v[j * k + t]!;
    out[i * n + j] = acc;
  }
  return out;
}

function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let d = 0;
  for (let i = 0; i < a.length; i++) d = Math.max(d, Math.abs(a[i]! - b[i]!));
  return d;
}

test('symmetricEigen finds the eigenvalues of a known symmetric matrix', () => {
  // [[2,1],[1,2]] has eigenvalues 3 and 1.
  const { values } = symmetricEigen(Float64Array.from([2, 1, 1, 2]), 2);
  assert.ok(Math.abs(values[0]! - 3) < 1e-12 && Math.abs(values[1]! - 1) < 1e-12);
});

test('svdSmall reconstructs tall and wide random matrices', () => {
  for (const [m, n] of [[40, 12], [12, 40]] as const) {
    const w = randomMatrix(m, n, m * 7 + n);
    const r = svdSmall(w, m, n);
    assert.ok(maxDiff(reconstruct(r.u, r.s, r.v, m, n, r.k, r.k), w) < 1e-9, `${m}x${n}`);
    for (let i = 1; i < r.k; i++) assert.ok(r.s[i - 1]! >= r.s[i]!);
  }
});

test('svdSmall gives the singular values of a diagonal-by-rotation matrix', () => {
  // W = diag(5, 3, 1) with rows permuted: singular values are 5, 3, 1 whatever the permutation.
  const w = Float64Array.from([0, 3, 0, 0, 0, 1, 5, 0, 0]);
  const r = svdSmall(w, 3, 3);
  assert.deepEqual(Array.from(r.s, (x) => Math.round(x * 1e9) / 1e9), [5, 3, 1]);
});

test('svdTopK matches svdSmall on the leading singular values of a low-rank-plus-noise matrix', () => {
  const m = 300, n = 200, k = 6;
  const a = randomMatrix(m, k, 1), b = randomMatrix(k, n, 2), noise = randomMatrix(m, n, 3);
  const w = new Float64Array(m * n);
  for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) {
    let s = 0;
    for (let t = 0; t < k; t++) s += a[i * k + t]! * b[t * n + j]! * (10 - t);
    w[i * n + j] = s + 0.01 * noise[i * n + j]!;
  }
  const full = svdSmall(w, m, n);
  const top = svdTopK(w, m, n, k, 4, 5);
  for (let i = 0; i < k; i++) assert.ok(Math.abs(top.s[i]! - full.s[i]!) / full.s[i]! < 1e-6, `sigma ${i}`);
  const rec = reconstruct(top.u, top.s, top.v, m, n, top.k, k);
  let err = 0, norm = 0;
  for (let i = 0; i < w.length; i++) { err += (rec[i]! - w[i]!) ** 2; norm += w[i]! ** 2; }
  assert.ok(Math.sqrt(err / norm) < 1e-3, `relative error ${Math.sqrt(err / norm)}`);
});

test('kthSmallest (prune threshold) agrees with sorting, ties and all', async () => {
  const { kthSmallest } = await import('../../../src/core/passes/prune');
  let seed = 7;
  const rand = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
  for (const n of [1, 2, 3, 17, 256, 1001]) {
    for (let t = 0; t < 20; t++) {
      // Half the cases draw from 10 values only, so ties are everywhere.
      const a = Float32Array.from({ length: n }, () => (t % 2 ? Math.floor(rand() * 10) : rand()));
      const sorted = Float32Array.from(a).sort();
      const k = Math.floor(rand() * n);
      assert.equal(kthSmallest(Float32Array.from(a), k), sorted[k]);
    }
  }
});

test('symmetricEigen: A·v = λ·v for a random 60×60 symmetric matrix, eigenvalues descending', () => {
  const n = 60;
  let seed = 3;
  const rand = () => (seed = (seed * 16807) % 2147483647) / 2147483647 - 0.5;
  const a = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = i; j < n; j++) a[i * n + j] = a[j * n + i] = rand();
  const { values, vectors } = symmetricEigen(a, n);
  for (let c = 0; c < n; c++) {
    if (c > 0) assert.ok(values[c - 1]! >= values[c]!);
    for (let i = 0; i < n; i++) {
      let av = 0;
      for (let k = 0; k < n; k++) av += a[i * n + k]! * vectors[k * n + c]!;
      assert.ok(Math.abs(av - values[c]! * vectors[i * n + c]!) < 1e-9, `column ${c} row ${i}`);
    }
  }
});
