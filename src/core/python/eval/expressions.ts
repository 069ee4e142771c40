// Owns expression evaluation: literals, operators, comprehensions, attribute and subscript reads.
import type { Node } from 'web-tree-sitter';
import { kids } from '../syntax';
import type { Shape } from '../types';
import { type ModSpec, NONE, UNKNOWN, type Value, fromArg, num } from '../values';
import { type EvalContext, MAX_LOOP, type Scope, iterate, joinPath, lookup, newScope, step, truthy } from './context';
import { bind, clip } from './statements';
import { NAMESPACE } from './builtins';
import { classAttr, evalCall } from './calls';

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
      return Number.isFinite(v) ? { k: 'num', v, float: true } : UNKNOWN;
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
      if (v.k === 'num') return op === '-' ? { ...v, v: -v.v } : op === '+' ? v : UNKNOWN;
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

export function evalItems(nodes: Node[], scope: Scope | undefined, ctx: EvalContext): Value[] {
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

export function evalString(n: Node, scope: Scope | undefined, ctx: EvalContext): Value {
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

export function evalComparison(n: Node, scope: Scope | undefined, ctx: EvalContext): Value {
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
  if ((op === '==' || op === '!=') && (a.k === 'none' || b.k === 'none')) {
    // `self.se != None`: a module, number, string or list is never None.
    const other = a.k === 'none' ? b : a;
    if (other.k === 'unknown' || other.k === 'tensor' || other.k === 'method' || other.k === 'ref') return UNKNOWN;
    const eq = other.k === 'none';
    return { k: 'bool', v: op === '==' ? eq : !eq };
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
  if (l.k === 'unknown' && l.why) return l;
  if (r.k === 'unknown' && r.why && l.k !== 'tensor') return r;
  if (l.k === 'num' && r.k === 'num') {
    const a = l.v;
    const b = r.v;
    // Python's int/float: true division and any float operand give a float.
    const fl = (x: number): Value => (l.float || r.float ? { k: 'num', v: x, float: true } : num(x));
    switch (op) {
      case '+': return fl(a + b);
      case '-': return fl(a - b);
      case '*': return fl(a * b);
      case '/': return b === 0 ? UNKNOWN : { k: 'num', v: a / b, float: true };
      case '//': return b === 0 ? UNKNOWN : fl(Math.floor(a / b));
      case '%': return b === 0 ? UNKNOWN : fl(((a % b) + b) % b);
      case '**': return b < 0 ? { k: 'num', v: a ** b, float: true } : fl(a ** b);
      case '<<': return num(a << b);
      case '>>': return num(a >> b);
    }
    return UNKNOWN;
  }
  if (op === '+' && l.k === 'str' && r.k === 'str') return { k: 'str', v: l.v + r.v };
  if (op === '%' && l.k === 'str') return percentFormat(l.v, r.k === 'list' && r.tuple ? r.items : [r]);
  if (op === '+' && l.k === 'list' && r.k === 'list') return { k: 'list', items: [...l.items, ...r.items], tuple: l.tuple };
  if (op === '*' && l.k === 'list' && r.k === 'num') return { k: 'list', items: Array.from({ length: r.v }, () => l.items).flat(), tuple: l.tuple };
  if (l.k === 'tensor' || r.k === 'tensor') {
    if (op === '@') return { k: 'tensor', shape: null };
    return { k: 'tensor', shape: broadcast(l, r) };
  }
  return UNKNOWN;
}

export function broadcast(l: Value, r: Value): Shape | null {
  const a = l.k === 'tensor' ? l.shape : l.k === 'num' ? [] : null;
  const b = r.k === 'tensor' ? r.shape : r.k === 'num' ? [] : null;
  if (!a || !b) return null;
  const n = Math.max(a.length, b.length);
  const out: Shape = [];
  for (let i = 0; i < n; i++) {
    // A missing leading dim broadcasts as 1; an unknown one (null) stays unknown — `?? 1` would make it 1.
    const x = i < n - a.length ? 1 : a[a.length - n + i]!;
    const y = i < n - b.length ? 1 : b[b.length - n + i]!;
    out.push(x === 1 ? y : y === 1 ? x : x !== null && x === y ? x : null);
  }
  return out;
}

export function evalComprehension(n: Node, scope: Scope | undefined, ctx: EvalContext): Value {
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

export function evalAttribute(n: Node, scope: Scope | undefined, ctx: EvalContext): Value {
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
      const ca = o.m.cls ? classAttr(o.m.cls, attr, ctx) : undefined;
      if (ca) return ca;
      // Figures are for inference, as exported and deployed: forward() runs in eval mode. (In __init__ a module is
      // still in training mode, so there `self.training` stays unknown.)
      if (attr === 'training') return scope?.mode === 'forward' ? { k: 'bool', v: false } : UNKNOWN;
      if (o.m.known) return knownAttr(o.m, attr, o.path);
      if (o.m.kind === 'layer' && (attr === 'weight' || attr === 'bias')) return { k: 'tensor', shape: null };
      return { k: 'method', self: o, name: attr };
    }
    case 'tensor':
      if (attr === 'shape') return o.shape ? { k: 'list', items: o.shape.map((d) => (d === null ? UNKNOWN : num(d))), tuple: true } : UNKNOWN;
      if (attr === 'T') return { k: 'tensor', shape: o.shape ? [...o.shape].reverse() : null };
      return { k: 'method', self: o, name: attr };
    case 'dict':
      // `opt.latent_dim` on what parse_args() returned: the option's default.
      if (o.entries.has(NAMESPACE)) return o.entries.get(attr) ?? { k: 'unknown', why: `\`--${attr}\` is not an option the parser declares` };
      return { k: 'method', self: o, name: attr };
    case 'list':
    case 'str':
      return { k: 'method', self: o, name: attr };
    case 'class':
      return classAttr(o.cls, attr, ctx) ?? { k: 'unknown', why: `\`${o.cls.name}.${attr}\` is not a class attribute the analysis can read` };
    case 'unknown':
      return o.why ? o : { k: 'unknown', why: `\`${clip(objNode.text)}\` (line ${objNode.startPosition.row + 1}) is not evaluated` };
    default:
      return UNKNOWN;
  }
}

/** `backbone.fc` or `backbone.classifier` on a known architecture: the head, or a view that indexing resolves. */
export function knownAttr(m: ModSpec, attr: string, path: string | undefined): Value {
  const head = m.children.get(attr);
  if (head) return { k: 'mod', m: head, path: joinPath(path, attr) };
  // `classifier[1]` is reached through `classifier`: return a proxy whose children are the flat keys under it.
  const proxy: ModSpec = { ...m, typeName: `${m.typeName}.${attr}`, children: new Map(), attrs: new Map(), kind: 'opaque', ownParams: null, known: undefined };
  for (const [key, c] of m.children) if (key.startsWith(`${attr}.`)) proxy.children.set(key.slice(attr.length + 1), c);
  proxy.attrs.set('__parent__', { k: 'mod', m, path });
  proxy.attrs.set('__prefix__', { k: 'str', v: attr });
  return { k: 'mod', m: proxy, path: joinPath(path, attr) };
}

export function evalSubscript(n: Node, scope: Scope | undefined, ctx: EvalContext): Value {
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

export function sliceBounds(sub: Node, scope: Scope | undefined, ctx: EvalContext): [number | undefined, number | undefined, number | undefined] | undefined {
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
export function indexShape(shape: Shape | null, subs: Node[], scope: Scope | undefined, ctx: EvalContext): Shape | null {
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

/** `'level_%d' % i`: printf-style formatting with %d/%i/%s/%r and %%; unknown for anything else. */
function percentFormat(fmt: string, args: Value[]): Value {
  let i = 0;
  let ok = true;
  const out = fmt.replace(/%([%dirsf])/g, (_m, c: string) => {
    if (c === '%') return '%';
    const v = args[i++];
    if (!v || (v.k !== 'num' && v.k !== 'str')) {
      ok = false;
      return '';
    }
    if (c === 'd' || c === 'i') return v.k === 'num' ? String(Math.trunc(v.v)) : ((ok = false), '');
    if (c === 'f') return v.k === 'num' ? v.v.toFixed(6) : ((ok = false), '');
    return String(v.v);
  });
  return ok && i === args.length ? { k: 'str', v: out } : UNKNOWN;
}
