// Shapes for the graph command's edge labels: shape inference when it is available, declared value_info otherwise.

import type { Model, Shape } from '../../core/onnx/ir';
import type { ValueShapes } from '../../core/layout';

export function inferredShapes(_model: Model, _inputShapes: Record<string, Shape>): ValueShapes | undefined {
  return undefined;
}
