// Owns the static evaluator: runs the statically knowable subset of a script (constants, module constructors,
// forward() over tensor shapes) without executing Python, recording parameters, shapes and MACs per module path.
import type { Node } from 'web-tree-sitter';
import { LAYERS, flattenShape, isKnownShape, prod, upsampleShape, type Args } from './layers';
import { timmArchitecture, torchvisionArchitecture, type KnownArchitecture } from './known-architectures';
import { callArgs, kids, rangeOf } from './syntax';
import type { Shape } from './types';
import { NONE, UNKNOWN, fromArg, num, toArg, type ClassInfo, type ModSpec, type Value } from './values';

/** One application of a module in forward(): where, with which shapes, at what cost. */
export interface TraceEntry {
  path: string;
  typeName: string;
  inputShape: Shape | null;
  outputShape: Shape | null;
  macs: number | null;
}

export interface Trace {
  entries: TraceEntry[];
  /** Set when the walk met something it cannot follow; totals are then unknown. */
  incomplete?: string;
  /** Module paths whose forward() could not be followed completely. */
  incompletePaths: string[];
  /** Shapes at every user module / container call, by path. */
  modules: Map<string, { inputShape?: Shape; outputShape?: Shape }>;
}

export interface EvalContext {
  imports: Map<string, string>;
  globals: Map<string, Value>;
  /** nn.Module subclasses defined in the file. */
  moduleClasses: Map<string, ClassInfo>;
  functions: Map<string, Node>;
  /** Remaining evaluation steps: bounds work on pathological input. */
  budget: { steps: number };
  trace?: Trace;
}

interface Scope {
  vars: Map<string, Value>;
  parent?: Scope;
  /** `self` inside a module method, with the module path it sits at in the traced model. */
  self?: { m: ModSpec; path: string };
  /** 'script' skips loop bodies (training loops) and follows both arms of unknown conditions. */
  mode: 'init' | 'forward' | 'script' | 'function';
  depth: number;
}

class Return {
  constructor(readonly value: Value) {}
}

const MAX_LOOP = 512;
const MAX_DEPTH = 24;
const CONTAINERS = new Set(['Sequential', 'ModuleList', 'ModuleDict']);
const SHAPE_PRESERVING = new Set([
  'relu', 'relu6', 'gelu', 'silu', 'sigmoid', 'tanh', 'hardswish', 'hardsigmoid', 'leaky_relu', 'elu', 'mish', 'softmax',
  'log_softmax', 'dropout', 'dropout2d', 'contiguous', 'float', 'half', 'to', 'clone', 'detach', 'cpu', 'cuda', 'abs', 'exp',
  'neg', 'sqrt', 'relu_', 'sigmoid_', 'normalize', 'batch_norm', 'layer_norm', 'clamp', 'clip', 'type_as', 'requires_grad_',
]);

export function lookup(scope: Scope | undefined, name: string, ctx: EvalContext): Value {
  for (let s = scope; s; s = s.parent) {
    const v = s.vars.get(name);
    if (v) return v;
  }
  const g = ctx.globals.get(name);
  if (g) return g;
  const imp = ctx.imports.get(name);
  if (imp) return { k: 'ref', path: imp };
  const cls = ctx.moduleClasses.get(name);
  if (cls) return { k: 'class', cls };
  const fn = ctx.functions.get(name);
  if (fn) return { k: 'func', node: fn };
  if (BUILTINS.has(name)) return { k: 'ref', path: `builtins.${name}` };
  // Scripts pasted without imports still mean torch's nn / F.
  if (name === 'nn') return { k: 'ref', path: 'torch.nn' };
  if (name === 'torch') return { k: 'ref', path: 'torch' };
  if (name === 'F') return { k: 'ref', path: 'torch.nn.functional' };
  return UNKNOWN;
}

const BUILTINS = new Set(['range', 'len', 'int', 'float', 'min', 'max', 'sum', 'enumerate', 'zip', 'list', 'tuple', 'round', 'abs', 'reversed', 'bool', 'dict', 'str', 'super', 'print', 'isinstance', 'setattr', 'getattr']);

export function newScope(mode: Scope['mode'], parent?: Scope, self?: Scope['self']): Scope {
  return { vars: new Map(), parent, self, mode, depth: (parent?.depth ?? 0) + 1 };
}

function step(ctx: EvalContext): boolean {
  return --ctx.budget.steps > 0;
}

function truthy(v: Value): boolean | undefined {
  switch (v.k) {
    case 'num':
      return v.v !== 0;
    case 'bool':
      return v.v;
    case 'str':
      return v.v.length > 0;
    case 'none':
      return false;
    case 'list':
      return v.items.length > 0;
    case 'mod':
    case 'class':
    case 'func':
      return true;
    default:
      return undefined;
  }
}

function iterate(v: Value): Value[] | undefined {
  if (v.k === 'list') return v.items;
  if (v.k === 'str') return [...v.v].map((c) => ({ k: 'str', v: c }) as Value);
  if (v.k === 'dict') return [...v.entries.keys()].map((key) => ({ k: 'str', v: key }) as Value);
  if (v.k === 'mod' && (v.m.typeName === 'ModuleList' || v.m.typeName === 'Sequential')) {
    return [...v.m.children.entries()].map(([key, m]) => ({ k: 'mod', m, path: joinPath(v.path, key) }) as Value);
  }
  return undefined;
}

export function joinPath(prefix: string | undefined, key: string): string | undefined {
  if (prefix === undefined) return undefined;
  return prefix === '' ? key : `${prefix}.${key}`;
}

// ---------------------------------------------------------------- statements

export function execBlock(block: Node | null, scope: Scope, ctx: EvalContext, stopAt?: Node): void {
  for (const st of kids(block)) {
    if (stopAt && st.startIndex >= stopAt.startIndex) return;
    if (stopAt && st.endIndex >= stopAt.endIndex && st.startIndex <= stopAt.startIndex) {
      // The stop point is inside this compound statement: descend into it.
      execCompoundUntil(st, scope, ctx, stopAt);
      return;
    }
    execStatement(st, scope, ctx);
  }
}

function execCompoundUntil(st: Node, scope: Scope, ctx: EvalContext, stopAt: Node): void {
  for (const field of ['body', 'consequence', 'alternative']) {
    for (const b of st.childrenForFieldName(field)) {
      if (b.startIndex <= stopAt.startIndex && b.endIndex >= stopAt.endIndex) {
        if (b.type === 'block') execBlock(b, scope, ctx, stopAt);
        else execCompoundUntil(b, scope, ctx, stopAt);
        return;
      }
    }
  }
  for (const c of kids(st)) {
    if (c.type === 'block' && c.startIndex <= stopAt.startIndex && c.endIndex >= stopAt.endIndex) execBlock(c, scope, ctx, stopAt);
  }
}

function markIncomplete(ctx: EvalContext, scope: Scope, why: string): void {
  if (scope.mode === 'forward' && ctx.trace) {
    ctx.trace.incomplete ??= why;
    ctx.trace.incompletePaths.push(scope.self?.path ?? '');
  }
  if (scope.mode === 'init' && scope.self && !scope.self.m.unknownReason) scope.self.m.unknownReason = why;
}

export function execStatement(st: Node, scope: Scope, ctx: EvalContext): void {
  if (!step(ctx)) return;
  switch (st.type) {
    case 'expression_statement': {
      for (const e of kids(st)) {
        if (e.type === 'assignment') execAssignment(e, scope, ctx);
        else if (e.type === 'augmented_assignment') execAugmented(e, scope, ctx);
        else evaluate(e, scope, ctx);
      }
      return;
    }
    case 'return_statement': {
      const e = kids(st)[0];
      throw new Return(e ? evaluate(e, scope, ctx) : NONE);
    }
    case 'if_statement':
      return execIf(st, scope, ctx);
    case 'for_statement':
      return execFor(st, scope, ctx);
    case 'with_statement':
    case 'try_statement':
      execBlock(st.childForFieldName('body'), scope, ctx);
      return;
    case 'while_statement':
      if (scope.mode === 'init' || scope.mode === 'forward') markIncomplete(ctx, scope, `a while loop at line ${st.startPosition.row + 1}`);
      return;
    case 'decorated_definition':
    case 'function_definition':
    case 'class_definition':
    case 'import_statement':
    case 'import_from_statement':
    case 'pass_statement':
    case 'comment':
      return;
    default:
      return;
  }
}

function execIf(st: Node, scope: Scope, ctx: EvalContext): void {
  const cond = st.childForFieldName('condition');
  const t = cond ? truthy(evaluate(cond, scope, ctx)) : undefined;
  if (t === true) return execBlock(st.childForFieldName('consequence'), scope, ctx);
  const alternatives = st.childrenForFieldName('alternative');
  if (t === false) {
    for (const alt of alternatives) {
      if (alt.type === 'else_clause') return execBlock(alt.childForFieldName('body'), scope, ctx);
      const c = alt.childForFieldName('condition');
      const ct = c ? truthy(evaluate(c, scope, ctx)) : undefined;
      if (ct === true) return execBlock(alt.childForFieldName('consequence'), scope, ctx);
      if (ct === undefined) return unknownBranch(st, scope, ctx);
    }
    return;
  }
  unknownBranch(st, scope, ctx);
}

