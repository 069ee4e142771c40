// Owns the script model: imports, nn.Module classes, the exported model instance and its traced forward(),
// turned into per-class summaries and per-layer figures.
import type { Node, Tree } from 'web-tree-sitter';
import { applyModule, evaluate, execBlock, execStatement, instantiate, newScope, traceReason, type EvalContext, type Trace, type TraceEntry } from './eval';
import { entryBuildSites } from './entry-points';
import { loadSiblings, type ImportOptions } from './imports';
import { LAYERS } from './layers';
import { parseOnce } from './parser';
import { callArgs, dottedParts, enclosingFunction, enclosingStatement, indexTree, kids, rangeOf, type NodeIndex } from './syntax';
import type { LayerInfo, ModuleSummary, Range, Shape } from './types';
import { UNKNOWN, modParams, unknownReasonOf, type ClassInfo, type ModSpec, type Value } from './values';

export interface ExportCall {
  node: Node;
  range: Range;
  /** Evaluated third argument: the .onnx path as written (relative to the script's folder). */
  onnxPath?: string;
  modelText: string;
  /** Whether opset_version= is given, and its value when static. */
  opset?: { node: Node; value?: number };
  hasConstantFolding: boolean;
}

/** A layer object with the path it holds in the traced model (when it is part of it). */
export interface LayerInstance {
  mod: ModSpec;
  path?: string;
  macs: number | null;
  inputShape?: Shape;
  outputShape?: Shape;
}

export interface ScriptModel {
  tree: Tree;
  text: string;
  index: NodeIndex;
  imports: Map<string, string>;
  classes: Map<string, ClassInfo>;
  exports: ExportCall[];
  /** The model passed to torch.onnx.export (or the last model built), when one was found. */
  model?: { mod: ModSpec; varName?: string; inputShape?: Shape; trace: Trace };
  modules: ModuleSummary[];
  /** Every module constructor call, keyed by `line:col` of the call, with its instances. */
  layers: Map<string, LayerInstance[]>;
  ctx: EvalContext;
  /** Set when figures are withheld: for the whole script, or (modelOnly) for the instances inside the model. */
  blocked?: { reason: string; modelOnly: boolean };
}

/** Parameters of a layer instance as the editor shows them: null (with `blocked`'s reason) when figures are withheld. */
export function instanceParams(model: ScriptModel, inst: LayerInstance): number | null {
  if (model.blocked && (!model.blocked.modelOnly || inst.path !== undefined)) return null;
  return modParams(inst.mod);
}

export function posKey(r: Range): string {
  return `${r.start.line}:${r.start.character}`;
}

export function collectImports(importNodes: Node[]): Map<string, string> {
  const imports = new Map<string, string>();
  for (const n of importNodes) {
    if (n.type === 'import_statement') {
      for (const c of kids(n)) {
        if (c.type === 'dotted_name') imports.set(c.text.split('.')[0]!, c.text.split('.')[0]!);
        else if (c.type === 'aliased_import') {
          const name = c.childForFieldName('name')?.text;
          const alias = c.childForFieldName('alias')?.text;
          if (name && alias) imports.set(alias, name);
        }
      }
      continue;
    }
    if (n.type === 'import_from_statement') {
      const mod = n.childForFieldName('module_name')?.text;
      if (!mod) continue;
      for (const c of n.childrenForFieldName('name')) {
        if (c.type === 'dotted_name') imports.set(c.text, `${mod}.${c.text}`);
        else if (c.type === 'aliased_import') {
          const name = c.childForFieldName('name')?.text;
          const alias = c.childForFieldName('alias')?.text;
          if (name && alias) imports.set(alias, `${mod}.${name}`);
        }
      }
    }
  }
  return imports;
}

/** Canonical dotted name of an expression (`nn.Conv2d` → `torch.nn.Conv2d`) using the imports. */
export function canonical(n: Node, imports: Map<string, string>): string | undefined {
  const parts = dottedParts(n);
  if (!parts) return undefined;
  const head = imports.get(parts[0]!) ?? (parts[0] === 'nn' ? 'torch.nn' : parts[0] === 'F' ? 'torch.nn.functional' : parts[0]!);
  return [head, ...parts.slice(1)].join('.');
}

function topLevel(root: Node): Node[] {
  const out: Node[] = [];
  for (const c of kids(root)) {
    if (c.type === 'decorated_definition') {
      const d = c.childForFieldName('definition');
      if (d) out.push(d);
    } else out.push(c);
  }
  return out;
}

