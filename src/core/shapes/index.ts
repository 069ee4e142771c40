// Shape & type inference with constant propagation for a whole model: the public surface of src/core/shapes.
// Public: inferShapes, factsFromType, factsOf, elementCount, broadcastShapes/dimProduct/allNumeric, and the types.

import type { DType } from '../onnx/dtype';
import {
  tensorElementCount, type Attribute, type FunctionDef, type Graph, type Model, type Node, type OpsetImport,
  type Shape, type TypeInfo, type ValueInfo,
} from '../onnx/ir';
import { copyFacts, UNKNOWN, type OpCtx, type OutFacts, type Rule } from './context';
import { EVALUATORS } from './fold';
import { controlRules } from './ops/control';
import { elementwiseRules } from './ops/elementwise';
import { mlRules } from './ops/ml';
import { nnRules } from './ops/nn';
import { sequenceRules } from './ops/sequence';
import { tensorRules } from './ops/tensor';
import { tfliteRules } from './ops/tflite';
import type { KnownValue, ShapeInference, ShapeOptions, ValueFacts } from './types';
import { tensorFacts } from './values';
import { allNumeric } from './dims';
import { propagateSymbolic } from './symbolic';
import { schemaFallback } from './schema-fallback';

export type { KnownValue, ShapeInference, ShapeOptions, ValueFacts } from './types';
export { broadcastShapes, dimProduct, allNumeric } from './dims';

const DEFAULT_MAX_FOLD = 1 << 16;
const DEFAULT_MAX_DEPTH = 32;

/** Rules by op type for the ai.onnx domain (and the training-preview optimizers). */
const RULES: Record<string, Rule> = {
  ...elementwiseRules, ...tensorRules, ...nnRules, ...sequenceRules, ...controlRules,
};
const RULE_DOMAINS = new Set(['', 'ai.onnx', 'ai.onnx.preview.training']);

/**
 * Rules of other domains. `declaresTypes`: the format declares every value's type (TFLite does), so while a node's
 * inputs are as declared its outputs take the declared types (the rule is checked against them), and once pinned
 * shapes change an input the rule alone decides: a declared shape never stands in for one the rule cannot know.
 */
const DOMAIN_RULES: Record<string, { rules: Record<string, Rule>; declaresTypes?: boolean }> = {
  'ai.onnx.ml': { rules: mlRules },
  tflite: { rules: tfliteRules, declaresTypes: true },
  'tflite.custom': { rules: {}, declaresTypes: true },
};

/** Ops that generate values at random: never folded. */
const NO_FOLD = new Set(['RandomUniform', 'RandomNormal', 'RandomUniformLike', 'RandomNormalLike', 'Bernoulli', 'Multinomial', 'Dropout']);

/** Names visible to a graph: its own values, then enclosing graphs'. */
class Scope {
  readonly values = new Map<string, ValueFacts>();
  constructor(readonly parent?: Scope) {}
  get(name: string): ValueFacts | undefined {
    let s: Scope | undefined = this;
    while (s) {
      const v = s.values.get(name);
      if (v) return v;
      s = s.parent;
    }
    return undefined;
  }
}

interface Engine {
  deadline?: { check(): void };
  maxFold: number;
  maxDepth: number;
  modelDir?: string;
  warnings: string[];
  warned: Set<string>;
  subgraphs: Map<object, Map<string, ValueFacts>>;
  functions: Map<string, FunctionDef>;
  /** Dim symbols fixed by the user's pins or the default batch (applied to declared types too). */
  symbols: Map<string, number>;
  /** How many unevaluated lazy folds stand behind a value. */
  lazyDepth: WeakMap<object, number>;
}

function warnOnce(eng: Engine, key: string, message: string): void {
  if (eng.warned.has(key)) return;
  eng.warned.add(key);
  eng.warnings.push(message);
}

function opsetMap(imports: readonly OpsetImport[]): Map<string, number> {
  const m = new Map<string, number>();
  for (const o of imports) m.set(o.domain === 'ai.onnx' ? '' : o.domain, o.version);
  return m;
}

