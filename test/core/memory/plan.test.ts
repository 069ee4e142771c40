import assert from 'node:assert/strict';
import { test } from 'node:test';
import { planMemory } from '../../../src/core/memory';
import type { Graph, Node } from '../../../src/core/onnx/ir';
import type { ValueFacts } from '../../../src/core/shapes/types';

function node(opType: string, inputs: string[], outputs: string[]): Node {
  return { name: outputs[0]!, opType, domain: '', inputs, outputs, attributes: [] };
}

function facts(sizes: Record<string, number>): Map<string, ValueFacts> {
  // float tensors of `n` elements: 4n bytes each
  return new Map(Object.entries(sizes).map(([name, n]) => [name, { name, dtype: 'float', shape: [n] } as ValueFacts]));
}

function graph(nodes: Node[], inputs: string[], outputs: string[]): Graph {
  const vi = (name: string) => ({ name, type: { kind: 'tensor' as const, elemType: 'float' as const, shape: [1] } });
  return { name: 'g', nodes, initializers: [], sparseInitializers: [], inputs: inputs.map(vi), outputs: outputs.map(vi), valueInfo: [] };
}

test('a chain keeps only producer and consumer live: peak is the largest adjacent pair', () => {
  // x(100) -> a(200) -> b(50) -> y(10)
  const g = graph([node('Relu', ['x'], ['a']), node('Relu', ['a'], ['b']), node('Relu', ['b'], ['y'])], ['x'], ['y']);
  const plan = planMemory(g, facts({ x: 100, a: 200, b: 50, y: 10 }));
  assert.equal(plan.peakActivationBytes, (100 + 200) * 4);
  assert.equal(plan.peakStep, 0);
  assert.deepEqual(plan.peakTensors.map((t) => t.name).sort(), ['a', 'x']);
  // Greedy arena: a at 0..800, x beside it at 800..1200, b reuses x's place or after a; y anywhere free.
  assert.equal(plan.arenaBytes, 1200);
  assert.deepEqual(plan.liveBytesByStep, [1200, 1000, 240]);
});

test('a skip connection stays live across the branch and raises the peak', () => {
  // x -> a ; a -> b ; b -> c ; (a, c) -> y   (a is live until the Add)
  const g = graph(
    [node('Relu', ['x'], ['a']), node('Relu', ['a'], ['b']), node('Relu', ['b'], ['c']), node('Add', ['a', 'c'], ['y'])],
    ['x'],
    ['y'],
  );
  const plan = planMemory(g, facts({ x: 10, a: 100, b: 100, c: 100, y: 100 }));
  // Step 1 (b = relu(a)): a, b live (x died after step 0) = 800; step 2: a, b, c = 1200; step 3: a, c, y = 1200.
  assert.equal(plan.peakActivationBytes, 1200);
  assert.ok(plan.arenaBytes >= plan.peakActivationBytes);
  // Arena check: no two buffers that are live together overlap in memory.
  for (const p of plan.buffers) {
    for (const q of plan.buffers) {
      if (p === q) continue;
      const timeOverlap = p.firstStep <= q.lastStep && q.firstStep <= p.lastStep;
      const memOverlap = p.offset < q.offset + q.bytes && q.offset < p.offset + p.bytes;
      assert.ok(!(timeOverlap && memOverlap), `${p.name} and ${q.name} overlap`);
    }
  }
});

test('symbolic sizes are reported as unknown, not counted as zero silently', () => {
  const g = graph([node('Relu', ['x'], ['a'])], ['x'], ['a']);
  const values = new Map<string, ValueFacts>([
    ['x', { name: 'x', dtype: 'float', shape: ['N', 3] }],
    ['a', { name: 'a', dtype: 'float', shape: ['N', 3] }],
  ]);
  const plan = planMemory(g, values);
  assert.deepEqual(plan.unknownTensors.sort(), ['a', 'x']);
  assert.equal(plan.peakActivationBytes, 0);
});

test('an execution order changes the peak: branches run one after another need less memory', () => {
  // x -> p1 (big) -> q1 (small); x -> p2 (big) -> q2 (small); (q1, q2) -> y
  const nodes = [
    node('Relu', ['x'], ['p1']), node('Relu', ['x'], ['p2']), node('Relu', ['p1'], ['q1']), node('Relu', ['p2'], ['q2']),
    node('Add', ['q1', 'q2'], ['y']),
  ];
  const g = graph(nodes, ['x'], ['y']);
  const sizes = facts({ x: 10, p1: 1000, p2: 1000, q1: 10, q2: 10, y: 10 });
  const exporterOrder = planMemory(g, sizes);
  const depthFirst = planMemory(g, sizes, { order: [0, 2, 1, 3, 4] });
  assert.equal(exporterOrder.peakActivationBytes, (10 + 1000 + 1000) * 4);
  assert.equal(depthFirst.peakActivationBytes, (10 + 1000 + 10) * 4);
});
