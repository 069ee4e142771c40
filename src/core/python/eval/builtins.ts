// Owns the Python builtins the evaluator knows (range, len, min, zip, getattr...).
import { NONE, UNKNOWN, type Value, num } from '../values';
import { type EvalContext, type EvaluatedArgs, type Scope, iterate, joinPath, truthy } from './context';
import { setAttr } from './statements';

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
export function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** torch.nn.<Name>(...): a layer from the table, a container, nn.Parameter, or an opaque module. */