function classInfo(n: Node): ClassInfo {
  const methods = new Map<string, Node>();
  for (const st of kids(n.childForFieldName('body'))) {
    const fn = st.type === 'decorated_definition' ? st.childForFieldName('definition') : st;
    if (fn?.type === 'function_definition') {
      const name = fn.childForFieldName('name')?.text;
      if (name) methods.set(name, fn);
    }
  }
  return {
    name: n.childForFieldName('name')?.text ?? '?',
    node: n,
    bases: kids(n.childForFieldName('superclasses')).filter((b) => b.type !== 'keyword_argument'),
    init: methods.get('__init__'),
    forward: methods.get('forward'),
    methods,
  };
}

export interface AnalyzeOptions extends ImportOptions {
  /** Evaluation steps before giving up (keeps huge or adversarial files bounded). */
  maxSteps?: number;
}

/** analyzeTree that never throws: a failure (pathological nesting, an evaluator bug) yields an empty model. */
export function analyzeTreeSafe(tree: Tree, options: AnalyzeOptions = {}): { model: ScriptModel; error?: string } {
  try {
    return { model: analyzeTree(tree, options) };
  } catch (e) {
    const text = tree.rootNode.text;
    const ctx: EvalContext = { imports: new Map(), globals: new Map(), moduleClasses: new Map(), functions: new Map(), budget: { steps: 0 } };
    const model: ScriptModel = { tree, text, index: indexTree(tree.rootNode, text), imports: new Map(), classes: new Map(), exports: [], modules: [], layers: new Map(), ctx };
    return { model, error: e instanceof RangeError ? 'the script nests too deeply to analyze' : e instanceof Error ? e.message : String(e) };
  }
}

