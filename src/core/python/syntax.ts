// Owns small helpers over tree-sitter Python nodes: ranges, argument lists, dotted names, statement iteration.
import type { Node } from 'web-tree-sitter';
import type { Range } from './types';

export function rangeOf(n: Node): Range {
  return {
    start: { line: n.startPosition.row, character: n.startPosition.column },
    end: { line: n.endPosition.row, character: n.endPosition.column },
  };
}

/** Named children without comments. */
export function kids(n: Node | null | undefined): Node[] {
  if (!n) return [];
  return n.namedChildren.filter((c): c is Node => c !== null && c.type !== 'comment');
}

export interface CallArgs {
  positional: Node[];
  keywords: Map<string, Node>;
  /** `*xs` arguments in order, with their position among positionals. */
  splats: { index: number; node: Node }[];
  node: Node | null;
}

export function callArgs(call: Node): CallArgs {
  const list = call.childForFieldName('arguments');
  const out: CallArgs = { positional: [], keywords: new Map(), splats: [], node: list };
  if (!list) return out;
  if (list.type === 'generator_expression') {
    out.positional.push(list);
    return out;
  }
  for (const a of kids(list)) {
    if (a.type === 'keyword_argument') {
      const name = a.childForFieldName('name');
      const value = a.childForFieldName('value');
      if (name && value) out.keywords.set(name.text, value);
    } else if (a.type === 'list_splat') {
      const inner = kids(a)[0];
      if (inner) out.splats.push({ index: out.positional.length, node: inner });
    } else if (a.type !== 'dictionary_splat') {
      out.positional.push(a);
    }
  }
  return out;
}

/** `a.b.c` as text parts when the expression is a plain dotted name. */
export function dottedParts(n: Node): string[] | undefined {
  if (n.type === 'identifier') return [n.text];
  if (n.type === 'attribute') {
    const obj = n.childForFieldName('object');
    const attr = n.childForFieldName('attribute');
    if (!obj || !attr) return undefined;
    const head = dottedParts(obj);
    return head ? [...head, attr.text] : undefined;
  }
  return undefined;
}

/** The statement that contains `n` directly inside a block or module. */
export function enclosingStatement(n: Node): Node {
  let cur: Node = n;
  while (cur.parent && cur.parent.type !== 'block' && cur.parent.type !== 'module') cur = cur.parent;
  return cur;
}

/** The innermost function definition around `n`, or null at module level. */
export function enclosingFunction(n: Node): Node | null {
  for (let p = n.parent; p; p = p.parent) if (p.type === 'function_definition') return p;
  return null;
}

/** Depth-first walk over every node (iterative, so deep files cannot overflow the stack). */
export function walk(root: Node, visit: (n: Node) => boolean | void): void {
  const cursor = root.walk();
  let descend = true;
  for (;;) {
    if (descend) {
      const go = visit(cursor.currentNode);
      if (go !== false && cursor.gotoFirstChild()) continue;
    }
    if (cursor.gotoNextSibling()) {
      descend = true;
      continue;
    }
    if (!cursor.gotoParent()) break;
    descend = false;
    if (cursor.currentNode.id === root.id) break;
  }
  cursor.delete();
}

/** Leading whitespace of the line a node starts on. */
export function indentOf(text: string, n: Node): string {
  const lineStart = text.lastIndexOf('\n', n.startIndex - 1) + 1;
  const m = /^[ \t]*/.exec(text.slice(lineStart, n.startIndex + 1));
  return m ? m[0] : '';
}

/** The nodes the analysis and the checks look at, gathered in one cursor pass (Node objects are costly to make). */
export interface NodeIndex {
  calls: Node[];
  assignments: Node[];
  withItems: Node[];
  imports: Node[];
  functions: Node[];
  /** Attribute nodes whose text ends in `float64` or `double` (the only attributes a check needs). */
  float64Attributes: Node[];
}

export function indexTree(root: Node, text: string): NodeIndex {
  // descendantsOfType runs the search inside the wasm module and only materializes the matches.
  const found = root.descendantsOfType(['call', 'assignment', 'with_item', 'import_statement', 'import_from_statement', 'function_definition']);
  const index: NodeIndex = { calls: [], assignments: [], withItems: [], imports: [], functions: [], float64Attributes: [] };
  for (const n of found) {
    switch (n.type) {
      case 'call': index.calls.push(n); break;
      case 'assignment': index.assignments.push(n); break;
      case 'with_item': index.withItems.push(n); break;
      case 'function_definition': index.functions.push(n); break;
      default: index.imports.push(n);
    }
  }
  // float64 spellings are rare: find them in the text, then the attribute node that ends there.
  const seen = new Set<number>();
  for (const re of [/\bfloat64\b/g, /\bdouble\b/g]) {
    for (let m = re.exec(text); m; m = re.exec(text)) {
      const leaf = root.descendantForIndex(m.index, m.index + m[0].length);
      const attr = leaf?.parent?.type === 'attribute' && leaf.parent.endIndex === m.index + m[0].length ? leaf.parent : undefined;
      if (attr && !seen.has(attr.id)) {
        seen.add(attr.id);
        index.float64Attributes.push(attr);
      }
    }
  }
  return index;
}