/** Facts from a declared type (graph inputs, subgraph inputs). */
export function factsFromType(name: string, type: TypeInfo | undefined): ValueFacts {
  if (!type) return { name, dtype: 'undefined' };
  switch (type.kind) {
    case 'tensor': case 'sparse_tensor':
      return type.shape ? { name, dtype: type.elemType, shape: type.shape.slice() } : { name, dtype: type.elemType };
    case 'sequence': {
      const e = type.elem && factsFromType(name, type.elem);
      return { name, dtype: e?.dtype ?? 'undefined', ...(e?.shape ? { shape: e.shape } : {}), container: 'sequence' };
    }
    case 'optional': {
      const e = type.elem && factsFromType(name, type.elem);
      if (e?.container === 'sequence') return e;
      return { name, dtype: e?.dtype ?? 'undefined', ...(e?.shape ? { shape: e.shape } : {}), container: 'optional' };
    }
    case 'map': return { name, dtype: type.keyType, container: 'map' };
    default: return { name, dtype: 'undefined' };
  }
}

/** Fills what inference left unknown from a declared value_info/output type. */
function withDeclared(f: ValueFacts, decl: TypeInfo | undefined, symbols?: Map<string, number>): ValueFacts {
  if (!decl) return f;
  const d = factsFromType(f.name, decl);
  if (d.shape && symbols?.size) d.shape = d.shape.map((x) => (typeof x === 'string' && symbols.has(x) ? symbols.get(x)! : x));
  if (f.dtype === 'undefined' && d.dtype !== 'undefined') f.dtype = d.dtype;
  if (!f.container && d.container) f.container = d.container;
  if (!f.shape && d.shape) f.shape = d.shape;
  else if (f.shape && d.shape && f.shape.length === d.shape.length && f.shape.some((x) => x === null)) {
    f.shape = f.shape.map((x, i) => (x === null ? d.shape![i] : x));
  }
  return f;
}

/** Orders nodes so producers come first; nodes caught in cycles come last in file order (with a warning). */
function topoOrder(nodes: Node[], eng: Engine, where: string): Node[] {
  const producer = new Map<string, number>();
  nodes.forEach((n, i) => { for (const o of n.outputs) if (o) producer.set(o, i); });
  let sorted = true;
  for (let i = 0; i < nodes.length && sorted; i++) {
    for (const x of nodes[i].inputs) {
      const p = producer.get(x);
      if (p !== undefined && p >= i) { sorted = false; break; }
    }
  }
  if (sorted) return nodes;
  const indeg = new Array(nodes.length).fill(0);
  const users: number[][] = nodes.map(() => []);
  nodes.forEach((n, i) => {
    for (const x of n.inputs) {
      const p = producer.get(x);
      if (p !== undefined && p !== i) { indeg[i]++; users[p].push(i); }
    }
  });
  const order: number[] = [];
  const queue: number[] = [];
  indeg.forEach((d, i) => { if (d === 0) queue.push(i); });
  for (let q = 0; q < queue.length; q++) {
    const i = queue[q];
    order.push(i);
    for (const u of users[i]) if (--indeg[u] === 0) queue.push(u);
  }
  if (order.length < nodes.length) {
    const seen = new Set(order);
    const stuck = nodes.filter((_, i) => !seen.has(i));
    eng.warnings.push(`${where}: ${stuck.length} node(s) form a cycle (e.g. '${stuck[0].name || stuck[0].opType}'); their outputs may be unknown`);
    nodes.forEach((_, i) => { if (!seen.has(i)) order.push(i); });
  }
  return order.map((i) => nodes[i]);
}

/** A tensor with a zero dim has a known value: no elements (e.g. an empty `axes` input). */
function knowEmpty(f: ValueFacts): void {
  if (f.container || f.dtype === 'undefined' || !f.shape || !f.shape.includes(0) || 'value' in f) return;
  if (!f.shape.every((d) => typeof d === 'number')) return;
  f.value = { dtype: f.dtype, dims: f.shape.slice() as number[], data: f.dtype === 'string' ? [] : new Float64Array(0) };
}

/** Lazy folds chained deeper than this are evaluated on the spot, bounding recursion when values are finally read. */
const MAX_LAZY_DEPTH = 64;

function numericShape(f: ValueFacts): boolean {
  return !!f.shape && f.shape.every((d) => typeof d === 'number');
}

/**
 * Constant folding for a node whose present inputs are all known (or lazily known) and small. When the shape rule
 * already gave numeric output shapes the evaluation is deferred until someone reads `value`, so weight-sized folds
 * (sliced/concatenated LSTM weights) cost nothing unless used; otherwise it runs now and its dims become the shapes.
 */
