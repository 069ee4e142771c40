// Builds a transformer-encoder ONNX IR the way PyTorch's exporter writes one (decomposed LayerNorm and GELU,
// shape-arithmetic chains before every Reshape, `/encoder/layers.N/...` scopes): the large model for layout benches.

import { emptyGraph, type Graph, type Model, type Node, type Tensor } from '../src/core/onnx/ir';

export interface TransformerSpec {
  layers: number;
  hidden: number;
  heads: number;
  seq: number;
  /** Embedding rows (default 30522, BERT's). */
  vocab?: number;
  /** Give weights zero-filled raw data so the model can be encoded to a valid .onnx file. */
  withData?: boolean;
}

function weight(name: string, dims: number[], withData: boolean): Tensor {
  // The layout only reads names and dims; data is added only when the model is to be written to a file.
  const count = dims.reduce((a, b) => a * b, 1);
  return { name, dtype: 'float', dims, data: withData ? { kind: 'raw', bytes: new Uint8Array(4 * count) } : { kind: 'empty' } };
}

export function syntheticTransformer(spec: TransformerSpec): Model {
  const g: Graph = emptyGraph('synthetic_transformer');
  const { hidden: d, heads, seq } = spec;
  const ffn = 4 * d;
  let count = 0;
  const node = (scope: string, opType: string, inputs: string[], outputs = 1, attrs: Node['attributes'] = []): string[] => {
    const name = `${scope}/${opType}_${count++}`;
    const outs = Array.from({ length: outputs }, (_, k) => `${name}_output_${k}`);
    g.nodes.push({ name, opType, domain: '', inputs, outputs: outs, attributes: attrs });
    return outs;
  };
  const init = (name: string, dims: number[]): string => {
    g.initializers.push(weight(name, dims, spec.withData ?? false));
    return name;
  };
  const reshape = (scope: string, x: string, tail: number[]): string => {
    const [shape] = node(scope, 'Shape', [x]);
    const [b] = node(scope, 'Gather', [shape!, init(`${scope}.idx${count}`, [])]);
    const [u] = node(scope, 'Unsqueeze', [b!, init(`${scope}.axes${count}`, [1])]);
    const [cat] = node(scope, 'Concat', [u!, init(`${scope}.tail${count}`, [tail.length])]);
    return node(scope, 'Reshape', [x, cat!])[0]!;
  };
  const layerNorm = (scope: string, x: string, prefix: string): string => {
    const [mean] = node(scope, 'ReduceMean', [x]);
    const [diff] = node(scope, 'Sub', [x, mean!]);
    const [sq] = node(scope, 'Pow', [diff!, init(`${prefix}.two`, [])]);
    const [v] = node(scope, 'ReduceMean', [sq!]);
    const [ve] = node(scope, 'Add', [v!, init(`${prefix}.eps`, [])]);
    const [sd] = node(scope, 'Sqrt', [ve!]);
    const [nm] = node(scope, 'Div', [diff!, sd!]);
    const [sc] = node(scope, 'Mul', [nm!, init(`${prefix}.weight`, [d])]);
    return node(scope, 'Add', [sc!, init(`${prefix}.bias`, [d])])[0]!;
  };
  const linear = (scope: string, x: string, prefix: string, inDim: number, outDim: number): string => {
    const [mm] = node(scope, 'MatMul', [x, init(`${prefix}.weight`, [inDim, outDim])]);
    return node(scope, 'Add', [mm!, init(`${prefix}.bias`, [outDim])])[0]!;
  };
  g.inputs.push({ name: 'input_ids', type: { kind: 'tensor', elemType: 'int64', shape: [1, seq] } });
  let x = node('/embeddings', 'Gather', [init('embeddings.word', [spec.vocab ?? 30522, d]), 'input_ids'])[0]!;
  x = node('/embeddings', 'Add', [x, init('embeddings.position', [seq, d])])[0]!;
  x = layerNorm('/embeddings/LayerNorm', x, 'embeddings.ln');
  for (let l = 0; l < spec.layers; l++) {
    const s = `/encoder/layers.${l}`;
    const p = `encoder.layers.${l}`;
    const h = layerNorm(`${s}/ln1`, x, `${p}.ln1`);
    const heads3 = (name: string): string => {
      const y = linear(`${s}/attn/${name}`, h, `${p}.attn.${name}`, d, d);
      const r = reshape(`${s}/attn/${name}`, y, [seq, heads, d / heads]);
      return node(`${s}/attn/${name}`, 'Transpose', [r])[0]!;
    };
    const q = heads3('q');
    const k = heads3('k');
    const v = heads3('v');
    const [kt] = node(`${s}/attn`, 'Transpose', [k]);
    const [qk] = node(`${s}/attn`, 'MatMul', [q, kt!]);
    const [scaled] = node(`${s}/attn`, 'Div', [qk!, init(`${p}.attn.scale`, [])]);
    const [prob] = node(`${s}/attn`, 'Softmax', [scaled!]);
    const [ctx] = node(`${s}/attn`, 'MatMul', [prob!, v]);
    const [ct] = node(`${s}/attn`, 'Transpose', [ctx!]);
    const merged = reshape(`${s}/attn/out`, ct!, [seq, d]);
    const o = linear(`${s}/attn/out`, merged, `${p}.attn.out`, d, d);
    x = node(s, 'Add', [x, o])[0]!;
    const h2 = layerNorm(`${s}/ln2`, x, `${p}.ln2`);
    const f1 = linear(`${s}/mlp/fc1`, h2, `${p}.mlp.fc1`, d, ffn);
    const [gd] = node(`${s}/mlp/gelu`, 'Div', [f1, init(`${p}.mlp.sqrt2`, [])]);
    const [ge] = node(`${s}/mlp/gelu`, 'Erf', [gd!]);
    const [ga] = node(`${s}/mlp/gelu`, 'Add', [ge!, init(`${p}.mlp.one`, [])]);
    const [gm] = node(`${s}/mlp/gelu`, 'Mul', [f1, ga!]);
    const [gh] = node(`${s}/mlp/gelu`, 'Mul', [gm!, init(`${p}.mlp.half`, [])]);
    const f2 = linear(`${s}/mlp/fc2`, gh!, `${p}.mlp.fc2`, ffn, d);
    x = node(s, 'Add', [x, f2])[0]!;
  }
  x = layerNorm('/final/LayerNorm', x, 'final.ln');
  const logits = linear('/head', x, 'head', d, 2);
  g.outputs.push({ name: logits, type: { kind: 'tensor', elemType: 'float', shape: [1, seq, 2] } });
  return {
    irVersion: 8, opsetImports: [{ domain: '', version: 13 }], producerName: 'aiot-lens bench', producerVersion: '',
    domain: '', modelVersion: 0, docString: '', graph: g, metadataProps: [], functions: [],
  };
}

/** A plain chain of `length` boxes: the deep-graph case (one rank per node). */
export function chainModel(length: number): Model {
  const g: Graph = emptyGraph('chain');
  g.inputs.push({ name: 'x', type: { kind: 'tensor', elemType: 'float', shape: [1, 8] } });
  let prev = 'x';
  for (let i = 0; i < length; i++) {
    const out = `t${i}`;
    g.nodes.push({ name: `/chain/Relu_${i}`, opType: i % 2 ? 'Relu' : 'Neg', domain: '', inputs: [prev], outputs: [out], attributes: [] });
    prev = out;
  }
  g.outputs.push({ name: prev, type: { kind: 'tensor', elemType: 'float', shape: [1, 8] } });
  return {
    irVersion: 8, opsetImports: [{ domain: '', version: 13 }], producerName: 'aiot-lens bench', producerVersion: '',
    domain: '', modelVersion: 0, docString: '', graph: g, metadataProps: [], functions: [],
  };
}
