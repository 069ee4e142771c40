// Keyboard navigation between boxes: up/down follow edges (inputs/outputs), left/right move within the row.

import type { GraphLayout, LaidNode } from '../../../src/core/layout/types';

export type Direction = 'up' | 'down' | 'left' | 'right';

export interface Navigator {
  step(fromId: string, dir: Direction): string | undefined;
}

export function createNavigator(layout: GraphLayout): Navigator {
  const byId = new Map<string, LaidNode>(layout.nodes.map((n) => [n.id, n]));
  const preds = new Map<string, string[]>();
  const succs = new Map<string, string[]>();
  for (const e of layout.edges) {
    (succs.get(e.from) ?? succs.set(e.from, []).get(e.from)!).push(e.to);
    (preds.get(e.to) ?? preds.set(e.to, []).get(e.to)!).push(e.from);
  }
  const cx = (n: LaidNode) => n.x + n.width / 2;
  const cy = (n: LaidNode) => n.y + n.height / 2;
  // Among candidates, the one horizontally nearest to the current box.
  const nearest = (from: LaidNode, ids: string[] | undefined): string | undefined => {
    let best: string | undefined;
    let bestD = Infinity;
    for (const id of ids ?? []) {
      const n = byId.get(id);
      if (!n) continue;
      const d = Math.abs(cx(n) - cx(from)) + Math.abs(cy(n) - cy(from)) * 0.01;
      if (d < bestD) {
        bestD = d;
        best = id;
      }
    }
    return best;
  };
  return {
    step(fromId, dir) {
      const from = byId.get(fromId);
      if (!from) return undefined;
      if (dir === 'up') return nearest(from, preds.get(fromId));
      if (dir === 'down') return nearest(from, succs.get(fromId));
      let best: string | undefined;
      let bestD = Infinity;
      for (const n of layout.nodes) {
        if (n.id === fromId || Math.abs(cy(n) - cy(from)) > Math.max(n.height, from.height) / 2) continue;
        const d = dir === 'left' ? cx(from) - cx(n) : cx(n) - cx(from);
        if (d > 0 && d < bestD) {
          bestD = d;
          best = n.id;
        }
      }
      return best;
    },
  };
}
