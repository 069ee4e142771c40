// Owns the evaluator's shared state: the evaluation context, scopes, the forward trace and small value helpers.
import type { Node } from 'web-tree-sitter';
import type { Shape } from '../types';
import { type ClassInfo, type ModSpec, UNKNOWN, type Value } from '../values';

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
  /** Why each incomplete path could not be followed (first reason per path). */
  reasons?: Map<string, string>;
  /** Shapes at every user module / container call, by path. */
  modules: Map<string, { inputShape?: Shape; outputShape?: Shape }>;
}

export interface EvalContext {
  imports: Map<string, string>;
  globals: Map<string, Value>;
  /** nn.Module subclasses defined in the file. */
  moduleClasses: Map<string, ClassInfo>;
  /** Every class of the file, modules or not (mixins such as `class Bottle:` in `class Linear(Bottle, nn.Linear)`). */
  allClasses?: Map<string, ClassInfo>;
  functions: Map<string, Node>;
  /** Remaining evaluation steps: bounds work on pathological input. */
  budget: { steps: number };
  trace?: Trace;
}

export interface Scope {
  vars: Map<string, Value>;
  parent?: Scope;
  /** `self` inside a module method, with the module path it sits at in the traced model. */
  self?: { m: ModSpec; path: string };
  /** 'script' skips loop bodies (training loops) and follows both arms of unknown conditions. */
  mode: 'init' | 'forward' | 'script' | 'function';
  depth: number;
  /** Set when a loop or branch in this body could not be followed: what it returns may be incomplete. */
  taint?: string;
}

export class Return {
  constructor(readonly value: Value) {}
}

export const MAX_LOOP = 512;
export const MAX_DEPTH = 24;
export const CONTAINERS = new Set(['Sequential', 'ModuleList', 'ModuleDict']);
export const SHAPE_PRESERVING = new Set([
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

export const BUILTINS = new Set(['hasattr', 'range', 'len', 'int', 'float', 'min', 'max', 'sum', 'enumerate', 'zip', 'list', 'tuple', 'round', 'abs', 'reversed', 'bool', 'dict', 'str', 'super', 'print', 'isinstance', 'setattr', 'getattr']);

/** The context a class or function of a sibling file runs in (its imports and globals), sharing budget and trace. */
export function homeOf(home: EvalContext | undefined, ctx: EvalContext): EvalContext {
  return home && home !== ctx ? { ...home, budget: ctx.budget, trace: ctx.trace } : ctx;
}

export function newScope(mode: Scope['mode'], parent?: Scope, self?: Scope['self']): Scope {
  return { vars: new Map(), parent, self, mode, depth: (parent?.depth ?? 0) + 1 };
}

export function step(ctx: EvalContext): boolean {
  return --ctx.budget.steps > 0;
}

export function truthy(v: Value): boolean | undefined {
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

export function iterate(v: Value): Value[] | undefined {
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
export function markIncomplete(ctx: EvalContext, scope: Scope, why: string): void {
  if (scope.mode === 'forward' && ctx.trace) {
    ctx.trace.incomplete ??= why;
    const path = scope.self?.path ?? '';
    ctx.trace.incompletePaths.push(path);
    (ctx.trace.reasons ??= new Map()).set(path, ctx.trace.reasons.get(path) ?? why);
  }
  if (scope.mode === 'init' && scope.self && !scope.self.m.unknownReason) scope.self.m.unknownReason = why;
}

export interface EvaluatedArgs {
  positional: Value[];
  keywords: Map<string, Value>;
  /** Set when `*args` or `**kwargs` at the call could not be evaluated: any parameter may have been passed. */
  unknownRest?: string;
}

export function record(ctx: EvalContext, path: string | undefined, typeName: string, input: Shape | null, output: Shape | null, macs: number | null): void {
  if (!ctx.trace || path === undefined) return;
  ctx.trace.entries.push({ path, typeName, inputShape: input, outputShape: output, macs });
}

/** Calls a module on tensors: a table layer, a container chain, a user forward(), or a known architecture. */
export function giveUp(ctx: EvalContext, path: string | undefined, why: string): void {
  if (!ctx.trace) return;
  ctx.trace.incomplete ??= why;
  ctx.trace.incompletePaths.push(path ?? '');
  (ctx.trace.reasons ??= new Map()).set(path ?? '', ctx.trace.reasons.get(path ?? '') ?? why);
}


const within = (p: string, prefix: string): boolean => prefix === '' || p === prefix || p.startsWith(`${prefix}.`);

/** Why the MACs at `path` are unknown: the reason recorded for it, an ancestor or a descendant, else the walk's first. */
export function traceReason(trace: Trace | undefined, path: string | undefined): string | undefined {
  if (!trace) return undefined;
  if (path !== undefined) for (const [p, why] of trace.reasons ?? []) if (within(p, path) || within(path, p)) return why;
  return trace.incomplete;
}
