// Owns the preconditions of the quick fixes: facts about the rest of the script that an edit must not contradict
// (an attribute used elsewhere, a `.bias` that code touches, a result that flows into training). A fix whose
// precondition cannot be proved is not offered.
import type { Node } from 'web-tree-sitter';
import { enclosingFunction, enclosingStatement, kids } from './syntax';

/** Attributes that training code reads from a layer object (`conv.weight`, `fc.in_features`, ...). */
const LAYER_FIELDS = ['weight', 'bias', 'in_channels', 'out_channels', 'kernel_size', 'stride', 'padding', 'dilation', 'groups', 'in_features', 'out_features', 'padding_mode'];

export interface ScriptRefs {
  /** Every `x.name` attribute node for one `name` (found in the text first: Node objects are costly to make). */
  attributes(name: string): Node[];
  /** Calls of a function or method named `name` (`name(...)`, `self.name(...)`), cached. */
  callSites(name: string): Node[];
  /** Function definitions by name (top level and methods). */
  functionsByName: Map<string, Node[]>;
  /** `load_state_dict(` appears: parameter names are fixed by a checkpoint. */
  loadsStateDict: boolean;
}

export function gatherRefs(root: Node, functions: Node[]): ScriptRefs {
  const text = root.text;
  const attrCache = new Map<string, Node[]>();
  const callCache = new Map<string, Node[]>();
  const attributes = (name: string): Node[] => {
    let list = attrCache.get(name);
    if (list) return list;
    list = [];
    const re = new RegExp(`\\.\\s*${name}\\b`, 'g');
    for (let m = re.exec(text); m; m = re.exec(text)) {
      const end = m.index + m[0].length;
      const leaf = root.descendantForIndex(end - name.length, end);
      const attr = leaf?.parent;
      if (attr?.type === 'attribute' && attr.childForFieldName('attribute')?.id === leaf!.id) list.push(attr);
    }
    attrCache.set(name, list);
    return list;
  };
  const callSites = (name: string): Node[] => {
    let list = callCache.get(name);
    if (!list) {
      list = callSitesIn(name, text, root, attributes);
      callCache.set(name, list);
    }
    return list;
  };
  const functionsByName = new Map<string, Node[]>();
  for (const f of functions) {
    const name = f.childForFieldName('name')?.text;
    if (!name) continue;
    const list = functionsByName.get(name);
    if (list) list.push(f);
    else functionsByName.set(name, [f]);
  }
  return { attributes, callSites, functionsByName, loadsStateDict: /\.\s*load_state_dict\s*\(/.test(text) };
}

/** The attribute name a constructor call is assigned to (`self.conv1 = nn.Conv2d(...)` → `conv1`). */
export function assignedAttribute(call: Node): string | undefined {
  const p = call.parent;
  if (p?.type !== 'assignment' || p.childForFieldName('right')?.id !== call.id) return undefined;
  const l = p.childForFieldName('left');
  return l?.type === 'attribute' ? l.childForFieldName('attribute')?.text : undefined;
}

/**
 * Why replacing the layer built by `call` with a Sequential would break code, or undefined when nothing can: the
 * attribute it is stored in is read other than by calling it (`self.conv1.weight`, `net.conv1.out_channels`), a layer
 * reached by index has its fields read (`self.features[0].weight`), or a checkpoint is loaded by parameter name.
 */
export function replaceBlocker(call: Node, refs: ScriptRefs): string | undefined {
  if (refs.loadsStateDict) return 'the script loads a state_dict, whose parameter names the rewrite would change';
  const attr = assignedAttribute(call);
  if (!attr) {
    // Inside a Sequential or a list: only an indexed field read (`features[3].weight`) can reach it by name.
    for (const name of LAYER_FIELDS) {
      const nodes = refs.attributes(name);
      if (nodes.some((n) => n.childForFieldName('object')?.type === 'subscript')) return `the script reads \`[i].${name}\` of a layer reached by index`;
    }
    return undefined;
  }
  for (const n of refs.attributes(attr)) {
    const p = n.parent;
    if (p?.type === 'assignment' && p.childForFieldName('left')?.id === n.id) continue; // the definition
    if (p?.type === 'call' && p.childForFieldName('function')?.id === n.id) continue; // self.conv1(x)
    const shown = p?.type === 'attribute' && p.text.length <= 60 ? p.text : n.text;
    return `\`${shown}\` is used at line ${n.startPosition.row + 1} other than by calling it`;
  }
  return undefined;
}

/**
 * Where code reads a `.bias` that a new `bias=False` layer of kind `created` would make None: any `.bias` outside a
 * condition that tests it (`if m.bias is not None:`), unless it belongs to a named attribute other than `except`
 * (`self.fc.bias`) or sits in a branch for other layer types only (`elif isinstance(m, nn.BatchNorm2d):`,
 * `classname.find("BatchNorm") != -1` when a Conv is created).
 */
export function biasBlocker(refs: ScriptRefs, created: 'Conv' | 'Linear', exceptAttr?: string): string | undefined {
  for (const n of refs.attributes('bias')) {
    const obj = n.childForFieldName('object');
    if (obj?.type === 'attribute') {
      const owner = obj.childForFieldName('attribute')?.text;
      if (owner && owner !== exceptAttr) continue;
    }
    if (guardedByBiasTest(n) || inOtherTypesBranch(n, created)) continue;
    const parent = n.parent;
    // `m.bias is not None` / `if m.bias:` themselves are the tests.
    if (parent?.type === 'comparison_operator' || parent?.type === 'not_operator' || parent?.type === 'boolean_operator') continue;
    if (parent?.type === 'if_statement' || parent?.type === 'conditional_expression') continue;
    return `\`${n.text}\` is read at line ${n.startPosition.row + 1} without an \`is not None\` test`;
  }
  return undefined;
}

const LAYER_KINDS = /Conv|Linear|Norm|Embedding|LSTM|GRU|RNN|PReLU|MultiheadAttention/;

/** Inside the body of an `if`/`elif` whose condition names layer types, none of them of kind `created`. */
function inOtherTypesBranch(n: Node, created: 'Conv' | 'Linear'): boolean {
  for (let p = n.parent; p && p.type !== 'function_definition'; p = p.parent) {
    if (p.type !== 'if_statement' && p.type !== 'elif_clause') continue;
    const body = p.childForFieldName('consequence');
    if (!body || n.startIndex < body.startIndex || n.endIndex > body.endIndex) continue;
    const cond = p.childForFieldName('condition')?.text ?? '';
    // A negated test (`not isinstance(m, nn.BatchNorm2d)`, `find("Norm") == -1`) selects every other type.
    if (LAYER_KINDS.test(cond) && !cond.includes(created) && !/\bnot\b|==\s*-1|<\s*0/.test(cond)) return true;
  }
  return false;
}

function guardedByBiasTest(n: Node): boolean {
  for (let p = n.parent; p; p = p.parent) {
    if (p.type === 'if_statement' || p.type === 'elif_clause' || p.type === 'conditional_expression' || p.type === 'while_statement') {
      const cond = p.type === 'conditional_expression' ? kids(p)[1] : p.childForFieldName('condition');
      // `m.bias` itself tested (`is not None`, truthiness); `hasattr(m, "bias")` is true for a None bias, so no guard.
      if (cond && /\.\s*bias\b/.test(cond.text) && !(cond.startIndex <= n.startIndex && n.endIndex <= cond.endIndex)) return true;
    }
    if (p.type === 'function_definition') return false;
  }
  return false;
}

/** Names of calls that mean "this value is being trained on". */
const TRAINING_USE = /\.backward\s*\(|\.step\s*\(|\blog_prob\s*\(|\bautograd\.grad\s*\(|\.requires_grad_\s*\(|saved_log_probs|saved_actions/;

/** The function's body text says the values computed in it feed training (a policy gradient, a loss). */
export function trainsInBody(fn: Node | null, text: string): boolean {
  if (!fn) return false;
  return TRAINING_USE.test(text.slice(fn.startIndex, fn.endIndex));
}

/** Whether `fn` returns a value (not a bare `return` / `return None`). */
export function returnsValue(fn: Node): boolean {
  // The text decides most functions without creating a node; the search runs inside the wasm module.
  if (!/\breturn[ \t]*[^\s#;]/.test(fn.text)) return false;
  return fn.descendantsOfType('return_statement').some((r) => {
    const v = kids(r)[0];
    return !!v && v.type !== 'none' && enclosingFunction(r)?.id === fn.id;
  });
}

export type FlowVerdict =
  /** The result feeds training: the call is not inference, no diagnostic. */
  | { kind: 'training'; why: string }
  /** Inference we cannot follow to its end (returned to callers outside the file): diagnose, offer no edit. */
  | { kind: 'unproven'; why: string }
  | { kind: 'inference' };

/**
 * Follows a model call's result: into training code in the same function, or out through `return` to the callers
 * (one level; a caller that trains makes it training, no caller in the file leaves it unproven).
 */
export function inferenceFlow(call: Node, text: string, refs: ScriptRefs, isTrainingFn: (fn: Node | null) => boolean, depth = 0): FlowVerdict {
  const fn = enclosingFunction(call);
  if (trainsInBody(fn, text)) return { kind: 'training', why: `\`${fn!.childForFieldName('name')?.text}\` back-propagates or takes log-probabilities of what it computes` };
  if (!fn || !returnsValue(fn)) return { kind: 'inference' };
  const name = fn.childForFieldName('name')?.text ?? '';
  const callers = refs.callSites(name);
  if (callers.length === 0) return { kind: 'unproven', why: `\`${name}\` returns its result and no caller in this file shows what is done with it` };
  for (const c of callers) {
    const cf = enclosingFunction(c);
    if (isTrainingFn(cf) || trainsInBody(cf, text)) return { kind: 'training', why: `\`${name}\`'s result is used in \`${cf?.childForFieldName('name')?.text ?? 'module code'}\`, which trains` };
    if (depth < 2) {
      const up = inferenceFlow(c, text, refs, isTrainingFn, depth + 1);
      if (up.kind !== 'inference' && cf && returnsValue(cf)) return up;
    }
  }
  return { kind: 'inference' };
}

/** Calls of a function or method named `name` (`name(...)`, `self.name(...)`, `agent.name(...)`). */
function callSitesIn(name: string, text: string, root: Node, attributes: (name: string) => Node[]): Node[] {
  const out: Node[] = [];
  if (!/^[A-Za-z_]\w*$/.test(name)) return out;
  for (const n of attributes(name)) if (n.parent?.type === 'call' && n.parent.childForFieldName('function')?.id === n.id) out.push(n.parent);
  const re = new RegExp(`(?<![\\w.])${name}\\s*\\(`, 'g');
  {
    for (let m = re.exec(text); m; m = re.exec(text)) {
      const leaf = root.descendantForIndex(m.index, m.index + name.length);
      const call = leaf?.parent;
      if (leaf?.type === 'identifier' && call?.type === 'call' && call.childForFieldName('function')?.id === leaf.id) out.push(call);
    }
  }
  return out;
}

/** The local name bound to the `torch` package (`import torch`, `import torch as T`), if any. */
export function torchName(imports: Map<string, string>): string | undefined {
  if (imports.get('torch') === 'torch') return 'torch';
  for (const [local, full] of imports) if (full === 'torch') return local;
  return undefined;
}

/**
 * Whether re-indenting the lines of `from`..`to` (statements) is a pure re-indent: no multi-line string (its content
 * would change) and no line continuation inside brackets that starts at column 0.
 */
export function reindentSafe(nodes: Node[]): boolean {
  return nodes.every((st) => !/['"]/.test(st.text) || st.descendantsOfType('string').every((n) => n.startPosition.row === n.endPosition.row));
}

/** The statements from `st` to the end of its block. */
export function restOfBlock(st: Node): Node[] {
  const block = st.parent;
  if (!block) return [st];
  const all = kids(block);
  const i = all.findIndex((x) => x.id === st.id);
  return i < 0 ? [st] : all.slice(i);
}

export { enclosingStatement };
