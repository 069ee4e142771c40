// Single-operator models for host calibration, built as IR and encoded in-process: conv (k×k, pointwise,
// depthwise), gemm/matmul, element-wise, pooling, recurrent and data movement at several sizes.

import type { OpClass } from '../../cost/types';
import type { Attribute, Model, Node, Tensor, ValueInfo } from '../../onnx/ir';
import { seededRandom } from '../inputs';

export interface MicroBench {
  name: string;
  opClass: OpClass;
  model: Model;
  /** Ends in the one-element output probe (PROBE_NODE). */
  probed?: boolean;
}

function vi(name: string, shape: number[]): ValueInfo {
  return { name, type: { kind: 'tensor', elemType: 'float', shape } };
}

function weight(name: string, dims: number[], rand: () => number): Tensor {
  const n = dims.reduce((a, b) => a * b, 1);
  const values = Float32Array.from({ length: n }, () => (rand() * 2 - 1) * 0.1);
  return { name, dtype: 'float', dims, data: { kind: 'float', values } };
}

const ints = (name: string, value: number[]): Attribute => ({ name, type: 'ints', value });
const int = (name: string, value: number): Attribute => ({ name, type: 'int', value });

function model(name: string, node: Node | Node[], inputs: ValueInfo[], output: ValueInfo, initializers: Tensor[]): Model {
  const nodes = Array.isArray(node) ? node : [node];
  return {
    irVersion: 8, opsetImports: [{ domain: '', version: 13 }], producerName: 'aiot-lens calibrate', producerVersion: '',
    domain: '', modelVersion: 0, docString: '', metadataProps: [], functions: [],
    graph: { name, nodes, initializers, sparseInitializers: [], inputs, outputs: [output], valueInfo: [] },
  };
}

/** Chained copies make the per-run overhead and the graph-input copy small next to the nodes being timed. */
export const CHAIN = 6;

/** CHAIN convs alternating cin→cout and cout→cin (depthwise: CHAIN identical layers). */
function conv(cin: number, cout: number, hw: number, k: number, group: number, rand: () => number): MicroBench {
  const dw = group === cin && group > 1;
  const kind = dw ? 'depthwise' : k === 1 ? 'pointwise' : `conv${k}x${k}`;
  const name = `${kind}_c${cin}_o${cout}_${hw}`;
  const pad = (k - 1) >> 1;
  const nodes: Node[] = [];
  const inits: Tensor[] = [];
  let cur = 'x';
  for (let i = 0; i < CHAIN; i++) {
    const [ci, co] = i % 2 === 0 ? [cin, cout] : [cout, cin];
    inits.push(weight(`w${i}`, [co, dw ? 1 : ci / group, k, k], rand), weight(`b${i}`, [co], rand));
    const out = i === CHAIN - 1 ? 'y' : `t${i}`;
    nodes.push({
      name: `${name}_${i}`, opType: 'Conv', domain: '', inputs: [cur, `w${i}`, `b${i}`], outputs: [out],
      attributes: [ints('kernel_shape', [k, k]), ints('pads', [pad, pad, pad, pad]), int('group', group)],
    });
    cur = out;
  }
  const last = CHAIN % 2 === 0 ? cin : cout;
  return { name, opClass: dw ? 'depthwise' : 'conv', model: model(name, nodes, [vi('x', [1, cin, hw, hw])], vi('y', [1, last, hw, hw]), inits) };
}

/** CHAIN Gemms alternating k→n and n→k. */
function gemm(m: number, k: number, n: number, rand: () => number): MicroBench {
  const name = `gemm_${m}x${k}x${n}`;
  const nodes: Node[] = [];
  const inits: Tensor[] = [];
  let cur = 'x';
  for (let i = 0; i < CHAIN; i++) {
    const [ki, no] = i % 2 === 0 ? [k, n] : [n, k];
    inits.push(weight(`w${i}`, [no, ki], rand), weight(`b${i}`, [no], rand));
    const out = i === CHAIN - 1 ? 'y' : `t${i}`;
    nodes.push({ name: `${name}_${i}`, opType: 'Gemm', domain: '', inputs: [cur, `w${i}`, `b${i}`], outputs: [out], attributes: [int('transB', 1)] });
    cur = out;
  }
  return { name, opClass: 'matmul', model: model(name, nodes, [vi('x', [m, k])], vi('y', [m, k]), inits) };
}