function installFold(c: OpCtx, facts: ValueFacts[], eng: Engine): void {
  const ev = EVALUATORS[c.node.opType];
  if (!ev || NO_FOLD.has(c.node.opType) || c.node.inputs.length === 0) return;
  let depth = 0;
  for (let i = 0; i < c.node.inputs.length; i++) {
    if (c.node.inputs[i] === '') continue;
    const f = c.in[i];
    if (!f || f.container || !('value' in f) || !numericShape(f)) return;
    if (tensorElementCount(f.shape as number[]) > c.maxFold) return;
    depth = Math.max(depth, eng.lazyDepth.get(f) ?? 0);
  }
  let done = false;
  let res: (KnownValue | undefined)[] | undefined;
  const run = () => {
    if (!done) {
      done = true;
      try {
        res = ev(c, c.in.map((f, i) => (c.node.inputs[i] === '' ? undefined : f?.value)));
      } catch {
        res = undefined;
      }
    }
    return res;
  };
  const pick = (i: number) => {
    const v = run()?.[i];
    return v && v.data.length <= c.maxFold ? v : undefined;
  };
  if (depth >= MAX_LAZY_DEPTH || facts.some((f) => f.dtype === 'undefined' || !numericShape(f))) {
    facts.forEach((f, i) => {
      const v = pick(i);
      if (!v) return;
      f.dtype = v.dtype;
      f.shape = v.dims.slice();
      f.value = v;
    });
    return;
  }
  facts.forEach((f, i) => {
    if (Object.prototype.hasOwnProperty.call(f, 'value')) return;
    Object.defineProperty(f, 'value', { configurable: true, enumerable: true, get: () => pick(i) });
    eng.lazyDepth.set(f, depth + 1);
  });
}

/** Infers a node list in a scope; `declared` supplies value_info/output types as fallbacks. */
function inferNodes(
  nodes: Node[], scope: Scope, eng: Engine, opsets: Map<string, number>, depth: number, where: string,
  declared: Map<string, TypeInfo> | undefined,
): void {
  for (const node of topoOrder(nodes, eng, where)) {
    eng.deadline?.check();
    const inputs: (ValueFacts | undefined)[] = node.inputs.map((name) => {
      if (name === '') return undefined;
      const f = scope.get(name);
      if (!f) warnOnce(eng, `missing:${name}`, `${where}: value '${name}' used by node '${node.name || node.opType}' has no producer`);
      return f;
    });
    let outs: OutFacts[];
    let fold: OpCtx | undefined;
    let typed = false;
    try {
      ({ outs, fold, typed = false } = inferNode(node, inputs, scope, eng, opsets, depth, where, declared));
    } catch (e) {
      warnOnce(eng, `err:${node.opType}`, `${where}: shape rule for ${node.opType} failed on node '${node.name}': ${(e as Error).message}`);
      outs = [];
    }
    const facts: ValueFacts[] = node.outputs.map((name, i) => {
      // Rules return fresh objects, which become the facts as they are; shared ones are copied first.
      const o = outs[i];
      const shared = !o || o === UNKNOWN || outs.indexOf(o) !== i || inputs.includes(o as ValueFacts);
      const f = (shared ? copyFacts(o ?? { dtype: 'undefined' as DType }) : o) as ValueFacts;
      f.name = name;
      if (f.shape && f.shape.some((d) => typeof d === 'number' && (d < 0 || !Number.isFinite(d)))) delete f.shape;
      return f;
    });
    if (fold) installFold(fold, facts, eng);
    for (const f of facts) knowEmpty(f);
    node.outputs.forEach((name, i) => {
      if (!name) return;
      scope.values.set(name, declared && !typed ? withDeclared(facts[i], declared.get(name), eng.symbols) : facts[i]);
    });
  }
}

/** A rule's view of one node; a class so that no closures are made per node. */
class NodeCtx implements OpCtx {
  readonly maxFold: number;
  readonly in: (ValueFacts | undefined)[];
  constructor(
    readonly node: Node, readonly opset: number, inputs: (ValueFacts | undefined)[], private readonly scope: Scope,
    private readonly eng: Engine, private readonly opsets: Map<string, number>, private readonly depth: number,
    private readonly where: string,
  ) {
    this.maxFold = eng.maxFold;
    this.in = inputs;
  }
  warn(m: string): void {
    warnOnce(this.eng, m, `${this.where}: ${m}`);
  }
  lookup(name: string): ValueFacts | undefined {
    return this.scope.get(name);
  }
  subgraph(g: Graph, args: (OutFacts | undefined)[]): OutFacts[] {
    const where = `${this.where} > ${this.node.opType} '${this.node.name}'`;
    return inferSubgraph(g, args, this.scope, this.eng, this.opsets, this.depth + 1, where);
  }
}

