import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fmt from '../../../webview/editor/format';
import { sortNodes } from '../../../webview/editor/nodeTable';
import type { NodeReport } from '../../../src/core/analyze/report';

test('exact and compact counts', () => {
  assert.equal(fmt.exact(11234567), '11,234,567');
  assert.equal(fmt.exact(0), '0');
  assert.equal(fmt.compact(999), '999');
  assert.equal(fmt.compact(1234), '1.23 K');
  assert.equal(fmt.compact(300_400_000), '300 M');
  assert.equal(fmt.compact(1.5e9), '1.50 G');
});

test('bytes use binary units as MCU memories are quoted', () => {
  assert.equal(fmt.bytes(512), '512 B');
  assert.equal(fmt.bytes(2048), '2.00 KiB');
  assert.equal(fmt.bytes(320 * 1024), '320.0 KiB');
  assert.equal(fmt.bytes(3.5 * 1024 * 1024), '3.50 MiB');
});

test('shapes show symbolic and unknown dims', () => {
  assert.equal(fmt.shape({ shape: [1, 3, 96, 96] }), '1×3×96×96');
  assert.equal(fmt.shape({ shape: ['batch', null, 4] }), 'batch×?×4');
  assert.equal(fmt.shape({ shape: [] }), 'scalar');
  assert.equal(fmt.shape({ shape: null }), '?');
  assert.equal(fmt.opsets({ 'ai.onnx': 13, 'com.microsoft': 1 }), 'ai.onnx 13, com.microsoft 1');
});

const node = (name: string, opType: string, macs: number, params: number): NodeReport => ({
  name,
  opType,
  domain: '',
  macs,
  flops: 2 * macs,
  params,
  weightBytes: 4 * params,
  outputs: [{ name: `${name}:0`, dtype: 'float', shape: [1, macs] }],
});

test('node table sorting is stable and direction-aware', () => {
  const nodes = [node('a', 'Relu', 0, 0), node('b', 'Conv', 50, 10), node('c', 'Conv', 50, 30), node('d', 'Gemm', 90, 5)];
  assert.deepEqual(sortNodes(nodes, { key: 'macs', descending: true }), [3, 1, 2, 0]);
  assert.deepEqual(sortNodes(nodes, { key: 'macs', descending: false }), [0, 1, 2, 3]);
  assert.deepEqual(sortNodes(nodes, { key: 'params', descending: true }), [2, 1, 3, 0]);
  assert.deepEqual(sortNodes(nodes, { key: 'opType', descending: false }), [1, 2, 3, 0]);
  assert.deepEqual(sortNodes(nodes, { key: 'index', descending: true }), [3, 2, 1, 0]);
});
