// A small SVD for low-rank factorization: the symmetric eigenproblem of the Gram matrix for small matrices, and a seeded
// randomized subspace iteration (Halko–Martinsson–Tropp) for the top-k of large ones. Float64 throughout.

import { seededNormal } from '../random';

export interface Svd {
  /** m×k, row-major. */
  u: Float64Array;
  /** Singular values, descending (k of them). */
  s: Float64Array;
  /** n×k, row-major (columns are right singular vectors). */
  v: Float64Array;
  k: number;
}

/**
 * Eigen-decomposition of a symmetric n×n matrix, eigenvalues descending: Householder reduction to tridiagonal form,
 * then the implicit QL method (the EISPACK tred2/tql2 pair). About 4n³ operations in all, where cyclic Jacobi needs
 * several n³ per sweep — seconds instead of minutes on the 320×320 Gram matrices low-rank meets.
 */
export function symmetricEigen(a: Float64Array, n: number): { values: Float64Array; vectors: Float64Array } {
  const V: Float64Array[] = Array.from({ length: n }, (_, i) => Float64Array.from(a.subarray(i * n, i * n + n)));
  const d = new Float64Array(n);
  const e = new Float64Array(n);
  if (n > 0) {
    tridiagonalize(V, d, e, n);
    diagonalize(V, d, e, n);
  }
  const order = Array.from({ length: n }, (_, i) => i).sort((i, j) => d[j]! - d[i]!);
  const values = Float64Array.from(order, (i) => d[i]!);
  const vectors = new Float64Array(n * n);
  order.forEach((src, dst) => { for (let k = 0; k < n; k++) vectors[k * n + dst] = V[k]![src]!; });
  return { values, vectors };
}

/** Householder reduction of the symmetric matrix held in V to tridiagonal form (d diagonal, e sub-diagonal). */
function tridiagonalize(V: Float64Array[], d: Float64Array, e: Float64Array, n: number): void {
  for (let j = 0; j < n; j++) d[j] = V[n - 1]![j]!;
  for (let i = n - 1; i > 0; i--) {
    let scale = 0;
    let h = 0;
    for (let k = 0; k < i; k++) scale += Math.abs(d[k]!);
    if (scale === 0) {
      e[i] = d[i - 1]!;
      for (let j = 0; j < i; j++) {
        d[j] = V[i - 1]![j]!;
        V[i]![j] = 0;
        V[j]![i] = 0;
      }
    } else {
      for (let k = 0; k < i; k++) {
        d[k] = d[k]! / scale;
        h += d[k]! * d[k]!;
      }
      let f = d[i - 1]!;
      let g = Math.sqrt(h);
      if (f > 0) g = -g;
      e[i] = scale * g;
      h -= f * g;
      d[i - 1] = f - g;
      for (let j = 0; j < i; j++) e[j] = 0;
      for (let j = 0; j < i; j++) {
        f = d[j]!;
        V[j]![i] = f;
        g = e[j]! + V[j]![j]! * f;
        for (let k = j + 1; k <= i - 1; k++) {
          g += V[k]![j]! * d[k]!;
          e[k] = e[k]! + V[k]![j]! * f;
        }
        e[j] = g;
      }
      f = 0;
      for (let j = 0; j < i; j++) {
        e[j] = e[j]! / h;
        f += e[j]! * d[j]!;
      }
      const hh = f / (h + h);
      for (let j = 0; j < i; j++) e[j] = e[j]! - hh * d[j]!;
      for (let j = 0; j < i; j++) {
        f = d[j]!;
        g = e[j]!;
        for (let k = j; k <= i - 1; k++) V[k]![j] = V[k]![j]! - (f * e[k]! + g * d[k]!);
        d[j] = V[i - 1]![j]!;
        V[i]![j] = 0;
      }
    }
    d[i] = h;
  }
  // Accumulate the transformations.
  for (let i = 0; i < n - 1; i++) {
    V[n - 1]![i] = V[i]![i]!;
    V[i]![i] = 1;
    const h = d[i + 1]!;
    if (h !== 0) {
      for (let k = 0; k <= i; k++) d[k] = V[k]![i + 1]! / h;
      for (let j = 0; j <= i; j++) {
        let g = 0;
        for (let k = 0; k <= i; k++) g += V[k]![i + 1]! * V[k]![j]!;
        for (let k = 0; k <= i; k++) V[k]![j] = V[k]![j]! - g * d[k]!;
      }
    }
    for (let k = 0; k <= i; k++) V[k]![i + 1] = 0;
  }
  for (let j = 0; j < n; j++) {
    d[j] = V[n - 1]![j]!;
    V[n - 1]![j] = 0;
  }
  V[n - 1]![n - 1] = 1;
  e[0] = 0;
}

