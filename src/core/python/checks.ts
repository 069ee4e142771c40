// Owns the script diagnostics: each check finds a pattern in the parsed script (or the linked model's figures),
// states the numbers, and offers the safe edit as a quick fix.
import type { Node } from 'web-tree-sitter';
import { formatBytes, formatCount, formatMs } from '../format';
import { canonical, posKey, type LayerInstance, type ScriptModel } from './analyze-script';
import type { LinkedModel } from './link';
import type { ScriptSettings } from './settings';
import { biasBlocker, gatherRefs, inferenceFlow, reindentSafe, replaceBlocker, restOfBlock, torchName, type ScriptRefs } from './fix-safety';
import { callArgs, enclosingFunction, enclosingStatement, indentOf, kids, rangeOf } from './syntax';
import type { DiagnosticCode, Range, ScriptDiagnostic, ScriptFix, Severity, TextEdit } from './types';
import { modParams } from './values';

export interface CheckInput {
  text: string;
  model: ScriptModel;
  settings: ScriptSettings;
  link?: LinkedModel;
  /** Highest opset the device runtime accepts, when known. */
  deviceMaxOpset?: number;
  deviceName?: string;
}

const GRAD_OFF = new Set(['torch.no_grad', 'torch.inference_mode', 'torch.set_grad_enabled', 'torch.autograd.no_grad']);
const MODEL_PARAM_NAMES = /^(model|net|network|classifier|module|m)$|^model_|_model$/;

const fmt = (n: number): string => n.toLocaleString('en-US');

function diag(code: DiagnosticCode, severity: Severity, range: Range, message: string, fixes: ScriptFix[] = []): ScriptDiagnostic {
  return { code, severity, range, message, fixes };
}

function at(line: number, character: number): Range {
  return { start: { line, character }, end: { line, character } };
}

interface Facts {
  text: string;
  calls: Node[];
  /** Functions that train: they call .backward() or optimizer.step() (-1 = module level). */
  training: Set<number>;
  /** The `.backward()` / `optimizer.step()` calls themselves, with their function id. */
  trainingCalls: { node: Node; fnId: number }[];
  /** `x.eval()` / `x.train(...)` calls in source order with their enclosing function id. */
  modes: { node: Node; target: string; evalMode: boolean; fnId: number }[];
  /** Calls of a plain name (`train(...)`, `model(...)`) by that name. */
  byCallee: Map<string, Node[]>;
  quantize?: ScriptFix | null;
  /** Attribute and function references, for the fixes' preconditions (built on first use). */
  refs?: ScriptRefs;
}

function refsOf(f: Facts, model: ScriptModel): ScriptRefs {
  f.refs ??= gatherRefs(model.tree.rootNode, model.index.functions);
  return f.refs;
}

const callText = (f: Facts, c: Node, max = 200): string => f.text.slice(c.startIndex, Math.min(c.endIndex, c.startIndex + max));

