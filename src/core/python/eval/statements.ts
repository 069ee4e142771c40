// Owns statement execution: blocks, if/for/while, assignments and how nn.Module.__setattr__ registers children.
import type { Node } from 'web-tree-sitter';
import { kids, rangeOf } from '../syntax';
import { type ModSpec, NONE, UNKNOWN, type Value, unknownBecause, whyOf } from '../values';
import { type EvalContext, MAX_LOOP, Return, type Scope, iterate, markIncomplete, step, truthy } from './context';
import { binary, evaluate } from './expressions';

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

export function execCompoundUntil(st: Node, scope: Scope, ctx: EvalContext, stopAt: Node): void {
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
      if (scope.mode === 'init' || scope.mode === 'forward' || scope.mode === 'function') {
        const why = `while loop (line ${st.startPosition.row + 1}) not followed`;
        taintAssigned(st.childForFieldName('body'), scope, why);
        markIncomplete(ctx, scope, why);
      }
      return;
    case 'function_definition': {
      const name = st.childForFieldName('name')?.text;
      if (name && scope.parent !== undefined) scope.vars.set(name, { k: 'func', node: st, closure: scope });
      else if (name && scope.mode !== 'script') scope.vars.set(name, { k: 'func', node: st, closure: scope });
      return;
    }
    case 'decorated_definition':
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

export function execIf(st: Node, scope: Scope, ctx: EvalContext): void {
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
export const REGISTERS = /\bself\.\w+(\[[^\]]*\])?\s*=[^=]|\.(append|extend|insert|add_module|register_module|register_parameter)\s*\(|\bsetattr\s*\(|\bsuper\(|\+=/;

export function mayRegister(n: Node | null): boolean {
  return !!n && REGISTERS.test(n.text);
}

export function unknownBranch(st: Node, scope: Scope, ctx: EvalContext): void {
  if (scope.mode === 'script' || scope.mode === 'function') {
    // Top-level code: follow every arm so assignments (model = ..., dummy = ...) are seen; later arms win.
    execBlock(st.childForFieldName('consequence'), scope, ctx);
    for (const alt of st.childrenForFieldName('alternative')) {
      execBlock(alt.childForFieldName(alt.type === 'else_clause' ? 'body' : 'consequence'), scope, ctx);
    }
    return;
  }
  const cond = st.childForFieldName('condition');
  const why = `the condition \`${clip(cond?.text)}\` (line ${st.startPosition.row + 1}) is not static`;
  taintAssigned(st, scope, why);
  // In __init__, a branch that registers nothing (weight init, logging) cannot change the parameter count.
  if (scope.mode === 'init' && !mayRegister(st)) return;
  markIncomplete(ctx, scope, why);
}

/** Source text shortened for a message. */
export function clip(text: string | undefined, max = 40): string {
  if (!text) return '?';
  const one = text.replace(/\s+/g, ' ');
  return one.length > max ? `${one.slice(0, max - 1)}…` : one;
}

/**
 * After a loop or branch that could not be followed, whatever it may assign is unknown — the attributes it sets on
 * self, the lists it appends to, the names it binds — so no figure is a partial count presented as the total.
 */
export function taintAssigned(block: Node | null, scope: Scope, why: string): void {
  scope.taint ??= why;
  if (!block) return;
  const text = block.text;
  const self = scope.self?.m;
  for (const m of text.matchAll(/\bself\.(\w+)\s*(?:\[[^\]]*\]\s*)?(?:=(?!=)|\+=)|\bself\.(\w+)\.(?:append|extend|insert|add_module)\s*\(/g)) {
    const key = m[1] ?? m[2];
    if (!key || !self) continue;
    const old = self.children.get(key);
    if (old || !self.attrs.has(key)) {
      self.children.set(key, { typeName: old?.typeName ?? key, kind: 'opaque', range: old?.range ?? rangeOf(block), ownParams: null, children: new Map(), attrs: new Map(), unknownReason: why });
      self.attrs.delete(key);
    } else self.attrs.set(key, unknownBecause(why));
  }
  const names = new Set<string>();
  for (const m of text.matchAll(/(?<![\w.])([A-Za-z_]\w*)\s*(?:\.(?:append|extend|insert|update)\s*\(|[-+*/]=|\[[^\]]*\]\s*=(?!=))/g)) names.add(m[1]!);
  for (const m of text.matchAll(/^[ \t]*([A-Za-z_][\w, \t]*?)\s*=(?!=)/gm)) for (const n of m[1]!.split(',')) names.add(n.trim());
  for (const m of text.matchAll(/\bfor\s+([A-Za-z_][\w, \t]*?)\s+in\b/g)) for (const n of m[1]!.split(',')) names.add(n.trim());
  for (const n of names) {
    if (!n || n === 'self') continue;
    for (let s: Scope | undefined = scope; s; s = s.parent) {
      if (s.vars.has(n)) {
        s.vars.set(n, unknownBecause(why));
        break;
      }
    }
    if (!scope.vars.has(n)) scope.vars.set(n, unknownBecause(why));
  }
}

export function execFor(st: Node, scope: Scope, ctx: EvalContext): void {
  if (scope.mode === 'script') return; // training / evaluation loops: nothing static to learn
  const left = st.childForFieldName('left');
  const right = st.childForFieldName('right');
  const over = right ? evaluate(right, scope, ctx) : UNKNOWN;
  const items = iterate(over);
  if (!left || !items) {
    const inner = whyOf(over);
    const why = `loop over \`${clip(right?.text)}\` (line ${st.startPosition.row + 1}) not followed${inner ? `: ${inner}` : ''}`;
    taintAssigned(st.childForFieldName('body'), scope, why);
    // `for m in self.modules(): nn.init...` in __init__ registers nothing: skipping it loses no parameters.
    if (scope.mode === 'init' && !mayRegister(st.childForFieldName('body'))) return;
    markIncomplete(ctx, scope, why);
    return;
  }
  if (items.length > MAX_LOOP) {
    const why = `the loop at line ${st.startPosition.row + 1} runs more than ${MAX_LOOP} times`;
    taintAssigned(st.childForFieldName('body'), scope, why);
    markIncomplete(ctx, scope, why);
    return;
  }
  const body = st.childForFieldName('body');
  for (const item of items) {
    bind(left, item, scope, ctx);
    execBlock(body, scope, ctx);
    if (ctx.budget.steps <= 0) return;
  }
}

export function execAssignment(a: Node, scope: Scope, ctx: EvalContext): void {
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

export function execAugmented(a: Node, scope: Scope, ctx: EvalContext): void {
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
export function bind(target: Node, v: Value, scope: Scope, ctx: EvalContext): void {
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
      if (o.k === 'mod') {
        if (v.k === 'unknown' && scope.mode === 'init') {
          // An unknown value may be a module (a class from another file, a layer subclass...): its parameters are unknown.
          const why = v.why ?? `\`${clip(kids(target.parent!).at(-1)?.text)}\` (line ${target.startPosition.row + 1}) is not evaluated`;
          setAttr(o.m, attr, { k: 'mod', m: { typeName: attr, kind: 'opaque', range: rangeOf(target.parent ?? target), ownParams: null, children: new Map(), attrs: new Map(), unknownReason: why } });
          o.m.attrs.set(attr, { k: 'unknown', why });
          return;
        }
        setAttr(o.m, attr, v);
      }
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
export function setAttr(m: ModSpec, key: string, value: Value): void {
  // `backbone.classifier[1] = ...` on a known architecture lands on the flat key `classifier.1` of the backbone.
  const parent = m.attrs.get('__parent__');
  const prefix = m.attrs.get('__prefix__');
  if (parent?.k === 'mod' && prefix?.k === 'str') {
    setAttr(parent.m, `${prefix.v}.${key}`, value);
    return;
  }
  if (value.k === 'mod') {
    if (value.m.raises) m.raises ??= value.m.raises;
    m.children.set(key, value.m);
    if (value.m.kind !== 'opaque' || !value.m.unknownReason) m.attrs.delete(key);
    return;
  }
  if (m.children.has(key)) m.children.delete(key);
  m.attrs.set(key, value);
}
