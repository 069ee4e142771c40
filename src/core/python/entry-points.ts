// Owns finding the model a script actually builds: the constructor or factory calls made by its entry points
// (module-level code and the `if __name__ == "__main__":` block, the functions they call, and functions named
// main/test), in the order they run — not whichever class or factory happens to be defined last.
import type { Node } from 'web-tree-sitter';
import { enclosingFunction, kids } from './syntax';

/** A call that builds a model: a model class, a torchvision/timm constructor, or a file function returning one. */
export interface BuildSite {
  /** The call as the entry point writes it (`net = ResNet18()`). */
  call: Node;
  /** For a factory call: the constructor call its `return` makes (`return ResNet(BasicBlock, [2, 2, 2, 2])`). */
  inner?: Node;
}

export interface EntryInput {
  /** Every call of the file (the analysis's index). */
  calls: Node[];
  text: string;
  /** Top-level functions by name. */
  functions: ReadonlyMap<string, Node>;
  /** Names of the file's nn.Module classes. */
  classes: ReadonlySet<string>;
  /** Local name → imported dotted name. */
  imports: ReadonlyMap<string, string>;
  /** Canonical dotted name of a callee (`models.resnet18` → `torchvision.models.resnet18`). */
  nameOf: (n: Node) => string | undefined;
}

const ENTRY_NAMES = /^(main|run|demo|test(_\w+)?)$/;

function isModelCallee(name: string | undefined, classes: ReadonlySet<string>): boolean {
  return !!name && (classes.has(name) || name.startsWith('torchvision.models.') || name === 'timm.create_model');
}

function inClass(n: Node): boolean {
  for (let p = n.parent; p; p = p.parent) if (p.type === 'class_definition') return true;
  return false;
}

/** The constructor call a file function returns, following other factories and `x = Ctor(); return x` (depth 3). */
export function factoryReturn(fn: Node, input: EntryInput, depth = 0): Node | undefined {
  if (depth > 3 || !/\breturn\b/.test(fn.text)) return undefined;
  for (const r of fn.descendantsOfType('return_statement')) {
    if (enclosingFunction(r)?.id !== fn.id) continue;
    let v: Node | undefined = kids(r)[0];
    if (v?.type === 'identifier') {
      const name = v.text;
      v = fn.descendantsOfType('assignment').filter((a) => a.childForFieldName('left')?.text === name && a.startIndex < r.startIndex).pop()?.childForFieldName('right') ?? undefined;
    }
    if (v?.type !== 'call') continue;
    const callee = v.childForFieldName('function');
    if (isModelCallee(callee ? input.nameOf(callee) : undefined, input.classes)) return v;
    const next = callee?.type === 'identifier' ? input.functions.get(callee.text) : undefined;
    if (next && next.id !== fn.id) {
      const inner = factoryReturn(next, input, depth + 1);
      if (inner) return inner;
    }
  }
  return undefined;
}

/**
 * Model-building calls in the order the script's entry points make them: module-level code (the main guard
 * included), then the file functions that code calls (two levels deep), then functions named main/run/demo/test*.
 */
export function entryBuildSites(input: EntryInput): BuildSite[] {
  const { text, functions, classes } = input;
  // Only calls whose callee text can name a class, a file function or a torchvision/timm constructor are looked at
  // further (each node crosses the wasm boundary; a 2,000-line script has thousands of calls).
  const byScope = new Map<number, Node[]>();
  for (const c of input.calls) {
    const head = /^([A-Za-z_][\w.]*)\s*\(/.exec(text.slice(c.startIndex, Math.min(c.endIndex, c.startIndex + 120)))?.[1];
    if (!head) continue;
    const last = head.slice(head.lastIndexOf('.') + 1);
    const from = input.imports.get(head.split('.')[0]!) ?? '';
    if (!classes.has(last) && !functions.has(head) && !/^(torchvision|timm)\b/.test(from)) continue;
    if (inClass(c)) continue;
    const fn = enclosingFunction(c);
    const key = fn ? fn.id : -1;
    const list = byScope.get(key);
    if (list) list.push(c);
    else byScope.set(key, [c]);
  }
  const out: BuildSite[] = [];
  const visited = new Set<number>();
  const scan = (key: number, depth: number): void => {
    if (visited.has(key)) return;
    visited.add(key);
    const called: Node[] = [];
    for (const c of byScope.get(key) ?? []) {
      const callee = c.childForFieldName('function');
      if (isModelCallee(callee ? input.nameOf(callee) : undefined, classes)) {
        out.push({ call: c });
        continue;
      }
      const fn = callee?.type === 'identifier' ? functions.get(callee.text) : undefined;
      if (!fn) continue;
      const inner = factoryReturn(fn, input);
      if (inner) out.push({ call: c, inner });
      else if (depth < 2) called.push(fn);
    }
    for (const f of called) scan(f.id, depth + 1);
  };
  scan(-1, 0);
  for (const [name, f] of functions) if (ENTRY_NAMES.test(name)) scan(f.id, 1);
  return out;
}
