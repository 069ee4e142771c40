// `fold-bn`: folds inference BatchNormalization, and Mul/Add by per-channel constants, into the weights and bias
// of the Conv, ConvTranspose or Gemm that feeds them, so the runtime executes one op instead of two or three.

import type { Graph, Model, Node, Tensor } from '../onnx/ir';
import { attrFloat, attrInt, tensorElementCount } from '../onnx/ir';
import { catchLens, type Result } from '../result';
import {
  cloneModel, constantMap, consumerMap, graphOutputNames, NameGen, producerMap, promoteInitializerInputs,
  removeDeadNodes, removeUnusedInitializers, setAttr,
} from './graph';
import { emit, float32Tensor, readFloat32 } from './numeric';
import { forEachFloatChunk } from '../onnx/dataFile';
import { memorySink } from '../onnx/sink';
import type { PassOptions, PassOutcome } from './types';

interface Target {
  node: Node;
  /** Output channels. */
  channels: number;
  /** Output rank (for aligning broadcast constants). */
  rank: number;
  /**
   * The original weight and the per-channel factors folded into it, in order (each product rounded to float32 as
   * it would be in place): the weight is read and rewritten once, a chunk at a time, when the target is written.
   */
  weight: Tensor;
  factors: ArrayLike<number>[];
  weightDims: number[];
  bias: Float32Array;
  /** Maps a weight element index to its output channel. */
  channelOf: (i: number) => number;
}

export function foldBn(model: Model, options: PassOptions = {}): Result<PassOutcome> {
  return catchLens(() => {
    const m = cloneModel(model);
    const g = m.graph;
    const promoted = promoteInitializerInputs(m);
    const details = { batchNormFolded: 0, mulFolded: 0, addFolded: 0, initializerInputsPromoted: promoted };
    const names = new NameGen(g);
    const consts = constantMap(g);
    const targets = new Map<Node, Target>();
    let progress = true;
    while (progress) {
      progress = false;
      const producers = producerMap(g);
      const consumers = consumerMap(g);
      const outputs = graphOutputNames(g);
      for (const n of [...g.nodes]) {
        if (n.domain !== '' || !['BatchNormalization', 'Mul', 'Add'].includes(n.opType)) continue;
        const x = n.inputs[0]!;
        let prev = producers.get(x);
        let constIdx = 1;
        if ((n.opType === 'Mul' || n.opType === 'Add') && (!prev || !isFoldTarget(prev)) ) {
          // Commutative: the constant may come first.
          const other = producers.get(n.inputs[1] ?? '');
          if (other && isFoldTarget(other) && consts.has(n.inputs[0]!)) { prev = other; constIdx = 0; }
        }
        if (!prev || !isFoldTarget(prev)) continue;
        const mid = prev.outputs[0]!;
        if (outputs.has(mid) || (consumers.get(mid)?.length ?? 0) !== 1) continue;
        if (n.outputs.length > 1 && n.outputs.slice(1).some((o) => o && consumers.has(o))) continue;
        const t = targets.get(prev) ?? loadTarget(prev, consts);
        if (!t) continue;
        const ok = n.opType === 'BatchNormalization' ? foldBatchNorm(t, n, consts) : foldAffine(t, n, consts, constIdx);
        if (!ok) continue;
        targets.set(prev, t);
        prev.outputs[0] = n.outputs[0]!;
        g.nodes.splice(g.nodes.indexOf(n), 1);
        if (n.opType === 'BatchNormalization') details.batchNormFolded++;
        else if (n.opType === 'Mul') details.mulFolded++;
        else details.addFolded++;
        progress = true;
        break;
      }
    }
    for (const t of targets.values()) writeTarget(g, t, names, options);
    removeDeadNodes(g);
    removeUnusedInitializers(g);
    const changed = details.batchNormFolded + details.mulFolded + details.addFolded > 0 || promoted > 0;
    return { model: m, changed, details };
  }, options.path);
}

function isFoldTarget(n: Node): boolean {
  return n.domain === '' && (n.opType === 'Conv' || n.opType === 'ConvTranspose' || n.opType === 'Gemm');
}

