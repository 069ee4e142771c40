// A layered (Sugiyama-style) layout for directed graphs, written iteratively so graphs thousands of ranks deep never
// overflow the stack: cycle breaking, ranking, bundled dummy chains, barycenter ordering and isotonic x placement.

/** A box to place; sizes are in pixels. */
export interface LayoutNodeInput {
  width: number;
  height: number;
}

/** An edge between node indices. Edges with the same source and `bundle` key share one route (one tensor, many consumers). */
export interface LayoutEdgeInput {
  source: number;
  target: number;
  bundle?: number;
}

export interface LayoutOptions {
  /** Vertical gap between ranks (room for edge labels). */
  rankSep?: number;
  /** Horizontal gap between boxes. */
  nodeSep?: number;
  /** Horizontal gap next to a dummy (edge) point. */
  edgeSep?: number;
  marginX?: number;
  marginY?: number;
  /** Barycenter down+up sweeps (each one pass over all ranks). */
  orderIterations?: number;
  /** x placement down+up passes. */
  placeIterations?: number;
  /** Ordering stops early once it has used this many milliseconds. */
  orderBudgetMs?: number;
  /** Ranks averaged when removing slow sideways drift of very deep graphs (see removeDrift). */
  driftWindow?: number;
}

export interface LayoutStats {
  ranks: number;
  dummies: number;
  crossings: number;
  reversedEdges: number;
}

export interface LayeredResult {
  /** Box centres. */
  x: Float64Array;
  y: Float64Array;
  rank: Int32Array;
  /** Per input edge: flat [x0, y0, x1, y1, ...] polyline from source to target (empty for self loops). */
  edgePoints: number[][];
  width: number;
  height: number;
  stats: LayoutStats;
}

const DEFAULTS: Required<LayoutOptions> = {
  rankSep: 30,
  nodeSep: 20,
  edgeSep: 10,
  marginX: 20,
  marginY: 20,
  orderIterations: 4,
  placeIterations: 6,
  orderBudgetMs: 400,
  driftWindow: 60,
};

/** Compressed adjacency: neighbours of v are items[start[v] .. start[v+1]). */
interface Csr {
  start: Int32Array;
  items: Int32Array;
}

function buildCsr(count: number, from: ArrayLike<number>, to: ArrayLike<number>, edgeCount: number): Csr {
  const start = new Int32Array(count + 1);
  for (let e = 0; e < edgeCount; e++) start[from[e]! + 1]!++;
  for (let v = 0; v < count; v++) start[v + 1]! += start[v]!;
  const fill = start.slice(0, count);
  const items = new Int32Array(edgeCount);
  for (let e = 0; e < edgeCount; e++) items[fill[from[e]!]!++] = to[e]!;
  return { start, items };
}

