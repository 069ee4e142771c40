// Scores shape inference against the ONNX node conformance suite: inferred dtype+shape of every output vs reference data.
// Run: npm run conformance [-- --verbose] [-- --filter substring] [-- --dir other/suite/folder]

import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import protobuf from 'protobufjs/light.js';
import { decodeModel, decodeTensor } from '../src/core/onnx/decode';
import type { DType } from '../src/core/onnx/dtype';
import type { Graph, Model, Node, Tensor, TypeInfo } from '../src/core/onnx/ir';
import { inferShapes } from '../src/core/shapes/index';
import type { ValueFacts } from '../src/core/shapes/types';

export const SUITE_DIR = '/usr/share/libonnx-testdata/data/node';

/** A reference value from a test_data_set .pb file. */
export type Expected =
  | { kind: 'tensor'; tensor: Tensor }
  | { kind: 'sequence'; elems: Expected[] }
  | { kind: 'optional'; elem?: Expected };

function decodeValue(bytes: Uint8Array, type: TypeInfo): Expected | undefined {
  if (type.kind === 'sequence' || type.kind === 'optional') {
    const r = protobuf.Reader.create(bytes);
    const parts: Expected[] = [];
    while (r.pos < r.len) {
      const tag = r.uint32();
      const field = tag >>> 3;
      if (field === 3 || field === 5) {
        const inner = r.bytes();
        const elemType: TypeInfo = field === 3 ? { kind: 'tensor', elemType: 'undefined' } : { kind: 'sequence' };
        const v = decodeValue(inner, type.kind === 'optional' && type.elem ? type.elem : elemType);
        if (v) parts.push(v);
      } else r.skipType(tag & 7);
    }
    return type.kind === 'sequence' ? { kind: 'sequence', elems: parts } : { kind: 'optional', elem: parts[0] };
  }
  const t = decodeTensor(bytes);
  return t.ok ? { kind: 'tensor', tensor: t.value } : undefined;
}

function sameDims(a: readonly unknown[] | undefined, b: readonly number[]): boolean {
  return !!a && a.length === b.length && a.every((d, i) => d === b[i]);
}

/** A hit needs the exact dtype and every dim as the right number (symbols and unknowns miss). */
export function matches(f: Omit<ValueFacts, 'name'> | undefined, e: Expected): boolean {
  if (!f) return false;
  if (e.kind === 'tensor') return !f.container && f.dtype === e.tensor.dtype && sameDims(f.shape, e.tensor.dims);
  if (e.kind === 'optional') {
    if (!e.elem) return f.container === 'optional' || f.container === 'sequence';
    if (e.elem.kind === 'tensor') return f.dtype === e.elem.tensor.dtype && sameDims(f.shape, e.elem.tensor.dims);
    return matches(f, e.elem);
  }
  if (f.container !== 'sequence' || !f.elements || f.elements.length !== e.elems.length) return false;
  return e.elems.every((x, i) => matches(f.elements![i], x));
}

function stripShapes(type: TypeInfo): TypeInfo {
  switch (type.kind) {
    case 'tensor': case 'sparse_tensor': return { kind: type.kind, elemType: type.elemType };
    case 'sequence': case 'optional': return { kind: type.kind, elem: type.elem && stripShapes(type.elem) };
    default: return type;
  }
}

/** Tests whose uint16 reference outputs were read as the bfloat16 the model declares. */
export const bfloat16Relabelled: string[] = [];

export function stripGraph(g: Graph): void {
  g.valueInfo = [];
  g.outputs = g.outputs.map((o) => ({ ...o, type: stripShapes(o.type) }));
  for (const n of g.nodes) {
    for (const a of n.attributes) {
      if (a.type === 'graph') stripGraph(a.value);
      else if (a.type === 'graphs') a.value.forEach(stripGraph);
    }
  }
}

interface TestCase {
  name: string;
  model: Model;
  inputs: (Expected | undefined)[];
  outputs: (Expected | undefined)[];
}

