// Search over every model node (visible or inside a collapsed group): node name, op type and tensor names.

import { scopeOf, scopesToReveal } from '../../../src/core/layout/scopes';
import type { GraphLayout, ModelOutline } from '../../../src/core/layout/types';

export interface SearchHit {
  /** Graph node index, or -1 for a graph input/output terminal. */
  nodeIndex: number;
  /** The box that shows the hit now (the node's own box or its collapsed group). */
  boxId: string;
  /** Box id once the hit is revealed (`n<index>` for nodes). */
  targetId: string;
  /** Scopes that must be expanded to show the node's own box ([] when it is visible). */
  reveal: string[];
  /** What matched, for the result list. */
  matched: 'name' | 'op' | 'tensor' | 'terminal';
  text: string;
}

/** Which box shows each graph node in this layout. */
export function boxOfNode(layout: GraphLayout): Map<number, string> {
  const map = new Map<number, string>();
  for (const n of layout.nodes) {
    if (n.kind === 'op' && n.nodeIndex !== undefined) map.set(n.nodeIndex, n.id);
    else if (n.kind === 'group') for (const m of n.members ?? []) map.set(m, n.id);
  }
  return map;
}

/**
 * Case-insensitive substring search. Results follow graph order; each node appears once, with the best reason
 * (op type equal to the query first, then name, then a tensor it reads or writes).
 */
export function searchGraph(outline: ModelOutline, layout: GraphLayout, query: string): SearchHit[] {
  const q = query.trim().toLowerCase();
  if (!q) return [];
  const boxes = boxOfNode(layout);
  const hits: SearchHit[] = [];
  const expanded = new Set(layout.expanded);
  for (const name of outline.inputs) {
    if (name.toLowerCase().includes(q)) hits.push(terminal(`i:${name}`, name));
  }
  outline.nodes.forEach((node, i) => {
    let matched: SearchHit['matched'] | undefined;
    let text = node.name || node.opType;
    if (node.opType.toLowerCase() === q || node.opType.toLowerCase().startsWith(q)) matched = 'op';
    else if (node.name.toLowerCase().includes(q)) matched = 'name';
    else {
      const t = [...node.inputs, ...node.outputs].find((x) => x && x.toLowerCase().includes(q));
      if (t) {
        matched = 'tensor';
        text = `${t} (${node.opType})`;
      }
    }
    if (!matched) return;
    const boxId = boxes.get(i);
    // Folded constants have no box of their own: skip them, their consumers show them.
    if (boxId === undefined) return;
    const targetId = `n${i}`;
    const reveal = boxId === targetId ? [] : scopesToReveal(scopeOf(node.name)).filter((s) => !expanded.has(s));
    hits.push({ nodeIndex: i, boxId, targetId, reveal, matched, text });
  });
  for (const name of outline.outputs) {
    if (name.toLowerCase().includes(q)) hits.push(terminal(`o:${name}`, name));
  }
  return hits;
}

function terminal(id: string, name: string): SearchHit {
  return { nodeIndex: -1, boxId: id, targetId: id, reveal: [], matched: 'terminal', text: name };
}

/** Cursor arithmetic for next/previous that wraps around. */
export function stepHit(current: number, count: number, delta: 1 | -1): number {
  if (count === 0) return -1;
  if (current < 0) return delta > 0 ? 0 : count - 1;
  return (current + delta + count) % count;
}