export function analyzeTree(tree: Tree, options: AnalyzeOptions = {}): ScriptModel {
  const root = tree.rootNode;
  const text = root.text;
  const index = indexTree(root, text);
  const imports = collectImports(index.imports);
  const all = new Map<string, ClassInfo>();
  const functions = new Map<string, Node>();
  for (const st of topLevel(root)) {
    if (st.type === 'class_definition') {
      const c = classInfo(st);
      all.set(c.name, c);
    } else if (st.type === 'function_definition') {
      const name = st.childForFieldName('name')?.text;
      if (name) functions.set(name, st);
    }
  }
  // Classes, functions and constants imported from sibling files of the workspace, analyzed in their own context.
  const siblings = loadSiblings(tree.language, index.imports, options, (siblingText, o) => {
    const t = parseOnce(tree.language, siblingText);
    if (!t) return undefined;
    try {
      const m = analyzeTree(t, { ...o, maxSteps: options.maxSteps });
      return { classes: m.classes, ctx: m.ctx };
    } catch {
      return undefined;
    }
    // The sibling's tree stays alive: its classes' nodes are evaluated later (the cache owns it).
  });
  for (const name of siblings.resolved) imports.delete(name);
  // nn.Module subclasses, directly or through another class of the file (or an imported sibling class).
  const classes = new Map<string, ClassInfo>(siblings.classes);
  for (let changed = true; changed; ) {
    changed = false;
    for (const c of all.values()) {
      if (classes.has(c.name)) continue;
      for (const b of c.bases) {
        const name = canonical(b, imports);
        const container = name === 'torch.nn.Sequential' ? 'Sequential' : name === 'torch.nn.ModuleList' ? 'ModuleList' : name === 'torch.nn.ModuleDict' ? 'ModuleDict' : undefined;
        const parent = classes.get(b.text);
        const layer = name?.startsWith('torch.nn.') && LAYERS[name.slice('torch.nn.'.length)] ? name.slice('torch.nn.'.length) : undefined;
        if (name === 'torch.nn.Module' || container || parent || layer) {
          c.containerBase = container ?? parent?.containerBase;
          c.layerBase = layer ?? parent?.layerBase;
          classes.set(c.name, c);
          changed = true;
          break;
        }
      }
    }
  }
  // Bases of a layer subclass that are neither torch.nn classes nor module classes of the file (mixins).
  for (const c of classes.values()) {
    if (c.layerBase) c.otherBases = c.bases.filter((b) => b.text !== 'object' && !classes.has(b.text) && !canonical(b, imports)?.startsWith('torch.nn.')).map((b) => b.text);
  }
  const ctx: EvalContext = { imports, globals: new Map(), moduleClasses: classes, allClasses: all, functions, budget: { steps: options.maxSteps ?? 200_000 } };

  for (const [local, { module, name }] of siblings.values) {
    const fn = module.ctx.functions.get(name);
    const v = fn ? ({ k: 'func', node: fn, home: module.ctx } as Value) : module.ctx.globals.get(name);
    if (v) ctx.globals.set(local, v);
  }
  // Module-level constants (and anything else static) in file order; loops are skipped.
  const moduleScope = newScope('script');
  moduleScope.vars = ctx.globals;
  const exportNodes: Node[] = [];
  const instantiations: Node[] = [];
  for (const n of index.calls) {
    const fn = n.childForFieldName('function');
    const name = fn ? canonical(fn, imports) : undefined;
    if (name === 'torch.onnx.export') exportNodes.push(n);
    else if (name && (classes.has(name) || name.startsWith('torchvision.models.') || name === 'timm.create_model')) instantiations.push(n);
  }
  const firstExport = exportNodes[0];
  const stopAt = firstExport && !enclosingFunction(firstExport) ? enclosingStatement(firstExport) : undefined;
  try {
    execBlock(root, moduleScope, ctx, stopAt);
    if (stopAt) {
      // Constants defined after the export still count for the classes.
      let after = false;
      for (const st of kids(root)) {
        if (after) execStatement(st, moduleScope, ctx);
        if (st.id === stopAt.id) after = true;
      }
    }
  } catch {
    // A stray top-level `return` (mid-edit text): keep what was bound so far.
  }

  const exports = exportNodes.map((n) => exportCall(n, ctx));
  const model = findModel(index, exportNodes, instantiations, ctx, classes, text);
  const layers = new Map<string, LayerInstance[]>();
  const modules: ModuleSummary[] = [];
  const calls = model ? indexCalls(model.trace) : undefined;
  if (model) collectLayers(model.mod, '', layers, model.trace, calls!);

  for (const cls of classes.values()) {
    if (cls.home) continue; // imported from a sibling file: summarized there
    // The exported instance when this class is the model; else the first instance inside the model; else a fresh one.
    let inst: { mod: ModSpec; path?: string } | undefined;
    if (model && model.mod.cls === cls) inst = { mod: model.mod, path: '' };
    if (!inst && model) inst = findInstance(model.mod, '', cls);
    if (!inst) {
      const site = instantiations.find((n) => canonical(n.childForFieldName('function')!, imports) === cls.name);
      const v = site ? evaluate(site, moduleScope, ctx) : instantiate(cls, { positional: [], keywords: new Map() }, cls.node, ctx);
      if (v.k === 'mod') inst = { mod: v.m };
    }
    if (!inst) continue;
    if (inst.path === undefined) collectLayers(inst.mod, undefined, layers, undefined, undefined);
    const nameNode = cls.node.childForFieldName('name') ?? cls.node;
    const macs = inst.path !== undefined && model ? subtreeMacs(model.trace, calls!, inst.path) : null;
    const params = modParams(inst.mod);
    // Why a figure is null travels with it (JSON, code lens tooltip, hover).
    const unknownReason =
      params === null ? unknownReasonOf(inst.mod)
      : macs !== null ? undefined
      : inst.path === undefined ? 'not part of the model the script builds and runs'
      : traceReason(model?.trace, inst.path) ?? (model && !model.inputShape ? 'no input shape found (torch.randn(...) passed to the model or to torch.onnx.export)' : 'not reached by the forward() walk');
    modules.push({
      name: cls.name,
      range: rangeOf(nameNode),
      params,
      macs,
      ...(unknownReason ? { unknownReason } : {}),
      inputShape: inst.path !== undefined ? calls?.get(inst.path)?.inputShape ?? undefined : undefined,
      layers: [...inst.mod.children].map(([key, c]) => layerInfo(key, c, inst!.path, model?.trace, calls)),
      isExported: !!model && model.mod === inst.mod,
      ...(inst.path !== undefined ? { instancePath: inst.path } : {}),
    });
  }
  // A known architecture used as the model directly (model = torchvision.models.resnet18(...)), or a model whose class
  // is imported from a sibling file: summarized at the call that builds it, with the children built in this file.
  if (model && (model.mod.kind !== 'user' || model.mod.cls?.home)) {
    const params = modParams(model.mod);
    const macs = subtreeMacs(model.trace, calls!, '');
    const unknownReason = params === null ? unknownReasonOf(model.mod) : macs === null ? traceReason(model.trace, '') ?? (model.inputShape ? 'not reached by the forward() walk' : 'no input shape found (torch.randn(...) passed to the model or to torch.onnx.export)') : undefined;
    modules.push({
      name: model.mod.cls?.home ? model.mod.typeName : model.varName ?? model.mod.typeName,
      range: model.mod.range,
      params,
      macs,
      ...(unknownReason ? { unknownReason } : {}),
      inputShape: model.inputShape,
      layers: [...model.mod.children].filter(([, c]) => c.tree === undefined || c.tree === tree).map(([key, c]) => layerInfo(key, c, '', model.trace, calls)),
      isExported: true,
      instancePath: '',
    });
  }
  modules.sort((a, b) => a.range.start.line - b.range.start.line);
  // Ranges of another file mean nothing in this one: modules built in a sibling file get no lens or hover here.
  for (const [k, list] of layers) {
    const own = list.filter((l) => l.mod.tree === undefined || l.mod.tree === tree);
    if (own.length) layers.set(k, own);
    else layers.delete(k);
  }
  // Evaluation stopped part-way (any figure may miss layers), or the model raises while being built in PyTorch (it
  // never exists): no figure is reported as known — for the whole script, or for the model's modules.
  const blocked: ScriptModel['blocked'] =
    ctx.budget.steps <= 0 ? { reason: 'the script is too large to evaluate completely (step budget exhausted)', modelOnly: false }
    : model?.mod.raises ? { reason: `the model cannot be built: ${model.mod.raises}`, modelOnly: true }
    : undefined;
  if (blocked) {
    for (const m of modules) {
      if (blocked.modelOnly && m.instancePath === undefined) continue;
      Object.assign(m, { params: null, macs: null, unknownReason: blocked.reason });
      for (const l of m.layers) Object.assign(l, { params: null, macs: null, unknownReason: blocked.reason });
    }
    for (const list of layers.values()) for (const l of list) if (!blocked.modelOnly || l.path !== undefined) l.macs = null;
  }
  return { tree, text, index, imports, classes, exports, model, modules, layers, ctx, ...(blocked ? { blocked } : {}) };
}