function inferNode(
  node: Node, inputs: (ValueFacts | undefined)[], scope: Scope, eng: Engine, opsets: Map<string, number>, depth: number,
  where: string, declared?: Map<string, TypeInfo>,
): { outs: OutFacts[]; fold?: OpCtx; typed?: boolean } {
  const domain = node.domain === 'ai.onnx' ? '' : node.domain;
  const fn = eng.functions.get(`${domain}\u0000${node.opType}`);
  if (fn) return { outs: inferFunctionCall(node, fn, inputs, eng, depth, where) };
  const spec = DOMAIN_RULES[domain];
  const rule = RULE_DOMAINS.has(domain) ? RULES[node.opType] : spec?.rules[node.opType];
  const c = new NodeCtx(node, opsets.get(domain) ?? 21, inputs, scope, eng, opsets, depth, where);
  if (spec?.declaresTypes) return { outs: inferAsDeclared(c, rule, declared, eng), typed: true };
  if (!rule) {
    const typed = schemaFallback(c, domain);
    const what = typed ? 'shapes are unknown (dtypes from its schema)' : 'its outputs are unknown';
    warnOnce(eng, `op:${domain}:${node.opType}`, `no shape rule for ${domain ? domain + '.' : ''}${node.opType} (e.g. node '${node.name}'): ${what}`);
    return { outs: typed ?? [] };
  }
  const outs = rule(c);
  propagateSymbolic(c, outs);
  return { outs, fold: c };
}

/** A declared type's facts with the dims fixed by pins or the default batch substituted. */
function declaredFacts(name: string, declared: Map<string, TypeInfo> | undefined, eng: Engine): ValueFacts | undefined {
  const t = declared?.get(name);
  if (!t) return undefined;
  const f = factsFromType(name, t);
  if (f.shape && eng.symbols.size) f.shape = f.shape.map((d) => (typeof d === 'string' && eng.symbols.has(d) ? eng.symbols.get(d)! : d));
  return f;
}

function sameShape(a: Shape | undefined, b: Shape | undefined): boolean {
  return !!a && !!b && a.length === b.length && a.every((d, i) => d === b[i]);
}

/** Outputs of a node whose format declares every type (see DOMAIN_RULES). */
function inferAsDeclared(c: NodeCtx, rule: Rule | undefined, declared: Map<string, TypeInfo> | undefined, eng: Engine): OutFacts[] {
  const node = c.node;
  const asDeclared = node.inputs.every((name, i) => {
    if (!name) return true;
    const d = declaredFacts(name, declared, eng);
    return !d?.shape || sameShape(c.in[i]?.shape, d.shape);
  });
  let ruled: OutFacts[] | undefined;
  try {
    ruled = rule?.(c);
  } catch {
    ruled = undefined;
  }
  const label = `${node.domain}.${node.opType}`;
  return node.outputs.map((name, i) => {
    const d = name ? declaredFacts(name, declared, eng) : undefined;
    const r = ruled?.[i];
    // The file's element type wins (quantized types); without one, the rule's, else the first input's.
    const dtype = d && d.dtype !== 'undefined' ? d.dtype : r && r.dtype !== 'undefined' ? r.dtype : (c.in[0]?.dtype ?? 'undefined');
    const known = r && Object.getOwnPropertyDescriptor(r, 'value')?.value !== undefined ? { value: r.value } : {};
    if (asDeclared && d?.shape) {
      if (r?.shape && allNumeric(r.shape) && allNumeric(d.shape) && !sameShape(r.shape, d.shape)) {
        warnOnce(eng, `decl:${label}`, `shape rule for ${label} gives [${r.shape.join(', ')}] for '${name}', the file declares [${d.shape.join(', ')}]: the file's shape is used`);
      }
      return { dtype, shape: d.shape.slice(), ...known };
    }
    if (!r || !r.shape) {
      if (!rule) warnOnce(eng, `op:${label}`, `no shape rule for ${label} (e.g. node '${node.name}'): with pinned input shapes its outputs are unknown`);
      return { dtype };
    }
    return { ...r, dtype };
  });
}