/** Whether a block could register modules or parameters (self.x = ..., .append, add_module, setattr...). */
const REGISTERS = /\bself\.\w+(\[[^\]]*\])?\s*=[^=]|\.(append|extend|insert|add_module|register_module|register_parameter)\s*\(|\bsetattr\s*\(|\bsuper\(|\+=/;

function mayRegister(n: Node | null): boolean {
  return !!n && REGISTERS.test(n.text);
}

function unknownBranch(st: Node, scope: Scope, ctx: EvalContext): void {
  if (scope.mode === 'script' || scope.mode === 'function') {
    // Top-level code: follow every arm so assignments (model = ..., dummy = ...) are seen; later arms win.
    execBlock(st.childForFieldName('consequence'), scope, ctx);
    for (const alt of st.childrenForFieldName('alternative')) {
      execBlock(alt.childForFieldName(alt.type === 'else_clause' ? 'body' : 'consequence'), scope, ctx);
    }
    return;
  }
  const cond = st.childForFieldName('condition');
  // In __init__, a branch that registers nothing (weight init, logging) cannot change the parameter count.
  if (scope.mode === 'init' && !mayRegister(st)) return;
  markIncomplete(ctx, scope, `the condition \`${cond?.text ?? '?'}\` at line ${st.startPosition.row + 1} is not static`);
}

function execFor(st: Node, scope: Scope, ctx: EvalContext): void {
  if (scope.mode === 'script') return; // training / evaluation loops: nothing static to learn
  const left = st.childForFieldName('left');
  const right = st.childForFieldName('right');
  const items = right ? iterate(evaluate(right, scope, ctx)) : undefined;
  if (!left || !items) {
    // `for m in self.modules(): nn.init...` in __init__ registers nothing: skipping it loses no parameters.
    if (scope.mode === 'init' && !mayRegister(st.childForFieldName('body'))) return;
    markIncomplete(ctx, scope, `the loop over \`${right?.text ?? '?'}\` at line ${st.startPosition.row + 1} is not static`);
    return;
  }
  if (items.length > MAX_LOOP) {
    markIncomplete(ctx, scope, `the loop at line ${st.startPosition.row + 1} runs more than ${MAX_LOOP} times`);
    return;
  }
  const body = st.childForFieldName('body');
  for (const item of items) {
    bind(left, item, scope, ctx);
    execBlock(body, scope, ctx);
    if (ctx.budget.steps <= 0) return;
  }
}

function execAssignment(a: Node, scope: Scope, ctx: EvalContext): void {
  const left = a.childForFieldName('left');
  const right = a.childForFieldName('right');
  if (!left || !right) return;
  // Chained `a = b = value`: the right side is itself an assignment.
  if (right.type === 'assignment') {
    execAssignment(right, scope, ctx);
    const inner = right.childForFieldName('left');
    if (inner) bind(left, evaluate(inner, scope, ctx), scope, ctx);
    return;
  }
  bind(left, evaluate(right, scope, ctx), scope, ctx);
}

function execAugmented(a: Node, scope: Scope, ctx: EvalContext): void {
  const left = a.childForFieldName('left');
  const right = a.childForFieldName('right');
  const op = a.childForFieldName('operator')?.text.replace('=', '');
  if (!left || !right || !op) return;
  const cur = evaluate(left, scope, ctx);
  const r = evaluate(right, scope, ctx);
  if (op === '+' && cur.k === 'list' && r.k === 'list' && !cur.tuple) {
    cur.items.push(...r.items); // list += list mutates in place
    return;
  }
  bind(left, binary(op, cur, r), scope, ctx);
}

/** Assigns a value to a target: a name, a tuple pattern, self.attr, obj.attr or obj[key]. */
function bind(target: Node, v: Value, scope: Scope, ctx: EvalContext): void {
  switch (target.type) {
    case 'identifier':
      scope.vars.set(target.text, v);
      return;
    case 'pattern_list':
    case 'tuple_pattern':
    case 'list_pattern':
    case 'tuple':
    case 'list':
    case 'expression_list': {
      const targets = kids(target);
      const items = v.k === 'list' ? v.items : undefined;
      targets.forEach((t, i) => bind(t, items?.[i] ?? UNKNOWN, scope, ctx));
      return;
    }
    case 'parenthesized_expression': {
      const inner = kids(target)[0];
      if (inner) bind(inner, v, scope, ctx);
      return;
    }
    case 'attribute': {
      const obj = target.childForFieldName('object');
      const attr = target.childForFieldName('attribute')?.text;
      if (!obj || !attr) return;
      const o = evaluate(obj, scope, ctx);
      if (o.k === 'mod') setAttr(o.m, attr, v);
      return;
    }
    case 'subscript': {
      const obj = target.childForFieldName('value');
      const key = target.childForFieldName('subscript');
      if (!obj || !key) return;
      const o = evaluate(obj, scope, ctx);
      const k = evaluate(key, scope, ctx);
      const keyText = k.k === 'num' ? String(k.v) : k.k === 'str' ? k.v : undefined;
      if (o.k === 'list' && k.k === 'num') o.items[k.v < 0 ? o.items.length + k.v : k.v] = v;
      else if (o.k === 'dict' && keyText !== undefined) o.entries.set(keyText, v);
      else if (o.k === 'mod' && keyText !== undefined) setAttr(o.m, keyText, v);
      return;
    }
    default:
      return;
  }
}

/** Registers `value` under `key` the way nn.Module.__setattr__ does: modules become children, the rest attributes. */
function setAttr(m: ModSpec, key: string, value: Value): void {
  // `backbone.classifier[1] = ...` on a known architecture lands on the flat key `classifier.1` of the backbone.
  const parent = m.attrs.get('__parent__');
  const prefix = m.attrs.get('__prefix__');
  if (parent?.k === 'mod' && prefix?.k === 'str') {
    setAttr(parent.m, `${prefix.v}.${key}`, value);
    return;
  }
  if (value.k === 'mod') {
    m.children.set(key, value.m);
    m.attrs.delete(key);
    return;
  }
  if (m.children.has(key)) m.children.delete(key);
  m.attrs.set(key, value);
}

// ---------------------------------------------------------------- expressions

export function evaluate(n: Node, scope: Scope | undefined, ctx: EvalContext): Value {
  if (!step(ctx)) return UNKNOWN;
  switch (n.type) {
    case 'integer': {
      const t = n.text.replace(/_/g, '').toLowerCase();
      const v = t.startsWith('0o') ? parseInt(t.slice(2), 8) : t.startsWith('0b') ? parseInt(t.slice(2), 2) : Number(t.replace(/l$/, ''));
      return Number.isFinite(v) ? num(v) : UNKNOWN;
    }
    case 'float': {
      const v = Number(n.text.replace(/_/g, ''));
      return Number.isFinite(v) ? num(v) : UNKNOWN;
    }
    case 'true':
      return { k: 'bool', v: true };
    case 'false':
      return { k: 'bool', v: false };
    case 'none':
      return NONE;
    case 'string':
      return evalString(n, scope, ctx);
    case 'concatenated_string': {
      let s = '';
      for (const part of kids(n)) {
        const v = evalString(part, scope, ctx);
        if (v.k !== 'str') return UNKNOWN;
        s += v.v;
      }
      return { k: 'str', v: s };
    }
    case 'identifier':
      if (n.text === 'self' && scope) {
        for (let s: Scope | undefined = scope; s; s = s.parent) if (s.self) return { k: 'mod', m: s.self.m, path: s.self.path };
      }
      if (n.text === '__name__' && !scope?.parent) return { k: 'str', v: '__main__' };
      return lookup(scope, n.text, ctx);
    case 'parenthesized_expression': {
      const inner = kids(n)[0];
      return inner ? evaluate(inner, scope, ctx) : UNKNOWN;
    }
    case 'tuple':
    case 'expression_list':
      return { k: 'list', items: kids(n).map((c) => evaluate(c, scope, ctx)), tuple: true };
    case 'list':
      return { k: 'list', items: evalItems(kids(n), scope, ctx) };
    case 'dictionary': {
      const entries = new Map<string, Value>();
      for (const p of kids(n)) {
        if (p.type !== 'pair') return UNKNOWN;
        const key = p.childForFieldName('key');
        const val = p.childForFieldName('value');
        const kv = key ? evaluate(key, scope, ctx) : UNKNOWN;
        if (kv.k !== 'str' && kv.k !== 'num') return UNKNOWN;
        entries.set(String(kv.v), val ? evaluate(val, scope, ctx) : UNKNOWN);
      }
      return { k: 'dict', entries };
    }
    case 'list_comprehension':
    case 'generator_expression':
      return evalComprehension(n, scope, ctx);
    case 'dictionary_comprehension': {
      const pairs = evalComprehension(n, scope, ctx);
      if (pairs.k !== 'list') return UNKNOWN;
      const entries = new Map<string, Value>();
      for (const p of pairs.items) {
        const [k, v] = p.k === 'list' ? p.items : [];
        if ((k?.k !== 'str' && k?.k !== 'num') || !v) return UNKNOWN;
        entries.set(String(k.v), v);
      }
      return { k: 'dict', entries };
    }
    case 'pair': {
      const key = n.childForFieldName('key');
      const val = n.childForFieldName('value');
      return { k: 'list', items: [key ? evaluate(key, scope, ctx) : UNKNOWN, val ? evaluate(val, scope, ctx) : UNKNOWN], tuple: true };
    }
    case 'unary_operator': {
      const op = n.childForFieldName('operator')?.text;
      const arg = n.childForFieldName('argument');
      const v = arg ? evaluate(arg, scope, ctx) : UNKNOWN;
      if (v.k === 'num') return op === '-' ? num(-v.v) : op === '+' ? v : UNKNOWN;
      if (v.k === 'tensor') return v;
      return UNKNOWN;
    }
    case 'not_operator': {
      const arg = n.childForFieldName('argument');
      const t = arg ? truthy(evaluate(arg, scope, ctx)) : undefined;
      return t === undefined ? UNKNOWN : { k: 'bool', v: !t };
    }
    case 'boolean_operator': {
      const op = n.childForFieldName('operator')?.text;
      const l = evaluate(n.childForFieldName('left')!, scope, ctx);
      const lt = truthy(l);
      if (lt === undefined) return UNKNOWN;
      if (op === 'and') return lt ? evaluate(n.childForFieldName('right')!, scope, ctx) : l;
      return lt ? l : evaluate(n.childForFieldName('right')!, scope, ctx);
    }
    case 'comparison_operator':
      return evalComparison(n, scope, ctx);
    case 'conditional_expression': {
      const [a, c, b] = kids(n);
      const t = c ? truthy(evaluate(c, scope, ctx)) : undefined;
      if (t === undefined || !a || !b) return UNKNOWN;
      return evaluate(t ? a : b, scope, ctx);
    }
    case 'binary_operator': {
      const l = evaluate(n.childForFieldName('left')!, scope, ctx);
      const r = evaluate(n.childForFieldName('right')!, scope, ctx);
      return binary(n.childForFieldName('operator')?.text ?? '', l, r);
    }
    case 'attribute':
      return evalAttribute(n, scope, ctx);
    case 'subscript':
      return evalSubscript(n, scope, ctx);
    case 'call':
      return evalCall(n, scope, ctx);
    default:
      return UNKNOWN;
  }
}

function evalItems(nodes: Node[], scope: Scope | undefined, ctx: EvalContext): Value[] {
  const out: Value[] = [];
  for (const c of nodes) {
    if (c.type === 'list_splat') {
      const inner = kids(c)[0];
      const items = inner ? iterate(evaluate(inner, scope, ctx)) : undefined;
      if (items) out.push(...items);
      else out.push(UNKNOWN);
    } else out.push(evaluate(c, scope, ctx));
  }
  return out;
}

function evalString(n: Node, scope: Scope | undefined, ctx: EvalContext): Value {
  let s = '';
  const prefix = n.child(0)?.text ?? '';
  for (const c of n.namedChildren) {
    if (!c) continue;
    if (c.type === 'string_content') s += /[rR]/.test(prefix) ? c.text : c.text.replace(/\\\\/g, '\\');
    else if (c.type === 'escape_sequence') s += c.text === '\\n' ? '\n' : c.text === '\\t' ? '\t' : c.text.slice(1);
    else if (c.type === 'interpolation') {
      const e = c.childForFieldName('expression') ?? kids(c)[0];
      const v = e ? evaluate(e, scope, ctx) : UNKNOWN;
      if (v.k === 'num' || v.k === 'str') s += String(v.v);
      else return UNKNOWN;
    }
  }
  return { k: 'str', v: s };
}

function evalComparison(n: Node, scope: Scope | undefined, ctx: EvalContext): Value {
  const operands = kids(n);
  const ops = n.children.filter((c): c is Node => !!c && !c.isNamed).map((c) => c.text);
  if (operands.length !== 2 || ops.length < 1) return UNKNOWN;
  const a = evaluate(operands[0]!, scope, ctx);
  const b = evaluate(operands[1]!, scope, ctx);
  const op = ops.join(' ');
  if (op === 'is' || op === 'is not') {
    if (a.k === 'unknown' || b.k === 'unknown') return UNKNOWN;
    const same = a.k === b.k && (a.k !== 'num' || (b.k === 'num' && a.v === b.v));
    return { k: 'bool', v: op === 'is' ? same : !same };
  }
  if ((a.k === 'num' || a.k === 'str' || a.k === 'bool') && (b.k === 'num' || b.k === 'str' || b.k === 'bool')) {
    const x = a.v;
    const y = b.v;
    switch (op) {
      case '==': return { k: 'bool', v: x === y };
      case '!=': return { k: 'bool', v: x !== y };
      case '<': return { k: 'bool', v: x < y };
      case '<=': return { k: 'bool', v: x <= y };
      case '>': return { k: 'bool', v: x > y };
      case '>=': return { k: 'bool', v: x >= y };
    }
  }
  if (op === 'in' || op === 'not in') {
    const items = iterate(b);
    if (!items || (a.k !== 'num' && a.k !== 'str')) return UNKNOWN;
    const found = items.some((i) => (i.k === 'num' || i.k === 'str') && i.v === a.v);
    return { k: 'bool', v: op === 'in' ? found : !found };
  }
  return UNKNOWN;
}

export function binary(op: string, l: Value, r: Value): Value {
  if (l.k === 'num' && r.k === 'num') {
    const a = l.v;
    const b = r.v;
    switch (op) {
      case '+': return num(a + b);
      case '-': return num(a - b);
      case '*': return num(a * b);
      case '/': return b === 0 ? UNKNOWN : num(a / b);
      case '//': return b === 0 ? UNKNOWN : num(Math.floor(a / b));
      case '%': return b === 0 ? UNKNOWN : num(((a % b) + b) % b);
      case '**': return num(a ** b);
      case '<<': return num(a << b);
      case '>>': return num(a >> b);
    }
    return UNKNOWN;
  }
  if (op === '+' && l.k === 'str' && r.k === 'str') return { k: 'str', v: l.v + r.v };
  if (op === '+' && l.k === 'list' && r.k === 'list') return { k: 'list', items: [...l.items, ...r.items], tuple: l.tuple };
  if (op === '*' && l.k === 'list' && r.k === 'num') return { k: 'list', items: Array.from({ length: r.v }, () => l.items).flat(), tuple: l.tuple };
  if (l.k === 'tensor' || r.k === 'tensor') {
    if (op === '@') return { k: 'tensor', shape: null };
    return { k: 'tensor', shape: broadcast(l, r) };
  }
  return UNKNOWN;
}

function broadcast(l: Value, r: Value): Shape | null {
  const a = l.k === 'tensor' ? l.shape : l.k === 'num' ? [] : null;
  const b = r.k === 'tensor' ? r.shape : r.k === 'num' ? [] : null;
  if (!a || !b) return null;
  const n = Math.max(a.length, b.length);
  const out: Shape = [];
  for (let i = 0; i < n; i++) {
    const x = a[a.length - n + i] ?? 1;
    const y = b[b.length - n + i] ?? 1;
    out.push(x === 1 ? y : y === 1 ? x : x === y ? x : null);
  }
  return out;
}

function evalComprehension(n: Node, scope: Scope | undefined, ctx: EvalContext): Value {
  const body = n.childForFieldName('body');
  const clauses = kids(n).filter((c) => c.type === 'for_in_clause' || c.type === 'if_clause');
  if (!body) return UNKNOWN;
  const inner = newScope('function', scope);
  const out: Value[] = [];
  let ok = true;
  const run = (i: number): void => {
    if (!ok) return;
    if (i === clauses.length) {
      out.push(evaluate(body, inner, ctx));
      return;
    }
    const c = clauses[i]!;
    if (c.type === 'if_clause') {
      const cond = kids(c)[0];
      const t = cond ? truthy(evaluate(cond, inner, ctx)) : undefined;
      if (t === undefined) ok = false;
      else if (t) run(i + 1);
      return;
    }
    const left = c.childForFieldName('left');
    const right = c.childForFieldName('right');
    const items = right ? iterate(evaluate(right, inner, ctx)) : undefined;
    if (!left || !items || items.length > MAX_LOOP) {
      ok = false;
      return;
    }
    for (const item of items) {
      bind(left, item, inner, ctx);
      run(i + 1);
    }
  };
  run(0);
  return ok ? { k: 'list', items: out } : UNKNOWN;
}

function evalAttribute(n: Node, scope: Scope | undefined, ctx: EvalContext): Value {
  const objNode = n.childForFieldName('object');
  const attr = n.childForFieldName('attribute')?.text;
  if (!objNode || !attr) return UNKNOWN;
  const o = evaluate(objNode, scope, ctx);
  switch (o.k) {
    case 'ref':
      return { k: 'ref', path: `${o.path}.${attr}` };
    case 'mod': {
      const child = o.m.children.get(attr);
      if (child?.typeName === 'Parameter') return child.attrs.get('__shape__') ?? { k: 'tensor', shape: null };
      if (child) return { k: 'mod', m: child, path: joinPath(o.path, attr) };
      const a = o.m.attrs.get(attr);
      if (a) return a;
      if (o.m.args?.has(attr)) return fromArg(o.m.args.get(attr));
      if (o.m.known) return knownAttr(o.m, attr, o.path);
      if (o.m.kind === 'layer' && (attr === 'weight' || attr === 'bias')) return { k: 'tensor', shape: null };
      return { k: 'method', self: o, name: attr };
    }
    case 'tensor':
      if (attr === 'shape') return o.shape ? { k: 'list', items: o.shape.map((d) => (d === null ? UNKNOWN : num(d))), tuple: true } : UNKNOWN;
      if (attr === 'T') return { k: 'tensor', shape: o.shape ? [...o.shape].reverse() : null };
      return { k: 'method', self: o, name: attr };
    case 'list':
    case 'dict':
    case 'str':
      return { k: 'method', self: o, name: attr };
    default:
      return UNKNOWN;
  }
}

/** `backbone.fc` or `backbone.classifier` on a known architecture: the head, or a view that indexing resolves. */
function knownAttr(m: ModSpec, attr: string, path: string | undefined): Value {
  const head = m.children.get(attr);
  if (head) return { k: 'mod', m: head, path: joinPath(path, attr) };
  // `classifier[1]` is reached through `classifier`: return a proxy whose children are the flat keys under it.
  const proxy: ModSpec = { ...m, typeName: `${m.typeName}.${attr}`, children: new Map(), attrs: new Map(), kind: 'opaque', ownParams: null, known: undefined };
  for (const [key, c] of m.children) if (key.startsWith(`${attr}.`)) proxy.children.set(key.slice(attr.length + 1), c);
  proxy.attrs.set('__parent__', { k: 'mod', m, path });
  proxy.attrs.set('__prefix__', { k: 'str', v: attr });
  return { k: 'mod', m: proxy, path: joinPath(path, attr) };
}

function evalSubscript(n: Node, scope: Scope | undefined, ctx: EvalContext): Value {
  const objNode = n.childForFieldName('value');
  const subs = n.childrenForFieldName('subscript');
  if (!objNode || subs.length === 0) return UNKNOWN;
  const o = evaluate(objNode, scope, ctx);
  if (o.k === 'tensor') return { k: 'tensor', shape: indexShape(o.shape, subs, scope, ctx) };
  if (subs.length !== 1) return UNKNOWN;
  const sub = subs[0]!;
  if (sub.type === 'slice') {
    if (o.k !== 'list') return UNKNOWN;
    const parts = sliceBounds(sub, scope, ctx);
    if (!parts) return UNKNOWN;
    const [s, e, st] = parts;
    const len = o.items.length;
    const norm = (x: number | undefined, d: number) => (x === undefined ? d : x < 0 ? Math.max(0, len + x) : Math.min(x, len));
    const out: Value[] = [];
    const stepBy = st ?? 1;
    if (stepBy > 0) for (let i = norm(s, 0); i < norm(e, len); i += stepBy) out.push(o.items[i]!);
    else return UNKNOWN;
    return { k: 'list', items: out, tuple: o.tuple };
  }
  const k = evaluate(sub, scope, ctx);
  if (o.k === 'list' && k.k === 'num') return o.items[k.v < 0 ? o.items.length + k.v : k.v] ?? UNKNOWN;
  if (o.k === 'dict' && (k.k === 'str' || k.k === 'num')) return o.entries.get(String(k.v)) ?? UNKNOWN;
  if (o.k === 'mod' && (k.k === 'str' || k.k === 'num')) {
    const keys = [...o.m.children.keys()];
    const key = k.k === 'num' && o.m.typeName !== 'ModuleDict' ? (k.v < 0 ? keys[keys.length + k.v] : String(k.v)) : String(k.v);
    const c = key === undefined ? undefined : o.m.children.get(key);
    if (c) return { k: 'mod', m: c, path: joinPath(o.path, key!) };
    return UNKNOWN;
  }
  return UNKNOWN;
}

function sliceBounds(sub: Node, scope: Scope | undefined, ctx: EvalContext): [number | undefined, number | undefined, number | undefined] | undefined {
  // A slice's children are its optional expressions separated by ':' tokens.
  const parts: (number | undefined)[] = [undefined, undefined, undefined];
  let idx = 0;
  for (const c of sub.children) {
    if (!c) continue;
    if (!c.isNamed && c.text === ':') {
      idx++;
      continue;
    }
    if (c.type === 'comment') continue;
    const v = evaluate(c, scope, ctx);
    if (v.k !== 'num') return undefined;
    parts[idx] = v.v;
  }
  return [parts[0], parts[1], parts[2]];
}

/** Shape after basic indexing with ints, full slices, `...` and None. */
function indexShape(shape: Shape | null, subs: Node[], scope: Scope | undefined, ctx: EvalContext): Shape | null {
  if (!shape) return null;
  const out: Shape = [];
  let dim = 0;
  for (let i = 0; i < subs.length; i++) {
    const s = subs[i]!;
    if (s.type === 'ellipsis') {
      const rest = subs.length - i - 1;
      while (shape.length - dim > rest) out.push(shape[dim++] ?? null);
      continue;
    }
    if (s.type === 'none') {
      out.push(1);
      continue;
    }
    if (s.type === 'slice') {
      const b = sliceBounds(s, scope, ctx);
      const len = shape[dim];
      if (!b || len === undefined) return null;
      if (b[0] === undefined && b[1] === undefined && b[2] === undefined) out.push(len);
      else if (typeof len === 'number' && (b[2] ?? 1) === 1) {
        const norm = (x: number | undefined, d: number) => (x === undefined ? d : x < 0 ? Math.max(0, len + x) : Math.min(x, len));
        out.push(Math.max(0, norm(b[1], len) - norm(b[0], 0)));
      } else out.push(null);
      dim++;
      continue;
    }
    const v = evaluate(s, scope, ctx);
    if (v.k !== 'num') return null;
    dim++;
  }
  while (dim < shape.length) out.push(shape[dim++] ?? null);
  return out;
}

// ---------------------------------------------------------------- calls

interface EvaluatedArgs {
  positional: Value[];
  keywords: Map<string, Value>;
}

function evalArgs(call: Node, scope: Scope | undefined, ctx: EvalContext): EvaluatedArgs {
  const a = callArgs(call);
  const positional: Value[] = [];
  let splat = 0;
  a.positional.forEach((p, i) => {
    while (splat < a.splats.length && a.splats[splat]!.index === i) pushSplat(a.splats[splat++]!.node);
    positional.push(evaluate(p, scope, ctx));
  });
  while (splat < a.splats.length) pushSplat(a.splats[splat++]!.node);
  function pushSplat(node: Node): void {
    const items = iterate(evaluate(node, scope, ctx));
    if (items) positional.push(...items);
    else positional.push({ k: 'list', items: [UNKNOWN], tuple: true }, UNKNOWN); // marks arity unknown
  }
  const keywords = new Map<string, Value>();
  for (const [k, v] of a.keywords) keywords.set(k, evaluate(v, scope, ctx));
  return { positional, keywords };
}

function evalCall(n: Node, scope: Scope | undefined, ctx: EvalContext): Value {
  const fnNode = n.childForFieldName('function');
  if (!fnNode) return UNKNOWN;
  const fn = evaluate(fnNode, scope, ctx);
  const args = evalArgs(n, scope, ctx);
  switch (fn.k) {
    case 'ref':
      return callRef(fn.path, args, n, scope, ctx);
    case 'class':
      return instantiate(fn.cls, args, n, ctx, scope);
    case 'func':
      return callFunction(fn.node, args, scope, ctx, undefined);
    case 'method':
      return callMethod(fn.self, fn.name, args, n, scope, ctx);
    case 'mod':
      return applyModule(fn.m, fn.path, args, ctx);
    default:
      return args.positional.some((a) => a.k === 'tensor') ? { k: 'tensor', shape: null } : UNKNOWN;
  }
}

function bindParams(fnNode: Node, args: EvaluatedArgs, scope: Scope, ctx: EvalContext, skipFirst: boolean): void {
  const params = kids(fnNode.childForFieldName('parameters'));
  let pos = 0;
  params.forEach((p, i) => {
    if (skipFirst && i === 0) return;
    let name: string | undefined;
    let dflt: Node | null = null;
    if (p.type === 'identifier') name = p.text;
    else if (p.type === 'default_parameter' || p.type === 'typed_default_parameter') {
      name = p.childForFieldName('name')?.text;
      dflt = p.childForFieldName('value');
    } else if (p.type === 'typed_parameter') name = kids(p).find((c) => c.type === 'identifier')?.text;
    else if (p.type === 'list_splat_pattern') {
      const nm = kids(p)[0]?.text;
      if (nm) scope.vars.set(nm, { k: 'list', items: args.positional.slice(pos), tuple: true });
      pos = args.positional.length;
      return;
    } else return;
    if (!name) return;
    let v: Value | undefined = args.keywords.get(name);
    if (!v && pos < args.positional.length) v = args.positional[pos++];
    if (!v) v = dflt ? evaluate(dflt, scope.parent, ctx) : UNKNOWN;
    scope.vars.set(name, v);
  });
}

function callFunction(fnNode: Node, args: EvaluatedArgs, caller: Scope | undefined, ctx: EvalContext, self: Scope['self']): Value {
  const depth = caller?.depth ?? 0;
  if (depth > MAX_DEPTH) return UNKNOWN;
  const mode = caller?.mode === 'forward' || caller?.mode === 'init' ? caller.mode : 'function';
  const scope: Scope = { vars: new Map(), self: self ?? caller?.self, mode, depth: depth + 1 };
  bindParams(fnNode, args, scope, ctx, false);
  try {
    execBlock(fnNode.childForFieldName('body'), scope, ctx);
  } catch (e) {
    if (e instanceof Return) return e.value;
    throw e;
  }
  return NONE;
}

function emptyMod(typeName: string, kind: ModSpec['kind'], n: Node): ModSpec {
  return { typeName, kind, range: rangeOf(n), ownParams: 0, children: new Map(), attrs: new Map() };
}

/** Builds a user nn.Module by running its __init__ (and the __init__s it reaches through super()). */
export function instantiate(cls: ClassInfo, args: EvaluatedArgs, n: Node, ctx: EvalContext, caller?: Scope): Value {
  const m = emptyMod(cls.name, 'user', n);
  m.cls = cls;
  runInit(cls, m, args, ctx, caller?.depth ?? 0);
  return { k: 'mod', m };
}

function runInit(cls: ClassInfo, m: ModSpec, args: EvaluatedArgs, ctx: EvalContext, depth: number): void {
  if (depth > MAX_DEPTH) {
    m.unknownReason = 'modules nest too deeply to follow';
    return;
  }
  if (!cls.init) {
    // No __init__: the base class's constructor runs with the same arguments.
    const base = baseClass(cls, ctx);
    if (base) runInit(base, m, args, ctx, depth + 1);
    else if (cls.containerBase) {
      const scope: Scope = { vars: new Map([['__class__', { k: 'class', cls } as Value]]), self: { m, path: '' }, mode: 'init', depth: depth + 1 };
      superInit(args, scope, ctx);
    }
    return;
  }
  const scope: Scope = { vars: new Map(), self: { m, path: '' }, mode: 'init', depth: depth + 1 };
  bindParams(cls.init, args, scope, ctx, true);
  scope.vars.set('__class__', { k: 'class', cls });
  try {
    execBlock(cls.init.childForFieldName('body'), scope, ctx);
  } catch (e) {
    if (!(e instanceof Return)) throw e;
  }
}

/** `super().__init__(...)` inside __init__: the file base class's __init__, or nn.Sequential & co. filling children. */
function superInit(args: EvaluatedArgs, scope: Scope | undefined, ctx: EvalContext): Value {
  let cls: ClassInfo | undefined;
  let self: Scope['self'];
  for (let s = scope; s; s = s.parent) {
    const c = s.vars.get('__class__');
    if (c?.k === 'class' && !cls) cls = c.cls;
    if (s.self && !self) self = s.self;
  }
  if (!cls || !self) return NONE;
  const base = baseClass(cls, ctx);
  if (base) {
    runInit(base, self.m, args, ctx, scope?.depth ?? 0);
    return NONE;
  }
  if (cls.containerBase) {
    // Only the children are kept: the container object itself is the instance being built.
    const built = buildContainer(cls.containerBase, args, cls.node);
    if (built.k === 'mod') {
      for (const [k, c] of built.m.children) self.m.children.set(k, c);
      if (built.m.unknownReason) self.m.unknownReason ??= built.m.unknownReason;
    }
  }
  return NONE;
}

export function baseClass(cls: ClassInfo, ctx: EvalContext): ClassInfo | undefined {
  for (const b of cls.bases) {
    const c = ctx.moduleClasses.get(b.text);
    if (c && c !== cls) return c;
  }
  return undefined;
}

function findMethod(cls: ClassInfo | undefined, name: string, ctx: EvalContext): Node | undefined {
  for (let c = cls, i = 0; c && i < 16; c = baseClass(c, ctx), i++) {
    const m = c.methods.get(name);
    if (m) return m;
  }
  return undefined;
}

function shapeArgs(args: EvaluatedArgs): Shape | null {
  let vals = args.positional;
  const size = args.keywords.get('size');
  if (size) vals = [size];
  if (vals.length === 1 && vals[0]!.k === 'list') vals = vals[0].items;
  const dims: Shape = [];
  for (const v of vals) {
    if (v.k === 'num') dims.push(v.v);
    else if (v.k === 'unknown') dims.push(null);
    else return null;
  }
  return dims;
}

function callRef(path: string, args: EvaluatedArgs, n: Node, scope: Scope | undefined, ctx: EvalContext): Value {
  const nnPrefix = 'torch.nn.';
  if (path.startsWith(nnPrefix) && !path.startsWith('torch.nn.functional.') && !path.startsWith('torch.nn.init.') && !path.startsWith('torch.nn.utils.')) {
    return buildTorchModule(path.slice(nnPrefix.length), args, n);
  }
  if (path.startsWith('torchvision.models.')) {
    const name = path.slice('torchvision.models.'.length);
    return buildKnown(torchvisionArchitecture(name), `torchvision.models.${name}`, args, n);
  }
  if (path === 'timm.create_model') {
    const nm = args.positional[0] ?? args.keywords.get('model_name');
    const name = nm?.k === 'str' ? nm.v : undefined;
    return buildKnown(name ? timmArchitecture(name) : undefined, `timm.create_model(${name ? `'${name}'` : '?'})`, args, n);
  }
  const last = path.slice(path.lastIndexOf('.') + 1);
  if (path === 'torch.randn' || path === 'torch.rand' || path === 'torch.zeros' || path === 'torch.ones' || path === 'torch.empty' || path === 'torch.randint') {
    if (path === 'torch.randint') {
      const size = args.keywords.get('size') ?? args.positional[args.positional.length - 1];
      return { k: 'tensor', shape: size ? shapeArgs({ positional: [size], keywords: new Map() }) : null };
    }
    return { k: 'tensor', shape: shapeArgs(args) };
  }
  if (path.startsWith('torch.nn.functional.') || path.startsWith('torch.')) {
    return tensorFunction(last, args, ctx);
  }
  if (path === 'builtins.super().__init__') return superInit(args, scope, ctx);
  if (path.startsWith('builtins.')) return builtin(last, args, scope, ctx);
  if (path === 'collections.OrderedDict') {
    const src = args.positional[0];
    const entries = new Map<string, Value>();
    for (const pair of src?.k === 'list' ? src.items : []) {
      const [k, v] = pair.k === 'list' ? pair.items : [];
      if (k?.k !== 'str' || !v) return UNKNOWN;
      entries.set(k.v, v);
    }
    return { k: 'dict', entries };
  }
  return UNKNOWN;
}

function builtin(name: string, args: EvaluatedArgs, scope: Scope | undefined, ctx: EvalContext): Value {
  const p = args.positional;
  const nums = p.map((v) => (v.k === 'num' ? v.v : undefined));
  switch (name) {
    case 'range': {
      if (nums.some((x) => x === undefined) || p.length === 0) return UNKNOWN;
      const [a, b, s] = p.length === 1 ? [0, nums[0]!, 1] : [nums[0]!, nums[1]!, nums[2] ?? 1];
      if (s === 0 || Math.abs((b - a) / s) > 10_000) return UNKNOWN;
      const out: Value[] = [];
      for (let i = a; s > 0 ? i < b : i > b; i += s) out.push(num(i));
      return { k: 'list', items: out, tuple: true };
    }
    case 'len': {
      const v = p[0];
      if (!v) return UNKNOWN;
      if (v.k === 'list') return num(v.items.length);
      if (v.k === 'dict') return num(v.entries.size);
      if (v.k === 'str') return num(v.v.length);
      if (v.k === 'mod') return num(v.m.children.size);
      return UNKNOWN;
    }
    case 'int':
      return nums[0] !== undefined ? num(Math.trunc(nums[0])) : p[0]?.k === 'str' && /^-?\d+$/.test(p[0].v) ? num(Number(p[0].v)) : UNKNOWN;
    case 'float':
      return nums[0] !== undefined ? num(nums[0]) : UNKNOWN;
    case 'round':
      return nums[0] !== undefined ? num(roundHalfEven(nums[0])) : UNKNOWN;
    case 'abs':
      return nums[0] !== undefined ? num(Math.abs(nums[0])) : UNKNOWN;
    case 'bool': {
      const t = p[0] ? truthy(p[0]) : false;
      return t === undefined ? UNKNOWN : { k: 'bool', v: t };
    }
    case 'min':
    case 'max': {
      const vals = p.length === 1 ? iterate(p[0]!) : p;
      if (!vals || vals.length === 0 || vals.some((v) => v.k !== 'num')) return UNKNOWN;
      const xs = vals.map((v) => (v as { v: number }).v);
      return num(name === 'min' ? Math.min(...xs) : Math.max(...xs));
    }
    case 'sum': {
      const vals = p[0] ? iterate(p[0]) : undefined;
      if (!vals || vals.some((v) => v.k !== 'num')) return UNKNOWN;
      return num(vals.reduce((a, v) => a + (v as { v: number }).v, 0));
    }
    case 'list':
    case 'tuple': {
      if (p.length === 0) return { k: 'list', items: [], tuple: name === 'tuple' };
      const items = iterate(p[0]!);
      return items ? { k: 'list', items: [...items], tuple: name === 'tuple' } : UNKNOWN;
    }
    case 'reversed': {
      const items = p[0] ? iterate(p[0]) : undefined;
      return items ? { k: 'list', items: [...items].reverse(), tuple: true } : UNKNOWN;
    }
    case 'enumerate': {
      const items = p[0] ? iterate(p[0]) : undefined;
      const start = nums[1] ?? 0;
      return items ? { k: 'list', items: items.map((v, i) => ({ k: 'list', items: [num(i + start), v], tuple: true }) as Value), tuple: true } : UNKNOWN;
    }
    case 'zip': {
      const lists = p.map(iterate);
      if (lists.some((l) => !l) || lists.length === 0) return UNKNOWN;
      const len = Math.min(...lists.map((l) => l!.length));
      const items: Value[] = [];
      for (let i = 0; i < len; i++) items.push({ k: 'list', items: lists.map((l) => l![i]!), tuple: true });
      return { k: 'list', items, tuple: true };
    }
    case 'dict': {
      const entries = new Map<string, Value>();
      for (const [k, v] of args.keywords) entries.set(k, v);
      return { k: 'dict', entries };
    }
    case 'str':
      return p[0]?.k === 'num' || p[0]?.k === 'str' ? { k: 'str', v: String(p[0].v) } : UNKNOWN;
    case 'super':
      return { k: 'ref', path: 'builtins.super()' };
    case 'setattr': {
      const [obj, key, value] = p;
      if (obj?.k === 'mod' && key?.k === 'str' && value) setAttr(obj.m, key.v, value);
      return NONE;
    }
    case 'getattr': {
      const [obj, key] = p;
      if (obj?.k === 'mod' && key?.k === 'str') {
        const c = obj.m.children.get(key.v);
        if (c) return { k: 'mod', m: c, path: joinPath(obj.path, key.v) };
        return obj.m.attrs.get(key.v) ?? UNKNOWN;
      }
      return UNKNOWN;
    }
    default:
      void scope;
      void ctx;
      return UNKNOWN;
  }
}

/** Python 3 round(): halves go to the even neighbour (PyTorch channel arithmetic such as _make_divisible relies on it). */
function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** torch.nn.<Name>(...): a layer from the table, a container, nn.Parameter, or an opaque module. */
function buildTorchModule(name: string, args: EvaluatedArgs, n: Node): Value {
  if (name === 'Parameter') {
    // Held as a pseudo-child so parameters() counts it; reading it back in forward() yields the tensor.
    const t = args.positional[0] ?? args.keywords.get('data');
    const shape = t?.k === 'tensor' ? t.shape : null;
    const m = emptyMod('Parameter', 'opaque', n);
    m.ownParams = shape && isKnownShape(shape) ? prod(shape) : null;
    if (m.ownParams === null) m.unknownReason = 'an nn.Parameter whose shape is not static';
    m.attrs.set('__shape__', { k: 'tensor', shape });
    return { k: 'mod', m };
  }
  if (CONTAINERS.has(name)) return buildContainer(name, args, n);
  if (name === 'TransformerEncoder') return buildEncoderStack(args, n);
  const def = LAYERS[name];
  if (!def) {
    const m = emptyMod(name, 'opaque', n);
    m.ownParams = null;
    m.unknownReason = `nn.${name} is not in the layer table`;
    return { k: 'mod', m };
  }
  const a: Args = new Map();
  for (const [k, v] of Object.entries(def.defaults)) a.set(k, v);
  args.positional.forEach((v, i) => {
    const key = def.signature[i];
    if (key) a.set(key, toArg(v));
  });
  for (const [k, v] of args.keywords) a.set(k, toArg(v));
  // A TransformerEncoder holds num_layers deep copies of its layer.
  const m = emptyMod(name, 'layer', n);
  m.args = a;
  m.layer = def;
  m.ownParams = def.params(a);
  return { k: 'mod', m };
}

/** A fresh copy of a module tree (PyTorch deep-copies a layer into each slot of a TransformerEncoder). */
function cloneMod(m: ModSpec): ModSpec {
  const c: ModSpec = { ...m, children: new Map(), attrs: new Map(m.attrs) };
  for (const [k, v] of m.children) c.children.set(k, cloneMod(v));
  return c;
}

/** nn.TransformerEncoder(encoder_layer, num_layers, norm=None): `layers` holds num_layers copies, then `norm`. */
function buildEncoderStack(args: EvaluatedArgs, n: Node): Value {
  const layer = args.positional[0] ?? args.keywords.get('encoder_layer');
  const count = args.positional[1] ?? args.keywords.get('num_layers');
  const norm = args.positional[2] ?? args.keywords.get('norm');
  const m = emptyMod('TransformerEncoder', 'container', n);
  const layers = emptyMod('ModuleList', 'container', n);
  m.children.set('layers', layers);
  if (layer?.k !== 'mod' || count?.k !== 'num' || count.v > MAX_LOOP) {
    m.unknownReason = 'nn.TransformerEncoder with an encoder layer or num_layers that is not static';
    return { k: 'mod', m };
  }
  for (let i = 0; i < count.v; i++) layers.children.set(String(i), cloneMod(layer.m));
  if (norm?.k === 'mod') m.children.set('norm', norm.m);
  return { k: 'mod', m };
}

function buildContainer(name: string, args: EvaluatedArgs, n: Node): Value {
  const m = emptyMod(name, 'container', n);
  const addAll = (items: Value[]): void => {
    for (const it of items) {
      if (it.k === 'mod') m.children.set(String(m.children.size), it.m);
      else m.unknownReason ??= `an element of nn.${name}(...) is not a module the analysis can follow`;
    }
  };
  if (name === 'ModuleDict') {
    const d = args.positional[0];
    if (d?.k === 'dict') {
      for (const [k, v] of d.entries) {
        if (v.k === 'mod') m.children.set(k, v.m);
        else m.unknownReason ??= `the entry '${k}' of nn.ModuleDict is not a module the analysis can follow`;
      }
    } else if (d?.k === 'list') {
      for (const pair of d.items) {
        const [k, v] = pair.k === 'list' ? pair.items : [];
        if (k?.k === 'str' && v?.k === 'mod') m.children.set(k.v, v.m);
        else m.unknownReason ??= 'an entry of nn.ModuleDict is not static';
      }
    } else if (d) m.unknownReason = 'the nn.ModuleDict contents are not static';
    return { k: 'mod', m };
  }
  const p = args.positional;
  if (p.length === 1 && p[0]!.k === 'list' && (name === 'ModuleList' || !p[0]!.tuple)) addAll(p[0]!.items);
  else if (name === 'Sequential' && p.length === 1 && p[0]!.k === 'dict') {
    for (const [k, v] of p[0]!.entries) if (v.k === 'mod') m.children.set(k, v.m);
  } else if (p.length === 1 && p[0]!.k === 'unknown') m.unknownReason = `the contents of nn.${name}(...) are not static`;
  else addAll(p);
  return { k: 'mod', m };
}

function buildKnown(arch: KnownArchitecture | undefined, typeName: string, args: EvaluatedArgs, n: Node): Value {
  const m = emptyMod(typeName, 'known', n);
  if (!arch) {
    m.kind = 'opaque';
    m.ownParams = null;
    m.unknownReason = `${typeName} is not in the table of published architectures`;
    return { k: 'mod', m };
  }
  m.known = arch;
  const nc = args.keywords.get('num_classes');
  const out = nc?.k === 'num' ? nc.v : nc ? null : arch.head.outFeatures;
  const headParams = arch.head.inFeatures * arch.head.outFeatures + arch.head.outFeatures;
  m.ownParams = arch.params - headParams;
  const head = emptyMod(arch.head.conv1x1 ? 'Conv2d' : 'Linear', 'layer', n);
  const a: Args = arch.head.conv1x1
    ? new Map<string, import('./layers').Arg>([['in_channels', arch.head.inFeatures], ['out_channels', out ?? undefined], ['kernel_size', 1], ['stride', 1], ['padding', 0], ['dilation', 1], ['groups', 1], ['bias', true]])
    : new Map<string, import('./layers').Arg>([['in_features', arch.head.inFeatures], ['out_features', out ?? undefined], ['bias', true]]);
  head.args = a;
  head.layer = LAYERS[head.typeName];
  head.ownParams = head.layer!.params(a);
  m.children.set(arch.head.path, head);
  return { k: 'mod', m };
}

function callMethod(self: Value, name: string, args: EvaluatedArgs, n: Node, scope: Scope | undefined, ctx: EvalContext): Value {
  const p = args.positional;
  if (self.k === 'list' && !self.tuple) {
    if (name === 'append' && p[0]) self.items.push(p[0]);
    else if (name === 'extend' && p[0]) self.items.push(...(iterate(p[0]) ?? [UNKNOWN]));
    else if (name === 'insert' && p[0]?.k === 'num' && p[1]) self.items.splice(p[0].v, 0, p[1]);
    return NONE;
  }
  if (self.k === 'list' && name === 'index') return UNKNOWN;
  if (self.k === 'dict') {
    if (name === 'items') return { k: 'list', items: [...self.entries].map(([k, v]) => ({ k: 'list', items: [{ k: 'str', v: k }, v], tuple: true }) as Value), tuple: true };
    if (name === 'keys') return { k: 'list', items: [...self.entries.keys()].map((k) => ({ k: 'str', v: k }) as Value), tuple: true };
    if (name === 'values') return { k: 'list', items: [...self.entries.values()], tuple: true };
    if (name === 'get') return (p[0]?.k === 'str' ? self.entries.get(p[0].v) : undefined) ?? p[1] ?? NONE;
    return UNKNOWN;
  }
  if (self.k === 'tensor') return tensorMethod(self.shape, name, args, ctx);
  if (self.k === 'mod') return moduleMethod(self.m, self.path, name, args, n, scope, ctx);
  return UNKNOWN;
}

function moduleMethod(m: ModSpec, path: string | undefined, name: string, args: EvaluatedArgs, n: Node, scope: Scope | undefined, ctx: EvalContext): Value {
  const p = args.positional;
  switch (name) {
    case 'append':
      if (p[0]?.k === 'mod') m.children.set(String(m.children.size), p[0].m);
      else m.unknownReason ??= `an element appended to ${m.typeName} is not a module the analysis can follow`;
      return NONE;
    case 'extend':
      for (const v of (p[0] ? iterate(p[0]) : undefined) ?? [UNKNOWN]) {
        if (v.k === 'mod') m.children.set(String(m.children.size), v.m);
        else m.unknownReason ??= `an element added to ${m.typeName} is not static`;
      }
      return NONE;
    case 'add_module':
    case 'register_module':
      if (p[0]?.k === 'str' && p[1]?.k === 'mod') m.children.set(p[0].v, p[1].m);
      else m.unknownReason ??= `${name}(...) with a name or module that is not static`;
      return NONE;
    case 'register_parameter':
      if (p[1]) setAttr(m, p[0]?.k === 'str' ? p[0].v : '?', p[1]);
      return NONE;
    case 'to':
    case 'eval':
    case 'train':
    case 'float':
    case 'cpu':
    case 'cuda':
    case 'requires_grad_':
      return { k: 'mod', m, path };
    case 'forward':
      return applyModule(m, path, args, ctx);
    default: {
      const method = m.cls ? findMethod(m.cls, name, ctx) : undefined;
      if (method && scope && (scope.mode === 'forward' || scope.mode === 'init')) {
        return callMethodBody(method, m, path, args, scope, ctx);
      }
      void n;
      return UNKNOWN;
    }
  }
}

function callMethodBody(method: Node, m: ModSpec, path: string | undefined, args: EvaluatedArgs, caller: Scope, ctx: EvalContext): Value {
  if (caller.depth > MAX_DEPTH) return UNKNOWN;
  const scope: Scope = { vars: new Map(), self: { m, path: path ?? '' }, mode: caller.mode, depth: caller.depth + 1 };
  bindParams(method, args, scope, ctx, true);
  try {
    execBlock(method.childForFieldName('body'), scope, ctx);
  } catch (e) {
    if (e instanceof Return) return e.value;
    throw e;
  }
  return NONE;
}

// ---------------------------------------------------------------- forward: shapes and MACs

function record(ctx: EvalContext, path: string | undefined, typeName: string, input: Shape | null, output: Shape | null, macs: number | null): void {
  if (!ctx.trace || path === undefined) return;
  ctx.trace.entries.push({ path, typeName, inputShape: input, outputShape: output, macs });
}

/** Calls a module on tensors: a table layer, a container chain, a user forward(), or a known architecture. */
export function applyModule(m: ModSpec, path: string | undefined, args: EvaluatedArgs, ctx: EvalContext, depth = 0): Value {
  const x = args.positional[0];
  const input = x?.k === 'tensor' ? x.shape : null;
  if (depth > MAX_DEPTH) return { k: 'tensor', shape: null };
  switch (m.kind) {
    case 'layer': {
      if (m.typeName === 'MultiheadAttention') return applyAttention(m, path, args, ctx);
      const r = input && m.layer?.apply ? m.layer.apply(m.args!, input) : undefined;
      const outShape = r?.output ?? null;
      const macs = r ? r.macs : null;
      record(ctx, path, m.typeName, input, outShape, macs);
      if (m.typeName === 'LSTM' || m.typeName === 'GRU' || m.typeName === 'RNN') {
        return { k: 'list', items: [{ k: 'tensor', shape: outShape }, { k: 'tensor', shape: null }], tuple: true };
      }
      return { k: 'tensor', shape: outShape };
    }
    case 'container': {
      if (m.typeName === 'TransformerEncoder') {
        const layers = m.children.get('layers');
        const norm = m.children.get('norm');
        let cur: Value = x ?? UNKNOWN;
        if (layers) cur = applyModule({ ...layers, typeName: 'Sequential' }, joinPath(path, 'layers'), { positional: [cur], keywords: new Map() }, ctx, depth + 1);
        if (norm) cur = applyModule(norm, joinPath(path, 'norm'), { positional: [cur], keywords: new Map() }, ctx, depth + 1);
        return cur;
      }
      if (m.typeName !== 'Sequential') {
        giveUp(ctx, path, `nn.${m.typeName} is not callable`);
        return { k: 'tensor', shape: null };
      }
      let cur: Value = x ?? UNKNOWN;
      for (const [key, c] of m.children) {
        cur = applyModule(c, joinPath(path, key), { positional: [cur], keywords: new Map() }, ctx, depth + 1);
        if (cur.k === 'list') cur = cur.items[0] ?? UNKNOWN; // a recurrent layer inside Sequential passes its tuple on
      }
      return cur;
    }
    case 'user': {
      const fwd = m.cls ? findMethod(m.cls, 'forward', ctx) : undefined;
      if (!fwd && m.cls?.containerBase === 'Sequential') {
        // An nn.Sequential subclass without its own forward(): the children run in order.
        return applyModule({ ...m, kind: 'container', typeName: 'Sequential' }, path, args, ctx, depth + 1);
      }
      if (!fwd) {
        giveUp(ctx, path, `${m.typeName} has no forward() in this file`);
        return { k: 'tensor', shape: null };
      }
      const scope: Scope = { vars: new Map(), self: { m, path: path ?? '' }, mode: 'forward', depth: depth + 1 };
      bindParams(fwd, args, scope, ctx, true);
      let result: Value = NONE;
      try {
        execBlock(fwd.childForFieldName('body'), scope, ctx);
      } catch (e) {
        if (!(e instanceof Return)) throw e;
        result = e.value;
      }
      if (ctx.trace && path !== undefined && !ctx.trace.modules.has(path)) {
        const out = result.k === 'tensor' ? result.shape : result.k === 'list' && result.items[0]?.k === 'tensor' ? result.items[0].shape : null;
        ctx.trace.modules.set(path, { inputShape: input ?? undefined, outputShape: out ?? undefined });
      }
      return result;
    }
    case 'known': {
      const arch = m.known!;
      const head = m.children.get(arch.head.path);
      let macs: number | null = null;
      let outShape: Shape | null = null;
      if (input && input.length === 4 && isKnownShape(input)) {
        const [nb, , h, w] = input as number[];
        // Published MACs are for 224×224; convolutional work scales with the input area. Head MACs are added back separately.
        const bodyMacs = (arch.macs - arch.head.inFeatures * arch.head.outFeatures) * ((h! * w!) / (arch.inputSize * arch.inputSize));
        const headRes = head ? applyModule(head, joinPath(path, arch.head.path), { positional: [{ k: 'tensor', shape: arch.head.conv1x1 ? [nb!, arch.head.inFeatures, 1, 1] : [nb!, arch.head.inFeatures] }], keywords: new Map() }, ctx, depth + 1) : UNKNOWN;
        const headOut = headRes.k === 'tensor' ? headRes.shape : null;
        outShape = headOut ? [nb!, headOut[1] ?? null] : null;
        macs = Math.round(bodyMacs * nb!);
      }
      record(ctx, path, m.typeName, input, outShape, macs);
      return { k: 'tensor', shape: outShape };
    }
    default:
      giveUp(ctx, path, `${m.typeName} cannot be followed`);
      record(ctx, path, m.typeName, input, null, null);
      return { k: 'tensor', shape: null };
  }
}

function giveUp(ctx: EvalContext, path: string | undefined, why: string): void {
  if (!ctx.trace) return;
  ctx.trace.incomplete ??= why;
  ctx.trace.incompletePaths.push(path ?? '');
}

function applyAttention(m: ModSpec, path: string | undefined, args: EvaluatedArgs, ctx: EvalContext): Value {
  const [q, k] = args.positional;
  const a = m.args!;
  const E = a.get('embed_dim');
  const bf = a.get('batch_first') === true;
  const qs = q?.k === 'tensor' ? q.shape : null;
  const ks = k?.k === 'tensor' ? k.shape : qs;
  let macs: number | null = null;
  if (typeof E === 'number' && qs && ks && qs.length === 3 && ks.length === 3 && isKnownShape(qs) && isKnownShape(ks)) {
    const [L, N] = bf ? [qs[1]!, qs[0]!] : [qs[0]!, qs[1]!];
    const S = bf ? ks[1]! : ks[0]!;
    // Q projection over L tokens, K and V over S, scores and weighted sum, output projection.
    macs = N * (L * E * E + 2 * S * E * E + 2 * L * S * E + L * E * E);
  }
  record(ctx, path, m.typeName, qs, qs, macs);
  return { k: 'list', items: [{ k: 'tensor', shape: qs }, { k: 'tensor', shape: null }], tuple: true };
}

function dimArg(v: Value | undefined, rank: number): number | undefined {
  if (v?.k !== 'num') return undefined;
  return v.v < 0 ? v.v + rank : v.v;
}

function reduceShape(shape: Shape | null, dims: Value | undefined, keep: boolean): Shape | null {
  if (!shape) return null;
  if (!dims || dims.k === 'none') return keep ? shape.map(() => 1) : [];
  const list = dims.k === 'list' ? dims.items : [dims];
  const ds = list.map((d) => dimArg(d, shape.length));
  if (ds.some((d) => d === undefined)) return null;
  return keep ? shape.map((s, i) => (ds.includes(i) ? 1 : s)) : shape.filter((_, i) => !ds.includes(i));
}

function reshape(shape: Shape | null, target: Value[]): Shape | null {
  const dims = target.length === 1 && target[0]!.k === 'list' ? target[0].items : target;
  const out: (number | null)[] = dims.map((d) => (d.k === 'num' ? d.v : null));
  const inferIdx = out.indexOf(-1);
  if (inferIdx >= 0) {
    const known = out.filter((d, i) => i !== inferIdx);
    if (shape && isKnownShape(shape) && known.every((d) => d !== null)) out[inferIdx] = prod(shape) / prod(known as number[]);
    else out[inferIdx] = null;
  }
  return out;
}

function tensorMethod(shape: Shape | null, name: string, args: EvaluatedArgs, ctx: EvalContext): Value {
  const p = args.positional;
  const rank = shape?.length ?? 0;
  switch (name) {
    case 'size': {
      if (p.length === 0) return shape ? { k: 'list', items: shape.map((d) => (d === null ? UNKNOWN : num(d))), tuple: true } : UNKNOWN;
      const d = dimArg(p[0], rank);
      const v = d === undefined || !shape ? undefined : shape[d];
      return typeof v === 'number' ? num(v) : UNKNOWN;
    }
    case 'dim':
      return shape ? num(rank) : UNKNOWN;
    case 'numel':
      return shape && isKnownShape(shape) ? num(prod(shape)) : UNKNOWN;
    case 'view':
    case 'reshape':
      return { k: 'tensor', shape: reshape(shape, p) };
    case 'flatten': {
      const s = p[0] ?? args.keywords.get('start_dim') ?? num(0);
      const e = p[1] ?? args.keywords.get('end_dim') ?? num(-1);
      return { k: 'tensor', shape: shape && s.k === 'num' && e.k === 'num' ? flattenShape(shape, s.v, e.v) : null };
    }
    case 'mean':
    case 'sum':
    case 'amax':
    case 'amin': {
      const keep = args.keywords.get('keepdim') ?? p[1];
      return { k: 'tensor', shape: reduceShape(shape, p[0] ?? args.keywords.get('dim'), keep?.k === 'bool' && keep.v) };
    }
    case 'permute': {
      const dims = p.length === 1 && p[0]!.k === 'list' ? p[0].items : p;
      if (!shape) return { k: 'tensor', shape: null };
      const out = dims.map((d) => {
        const i = dimArg(d, rank);
        return i === undefined ? null : shape[i] ?? null;
      });
      return { k: 'tensor', shape: out };
    }
    case 'transpose': {
      const a = dimArg(p[0], rank);
      const b = dimArg(p[1], rank);
      if (!shape || a === undefined || b === undefined) return { k: 'tensor', shape: null };
      const out = [...shape];
      [out[a], out[b]] = [out[b] ?? null, out[a] ?? null];
      return { k: 'tensor', shape: out };
    }
    case 'unsqueeze': {
      const d = p[0]?.k === 'num' ? (p[0].v < 0 ? p[0].v + rank + 1 : p[0].v) : undefined;
      if (!shape || d === undefined) return { k: 'tensor', shape: null };
      return { k: 'tensor', shape: [...shape.slice(0, d), 1, ...shape.slice(d)] };
    }
    case 'squeeze': {
      if (!shape) return { k: 'tensor', shape: null };
      const d = dimArg(p[0], rank);
      if (p.length === 0) return { k: 'tensor', shape: shape.some((x) => x === null) ? null : shape.filter((x) => x !== 1) };
      return { k: 'tensor', shape: d !== undefined && shape[d] === 1 ? shape.filter((_, i) => i !== d) : shape };
    }
    case 'double':
      return { k: 'tensor', shape };
    default:
      if (SHAPE_PRESERVING.has(name)) return { k: 'tensor', shape };
      void ctx;
      return { k: 'tensor', shape: null };
  }
}

function tensorFunction(name: string, args: EvaluatedArgs, ctx: EvalContext): Value {
  const p = args.positional;
  const x = p[0];
  const shape = x?.k === 'tensor' ? x.shape : null;
  switch (name) {
    case 'flatten':
      return tensorMethod(shape, 'flatten', { positional: p.slice(1), keywords: args.keywords }, ctx);
    case 'mean':
    case 'sum':
    case 'reshape':
    case 'transpose':
    case 'permute':
    case 'squeeze':
    case 'unsqueeze':
      return tensorMethod(shape, name, { positional: p.slice(1), keywords: args.keywords }, ctx);
    case 'max_pool1d':
    case 'max_pool2d':
    case 'avg_pool1d':
    case 'avg_pool2d': {
      const nd = name.endsWith('1d') ? 1 : 2;
      const def = LAYERS[name.startsWith('max') ? `MaxPool${nd}d` : `AvgPool${nd}d`]!;
      const a: Args = new Map(Object.entries(def.defaults));
      p.slice(1).forEach((v, i) => a.set(def.signature[i]!, toArg(v)));
      for (const [k, v] of args.keywords) a.set(k, toArg(v));
      return { k: 'tensor', shape: shape ? def.apply!(a, shape)?.output ?? null : null };
    }
    case 'adaptive_avg_pool1d':
    case 'adaptive_avg_pool2d':
    case 'adaptive_max_pool2d': {
      const def = LAYERS[name.endsWith('1d') ? 'AdaptiveAvgPool1d' : 'AdaptiveAvgPool2d']!;
      const a: Args = new Map([['output_size', toArg(p[1] ?? args.keywords.get('output_size') ?? UNKNOWN)]]);
      return { k: 'tensor', shape: shape ? def.apply!(a, shape)?.output ?? null : null };
    }
    case 'interpolate':
    case 'upsample': {
      const size = args.keywords.get('size') ?? p[1];
      const scale = args.keywords.get('scale_factor') ?? p[2];
      return { k: 'tensor', shape: shape ? upsampleShape(shape, size ? toArg(size) : null, scale ? toArg(scale) : null) : null };
    }
    case 'cat':
    case 'concat': {
      const items = x?.k === 'list' ? x.items : undefined;
      const dimV = p[1] ?? args.keywords.get('dim') ?? num(0);
      const shapes = items?.map((i) => (i.k === 'tensor' ? i.shape : null));
      if (!shapes || shapes.some((s) => !s) || dimV.k !== 'num') return { k: 'tensor', shape: null };
      const first = shapes[0]!;
      const d = dimV.v < 0 ? dimV.v + first.length : dimV.v;
      const out = [...first];
      const parts = shapes.map((s) => s![d]);
      out[d] = parts.every((v) => typeof v === 'number') ? (parts as number[]).reduce((a, b) => a + b, 0) : null;
      return { k: 'tensor', shape: out };
    }
    default:
      if (SHAPE_PRESERVING.has(name) || name === 'add' || name === 'mul') return { k: 'tensor', shape };
      return p.some((v) => v.k === 'tensor') ? { k: 'tensor', shape: null } : UNKNOWN;
  }
}