function exportCall(n: Node, ctx: EvalContext): ExportCall {
  const a = callArgs(n);
  const scope = scopeBefore(n, ctx);
  const pathNode = a.positional[2] ?? a.keywords.get('f');
  const p = pathNode ? evaluate(pathNode, scope, ctx) : UNKNOWN;
  const opsetNode = a.keywords.get('opset_version');
  const ov = opsetNode ? evaluate(opsetNode, scope, ctx) : undefined;
  return {
    node: n,
    range: rangeOf(n),
    onnxPath: p.k === 'str' ? p.v : undefined,
    modelText: (a.positional[0] ?? a.keywords.get('model'))?.text ?? 'model',
    opset: opsetNode ? { node: opsetNode, value: ov?.k === 'num' ? ov.v : undefined } : undefined,
    hasConstantFolding: a.keywords.has('do_constant_folding'),
  };
}

/** The variables in effect just before `n`: its function's body run (loops skipped) up to the statement. */
export function scopeBefore(n: Node, ctx: EvalContext): ReturnType<typeof newScope> {
  const fn = enclosingFunction(n);
  const moduleScope = newScope('script');
  moduleScope.vars = ctx.globals;
  if (!fn) return moduleScope;
  const scope = newScope('function', moduleScope);
  // Function-level code is treated like top-level code: loops skipped, both arms of unknown conditions followed.
  scope.mode = 'script';
  try {
    execBlock(fn.childForFieldName('body'), scope, ctx, enclosingStatement(n));
  } catch {
    // a return before the call: keep what was bound
  }
  return scope;
}

