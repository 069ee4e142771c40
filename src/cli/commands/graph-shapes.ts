// Shapes for the graph command's edge labels: shape inference, falling back to the file's declared value_info
// when inference fails (a drawing is still useful without every shape).

import type { Model, Shape } from '../../core/onnx/ir';
import type { ValueShapes } from '../../core/layout';
import { inferShapes } from '../../core/shapes';
import { catchLens } from '../../core/result';

export function inferredShapes(model: Model, inputShapes: Record<string, Shape>, modelDir?: string, inputValues: Record<string, number> = {}): ValueShapes | undefined {
  const r = catchLens(() => inferShapes(model, { inputShapes, inputValues, defaultBatch: 1, modelDir }));
  return r.ok ? r.value.values : undefined;
}
