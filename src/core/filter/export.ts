// Writes the trained filter as one ONNX model (opset 13): the raw model input in, its features, standardization,
// classifier and threshold inside, `keepScore` (probability the input is not redundant) and `keep` (run the model) out;
// with the `history` feature also `history` in and `historyNext` out (stream state the caller feeds back).

import type { Model } from '../onnx/ir';
import { emitFeatures, GraphBuilder, HISTORY_INPUT, HISTORY_OUTPUT, MOTION_INPUT, MOTION_OUTPUT, type FeatureName, type InputView } from './features';
import type { Classifier } from './train';

export const FILTER_INPUT = 'input';
export const FILTER_SCORE = 'keepScore';
export const FILTER_KEEP = 'keep';

/** The largest float32 not above x, so that a score equal to the float64 threshold still passes in float32. */
export function float32AtMost(x: number): number {
  const f = Math.fround(x);
  if (f <= x) return f;
  const buf = new Float32Array([f]);
  const bits = new Int32Array(buf.buffer);
  bits[0] = f > 0 ? bits[0]! - 1 : bits[0]! + 1;
  return buf[0]!;
}

export function filterModel(view: InputView, features: FeatureName[], c: Classifier, threshold: number, doc: string): Model {
  const b = new GraphBuilder();
  const stream = view.kind === 'sequence' && features.includes('history');
  const motion = view.kind === 'image' && features.includes('motion');
  const cells = view.kind === 'image' ? view.C * 16 : 0;
  const feats = emitFeatures(b, view, features, FILTER_INPUT);
  const k = c.mean.length;
  const z = b.op('Div', [b.op('Sub', [feats, b.floats([1, k], c.mean, 'feature_mean')]), b.floats([1, k], c.std, 'feature_std')]);
  const hidden = c.b1.length;
  let logit = b.op('Gemm', [z, b.floats([k, hidden], c.w1.flat(), 'w1'), b.floats([hidden], c.b1, 'b1')]);
  if (c.kind === 'mlp') {
    logit = b.op('Gemm', [b.op('Relu', [logit]), b.floats([hidden, 1], c.w2!.flat(), 'w2'), b.floats([1], c.b2!, 'b2')]);
  }
  b.op('Sigmoid', [logit], [], FILTER_SCORE);
  b.op('GreaterOrEqual', [FILTER_SCORE, b.floats([], [float32AtMost(threshold)], 'threshold')], [], FILTER_KEEP);
  return {
    irVersion: 8, opsetImports: [{ domain: '', version: 13 }], producerName: 'aiot-lens filter', producerVersion: '',
    domain: '', modelVersion: 1, docString: doc, metadataProps: [{ key: 'aiot-lens.threshold', value: String(threshold) }], functions: [],
    graph: {
      name: 'input_filter', nodes: b.nodes, initializers: b.initializers, sparseInitializers: [],
      inputs: [
        { name: FILTER_INPUT, type: { kind: 'tensor', elemType: 'float', shape: view.dims } },
        ...(stream ? [{ name: HISTORY_INPUT, type: { kind: 'tensor' as const, elemType: 'float' as const, shape: [1, 1] } }] : []),
        ...(motion ? [{ name: MOTION_INPUT, type: { kind: 'tensor' as const, elemType: 'float' as const, shape: [1, cells] } }] : []),
      ],
      outputs: [
        { name: FILTER_SCORE, type: { kind: 'tensor', elemType: 'float', shape: [1, 1] } },
        { name: FILTER_KEEP, type: { kind: 'tensor', elemType: 'bool', shape: [1, 1] } },
        ...(stream ? [{ name: HISTORY_OUTPUT, type: { kind: 'tensor' as const, elemType: 'float' as const, shape: [1, 1] } }] : []),
        ...(motion ? [{ name: MOTION_OUTPUT, type: { kind: 'tensor' as const, elemType: 'float' as const, shape: [1, cells] } }] : []),
      ],
      valueInfo: [],
    },
  };
}