function loadTarget(n: Node, consts: Map<string, Tensor>): Target | undefined {
  if (n.opType === 'Gemm') {
    const w = consts.get(n.inputs[1] ?? '');
    if (!w || w.dtype !== 'float' || w.dims.length !== 2) return undefined;
    const transB = attrInt(n, 'transB', 0) === 1;
    const channels = transB ? w.dims[0]! : w.dims[1]!;
    const alpha = attrFloat(n, 'alpha', 1);
    const beta = attrFloat(n, 'beta', 1);
    const factors: ArrayLike<number>[] = alpha !== 1 ? [new Float64Array(channels).fill(alpha)] : [];
    const bias = new Float32Array(channels);
    if (n.inputs[2]) {
      const c = consts.get(n.inputs[2]);
      if (!c || c.dtype !== 'float') return undefined;
      const cv = readFloat32(c);
      const count = tensorElementCount(c.dims);
      // Only biases that broadcast along the output columns fold to a vector.
      if (count === 1) bias.fill(cv[0]! * beta);
      else if (count === channels && c.dims[c.dims.length - 1] === channels) for (let i = 0; i < channels; i++) bias[i] = cv[i]! * beta;
      else return undefined;
    }
    const cols = w.dims[1]!;
    return { node: n, channels, rank: 2, weight: w, factors, weightDims: w.dims, bias, channelOf: transB ? (i) => Math.floor(i / cols) : (i) => i % cols };
  }
  const w = consts.get(n.inputs[1] ?? '');
  if (!w || w.dtype !== 'float' || w.dims.length < 3) return undefined;
  const group = attrInt(n, 'group', 1);
  const inner = tensorElementCount(w.dims.slice(2));
  let channels: number;
  let channelOf: (i: number) => number;
  if (n.opType === 'Conv') {
    channels = w.dims[0]!;
    const per = w.dims[1]! * inner;
    channelOf = (i) => Math.floor(i / per);
  } else {
    // ConvTranspose weight is [C_in, C_out/group, k...]; output channel = group index * C_out/group + j.
    const outPer = w.dims[1]!;
    channels = outPer * group;
    const inPerGroup = w.dims[0]! / group;
    channelOf = (i) => {
      const ci = Math.floor(i / (outPer * inner));
      const j = Math.floor(i / inner) % outPer;
      return Math.floor(ci / inPerGroup) * outPer + j;
    };
  }
  const bias = new Float32Array(channels);
  if (n.inputs[2]) {
    const b = consts.get(n.inputs[2]);
    if (!b || b.dtype !== 'float' || tensorElementCount(b.dims) !== channels) return undefined;
    bias.set(readFloat32(b));
  }
  return { node: n, channels, rank: w.dims.length, weight: w, factors: [], weightDims: w.dims, bias, channelOf };
}

function foldBatchNorm(t: Target, bn: Node, consts: Map<string, Tensor>): boolean {
  const vals = [1, 2, 3, 4].map((k) => consts.get(bn.inputs[k] ?? ''));
  if (vals.some((v) => !v || v.dtype !== 'float' || tensorElementCount(v.dims) !== t.channels)) return false;
  if (attrInt(bn, 'training_mode', 0) !== 0) return false;
  const [scale, shift, mean, variance] = vals.map((v) => readFloat32(v!));
  const eps = attrFloat(bn, 'epsilon', 1e-5);
  const s = new Float64Array(t.channels);
  for (let c = 0; c < t.channels; c++) s[c] = scale![c]! / Math.sqrt(variance![c]! + eps);
  t.factors.push(s);
  for (let c = 0; c < t.channels; c++) t.bias[c] = (t.bias[c]! - mean![c]!) * s[c]! + shift![c]!;
  return true;
}

/** Mul/Add by a constant that varies at most along the channel axis. */
function foldAffine(t: Target, n: Node, consts: Map<string, Tensor>, constIdx: number): boolean {
  const c = consts.get(n.inputs[constIdx] ?? '');
  if (!c || c.dtype !== 'float') return false;
  const per = perChannel(c, t.channels, t.rank);
  if (!per) return false;
  if (n.opType === 'Mul') {
    t.factors.push(per);
    for (let k = 0; k < t.channels; k++) t.bias[k] = t.bias[k]! * per[k]!;
  } else {
    for (let k = 0; k < t.channels; k++) t.bias[k] = t.bias[k]! + per[k]!;
  }
  return true;
}

function perChannel(c: Tensor, channels: number, rank: number): Float32Array | undefined {
  const k = c.dims.length;
  if (k > rank) return undefined;
  let varying = false;
  for (let j = 0; j < k; j++) {
    const axis = rank - k + j;
    const d = c.dims[j]!;
    if (d === 1) continue;
    if (axis === 1 && d === channels) { varying = true; continue; }
    return undefined;
  }
  const v = readFloat32(c);
  const out = new Float32Array(channels);
  for (let i = 0; i < channels; i++) out[i] = varying ? v[i]! : v[0]!;
  return out;
}

function writeTarget(g: Graph, t: Target, names: NameGen, options: PassOptions): void {
  const n = t.node;
  const wName = names.fresh(`${n.inputs[1]}_folded`);
  const bName = names.fresh(`${n.name || n.outputs[0]}_bias_folded`);
  const out = (options.sink ?? memorySink).begin(wName, 'float', t.weightDims);
  forEachFloatChunk(t.weight, (start, v) => {
    const w = Float32Array.from(v);
    for (const f of t.factors) for (let i = 0; i < w.length; i++) w[i] = w[i]! * f[t.channelOf(start + i)]!;
    out.write(new Uint8Array(w.buffer));
  }, options.modelDir);
  g.initializers.push(out.end(), emit(options, float32Tensor(bName, [t.channels], t.bias)));
  n.inputs[1] = wName;
  n.inputs[2] = bName;
  if (n.opType === 'Gemm') {
    setAttr(n, { name: 'alpha', type: 'float', value: 1 });
    setAttr(n, { name: 'beta', type: 'float', value: 1 });
  }
}
