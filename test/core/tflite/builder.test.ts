// Edge cases of the TFLite reader on models the test builder writes: per-channel int8, depth multipliers, int4,
// subgraphs, variables, buffers after the flatbuffer, offline memory plans, metadata, signatures, custom operators.

import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { analyzeModel, analyzeModelFileSync } from '../../../src/core/analyze';
import { getDevice, loadProfiles } from '../../../src/core/devices';
import { estimate, estimateInputOf } from '../../../src/core/estimate';
import { tensorToNumbers } from '../../../src/core/onnx/tensor';
import { loadModelFile } from '../../../src/core/model';
import { unwrap } from '../../../src/core/result';
import { decodeTflite, loadTfliteFile } from '../../../src/core/tflite/load';
import { buildTflite, f32, i32, i8, modelMetadata, storedZip, type ModelSpec } from '../../helpers/tflite-builder';
import { CONV_NET_MACS, controlFlowNet, convNet, range } from '../../helpers/tflite-samples';

const dir = mkdtempSync(join(tmpdir(), 'aiot-tflite-'));
function write(name: string, bytes: Uint8Array): string {
  const p = join(dir, name);
  writeFileSync(p, bytes);
  return p;
}

test('int8 conv net: TFLite names, NHWC, per-channel scales, depth multiplier, MACs from the shapes', () => {
  const a = unwrap(analyzeModelFileSync(write('conv.tflite', buildTflite(convNet()))));
  assert.deepEqual(a.model.graph.nodes.map((n) => n.opType), ['CONV_2D', 'DEPTHWISE_CONV_2D', 'RESHAPE', 'FULLY_CONNECTED', 'SOFTMAX']);
  assert.equal(a.report.totals.macs, CONV_NET_MACS);
  assert.equal(a.report.totals.params, 108 + 4 + 72 + 2 + 1280);
  const dw = a.model.graph.nodes[1]!;
  assert.deepEqual(dw.attributes.find((x) => x.name === 'depth_multiplier'), { name: 'depth_multiplier', type: 'int', value: 2 });
  assert.deepEqual(a.model.graph.nodes[0]!.attributes.find((x) => x.name === 'fused_activation_function'), { name: 'fused_activation_function', type: 'string', value: 'RELU6' });
  assert.deepEqual(a.shapes.values.get('c2')!.shape, [1, 4, 4, 8]);
  const w1 = a.model.graph.initializers.find((t) => t.name === 'w1')!;
  assert.deepEqual(w1.quantization, { scale: [0.1, 0.2, 0.3, 0.4].map(Math.fround), zeroPoint: [0, 0, 0, 0], axis: 0 });
  assert.equal(a.model.graph.initializers.find((t) => t.name === 'w2')!.quantization!.axis, 3);
  const x = a.model.graph.inputs[0]!;
  assert.deepEqual(x.quantization, { scale: [0.5], zeroPoint: [-1] });
  assert.deepEqual(x.type.kind === 'tensor' && x.type.shape, ['batch', 8, 8, 3]);
  assert.ok(a.report.assumptions!.some((s) => /dim 0 'batch' taken as 1/.test(s)));
  // The estimator runs the int8 kernels at the device's int8 peak.
  const device = unwrap(getDevice(unwrap(loadProfiles()), 'stm32f746'));
  const e = estimate(estimateInputOf(a), device);
  assert.equal(e.nodes.find((n) => n.opType === 'CONV_2D')!.dtype, 'int8');
  assert.equal(e.nodes.find((n) => n.opType === 'FULLY_CONNECTED')!.dtype, 'int8');
  assert.ok(e.fits.dtypes);
  const sig = a.model.metadataProps.find((p) => p.key === 'tflite.signature.serving_default')!;
  assert.match(sig.value, /inputs image=x; outputs probability=prob/);
});

