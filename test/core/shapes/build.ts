// Small builders for hand-written test graphs.

import type { DType } from '../../../src/core/onnx/dtype';
import type { Attribute, Graph, Model, Node, Shape, Tensor, ValueInfo } from '../../../src/core/onnx/ir';
import { makeTensor } from '../../../src/core/onnx/tensor';

export function input(name: string, dtype: DType, shape?: Shape): ValueInfo {
  return { name, type: shape ? { kind: 'tensor', elemType: dtype, shape } : { kind: 'tensor', elemType: dtype } };
}

export function ints(name: string, values: number[]): Attribute {
  return { name, type: 'ints', value: values };
}
export function int(name: string, value: number): Attribute {
  return { name, type: 'int', value };
}
export function str(name: string, value: string): Attribute {
  return { name, type: 'string', value };
}
export function graphAttr(name: string, value: Graph): Attribute {
  return { name, type: 'graph', value };
}

export function node(opType: string, inputs: string[], outputs: string[], attributes: Attribute[] = [], domain = ''): Node {
  return { name: `${opType}_${outputs[0]}`, opType, domain, inputs, outputs, attributes };
}

export function i64(name: string, values: number[], dims = [values.length]): Tensor {
  return makeTensor(name, 'int64', dims, values);
}
export function f32(name: string, values: number[], dims = [values.length]): Tensor {
  return makeTensor(name, 'float', dims, values);
}
/** A float weight whose elements do not matter (zeros). */
export function weight(name: string, dims: number[]): Tensor {
  return makeTensor(name, 'float', dims, new Array(dims.reduce((a, b) => a * b, 1)).fill(0));
}

export function graph(nodes: Node[], inputs: ValueInfo[], outputs: string[], initializers: Tensor[] = []): Graph {
  return {
    name: 'g', nodes, initializers, sparseInitializers: [], inputs, valueInfo: [],
    outputs: outputs.map((name) => ({ name, type: { kind: 'unknown' } })),
  };
}

export function model(g: Graph, opset = 17): Model {
  return {
    irVersion: 8, opsetImports: [{ domain: '', version: opset }], producerName: 'test', producerVersion: '', domain: '',
    modelVersion: 0, docString: '', graph: g, metadataProps: [], functions: [],
  };
}
