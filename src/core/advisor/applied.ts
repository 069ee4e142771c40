// What has already been done to a model, so the advisor never suggests it again: read from the model's structure
// (QDQ islands, integer kernels, float16 weights, zeroed weights, factorized matrices) and from the pass history
// `aiot-lens optimize` records in the file's metadata (for what the structure cannot show: a resized input, a new
// operator order, pruned channels, patches).
//
// Adding a technique (e.g. the `patch` pass): give it an AppliedId, map its pass name in HISTORY_IDS, and list the ids
// that rule it out in its Technique's `ruledOutBy` (techniques.ts). A structural detector goes in DETECTORS.

import type { Analysis } from '../analyze';
import { dtypeByteSize, isFloatDType } from '../onnx/dtype';
import { tensorElementCount, type Tensor } from '../onnx/ir';
import { tensorToArray } from '../onnx/tensor';
import { findQdqIslands } from '../memory/qdq-islands';
import { recordedViews } from '../memory/plans';
import { passHistory } from '../passes';

export type AppliedId =
  | 'int8' | 'int8-dynamic' | 'fp16' | 'sparsity' | 'channel-pruning' | 'low-rank' | 'resized-input' | 'reordered'
  | 'bn-folded' | 'patch';

export interface Applied {
  id: AppliedId;
  /** What shows it, in words (`53 QDQ islands`, `aiot-lens optimize history: resize-input`). */
  evidence: string;
}

/** Pass names in the `aiot-lens.passes` history → what they applied. */
export const HISTORY_IDS: Record<string, AppliedId> = {
  'int8-static': 'int8', 'int8-dynamic': 'int8-dynamic', fp16: 'fp16', 'prune-weights': 'sparsity',
  'prune-channels': 'channel-pruning', 'low-rank': 'low-rank', 'resize-input': 'resized-input', reorder: 'reordered',
  'fold-bn': 'bn-folded', patch: 'patch',
};

/** A fraction of exactly-zero conv/matmul weights above this is magnitude pruning (dense training leaves ~0). */
const SPARSE = 0.2;

type Detector = (a: Analysis) => Applied | undefined;

const INT8_OPS = new Set(['QLinearConv', 'QLinearMatMul', 'ConvInteger', 'MatMulInteger', 'QGemm', 'QLinearAdd']);

const DETECTORS: Detector[] = [
  (a) => {
    const q = findQdqIslands(a.model.graph, a.shapes.values);
    if (q) return { id: 'int8', evidence: `${q.islands.size} QDQ islands (DequantizeLinear → op → QuantizeLinear)` };
    const n = a.model.graph.nodes.filter((x) => INT8_OPS.has(x.opType)).length;
    return n > 0 ? { id: 'int8', evidence: `${n} integer kernels (QLinear*/…Integer)` } : undefined;
  },
  (a) => {
    // Integer arithmetic for most MACs: an int8 model in another form (a .tflite with int8 tensors, QLinear ops).
    let int = 0, all = 0;
    for (const c of a.cost.nodes) {
      if (c.macs === 0) continue;
      all += c.macs;
      if (/^u?int(8|4|16)$/.test(c.computeDtype)) int += c.macs;
    }
    return all > 0 && int / all >= 0.5 ? { id: 'int8', evidence: `${((100 * int) / all).toFixed(0)}% of MACs in integer arithmetic` } : undefined;
  },
  (a) => {
    const n = a.model.graph.nodes.filter((x) => x.opType === 'DynamicQuantizeLinear').length;
    return n > 0 ? { id: 'int8-dynamic', evidence: `${n} DynamicQuantizeLinear node(s): int8 weights, activations quantized at run time` } : undefined;
  },
  (a) => {
    let half = 0, all = 0;
    for (const c of a.cost.nodes) {
      if (c.macs === 0) continue;
      all += c.macs;
      if (c.computeDtype === 'float16' || c.computeDtype === 'bfloat16') half += c.macs;
    }
    if (all > 0 && half / all >= 0.5) return { id: 'fp16', evidence: `${((100 * half) / all).toFixed(0)}% of MACs in float16` };
    // float16 storage computed in float32 (TFLite's float16 quantization dequantizes its weights at load).
    let h = 0, f = 0;
    for (const t of a.model.graph.initializers) {
      const bytes = dtypeByteSize(t.dtype, tensorElementCount(t.dims));
      if (t.dtype === 'float16' || t.dtype === 'bfloat16') h += bytes;
      else if (isFloatDType(t.dtype)) f += bytes;
    }
    return h > 0 && h >= f ? { id: 'fp16', evidence: `${((100 * h) / (h + f)).toFixed(0)}% of float weight bytes stored as float16` } : undefined;
  },
  (a) => {
    const { zeros, total } = zeroWeights(a);
    return total > 0 && zeros / total >= SPARSE ? { id: 'sparsity', evidence: `${((100 * zeros) / total).toFixed(0)}% of conv/matmul weights are zero` } : undefined;
  },
  (a) => {
    const views = recordedViews(a.model);
    return views ? { id: 'patch', evidence: `the first layers run on tiles (${Object.keys(views.views).length} tile windows recorded in the metadata aiot-lens.patch)` } : undefined;
  },
  (a) => {
    const pairs = factorizedPairs(a);
    return pairs > 0 ? { id: 'low-rank', evidence: `${pairs} weight matrix pair(s) with a narrow inner dimension (factorized)` } : undefined;
  },
];

