// `int8-dynamic`: weight-only int8 quantization that onnxruntime runs as is. MatMul/Gemm become
// DynamicQuantizeLinear + MatMulInteger + scale Mul (activations quantized per call at run time, the form ORT's
// quantize_dynamic writes and fuses into DynamicQuantizeMatMul); Conv keeps float compute on int8 weights through a
// DequantizeLinear, which shrinks the file but not the arithmetic.

import type { Model, Node, Tensor } from '../onnx/ir';
import { attrFloat, attrInt, defaultOpset } from '../onnx/ir';
import { catchLens, LensException, type Result } from '../result';
import {
  cloneModel, constantMap, NameGen, promoteInitializerInputs, removeDeadNodes, removeUnusedInitializers, topoSort,
} from './graph';
import { emit, float32Tensor, readFloat32 } from './numeric';
import { quantizeTransposedStreamed, quantizeWeightStreamed } from './quantize';
import { memorySink } from '../onnx/sink';
import type { PassOptions, PassOutcome } from './types';

/** Weights smaller than this stay float: the extra nodes would cost more than the bytes saved. */
const MIN_WEIGHT_ELEMENTS = 256;

export function int8Dynamic(model: Model, options: PassOptions = {}): Result<PassOutcome> {
  return catchLens(() => {
    const opset = defaultOpset(model.opsetImports) ?? 0;
    if (opset < 10) throw new LensException('unsupported', `int8-dynamic needs opset 10 or later (DequantizeLinear); this model uses opset ${opset}`, options.path);
    const m = cloneModel(model);
    const g = m.graph;
    promoteInitializerInputs(m);
    const consts = constantMap(g);
    const names = new NameGen(g);
    const details = { matmulsQuantized: 0, gemmsQuantized: 0, convWeightsQuantized: 0, form: 'DynamicQuantizeLinear+MatMulInteger; Conv: int8 weights + DequantizeLinear', skipped: [] as string[] };
    const added: Tensor[] = [];
    const nodes: Node[] = [];
    for (const n of g.nodes) {
      const w = n.domain === '' ? consts.get(n.inputs[1] ?? '') : undefined;
      if (!w || w.dtype !== 'float' || w.dims.reduce((a, b) => a * b, 1) < MIN_WEIGHT_ELEMENTS) { nodes.push(n); continue; }
      if ((n.opType === 'MatMul' || n.opType === 'Gemm') && w.dims.length === 2) {
        if (opset < 11) { details.skipped.push(`${n.name || n.opType}: DynamicQuantizeLinear needs opset 11`); nodes.push(n); continue; }
        if (n.opType === 'Gemm' && attrInt(n, 'transA', 0) !== 0) { details.skipped.push(`${n.name}: transA`); nodes.push(n); continue; }
        const bias = n.opType === 'Gemm' && n.inputs[2] ? consts.get(n.inputs[2]) : undefined;
        if (n.opType === 'Gemm' && n.inputs[2] && !bias) { details.skipped.push(`${n.name}: bias is not constant`); nodes.push(n); continue; }
        nodes.push(...dynamicMatMul(n, w, bias, names, added, options));
        if (n.opType === 'Gemm') details.gemmsQuantized++; else details.matmulsQuantized++;
        continue;
      }
      if (n.opType === 'Conv' && w.dims.length >= 3) {
        const axis = opset >= 13 ? 0 : undefined;
        const qn = names.fresh(`${n.inputs[1]}_q`), sn = names.fresh(`${n.inputs[1]}_s`), dn = names.fresh(`${n.inputs[1]}_dq`);
        const q = quantizeWeightStreamed(w, axis, qn, options.sink ?? memorySink, options.modelDir);
        added.push(q.q, emit(options, float32Tensor(sn, axis === undefined ? [] : [q.scales.length], q.scales)));
        nodes.push({ name: names.fresh(`${dn}_DQ`), opType: 'DequantizeLinear', domain: '', inputs: [qn, sn], outputs: [dn], attributes: axis === undefined ? [] : [{ name: 'axis', type: 'int', value: axis }] });
        n.inputs[1] = dn;
        nodes.push(n);
        details.convWeightsQuantized++;
        continue;
      }
      nodes.push(n);
    }
    g.nodes = nodes;
    g.initializers.push(...added);
    g.nodes = topoSort(g);
    removeDeadNodes(g);
    removeUnusedInitializers(g);
    return { model: m, changed: details.matmulsQuantized + details.gemmsQuantized + details.convWeightsQuantized > 0, details };
  }, options.path);
}

/** Y = (DynamicQuantize(X) ×int W_q) · (x_scale · w_scale[n]) [+ bias]: W is [K, N] per output column. */
function dynamicMatMul(n: Node, w: Tensor, bias: Tensor | undefined, names: NameGen, added: Tensor[], options: PassOptions): Node[] {
  const alpha = n.opType === 'Gemm' ? attrFloat(n, 'alpha', 1) : 1;
  const base = n.name || n.outputs[0]!;
  const wq = names.fresh(`${n.inputs[1]}_q`), ws = names.fresh(`${n.inputs[1]}_s`);
  const sink = options.sink ?? memorySink;
  // Stored [N, K] under transB: quantized per row and written transposed, so MatMulInteger sees [K, N].
  const q = n.opType === 'Gemm' && attrInt(n, 'transB', 0) === 1
    ? quantizeTransposedStreamed(w, wq, sink, options.modelDir)
    : quantizeWeightStreamed(w, 1, wq, sink, options.modelDir);
  const cols = q.q.dims[1]!;
  const scales = Float32Array.from(q.scales, (s) => s * alpha);
  added.push(q.q, emit(options, float32Tensor(ws, [cols], scales)));
  const xq = names.fresh(`${base}_xq`), xs = names.fresh(`${base}_xs`), xz = names.fresh(`${base}_xz`);
  const acc = names.fresh(`${base}_acc`), accf = names.fresh(`${base}_accf`), sc = names.fresh(`${base}_scale`);
  const out = n.outputs[0]!;
  const pre = bias ? names.fresh(`${base}_nobias`) : out;
  const mk = (op: string, inputs: string[], outputs: string[], attributes: Node['attributes'] = []): Node =>
    ({ name: names.fresh(`${base}_${op}`), opType: op, domain: '', inputs, outputs, attributes });
  const nodes = [
    mk('DynamicQuantizeLinear', [n.inputs[0]!], [xq, xs, xz]),
    mk('MatMulInteger', [xq, wq, xz], [acc]),
    mk('Cast', [acc], [accf], [{ name: 'to', type: 'int', value: 1 }]),
    mk('Mul', [xs, ws], [sc]),
    mk('Mul', [accf, sc], [pre]),
  ];
  if (bias) {
    const beta = attrFloat(n, 'beta', 1);
    const bv = readFloat32(bias, options.modelDir);
    const bn = names.fresh(`${n.inputs[2]}_scaled`);
    added.push(emit(options, float32Tensor(bn, bias.dims, beta === 1 ? bv : bv.map((x) => x * beta))));
    nodes.push(mk('Add', [pre, bn], [out]));
  }
  return nodes;
}
