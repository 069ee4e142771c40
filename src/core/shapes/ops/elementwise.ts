// Shape rules for element-wise operators: unary (same shape), broadcasting binary/variadic, comparisons, casts.

import { DTYPE_BY_CODE, type DType } from '../../onnx/dtype';
import { attrInt, attrString } from '../../onnx/ir';
import { broadcastShapes } from '../dims';
import { castTarget } from '../fold';
import { copyFacts, dtypeOf, like, out, shapeOf, type OpCtx, type OutFacts, type Rule } from '../context';

const sameAsFirst: Rule = (c) => [like(c, 0)];

const UNARY = [
  'Abs', 'Acos', 'Acosh', 'Asin', 'Asinh', 'Atan', 'Atanh', 'Ceil', 'Celu', 'Cos', 'Cosh', 'Elu', 'Erf', 'Exp', 'Floor',
  'HardSigmoid', 'HardSwish', 'Hardmax', 'LeakyRelu', 'Log', 'LogSoftmax', 'Neg', 'Reciprocal', 'Relu', 'Round', 'Selu',
  'Shrink', 'Sigmoid', 'Sign', 'Sin', 'Sinh', 'Softmax', 'Softplus', 'Softsign', 'Sqrt', 'Tan', 'Tanh', 'ThresholdedRelu',
  'Not', 'Mish', 'Gelu', 'LpNormalization', 'MeanVarianceNormalization', 'LRN', 'InstanceNormalization',
  'GroupNormalization', 'BitwiseNot', 'CumSum', 'Trilu', 'ReverseSequence', 'Scatter', 'ScatterElements', 'ScatterND',
  'Clip', 'Swish', 'RMSNormalization',
];

const BROADCAST = ['Add', 'Sub', 'Mul', 'Div', 'Mod', 'Pow', 'BitShift', 'Max', 'Min', 'Mean', 'Sum', 'PRelu',
  'BitwiseAnd', 'BitwiseOr', 'BitwiseXor'];
const COMPARE = ['And', 'Or', 'Xor', 'Equal', 'Less', 'Greater', 'LessOrEqual', 'GreaterOrEqual'];

function broadcast(c: OpCtx, dtype: DType): OutFacts[] {
  const present = c.in.filter((_, i) => c.node.inputs[i] !== '').map((f) => f?.shape);
  return [out(dtype, broadcastShapes(present))];
}

/** Output dtype from a `dtype`-style attribute code, or a fallback. */
export function dtypeAttr(c: OpCtx, name: string, fallback: DType): DType {
  const code = attrInt(c.node, name);
  return code === undefined ? fallback : DTYPE_BY_CODE[code] ?? 'undefined';
}

export const elementwiseRules: Record<string, Rule> = {
  ...Object.fromEntries(UNARY.map((op) => [op, sameAsFirst])),
  ...Object.fromEntries(BROADCAST.map((op) => [op, (c: OpCtx) => broadcast(c, dtypeOf(c, 0))])),
  ...Object.fromEntries(COMPARE.map((op) => [op, (c: OpCtx) => broadcast(c, 'bool')])),
  // Identity also forwards sequences and optionals whole.
  Identity: (c) => {
    const f = c.in[0];
    if (!f) return [out('undefined')];
    return [copyFacts(f)];
  },
  Where: (c) => [out(dtypeOf(c, 1), broadcastShapes([shapeOf(c, 0), shapeOf(c, 1), shapeOf(c, 2)]))],
  IsNaN: (c) => [like(c, 0, 'bool')],
  RegexFullMatch: (c) => [like(c, 0, 'bool')],
  StringConcat: (c) => broadcast(c, 'string'),
  StringSplit: (c) => {
    const s = shapeOf(c, 0);
    return [out('string', s ? [...s, null] : undefined), out('int64', s?.slice())];
  },
  ImageDecoder: (c) => [out('uint8', [null, null, attrString(c.node, 'pixel_format', 'RGB') === 'Grayscale' ? 1 : 3])],
  IsInf: (c) => [like(c, 0, 'bool')],
  Cast: (c) => [like(c, 0, castTarget(c) ?? 'undefined')],
  CastLike: (c) => [like(c, 0, dtypeOf(c, 1))],
  Bernoulli: (c) => [like(c, 0, dtypeAttr(c, 'dtype', dtypeOf(c, 0)))],
  RandomUniformLike: (c) => [like(c, 0, dtypeAttr(c, 'dtype', dtypeOf(c, 0)))],
  RandomNormalLike: (c) => [like(c, 0, dtypeAttr(c, 'dtype', dtypeOf(c, 0)))],
  EyeLike: (c) => [like(c, 0, dtypeAttr(c, 'dtype', dtypeOf(c, 0)))],
  Dropout: (c) => {
    const mask = c.opset >= 10 ? 'bool' : dtypeOf(c, 0);
    return [like(c, 0), like(c, 0, mask)];
  },
};
