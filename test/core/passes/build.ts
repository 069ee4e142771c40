// Small hand-built models for pass tests (each test states what it checks; ORT then compares against the original).

import type { Model, Node, Tensor, ValueInfo } from '../../../src/core/onnx/ir';
import { float32Tensor, int64Tensor } from '../../../src/core/passes/numeric';
import { seededNormal } from '../../../src/core/verify';

export function input(name: string, shape: number[]): ValueInfo {
  return { name, type: { kind: 'tensor', elemType: 'float', shape } };
}

export function output(name: string): ValueInfo {
  return { name, type: { kind: 'tensor', elemType: 'float' } };
}

export function node(opType: string, inputs: string[], outputs: string[], attrs: Record<string, number | number[]> = {}): Node {
  return {
    name: `${opType}_${outputs[0]}`, opType, domain: '', inputs, outputs,
    attributes: Object.entries(attrs).map(([name, v]) =>
      Array.isArray(v) ? { name, type: 'ints' as const, value: v } : Number.isInteger(v) && name !== 'epsilon' && name !== 'alpha' ? { name, type: 'int' as const, value: v } : { name, type: 'float' as const, value: v }),
  };
}

export function randomTensor(name: string, dims: number[], seed: number, scale = 1, offset = 0): Tensor {
  const n = dims.reduce((a, b) => a * b, 1);
  const r = seededNormal(seed);
  return float32Tensor(name, dims, Float32Array.from({ length: n }, () => offset + scale * r()));
}

export function shapeTensor(name: string, dims: number[]): Tensor {
  return int64Tensor(name, [dims.length], dims);
}

export function model(nodes: Node[], initializers: Tensor[], inputs: ValueInfo[], outputs: ValueInfo[], opset = 13): Model {
  return {
    irVersion: 8, opsetImports: [{ domain: '', version: opset }], producerName: 'test', producerVersion: '', domain: '',
    modelVersion: 0, docString: '', metadataProps: [], functions: [],
    graph: { name: 'g', nodes, initializers, sparseInitializers: [], inputs, outputs, valueInfo: [] },
  };
}