test('a pinned batch propagates through every rule: MACs scale with it', () => {
  const a = unwrap(analyzeModelFileSync(write('conv-b4.tflite', buildTflite(convNet())), { inputShapes: { x: [4, 8, 8, 3] } }));
  assert.equal(a.report.totals.macs, 4 * CONV_NET_MACS);
  assert.deepEqual(a.report.outputs[0]!.shape, [4, 10]);
  assert.deepEqual(a.report.warnings.filter((w) => /shape|unknown/.test(w)), []);
});

test('the TFLM plan: 16-byte buffers, persistent tail and flash = the file on an MCU estimate', () => {
  const bytes = buildTflite(convNet());
  const a = unwrap(analyzeModelFileSync(write('conv2.tflite', bytes)));
  // x 192 B and c1 256 B live together; c2 128, r 128, logits 16, prob 16: x+c1 then c1+c2.
  assert.equal(a.memory.arenaBytes, 192 + 256);
  assert.ok(a.memory.buffers.every((b) => b.bytes % 16 === 0));
  const dep = a.model.deployment!;
  assert.equal(dep.runtime, 'TFLite Micro');
  assert.equal(dep.flashBytes, bytes.length);
  assert.ok(dep.persistentBytes > 0);
  const device = unwrap(getDevice(unwrap(loadProfiles()), 'stm32f746'));
  const e = estimate(estimateInputOf(a), device);
  assert.equal(e.flashBytes, bytes.length + (device.runtimeFlashBytes ?? 0));
  assert.equal(e.peakRamBytes, a.memory.arenaBytes + dep.persistentBytes + (device.executeInPlace ? 0 : a.cost.totals.weightBytes) + (device.runtimeRamBytes ?? 0));
  assert.ok(e.assumptions.some((s) => /GreedyMemoryPlanner/.test(s)));
  assert.ok(e.assumptions.some((s) => /persistent tail/.test(s)));
});

test('buffers stored after the flatbuffer (v3c) read the same values, lazily when beyond what was read', () => {
  const inline = unwrap(analyzeModelFileSync(write('inline.tflite', buildTflite(convNet()))));
  const bytes = buildTflite(convNet({ buffersAfter: true }));
  const path = write('after.tflite', bytes);
  const after = unwrap(analyzeModelFileSync(path));
  assert.equal(after.report.totals.macs, inline.report.totals.macs);
  assert.equal(after.report.totals.weightBytes, inline.report.totals.weightBytes);
  const w = (m: typeof inline.model) => unwrap(tensorToNumbers(m.graph.initializers.find((t) => t.name === 'w3')!, { modelDir: dir }));
  assert.deepEqual(Array.from(w(after.model)), Array.from(w(inline.model)));
  // Read only the flatbuffer's part: the weights become external data read on demand from the same file.
  const start = Math.min(...unwrap(decodeTflite(bytes)).tflite.buffers.flatMap((b) => (b.offset !== undefined ? [b.offset] : [])));
  const lazy = unwrap(loadTfliteFile(path, { readLimit: start }));
  const w3 = lazy.model.graph.initializers.find((t) => t.name === 'w3')!;
  assert.equal(w3.data.kind, 'external');
  assert.ok(lazy.externalBytes >= 1280);
  assert.deepEqual(Array.from(unwrap(tensorToNumbers(w3, { modelDir: dir }))), Array.from(w(inline.model)));
});

test('int4 weights: packed two to a byte, or one per byte as some writers store them', () => {
  const values = [-8, -1, 0, 1, 7, 3, -4, 2];
  const packed = new Uint8Array(4);
  values.forEach((v, i) => { packed[i >> 1]! |= (v & 0xf) << ((i & 1) * 4); });
  const model = (data: Uint8Array): ModelSpec => ({
    subgraphs: [{
      tensors: [
        { name: 'x', shape: [1, 4], type: 'INT8' },
        { name: 'w', shape: [2, 4], type: 'INT4', data, quant: { scale: [0.5, 0.25], zeroPoint: [0, 0], axis: 0 } },
        { name: 'y', shape: [1, 2], type: 'INT8' },
      ],
      inputs: ['x'], outputs: ['y'],
      ops: [{ op: 'FULLY_CONNECTED', inputs: ['x', 'w', null], outputs: ['y'] }],
    }],
  });
  for (const data of [packed, i8(values)]) {
    const m = unwrap(decodeTflite(buildTflite(model(data)))).model;
    const w = m.graph.initializers[0]!;
    assert.equal(w.dtype, 'int4');
    assert.deepEqual(Array.from(unwrap(tensorToNumbers(w))), values);
    const a = analyzeModel(m);
    assert.equal(a.cost.totals.weightBytes, 4);
    assert.equal(a.cost.nodes[0]!.macs, 8);
  }
});