/** Infers a subgraph with its formal inputs bound to `args` (declared types fill in what args leave unknown). */
function inferSubgraph(
  g: Graph, args: (OutFacts | undefined)[], parent: Scope, eng: Engine, opsets: Map<string, number>, depth: number,
  where: string,
): OutFacts[] {
  if (depth > eng.maxDepth) {
    warnOnce(eng, 'depth', `${where}: subgraphs nest deeper than ${eng.maxDepth}; inner outputs are unknown`);
    return g.outputs.map(() => ({ dtype: 'undefined' }));
  }
  const scope = new Scope(parent);
  g.inputs.forEach((vi, i) => {
    const a = args[i];
    const f = (a ? Object.assign(copyFacts(a), { name: vi.name }) : { name: vi.name, dtype: 'undefined' }) as ValueFacts;
    const bound = withDeclared(f, vi.type, eng.symbols);
    knowEmpty(bound);
    scope.values.set(vi.name, bound);
  });
  for (const t of g.initializers) if (!scope.values.has(t.name)) scope.values.set(t.name, tensorFacts(t.name, t, eng.maxFold, eng.modelDir));
  for (const vi of g.states ?? []) if (!scope.values.has(vi.name)) scope.values.set(vi.name, factsFromType(vi.name, vi.type));
  inferNodes(g.nodes, scope, eng, opsets, depth, where, declaredTypes(g));
  eng.subgraphs.set(g, scope.values);
  return g.outputs.map((vi) => {
    const f = scope.get(vi.name);
    return f ? copyFacts(f) : { dtype: 'undefined' };
  });
}

function declaredTypes(g: Graph): Map<string, TypeInfo> | undefined {
  if (g.valueInfo.length === 0 && g.outputs.length === 0) return undefined;
  const m = new Map<string, TypeInfo>();
  // Inputs and states are never node outputs, so ONNX's fill-in is unchanged; typed domains compare against them.
  for (const vi of [...g.inputs, ...(g.states ?? [])]) m.set(vi.name, vi.type);
  for (const vi of g.valueInfo) m.set(vi.name, vi.type);
  for (const vi of g.outputs) m.set(vi.name, vi.type);
  return m;
}

/** Model-local functions are inferred by inlining: formal inputs take the caller's facts, attributes are resolved. */
function inferFunctionCall(
  node: Node, fn: FunctionDef, inputs: (ValueFacts | undefined)[], eng: Engine, depth: number, where: string,
): OutFacts[] {
  if (depth > eng.maxDepth) {
    warnOnce(eng, 'fdepth', `${where}: functions nest deeper than ${eng.maxDepth}; outputs of '${fn.name}' are unknown`);
    return [];
  }
  const scope = new Scope();
  fn.inputs.forEach((name, i) => { if (inputs[i]) scope.values.set(name, Object.assign(copyFacts(inputs[i]!), { name }) as ValueFacts); });
  const attrs = new Map<string, Attribute>();
  for (const a of fn.attributeDefaults) attrs.set(a.name, a);
  for (const a of node.attributes) attrs.set(a.name, a);
  const resolved = fn.nodes.map((n) => {
    if (!n.attributes.some((a) => a.refAttrName)) return n;
    const list: Attribute[] = [];
    for (const a of n.attributes) {
      if (!a.refAttrName) { list.push(a); continue; }
      const v = attrs.get(a.refAttrName);
      if (v) list.push({ ...v, name: a.name, refAttrName: undefined });
    }
    return { ...n, attributes: list };
  });
  const opsets = opsetMap(fn.opsetImports);
  inferNodes(resolved, scope, eng, opsets, depth + 1, `${where} > function ${fn.name}`, undefined);
  return fn.outputs.map((name) => {
    const f = scope.get(name);
    return f ? copyFacts(f) : { dtype: 'undefined' };
  });
}

/**
 * Graph-input facts after the user's pins and the default batch. A symbol fixed by a pin or by the default batch takes
 * that size in every input that uses it (`state [2,batch,128]` follows `input [batch,sequence]`).
 */
