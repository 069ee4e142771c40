// Owns calls: argument binding, user functions and classes (__init__, super()), library references and methods.
import type { Node } from 'web-tree-sitter';
import { timmArchitecture, torchvisionArchitecture } from '../known-architectures';
import { einopsShape } from '../layers';
import { callArgs, kids } from '../syntax';
import type { Shape } from '../types';
import { type ClassInfo, type ModSpec, NONE, UNKNOWN, type Value, unknownBecause, whyOf } from '../values';
import { type EvalContext, type EvaluatedArgs, MAX_DEPTH, Return, type Scope, homeOf, iterate, joinPath } from './context';
import { clip, execBlock, execStatement, setAttr } from './statements';
import { evaluate } from './expressions';
import { ARGPARSE, NAMESPACE, argParserMethod, builtin, mathCall, newArgParser } from './builtins';
import { buildContainer, buildKnown, buildTorchModule, emptyMod } from './torch-modules';
import { applyModule, tensorFunction, tensorMethod } from './forward';

export function evalArgs(call: Node, scope: Scope | undefined, ctx: EvalContext): EvaluatedArgs {
  const a = callArgs(call);
  const positional: Value[] = [];
  let unknownRest: string | undefined;
  let splat = 0;
  a.positional.forEach((p, i) => {
    while (splat < a.splats.length && a.splats[splat]!.index === i) pushSplat(a.splats[splat++]!.node);
    positional.push(evaluate(p, scope, ctx));
  });
  while (splat < a.splats.length) pushSplat(a.splats[splat++]!.node);
  function pushSplat(node: Node): void {
    const v = evaluate(node, scope, ctx);
    const items = iterate(v);
    if (items) positional.push(...items);
    else {
      positional.push({ k: 'list', items: [v.k === 'unknown' ? v : UNKNOWN], tuple: true }, v.k === 'unknown' ? v : UNKNOWN); // marks arity unknown
      unknownRest ??= whyOf(v) ?? `\`*${clip(node.text)}\` (line ${node.startPosition.row + 1}) is not static`;
    }
  }
  const keywords = new Map<string, Value>();
  for (const [k, v] of a.keywords) keywords.set(k, evaluate(v, scope, ctx));
  // `**kwargs`: a static dict adds its entries; anything else may pass any parameter.
  for (const d of kids(call.childForFieldName('arguments'))) {
    if (d.type !== 'dictionary_splat') continue;
    const inner = kids(d)[0];
    const v = inner ? evaluate(inner, scope, ctx) : UNKNOWN;
    if (v.k === 'dict' && !v.entries.has(NAMESPACE) && !v.entries.has(ARGPARSE)) {
      for (const [k, x] of v.entries) if (!keywords.has(k)) keywords.set(k, x);
    } else unknownRest ??= whyOf(v) ?? `\`**${clip(inner?.text)}\` (line ${d.startPosition.row + 1}) is not static`;
  }
  return unknownRest ? { positional, keywords, unknownRest } : { positional, keywords };
}

export function evalCall(n: Node, scope: Scope | undefined, ctx: EvalContext): Value {
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
      return callFunction(fn.node, args, scope, homeOf(fn.home, ctx), undefined, fn.closure as Scope | undefined);
    case 'method':
      return callMethod(fn.self, fn.name, args, n, scope, ctx);
    case 'mod':
      return applyModule(fn.m, fn.path, args, ctx);
    case 'unknown':
      if (args.positional.some((a) => a.k === 'tensor')) return { k: 'tensor', shape: null };
      return fn.why ? fn : { k: 'unknown', why: `\`${clip(fnNode.text)}(...)\` (line ${n.startPosition.row + 1}) is not evaluated` };
    default:
      return args.positional.some((a) => a.k === 'tensor') ? { k: 'tensor', shape: null } : UNKNOWN;
  }
}