export function layeredLayout(
  nodes: readonly LayoutNodeInput[],
  edges: readonly LayoutEdgeInput[],
  options: LayoutOptions = {},
): LayeredResult {
  const o = { ...DEFAULTS, ...options };
  const n = nodes.length;
  const m = edges.length;

  // ---- 1. cycle breaking: reverse DFS back edges so the rest works on a DAG ----
  const src = new Int32Array(m);
  const dst = new Int32Array(m);
  const reversed = new Uint8Array(m);
  let reversedEdges = 0;
  for (let e = 0; e < m; e++) {
    src[e] = edges[e]!.source;
    dst[e] = edges[e]!.target;
  }
  {
    const outEdges = edgeCsr(n, src, m);
    const state = new Uint8Array(n); // 0 new, 1 on stack, 2 done
    const stackV = new Int32Array(n);
    const stackI = new Int32Array(n);
    for (let root = 0; root < n; root++) {
      if (state[root]) continue;
      let sp = 0;
      stackV[0] = root;
      stackI[0] = outEdges.start[root]!;
      state[root] = 1;
      while (sp >= 0) {
        const v = stackV[sp]!;
        const i = stackI[sp]!;
        if (i < outEdges.start[v + 1]!) {
          stackI[sp] = i + 1;
          const e = outEdges.items[i]!;
          const w = dst[e]!;
          if (w === v) continue;
          if (state[w] === 1) {
            reversed[e] = 1;
            reversedEdges++;
          } else if (state[w] === 0) {
            state[w] = 1;
            sp++;
            stackV[sp] = w;
            stackI[sp] = outEdges.start[w]!;
          }
        } else {
          state[v] = 2;
          sp--;
        }
      }
    }
    for (let e = 0; e < m; e++) {
      if (reversed[e]) {
        const t = src[e]!;
        src[e] = dst[e]!;
        dst[e] = t;
      }
    }
  }

  // ---- 2. ranking: longest path, then pull nodes that feed more than they consume down to their consumers ----
  const live: number[] = [];
  for (let e = 0; e < m; e++) if (src[e] !== dst[e]) live.push(e);
  const ls = Int32Array.from(live, (e) => src[e]!);
  const ld = Int32Array.from(live, (e) => dst[e]!);
  const succ = buildCsr(n, ls, ld, live.length);
  const pred = buildCsr(n, ld, ls, live.length);
  const topo = new Int32Array(n);
  {
    const indeg = new Int32Array(n);
    for (let k = 0; k < live.length; k++) indeg[ld[k]!]!++;
    let head = 0;
    let tail = 0;
    for (let v = 0; v < n; v++) if (indeg[v] === 0) topo[tail++] = v;
    while (head < tail) {
      const v = topo[head++]!;
      for (let i = succ.start[v]!; i < succ.start[v + 1]!; i++) {
        const w = succ.items[i]!;
        if (--indeg[w]! === 0) topo[tail++] = w;
      }
    }
  }
  const rank = new Int32Array(n);
  for (let k = 0; k < n; k++) {
    const v = topo[k]!;
    let r = 0;
    for (let i = pred.start[v]!; i < pred.start[v + 1]!; i++) r = Math.max(r, rank[pred.items[i]!]! + 1);
    rank[v] = r;
  }
  for (let k = n - 1; k >= 0; k--) {
    const v = topo[k]!;
    const outDeg = succ.start[v + 1]! - succ.start[v]!;
    const inDeg = pred.start[v + 1]! - pred.start[v]!;
    if (outDeg === 0 || outDeg < inDeg) continue;
    let r = Infinity;
    for (let i = succ.start[v]!; i < succ.start[v + 1]!; i++) r = Math.min(r, rank[succ.items[i]!]! - 1);
    if (r > rank[v]!) rank[v] = r;
  }
  let maxRank = 0;
  for (let v = 0; v < n; v++) maxRank = Math.max(maxRank, rank[v]!);
  const rankCount = n === 0 ? 0 : maxRank + 1;

  // ---- 3. dummy chains: one chain per (source, bundle) down to its farthest target; edges branch off it ----
  const vRank: number[] = Array.from(rank);
  const vWidth: number[] = nodes.map((b) => b.width);
  const vDummy: boolean[] = new Array<boolean>(n).fill(false);
  const segFrom: number[] = [];
  const segTo: number[] = [];
  const segSeen = new Set<number>();
  const addSeg = (a: number, b: number): void => {
    const key = a * 0x200000 + b;
    if (segSeen.has(key)) return;
    segSeen.add(key);
    segFrom.push(a);
    segTo.push(b);
  };
  const edgePath: Int32Array[] = new Array(m);
  const chains = new Map<string, number[]>(); // chain[k] = vertex at rank(source)+1+k
  for (let e = 0; e < m; e++) {
    const s = src[e]!;
    const t = dst[e]!;
    if (s === t) {
      edgePath[e] = new Int32Array(0);
      continue;
    }
    const span = rank[t]! - rank[s]!;
    if (span === 1) {
      addSeg(s, t);
      edgePath[e] = Int32Array.of(s, t);
      continue;
    }
    const bundle = edges[e]!.bundle;
    const key = bundle === undefined ? `e${e}` : `${s}:${bundle}:${reversed[e]}`;
    let chain = chains.get(key);
    if (!chain) {
      chain = [];
      chains.set(key, chain);
    }
    while (chain.length < span - 1) {
      const d = vRank.length;
      vRank.push(rank[s]! + 1 + chain.length);
      vWidth.push(0);
      vDummy.push(true);
      addSeg(chain.length === 0 ? s : chain[chain.length - 1]!, d);
      chain.push(d);
    }
    const path = new Int32Array(span + 1);
    path[0] = s;
    for (let k = 0; k < span - 1; k++) path[k + 1] = chain[k]!;
    path[span] = t;
    addSeg(path[span - 1]!, t);
    edgePath[e] = path;
  }
  const V = vRank.length;
  const dummies = V - n;
  const segCount = segFrom.length;
  const down = buildCsr(V, segFrom, segTo, segCount);
  const up = buildCsr(V, segTo, segFrom, segCount);

  // ---- 4. ordering: DFS initial order, then barycenter sweeps keeping the order with fewest crossings ----
  const layers: number[][] = Array.from({ length: rankCount }, () => []);
  {
    const seen = new Uint8Array(V);
    const stack: number[] = [];
    const visit = (root: number): void => {
      stack.push(root);
      while (stack.length) {
        const v = stack.pop()!;
        if (seen[v]) continue;
        seen[v] = 1;
        layers[vRank[v]!]!.push(v);
        for (let i = down.start[v + 1]! - 1; i >= down.start[v]!; i--) {
          const w = down.items[i]!;
          if (!seen[w]) stack.push(w);
        }
      }
    };
    for (let k = 0; k < n; k++) {
      const v = topo[k]!;
      if (up.start[v + 1] === up.start[v]) visit(v);
    }
    for (let v = 0; v < V; v++) if (!seen[v]) visit(v);
  }
  const pos = new Float64Array(V);
  const setPositions = (): void => {
    for (const layer of layers) for (let i = 0; i < layer.length; i++) pos[layer[i]!] = i;
  };
  setPositions();
  let bestCrossings = countCrossings(layers, down, pos);
  let best = layers.map((l) => l.slice());
  const started = Date.now();
  const bary = new Float64Array(V);
  const sortLayer = (layer: number[], adj: Csr): void => {
    for (const v of layer) {
      const a = adj.start[v]!;
      const b = adj.start[v + 1]!;
      if (a === b) {
        bary[v] = pos[v]!;
        continue;
      }
      let sum = 0;
      for (let i = a; i < b; i++) sum += pos[adj.items[i]!]!;
      bary[v] = sum / (b - a);
    }
    layer.sort((p, q) => bary[p]! - bary[q]! || pos[p]! - pos[q]!);
    for (let i = 0; i < layer.length; i++) pos[layer[i]!] = i;
  };
  for (let it = 0; it < o.orderIterations && bestCrossings > 0; it++) {
    for (let r = 1; r < rankCount; r++) sortLayer(layers[r]!, up);
    for (let r = rankCount - 2; r >= 0; r--) sortLayer(layers[r]!, down);
    const c = countCrossings(layers, down, pos);
    if (c < bestCrossings) {
      bestCrossings = c;
      best = layers.map((l) => l.slice());
    }
    if (Date.now() - started > o.orderBudgetMs) break;
  }
  for (let r = 0; r < rankCount; r++) layers[r] = best[r]!;
  setPositions();

  // ---- 5. x placement: pull each box to the weighted mean of its neighbours, then fix overlaps exactly (PAVA) ----
  const x = new Float64Array(V);
  const sepAfter = (a: number, b: number): number => {
    const gap = vDummy[a] || vDummy[b] ? o.edgeSep : o.nodeSep;
    return (vWidth[a]! + vWidth[b]!) / 2 + gap;
  };
  let widest = 0;
  const layerOffsets: Float64Array[] = layers.map((layer) => {
    const off = new Float64Array(layer.length);
    for (let i = 1; i < layer.length; i++) off[i] = off[i - 1]! + sepAfter(layer[i - 1]!, layer[i]!);
    widest = Math.max(widest, layer.length ? off[layer.length - 1]! : 0);
    return off;
  });
  layers.forEach((layer, r) => {
    const off = layerOffsets[r]!;
    const shift = (widest - (layer.length ? off[layer.length - 1]! : 0)) / 2;
    for (let i = 0; i < layer.length; i++) x[layer[i]!] = off[i]! + shift;
  });
  // Long edges weigh most so they stay straight; box-to-box edges least (dagre's 1/2/8 scheme).
  const segWeight = (a: number, b: number): number => (vDummy[a] && vDummy[b] ? 8 : vDummy[a] || vDummy[b] ? 2 : 1);
  const target = new Float64Array(V);
  const weight = new Float64Array(V);
  const place = (r: number, adjs: Csr[]): void => {
    const layer = layers[r]!;
    for (const v of layer) {
      let sw = 0;
      let sx = 0;
      for (const adj of adjs) {
        for (let i = adj.start[v]!; i < adj.start[v + 1]!; i++) {
          const w = adj.items[i]!;
          const wt = segWeight(v, w);
          sw += wt;
          sx += wt * x[w]!;
        }
      }
      if (sw === 0) {
        target[v] = x[v]!;
        weight[v] = 0.01;
      } else {
        target[v] = sx / sw;
        weight[v] = sw;
      }
    }
    isotonicPlace(layer, layerOffsets[r]!, target, weight, x);
  };
  for (let it = 0; it < o.placeIterations; it++) {
    for (let r = 1; r < rankCount; r++) place(r, [up]);
    for (let r = rankCount - 2; r >= 0; r--) place(r, [down]);
  }
  for (let r = 0; r < rankCount; r++) place(r, [up, down]);
  removeDrift(layers, x, vWidth, o.driftWindow);

  // ---- 6. y per rank, normalisation and edge polylines ----
  const rankHeight = new Float64Array(rankCount);
  for (let v = 0; v < n; v++) rankHeight[rank[v]!] = Math.max(rankHeight[rank[v]!]!, nodes[v]!.height);
  const rankY = new Float64Array(rankCount);
  let yCursor = o.marginY;
  for (let r = 0; r < rankCount; r++) {
    rankY[r] = yCursor + rankHeight[r]! / 2;
    yCursor += rankHeight[r]! + (r < rankCount - 1 ? o.rankSep : 0);
  }
  let minX = Infinity;
  let maxX = -Infinity;
  for (let v = 0; v < V; v++) {
    minX = Math.min(minX, x[v]! - vWidth[v]! / 2);
    maxX = Math.max(maxX, x[v]! + vWidth[v]! / 2);
  }
  if (V === 0) {
    minX = 0;
    maxX = 0;
  }
  const dx = o.marginX - minX;
  for (let v = 0; v < V; v++) x[v]! += dx;

  const outX = new Float64Array(n);
  const outY = new Float64Array(n);
  for (let v = 0; v < n; v++) {
    outX[v] = x[v]!;
    outY[v] = rankY[rank[v]!]!;
  }
  const edgePoints: number[][] = new Array(m);
  for (let e = 0; e < m; e++) {
    const path = edgePath[e]!;
    if (path.length === 0) {
      edgePoints[e] = [];
      continue;
    }
    const pts: number[] = [];
    const s = path[0]!;
    const t = path[path.length - 1]!;
    pts.push(x[s]!, outY[s]! + nodes[s]!.height / 2);
    for (let k = 1; k < path.length - 1; k++) {
      const d = path[k]!;
      const r = vRank[d]!;
      pts.push(x[d]!, rankY[r]! - rankHeight[r]! / 2, x[d]!, rankY[r]! + rankHeight[r]! / 2);
    }
    pts.push(x[t]!, outY[t]! - nodes[t]!.height / 2);
    if (reversed[e]) {
      const rev: number[] = [];
      for (let k = pts.length - 2; k >= 0; k -= 2) rev.push(pts[k]!, pts[k + 1]!);
      edgePoints[e] = rev;
    } else {
      edgePoints[e] = pts;
    }
  }
  return {
    x: outX,
    y: outY,
    rank,
    edgePoints,
    width: maxX - minX + 2 * o.marginX,
    height: yCursor + o.marginY,
    stats: { ranks: rankCount, dummies, crossings: bestCrossings, reversedEdges },
  };
}

