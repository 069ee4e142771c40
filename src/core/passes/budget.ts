// How much memory each weight-transforming pass holds at once, worked out from tensor dims before it runs, so a pass
// that would need more than the memory budget says so instead of starting (runPasses checks it). fp16, int8-dynamic
// (except Gemm transB=1, whose int8 transpose is held), int8-static's weights and fold-bn stream a chunk at a time;
// prune and low-rank hold each weight they change; fold-constants holds the values it folds (at most 4 Mi elements
// each); int8-static also runs the float model in onnxruntime to calibrate.

import { CHUNK_ELEMENTS } from '../onnx/dataFile';
import { dtypeByteSize } from '../onnx/dtype';
import { attrInt, tensorElementCount, type Model, type Node, type Tensor } from '../onnx/ir';
import { constantMap } from './graph';

export interface WorkingSet {
  /** Bytes the pass holds at its peak, besides the model's structure. */
  bytes: number;
  /** The tensor that sets the peak, when one does. */
  tensor?: string;
  /** Why, in a few words (shown when the pass is refused). */
  why: string;
}

/** A streamed tensor: a float32 chunk, its converted copy and the output chunk. */
const STREAM_BYTES = CHUNK_ELEMENTS * 16;

function tensorBytes(t: Tensor): number {
  return dtypeByteSize(t.dtype, tensorElementCount(t.dims));
}

/** Float weights (second input) of the given ops that are constants, with their node. */
function weights(model: Model, ops: string[]): { t: Tensor; node: Node }[] {
  const consts = constantMap(model.graph);
  const out: { t: Tensor; node: Node }[] = [];
  for (const n of model.graph.nodes) {
    if (n.domain !== '' || !ops.includes(n.opType)) continue;
    const t = consts.get(n.inputs[1] ?? '');
    if (t && t.dtype === 'float') out.push({ t, node: n });
  }
  return out;
}

function largest(list: { t: Tensor; bytes: number }[], why: string): WorkingSet {
  let best: { t: Tensor; bytes: number } | undefined;
  for (const x of list) if (!best || x.bytes > best.bytes) best = x;
  return best ? { bytes: Math.max(best.bytes, STREAM_BYTES), tensor: best.t.name, why } : { bytes: STREAM_BYTES, why: 'streams a chunk at a time' };
}

const ESTIMATES: Record<string, (m: Model) => WorkingSet> = {
  fp16: () => ({ bytes: STREAM_BYTES, why: 'converts each weight a chunk at a time' }),
  'fold-bn': () => ({ bytes: STREAM_BYTES, why: 'rescales each weight a chunk at a time' }),
  'int8-dynamic': (m) => largest(
    weights(m, ['Gemm']).filter((w) => attrInt(w.node, 'transB', 0) === 1 && w.t.dims.length === 2).map((w) => ({ t: w.t, bytes: tensorElementCount(w.t.dims) })),
    'holds the int8 transpose of a Gemm weight stored transposed (transB=1), a quarter of its float size'),
  'int8-static': (m) => {
    // Calibration runs the float model in onnxruntime, which holds its weights (and may keep a packed copy).
    let total = 0;
    for (const t of m.graph.initializers) total += tensorBytes(t);
    return { bytes: Math.max(STREAM_BYTES, 2 * total), why: 'calibrates by running the float model in onnxruntime, which holds its weights (estimated 2× for packed copies)' };
  },
  prune: (m) => largest(
    weights(m, ['Conv', 'ConvTranspose', 'Gemm', 'MatMul']).map((w) => ({ t: w.t, bytes: 2 * tensorBytes(w.t) })),
    'holds each weight it prunes and its magnitudes (2× its float32 size)'),
  'low-rank': (m) => largest(
    weights(m, ['Gemm', 'MatMul']).filter((w) => w.t.dims.length === 2 && tensorElementCount(w.t.dims) >= 4096).map((w) => {
      const [k, n] = [w.t.dims[0]!, w.t.dims[1]!];
      return { t: w.t, bytes: 3 * tensorBytes(w.t) + 8 * Math.min(k, n) ** 2 };
    }),
    'holds each weight it factorizes, a transposed copy and the SVD work (about 3× its float32 size)'),
  'fold-constants': () => ({ bytes: (1 << 22) * 8 * 2, why: 'holds the values it folds (at most 4 Mi elements each)' }),
};

/** The working set of a pass on a model, or undefined for passes that move no weights (cleanup, reorder, ...). */
export function passWorkingSet(name: string, model: Model): WorkingSet | undefined {
  return ESTIMATES[name]?.(model);
}