export function bindParams(fnNode: Node, args: EvaluatedArgs, scope: Scope, ctx: EvalContext, skipFirst: boolean): void {
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
      if (nm) scope.vars.set(nm, args.unknownRest ? unknownBecause(args.unknownRest) : { k: 'list', items: args.positional.slice(pos), tuple: true });
      pos = args.positional.length;
      return;
    } else if (p.type === 'dictionary_splat_pattern') {
      // `**kwargs` receives the keywords no named parameter took.
      const nm = kids(p)[0]?.text;
      const named = new Set(params.map(paramName).filter((x): x is string => !!x));
      const rest = new Map([...args.keywords].filter(([k]) => !named.has(k)));
      if (nm) scope.vars.set(nm, args.unknownRest ? unknownBecause(args.unknownRest) : { k: 'dict', entries: rest });
      return;
    } else return;
    if (!name) return;
    let v: Value | undefined = args.keywords.get(name);
    if (!v && args.unknownRest) v = unknownBecause(args.unknownRest);
    if (!v && pos < args.positional.length) v = args.positional[pos++];
    if (!v) v = dflt ? evaluate(dflt, scope.parent, ctx) : UNKNOWN;
    scope.vars.set(name, v);
  });
}

function paramName(p: Node): string | undefined {
  if (p.type === 'identifier') return p.text;
  if (p.type === 'default_parameter' || p.type === 'typed_default_parameter') return p.childForFieldName('name')?.text;
  if (p.type === 'typed_parameter') return kids(p).find((c) => c.type === 'identifier')?.text;
  return undefined;
}

export function callFunction(fnNode: Node, args: EvaluatedArgs, caller: Scope | undefined, ctx: EvalContext, self: Scope['self'], closure?: Scope): Value {
  const depth = caller?.depth ?? 0;
  if (depth > MAX_DEPTH) return UNKNOWN;
  const mode = caller?.mode === 'forward' || caller?.mode === 'init' ? caller.mode : 'function';
  // A def nested in __init__ (or another function) sees the locals of the body it was defined in.
  const scope: Scope = { vars: new Map(), parent: closure, self: self ?? caller?.self ?? closure?.self, mode, depth: depth + 1 };
  return runBody(fnNode, args, scope, ctx, false);
}

/** Binds a def's parameters in its fresh scope and runs its body: the value of its `return`, else None. */
function runBody(fnNode: Node, args: EvaluatedArgs, scope: Scope, ctx: EvalContext, isMethod: boolean): Value {
  bindParams(fnNode, args, scope, ctx, isMethod);
  try {
    execBlock(fnNode.childForFieldName('body'), scope, ctx);
  } catch (e) {
    if (e instanceof Return) return e.value;
    throw e;
  }
  return NONE;
}

/** Builds a user nn.Module by running its __init__ (and the __init__s it reaches through super()). */
export function instantiate(cls: ClassInfo, args: EvaluatedArgs, n: Node, ctx: EvalContext, caller?: Scope): Value {
  if (cls.layerBase && !findMethod(cls, '__init__', ctx)) {
    // `class StdConv2d(nn.Conv2d)` without its own __init__: the torch layer's constructor with the same arguments.
    const built = buildTorchModule(cls.layerBase, args, n);
    if (built.k === 'mod') {
      built.m.typeName = cls.name;
      built.m.cls = cls;
      built.m.layerBase = cls.layerBase;
      // A torch container such as nn.Transformer: the subclass's own forward() (or none) decides what runs.
      if (built.m.kind === 'container') built.m.kind = 'user';
      checkMixins(cls, built.m, ctx);
    }
    return built;
  }
  const m = emptyMod(cls.name, 'user', n);
  m.cls = cls;
  if (cls.layerBase) checkMixins(cls, m, ctx);
  runInit(cls, m, args, ctx, caller?.depth ?? 0);
  return { k: 'mod', m };
}