/**
 * Repeated blocks (transformer layers with a residual edge on one side) reach equilibrium with each block a little
 * to the side of the previous one, so a 150-layer model slants thousands of pixels wide. Subtracting a moving
 * average of each rank's centre removes that trend while shifting neighbouring ranks by only a pixel or two.
 * Applied only when the trend is large, so ordinary graphs keep their exactly vertical chains.
 */
function removeDrift(layers: readonly number[][], x: Float64Array, width: readonly number[], window: number): void {
  const R = layers.length;
  if (R < 2 * window) return;
  const centre = new Float64Array(R);
  for (let r = 0; r < R; r++) {
    const layer = layers[r]!;
    if (layer.length === 0) {
      centre[r] = r > 0 ? centre[r - 1]! : 0;
      continue;
    }
    const first = layer[0]!;
    const last = layer[layer.length - 1]!;
    centre[r] = (x[first]! - width[first]! / 2 + x[last]! + width[last]! / 2) / 2;
  }
  const prefix = new Float64Array(R + 1);
  for (let r = 0; r < R; r++) prefix[r + 1] = prefix[r]! + centre[r]!;
  const trend = new Float64Array(R);
  let lo = Infinity;
  let hi = -Infinity;
  for (let r = 0; r < R; r++) {
    const a = Math.max(0, r - window);
    const b = Math.min(R, r + window + 1);
    trend[r] = (prefix[b]! - prefix[a]!) / (b - a);
    lo = Math.min(lo, trend[r]!);
    hi = Math.max(hi, trend[r]!);
  }
  if (hi - lo < 1000) return;
  for (let r = 0; r < R; r++) for (const v of layers[r]!) x[v]! -= trend[r]!;
}

