// Element types and shapes of values as the passes need them: shape inference's facts (src/core/shapes), with the
// model's own annotations as the fallback for values inference leaves unknown.

import type { DType } from '../onnx/dtype';
import type { Model, Shape } from '../onnx/ir';
import { inferShapes } from '../shapes';
import type { ShapeInference } from '../shapes/types';
import type { PassOptions } from './types';

export function inferFacts(m: Model, options: PassOptions = {}): ShapeInference {
  return inferShapes(m, { inputShapes: options.inputShapes, defaultBatch: 1 });
}

export function valueDtypes(m: Model, shapes: ShapeInference = inferFacts(m)): Map<string, DType> {
  const out = new Map<string, DType>();
  for (const v of [...m.graph.inputs, ...m.graph.outputs, ...m.graph.valueInfo]) if (v.type.kind === 'tensor') out.set(v.name, v.type.elemType);
  for (const [name, f] of shapes.values) if (f.dtype !== 'undefined' && !f.container) out.set(name, f.dtype);
  return out;
}

export function valueShapes(m: Model, options: PassOptions = {}, shapes: ShapeInference = inferFacts(m, options)): Map<string, Shape> {
  const out = new Map<string, Shape>();
  for (const v of [...m.graph.inputs, ...m.graph.outputs, ...m.graph.valueInfo]) {
    if (v.type.kind === 'tensor' && v.type.shape) out.set(v.name, v.type.shape);
  }
  for (const [name, f] of shapes.values) if (f.shape && !f.container) out.set(name, f.shape);
  return out;
}
