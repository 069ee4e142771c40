// Shape rules for the common ai.onnx.ml operators (scikit-learn exports: scalers, linear models, trees, SVMs).

import type { DType } from '../../onnx/dtype';
import { attrInt, attrInts, getAttribute, type Dim } from '../../onnx/ir';
import { isNum } from '../dims';
import { dtypeOf, like, out, shapeOf, valueOf, type OpCtx, type OutFacts, type Rule } from '../context';

/** Batch dim of a [N, F] (or [F]) feature input. */
function batch(c: OpCtx): Dim {
  const s = shapeOf(c, 0);
  return s && s.length >= 2 ? s[0] : s && s.length === 1 ? 1 : null;
}

function listLength(c: OpCtx, ...names: string[]): number | undefined {
  for (const n of names) {
    const a = getAttribute(c.node, n);
    if (a && (a.type === 'ints' || a.type === 'floats' || a.type === 'strings')) return a.value.length;
    if (a && a.type === 'tensor') return a.value.dims.reduce((x, y) => x * y, 1);
  }
  return undefined;
}

/** Classifiers: label output [N] (int64 or string labels) and scores [N, classes]. */
function classifier(c: OpCtx): OutFacts[] {
  const n = batch(c);
  const labels: DType = getAttribute(c.node, 'classlabels_strings') ? 'string' : 'int64';
  const classes = listLength(c, 'classlabels_ints', 'classlabels_strings', 'classlabels_int64s');
  return [out(labels, [n]), out('float', [n, classes ?? null])];
}

function regressor(c: OpCtx, targetsAttr: string): OutFacts[] {
  return [out('float', [batch(c), attrInt(c.node, targetsAttr, 1)])];
}

function labelEncoderType(c: OpCtx): DType {
  if (getAttribute(c.node, 'values_strings') || getAttribute(c.node, 'default_string')) return 'string';
  if (getAttribute(c.node, 'values_int64s') || getAttribute(c.node, 'default_int64')) return 'int64';
  if (getAttribute(c.node, 'values_floats') || getAttribute(c.node, 'default_float')) return 'float';
  const t = getAttribute(c.node, 'values_tensor');
  return t && t.type === 'tensor' ? t.value.dtype : 'undefined';
}

function arrayFeatureExtractor(c: OpCtx): OutFacts[] {
  const s = shapeOf(c, 0);
  const idx = valueOf(c, 1);
  const picked: Dim = idx ? idx.data.length : (shapeOf(c, 1) ?? []).reduce<Dim>((a, d) => (isNum(a) && isNum(d) ? a * d : null), 1);
  if (!s) return [out(dtypeOf(c, 0))];
  return [out(dtypeOf(c, 0), s.length <= 1 ? [1, picked] : [...s.slice(0, -1), picked])];
}

function featureVectorizer(c: OpCtx): OutFacts[] {
  const dims = attrInts(c.node, 'inputdimensions');
  const total = dims ? dims.reduce((a, b) => a + b, 0) : null;
  return [out('float', [batch(c), total])];
}

function oneHotEncoder(c: OpCtx): OutFacts[] {
  const s = shapeOf(c, 0);
  const cats = listLength(c, 'cats_int64s', 'cats_strings') ?? null;
  return [out('float', s ? [...s, cats] : undefined)];
}

function treeEnsemble(c: OpCtx): OutFacts[] {
  return [out(dtypeOf(c, 0), [batch(c), attrInt(c.node, 'n_targets', 1)])];
}

export const mlRules: Record<string, Rule> = {
  Scaler: (c) => [like(c, 0, 'float')],
  Normalizer: (c) => [like(c, 0, 'float')],
  Binarizer: (c) => [like(c, 0)],
  Imputer: (c) => [like(c, 0)],
  LabelEncoder: (c) => [like(c, 0, labelEncoderType(c))],
  CategoryMapper: (c) => [like(c, 0, dtypeOf(c, 0) === 'string' ? 'int64' : 'string')],
  LinearClassifier: classifier,
  SVMClassifier: classifier,
  TreeEnsembleClassifier: classifier,
  LinearRegressor: (c) => regressor(c, 'targets'),
  TreeEnsembleRegressor: (c) => regressor(c, 'n_targets'),
  SVMRegressor: (c) => [out('float', [batch(c), 1])],
  TreeEnsemble: treeEnsemble,
  ArrayFeatureExtractor: arrayFeatureExtractor,
  FeatureVectorizer: featureVectorizer,
  OneHotEncoder: oneHotEncoder,
  ZipMap: (c) => [{ dtype: getAttribute(c.node, 'classlabels_strings') ? 'string' : 'int64', container: 'sequence' }],
};