test('subgraphs: IF charges its dearer branch, CALL_ONCE runs at start-up, WHILE is a lower bound; cycles are refused', () => {
  const spec = controlFlowNet();
  const a = analyzeModel(unwrap(decodeTflite(buildTflite(spec))).model);
  const ifNode = a.cost.nodes.find((n) => n.opType === 'IF')!;
  assert.equal(ifNode.macs, 32 + 32);
  const once = a.cost.nodes.find((n) => n.opType === 'CALL_ONCE')!;
  assert.equal(once.macs, 0);
  assert.equal(once.params, 2 + 4);
  assert.equal(a.report.totals.params, 16 + 32 + 32 + 2 + 4);
  assert.deepEqual(a.model.graph.nodes[1]!.attributes.map((x) => `${x.name}:${x.type}`), ['then:graph', 'else:graph']);
  assert.deepEqual(a.shapes.values.get('y')!.shape, [1, 4]);

  const loop: ModelSpec = {
    subgraphs: [
      { tensors: [{ name: 'x', shape: [1, 4] }, { name: 'y', shape: [1, 4] }], inputs: ['x'], outputs: ['y'], ops: [{ op: 'WHILE', inputs: ['x'], outputs: ['y'], options: { cond_subgraph_index: 1, body_subgraph_index: 2 } }] },
      { tensors: [{ name: 'a', shape: [1, 4] }, { name: 'k', shape: [], type: 'BOOL', data: new Uint8Array([0]) }], inputs: ['a'], outputs: ['k'], ops: [] },
      spec.subgraphs[1]!,
    ],
  };
  const w = analyzeModel(unwrap(decodeTflite(buildTflite(loop))).model);
  assert.equal(w.cost.nodes[0]!.macs, 16);
  assert.equal(w.cost.nodes[0]!.partial, true);

  const cyclic: ModelSpec = { subgraphs: [loop.subgraphs[0]!, loop.subgraphs[1]!, { ...loop.subgraphs[0]!, ops: [{ op: 'WHILE', inputs: ['x'], outputs: ['y'], options: { cond_subgraph_index: 1, body_subgraph_index: 2 } }] }] };
  const r = decodeTflite(buildTflite(cyclic));
  assert.equal(r.ok, false);
  assert.match(!r.ok ? r.error.message : '', /subgraph 2 calls itself/);
});

test('variable tensors are state outside the arena, counted in TFLM\'s persistent tail', () => {
  const spec: ModelSpec = {
    subgraphs: [{
      tensors: [{ name: 'x', shape: [1, 64] }, { name: 'state', shape: [1, 64], isVariable: true }, { name: 'y', shape: [1, 64] }],
      inputs: ['x'], outputs: ['y'],
      ops: [{ op: 'ADD', inputs: ['x', 'state'], outputs: ['y'], options: { fused_activation_function: 'NONE' } }],
    }],
  };
  const plain = analyzeModel(unwrap(decodeTflite(buildTflite(spec))).model);
  assert.deepEqual(plain.model.graph.states!.map((s) => s.name), ['state']);
  assert.deepEqual(plain.memory.buffers.map((b) => b.name).sort(), ['x', 'y']);
  assert.deepEqual(plain.report.warnings, []);
  const noVar = analyzeModel(unwrap(decodeTflite(buildTflite({ subgraphs: [{ ...spec.subgraphs[0]!, tensors: [{ name: 'x', shape: [1, 64] }, { name: 'state', shape: [1, 64], data: f32(range(64, () => 0)) }, { name: 'y', shape: [1, 64] }] }] }))).model);
  assert.equal(plain.model.deployment!.persistentBytes - noVar.model.deployment!.persistentBytes, 256);
});

