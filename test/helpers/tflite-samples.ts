// Builder models shared by the TFLite tests and the fuzzer's .tflite corpus.

import { f32, i32, i8, type ModelSpec } from './tflite-builder';

export const range = (n: number, f: (i: number) => number) => Array.from({ length: n }, (_, i) => f(i));

/** int8 conv → depthwise (multiplier 2) → reshape → fully connected → softmax, batch dim dynamic (-1). */
export function convNet(extra: Partial<ModelSpec> = {}): ModelSpec {
  return {
    subgraphs: [{
      name: 'main',
      tensors: [
        { name: 'x', shape: [1, 8, 8, 3], shapeSignature: [-1, 8, 8, 3], type: 'INT8', quant: { scale: [0.5], zeroPoint: [-1] } },
        { name: 'w1', shape: [4, 3, 3, 3], type: 'INT8', data: i8(range(108, (i) => (i % 7) - 3)), quant: { scale: [0.1, 0.2, 0.3, 0.4], zeroPoint: [0, 0, 0, 0], axis: 0 } },
        { name: 'b1', shape: [4], type: 'INT32', data: i32([1, 2, 3, 4]), quant: { scale: [0.05, 0.1, 0.15, 0.2], zeroPoint: [0, 0, 0, 0] } },
        { name: 'c1', shape: [1, 8, 8, 4], shapeSignature: [-1, 8, 8, 4], type: 'INT8', quant: { scale: [0.25], zeroPoint: [-128] } },
        { name: 'w2', shape: [1, 3, 3, 8], type: 'INT8', data: i8(range(72, (i) => (i % 5) - 2)), quant: { scale: range(8, (i) => 0.01 * (i + 1)), zeroPoint: range(8, () => 0), axis: 3 } },
        { name: 'c2', shape: [1, 4, 4, 8], shapeSignature: [-1, 4, 4, 8], type: 'INT8', quant: { scale: [0.2], zeroPoint: [-128] } },
        { name: 'shape', shape: [2], type: 'INT32', data: i32([-1, 128]) },
        { name: 'r', shape: [1, 128], shapeSignature: [-1, 128], type: 'INT8', quant: { scale: [0.2], zeroPoint: [-128] } },
        { name: 'w3', shape: [10, 128], type: 'INT8', data: i8(range(1280, (i) => (i % 11) - 5)), quant: { scale: [0.02], zeroPoint: [0] } },
        { name: 'logits', shape: [1, 10], shapeSignature: [-1, 10], type: 'INT8', quant: { scale: [0.1], zeroPoint: [0] } },
        { name: 'prob', shape: [1, 10], shapeSignature: [-1, 10], type: 'INT8', quant: { scale: [1 / 256], zeroPoint: [-128] } },
      ],
      inputs: ['x'],
      outputs: ['prob'],
      ops: [
        { op: 'CONV_2D', inputs: ['x', 'w1', 'b1'], outputs: ['c1'], options: { padding: 'SAME', stride_w: 1, stride_h: 1, fused_activation_function: 'RELU6' } },
        { op: 'DEPTHWISE_CONV_2D', inputs: ['c1', 'w2', null], outputs: ['c2'], options: { padding: 'SAME', stride_w: 2, stride_h: 2, depth_multiplier: 2, fused_activation_function: 'RELU' } },
        { op: 'RESHAPE', inputs: ['c2', 'shape'], outputs: ['r'] },
        { op: 'FULLY_CONNECTED', inputs: ['r', 'w3', null], outputs: ['logits'], options: { fused_activation_function: 'NONE' } },
        { op: 'SOFTMAX', inputs: ['logits'], outputs: ['prob'], options: { beta: 1 } },
      ],
    }],
    signatures: [{ key: 'serving_default', subgraph: 0, inputs: [['image', 'x']], outputs: [['probability', 'prob']] }],
    ...extra,
  };
}

// conv: 8·8·4 outputs × 3·3·3; depthwise: 4·4·8 outputs × 3·3; fully connected: 10 × 128.
export const CONV_NET_MACS = 256 * 27 + 128 * 9 + 10 * 128;

/** IF (then: one FULLY_CONNECTED, else: two), CALL_ONCE of an init subgraph. */
export function controlFlowNet(): ModelSpec {
  const fc = (name: string, inDim: number, outDim: number) => [
    { name: `${name}_w`, shape: [outDim, inDim], data: f32(range(inDim * outDim, (i) => i / 100)) },
  ];
  return {
    subgraphs: [
      {
        tensors: [{ name: 'x', shape: [1, 4] }, { name: 'c', shape: [], type: 'BOOL' }, { name: 'y', shape: [1, 4] }],
        inputs: ['c', 'x'], outputs: ['y'],
        ops: [
          { op: 'CALL_ONCE', inputs: [], outputs: [], options: { init_subgraph_index: 3 } },
          { op: 'IF', inputs: ['c', 'x'], outputs: ['y'], options: { then_subgraph_index: 1, else_subgraph_index: 2 } },
        ],
      },
      {
        name: 'then', tensors: [{ name: 'a', shape: [1, 4] }, ...fc('t', 4, 4), { name: 'b', shape: [1, 4] }], inputs: ['a'], outputs: ['b'],
        ops: [{ op: 'FULLY_CONNECTED', inputs: ['a', 't_w', null], outputs: ['b'] }],
      },
      {
        name: 'else', tensors: [{ name: 'a', shape: [1, 4] }, ...fc('e1', 4, 8), { name: 'h', shape: [1, 8] }, ...fc('e2', 8, 4), { name: 'b', shape: [1, 4] }],
        inputs: ['a'], outputs: ['b'],
        ops: [{ op: 'FULLY_CONNECTED', inputs: ['a', 'e1_w', null], outputs: ['h'] }, { op: 'FULLY_CONNECTED', inputs: ['h', 'e2_w', null], outputs: ['b'] }],
      },
      {
        name: 'init', tensors: [{ name: 'i', shape: [1, 2], data: f32([1, 2]) }, ...fc('s', 2, 2), { name: 'o', shape: [1, 2] }], inputs: [], outputs: ['o'],
        ops: [{ op: 'FULLY_CONNECTED', inputs: ['i', 's_w', null], outputs: ['o'] }],
      },
    ],
  };
}