export function loadCase(dir: string, name: string): TestCase | string {
  const m = decodeModel(readFileSync(join(dir, 'model.onnx')));
  if (!m.ok) return `model does not decode: ${m.error.message}`;
  const model = m.value;
  const data = join(dir, 'test_data_set_0');
  if (!existsSync(data)) return 'no test_data_set_0';
  const files = readdirSync(data);
  const read = (prefix: string, types: TypeInfo[]) => types.map((t, i) => {
    const f = `${prefix}_${i}.pb`;
    return files.includes(f) ? decodeValue(readFileSync(join(data, f)), t) : undefined;
  });
  const inputs = read('input', model.graph.inputs.map((v) => v.type));
  const outputs = read('output', model.graph.outputs.map((v) => v.type));
  // This suite's reference files store bfloat16 tensors as their uint16 bit patterns; the model declares bfloat16.
  const relabel = (vis: { type: TypeInfo }[], vals: (Expected | undefined)[]) => vis.forEach((o, i) => {
    const e = vals[i];
    if (e?.kind === 'tensor' && e.tensor.dtype === 'uint16' && o.type.kind === 'tensor' && o.type.elemType === 'bfloat16') {
      e.tensor = { ...e.tensor, dtype: 'bfloat16' };
      if (!bfloat16Relabelled.includes(name)) bfloat16Relabelled.push(name);
    }
  });
  relabel(model.graph.inputs, inputs);
  relabel(model.graph.outputs, outputs);
  // Reference outputs are compared; value_info and declared output shapes (of subgraphs too) are what inference must
  // produce itself.
  stripGraph(model.graph);
  return { name, model, inputs, outputs };
}

/** The model with each test input bound as a constant (initializer, or Constant/SequenceConstruct nodes). */
export function bindInputs(tc: TestCase): Model {
  const g: Graph = { ...tc.model.graph, initializers: [...tc.model.graph.initializers], inputs: [], nodes: [] };
  const pre: Node[] = [];
  const node = (opType: string, inputs: string[], outputs: string[], attributes: Node['attributes'] = []): Node =>
    ({ name: outputs[0], opType, domain: '', inputs, outputs, attributes });
  const bind = (name: string, v: Expected, type: TypeInfo): void => {
    if (v.kind === 'tensor') {
      g.initializers.push({ ...v.tensor, name });
      return;
    }
    if (v.kind === 'sequence') {
      const parts = v.elems.map((e, i) => { const n = `${name}__elem${i}`; bind(n, e, { kind: 'tensor', elemType: 'undefined' }); return n; });
      if (parts.length) pre.push(node('SequenceConstruct', parts, [name]));
      else {
        const elem = type.kind === 'sequence' && type.elem?.kind === 'tensor' ? type.elem.elemType : 'float';
        pre.push(node('SequenceEmpty', [], [name], [{ name: 'dtype', type: 'int', value: dtypeCodeOf(elem) }]));
      }
      return;
    }
    if (v.elem) {
      const inner = `${name}__value`;
      bind(inner, v.elem, type.kind === 'optional' && type.elem ? type.elem : type);
      pre.push(node('Optional', [inner], [name]));
    } else {
      pre.push(node('Optional', [], [name], [{ name: 'type', type: 'type_proto', value: type.kind === 'optional' && type.elem ? type.elem : type }]));
    }
  };
  tc.model.graph.inputs.forEach((vi, i) => {
    const v = tc.inputs[i];
    if (v) bind(vi.name, v, vi.type);
    else g.inputs.push(vi);
  });
  g.nodes = [...pre, ...tc.model.graph.nodes];
  return { ...tc.model, graph: g };
}

import { dtypeCode } from '../src/core/onnx/dtype';
function dtypeCodeOf(d: DType): number {
  return dtypeCode(d);
}

export interface ModeResult {
  hits: number;
  total: number;
  /** Missed test names by the op type producing the first missed output. */
  misses: Map<string, string[]>;
}

