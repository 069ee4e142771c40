// Owns the Python builtins the evaluator knows (range, len, min, zip, getattr...).
import { NONE, UNKNOWN, type Value, num } from '../values';
import { type EvalContext, type EvaluatedArgs, type Scope, iterate, joinPath, truthy } from './context';
import { setAttr } from './statements';
import { baseClass, classAttr } from './calls';

export function builtin(name: string, args: EvaluatedArgs, scope: Scope | undefined, ctx: EvalContext): Value {
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
      return nums[0] !== undefined ? { k: 'num', v: nums[0], float: true } : UNKNOWN;
    case 'round':
      return nums[0] !== undefined ? num(roundHalfEven(nums[0])) : UNKNOWN;
    case 'abs':
      return p[0]?.k === 'num' ? { ...p[0], v: Math.abs(p[0].v) } : UNKNOWN;
    case 'bool': {
      const t = p[0] ? truthy(p[0]) : false;
      return t === undefined ? UNKNOWN : { k: 'bool', v: t };
    }
    case 'min':
    case 'max': {
      const vals = p.length === 1 ? iterate(p[0]!) : p;
      if (!vals || vals.length === 0 || vals.some((v) => v.k !== 'num')) return UNKNOWN;
      const xs = vals.map((v) => (v as { v: number }).v);
      const pick = name === 'min' ? Math.min(...xs) : Math.max(...xs);
      return vals.find((v) => v.k === 'num' && v.v === pick) ?? num(pick);
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
    case 'isinstance':
      return isInstance(p[0], p[1], ctx);
    case 'hasattr': {
      const [obj, key] = p;
      if (obj?.k !== 'mod' || key?.k !== 'str') return UNKNOWN;
      if (obj.m.unknownReason) return UNKNOWN;
      const has = obj.m.children.has(key.v) || obj.m.attrs.has(key.v) || (obj.m.cls ? !!classAttr(obj.m.cls, key.v, ctx) || !!obj.m.cls.methods.get(key.v) : false);
      return { k: 'bool', v: has };
    }
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
export function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** torch.nn.<Name>(...): a layer from the table, a container, nn.Parameter, or an opaque module. */

const MATH: Record<string, (...xs: number[]) => number> = {
  ceil: Math.ceil, floor: Math.floor, trunc: Math.trunc, sqrt: Math.sqrt, exp: Math.exp, log2: Math.log2, log10: Math.log10,
  pow: Math.pow, fabs: Math.abs, log: (x, b) => (b === undefined ? Math.log(x) : Math.log(x) / Math.log(b)),
  gcd: (a, b) => { let x = Math.abs(a); let y = Math.abs(b); while (y) [x, y] = [y, x % y]; return x; },
};
/** Results of math.* that Python returns as int (the rest are floats). */
const MATH_INT = new Set(['ceil', 'floor', 'trunc', 'gcd']);

/** math.ceil(...), math.sqrt(...), math.pi...: evaluated on static numbers. */
export function mathCall(name: string, args: EvaluatedArgs): Value {
  const f = MATH[name];
  const xs = args.positional.map((v) => (v.k === 'num' ? v.v : undefined));
  if (!f || xs.some((x) => x === undefined)) return UNKNOWN;
  const r = f(...(xs as number[]));
  if (!Number.isFinite(r)) return UNKNOWN;
  return MATH_INT.has(name) ? num(r) : { k: 'num', v: r, float: true };
}

/** isinstance(x, cls or tuple): decided for modules (torch layer name or file class chain) and plain values. */
export function isInstance(x: Value | undefined, t: Value | undefined, ctx: EvalContext): Value {
  if (!x || !t) return UNKNOWN;
  const targets = t.k === 'list' ? t.items : [t];
  let answer: boolean | undefined = false;
  for (const c of targets) {
    const r = matches(x, c, ctx);
    if (r === true) return { k: 'bool', v: true };
    if (r === undefined) answer = undefined;
  }
  return answer === undefined ? UNKNOWN : { k: 'bool', v: answer };
}

function matches(x: Value, c: Value, ctx: EvalContext): boolean | undefined {
  if (c.k === 'ref') {
    const name = c.path.slice(c.path.lastIndexOf('.') + 1);
    if (c.path.startsWith('builtins.')) {
      if (x.k === 'num') return name === 'float' ? !!x.float : name === 'int' ? !x.float : false;
      if (x.k === 'bool') return name === 'bool' || name === 'int';
      if (x.k === 'str') return name === 'str';
      if (x.k === 'list') return name === (x.tuple ? 'tuple' : 'list');
      if (x.k === 'dict') return name === 'dict';
      if (x.k === 'none' || x.k === 'mod') return false;
      return undefined;
    }
    if (c.path.startsWith('torch.nn.') && x.k === 'mod') {
      if (name === 'Module') return true;
      if (x.m.kind === 'layer' || x.m.kind === 'container') return x.m.typeName === name || x.m.layerBase === name;
      if (x.m.kind === 'user') return x.m.cls?.layerBase === name || (x.m.cls?.containerBase === name ? true : x.m.cls ? false : undefined);
      return undefined;
    }
    return x.k === 'num' || x.k === 'str' || x.k === 'bool' || x.k === 'none' ? false : undefined;
  }
  if (c.k === 'class') {
    if (x.k !== 'mod') return x.k === 'unknown' ? undefined : false;
    for (let k = x.m.cls, i = 0; k && i < 16; k = baseClass(k, ctx), i++) if (k === c.cls) return true;
    return x.m.cls ? false : undefined;
  }
  return undefined;
}

/** Marks a dict value as an argparse.ArgumentParser; NAMESPACE marks what parse_args() returns. */
export const ARGPARSE = '__argparse__';
export const NAMESPACE = '__namespace__';

export function newArgParser(): Value {
  return { k: 'dict', entries: new Map([[ARGPARSE, { k: 'bool', v: true }]]) };
}

/**
 * parser.add_argument / parse_args: the options take their declared defaults, as when the script runs without
 * arguments (a required option or a positional argument stays unknown).
 */
export function argParserMethod(parser: Extract<Value, { k: 'dict' }>, name: string, args: EvaluatedArgs): Value {
  const p = args.positional;
  switch (name) {
    case 'add_argument': {
      const flags = p.filter((v): v is Extract<Value, { k: 'str' }> => v.k === 'str').map((v) => v.v);
      const long = flags.find((f) => f.startsWith('--')) ?? flags[0];
      const destV = args.keywords.get('dest');
      const dest = destV?.k === 'str' ? destV.v : long?.replace(/^-+/, '').replace(/-/g, '_');
      if (!dest) return NONE;
      const action = args.keywords.get('action');
      const required = args.keywords.get('required');
      let v: Value = args.keywords.get('default') ?? NONE;
      if (!args.keywords.has('default') && action?.k === 'str') v = action.v === 'store_true' ? { k: 'bool', v: false } : action.v === 'store_false' ? { k: 'bool', v: true } : NONE;
      if (!flags.some((f) => f.startsWith('-')) || (required?.k === 'bool' && required.v)) v = { k: 'unknown', why: `the command-line argument \`${long}\` has no default` };
      const type = args.keywords.get('type');
      if (v.k === 'str' && type?.k === 'ref' && (type.path === 'builtins.int' || type.path === 'builtins.float')) {
        const x = Number(v.v);
        v = Number.isFinite(x) ? { k: 'num', v: type.path === 'builtins.int' ? Math.trunc(x) : x, float: type.path === 'builtins.float' } : UNKNOWN;
      }
      if (v.k === 'num' && type?.k === 'ref' && type.path === 'builtins.float') v = { ...v, float: true };
      parser.entries.set(dest, v);
      return NONE;
    }
    case 'add_argument_group':
    case 'add_mutually_exclusive_group':
      return parser;
    case 'set_defaults':
      for (const [k, v] of args.keywords) parser.entries.set(k, v);
      return NONE;
    case 'parse_args':
    case 'parse_known_args': {
      const ns = new Map<string, Value>([[NAMESPACE, { k: 'bool', v: true }]]);
      for (const [k, v] of parser.entries) if (k !== ARGPARSE) ns.set(k, v);
      const value: Value = { k: 'dict', entries: ns };
      return name === 'parse_args' ? value : { k: 'list', items: [value, { k: 'list', items: [] }], tuple: true };
    }
    default:
      return UNKNOWN;
  }
}