function findModel(index: NodeIndex, exportNodes: Node[], instantiations: Node[], ctx: EvalContext, classes: Map<string, ClassInfo>, text: string): ScriptModel['model'] {
  let mod: ModSpec | undefined;
  let varName: string | undefined;
  let input: Shape | undefined;
  let candidatesDone = false;
  const exp = exportNodes[0];
  if (exp) {
    const a = callArgs(exp);
    const scope = scopeBefore(exp, ctx);
    const mNode = a.positional[0] ?? a.keywords.get('model');
    const dNode = a.positional[1] ?? a.keywords.get('args');
    varName = mNode?.type === 'identifier' ? mNode.text : undefined;
    const mv = mNode ? evaluate(mNode, scope, ctx) : UNKNOWN;
    if (mv.k === 'mod') mod = mv.m;
    const dv = dNode ? evaluate(dNode, scope, ctx) : UNKNOWN;
    input = tensorShape(dv);
    if (!input && dNode) input = shapeFromAssignment(index, dNode.type === 'tuple' ? kids(dNode)[0] : dNode, ctx);
  }
  if (!mod) {
    // The model arrives as a parameter (or there is no export): the model the entry points build (the one assigned
    // to the exported name first), constructor or factory call.
    const sites = entryBuildSites({ calls: index.calls, text, functions: ctx.functions, classes: new Set(classes.keys()), imports: ctx.imports, nameOf: (n) => canonical(n, ctx.imports) });
    const ordered = varName ? [...sites.filter((s) => assignedName(s.call) === varName), ...sites.filter((s) => assignedName(s.call) !== varName)] : sites;
    for (const s of ordered) {
      let v = evaluate(s.call, scopeBefore(s.call, ctx), ctx);
      if (v.k !== 'mod' && s.inner) v = evaluate(s.inner, scopeBefore(s.inner, ctx), ctx);
      if (v.k === 'mod') {
        mod = v.m;
        varName ??= assignedName(s.call);
        break;
      }
    }
    // Built by no entry point: the one model the file builds, when there is exactly one candidate (never the
    // last of several: a file of ResNet18...ResNet152 factories does not build ResNet152).
    if (mod || sites.length > 0) candidatesDone = true;
  }
  if (!mod && !candidatesDone) {
    const usedInside = new Set<string>();
    for (const c of classes.values()) {
      const body = text.slice(c.node.startIndex, c.node.endIndex);
      for (const other of classes.keys()) if (other !== c.name && new RegExp(`\\b${other}\\b`).test(body)) usedInside.add(other);
    }
    const candidates = instantiations.filter((n) => {
      const parentClass = enclosingClass(n);
      return !parentClass && !usedInside.has(n.childForFieldName('function')!.text);
    });
    const byName = varName ? candidates.find((n) => assignedName(n) === varName) : undefined;
    const site = byName ?? (candidates.length === 1 ? candidates[0] : undefined);
    if (site) {
      const v = evaluate(site, scopeBefore(site, ctx), ctx);
      if (v.k === 'mod') {
        mod = v.m;
        varName ??= assignedName(site);
      }
    }
  }
  if (!mod) return undefined;
  if (!input) input = inputFromModelCall(index, varName, ctx);
  const trace: Trace = { entries: [], incompletePaths: [], modules: new Map() };
  ctx.trace = trace;
  if (input) applyModule(mod, '', { positional: [{ k: 'tensor', shape: input }], keywords: new Map() }, ctx);
  else trace.incomplete = 'no dummy input shape found (torch.randn(...) passed to torch.onnx.export or to the model)';
  ctx.trace = undefined;
  return { mod, varName, inputShape: input, trace };
}

function tensorShape(v: Value): Shape | undefined {
  if (v.k === 'tensor' && v.shape) return v.shape;
  if (v.k === 'list' && v.items[0]?.k === 'tensor' && v.items[0].shape) return v.items[0].shape;
  return undefined;
}

function enclosingClass(n: Node): Node | null {
  for (let p = n.parent; p; p = p.parent) if (p.type === 'class_definition') return p;
  return null;
}

function assignedName(call: Node): string | undefined {
  const p = call.parent;
  if (p?.type === 'assignment' && p.childForFieldName('right')?.id === call.id) {
    const l = p.childForFieldName('left');
    if (l?.type === 'identifier') return l.text;
  }
  return undefined;
}

/** `dummy = torch.randn(1, 3, 32, 32)` anywhere in the file, for a dummy that arrives as a parameter. */
function shapeFromAssignment(index: NodeIndex, n: Node | undefined, ctx: EvalContext): Shape | undefined {
  if (n?.type !== 'identifier') return undefined;
  for (const x of index.assignments) {
    if (x.childForFieldName('left')?.text !== n.text) continue;
    const r = x.childForFieldName('right');
    if (r?.type === 'call') {
      const v = evaluate(r, scopeBefore(r, ctx), ctx);
      if (v.k === 'tensor' && v.shape) return v.shape;
    }
  }
  return undefined;
}