/** Implicit QL iterations on the tridiagonal (d, e), rotating V's columns into the eigenvectors. */
function diagonalize(V: Float64Array[], d: Float64Array, e: Float64Array, n: number): void {
  for (let i = 1; i < n; i++) e[i - 1] = e[i]!;
  e[n - 1] = 0;
  let f = 0;
  let tst1 = 0;
  const eps = 2 ** -52;
  for (let l = 0; l < n; l++) {
    tst1 = Math.max(tst1, Math.abs(d[l]!) + Math.abs(e[l]!));
    let m = l;
    while (m < n && Math.abs(e[m]!) > eps * tst1) m++;
    if (m > l) {
      let iter = 0;
      do {
        iter++;
        let g = d[l]!;
        let p = (d[l + 1]! - g) / (2 * e[l]!);
        let r = Math.hypot(p, 1);
        if (p < 0) r = -r;
        d[l] = e[l]! / (p + r);
        d[l + 1] = e[l]! * (p + r);
        const dl1 = d[l + 1]!;
        let h = g - d[l]!;
        for (let i = l + 2; i < n; i++) d[i] = d[i]! - h;
        f += h;
        p = d[m]!;
        let c = 1;
        let c2 = c;
        let c3 = c;
        const el1 = e[l + 1]!;
        let s = 0;
        let s2 = 0;
        for (let i = m - 1; i >= l; i--) {
          c3 = c2;
          c2 = c;
          s2 = s;
          g = c * e[i]!;
          h = c * p;
          r = Math.hypot(p, e[i]!);
          e[i + 1] = s * r;
          s = e[i]! / r;
          c = p / r;
          p = c * d[i]! - s * g;
          d[i + 1] = h + s * (c * g + s * d[i]!);
          for (let k = 0; k < n; k++) {
            const row = V[k]!;
            h = row[i + 1]!;
            row[i + 1] = s * row[i]! + c * h;
            row[i] = c * row[i]! - s * h;
          }
        }
        p = (-s * s2 * c3 * el1 * e[l]!) / dl1;
        e[l] = s * p;
        d[l] = c * p;
      } while (Math.abs(e[l]!) > eps * tst1 && iter < 100);
    }
    d[l] = d[l]! + f;
    e[l] = 0;
  }
}

/** Full thin SVD of an m×n row-major matrix through the eigen-decomposition of the smaller Gram matrix. */
export function svdSmall(w: ArrayLike<number>, m: number, n: number): Svd {
  if (n > m) {
    const t = transpose(w, m, n);
    const r = svdSmall(t, n, m);
    return { u: r.v, s: r.s, v: r.u, k: r.k };
  }
  // n ≤ m: G = WᵀW (n×n) = V S² Vᵀ, U = W V S⁻¹.
  const G = new Float64Array(n * n);
  for (let r = 0; r < m; r++) {
    for (let i = 0; i < n; i++) {
      const wi = w[r * n + i]!;
      if (wi === 0) continue;
      for (let j = i; j < n; j++) G[i * n + j] += wi * w[r * n + j]!;
    }
  }
  for (let i = 0; i < n; i++) for (let j = 0; j < i; j++) G[i * n + j] = G[j * n + i]!;
  const { values, vectors } = symmetricEigen(G, n);
  const s = Float64Array.from(values, (x) => Math.sqrt(Math.max(0, x)));
  const u = new Float64Array(m * n);
  for (let r = 0; r < m; r++) {
    for (let k = 0; k < n; k++) {
      if (s[k]! <= 0) continue;
      let acc = 0;
      for (let i = 0; i < n; i++) acc += w[r * n + i]! * vectors[i * n + k]!;
      u[r * n + k] = acc / s[k]!;
    }
  }
  return { u, s, v: vectors, k: n };
}