/** CHAIN batched MatMuls of an activation by a square weight. */
function matmul(m: number, k: number, rand: () => number): MicroBench {
  const name = `matmul_${m}x${k}x${k}`;
  const nodes: Node[] = [];
  const inits: Tensor[] = [];
  let cur = 'a';
  for (let i = 0; i < CHAIN; i++) {
    inits.push(weight(`w${i}`, [k, k], rand));
    const out = i === CHAIN - 1 ? 'y' : `t${i}`;
    nodes.push({ name: `${name}_${i}`, opType: 'MatMul', domain: '', inputs: [cur, `w${i}`], outputs: [out], attributes: [] });
    cur = out;
  }
  return { name, opClass: 'matmul', model: model(name, nodes, [vi('a', [1, m, k])], vi('y', [1, m, k]), inits) };
}

/** CHAIN copies of a unary element-wise op. */
function unary(op: string, n: number): MicroBench {
  const name = `${op.toLowerCase()}_${n}`;
  const nodes: Node[] = [];
  let cur = 'x';
  for (let i = 0; i < CHAIN; i++) {
    const out = i === CHAIN - 1 ? 'y' : `t${i}`;
    nodes.push({ name: `${name}_${i}`, opType: op, domain: '', inputs: [cur], outputs: [out], attributes: [] });
    cur = out;
  }
  return { name, opClass: 'elementwise', model: model(name, nodes, [vi('x', [1, n])], vi('y', [1, n]), []) };
}

/** CHAIN binary ops, each combining the running value with the second graph input. */
function binary(op: string, n: number): MicroBench {
  const name = `${op.toLowerCase()}_${n}`;
  const nodes: Node[] = [];
  let cur = 'a';
  for (let i = 0; i < CHAIN; i++) {
    const out = i === CHAIN - 1 ? 'y' : `t${i}`;
    nodes.push({ name: `${name}_${i}`, opType: op, domain: '', inputs: [cur, 'b'], outputs: [out], attributes: [] });
    cur = out;
  }
  return { name, opClass: 'elementwise', model: model(name, nodes, [vi('a', [1, n]), vi('b', [1, n])], vi('y', [1, n]), []) };
}

/** Shape-preserving pooling (3x3, stride 1) chained, or one global/strided pool. */
function pool(op: 'MaxPool' | 'AveragePool' | 'GlobalAveragePool', c: number, hw: number, strided = false): MicroBench {
  const name = `${op.toLowerCase()}${strided ? '_s2' : ''}_c${c}_${hw}`;
  if (op === 'GlobalAveragePool' || strided) {
    const attrs = op === 'GlobalAveragePool' ? [] : [ints('kernel_shape', [2, 2]), ints('strides', [2, 2])];
    const out = op === 'GlobalAveragePool' ? [1, c, 1, 1] : [1, c, hw / 2, hw / 2];
    const node: Node = { name, opType: op, domain: '', inputs: ['x'], outputs: ['y'], attributes: attrs };
    return { name, opClass: 'pooling', model: model(name, node, [vi('x', [1, c, hw, hw])], vi('y', out), []) };
  }
  const nodes: Node[] = [];
  let cur = 'x';
  for (let i = 0; i < CHAIN; i++) {
    const out = i === CHAIN - 1 ? 'y' : `t${i}`;
    nodes.push({ name: `${name}_${i}`, opType: op, domain: '', inputs: [cur], outputs: [out],
      attributes: [ints('kernel_shape', [3, 3]), ints('pads', [1, 1, 1, 1])] });
    cur = out;
  }
  return { name, opClass: 'pooling', model: model(name, nodes, [vi('x', [1, c, hw, hw])], vi('y', [1, c, hw, hw]), []) };
}

function lstm(seq: number, input: number, hidden: number, rand: () => number): MicroBench {
  const name = `lstm_s${seq}_i${input}_h${hidden}`;
  const node: Node = {
    name, opType: 'LSTM', domain: '', inputs: ['x', 'w', 'r', 'b'], outputs: ['y'], attributes: [int('hidden_size', hidden)],
  };
  return {
    name, opClass: 'recurrent',
    model: model(name, node, [vi('x', [seq, 1, input])], vi('y', [seq, 1, 1, hidden]),
      [weight('w', [1, 4 * hidden, input], rand), weight('r', [1, 4 * hidden, hidden], rand), weight('b', [1, 8 * hidden], rand)]),
  };
}

