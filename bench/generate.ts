// Generated models for benchmarks: transformer encoders of any depth (PyTorch-style scoped names) and ResNet-18,
// built directly as IR with seeded random weights, so that no large file needs to ship with the repository.

import { makeTensor } from '../src/core/onnx/tensor';
import type { Attribute, Graph, Model, Node, Tensor } from '../src/core/onnx/ir';

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 4294967296 - 0.5;
  };
}

class Builder {
  nodes: Node[] = [];
  initializers: Tensor[] = [];
  private n = 0;
  private rand: () => number;
  constructor(seed: number) {
    this.rand = rng(seed);
  }
  weight(name: string, dims: number[]): string {
    const count = dims.reduce((a, b) => a * b, 1);
    const v = new Float32Array(count);
    for (let i = 0; i < count; i++) v[i] = this.rand() * 0.1;
    this.initializers.push(makeTensor(name, 'float', dims, v));
    return name;
  }
  ints(name: string, values: number[]): string {
    this.initializers.push(makeTensor(name, 'int64', [values.length], values));
    return name;
  }
  scalar(name: string, value: number): string {
    this.initializers.push(makeTensor(name, 'float', [], [value]));
    return name;
  }
  op(scope: string, opType: string, inputs: string[], attributes: Attribute[] = [], outputs = 1): string[] {
    const name = `${scope}/${opType}_${this.n++}`;
    const outs = Array.from({ length: outputs }, (_, i) => `${name}_output_${i}`);
    this.nodes.push({ name, opType, domain: '', inputs, outputs: outs, attributes });
    return outs;
  }
  one(scope: string, opType: string, inputs: string[], attributes: Attribute[] = []): string {
    return this.op(scope, opType, inputs, attributes)[0]!;
  }
}

const ints = (name: string, value: number[]): Attribute => ({ name, type: 'ints', value });
const int = (name: string, value: number): Attribute => ({ name, type: 'int', value });

function model(b: Builder, name: string, input: { name: string; shape: number[] }, output: string, outShape: number[]): Model {
  const graph: Graph = {
    name,
    nodes: b.nodes,
    initializers: b.initializers,
    sparseInitializers: [],
    inputs: [{ name: input.name, type: { kind: 'tensor', elemType: 'float', shape: input.shape } }],
    outputs: [{ name: output, type: { kind: 'tensor', elemType: 'float', shape: outShape } }],
    valueInfo: [],
  };
  return {
    irVersion: 8, opsetImports: [{ domain: '', version: 17 }], producerName: 'aiot-lens-bench', producerVersion: '1',
    domain: '', modelVersion: 0, docString: '', graph, metadataProps: [], functions: [],
  };
}

