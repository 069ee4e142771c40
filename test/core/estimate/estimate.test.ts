import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { NodeCost } from '../../../src/core/cost/types';
import type { DeviceProfile } from '../../../src/core/devices';
import { estimate, findFusedNodes, nodeRoofline, type EstimateInput } from '../../../src/core/estimate';
import type { Model, Node } from '../../../src/core/onnx/ir';

const dev = (over: Partial<DeviceProfile> = {}): DeviceProfile => ({
  id: 'toy', name: 'Toy MCU', class: 'mcu', peakOpsPerSecond: { float: 1e9, int8: 4e9 },
  efficiency: { conv: 0.5, depthwise: 0.25, matmul: 0.5, recurrent: 0.5, elementwise: 0.1, pooling: 0.1 },
  memoryBandwidthBytesPerSecond: 1e8, ramBytes: 100_000, flashBytes: 200_000, executeInPlace: true, dtypes: ['float', 'int8'],
  activePowerW: 0.5, idlePowerW: 0.01, overheadMs: 0.5, nodeOverheadMs: { conv: 0.1, elementwise: 0.05 },
  runtimeFlashBytes: 10_000, runtimeRamBytes: 2_000, sources: ['hand-made'], ...over,
});

const node = (over: Partial<NodeCost>): NodeCost => {
  const c: NodeCost = {
    index: 0, name: 'n', opType: 'Conv', domain: '', opClass: 'conv', computeDtype: 'float', macs: 0, flops: 0, params: 0,
    weightBytes: 0, inputBytes: 0, outputBytes: 0, memoryBytes: 0, partial: false, ...over,
  };
  c.memoryBytes = over.memoryBytes ?? c.weightBytes + c.inputBytes + c.outputBytes;
  return c;
};

// conv: 1e6 MACs = 2e6 ops at 1e9 x 0.5 → 4 ms; 20 kB activations at 1e8 B/s → 0.2 ms; + 0.1 ms dispatch.
const conv = node({ index: 0, name: 'conv', macs: 1e6, flops: 2e6, weightBytes: 10_000, inputBytes: 8_000, outputBytes: 12_000 });
// relu: 5e3 ops at 1e9 x 0.1 → 0.05 ms; 24 kB at 1e8 → 0.24 ms (memory-bound); + 0.05 ms.
const relu = node({ index: 1, name: 'relu', opType: 'Relu', opClass: 'elementwise', flops: 5_000, inputBytes: 12_000, outputBytes: 12_000 });

const input = (over: Partial<EstimateInput> = {}): EstimateInput => ({
  costs: [conv, relu], arenaBytes: 24_000, peakActivationBytes: 20_000, weightBytes: 10_000, ...over,
});

const close = (a: number, b: number, what: string) => assert.ok(Math.abs(a - b) < 1e-9 * Math.max(1, Math.abs(b)), `${what}: ${a} vs ${b}`);

test('per-node roofline: compute- and memory-bound nodes on hand-computed figures', () => {
  const c = nodeRoofline(conv, dev());
  close(c.computeMs, 4, 'conv compute');
  close(c.memoryMs, (20_000 / 1e8) * 1000 + (10_000 / 1e8) * 1000, 'conv memory (weights at RAM speed without flash bandwidth)');
  close(c.latencyMs, 4.1, 'conv latency');
  assert.equal(c.bound, 'compute');
  const r = nodeRoofline(relu, dev());
  close(r.computeMs, 0.05, 'relu compute');
  close(r.memoryMs, 0.24, 'relu memory');
  close(r.latencyMs, 0.29, 'relu latency');
  assert.equal(r.bound, 'memory');
});

test('weights executed in place move at flash bandwidth; small nodes at cache bandwidth; overlap=false adds', () => {
  const xip = nodeRoofline(conv, dev({ flashBandwidthBytesPerSecond: 1e7 }));
  close(xip.memoryMs, 0.2 + 1, 'activations at 1e8, 10 kB weights at 1e7');
  const cached = nodeRoofline(relu, dev({ cache: { bytes: 32_768, bandwidthBytesPerSecond: 1e9 } }));
  close(cached.memoryMs, 0.024, 'relu in cache');
  assert.equal(cached.bound, 'compute');
  const summed = nodeRoofline(relu, dev({ overlap: false }));
  close(summed.latencyMs, 0.05 + 0.24 + 0.05, 'compute + memory + dispatch');
});