function edgeCsr(n: number, src: Int32Array, m: number): Csr {
  const ids = new Int32Array(m);
  for (let e = 0; e < m; e++) ids[e] = e;
  return buildCsr(n, src, ids, m);
}

/**
 * Places one layer: minimises sum w_i (x_i - target_i)^2 subject to x_{i+1} - x_i >= gap_i. Substituting
 * y_i = x_i - offset_i turns it into weighted isotonic regression, solved exactly by pool-adjacent-violators in O(n).
 */
export function isotonicPlace(
  layer: readonly number[],
  offsets: Float64Array,
  target: Float64Array,
  weight: Float64Array,
  x: Float64Array,
): void {
  const k = layer.length;
  const blockW = new Float64Array(k);
  const blockS = new Float64Array(k);
  const blockEnd = new Int32Array(k);
  let top = -1;
  for (let i = 0; i < k; i++) {
    const v = layer[i]!;
    top++;
    blockW[top] = weight[v]!;
    blockS[top] = weight[v]! * (target[v]! - offsets[i]!);
    blockEnd[top] = i;
    while (top > 0 && blockS[top - 1]! / blockW[top - 1]! > blockS[top]! / blockW[top]!) {
      blockW[top - 1]! += blockW[top]!;
      blockS[top - 1]! += blockS[top]!;
      blockEnd[top - 1] = blockEnd[top]!;
      top--;
    }
  }
  let i = 0;
  for (let b = 0; b <= top; b++) {
    const mean = blockS[b]! / blockW[b]!;
    for (; i <= blockEnd[b]!; i++) x[layer[i]!] = mean + offsets[i]!;
  }
}

/** Total crossings between adjacent layers (Barth, Jünger and Mutzel's accumulator tree, O(E log V)). */
export function countCrossings(layers: readonly number[][], down: Csr, pos: Float64Array): number {
  let total = 0;
  for (let r = 0; r + 1 < layers.length; r++) {
    const upper = layers[r]!;
    const lowerSize = layers[r + 1]!.length;
    if (lowerSize < 2) continue;
    let first = 1;
    while (first < lowerSize) first <<= 1;
    const tree = new Int32Array(2 * first);
    first -= 1;
    const targets: number[] = [];
    for (const v of upper) {
      targets.length = 0;
      for (let i = down.start[v]!; i < down.start[v + 1]!; i++) targets.push(pos[down.items[i]!]!);
      targets.sort((a, b) => a - b);
      for (const t of targets) {
        let index = t + first;
        tree[index]!++;
        while (index > 0) {
          if (index % 2) total += tree[index + 1]!;
          index = (index - 1) >> 1;
          tree[index]!++;
        }
      }
    }
  }
  return total;
}