/** Everything the model shows has been applied, structural evidence first, then the recorded pass history. */
export function appliedTechniques(a: Analysis): Applied[] {
  const out = new Map<AppliedId, Applied>();
  for (const d of DETECTORS) {
    const r = d(a);
    if (r && !out.has(r.id)) out.set(r.id, r);
  }
  for (const pass of passHistory(a.model)) {
    const id = HISTORY_IDS[pass];
    if (id && !out.has(id)) out.set(id, { id, evidence: `aiot-lens optimize history in the file's metadata: ${pass}` });
  }
  return [...out.values()];
}

/** Zero elements over the float weights of Conv/Gemm/MatMul nodes (initializers in the main graph). */
function zeroWeights(a: Analysis): { zeros: number; total: number } {
  const g = a.model.graph;
  const inits = new Map(g.initializers.map((t) => [t.name, t]));
  const seen = new Set<string>();
  let zeros = 0, total = 0;
  for (const n of g.nodes) {
    if (n.domain !== '' || !['Conv', 'Gemm', 'MatMul', 'ConvTranspose'].includes(n.opType)) continue;
    const t: Tensor | undefined = inits.get(n.inputs[1] ?? '');
    if (!t || !isFloatDType(t.dtype) || seen.has(t.name) || tensorElementCount(t.dims) < 64) continue;
    seen.add(t.name);
    const v = tensorToArray(t, { modelDir: a.modelDir });
    if (!v.ok || typeof v.value[0] === 'string') continue;
    const data = v.value as ArrayLike<number>;
    for (let i = 0; i < data.length; i++) if (data[i] === 0) zeros++;
    total += data.length;
  }
  return { zeros, total };
}

/**
 * MatMul(MatMul(x, A[K,r]), B[r,N]) with r·(K+N) < K·N: the shape low-rank factorization leaves (by this tool's
 * pass or any other).
 */
function factorizedPairs(a: Analysis): number {
  const g = a.model.graph;
  const inits = new Map(g.initializers.map((t) => [t.name, t]));
  const producer = new Map<string, number>();
  const readers = new Map<string, number>();
  g.nodes.forEach((n, i) => {
    for (const o of n.outputs) if (o) producer.set(o, i);
    for (const x of n.inputs) if (x) readers.set(x, (readers.get(x) ?? 0) + 1);
  });
  let pairs = 0;
  for (const n of g.nodes) {
    if (n.domain !== '' || (n.opType !== 'MatMul' && n.opType !== 'Gemm')) continue;
    const b = inits.get(n.inputs[1] ?? '');
    const p = producer.get(n.inputs[0] ?? '');
    const first = p === undefined ? undefined : g.nodes[p];
    if (!b || b.dims.length !== 2 || !first || first.opType !== 'MatMul' || readers.get(n.inputs[0]!) !== 1) continue;
    const aw = inits.get(first.inputs[1] ?? '');
    if (!aw || aw.dims.length !== 2) continue;
    const transB = n.opType === 'Gemm' && n.attributes.some((x) => x.name === 'transB' && x.type === 'int' && x.value === 1);
    const [K, r] = aw.dims as [number, number];
    const [r2, N] = (transB ? [b.dims[1], b.dims[0]] : b.dims) as [number, number];
    if (r === r2 && r * (K + N) < K * N) pairs++;
  }
  return pairs;
}
