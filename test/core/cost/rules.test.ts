import assert from 'node:assert/strict';
import { test } from 'node:test';
import { opClassOf, opWork, type Operand } from '../../../src/core/cost/rules';
import type { Attribute, Node } from '../../../src/core/onnx/ir';

const t = (...dims: number[]): Operand => ({ dims, elements: dims.reduce((a, b) => a * b, 1) });
const n = (opType: string, inputs: string[], attributes: Attribute[] = []): Node => ({
  name: opType, opType, domain: '', inputs, outputs: ['y'], attributes,
});

test('Conv: output elements × Cin/group × kernel, plus one add per output for the bias', () => {
  // 3x3 conv, 16 -> 32 channels, 8x8 output: 32*8*8 * 16*3*3 = 294,912 MACs
  const w = opWork(n('Conv', ['x', 'w', 'b']), [t(1, 16, 8, 8), t(32, 16, 3, 3), t(32)], [t(1, 32, 8, 8)]);
  assert.equal(w.macs, 294_912);
  assert.equal(w.flops, 2 * 294_912 + 32 * 64);
  assert.equal(w.partial, false);
});

test('depthwise Conv counts one input channel per output and is classed depthwise', () => {
  const node = n('Conv', ['x', 'w'], [{ name: 'group', type: 'int', value: 32 }]);
  const inputs = [t(1, 32, 10, 10), t(32, 1, 3, 3)];
  assert.equal(opWork(node, inputs, [t(1, 32, 10, 10)]).macs, 32 * 100 * 9);
  assert.equal(opClassOf(node, inputs), 'depthwise');
  assert.equal(opClassOf(n('Conv', ['x', 'w']), [t(1, 32, 10, 10), t(64, 32, 1, 1)]), 'conv');
});

test('ConvTranspose scatters every input element into Cout/group × kernel outputs', () => {
  const w = opWork(n('ConvTranspose', ['x', 'w']), [t(1, 8, 4, 4), t(8, 4, 2, 2)], [t(1, 4, 8, 8)]);
  assert.equal(w.macs, 8 * 16 * 4 * 4);
});

test('Gemm with transA reads K from the first dim of A; MatMul broadcasts batch dims', () => {
  const gemm = opWork(n('Gemm', ['a', 'b', 'c'], [{ name: 'transA', type: 'int', value: 1 }]), [t(64, 2), t(64, 10)], [t(2, 10)]);
  assert.equal(gemm.macs, 2 * 10 * 64);
  assert.equal(gemm.flops, 2 * 1280 + 20);
  const mm = opWork(n('MatMul', ['a', 'b']), [t(4, 8, 16, 32), t(32, 5)], [t(4, 8, 16, 5)]);
  assert.equal(mm.macs, 4 * 8 * 16 * 5 * 32);
});

test('LSTM counts 4 gates × H × (I + H) per step, as MODELS.md states for lstm_kws', () => {
  const node = n('LSTM', ['x', 'w', 'r'], [{ name: 'hidden_size', type: 'int', value: 128 }]);
  const w = opWork(node, [t(49, 1, 40), t(1, 512, 40), t(1, 512, 128)], [t(49, 1, 1, 128)]);
  assert.equal(w.macs, 49 * 4 * 128 * (40 + 128));
});

test('Einsum multiplies the sizes of all indices', () => {
  const node = n('Einsum', ['a', 'b'], [{ name: 'equation', type: 'string', value: 'bij,bjk->bik' }]);
  assert.equal(opWork(node, [t(2, 3, 4), t(2, 4, 5)], [t(2, 3, 5)]).macs, 2 * 3 * 4 * 5);
});

test('unknown shapes make the count partial instead of silently zero', () => {
  const w = opWork(n('Conv', ['x', 'w']), [{}, t(8, 3, 3, 3)], [{}]);
  assert.equal(w.partial, true);
  assert.equal(w.macs, 0);
});

test('element-wise and pooling FLOPs follow the documented factors', () => {
  assert.equal(opWork(n('Sigmoid', ['x']), [t(10)], [t(10)]).flops, 40);
  assert.equal(opWork(n('Add', ['a', 'b']), [t(2, 5), t(5)], [t(2, 5)]).flops, 10);
  assert.equal(opWork(n('Sum', ['a', 'b', 'c']), [t(4), t(4), t(4)], [t(4)]).flops, 8);
  const pool = n('MaxPool', ['x'], [{ name: 'kernel_shape', type: 'ints', value: [3, 3] }]);
  assert.equal(opWork(pool, [t(1, 8, 8, 8)], [t(1, 8, 4, 4)]).flops, 8 * 16 * 9);
  assert.equal(opWork(n('GlobalAveragePool', ['x']), [t(1, 8, 7, 7)], [t(1, 8, 1, 1)]).flops, 8 * 49);
  assert.equal(opWork(n('Reshape', ['x', 's']), [t(10), t(1)], [t(10)]).flops, 0);
});
