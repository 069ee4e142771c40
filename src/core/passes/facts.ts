// Element types and shapes of values as the passes need them, from the model's own type annotations.
// TODO(switch): take these from src/core/shapes `inferShapes` once it lands, so folded and inferred facts count.

import type { DType } from '../onnx/dtype';
import { dtypeFromCode } from '../onnx/dtype';
import type { Model, Shape } from '../onnx/ir';
import { attrInt } from '../onnx/ir';
import { constantNodeTensor } from './graph';
import type { PassOptions } from './types';

/** Ops whose output element type is their first input's. */
const SAME_TYPE = new Set([
  'Identity', 'Dropout', 'Relu', 'Clip', 'Add', 'Sub', 'Mul', 'Div', 'Conv', 'ConvTranspose', 'Gemm', 'MatMul', 'Sigmoid',
  'Tanh', 'Softmax', 'LogSoftmax', 'MaxPool', 'AveragePool', 'GlobalAveragePool', 'GlobalMaxPool', 'BatchNormalization',
  'Reshape', 'Flatten', 'Transpose', 'Squeeze', 'Unsqueeze', 'Concat', 'Slice', 'Gather', 'Pad', 'Resize', 'Exp', 'Log',
  'Sqrt', 'Pow', 'Neg', 'Abs', 'LeakyRelu', 'HardSigmoid', 'HardSwish', 'ReduceMean', 'ReduceSum', 'ReduceMax', 'Expand',
  'Tile', 'Split', 'Max', 'Min', 'PRelu', 'Erf', 'InstanceNormalization', 'LayerNormalization',
]);

export function valueDtypes(m: Model): Map<string, DType> {
  const g = m.graph;
  const out = new Map<string, DType>();
  for (const v of [...g.inputs, ...g.outputs, ...g.valueInfo]) if (v.type.kind === 'tensor') out.set(v.name, v.type.elemType);
  for (const t of g.initializers) out.set(t.name, t.dtype);
  for (const n of g.nodes) {
    const c = constantNodeTensor(n);
    if (c) { out.set(c.name, c.dtype); continue; }
    if (n.domain !== '') continue;
    const o = n.outputs[0];
    if (!o || out.has(o)) continue;
    if (n.opType === 'Cast') { const d = dtypeFromCode(attrInt(n, 'to', 0)); if (d) out.set(o, d); continue; }
    if (n.opType === 'Shape' || n.opType === 'Size' || n.opType === 'NonZero' || n.opType === 'ArgMax' || n.opType === 'ArgMin') { out.set(o, 'int64'); continue; }
    if (['Equal', 'Less', 'Greater', 'Not', 'And', 'Or', 'LessOrEqual', 'GreaterOrEqual'].includes(n.opType)) { out.set(o, 'bool'); continue; }
    if (SAME_TYPE.has(n.opType)) { const d = out.get(n.inputs[0] ?? ''); if (d) out.set(o, d); }
  }
  return out;
}

export function valueShapes(m: Model, _options: PassOptions = {}): Map<string, Shape> {
  const out = new Map<string, Shape>();
  for (const v of [...m.graph.inputs, ...m.graph.outputs, ...m.graph.valueInfo]) {
    if (v.type.kind === 'tensor' && v.type.shape) out.set(v.name, v.type.shape);
  }
  for (const t of m.graph.initializers) out.set(t.name, t.dims);
  return out;
}