/** `model(torch.randn(1, 1, 49, 10))` somewhere in the file, when no export call gives the input. */
function inputFromModelCall(index: NodeIndex, varName: string | undefined, ctx: EvalContext): Shape | undefined {
  if (!varName) return undefined;
  for (const n of index.calls) {
    if (n.childForFieldName('function')?.text !== varName) continue;
    const arg = callArgs(n).positional[0];
    const found = arg ? tensorShape(evaluate(arg, scopeBefore(n, ctx), ctx)) : undefined;
    if (found) return found;
  }
  return undefined;
}

// ---------------------------------------------------------------- trace indexing

interface CallInfo {
  inputShape?: Shape;
  outputShape?: Shape;
}

function indexCalls(trace: Trace): Map<string, CallInfo> {
  const calls = new Map<string, CallInfo>();
  for (const e of trace.entries) {
    if (!calls.has(e.path)) calls.set(e.path, { inputShape: e.inputShape ?? undefined, outputShape: e.outputShape ?? undefined });
    // Every ancestor of a traced layer ran too.
    for (let p = e.path; p.includes('.'); ) {
      p = p.slice(0, p.lastIndexOf('.'));
      if (!calls.has(p)) calls.set(p, {});
    }
    if (!calls.has('')) calls.set('', {});
  }
  for (const [p, c] of trace.modules) calls.set(p, c);
  return calls;
}

/** MACs of everything traced under `path`; null when the walk could not follow it completely. */
export function subtreeMacs(trace: Trace, calls: Map<string, CallInfo>, path: string): number | null {
  if (trace.incomplete && trace.incompletePaths.length === 0) return null;
  if (trace.incompletePaths.some((p) => within(p, path) || within(path, p))) return null;
  if (!calls.has(path)) return null;
  let total = 0;
  for (const e of trace.entries) {
    if (!within(e.path, path)) continue;
    if (e.macs === null) return null;
    total += e.macs;
  }
  return total;
}

function within(p: string, prefix: string): boolean {
  return prefix === '' || p === prefix || p.startsWith(`${prefix}.`);
}

function findInstance(m: ModSpec, path: string, cls: ClassInfo): { mod: ModSpec; path: string } | undefined {
  for (const [key, c] of m.children) {
    const p = path === '' ? key : `${path}.${key}`;
    if (c.cls === cls) return { mod: c, path: p };
    const deeper = findInstance(c, p, cls);
    if (deeper) return deeper;
  }
  return undefined;
}

function layerInfo(key: string, c: ModSpec, parentPath: string | undefined, trace: Trace | undefined, calls: Map<string, CallInfo> | undefined): LayerInfo {
  const path = parentPath === undefined ? undefined : parentPath === '' ? key : `${parentPath}.${key}`;
  const params = modParams(c);
  const macs = path !== undefined && trace && calls ? subtreeMacs(trace, calls, path) : null;
  const call = path !== undefined ? calls?.get(path) : undefined;
  const info: LayerInfo = { path: key, typeName: c.typeName, range: c.range, params, macs };
  if (call?.inputShape) info.inputShape = call.inputShape;
  if (call?.outputShape) info.outputShape = call.outputShape;
  if (params === null) info.unknownReason = unknownReasonOf(c);
  else if (macs === null) info.unknownReason = (path === undefined ? undefined : traceReason(trace, path)) ?? trace?.incomplete ?? 'not reached by the forward() walk';
  return info;
}

function collectLayers(m: ModSpec, path: string | undefined, out: Map<string, LayerInstance[]>, trace: Trace | undefined, calls: Map<string, CallInfo> | undefined): void {
  for (const [key, c] of m.children) {
    const p = path === undefined ? undefined : path === '' ? key : `${path}.${key}`;
    // Every constructor call (layers, containers, user blocks) is hoverable; checks filter by type themselves.
    if (c.typeName !== 'Parameter') {
      const k = posKey(c.range);
      const list = out.get(k) ?? [];
      if (!list.some((x) => x.mod === c)) {
        const e: TraceEntry | undefined = p !== undefined ? trace?.entries.find((x) => x.path === p) : undefined;
        list.push({
          mod: c,
          path: p,
          macs: p !== undefined && trace && calls ? subtreeMacs(trace, calls, p) : null,
          inputShape: e?.inputShape ?? (p !== undefined ? calls?.get(p)?.inputShape : undefined) ?? undefined,
          outputShape: e?.outputShape ?? (p !== undefined ? calls?.get(p)?.outputShape : undefined) ?? undefined,
        });
        out.set(k, list);
      }
    }
    collectLayers(c, p, out, trace, calls);
  }
}