function gatherFacts(model: ScriptModel): Facts {
  const text = model.text;
  const calls = model.index.calls;
  const training = new Set<number>();
  const modes: Facts['modes'] = [];
  const byCallee = new Map<string, Node[]>();
  const facts: Facts = { text, calls, training, trainingCalls: [], modes, byCallee };
  for (const c of calls) {
    // Only calls whose text can match are turned into child nodes: that keeps 2,000-line files fast.
    const head = callText(facts, c);
    const callee = /^([A-Za-z_]\w*)\s*\(/.exec(head)?.[1];
    if (callee) {
      const list = byCallee.get(callee);
      if (list) list.push(c);
      else byCallee.set(callee, [c]);
    }
    if (!/\.(backward|step|eval|train)\s*\(/.test(head)) continue;
    const fn = c.childForFieldName('function');
    if (fn?.type !== 'attribute') continue;
    const attr = fn.childForFieldName('attribute')?.text;
    const target = fn.childForFieldName('object')?.text ?? '';
    const fnId = enclosingFunction(c)?.id ?? -1;
    if (attr === 'backward' || (attr === 'step' && /optim|opt\b|optimizer/i.test(target))) {
      training.add(fnId);
      facts.trainingCalls.push({ node: c, fnId });
    }
    else if (attr === 'eval') modes.push({ node: c, target, evalMode: true, fnId });
    else if (attr === 'train') {
      const arg = kids(c.childForFieldName('arguments'))[0];
      modes.push({ node: c, target, evalMode: arg?.type === 'false', fnId });
    }
  }
  return facts;
}

export function runChecks(input: CheckInput): ScriptDiagnostic[] {
  const { model, settings } = input;
  const root = model.tree.rootNode;
  const facts = gatherFacts(model);
  void root;
  const out: ScriptDiagnostic[] = [];
  const on = (c: DiagnosticCode): boolean => !settings.disabled.includes(c);
  if (on('aiot.float64')) out.push(...float64(input, facts));
  const names = modelNames(input);
  if (on('aiot.export-without-eval')) out.push(...exportWithoutEval(input, facts));
  if (on('aiot.inference-without-eval') || on('aiot.inference-without-no-grad')) out.push(...inference(input, facts, names).filter((d) => on(d.code)));
  if (on('aiot.opset-missing') || on('aiot.opset-unsupported')) out.push(...opset(input).filter((d) => on(d.code)));
  if (on('aiot.dense-conv')) out.push(...denseConv(input, facts));
  if (on('aiot.volatile-variable')) out.push(...volatile(input, facts));
  if (on('aiot.large-linear')) out.push(...largeLinear(input, facts));
  if (input.link && (on('aiot.not-fit') || on('aiot.hotspot'))) out.push(...deviceChecks(input, facts).filter((d) => on(d.code)));
  out.sort((a, b) => a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character);
  return out;
}

// ---------------------------------------------------------------- float64

function float64(input: CheckInput, facts: Facts): ScriptDiagnostic[] {
  const out: ScriptDiagnostic[] = [];
  const params = input.model.model ? modParams(input.model.model.mod) : null;
  const cost = params !== null ? ` The model's ${fmt(params)} parameters take ${formatBytes(params * 8)} in float64 against ${formatBytes(params * 4)} in float32.` : '';
  const why = `float64 doubles every weight and activation (8 bytes per value, not 4) and MCU/NPU runtimes have no float64 kernels.${cost}`;
  const spots: { range: Range; message: string; edit: TextEdit }[] = [];
  for (const c of facts.calls) {
    if (facts.text.slice(c.endIndex - 8, c.endIndex).replace(/\s/g, '') !== 'double()' && !/double\(\s*\)$/.test(facts.text.slice(c.startIndex, c.endIndex))) continue;
    const fn = c.childForFieldName('function');
    if (fn?.type !== 'attribute') continue;
    const attr = fn.childForFieldName('attribute');
    const obj = fn.childForFieldName('object');
    if (attr?.text === 'double' && kids(c.childForFieldName('arguments')).length === 0 && obj && !canonical(obj, input.model.imports)?.startsWith('numpy')) {
      const range = { start: rangeOf(attr).start, end: rangeOf(c).end };
      spots.push({ range, message: `\`.double()\` converts to float64. ${why}`, edit: { range, newText: 'float()' } });
    }
  }
  for (const n of input.model.index.float64Attributes) {
    const name = canonical(n, input.model.imports);
    if (name === 'torch.float64' || name === 'torch.double') {
      const attr = n.childForFieldName('attribute')!;
      spots.push({ range: rangeOf(n), message: `\`${n.text}\` selects float64. ${why}`, edit: { range: rangeOf(attr), newText: 'float32' } });
    }
  }
  // One fix turns every float64 spot to float32 at once: changing one alone mixes dtypes (a float64 state in
  // forward() meeting float32 weights raises). Data read as float64 (numpy, a saved tensor) would then meet float32
  // weights too, so then no fix is offered.
  const data = /\bfrom_numpy\s*\(|\btorch\.load\s*\(|\b(np|numpy)\.(load|loadtxt|genfromtxt|fromfile)\s*\(|\bread_csv\s*\(|\bpd\.read_\w+\s*\(/.exec(facts.text);
  const note = data ? ` No quick fix: the script reads data with \`${data[0].replace(/\s*\($/, '')}\`, which keeps float64 from numpy or the file; converting the model alone would mix dtypes.` : '';
  const edits = spots.map((x) => x.edit);
  const title = spots.length === 1 ? `Use float32 (${spots[0]!.edit.newText === 'float()' ? 'replace `.double()` with `.float()`' : 'float32'})` : `Use float32 in all ${spots.length} float64 places`;
  for (const x of spots) out.push(diag('aiot.float64', 'warning', x.range, x.message + note, data ? [] : [{ title, edits, isPreferred: true }]));
  return out;
}

// ---------------------------------------------------------------- eval / no_grad

function modelNames(input: CheckInput): Set<string> {
  const names = new Set<string>();
  if (input.model.model?.varName) names.add(input.model.model.varName);
  for (const e of input.model.exports) if (/^[A-Za-z_]\w*$/.test(e.modelText)) names.add(e.modelText);
  for (const n of input.model.index.assignments) {
    const r = n.childForFieldName('right');
    const l = n.childForFieldName('left');
    if (r?.type === 'call' && l?.type === 'identifier') {
      const fn = r.childForFieldName('function');
      const nm = fn ? canonical(fn, input.model.imports) : undefined;
      if (nm && (input.model.classes.has(nm) || nm.startsWith('torchvision.models.') || nm === 'timm.create_model')) names.add(l.text);
    }
  }
  return names;
}

/** Whether `target` is in eval mode at `at`: the last mode call on it in the same function (or caller) wins. */
function inEvalMode(at: Node, target: string, facts: Facts, depth = 0): boolean {
  const fn = enclosingFunction(at);
  const fnId = fn?.id ?? -1;
  const modes = facts.modes.filter((m) => m.fnId === fnId && m.node.startIndex < at.startIndex && m.target === target);
  const last = modes[modes.length - 1];
  if (last) return last.evalMode;
  if (!fn || depth > 3) return false;
  // Not set here: every caller of this function must have set it (any argument name) before the call.
  const name = fn.childForFieldName('name')?.text ?? '';
  const sites = facts.byCallee.get(name) ?? [];
  if (sites.length === 0) return false;
  return sites.every((site) => {
    const args = callArgs(site).positional.map((a) => a.text);
    return args.some((a) => inEvalMode(site, a, facts, depth + 1));
  });
}

function insertLineBefore(text: string, st: Node, line: string): TextEdit {
  return { range: at(st.startPosition.row, 0), newText: `${indentOf(text, st)}${line}\n` };
}

function exportWithoutEval(input: CheckInput, facts: Facts): ScriptDiagnostic[] {
  const out: ScriptDiagnostic[] = [];
  for (const e of input.model.exports) {
    // `model.eval()` (or `model.train(False)`) written inside the call returns the model in eval mode.
    if (/\.eval\(\s*\)|\.train\(\s*False\s*\)/.test(e.modelText)) continue;
    if (inEvalMode(e.node, e.modelText, facts)) continue;
    const st = enclosingStatement(e.node);
    // Exporting inside the training loop (a checkpoint per epoch): an inserted eval() would stay on for training.
    const safe = evalInsertSafe(e.node, facts, refsOf(facts, input.model), input.text);
    out.push(diag('aiot.export-without-eval', 'warning', rangeOf(e.node.childForFieldName('function')!),
      `\`${e.modelText}\` is exported without \`${e.modelText}.eval()\`: Dropout stays active and BatchNorm uses batch statistics, so the ONNX graph differs from inference and BatchNorm is not folded into the convolutions.${safe ? '' : ` (No quick fix: training runs after this export without calling \`.train()\`, so an inserted \`${e.modelText}.eval()\` would stay on during training.)`}`,
      safe ? [{ title: `Insert \`${e.modelText}.eval()\` before the export`, edits: [insertLineBefore(input.text, st, `${e.modelText}.eval()`)], isPreferred: true }] : []));
  }
  return out;
}

function gradDisabled(call: Node, imports: ScriptModel['imports']): boolean {
  for (let p = call.parent; p; p = p.parent) {
    if (p.type === 'with_statement') {
      for (const item of p.descendantsOfType('with_item')) {
        const v = item.childForFieldName('value');
        const fn = v?.type === 'call' ? v.childForFieldName('function') : v;
        const name = fn ? canonical(fn, imports) : undefined;
        if (name && GRAD_OFF.has(name)) return true;
      }
    }
    if (p.type === 'decorated_definition') {
      for (const d of kids(p).filter((x) => x.type === 'decorator')) {
        const e = kids(d)[0];
        const fn = e?.type === 'call' ? e.childForFieldName('function') : e;
        const name = fn ? canonical(fn, imports) : undefined;
        if (name && GRAD_OFF.has(name)) return true;
      }
    }
  }
  return false;
}

/** The statement directly in the function body (or module) that holds `n`: the unit a `with` block wraps. */
function outerStatement(n: Node): Node {
  const fn = enclosingFunction(n);
  let cur = enclosingStatement(n);
  for (;;) {
    const block = cur.parent;
    if (!block || block.type === 'module') return cur;
    if (fn && block.parent?.id === fn.id) return cur;
    if (!fn && block.parent?.type === 'if_statement' && /__name__/.test(block.parent.childForFieldName('condition')?.text ?? '')) return cur;
    const up = block.parent ? enclosingStatement(block.parent) : undefined;
    if (!up || up.id === cur.id) return cur;
    cur = up;
  }
}

/**
 * Wraps statements `first`..`last` (siblings in one block) in `with <torch>.no_grad():`. no_grad, not
 * inference_mode: tensors made under inference_mode raise when later modified in place or saved for backward.
 * Undefined when re-indenting would change the code (a multi-line string).
 */
function wrapInNoGrad(text: string, first: Node, last: Node, torch: string): TextEdit | undefined {
  const block = first.parent ? kids(first.parent) : [first];
  const nodes = block.slice(block.findIndex((x) => x.id === first.id), block.findIndex((x) => x.id === last.id) + 1);
  if (nodes.length === 0 || !reindentSafe(nodes)) return undefined;
  const indent = indentOf(text, first);
  const lineStart = first.startIndex - first.startPosition.column;
  const body = text.slice(lineStart, last.endIndex);
  const indented = body.split('\n').map((l) => (l.trim() === '' ? l : `    ${l}`)).join('\n');
  return {
    range: { start: { line: first.startPosition.row, character: 0 }, end: rangeOf(last).end },
    newText: `${indent}with ${torch}.no_grad():\n${indented}`,
  };
}

/**
 * An eval() inserted before `call` must not stay on during training: no training function that leaves the mode as
 * it finds it (no `.train()` of its own) runs after the insertion point — later in the same function, or in a loop
 * around both — where the insertion point is `call` itself at module level, else each call of its function.
 */
function evalInsertSafe(call: Node, facts: Facts, refs: ScriptRefs, text: string): boolean {
  const setsTrain = new Set(facts.modes.filter((m) => !m.evalMode).map((m) => m.fnId));
  const risky = [...facts.training].filter((id) => !setsTrain.has(id));
  if (risky.length === 0) return true;
  const fn = enclosingFunction(call);
  if (facts.training.has(fn ? fn.id : -1)) return false;
  const names = new Set([...refs.functionsByName].filter(([, fs]) => fs.some((f) => risky.includes(f.id))).map(([n]) => n));
  // Where training runs: calls of training functions, and the backward()/step() calls of module-level training.
  const trainCalls = [...[...names].flatMap((n) => refs.callSites(n)), ...facts.trainingCalls.filter((t) => t.fnId === -1 && risky.includes(-1)).map((t) => t.node)];
  const sites = fn ? refs.callSites(fn.childForFieldName('name')?.text ?? '') : [call];
  if (sites.length === 0) return false;
  const loopAround = (n: Node): Node[] => {
    const out: Node[] = [];
    for (let p = n.parent; p && p.type !== 'function_definition'; p = p.parent) if (p.type === 'for_statement' || p.type === 'while_statement') out.push(p);
    return out;
  };
  return sites.every((site) => {
    const sf = enclosingFunction(site)?.id ?? -1;
    const loops = new Set(loopAround(site).map((l) => l.id));
    return trainCalls.every((t) => (enclosingFunction(t)?.id ?? -1) !== sf || (t.startIndex < site.startIndex && !loopAround(t).some((l) => loops.has(l.id))));
  });
}

function inference(input: CheckInput, facts: Facts, names: Set<string>): ScriptDiagnostic[] {
  const out: ScriptDiagnostic[] = [];
  const seen = new Set<string>();
  const candidates = [...facts.byCallee].filter(([callee]) => names.has(callee) || MODEL_PARAM_NAMES.test(callee)).flatMap(([, cs]) => cs);
  candidates.sort((a, b) => a.startIndex - b.startIndex);
  for (const c of candidates) {
    const fn = c.childForFieldName('function');
    if (fn?.type !== 'identifier') continue;
    const f = enclosingFunction(c);
    const isParam = f ? kids(f.childForFieldName('parameters')).some((p) => (p.type === 'identifier' ? p.text : p.childForFieldName('name')?.text) === fn.text) : false;
    if (!names.has(fn.text) && !(isParam && MODEL_PARAM_NAMES.test(fn.text))) continue;
    if (facts.training.has(f ? f.id : -1)) continue;
    // Calls inside an nn.Module's own methods run as part of that model's forward, not as inference sites.
    if (f && f.parent?.parent?.type === 'class_definition' && input.model.classes.has(f.parent.parent.childForFieldName('name')?.text ?? '')) continue;
    const scopeKey = `${f?.id ?? -1}:${fn.text}`;
    if (seen.has(scopeKey)) continue;
    seen.add(scopeKey);
    // Where the result goes: into training (a policy's log_prob, a loss) means this is not inference at all.
    const flow = inferenceFlow(c, input.text, refsOf(facts, input.model), (g) => facts.training.has(g ? g.id : -1));
    if (flow.kind === 'training') continue;
    const unproven = flow.kind === 'unproven' ? ` (No quick fix: ${flow.why}.)` : '';
    const st = outerStatement(c);
    if (!gradDisabled(c, input.model.imports)) {
      const torch = torchName(input.model.imports);
      const edit = flow.kind === 'inference' && torch ? wrapInNoGrad(input.text, st, st, torch) : undefined;
      out.push(diag('aiot.inference-without-no-grad', 'warning', rangeOf(c),
        `Inference with \`${fn.text}(...)\` outside \`torch.no_grad()\` / \`torch.inference_mode()\` records the autograd graph: every intermediate activation is kept alive until the result is freed, multiplying memory use.${unproven}`,
        edit ? [{ title: `Wrap in \`with ${torch}.no_grad():\``, edits: [edit], isPreferred: true }] : []));
    }
    if (!inEvalMode(c, fn.text, facts)) {
      const safe = flow.kind === 'inference' && evalInsertSafe(c, facts, refsOf(facts, input.model), input.text);
      const why = unproven || (safe ? '' : ` (No quick fix: the script trains afterwards without calling \`.train()\` in its training code, so an inserted \`${fn.text}.eval()\` would stay on during training.)`);
      out.push(diag('aiot.inference-without-eval', 'warning', rangeOf(c),
        `\`${fn.text}\` runs inference without \`${fn.text}.eval()\`: Dropout stays active and BatchNorm normalizes with the batch's own statistics, so results differ from the deployed model.${why}`,
        safe ? [{ title: `Insert \`${fn.text}.eval()\``, edits: [insertLineBefore(input.text, st, `${fn.text}.eval()`)], isPreferred: true }] : []));
    }
  }
  return out;
}

// ---------------------------------------------------------------- Variable(volatile=True)

const VARIABLE = new Set(['torch.autograd.Variable', 'torch.autograd.variable.Variable', 'Variable']);

function volatile(input: CheckInput, facts: Facts): ScriptDiagnostic[] {
  const out: ScriptDiagnostic[] = [];
  const text = input.text;
  for (const c of facts.calls) {
    if (!/\bvolatile\s*=/.test(callText(facts, c, 2000))) continue;
    const fn = c.childForFieldName('function');
    const name = fn ? canonical(fn, input.model.imports) : undefined;
    if (!name || !VARIABLE.has(name)) continue;
    const list = kids(c.childForFieldName('arguments'));
    const i = list.findIndex((a) => a.type === 'keyword_argument' && a.childForFieldName('name')?.text === 'volatile');
    const kw = list[i];
    if (!kw) continue;
    const value = kw.childForFieldName('value')?.text;
    // The text removed with the keyword: from the end of the argument before it (its comma included), else up to
    // the start of the argument after it.
    const cut = i > 0 ? { start: list[i - 1]!.endIndex, end: kw.endIndex } : { start: kw.startIndex, end: list[i + 1]?.startIndex ?? kw.endIndex };
    const st = enclosingStatement(c);
    const fixes: ScriptFix[] = [];
    let why = '';
    if (value === 'False') {
      fixes.push({ title: 'Remove `volatile=False` (no effect)', edits: [{ range: spanRange(text, cut.start, cut.end), newText: '' }], isPreferred: true });
    } else if (value === 'True') {
      const torch = torchName(input.model.imports);
      const rest = restOfBlock(st);
      const restText = text.slice(st.startIndex, rest[rest.length - 1]!.endIndex);
      if (gradDisabled(c, input.model.imports)) {
        fixes.push({ title: 'Remove `volatile=True` (already under no_grad)', edits: [{ range: spanRange(text, cut.start, cut.end), newText: '' }], isPreferred: true });
      } else if (!torch) why = ' No quick fix: `torch` is not imported by name.';
      else if (/\.backward\s*\(|\.step\s*\(|\blog_prob\b|\bglobal\b|\bnonlocal\b/.test(restText)) why = ' No quick fix: the statements after it train or rebind globals, so they cannot all go under no_grad.';
      else if (!reindentSafe(rest)) why = ' No quick fix: a multi-line string below would change if re-indented.';
      else {
        const lineStart = st.startIndex - st.startPosition.column;
        const last = rest[rest.length - 1]!;
        const body = text.slice(lineStart, cut.start) + text.slice(cut.end, last.endIndex);
        const indent = indentOf(text, st);
        const indented = body.split('\n').map((l) => (l.trim() === '' ? l : `    ${l}`)).join('\n');
        fixes.push({
          title: `Remove \`volatile=True\` and run the rest of the block under \`with ${torch}.no_grad():\``,
          edits: [{ range: { start: { line: st.startPosition.row, character: 0 }, end: rangeOf(last).end }, newText: `${indent}with ${torch}.no_grad():\n${indented}` }],
          isPreferred: true,
        });
      }
    } else why = ' No quick fix: the value is not a literal True/False.';
    out.push(diag('aiot.volatile-variable', 'warning', rangeOf(kw),
      `\`volatile=\` has had no effect since PyTorch 0.4 (it only warns): autograd still records everything computed from this Variable, keeping every activation alive. \`with torch.no_grad():\` is what turns recording off.${why}`,
      fixes));
  }
  return out;
}

function spanRange(text: string, start: number, end: number): Range {
  const pos = (i: number) => {
    const lineStart = text.lastIndexOf('\n', i - 1) + 1;
    return { line: text.slice(0, lineStart).split('\n').length - 1, character: i - lineStart };
  };
  return { start: pos(start), end: pos(end) };
}

// ---------------------------------------------------------------- opset

function opset(input: CheckInput): ScriptDiagnostic[] {
  const out: ScriptDiagnostic[] = [];
  const v = input.settings.opsetVersion;
  const max = input.deviceMaxOpset ?? input.settings.maxOpset;
  for (const e of input.model.exports) {
    const fnRange = rangeOf(e.node.childForFieldName('function')!);
    if (!e.opset) {
      const args = kids(e.node.childForFieldName('arguments'));
      const last = args[args.length - 1];
      if (!last) continue;
      // `**options` / `*args` may carry opset_version (adding it again is a TypeError), and the 10th positional
      // argument is opset_version itself: nothing can be said.
      const a = callArgs(e.node);
      if (a.splats.length > 0 || args.some((x) => x.type === 'dictionary_splat') || a.positional.length >= 10) continue;
      const extra = `, opset_version=${v}${e.hasConstantFolding ? '' : ', do_constant_folding=True'}`;
      out.push(diag('aiot.opset-missing', 'warning', fnRange,
        `torch.onnx.export without opset_version: the opset then depends on the installed PyTorch version, so the operators the device runtime must support are not pinned. Pin opset_version=${v}${max !== undefined && max < v ? ` (the runtime accepts up to ${max})` : ''}.`,
        [{ title: `Add opset_version=${max !== undefined && max < v ? max : v}${e.hasConstantFolding ? '' : ' and do_constant_folding=True'}`, edits: [{ range: at(last.endPosition.row, last.endPosition.column), newText: max !== undefined && max < v ? extra.replace(`=${v}`, `=${max}`) : extra }], isPreferred: true }]));
    } else if (max !== undefined && e.opset.value !== undefined && e.opset.value > max) {
      out.push(diag('aiot.opset-unsupported', 'error', rangeOf(e.opset.node),
        `opset_version=${e.opset.value} is newer than the ${input.deviceName ?? 'device'} runtime supports (up to opset ${max}).`,
        [{ title: `Use opset_version=${max}`, edits: [{ range: rangeOf(e.opset.node), newText: String(max) }], isPreferred: true }]));
    }
  }
  return out;
}

// ---------------------------------------------------------------- architecture suggestions

/** The instance with the largest MACs (else parameters) among the instances of one constructor call. */
function heaviest(list: LayerInstance[]): LayerInstance {
  return [...list].sort((a, b) => (b.macs ?? -1) - (a.macs ?? -1) || (modParams(b.mod) ?? 0) - (modParams(a.mod) ?? 0))[0]!;
}

function callAt(model: ScriptModel, r: Range): Node | undefined {
  const n = model.tree.rootNode.descendantForPosition({ row: r.start.line, column: r.start.character }, { row: r.end.line, column: r.end.character });
  for (let p: Node | null = n; p; p = p.parent) if (p.type === 'call') return p;
  return undefined;
}

/** Why rewriting the layer built by `call` into a Sequential holding a `bias=False` layer could break the script. */
function rewriteBlocker(call: Node, input: CheckInput, facts: Facts, created: 'Conv' | 'Linear'): string | undefined {
  const refs = refsOf(facts, input.model);
  return replaceBlocker(call, refs) ?? biasBlocker(refs, created);
}

function denseConv(input: CheckInput, facts: Facts): ScriptDiagnostic[] {
  const out: ScriptDiagnostic[] = [];
  const s = input.settings;
  for (const list of input.model.layers.values()) {
    const inst = heaviest(list);
    const m = inst.mod;
    if (m.typeName !== 'Conv2d' && m.typeName !== 'Conv1d') continue;
    const a = m.args!;
    const cin = a.get('in_channels');
    const cout = a.get('out_channels');
    const groups = a.get('groups');
    const ks = a.get('kernel_size');
    const k = typeof ks === 'number' ? Array(m.typeName === 'Conv2d' ? 2 : 1).fill(ks) : Array.isArray(ks) ? ks : null;
    if (typeof cin !== 'number' || typeof cout !== 'number' || groups !== 1 || !k || !k.every((x) => typeof x === 'number')) continue;
    const kk = (k as number[]).reduce((x, y) => x * y, 1);
    if (kk < 3 || Math.min(...(k as number[])) < 2 || cin < s.denseConvMinChannels || cout < s.denseConvMinChannels) continue;
    const denseW = cin * cout * kk;
    const dsW = cin * kk + cin * cout;
    const reduction = denseW / dsW;
    if (reduction < s.denseConvMinReduction) continue;
    const kText = (k as number[]).join('×');
    let message = `Dense ${kText} ${m.typeName}(${cin}, ${cout}): ${fmt(denseW)} weights`;
    const outShape = inst.outputShape;
    const spatial = outShape && outShape.length >= 3 && outShape.slice(2).every((d) => typeof d === 'number') ? (outShape.slice(2) as number[]) : undefined;
    const batch = outShape && typeof outShape[0] === 'number' ? outShape[0] : 1;
    if (inst.macs !== null && spatial) {
      const points = spatial.reduce((x, y) => x * y, 1) * batch;
      const dsMacs = points * dsW;
      message += ` and ${formatCount(inst.macs)} MACs at ${spatial.join('×')} output; a depthwise-separable block (${kText} depthwise + 1×1 pointwise) needs ${fmt(dsW)} weights and ${formatCount(dsMacs)} MACs (${(inst.macs / dsMacs).toFixed(1)}× fewer).`;
    } else {
      message += `; a depthwise-separable block (${kText} depthwise + 1×1 pointwise) needs ${fmt(dsW)} weights and ${reduction.toFixed(1)}× fewer MACs at any input size.`;
    }
    if (list.length > 1) message += ` (${list.length} instances; figures for the heaviest.)`;
    const fixes: ScriptFix[] = [];
    const call = callAt(input.model, m.range);
    const edit = call ? separableEdit(call, m.typeName) : undefined;
    const blocker = call && edit ? rewriteBlocker(call, input, facts, 'Conv') : undefined;
    if (edit && !blocker) fixes.push({ title: 'Replace with a depthwise-separable block (needs retraining)', edits: [edit] });
    if (blocker) message += ` No rewrite offered: ${blocker}.`;
    out.push(diag('aiot.dense-conv', 'information', m.range, message, fixes));
  }
  return out;
}

/** Rewrites `nn.Conv2d(cin, cout, k, ...)` as `nn.Sequential(depthwise, pointwise)` keeping the argument text. */
function separableEdit(call: Node, typeName: string): TextEdit | undefined {
  const sig = ['in_channels', 'out_channels', 'kernel_size', 'stride', 'padding', 'dilation', 'groups', 'bias'];
  const a = callArgs(call);
  if (a.splats.length > 0) return undefined;
  const named = new Map<string, string>();
  a.positional.forEach((p, i) => sig[i] && named.set(sig[i]!, p.text));
  for (const [k, v] of a.keywords) named.set(k, v.text);
  const cin = named.get('in_channels');
  const cout = named.get('out_channels');
  const k = named.get('kernel_size');
  if (!cin || !cout || !k) return undefined;
  const fnText = call.childForFieldName('function')!.text;
  const prefix = fnText.slice(0, fnText.length - typeName.length);
  const spatial = ['stride', 'padding', 'dilation', 'padding_mode'].filter((x) => named.has(x)).map((x) => `, ${x}=${named.get(x)}`).join('');
  const bias = named.has('bias') ? `, bias=${named.get('bias')}` : '';
  const newText = `${prefix}Sequential(${fnText}(${cin}, ${cin}, ${k}${spatial}, groups=${cin}, bias=False), ${fnText}(${cin}, ${cout}, 1${bias}))`;
  return { range: rangeOf(call), newText };
}

function quantizeFix(input: CheckInput, facts: Facts): ScriptFix | undefined {
  if (facts.quantize === undefined) facts.quantize = buildQuantizeFix(input, facts) ?? null;
  return facts.quantize ?? undefined;
}

function buildQuantizeFix(input: CheckInput, facts: Facts): ScriptFix | undefined {
  const name = input.model.model?.varName ?? input.model.exports[0]?.modelText;
  if (!name) return undefined;
  // After the statement that runs training (a call to a function that calls .backward()), else before the export.
  const trainingFns = new Set<string>();
  for (const n of input.model.index.functions) if (facts.training.has(n.id)) trainingFns.add(n.childForFieldName('name')?.text ?? '');
  const trainCall = [...trainingFns].flatMap((f) => facts.byCallee.get(f) ?? []).sort((a, b) => a.startIndex - b.startIndex)
    .find((c) => !facts.training.has(enclosingFunction(c)?.id ?? -2));
  // Preconditions: after training (never before it, never inside its loop), before no ONNX export (torch.onnx cannot
  // export dynamically quantized layers), with the model's name bound where the line goes.
  const torch = torchName(input.model.imports);
  if (!trainCall || !torch) return undefined;
  const anchor = enclosingStatement(trainCall);
  for (let p = anchor.parent; p && p.type !== 'function_definition'; p = p.parent) if (p.type === 'for_statement' || p.type === 'while_statement') return undefined;
  if (input.model.exports.some((e) => e.node.startIndex > anchor.endIndex)) return undefined;
  const fn = enclosingFunction(anchor);
  const bound = input.model.index.assignments.some((a) => a.childForFieldName('left')?.text === name && a.startIndex < anchor.startIndex && enclosingFunction(a)?.id === fn?.id) ||
    (fn !== null && kids(fn.childForFieldName('parameters')).some((p) => (p.type === 'identifier' ? p.text : p.childForFieldName('name')?.text) === name));
  if (!bound) return undefined;
  const indent = indentOf(input.text, anchor);
  const snippet = `${indent}# Post-training dynamic quantization: int8 weights for Linear/LSTM/GRU layers (4x smaller than float32).\n${indent}${name} = ${torch}.ao.quantization.quantize_dynamic(${name}, {${torch}.nn.Linear, ${torch}.nn.LSTM, ${torch}.nn.GRU}, dtype=${torch}.qint8)\n`;
  const edit: TextEdit = { range: at(anchor.endPosition.row + 1, 0), newText: snippet };
  return { title: 'Insert post-training dynamic quantization (torch.ao.quantization.quantize_dynamic)', edits: [edit] };
}

function largeLinear(input: CheckInput, facts: Facts): ScriptDiagnostic[] {
  const out: ScriptDiagnostic[] = [];
  const s = input.settings;
  for (const list of input.model.layers.values()) {
    const inst = heaviest(list);
    const m = inst.mod;
    if (m.typeName !== 'Linear') continue;
    const i = m.args!.get('in_features');
    const o = m.args!.get('out_features');
    if (typeof i !== 'number' || typeof o !== 'number' || i * o < s.largeLinearMinWeights) continue;
    const r = Math.max(1, Math.floor(Math.min(i, o) * s.lowRankFraction));
    const lowRank = r * (i + o);
    if ((i * o) / lowRank < 1.5) continue;
    const msg = `Large Linear(${fmt(i)}, ${fmt(o)}): ${fmt(i * o)} weights (${formatBytes(i * o * 4)} in float32). A rank-${r} factorization Linear(${fmt(i)}, ${r}) → Linear(${r}, ${fmt(o)}) holds ${fmt(lowRank)} weights (${((i * o) / lowRank).toFixed(1)}× fewer, same for MACs); int8 weights would cut the bytes 4×.`;
    const fixes: ScriptFix[] = [];
    const call = callAt(input.model, m.range);
    let note = '';
    if (call) {
      const fnText = call.childForFieldName('function')!.text;
      const prefix = fnText.slice(0, fnText.length - 'Linear'.length);
      const a = callArgs(call);
      const inT = a.positional[0]?.text ?? a.keywords.get('in_features')?.text;
      const outT = a.positional[1]?.text ?? a.keywords.get('out_features')?.text;
      const biasT = a.positional[2]?.text ?? a.keywords.get('bias')?.text;
      const blocker = inT && outT && a.splats.length === 0 ? rewriteBlocker(call, input, facts, 'Linear') : undefined;
      if (blocker) note = ` No rewrite offered: ${blocker}.`;
      if (inT && outT && a.splats.length === 0 && !blocker) {
        fixes.push({ title: `Replace with a rank-${r} factorization (needs retraining)`, edits: [{ range: rangeOf(call), newText: `${prefix}Sequential(${fnText}(${inT}, ${r}, bias=False), ${fnText}(${r}, ${outT}${biasT ? `, bias=${biasT}` : ''}))` }] });
      }
    }
    // Quantizing the model only helps a Linear that is part of it.
    const q = inst.path !== undefined ? quantizeFix(input, facts) : undefined;
    if (q) fixes.push(q);
    out.push(diag('aiot.large-linear', 'information', m.range, msg + note, fixes));
  }
  return out;
}

// ---------------------------------------------------------------- device: fit and hotspots

function optimizeFix(link: LinkedModel): ScriptFix {
  return { title: 'Optimize exported model…', command: { command: 'aiotLens.optimizeModel', title: 'Optimize exported model…', arguments: [{ modelPath: link.onnxPath }] } };
}

/** Range of the constructor that defined module `path` in the script's model tree. */
export function rangeOfPath(model: ScriptModel, path: string): Range | undefined {
  let m = model.model?.mod;
  if (!m || path === '') return undefined;
  for (const key of path.split('.')) {
    const c: typeof m | undefined = m.children.get(key);
    if (!c) return undefined;
    m = c;
  }
  return m.range;
}

function deviceChecks(input: CheckInput, facts: Facts): ScriptDiagnostic[] {
  const link = input.link!;
  const est = link.estimate;
  const out: ScriptDiagnostic[] = [];
  const exp = input.model.exports[0];
  if (!est || !exp) return out;
  const fixes = [optimizeFix(link)];
  const q = quantizeFix(input, facts);
  if (q) fixes.push(q);
  const expRange = rangeOf(exp.node.childForFieldName('function')!);
  const mem = est.resources.memory;
  const sto = est.resources.storage;
  const problems: string[] = [];
  if (!sto.fits) problems.push(`flash ${formatBytes(sto.demand)} > ${formatBytes(sto.budget)} budget (${formatBytes(-sto.headroom)} over)`);
  if (!mem.fits) problems.push(`peak RAM ${formatBytes(mem.demand)} > ${formatBytes(mem.budget)} budget (${formatBytes(-mem.headroom)} over)`);
  if (problems.length > 0) {
    out.push(diag('aiot.not-fit', 'error', expRange, `The exported model does not fit ${est.deviceName}: ${problems.join('; ')}.`, fixes));
    const peak = link.analysis.report.peak;
    if (!mem.fits && peak) {
      // Name the module whose node is running when activations peak (closest ancestor defined in the script).
      let path = link.nodePath.get(peak.nodeName) ?? '';
      while (path !== '' && !rangeOfPath(input.model, path)) path = path.includes('.') ? path.slice(0, path.lastIndexOf('.')) : '';
      const r = path !== '' ? rangeOfPath(input.model, path) : undefined;
      if (r) {
        const liveBytes = peak.tensors.reduce((a, t) => a + t.bytes, 0);
        out.push(diag('aiot.not-fit', 'warning', r,
          `Activation memory peaks at \`${path}\` (ONNX node ${peak.nodeName}): ${formatBytes(liveBytes)} live in ${peak.tensors.length} tensor(s), on a device ${formatBytes(-mem.headroom)} short of RAM. A smaller input, fewer channels here, or an earlier stride would lower it.`, fixes));
      }
    }
    if (!sto.fits) {
      // The modules holding the most weight bytes, top-level attributes first.
      const top = [...link.byPath].filter(([p]) => p !== '' && !p.includes('.') && rangeOfPath(input.model, p)).sort((a, b) => b[1].weightBytes - a[1].weightBytes).slice(0, 3);
      for (const [p, f] of top) {
        if (f.weightBytes <= 0) continue;
        out.push(diag('aiot.not-fit', 'warning', rangeOfPath(input.model, p)!,
          `\`${p}\` holds ${formatBytes(f.weightBytes)} of weights (${((f.weightBytes / Math.max(1, link.analysis.report.totals.weightBytes)) * 100).toFixed(0)}% of the model) on a device ${formatBytes(-sto.headroom)} short of flash.`, fixes));
      }
    }
  }
  const total = est.latencyMs;
  if (total > 0) {
    for (const [p, f] of link.byPath) {
      if (p === '' || f.latencyMs === undefined) continue;
      const r = rangeOfPath(input.model, p);
      if (!r) continue;
      const share = f.latencyMs / total;
      // Report the deepest module over the threshold, not each of its ancestors; a container holding nearly all the
      // work (the model's trunk) is not a spot.
      const deeper = [...link.byPath].some(([q, g]) => q.startsWith(`${p}.`) && g.latencyMs !== undefined && g.latencyMs / total >= input.settings.hotspotShare && rangeOfPath(input.model, q));
      const trunk = share >= 0.9 && [...link.byPath.keys()].some((q) => q.startsWith(`${p}.`));
      if (share < input.settings.hotspotShare || deeper || trunk) continue;
      out.push(diag('aiot.hotspot', 'information', r,
        `\`${p}\` takes ${(share * 100).toFixed(0)}% of the ${formatMs(total)} latency on ${est.deviceName} (${formatMs(f.latencyMs)}, ${formatCount(f.macs)} MACs over ${f.nodeNames.length} ONNX nodes). Fewer channels, a depthwise-separable block, or int8 quantization would help.`,
        [optimizeFix(link)]));
    }
  }
  return out;
}

export { posKey };