test('totals: latency, energy, RAM, flash and verdicts', () => {
  const e = estimate(input(), dev(), { periodMs: 100, deadlineMs: 5 });
  close(e.latencyMs, 4.1 + 0.29 + 0.5, 'latency');
  close(e.energyMj, 0.5 * 4.89, 'energy = 0.5 W x 4.89 ms');
  close(e.energyPerPeriodMj!, 0.5 * 4.89 + 0.01 * (100 - 4.89), 'energy per 100 ms period');
  assert.equal(e.peakRamBytes, 24_000 + 2_000, 'arena + runtime (weights stay in flash)');
  assert.equal(e.flashBytes, 10_000 + 10_000, 'weights + runtime');
  assert.deepEqual(e.fits, { memory: true, storage: true, dtypes: true, operators: true, compute: true });
  close(e.resources.compute!.headroom, 5 - 4.89, 'compute headroom');
  assert.ok(e.assumptions.some((a) => /roofline/.test(a)) && e.assumptions.some((a) => /active power 0.5 W/.test(a)));

  const copied = estimate(input(), dev({ executeInPlace: false, ramBytes: 30_000 }), { deadlineMs: 4 });
  assert.equal(copied.peakRamBytes, 24_000 + 10_000 + 2_000, 'weights copied to RAM');
  assert.equal(copied.fits.memory, false);
  assert.equal(copied.fits.compute, false);
  assert.equal(copied.resources.memory.headroom, 30_000 - 36_000);
});

test('dtypes: int8 runs at the int8 peak; float on an int8-only device is flagged; missing fp16 falls back', () => {
  const q = nodeRoofline({ ...conv, computeDtype: 'int8' }, dev());
  close(q.computeMs, 1, '2e6 ops at 4e9 x 0.5');
  const npu = dev({ peakOpsPerSecond: { int8: 4e9 }, dtypes: ['int8'] });
  const e = estimate(input(), npu);
  assert.equal(e.fits.dtypes, false);
  assert.deepEqual(e.unsupportedDtypes, ['float']);
  const half = nodeRoofline({ ...conv, computeDtype: 'float16' }, dev());
  assert.equal(half.dtype, 'float');
  close(half.computeMs, 4, 'fp16 at the fp32 rate');
  const ops = estimate(input(), dev({ supportedOps: ['Conv'] }));
  assert.deepEqual(ops.unsupportedOps, ['Relu']);
});

test('fused and folded nodes cost nothing where the runtime fuses', () => {
  const fused = new Map([[1, 'fused into conv']]);
  const fusing = estimate(input({ fusedNodes: fused }), dev({ fusesActivations: true }));
  close(fusing.latencyMs, 4.1 + 0.5, 'relu folded into conv');
  const notFusing = estimate(input({ fusedNodes: fused }), dev());
  close(notFusing.latencyMs, 4.89, 'a runtime that does not fuse pays for relu');
  const folded = estimate(input({ fusedNodes: new Map([[1, 'folded (constant inputs)']]) }), dev());
  close(folded.latencyMs, 4.6, 'constant work is folded everywhere');
});

function irNode(name: string, opType: string, inputs: string[], outputs: string[]): Node {
  return { name, opType, domain: '', inputs, outputs, attributes: [] };
}

test('fusion detection: Conv→BN→Relu and Conv+Add fuse, Gemm→BN does not, shape arithmetic folds', () => {
  const t = (name: string) => ({ name, dtype: 'float' as const, dims: [1], data: { kind: 'float' as const, values: [1] } });
  const model: Model = {
    irVersion: 8, opsetImports: [{ domain: '', version: 13 }], producerName: '', producerVersion: '', domain: '', modelVersion: 0,
    docString: '', metadataProps: [], functions: [],
    graph: {
      name: 'g', sparseInitializers: [], valueInfo: [], outputs: [{ name: 'y', type: { kind: 'unknown' } }, { name: 'z', type: { kind: 'unknown' } }],
      inputs: [{ name: 'x', type: { kind: 'tensor', elemType: 'float', shape: [1, 1, 4, 4] } }],
      initializers: ['w', 'b', 's', 'm', 'v', 'gw'].map(t),
      nodes: [
        irNode('conv', 'Conv', ['x', 'w', 'b'], ['c']),
        irNode('bn', 'BatchNormalization', ['c', 's', 'b', 'm', 'v'], ['n']),
        irNode('relu', 'Relu', ['n'], ['r']),
        irNode('conv2', 'Conv', ['r', 'w'], ['c2']),
        irNode('add', 'Add', ['c2', 'r'], ['a']),
        irNode('gemm', 'Gemm', ['a', 'gw'], ['g']),
        irNode('bn2', 'BatchNormalization', ['g', 's', 'b', 'm', 'v'], ['y']),
        irNode('shape', 'Shape', ['x'], ['sh']),
        irNode('cast', 'Cast', ['sh'], ['z']),
      ],
    },
  };
  const values = new Map([['x', { name: 'x', dtype: 'float' as const, shape: [1, 1, 4, 4] }]]);
  const f = findFusedNodes(model, values);
  assert.equal(f.get(1), 'fused into conv');
  assert.equal(f.get(2), 'fused into conv');
  assert.equal(f.get(4), 'fused into conv2', 'a residual Add whose conv input has one consumer fuses into that conv');
  assert.equal(f.has(6), false, 'BN after Gemm is not fused');
  assert.match(f.get(7)!, /^folded/);
  assert.match(f.get(8)!, /^folded/);
});

