// Name-scope grouping: PyTorch/TF node names (`/encoder/layers.3/attn/MatMul`) form a tree whose collapsed
// scopes become single group boxes, so a 10,000-node model opens on a few hundred boxes.

/** The scope path of a node name: every `/`-separated segment but the last (`/a/b/Conv` → `a/b`). */
export function scopeOf(name: string): string[] {
  const parts = name.split('/').filter((p) => p.length > 0);
  parts.pop();
  return parts;
}

export interface ScopeTree {
  /** Member count of each scope path (`a`, `a/b`, ...). */
  size: Map<string, number>;
  /** Direct child scopes of each scope ('' is the root). */
  children: Map<string, string[]>;
  /** Nodes sitting directly in each scope. */
  directNodes: Map<string, number>;
  /** Scope path segments of each node (index → segments). */
  paths: string[][];
}

/** Builds the scope tree over the given nodes (`null` names are nodes that are not drawn, e.g. folded constants). */
export function buildScopeTree(names: readonly (string | null)[]): ScopeTree {
  const size = new Map<string, number>();
  const children = new Map<string, string[]>();
  const directNodes = new Map<string, number>();
  const paths: string[][] = [];
  children.set('', []);
  for (const name of names) {
    const path = name === null ? [] : scopeOf(name);
    paths.push(path);
    if (name === null) continue;
    let parent = '';
    let key = '';
    for (const seg of path) {
      key = key ? `${key}/${seg}` : seg;
      if (!size.has(key)) {
        size.set(key, 0);
        children.set(key, []);
        children.get(parent)!.push(key);
      }
      size.set(key, size.get(key)! + 1);
      parent = key;
    }
    directNodes.set(key, (directNodes.get(key) ?? 0) + 1);
  }
  return { size, children, directNodes, paths };
}

/** A scope is drawn as a group only when it holds at least two nodes; singletons show their node. */
export function isGroupable(tree: ScopeTree, scope: string): boolean {
  return (tree.size.get(scope) ?? 0) >= 2;
}

/** Scope whose group box stands for node `index`, or undefined when the node itself is visible. */
export function groupOf(tree: ScopeTree, index: number, expanded: ReadonlySet<string>): string | undefined {
  const path = tree.paths[index]!;
  let key = '';
  for (const seg of path) {
    key = key ? `${key}/${seg}` : seg;
    if (isGroupable(tree, key) && !expanded.has(key)) return key;
  }
  return undefined;
}

/** Boxes shown directly inside `scope` once it is expanded (its own nodes plus one box per child scope). */
export function itemsInside(tree: ScopeTree, scope: string): number {
  return (tree.directNodes.get(scope) ?? 0) + (tree.children.get(scope)?.length ?? 0);
}

/**
 * The scopes to expand for a first screen of about `budget` boxes: breadth first, and siblings together (all 155
 * `layers.N` open or none, so the view stays uniform), biggest sibling sets first. A lone top-level scope
 * (`/model/...`) is always opened.
 */
export function defaultExpanded(tree: ScopeTree, budget: number): string[] {
  const expanded: string[] = [];
  let visible = itemsInside(tree, '');
  let parents = [''];
  while (parents.length) {
    const sets = parents
      .map((p) => (tree.children.get(p) ?? []).filter((c) => isGroupable(tree, c)))
      .filter((set) => set.length > 0)
      .map((set) => ({ set, size: set.reduce((a, c) => a + tree.size.get(c)!, 0) }))
      .sort((a, b) => b.size - a.size);
    const next: string[] = [];
    for (const { set } of sets) {
      const delta = set.reduce((a, c) => a + itemsInside(tree, c) - 1, 0);
      if (visible + delta <= budget || visible === 1) {
        visible += delta;
        expanded.push(...set);
        next.push(...set);
      }
    }
    parents = next;
  }
  return expanded.sort();
}

/** Every groupable scope (the fully expanded view). */
export function allScopes(tree: ScopeTree): string[] {
  return [...tree.size.keys()].filter((s) => isGroupable(tree, s)).sort();
}

/** Scopes to add to `expanded` so node `index` becomes visible (search hits inside collapsed groups). */
export function scopesToReveal(path: readonly string[]): string[] {
  const out: string[] = [];
  let key = '';
  for (const seg of path) {
    key = key ? `${key}/${seg}` : seg;
    out.push(key);
  }
  return out;
}