export function runInit(cls: ClassInfo, m: ModSpec, args: EvaluatedArgs, callerCtx: EvalContext, depth: number): void {
  const ctx = homeOf(cls.home, callerCtx);
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
export function superInit(args: EvaluatedArgs, scope: Scope | undefined, ctx: EvalContext): Value {
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
  if (cls.layerBase && !base) {
    // super().__init__(...) of a torch layer subclass: the layer's own parameters, held by this instance.
    const built = buildTorchModule(cls.layerBase, args, cls.node);
    if (built.k === 'mod' && built.m.kind === 'container') {
      // super().__init__(...) of an nn.Transformer subclass: its encoder and decoder become this module's children.
      for (const [k, c] of built.m.children) self.m.children.set(k, c);
      self.m.layerBase = cls.layerBase;
      if (built.m.unknownReason) self.m.unknownReason ??= built.m.unknownReason;
    } else if (built.k === 'mod') {
      Object.assign(self.m, { kind: 'layer', args: built.m.args, layer: built.m.layer, ownParams: built.m.ownParams, layerBase: cls.layerBase });
      if (built.m.unknownReason) self.m.unknownReason ??= built.m.unknownReason;
    }
    return NONE;
  }
  if (cls.containerBase) {
    // Only the children are kept: the container object itself is the instance being built.
    const built = buildContainer(cls.containerBase, args, cls.node);
    if (built.k === 'mod') {
      for (const [k, c] of built.m.children) self.m.children.set(k, c);
      if (built.m.raises) self.m.raises ??= built.m.raises;
      if (built.m.unknownReason) self.m.unknownReason ??= built.m.unknownReason;
    }
  }
  return NONE;
}

/** A class-level attribute (`cfg = [...]`, `expansion = 4`) of the class or a file base class; evaluated once. */
export function classAttr(cls: ClassInfo, name: string, ctx: EvalContext): Value | undefined {
  for (let c: ClassInfo | undefined = cls, i = 0; c && i < 16; c = baseClass(c, ctx), i++) {
    if (!c.classAttrs) {
      c.classAttrs = new Map();
      const scope: Scope = { vars: c.classAttrs, mode: 'script', depth: 1 };
      const home = homeOf(c.home, ctx);
      for (const st of kids(c.node.childForFieldName('body'))) if (st.type === 'expression_statement') execStatement(st, scope, home);
    }
    const v = c.classAttrs.get(name);
    if (v) return v;
  }
  return undefined;
}

/** Bases of a layer subclass other than the layer: a mixin's __init__ or an unknown base makes the parameters unknown. */
function checkMixins(cls: ClassInfo, m: ModSpec, ctx: EvalContext): void {
  for (let c: ClassInfo | undefined = cls, i = 0; c && i < 16; c = baseClass(c, ctx), i++) {
    for (const name of c.otherBases ?? []) {
      const mixin = ctx.allClasses?.get(name);
      if (!mixin) m.unknownReason ??= `the base class \`${name}\` of ${cls.name} is not in this file`;
      else if (mixin.methods.has('__init__')) m.unknownReason ??= `the base class \`${name}\` of ${cls.name} has its own __init__`;
    }
  }
}

/** The forward() a torch layer subclass runs instead of the layer's (its own, a file base's or a mixin's), if any. */
export function customForward(cls: ClassInfo, ctx: EvalContext): string | undefined {
  for (let c: ClassInfo | undefined = cls, i = 0; c && i < 16; c = baseClass(c, ctx), i++) {
    if (c.methods.has('forward')) return c.name;
    for (const name of c.otherBases ?? []) {
      const mixin = ctx.allClasses?.get(name);
      if (!mixin || mixin.methods.has('forward') || mixin.methods.has('__call__')) return name;
    }
  }
  return undefined;
}

export function baseClass(cls: ClassInfo, ctx: EvalContext): ClassInfo | undefined {
  const classes = (cls.home ?? ctx).moduleClasses;
  for (const b of cls.bases) {
    const c = classes.get(b.text);
    if (c && c !== cls) return c;
  }
  return undefined;
}

export function findMethod(cls: ClassInfo | undefined, name: string, ctx: EvalContext): Node | undefined {
  for (let c = cls, i = 0; c && i < 16; c = baseClass(c, ctx), i++) {
    const m = c.methods.get(name);
    if (m) return m;
  }
  return undefined;
}

export function shapeArgs(args: EvaluatedArgs): Shape | null {
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

export function callRef(path: string, args: EvaluatedArgs, n: Node, scope: Scope | undefined, ctx: EvalContext): Value {
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
  if (path.startsWith('math.')) return mathCall(path.slice(5), args);
  if (path === 'numpy.prod' || path === 'numpy.product') {
    const items = args.positional[0] ? iterate(args.positional[0]) : undefined;
    if (!items || items.some((v) => v.k !== 'num')) return UNKNOWN;
    return { k: 'num', v: items.reduce((a, v) => a * (v as { v: number }).v, 1), float: items.some((v) => v.k === 'num' && v.float) };
  }
  if (path === 'argparse.ArgumentParser') return newArgParser();
  if (path === 'einops.layers.torch.Rearrange' || path === 'einops.layers.torch.Reduce') return buildTorchModule(path.slice(path.lastIndexOf('.') + 1), args, n);
  if (path === 'einops.rearrange' || path === 'einops.repeat' || path === 'einops.reduce') {
    const [x, pattern] = args.positional;
    const axes = new Map<string, number>();
    for (const [k, v] of args.keywords) if (v.k === 'num') axes.set(k, v.v);
    const kind = path.slice('einops.'.length) as 'rearrange' | 'repeat' | 'reduce';
    return { k: 'tensor', shape: x?.k === 'tensor' && x.shape && pattern?.k === 'str' ? einopsShape(pattern.v, x.shape, axes, kind) : null };
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

export function callMethod(self: Value, name: string, args: EvaluatedArgs, n: Node, scope: Scope | undefined, ctx: EvalContext): Value {
  const p = args.positional;
  if (self.k === 'list' && !self.tuple) {
    if (name === 'append' && p[0]) self.items.push(p[0]);
    else if (name === 'extend' && p[0]) self.items.push(...(iterate(p[0]) ?? [UNKNOWN]));
    else if (name === 'insert' && p[0]?.k === 'num' && p[1]) self.items.splice(p[0].v, 0, p[1]);
    return NONE;
  }
  if (self.k === 'list' && name === 'index') return UNKNOWN;
  if (self.k === 'dict' && self.entries.has(ARGPARSE)) return argParserMethod(self, name, args);
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

export function moduleMethod(m: ModSpec, path: string | undefined, name: string, args: EvaluatedArgs, n: Node, scope: Scope | undefined, ctx: EvalContext): Value {
  const p = args.positional;
  switch (name) {
    case 'append':
      if (p[0]?.k === 'mod' && p[0].m.raises) m.raises ??= p[0].m.raises;
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
    case '__setattr__':
      if (p[0]?.k === 'str' && p[1]) setAttr(m, p[0].v, p[1]);
      else if (scope?.mode === 'init') m.unknownReason ??= `__setattr__ with a name that is not static (line ${n.startPosition.row + 1})`;
      return NONE;
    case '__getattr__': {
      const key = p[0]?.k === 'str' ? p[0].v : undefined;
      const c = key === undefined ? undefined : m.children.get(key);
      if (c) return { k: 'mod', m: c, path: joinPath(path, key!) };
      return key === undefined ? UNKNOWN : m.attrs.get(key) ?? UNKNOWN;
    }
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
      if (!method && m.kind === 'user' && scope?.mode === 'init' && !HARMLESS_IN_INIT.has(name)) {
        // A method neither in this file nor known to leave the module's structure alone may register anything.
        m.unknownReason ??= `\`self.${name}(...)\` (line ${n.startPosition.row + 1}) is not defined in this file`;
      }
      void n;
      return UNKNOWN;
    }
  }
}

/** nn.Module methods that, called in __init__, register no parameters. */
const HARMLESS_IN_INIT = new Set(['apply', 'modules', 'named_modules', 'parameters', 'named_parameters', 'children', 'named_children', 'register_buffer', 'state_dict', 'load_state_dict', 'zero_grad', 'half', 'double', 'type', 'share_memory', 'register_forward_hook', 'register_forward_pre_hook', 'register_backward_hook', 'register_full_backward_hook', 'get_parameter', 'get_submodule', 'buffers', 'named_buffers']);

export function callMethodBody(method: Node, m: ModSpec, path: string | undefined, args: EvaluatedArgs, caller: Scope, callerCtx: EvalContext): Value {
  const ctx = homeOf(m.cls?.home, callerCtx);
  if (caller.depth > MAX_DEPTH) return UNKNOWN;
  const scope: Scope = { vars: new Map(), self: { m, path: path ?? '' }, mode: caller.mode, depth: caller.depth + 1 };
  return runBody(method, args, scope, ctx, true);
}