export interface ConformanceResult {
  tests: number;
  excluded: { name: string; reason: string }[];
  unknownValues: ModeResult;
  constantInputs: ModeResult;
  inferMs: number;
}

function score(tc: TestCase, model: Model, r: ModeResult): void {
  r.total++;
  const shapes = inferShapes(model);
  const outs = tc.model.graph.outputs;
  for (let i = 0; i < outs.length; i++) {
    const exp = tc.outputs[i];
    if (!exp) continue;
    if (!matches(shapes.values.get(outs[i].name), exp)) {
      const producer = model.graph.nodes.find((n) => n.outputs.includes(outs[i].name));
      const key = producer ? producer.opType : '(graph input)';
      const list = r.misses.get(key) ?? [];
      list.push(tc.name);
      r.misses.set(key, list);
      return;
    }
  }
  r.hits++;
}

export function runConformance(filter?: string, suiteDir = SUITE_DIR): ConformanceResult | undefined {
  if (!existsSync(suiteDir)) return undefined;
  const names = readdirSync(suiteDir).filter((n) => !filter || n.includes(filter)).sort();
  const res: ConformanceResult = {
    tests: names.length,
    excluded: [],
    unknownValues: { hits: 0, total: 0, misses: new Map() },
    constantInputs: { hits: 0, total: 0, misses: new Map() },
    inferMs: 0,
  };
  for (const name of names) {
    const tc = loadCase(join(suiteDir, name), name);
    if (typeof tc === 'string') { res.excluded.push({ name, reason: tc }); continue; }
    if (tc.outputs.every((o) => !o)) { res.excluded.push({ name, reason: 'no reference outputs' }); continue; }
    const t0 = performance.now();
    score(tc, tc.model, res.unknownValues);
    score(tc, bindInputs(tc), res.constantInputs);
    res.inferMs += performance.now() - t0;
  }
  return res;
}

function pct(r: ModeResult): string {
  return `${r.hits}/${r.total} = ${((100 * r.hits) / Math.max(1, r.total)).toFixed(1)}%`;
}

function printMisses(r: ModeResult, verbose: boolean): void {
  const rows = [...r.misses].sort((a, b) => b[1].length - a[1].length);
  for (const [op, tests] of rows) {
    console.log(`  ${op} (${tests.length}): ${verbose ? tests.join(' ') : tests.slice(0, 6).join(' ') + (tests.length > 6 ? ' ...' : '')}`);
  }
}

function main(): number {
  const args = process.argv.slice(2);
  const verbose = args.includes('--verbose');
  const fi = args.indexOf('--filter');
  const di = args.indexOf('--dir');
  const dir = di >= 0 ? args[di + 1] : SUITE_DIR;
  const res = runConformance(fi >= 0 ? args[fi + 1] : undefined, dir);
  if (!res) {
    console.error(`conformance: the ONNX test suite is not installed at ${dir} (apt install libonnx-testdata)`);
    return 2;
  }
  console.log(`ONNX conformance (${dir}): ${res.tests} tests, inference ${res.inferMs.toFixed(0)} ms total (both modes)`);
  if (res.excluded.length) {
    console.log(`excluded ${res.excluded.length}:`);
    for (const e of res.excluded) console.log(`  ${e.name}: ${e.reason}`);
  }
  if (bfloat16Relabelled.length) {
    console.log(`note: ${bfloat16Relabelled.length} reference output(s) stored as uint16 bit patterns compared as the declared bfloat16: ${bfloat16Relabelled.join(' ')}`);
  }
  console.log(`(a) graph inputs as unknown values: ${pct(res.unknownValues)}`);
  printMisses(res.unknownValues, verbose);
  console.log(`(b) test inputs bound as constants: ${pct(res.constantInputs)}`);
  printMisses(res.constantInputs, verbose);
  return 0;
}

if (/conformance\.ts$/.test(process.argv[1] ?? '')) process.exitCode = main();