test('OfflineMemoryAllocation: planned offsets are kept, the rest is planned around them', () => {
  const spec: ModelSpec = {
    subgraphs: [{
      tensors: [{ name: 'x', shape: [1, 16] }, { name: 'h', shape: [1, 16] }, { name: 'y', shape: [1, 16] }],
      inputs: ['x'], outputs: ['y'],
      ops: [{ op: 'RELU', inputs: ['x'], outputs: ['h'] }, { op: 'RELU', inputs: ['h'], outputs: ['y'] }],
    }],
    metadata: [{ name: 'OfflineMemoryAllocation', data: i32([1, 1, 3, 1000, -1, 2000]) }],
  };
  const a = analyzeModel(unwrap(decodeTflite(buildTflite(spec))).model);
  const at = new Map(a.memory.buffers.map((b) => [b.name, b.offset]));
  assert.equal(at.get('x'), 1000);
  assert.equal(at.get('y'), 2000);
  assert.equal(at.get('h'), 0);
  assert.equal(a.memory.arenaBytes, 2064);
  assert.ok(a.model.deployment!.arena.basis.some((s) => /OfflineMemoryAllocation/.test(s)));
});

test('metadata: runtime version, TFLite Metadata normalization and label file packed in the appended zip', () => {
  const labels = 'background\nperson\n';
  const spec = convNet({
    metadata: [
      { name: 'min_runtime_version', data: new TextEncoder().encode('2.3.0\0\0\0\0\0\0\0\0\0\0\0') },
      { name: 'TFLITE_METADATA', data: modelMetadata({ name: 'tiny person detector', mean: [127.5], std: [127.5], labelFile: 'labels.txt' }) },
    ],
  });
  const fb = buildTflite(spec);
  const zip = storedZip({ 'labels.txt': labels });
  const file = new Uint8Array(fb.length + zip.length);
  file.set(fb);
  file.set(zip, fb.length);
  const m = unwrap(loadModelFile(write('meta.tflite', file))).model;
  const prop = (k: string) => m.metadataProps.find((p) => p.key === k)?.value;
  assert.equal(prop('tflite.min_runtime_version'), '2.3.0');
  assert.equal(prop('metadata.name'), 'tiny person detector');
  assert.equal(prop('metadata.input.x.normalization'), 'mean [127.5], std [127.5]');
  assert.equal(prop('metadata.output.prob.labels'), 'labels.txt (2): background\nperson');
  assert.equal(prop('metadata.packed_files'), 'labels.txt');
});

test('custom operators are shown under their own name and named in a warning instead of being costed', () => {
  const spec: ModelSpec = {
    subgraphs: [{
      tensors: [{ name: 'x', shape: [1, 8, 8, 4] }, { name: 'y', shape: [1, 16, 16, 4] }],
      inputs: ['x'], outputs: ['y'],
      ops: [{ op: 'MyUpsampler', custom: true, inputs: ['x'], outputs: ['y'] }],
    }],
  };
  const a = analyzeModel(unwrap(decodeTflite(buildTflite(spec))).model);
  assert.equal(a.model.graph.nodes[0]!.domain, 'tflite.custom');
  assert.equal(a.model.graph.nodes[0]!.opType, 'MyUpsampler');
  assert.deepEqual(a.shapes.values.get('y')!.shape, [1, 16, 16, 4]);
  assert.ok(a.report.warnings.some((w) => /custom operator MyUpsampler \(1 node\) has no cost model/.test(w)));
  assert.equal(a.cost.nodes[0]!.partial, true);
});
