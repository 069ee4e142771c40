// `prune`: magnitude pruning (the smallest |w| of each Conv/Gemm/MatMul weight set to zero up to a target sparsity)
// and, with channelSparsity, structured pruning that removes whole Conv output channels (lowest L1 norm) and the
// matching input channels of every consuming Conv, so MACs, parameters and activations really shrink.

import type { Graph, Model, Node, Tensor } from '../onnx/ir';
import { attrInt } from '../onnx/ir';
import { catchLens, LensException, type Result } from '../result';
import {
  cloneModel, constantMap, consumerMap, graphOutputNames, NameGen, promoteInitializerInputs, removeDeadNodes,
  removeUnusedInitializers,
} from './graph';
import { emit, float32Tensor, readFloat32 } from './numeric';
import type { PassOptions, PassOutcome } from './types';

/** Per-channel ops a pruned channel can pass through unchanged (they act on each channel independently). */
const CHANNELWISE = new Set(['Relu', 'Clip', 'LeakyRelu', 'Sigmoid', 'HardSigmoid', 'HardSwish', 'Tanh', 'Elu', 'Selu', 'Softplus']);

export function prune(model: Model, options: PassOptions = {}): Result<PassOutcome> {
  return catchLens(() => {
    const sparsity = options.sparsity ?? 0.5;
    const channelSparsity = options.channelSparsity ?? 0;
    if (!(sparsity >= 0 && sparsity < 1)) throw new LensException('invalid-argument', `--sparsity must be in [0, 1), got ${sparsity}`);
    if (!(channelSparsity >= 0 && channelSparsity < 1)) throw new LensException('invalid-argument', `--channel-sparsity must be in [0, 1), got ${channelSparsity}`);
    const m = cloneModel(model);
    const g = m.graph;
    promoteInitializerInputs(m);
    const names = new NameGen(g);
    const details = { channelsRemoved: 0, convsNarrowed: 0, weightsPruned: 0, zeroWeights: 0, totalWeights: 0, sparsity: 0 };
    if (channelSparsity > 0) {
      const r = pruneChannels(g, channelSparsity, names, options);
      details.channelsRemoved = r.channels; details.convsNarrowed = r.convs;
    }
    if (sparsity > 0) {
      const consts = constantMap(g);
      const done = new Map<string, string>();
      for (const n of g.nodes) {
        if (n.domain !== '' || !['Conv', 'ConvTranspose', 'Gemm', 'MatMul'].includes(n.opType)) continue;
        const name = n.inputs[1] ?? '';
        const w = consts.get(name);
        if (!w || w.dtype !== 'float') continue;
        let out = done.get(name);
        if (!out) {
          const v = readFloat32(w, options.modelDir);
          const zeroed = magnitudePrune(v, sparsity);
          out = names.fresh(`${name}_pruned`);
          g.initializers.push(emit(options, float32Tensor(out, w.dims, v)));
          done.set(name, out);
          details.weightsPruned++;
          details.zeroWeights += zeroed;
          details.totalWeights += v.length;
        }
        n.inputs[1] = out;
      }
      details.sparsity = details.totalWeights ? details.zeroWeights / details.totalWeights : 0;
    }
    removeDeadNodes(g);
    removeUnusedInitializers(g);
    return { model: m, changed: details.weightsPruned > 0 || details.channelsRemoved > 0, details };
  }, options.path);
}

/** Zeroes the smallest-magnitude fraction of `v` in place; returns how many elements are zero afterwards. */
export function magnitudePrune(v: Float32Array, sparsity: number): number {
  const k = Math.floor(v.length * sparsity);
  if (k > 0) {
    const mags = new Float32Array(v.length);
    for (let i = 0; i < v.length; i++) mags[i] = Math.abs(v[i]!);
    const threshold = kthSmallest(mags, k - 1);
    let budget = k;
    // Strictly below the threshold first, then ties, so exactly k elements are zeroed.
    for (let i = 0; i < v.length; i++) if (Math.abs(v[i]!) < threshold) { v[i] = 0; budget--; }
    for (let i = 0; i < v.length && budget > 0; i++) if (v[i] !== 0 && Math.abs(v[i]!) === threshold) { v[i] = 0; budget--; }
  }
  let zeros = 0;
  for (let i = 0; i < v.length; i++) if (v[i] === 0) zeros++;
  return zeros;
}

/** The k-th smallest element (0-based) by quickselect: linear time, where sorting millions of weights is not. */
export function kthSmallest(a: Float32Array, k: number): number {
  let lo = 0;
  let hi = a.length - 1;
  while (lo < hi) {
    // Median of three as the pivot keeps sorted and constant runs from going quadratic.
    const mid = (lo + hi) >>> 1;
    const x = a[lo]!, y = a[mid]!, z = a[hi]!;
    const pivot = x < y ? (y < z ? y : x < z ? z : x) : x < z ? x : y < z ? z : y;
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (a[i]! < pivot) i++;
      while (a[j]! > pivot) j--;
      if (i <= j) {
        const t = a[i]!;
        a[i] = a[j]!;
        a[j] = t;
        i++;
        j--;
      }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else return a[k]!;
  }
  return a[k]!;
}

