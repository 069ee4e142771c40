// A small SVD for low-rank factorization: cyclic Jacobi on the Gram matrix for small matrices, and a seeded
// randomized subspace iteration (Halko–Martinsson–Tropp) for the top-k of large ones. Float64 throughout.

import { seededNormal } from '../verify/random';

export interface Svd {
  /** m×k, row-major. */
  u: Float64Array;
  /** Singular values, descending (k of them). */
  s: Float64Array;
  /** n×k, row-major (columns are right singular vectors). */
  v: Float64Array;
  k: number;
}

/** Eigen-decomposition of a symmetric n×n matrix by cyclic Jacobi rotations; eigenvalues descending. */
export function symmetricEigen(a: Float64Array, n: number, maxSweeps = 60): { values: Float64Array; vectors: Float64Array } {
  const A = Float64Array.from(a);
  const V = new Float64Array(n * n);
  for (let i = 0; i < n; i++) V[i * n + i] = 1;
  for (let sweep = 0; sweep < maxSweeps; sweep++) {
    let off = 0, diag = 0;
    for (let p = 0; p < n; p++) { diag += A[p * n + p]! ** 2; for (let q = p + 1; q < n; q++) off += A[p * n + q]! ** 2; }
    if (off <= 1e-30 * Math.max(diag, 1e-300)) break;
    for (let p = 0; p < n - 1; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = A[p * n + q]!;
        if (Math.abs(apq) < 1e-300) continue;
        const app = A[p * n + p]!, aqq = A[q * n + q]!;
        const theta = (aqq - app) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1), s = t * c;
        for (let k = 0; k < n; k++) {
          const akp = A[k * n + p]!, akq = A[k * n + q]!;
          A[k * n + p] = c * akp - s * akq;
          A[k * n + q] = s * akp + c * akq;
        }
        for (let k = 0; k < n; k++) {
          const apk = A[p * n + k]!, aqk = A[q * n + k]!;
          A[p * n + k] = c * apk - s * aqk;
          A[q * n + k] = s * apk + c * aqk;
        }
        for (let k = 0; k < n; k++) {
          const vkp = V[k * n + p]!, vkq = V[k * n + q]!;
          V[k * n + p] = c * vkp - s * vkq;
          V[k * n + q] = s * vkp + c * vkq;
        }
      }
    }
  }
  const order = Array.from({ length: n }, (_, i) => i).sort((i, j) => A[j * n + j]! - A[i * n + i]!);
  const values = Float64Array.from(order, (i) => A[i * n + i]!);
  const vectors = new Float64Array(n * n);
  order.forEach((src, dst) => { for (let k = 0; k < n; k++) vectors[k * n + dst] = V[k * n + src]!; });
  return { values, vectors };
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