/** A transformer encoder with decomposed LayerNorm/GELU, as torch.onnx exports it: about 50 nodes per layer. */
export function transformerModel(layers: number, seqLen = 32, hidden = 32, heads = 4): Model {
  const b = new Builder(layers);
  const headDim = hidden / heads;
  let x = 'input';
  const qkvShape = b.ints('shape_qkv', [1, seqLen, heads, headDim]);
  const backShape = b.ints('shape_back', [1, seqLen, hidden]);
  const two = b.scalar('two', 2);
  const eps = b.scalar('eps', 1e-5);
  const sqrt2 = b.scalar('sqrt2', Math.SQRT2);
  const oneF = b.scalar('one', 1);
  const half = b.scalar('half', 0.5);
  const scale = b.scalar('scale', Math.sqrt(headDim));
  const layerNorm = (scope: string, v: string, i: number) => {
    const mean = b.one(scope, 'ReduceMean', [v], [ints('axes', [-1])]);
    const d = b.one(scope, 'Sub', [v, mean]);
    const sq = b.one(scope, 'Pow', [d, two]);
    const varr = b.one(scope, 'ReduceMean', [sq], [ints('axes', [-1])]);
    const ve = b.one(scope, 'Add', [varr, eps]);
    const sd = b.one(scope, 'Sqrt', [ve]);
    const n = b.one(scope, 'Div', [d, sd]);
    const g = b.one(scope, 'Mul', [n, b.weight(`${scope}.weight_${i}`, [hidden])]);
    return b.one(scope, 'Add', [g, b.weight(`${scope}.bias_${i}`, [hidden])]);
  };
  const linear = (scope: string, v: string, inF: number, outF: number) => {
    const m = b.one(scope, 'MatMul', [v, b.weight(`${scope}.weight`, [inF, outF])]);
    return b.one(scope, 'Add', [m, b.weight(`${scope}.bias`, [outF])]);
  };
  for (let l = 0; l < layers; l++) {
    const s = `/encoder/layers.${l}`;
    const h = layerNorm(`${s}/norm1`, x, 1);
    const heads3 = ['q', 'k', 'v'].map((p) => {
      const t = linear(`${s}/self_attn/${p}_proj`, h, hidden, hidden);
      const r = b.one(`${s}/self_attn`, 'Reshape', [t, qkvShape]);
      return b.one(`${s}/self_attn`, 'Transpose', [r], [ints('perm', p === 'k' ? [0, 2, 3, 1] : [0, 2, 1, 3])]);
    });
    const scores = b.one(`${s}/self_attn`, 'MatMul', [heads3[0]!, heads3[1]!]);
    const scaled = b.one(`${s}/self_attn`, 'Div', [scores, scale]);
    const probs = b.one(`${s}/self_attn`, 'Softmax', [scaled], [int('axis', -1)]);
    const ctx = b.one(`${s}/self_attn`, 'MatMul', [probs, heads3[2]!]);
    const ctxT = b.one(`${s}/self_attn`, 'Transpose', [ctx], [ints('perm', [0, 2, 1, 3])]);
    const merged = b.one(`${s}/self_attn`, 'Reshape', [ctxT, backShape]);
    const attnOut = linear(`${s}/self_attn/out_proj`, merged, hidden, hidden);
    const res1 = b.one(s, 'Add', [x, attnOut]);
    const h2 = layerNorm(`${s}/norm2`, res1, 2);
    const up = linear(`${s}/linear1`, h2, hidden, hidden * 4);
    const gd = b.one(`${s}/activation`, 'Div', [up, sqrt2]);
    const ge = b.one(`${s}/activation`, 'Erf', [gd]);
    const ga = b.one(`${s}/activation`, 'Add', [ge, oneF]);
    const gm = b.one(`${s}/activation`, 'Mul', [up, ga]);
    const gh = b.one(`${s}/activation`, 'Mul', [gm, half]);
    const down = linear(`${s}/linear2`, gh, hidden * 4, hidden);
    x = b.one(s, 'Add', [res1, down]);
  }
  return model(b, `transformer_${layers}`, { name: 'input', shape: [1, seqLen, hidden] }, x, [1, seqLen, hidden]);
}

/** Picks the layer count whose transformer has about `nodes` nodes. */
export function transformerWithNodes(nodes: number): Model {
  const perLayer = transformerModel(1).graph.nodes.length;
  return transformerModel(Math.max(1, Math.round(nodes / perLayer)));
}

/** torchvision's ResNet-18 (BatchNorm folded into conv biases, as torch.onnx exports it in eval mode). */
export function resnet18Model(): Model {
  const b = new Builder(18);
  let c = 0;
  const conv = (scope: string, x: string, cin: number, cout: number, k: number, stride: number) => {
    const w = b.weight(`${scope}.weight_${c}`, [cout, cin, k, k]);
    const bias = b.weight(`${scope}.bias_${c++}`, [cout]);
    const p = Math.floor(k / 2);
    return b.one(scope, 'Conv', [x, w, bias], [ints('kernel_shape', [k, k]), ints('strides', [stride, stride]), ints('pads', [p, p, p, p]), ints('dilations', [1, 1]), int('group', 1)]);
  };
  let x = conv('/conv1', 'input', 3, 64, 7, 2);
  x = b.one('', 'Relu', [x]);
  x = b.one('', 'MaxPool', [x], [ints('kernel_shape', [3, 3]), ints('strides', [2, 2]), ints('pads', [1, 1, 1, 1])]);
  let cin = 64;
  const stages = [64, 128, 256, 512];
  stages.forEach((cout, si) => {
    for (let blk = 0; blk < 2; blk++) {
      const s = `/layer${si + 1}/layer${si + 1}.${blk}`;
      const stride = blk === 0 && si > 0 ? 2 : 1;
      const y1 = b.one(s, 'Relu', [conv(`${s}/conv1`, x, cin, cout, 3, stride)]);
      const y2 = conv(`${s}/conv2`, y1, cout, cout, 3, 1);
      const shortcut = stride !== 1 || cin !== cout ? conv(`${s}/downsample/downsample.0`, x, cin, cout, 1, stride) : x;
      x = b.one(s, 'Relu', [b.one(s, 'Add', [y2, shortcut])]);
      cin = cout;
    }
  });
  x = b.one('', 'GlobalAveragePool', [x]);
  x = b.one('', 'Flatten', [x], [int('axis', 1)]);
  x = b.one('/fc', 'Gemm', [x, b.weight('fc.weight', [1000, 512]), b.weight('fc.bias', [1000])], [int('transB', 1)]);
  return model(b, 'resnet18', { name: 'input', shape: [1, 3, 224, 224] }, x, [1, 1000]);
}