function transpose(c: number, hw: number): MicroBench {
  const name = `transpose_c${c}_${hw}`;
  const node: Node = { name, opType: 'Transpose', domain: '', inputs: ['x'], outputs: ['y'], attributes: [ints('perm', [0, 2, 3, 1])] };
  return { name, opClass: 'data', model: model(name, node, [vi('x', [1, c, hw, hw])], vi('y', [1, hw, hw, c]), []) };
}

function concat(c: number, hw: number): MicroBench {
  const name = `concat_c${c}_${hw}`;
  const node: Node = { name, opType: 'Concat', domain: '', inputs: ['a', 'b'], outputs: ['y'], attributes: [int('axis', 1)] };
  return { name, opClass: 'data', model: model(name, node, [vi('a', [1, c, hw, hw]), vi('b', [1, c, hw, hw])], vi('y', [1, 2 * c, hw, hw]), []) };
}

/** Nodes in the dispatch benchmark: tiny element-wise ops whose time is almost all executor overhead. */
export const DISPATCH_CHAIN = 48;

/** A long chain of 16-element Relu/Neg nodes: (time - per-inference overhead) / nodes = per-node dispatch cost. */
export function dispatchBench(): MicroBench {
  const nodes: Node[] = [];
  let cur = 'x';
  for (let i = 0; i < DISPATCH_CHAIN; i++) {
    const out = i === DISPATCH_CHAIN - 1 ? 'y' : `t${i}`;
    // Alternating ops so no optimizer merges them.
    nodes.push({ name: `dispatch_${i}`, opType: i % 2 ? 'Neg' : 'Abs', domain: '', inputs: [cur], outputs: [out], attributes: [] });
    cur = out;
  }
  return { name: 'dispatch', opClass: 'elementwise', model: model('dispatch', nodes, [vi('x', [1, 16])], vi('y', [1, 16]), []) };
}

/** The trivial model whose run time is the per-inference overhead. */
export function overheadBench(): MicroBench {
  return unary('Relu', 1);
}

/** Name of the one-element Slice every benchmark ends in (its cost is one dispatch, not the benchmark's work). */
export const PROBE_NODE = 'aiot_probe';

/**
 * The benchmark with its output cut to one element by a final Slice. onnxruntime-node allocates and copies each
 * graph output on every run; for outputs of hundreds of KiB that allocation (page faults, the allocator's mmap
 * threshold) varied between 0.1 and 10 ms run to run and swamped the kernels being timed. Real models' outputs are
 * small, so the benchmarks measure kernels only.
 */
export function withProbe(b: MicroBench): MicroBench {
  const g = b.model.graph;
  const out = g.outputs[0]!;
  const shape = out.type.kind === 'tensor' ? out.type.shape ?? [] : [];
  const rank = shape.length;
  const i64 = (name: string, values: number[]): Tensor => ({ name, dtype: 'int64', dims: [values.length], data: { kind: 'int64', values } });
  const inner = `${out.name}_full`;
  const nodes = g.nodes.map((n) => ({ ...n, outputs: n.outputs.map((o) => (o === out.name ? inner : o)) }));
  nodes.push({ name: PROBE_NODE, opType: 'Slice', domain: '', inputs: [inner, `${PROBE_NODE}_starts`, `${PROBE_NODE}_ends`], outputs: [out.name], attributes: [] });
  return {
    ...b,
    probed: true,
    model: {
      ...b.model,
      graph: {
        ...g, nodes,
        initializers: [...g.initializers, i64(`${PROBE_NODE}_starts`, new Array(rank).fill(0)), i64(`${PROBE_NODE}_ends`, new Array(rank).fill(1))],
        outputs: [vi(out.name, new Array(rank).fill(1))],
      },
    },
  };
}

/**
 * Every calibration benchmark, deterministic (weights from a fixed seed), each ending in the output probe — except
 * Transpose: onnxruntime's transpose optimizer pushes a transpose through the Slice, leaving a one-element transpose.
 */
export function microBenches(): MicroBench[] {
  return rawBenches().map((b) => (b.model.graph.nodes.some((n) => n.opType === 'Transpose') ? b : withProbe(b)));
}