/**
 * Removes output channels of plain (group 1) Convs whose result reaches only other group-1 Convs, possibly through
 * channel-wise activations; everything else (Add, Concat, depthwise, graph outputs) would need the same channels
 * removed elsewhere, so such Convs are left alone.
 */
function pruneChannels(g: Graph, fraction: number, names: NameGen, options: PassOptions): { channels: number; convs: number } {
  const consts = constantMap(g);
  const consumers = consumerMap(g);
  const outputs = graphOutputNames(g);
  let channels = 0, convs = 0;
  for (const n of [...g.nodes]) {
    if (n.domain !== '' || n.opType !== 'Conv' || attrInt(n, 'group', 1) !== 1) continue;
    const w = consts.get(n.inputs[1] ?? '');
    if (!w || w.dtype !== 'float' || w.dims.length < 3) continue;
    const bias = n.inputs[2] ? consts.get(n.inputs[2]) : undefined;
    if (n.inputs[2] && !bias) continue;
    // Walk the channel-wise chain to the consuming Convs.
    let value = n.outputs[0]!;
    const chain: Node[] = [];
    let ok = true;
    let readers: Node[] = [];
    for (;;) {
      if (outputs.has(value)) { ok = false; break; }
      readers = consumers.get(value) ?? [];
      if (readers.length === 1 && readers[0]!.domain === '' && CHANNELWISE.has(readers[0]!.opType) && readers[0]!.inputs[0] === value) {
        chain.push(readers[0]!);
        value = readers[0]!.outputs[0]!;
        continue;
      }
      break;
    }
    if (!ok || readers.length === 0) continue;
    const outC = w.dims[0]!;
    const next: { node: Node; w: Tensor }[] = [];
    for (const r of readers) {
      const rw = consts.get(r.inputs[1] ?? '');
      if (r.domain !== '' || r.opType !== 'Conv' || attrInt(r, 'group', 1) !== 1 || r.inputs[0] !== value || !rw || rw.dtype !== 'float' || rw.dims[1] !== outC) { ok = false; break; }
      if ((consumers.get(r.inputs[1]!) ?? []).length !== 1) { ok = false; break; }
      next.push({ node: r, w: rw });
    }
    if (!ok || (consumers.get(n.inputs[1]!) ?? []).length !== 1) continue;
    const drop = Math.floor(outC * fraction);
    if (drop === 0 || drop >= outC) continue;
    const wv = readFloat32(w, options.modelDir);
    const per = wv.length / outC;
    const norms = Array.from({ length: outC }, (_, c) => {
      let s = 0;
      for (let i = c * per; i < (c + 1) * per; i++) s += Math.abs(wv[i]!);
      return s;
    });
    const keep = norms.map((s, c) => [s, c] as const).sort((a, b) => b[0] - a[0]).slice(0, outC - drop).map(([, c]) => c).sort((a, b) => a - b);
    // Producer: keep rows (output channels) of W and entries of B.
    const nw = new Float32Array(keep.length * per);
    keep.forEach((c, i) => nw.set(wv.subarray(c * per, (c + 1) * per), i * per));
    const wName = names.fresh(`${n.inputs[1]}_narrowed`);
    g.initializers.push(emit(options, float32Tensor(wName, [keep.length, ...w.dims.slice(1)], nw)));
    n.inputs[1] = wName;
    if (bias) {
      const bv = readFloat32(bias, options.modelDir);
      const bName = names.fresh(`${n.inputs[2]}_narrowed`);
      g.initializers.push(emit(options, float32Tensor(bName, [keep.length], keep.map((c) => bv[c]!))));
      n.inputs[2] = bName;
    }
    // Consumers: keep the matching input channels (axis 1) of their weights.
    for (const { node, w: rw } of next) {
      const rv = readFloat32(rw, options.modelDir);
      const o = rw.dims[0]!, inner = rw.dims.slice(2).reduce((a, b) => a * b, 1);
      const out = new Float32Array(o * keep.length * inner);
      for (let oc = 0; oc < o; oc++) {
        keep.forEach((c, i) => out.set(rv.subarray((oc * outC + c) * inner, (oc * outC + c + 1) * inner), (oc * keep.length + i) * inner));
      }
      const rName = names.fresh(`${node.inputs[1]}_narrowed`);
      g.initializers.push(emit(options, float32Tensor(rName, [o, keep.length, ...rw.dims.slice(2)], out)));
      node.inputs[1] = rName;
    }
    // Declared shapes along the chain are now stale: drop them so consumers re-infer.
    const stale = new Set([n.outputs[0]!, ...chain.map((c) => c.outputs[0]!)]);
    g.valueInfo = g.valueInfo.filter((v) => !stale.has(v.name));
    channels += drop;
    convs++;
  }
  return { channels, convs };
}