function bindGraphInputs(
  inputs: ValueInfo[], options: ShapeOptions, assumptions: string[], symbols: Map<string, number>,
): ValueFacts[] {
  const facts = inputs.map((vi) => factsFromType(vi.name, vi.type));
  facts.forEach((f, i) => {
    const pinned = options.inputShapes?.[inputs[i].name];
    if (!pinned) return;
    const declared = f.shape;
    if (declared && declared.length === pinned.length) {
      declared.forEach((d, k) => { if (typeof d === 'string' && typeof pinned[k] === 'number') symbols.set(d, pinned[k] as number); });
    }
    f.shape = pinned.slice();
    delete f.value;
  });
  if (options.defaultBatch !== undefined) {
    facts.forEach((f, i) => {
      if (options.inputShapes?.[inputs[i].name] || !f.shape || f.shape.length === 0 || f.container) return;
      const d0 = f.shape[0];
      if (typeof d0 === 'number' || (typeof d0 === 'string' && symbols.has(d0))) return;
      assumptions.push(`input '${inputs[i].name}': dim 0 ${d0 === null ? '(unknown)' : `'${d0}'`} taken as ${options.defaultBatch}`);
      if (d0 === null) f.shape = [options.defaultBatch!, ...f.shape.slice(1)];
      else symbols.set(d0, options.defaultBatch!);
    });
  }
  if (symbols.size) {
    facts.forEach((f, i) => {
      if (options.inputShapes?.[inputs[i].name] || !f.shape) return;
      f.shape = f.shape.map((d) => (typeof d === 'string' && symbols.has(d) ? symbols.get(d)! : d));
    });
  }
  facts.forEach((f, i) => {
    const given = options.inputValues?.[inputs[i].name];
    if (given === undefined || f.container) return;
    // Every element equals the given number; an input of unknown rank is taken as a scalar.
    if (f.shape && !f.shape.every((d) => typeof d === 'number')) return;
    const dims = (f.shape ?? []) as number[];
    f.shape = dims.slice();
    f.value = { dtype: f.dtype, dims: dims.slice(), data: new Float64Array(tensorElementCount(dims)).fill(given) };
    assumptions.push(`input '${inputs[i].name}' = ${given} (given with --value)`);
  });
  return facts;
}

/**
 * Infers dtype, shape and (for small tensors) the value of every value in the model. Never throws: ops it cannot infer
 * get unknown outputs and one warning per op type.
 */
export function inferShapes(model: Model, options: ShapeOptions = {}): ShapeInference {
  const eng: Engine = {
    maxFold: options.maxFoldElements ?? DEFAULT_MAX_FOLD,
    maxDepth: options.maxDepth ?? DEFAULT_MAX_DEPTH,
    modelDir: options.modelDir,
    warnings: [],
    warned: new Set(),
    subgraphs: new Map(),
    functions: new Map(),
    symbols: new Map(),
    lazyDepth: new WeakMap(),
    deadline: options.deadline,
  };
  for (const f of model.functions) eng.functions.set(`${f.domain === 'ai.onnx' ? '' : f.domain}\u0000${f.name}`, f);
  const assumptions: string[] = [];
  const g = model.graph;
  const scope = new Scope();
  const inits = new Map(g.initializers.map((t) => [t.name, t]));
  // IR<4 style: an input that also has an initializer is a constant, unless the user pins its shape.
  const realInputs = g.inputs.filter((vi) => !inits.has(vi.name) || options.inputShapes?.[vi.name]);
  for (const f of bindGraphInputs(realInputs, options, assumptions, eng.symbols)) {
    knowEmpty(f);
    scope.values.set(f.name, f);
  }
  for (const name of Object.keys(options.inputShapes ?? {})) {
    if (!g.inputs.some((vi) => vi.name === name)) eng.warnings.push(`--input-shape names '${name}', which is not a graph input`);
  }
  for (const t of g.initializers) {
    if (!scope.values.has(t.name)) scope.values.set(t.name, tensorFacts(t.name, t, eng.maxFold, eng.modelDir));
  }
  for (const s of g.sparseInitializers) {
    const name = s.values.name;
    if (name && !scope.values.has(name)) scope.values.set(name, { name, dtype: s.values.dtype, shape: s.dims.slice() });
  }
  for (const vi of g.states ?? []) if (!scope.values.has(vi.name)) scope.values.set(vi.name, factsFromType(vi.name, vi.type));
  const opsets = opsetMap(model.opsetImports);
  inferNodes(g.nodes, scope, eng, opsets, 0, 'graph', declaredTypes(g));
  return { values: scope.values, subgraphs: eng.subgraphs, assumptions, warnings: eng.warnings };
}

/** Facts of one value, or undefined when the graph has no such name. */
export function factsOf(shapes: ShapeInference, name: string): ValueFacts | undefined {
  return shapes.values.get(name);
}

/** Elements of a value when every dim is a number. */
export function elementCount(shape: Shape | undefined): number | undefined {
  if (!shape || shape.some((d) => typeof d !== 'number')) return undefined;
  return tensorElementCount(shape as number[]);
}

