// Choosing cuts: a user's `--cut N|NODE_NAME` resolved to a cut position, and the rows a split table shows (the
// best, a chosen cut, both extremes — all remote, all on device — and the best distinct others).

import type { Graph } from '../onnx/ir';
import { err, ok, type Result } from '../result';
import { cutScore, type CutEvaluation, type SplitResult } from './search';

/**
 * A cut position from user text: a whole number is the count of nodes the device runs (0 = all remote, the node
 * count = all on device); otherwise the name of a node, or of a tensor a node produces, after which to cut.
 * `node:NAME` forces a name (for nodes or tensors whose names are numbers, as old PyTorch exports have).
 */
export function resolveCut(graph: Graph, order: number[], spec: string): Result<number> {
  const text = spec.trim();
  const n = order.length;
  if (/^\d+$/.test(text)) {
    const k = Number(text);
    if (k > n) return err('invalid-argument', `--cut ${text}: the model has ${n} nodes, so a cut position is 0..${n}`);
    return ok(k);
  }
  const name = text.startsWith('node:') ? text.slice(5) : text;
  if (!name) return err('invalid-argument', '--cut expects a position (0..node count) or a node name');
  const position = new Map(order.map((nodeIndex, pos) => [nodeIndex, pos]));
  let at = graph.nodes.findIndex((x) => x.name === name);
  if (at < 0) at = graph.nodes.findIndex((x) => x.outputs.includes(name));
  if (at < 0) {
    const near = graph.nodes.filter((x) => x.name && x.name.toLowerCase().includes(name.toLowerCase())).slice(0, 3).map((x) => x.name);
    return err('invalid-argument', `--cut ${text}: no node or node output has that name${near.length ? ` (did you mean ${near.map((x) => `'${x}'`).join(', ')}?)` : ''}`);
  }
  return ok(position.get(at)! + 1);
}

/** best: what the objective picks; best-split: the best cut that leaves work on both sides, when best does not. */
export type CutRole = 'best' | 'chosen' | 'best-split' | 'all-device' | 'all-remote' | 'other';

export interface CutRow {
  /** Why the row is shown; a cut that is both best and an extreme is shown once, as best. */
  role: CutRole;
  /** The extremes are always named: "all remote" / "all on device" also when the row is the best. */
  extreme?: 'all-device' | 'all-remote';
  cut: CutEvaluation;
}

/** What a cut runs where, in words: "all remote (raw input upload)", "all on device", "after NODE". */
export function describeCut(c: CutEvaluation, nodeCount: number): string {
  if (c.index === 0) return 'all remote (raw input upload)';
  if (c.index === nodeCount) return 'all on device';
  return `after ${c.afterNode}`;
}

/**
 * Rows of a split table: the best cut, the chosen one (when asked for), the best that splits the model (when the best
 * runs everything on one side), both extremes, then up to `others` more —
 * the best by the objective, one per distinct set of crossing tensors, leaving out cuts that still send the raw
 * input (only constants ran on the device). Each cut appears once.
 */
export function splitTableRows(r: SplitResult, nodeCount: number, options: { chosen?: number; others?: number } = {}): CutRow[] {
  const { allDevice, allRemote } = r.baseline;
  const extreme = (c: CutEvaluation) => (c.index === allDevice.index ? 'all-device' as const : c.index === allRemote.index ? 'all-remote' as const : undefined);
  const rows: CutRow[] = [];
  const shown = new Set<number>();
  const push = (role: CutRole, c: CutEvaluation | undefined) => {
    if (!c || shown.has(c.index)) return;
    shown.add(c.index);
    const x = extreme(c);
    rows.push({ role, cut: c, ...(x ? { extreme: x } : {}) });
  };
  push('best', r.best);
  if (options.chosen !== undefined) push('chosen', r.cuts.find((c) => c.index === options.chosen));
  if (r.best.index === allDevice.index || r.best.index === allRemote.index) push('best-split', bestInnerCut(r, nodeCount));
  push('all-device', allDevice);
  push('all-remote', allRemote);
  const key = (c: CutEvaluation) => c.tensors.map((t) => t.name).join('\u0000');
  const seen = new Set(rows.map((x) => key(x.cut)));
  const score = (c: CutEvaluation) => cutScore(r, c);
  const others = r.cuts
    .filter((c) => !shown.has(c.index))
    .sort((x, y) => score(x) - score(y))
    .filter((c) => !seen.has(key(c)) && (seen.add(key(c)), true))
    .slice(0, options.others ?? 5);
  for (const c of others) push('other', c);
  return rows;
}

/**
 * The best cut that leaves real work on both sides (what to export when the best runs everything on one side): not
 * an extreme, and not one that still sends exactly the raw input (only constants or identities ran on the device).
 */
export function bestInnerCut(r: SplitResult, nodeCount: number): CutEvaluation | undefined {
  const score = (c: CutEvaluation) => cutScore(r, c);
  const key = (c: CutEvaluation) => c.tensors.map((t) => t.name).join('\u0000');
  const raw = key(r.baseline.allRemote);
  let best: CutEvaluation | undefined;
  for (const c of r.cuts) {
    if (c.index <= 0 || c.index >= nodeCount || key(c) === raw) continue;
    if (!best || score(c) < score(best)) best = c;
  }
  return best;
}