function rawBenches(): MicroBench[] {
  const rand = seededRandom(7);
  return [
    // Dense 3x3/5x5 from tiny (per-node cost) to large feature maps (memory traffic).
    conv(3, 16, 64, 3, 1, rand), conv(8, 8, 32, 3, 1, rand), conv(16, 16, 32, 3, 1, rand), conv(16, 32, 64, 3, 1, rand),
    conv(32, 32, 16, 3, 1, rand), conv(64, 64, 16, 3, 1, rand), conv(64, 128, 8, 3, 1, rand), conv(128, 128, 8, 3, 1, rand),
    conv(8, 16, 32, 5, 1, rand), conv(32, 64, 32, 3, 1, rand), conv(16, 16, 8, 3, 1, rand), conv(32, 32, 4, 3, 1, rand),
    conv(8, 16, 96, 3, 1, rand), conv(24, 24, 48, 3, 1, rand),
    // Pointwise, including the wide expand layers of inverted residual blocks.
    conv(16, 32, 32, 1, 1, rand), conv(32, 16, 64, 1, 1, rand), conv(64, 128, 16, 1, 1, rand), conv(128, 256, 8, 1, 1, rand),
    conv(256, 64, 16, 1, 1, rand), conv(8, 48, 48, 1, 1, rand), conv(16, 96, 56, 1, 1, rand), conv(16, 16, 8, 1, 1, rand),
    conv(64, 384, 7, 1, 1, rand), conv(32, 32, 4, 1, 1, rand),
    // Depthwise 3x3 from 4x4 to 96x96.
    conv(16, 16, 64, 3, 16, rand), conv(32, 32, 32, 3, 32, rand), conv(64, 64, 32, 3, 64, rand), conv(128, 128, 16, 3, 128, rand),
    conv(256, 256, 8, 3, 256, rand), conv(96, 96, 48, 3, 96, rand), conv(144, 144, 24, 3, 144, rand), conv(32, 32, 8, 3, 32, rand),
    conv(64, 64, 4, 3, 64, rand), conv(16, 16, 96, 3, 16, rand), conv(384, 384, 7, 3, 384, rand),
    gemm(1, 512, 512, rand), gemm(1, 1024, 512, rand), gemm(1, 1024, 128, rand), gemm(16, 128, 256, rand), gemm(64, 256, 256, rand),
    gemm(1, 64, 32, rand), gemm(1, 128, 128, rand),
    matmul(64, 64, rand), matmul(128, 128, rand), matmul(32, 256, rand), matmul(16, 32, rand),
    binary('Add', 4000), binary('Add', 16000), binary('Add', 64000), binary('Add', 256000), binary('Mul', 100000),
    unary('Relu', 200000), unary('Sigmoid', 50000), unary('Tanh', 20000), unary('Relu', 8000),
    pool('MaxPool', 16, 32), pool('AveragePool', 32, 16), pool('MaxPool', 64, 32, true), pool('GlobalAveragePool', 256, 16),
    pool('MaxPool', 16, 8), pool('GlobalAveragePool', 32, 4), pool('MaxPool', 32, 64, true), pool('MaxPool', 32, 64),
    pool('AveragePool', 64, 32),
    pool('GlobalAveragePool', 1280, 8),
    lstm(25, 16, 32, rand), lstm(50, 64, 64, rand), lstm(10, 128, 128, rand),
    transpose(64, 32), transpose(32, 16), transpose(16, 64), concat(32, 32), concat(64, 32), concat(16, 16),
  ];
}

/** The same benchmark with its weights listed as graph inputs (overridable), as old exporters write them. */
export function withRuntimeWeights(b: MicroBench): MicroBench {
  const g = b.model.graph;
  const extra: ValueInfo[] = g.initializers.map((t) => ({ name: t.name, type: { kind: 'tensor', elemType: t.dtype, shape: t.dims } }));
  return { ...b, name: `${b.name}_runtime_weights`, model: { ...b.model, graph: { ...g, inputs: [...g.inputs, ...extra] } } };
}

/** Benchmarks whose runtime-weights variants measure the slowdown of unpacked weights per class. */
export const RUNTIME_WEIGHT_BENCHES = ['conv3x3_c16_o16_32', 'conv3x3_c64_o64_16', 'pointwise_c64_o128_16', 'depthwise_c64_o64_32', 'depthwise_c128_o128_16', 'gemm_64x256x256'];