/** Top-k SVD by randomized subspace iteration (oversampling 8, `iters` power steps), seeded. */
export function svdTopK(w: ArrayLike<number>, m: number, n: number, k: number, iters = 4, seed = 1): Svd {
  const l = Math.min(Math.min(m, n), k + 8);
  const rnd = seededNormal(seed);
  let Q = new Float64Array(m * l);
  const omega = Float64Array.from({ length: n * l }, () => rnd());
  matmul(w, m, n, omega, l, Q);
  orthonormalize(Q, m, l);
  const Z = new Float64Array(n * l);
  for (let it = 0; it < iters; it++) {
    matmulT(w, m, n, Q, l, Z); // Z = Wᵀ Q
    orthonormalize(Z, n, l);
    matmul(w, m, n, Z, l, Q); // Q = W Z
    orthonormalize(Q, m, l);
  }
  // B = Qᵀ W (l×n): its SVD gives W ≈ Q U_B S Vᵀ.
  const Bt = new Float64Array(n * l);
  matmulT(w, m, n, Q, l, Bt); // Bt = Wᵀ Q = Bᵀ (n×l)
  const r = svdSmall(Bt, n, l); // Bᵀ = U' S V'ᵀ → B = V' S U'ᵀ
  const kk = Math.min(k, r.k);
  const u = new Float64Array(m * kk), v = new Float64Array(n * kk);
  for (let i = 0; i < m; i++) for (let j = 0; j < kk; j++) { let acc = 0; for (let t = 0; t < l; t++) acc += Q[i * l + t]! * r.v[t * r.k + j]!; u[i * kk + j] = acc; }
  for (let i = 0; i < n; i++) for (let j = 0; j < kk; j++) v[i * kk + j] = r.u[i * r.k + j]!;
  return { u, s: r.s.slice(0, kk), v, k: kk };
}

function transpose(w: ArrayLike<number>, m: number, n: number): Float64Array {
  const t = new Float64Array(m * n);
  for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) t[j * m + i] = w[i * n + j]!;
  return t;
}

/** out (m×l) = W (m×n) · X (n×l). */
function matmul(w: ArrayLike<number>, m: number, n: number, x: Float64Array, l: number, out: Float64Array): void {
  out.fill(0);
  for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) {
    const a = w[i * n + j]!;
    if (a === 0) continue;
    for (let t = 0; t < l; t++) out[i * l + t] += a * x[j * l + t]!;
  }
}

/** out (n×l) = Wᵀ (n×m) · X (m×l). */
function matmulT(w: ArrayLike<number>, m: number, n: number, x: Float64Array, l: number, out: Float64Array): void {
  out.fill(0);
  for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) {
    const a = w[i * n + j]!;
    if (a === 0) continue;
    for (let t = 0; t < l; t++) out[j * l + t] += a * x[i * l + t]!;
  }
}

/** Modified Gram–Schmidt on the l columns of a rows×l matrix, in place. */
function orthonormalize(q: Float64Array, rows: number, l: number): void {
  for (let j = 0; j < l; j++) {
    for (let p = 0; p < j; p++) {
      let dot = 0;
      for (let i = 0; i < rows; i++) dot += q[i * l + j]! * q[i * l + p]!;
      for (let i = 0; i < rows; i++) q[i * l + j] -= dot * q[i * l + p]!;
    }
    let norm = 0;
    for (let i = 0; i < rows; i++) norm += q[i * l + j]! ** 2;
    norm = Math.sqrt(norm) || 1;
    for (let i = 0; i < rows; i++) q[i * l + j] /= norm;
  }
}
