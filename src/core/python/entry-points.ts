// Owns finding the model a script actually builds: the constructor or factory calls made by its entry points
// (module-level code and the `if __name__ == "__main__":` block, the functions they call, and functions named
// main/test), in the order they run — not whichever class or factory happens to be defined last.
import type { Node } from 'web-tree-sitter';
import { kids, walk } from './syntax';

/** A call that builds a model: a model class, a torchvision/timm constructor, or a file function returning one. */
export interface BuildSite {
  /** The call as the entry point writes it (`net = ResNet18()`). */
  call: Node;
  /** For a factory call: the constructor call its `return` makes (`return ResNet(BasicBlock, [2, 2, 2, 2])`). */
  inner?: Node;
}

const ENTRY_NAMES = /^(main|run|demo|test(_\w+)?)$/;

function isModelCallee(name: string | undefined, classes: ReadonlySet<string>): boolean {
  return !!name && (classes.has(name) || name.startsWith('torchvision.models.') || name === 'timm.create_model');
}

/** The constructor call a file function returns, following other factories and `x = Ctor(); return x` (depth 3). */
export function factoryReturn(fn: Node, functions: ReadonlyMap<string, Node>, classes: ReadonlySet<string>, nameOf: (n: Node) => string | undefined, depth = 0): Node | undefined {
  if (depth > 3) return undefined;
  const body = fn.childForFieldName('body');
  if (!body) return undefined;
  const assigned = new Map<string, Node>();
  let found: Node | undefined;
  walk(body, (n) => {
    if (found) return false;
    if (n.type === 'function_definition' || n.type === 'class_definition' || n.type === 'lambda') return false;
    if (n.type === 'assignment') {
      const l = n.childForFieldName('left');
      const r = n.childForFieldName('right');
      if (l?.type === 'identifier' && r?.type === 'call') assigned.set(l.text, r);
    }
    if (n.type === 'return_statement') {
      let v: Node | undefined = kids(n)[0];
      if (v?.type === 'identifier') v = assigned.get(v.text);
      if (v?.type === 'call') {
        const callee = v.childForFieldName('function');
        const name = callee ? nameOf(callee) : undefined;
        if (isModelCallee(name, classes)) found = v;
        else if (callee?.type === 'identifier' && functions.has(callee.text) && functions.get(callee.text)!.id !== fn.id) {
          found = factoryReturn(functions.get(callee.text)!, functions, classes, nameOf, depth + 1);
        }
      }
    }
    return undefined;
  });
  return found;
}

/**
 * Model-building calls in the order the script's entry points make them: module-level code (the main guard
 * included), then the file functions that code calls (two levels deep), then functions named main/test/run/demo.
 */
export function entryBuildSites(root: Node, functions: ReadonlyMap<string, Node>, classes: ReadonlySet<string>, nameOf: (n: Node) => string | undefined): BuildSite[] {
  const out: BuildSite[] = [];
  const seenCalls = new Set<number>();
  const visited = new Set<number>();
  const scopes: { node: Node; depth: number }[] = [];
  // Module level: every statement that is not a definition (a main guard's body included).
  for (const st of kids(root)) {
    if (st.type === 'function_definition' || st.type === 'class_definition' || st.type === 'decorated_definition') continue;
    if (st.type === 'import_statement' || st.type === 'import_from_statement') continue;
    scopes.push({ node: st, depth: 0 });
  }
  const byName = [...functions.entries()].filter(([name]) => ENTRY_NAMES.test(name)).map(([, f]) => f);
  const scan = (scope: Node, depth: number, calledFns: Node[]): void => {
    walk(scope, (n) => {
      if (n.type === 'function_definition' || n.type === 'class_definition' || n.type === 'lambda') return n.id === scope.id ? undefined : false;
      if (n.type !== 'call' || seenCalls.has(n.id)) return undefined;
      seenCalls.add(n.id);
      const callee = n.childForFieldName('function');
      const name = callee ? nameOf(callee) : undefined;
      if (isModelCallee(name, classes)) out.push({ call: n });
      else if (callee?.type === 'identifier' && functions.has(callee.text)) {
        const fn = functions.get(callee.text)!;
        const inner = factoryReturn(fn, functions, classes, nameOf);
        if (inner) out.push({ call: n, inner });
        else if (depth < 2) calledFns.push(fn);
      }
      return undefined;
    });
  };
  const runFunction = (fn: Node, depth: number): void => {
    if (visited.has(fn.id)) return;
    visited.add(fn.id);
    const next: Node[] = [];
    scan(fn, depth, next);
    for (const f of next) runFunction(f, depth + 1);
  };
  const called: Node[] = [];
  for (const s of scopes) scan(s.node, s.depth, called);
  for (const f of called) runFunction(f, 1);
  for (const f of byName) runFunction(f, 1);
  return out;
}