test('fusion detection: LayerNorm primitives with their residual Add become one kernel; Transpose folds into MatMul', () => {
  const t = (name: string) => ({ name, dtype: 'float' as const, dims: [1], data: { kind: 'float' as const, values: [1] } });
  const perm = (n: Node, value: number[]): Node => ({ ...n, attributes: [{ name: 'perm', type: 'ints', value }] });
  const model: Model = {
    irVersion: 8, opsetImports: [{ domain: '', version: 13 }], producerName: '', producerVersion: '', domain: '', modelVersion: 0,
    docString: '', metadataProps: [], functions: [],
    graph: {
      name: 'ln', sparseInitializers: [], valueInfo: [], outputs: [{ name: 'y', type: { kind: 'unknown' } }],
      inputs: [{ name: 'a', type: { kind: 'unknown' } }, { name: 'b', type: { kind: 'unknown' } }],
      initializers: ['two', 'eps', 'gamma', 'beta', 'w'].map(t),
      nodes: [
        irNode('res', 'Add', ['a', 'b'], ['x']),
        irNode('mean', 'ReduceMean', ['x'], ['m']),
        irNode('sub', 'Sub', ['x', 'm'], ['d']),
        irNode('pow', 'Pow', ['d', 'two'], ['d2']),
        irNode('var', 'ReduceMean', ['d2'], ['v']),
        irNode('addeps', 'Add', ['v', 'eps'], ['ve']),
        irNode('sqrt', 'Sqrt', ['ve'], ['s']),
        irNode('div', 'Div', ['d', 's'], ['n']),
        irNode('scale', 'Mul', ['n', 'gamma'], ['g']),
        irNode('shift', 'Add', ['g', 'beta'], ['h']),
        perm(irNode('tr', 'Transpose', ['h'], ['ht']), [0, 2, 1]),
        irNode('mm', 'MatMul', ['ht', 'w'], ['y']),
      ],
    },
  };
  const f = findFusedNodes(model);
  assert.equal(f.has(1), false, 'the first ReduceMean carries the LayerNorm kernel');
  for (const i of [0, 2, 3, 4, 5, 6, 7, 8, 9]) assert.equal(f.get(i), 'fused into mean', model.graph.nodes[i]!.name);
  assert.equal(f.get(10), 'fused into mm');
  assert.equal(f.has(11), false);
});

test('weights listed as graph inputs (IR >= 4) are runtime weights, slowed by the profile factor', async () => {
  const { runtimeWeightNodes } = await import('../../../src/core/estimate');
  const t = (name: string) => ({ name, dtype: 'float' as const, dims: [1], data: { kind: 'float' as const, values: [1] } });
  const model: Model = {
    irVersion: 4, opsetImports: [{ domain: '', version: 9 }], producerName: '', producerVersion: '', domain: '', modelVersion: 0,
    docString: '', metadataProps: [], functions: [],
    graph: {
      name: 'old', sparseInitializers: [], valueInfo: [], outputs: [{ name: 'y', type: { kind: 'unknown' } }],
      inputs: ['x', 'w1'].map((name) => ({ name, type: { kind: 'unknown' as const } })),
      initializers: ['w1', 'w2'].map(t),
      nodes: [irNode('c1', 'Conv', ['x', 'w1'], ['a']), irNode('c2', 'Conv', ['a', 'w2'], ['y'])],
    },
  };
  assert.deepEqual([...runtimeWeightNodes(model)], [0]);
  assert.deepEqual([...runtimeWeightNodes({ ...model, irVersion: 3 })], [], 'before IR 4 initializers had to be inputs');
  const slow = estimate(input({ runtimeWeightNodes: new Set([0]) }), dev({ runtimeWeightsFactor: { conv: 2 } }));
  close(slow.latencyMs, 4 * 2 + 0.1 + 0.29 + 0.5, 'conv roofline doubled, dispatch unchanged');
  assert.ok(slow.assumptions.some((a) => /graph inputs/.test(a)));
});
