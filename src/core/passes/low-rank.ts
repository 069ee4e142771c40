// `low-rank`: factorizes large constant Gemm/MatMul weights W (K×N) into A (K×r) · B (r×N) by SVD, keeping the
// rank that holds the requested share of singular-value energy (or a fixed rank), only where it saves weights.

import type { Model, Node } from '../onnx/ir';
import { attrInt } from '../onnx/ir';
import { catchLens, LensException, type Result } from '../result';
import { cloneModel, constantMap, NameGen, promoteInitializerInputs, removeDeadNodes, removeUnusedInitializers, setAttr, topoSort } from './graph';
import { emit, float32Tensor, readFloat32 } from './numeric';
import { svdSmall, svdTopK, type Svd } from './svd';
import type { PassOptions, PassOutcome } from './types';

/** Smallest weight (elements) worth factorizing. */
const MIN_ELEMENTS = 4096;
/** Full SVD (Jacobi on the Gram matrix) up to this smaller dimension; beyond it only a fixed --rank is computed. */
const FULL_SVD_MAX_DIM = 320;

export function lowRank(model: Model, options: PassOptions = {}): Result<PassOutcome> {
  return catchLens(() => {
    const energy = options.energy ?? 0.95;
    if (!(energy > 0 && energy <= 1)) throw new LensException('invalid-argument', `--energy must be in (0, 1], got ${energy}`);
    const m = cloneModel(model);
    const g = m.graph;
    promoteInitializerInputs(m);
    const consts = constantMap(g);
    const names = new NameGen(g);
    const details = { factorized: [] as { node: string; shape: number[]; rank: number; energyKept: number }[], skipped: [] as string[], weightsBefore: 0, weightsAfter: 0 };
    const nodes: Node[] = [];
    for (const n of g.nodes) {
      const w = n.domain === '' && (n.opType === 'MatMul' || n.opType === 'Gemm') ? consts.get(n.inputs[1] ?? '') : undefined;
      if (!w || w.dtype !== 'float' || w.dims.length !== 2 || w.dims[0]! * w.dims[1]! < MIN_ELEMENTS || (n.opType === 'Gemm' && attrInt(n, 'transA', 0) !== 0)) { nodes.push(n); continue; }
      const label = n.name || n.outputs[0]!;
      const transB = n.opType === 'Gemm' && attrInt(n, 'transB', 0) === 1;
      const [K, N] = transB ? [w.dims[1]!, w.dims[0]!] : [w.dims[0]!, w.dims[1]!];
      const wk = orientKN(readFloat32(w, options.modelDir), w.dims[0]!, w.dims[1]!, transB);
      const breakEven = Math.floor((K * N) / (K + N));
      let svd: Svd;
      let total = 0;
      for (let i = 0; i < wk.length; i++) total += wk[i]! * wk[i]!;
      if (options.rank !== undefined) {
        if (options.rank >= breakEven) { details.skipped.push(`${label}: rank ${options.rank} saves nothing for ${K}x${N}`); nodes.push(n); continue; }
        svd = Math.min(K, N) <= FULL_SVD_MAX_DIM ? svdSmall(wk, K, N) : svdTopK(wk, K, N, options.rank, 4, options.seed ?? 1);
      } else if (Math.min(K, N) <= FULL_SVD_MAX_DIM) {
        svd = svdSmall(wk, K, N);
      } else {
        details.skipped.push(`${label}: ${K}x${N} is too large for the energy rule; give --rank`);
        nodes.push(n); continue;
      }
      let rank = options.rank ?? 0;
      if (options.rank === undefined) {
        let acc = 0;
        while (rank < svd.k && acc < energy * total) { acc += svd.s[rank]! ** 2; rank++; }
      }
      rank = Math.max(1, Math.min(rank, svd.k));
      let kept = 0;
      for (let i = 0; i < rank; i++) kept += svd.s[i]! ** 2;
      if (rank >= breakEven) { details.skipped.push(`${label}: ${(energy * 100).toFixed(1)}% energy needs rank ${rank}, no saving for ${K}x${N}`); nodes.push(n); continue; }
      // A = U·√S (K×r), B = √S·Vᵀ (r×N).
      const a = new Float32Array(K * rank), b = new Float32Array(rank * N);
      for (let i = 0; i < K; i++) for (let j = 0; j < rank; j++) a[i * rank + j] = svd.u[i * svd.k + j]! * Math.sqrt(svd.s[j]!);
      for (let j = 0; j < rank; j++) for (let c = 0; c < N; c++) b[j * N + c] = Math.sqrt(svd.s[j]!) * svd.v[c * svd.k + j]!;
      const an = names.fresh(`${n.inputs[1]}_lr_a`), bn = names.fresh(`${n.inputs[1]}_lr_b`), mid = names.fresh(`${label}_lr`);
      g.initializers.push(emit(options, float32Tensor(an, [K, rank], a)), emit(options, float32Tensor(bn, [rank, N], b)));
      nodes.push({ name: names.fresh(`${label}_lr_MatMul`), opType: 'MatMul', domain: '', inputs: [n.inputs[0]!, an], outputs: [mid], attributes: [] });
      n.inputs[0] = mid;
      n.inputs[1] = bn;
      if (n.opType === 'Gemm') setAttr(n, { name: 'transB', type: 'int', value: 0 });
      nodes.push(n);
      details.factorized.push({ node: label, shape: [K, N], rank, energyKept: total > 0 ? kept / total : 1 });
      details.weightsBefore += K * N;
      details.weightsAfter += rank * (K + N);
    }
    g.nodes = nodes;
    g.nodes = topoSort(g);
    removeDeadNodes(g);
    removeUnusedInitializers(g);
    return { model: m, changed: details.factorized.length > 0, details };
  }, options.path);
}

/** The weight as K×N (input features × outputs) whatever the Gemm's transB. */
function orientKN(v: Float32Array, r: number, c: number, transposed: boolean): Float32Array {
  if (!transposed) return v;
  const t = new Float32Array(v.length);
  for (let i = 0; i < r; i++) for (let j = 0; j < c; j++) t[j * r + i] = v[i * c + j]!;
  return t;
}

