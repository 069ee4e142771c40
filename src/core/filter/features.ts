// Cheap features of a model input, computed twice from one definition: in TypeScript to train the filter, and as ONNX
// nodes so the exported filter reads the raw input on the device (the features are part of its cost).

import type { Attribute, Node, Tensor } from '../onnx/ir';
import { LensException } from '../result';
import type { InputTensor } from './samples';

export type FeatureName = 'pool' | 'edges' | 'stats' | 'chroma' | 'motion' | 'energy' | 'zcr' | 'history';
export const FEATURE_NAMES: readonly FeatureName[] = ['pool', 'edges', 'stats', 'chroma', 'motion', 'energy', 'zcr', 'history'];

/**
 * `motion` is the image counterpart: the stream keeps a background, an exponential average (rate MOTION_RATE) of the
 * frames' 4x4 cell means, starting from the first frame; the features are each cell's distance from it (summed over
 * channels) and the largest. Input `background` [1, C·16] in, `backgroundNext` out.
 */
export const MOTION_RATE = 0.05;

/**
 * `history` is stream state: a peak of the log energy of earlier windows of the same stream that decays by
 * HISTORY_DECAY per window (h' = max(h − decay, e)), so the filter sees that speech was just heard, as a VAD's
 * hangover does. The exported filter takes it as input `history` and returns the next value as `historyNext`.
 */
export const HISTORY_DECAY = 0.5;
export const HISTORY_START = Math.log(1e-6);

/** How the filter reads the input tensor. */
export type InputView =
  | { kind: 'image'; layout: 'NCHW' | 'NHWC'; C: number; H: number; W: number; dims: number[] }
  | { kind: 'sequence'; N: number; dims: number[] };

const GRID = 4;
const SEGMENTS = 8;
const EPS = 1e-6;

/** Rank-4 inputs are images (NHWC when the last dim is at most 4 and the second is larger); rank 2–3 sequences. */
export function inputView(dims: number[]): InputView {
  if (dims.length === 4) {
    const nhwc = dims[3]! <= 4 && dims[1]! > 4;
    const [C, H, W] = nhwc ? [dims[3]!, dims[1]!, dims[2]!] : [dims[1]!, dims[2]!, dims[3]!];
    return { kind: 'image', layout: nhwc ? 'NHWC' : 'NCHW', C, H, W, dims };
  }
  if (dims.length === 2 || dims.length === 3) return { kind: 'sequence', N: dims.slice(1).reduce((a, b) => a * b, 1), dims };
  throw new LensException('unsupported', `the filter reads image (rank 4) or sequence (rank 2-3) inputs; this one has dims ${dims.join('x')}`);
}

export function defaultFeatures(view: InputView): FeatureName[] {
  if (view.kind === 'image') return view.C === 3 ? ['pool', 'edges', 'stats', 'chroma', 'motion'] : ['pool', 'edges', 'stats', 'motion'];
  return ['energy', 'zcr', 'history'];
}

/** Which feature blocks apply to a view; others are refused with the reason. */
export function checkFeatures(view: InputView, names: FeatureName[]): void {
  for (const n of names) {
    if (view.kind === 'image' && (n === 'energy' || n === 'zcr' || n === 'history')) throw new LensException('invalid-argument', `feature '${n}' is for audio/sequence inputs; images take pool, edges, stats`);
    if (view.kind === 'sequence' && (n === 'edges' || n === 'chroma')) throw new LensException('invalid-argument', `feature '${n}' is for images; sequences take energy, zcr, history, pool, stats`);
    if (view.kind === 'image' && n === 'chroma' && (view.C !== 3 || view.H < GRID || view.W < GRID)) throw new LensException('invalid-argument', `feature 'chroma' needs a 3-channel image of at least ${GRID}x${GRID}`);
    if (view.kind === 'image' && n === 'pool' && (view.H < GRID || view.W < GRID)) throw new LensException('invalid-argument', `feature 'pool' needs an image of at least ${GRID}x${GRID}`);
    if (view.kind === 'sequence' && (n === 'energy' || n === 'pool') && view.N < SEGMENTS) throw new LensException('invalid-argument', `feature '${n}' needs at least ${SEGMENTS} samples per input`);
  }
}

/** Feature labels, in the order the vector holds them. */
export function featureLabels(view: InputView, names: FeatureName[]): string[] {
  const out: string[] = [];
  for (const n of names) {
    if (view.kind === 'image') {
      if (n === 'pool') for (let c = 0; c < view.C; c++) for (let i = 0; i < GRID * GRID; i++) out.push(`pool c${c} cell${i}`);
      if (n === 'edges') { for (let c = 0; c < view.C; c++) out.push(`edge-x c${c}`); for (let c = 0; c < view.C; c++) out.push(`edge-y c${c}`); }
      if (n === 'stats') for (let c = 0; c < view.C; c++) out.push(`std c${c}`);
      if (n === 'chroma') { for (let i = 0; i < GRID * GRID; i++) out.push(`warmth cell${i}`); out.push('warmth max cell'); }
      if (n === 'motion') { for (let i = 0; i < GRID * GRID; i++) out.push(`change cell${i}`); out.push('change max cell'); }
    } else {
      if (n === 'energy') { out.push('log energy'); for (let s = 0; s < SEGMENTS; s++) out.push(`log energy seg${s}`); }
      if (n === 'zcr') out.push('zero-crossing rate', 'log diff energy');
      if (n === 'pool') for (let s = 0; s < SEGMENTS; s++) out.push(`mean seg${s}`);
      if (n === 'stats') out.push('std');
      if (n === 'history') out.push('decayed peak log energy of earlier windows');
    }
  }
  return out;
}

/** Log mean square of a window: the energy feature, and what `history` tracks. */
export function logEnergy(x: ArrayLike<number>, N: number): number {
  let e = 0;
  for (let i = 0; i < N; i++) e += x[i]! * x[i]!;
  return Math.log(e / N + EPS);
}

/**
 * Feature vectors of a sequence of inputs; `history` runs through each stream (`streams[i]` names sample i's stream,
 * e.g. its file) and restarts at HISTORY_START when the stream changes.
 */
export function computeAll(view: InputView, names: FeatureName[], inputs: InputTensor[], streams: string[]): number[][] {
  let h = HISTORY_START, stream: string | undefined;
  let bg: number[] = [];
  return inputs.map((input, i) => {
    const fresh = streams[i] !== stream;
    if (fresh) { h = HISTORY_START; stream = streams[i]; }
    if (view.kind === 'image' && names.includes('motion')) {
      const cells = cellMeans(view, input.data);
      if (fresh) bg = cells;
      const f = computeFeatures(view, names, input, h, bg);
      bg = bg.map((b, k) => b + MOTION_RATE * (cells[k]! - b));
      return f;
    }
    const f = computeFeatures(view, names, input, h);
    if (view.kind === 'sequence') h = Math.max(h - HISTORY_DECAY, logEnergy(input.data, view.N));
    return f;
  });
}

/** Per channel, the means of the GRID x GRID cells (the `pool` feature): [C·GRID·GRID], channel-major. */
export function cellMeans(view: InputView & { kind: 'image' }, x: ArrayLike<number>): number[] {
  const { C, H, W } = view;
  const at = view.layout === 'NHWC' ? (c: number, h: number, w: number) => x[(h * W + w) * C + c]! : (c: number, h: number, w: number) => x[(c * H + h) * W + w]!;
  const kh = Math.floor(H / GRID), kw = Math.floor(W / GRID);
  const out: number[] = [];
  for (let c = 0; c < C; c++) {
    for (let i = 0; i < GRID; i++) {
      for (let j = 0; j < GRID; j++) {
        let s = 0;
        for (let h = i * kh; h < (i + 1) * kh; h++) for (let w = j * kw; w < (j + 1) * kw; w++) s += at(c, h, w);
        out.push(s / (kh * kw));
      }
    }
  }
  return out;
}

/** The stream's starting state for a first frame: its own cell means (motion) — what the caller feeds the filter. */
export function motionStart(view: InputView, x: ArrayLike<number>): number[] {
  return view.kind === 'image' ? cellMeans(view, x) : [];
}

/** The feature vector of one input (float64 arithmetic); `history` is the stream state before this input. */
export function computeFeatures(view: InputView, names: FeatureName[], input: InputTensor, history = HISTORY_START, background?: number[]): number[] {
  const x = input.data;
  const out: number[] = [];
  if (view.kind === 'image') {
    const { C, H, W } = view;
    const at = view.layout === 'NHWC' ? (c: number, h: number, w: number) => x[(h * W + w) * C + c]! : (c: number, h: number, w: number) => x[(c * H + h) * W + w]!;
    for (const n of names) {
      if (n === 'pool') {
        out.push(...cellMeans(view, x));
      } else if (n === 'motion') {
        const cells = cellMeans(view, x), bg = background ?? cells;
        const d = Array.from({ length: GRID * GRID }, (_, k) => {
          let s = 0;
          for (let c = 0; c < C; c++) s += Math.abs(cells[c * GRID * GRID + k]! - bg[c * GRID * GRID + k]!);
          return s;
        });
        out.push(...d, Math.max(...d));
      } else if (n === 'edges') {
        const ex: number[] = [], ey: number[] = [];
        for (let c = 0; c < C; c++) {
          let sx = 0, sy = 0;
          for (let h = 0; h < H; h++) for (let w = 0; w + 1 < W; w++) sx += Math.abs(at(c, h, w + 1) - at(c, h, w));
          for (let h = 0; h + 1 < H; h++) for (let w = 0; w < W; w++) sy += Math.abs(at(c, h + 1, w) - at(c, h, w));
          ex.push(sx / (H * (W - 1))); ey.push(sy / ((H - 1) * W));
        }
        out.push(...ex, ...ey);
      } else if (n === 'stats') {
        for (let c = 0; c < C; c++) {
          let s = 0, s2 = 0;
          for (let h = 0; h < H; h++) for (let w = 0; w < W; w++) { const v = at(c, h, w); s += v; s2 += v * v; }
          const m = s / (H * W);
          out.push(Math.sqrt(Math.max(0, s2 / (H * W) - m * m) + EPS));
        }
      } else if (n === 'chroma') {
        // Warmth relu(c0 − c1) × relu(c1 − c2) per pixel (R > G > B for RGB: skin, wood, fire), pooled per cell.
        const kh = Math.floor(H / GRID), kw = Math.floor(W / GRID);
        const cells: number[] = [];
        for (let i = 0; i < GRID; i++) {
          for (let j = 0; j < GRID; j++) {
            let s = 0;
            for (let h = i * kh; h < (i + 1) * kh; h++) {
              for (let w = j * kw; w < (j + 1) * kw; w++) s += Math.max(0, at(0, h, w) - at(1, h, w)) * Math.max(0, at(1, h, w) - at(2, h, w));
            }
            cells.push(s / (kh * kw));
          }
        }
        out.push(...cells, Math.max(...cells));
      }
    }
    return out;
  }
  const N = view.N;
  const seg = Math.floor(N / SEGMENTS);
  for (const n of names) {
    if (n === 'energy') {
      let e = 0;
      for (let i = 0; i < N; i++) e += x[i]! * x[i]!;
      out.push(Math.log(e / N + EPS));
      for (let s = 0; s < SEGMENTS; s++) {
        let es = 0;
        for (let i = s * seg; i < (s + 1) * seg; i++) es += x[i]! * x[i]!;
        out.push(Math.log(es / seg + EPS));
      }
    } else if (n === 'zcr') {
      let z = 0, d = 0;
      for (let i = 1; i < N; i++) {
        z += Math.abs(Math.sign(x[i]!) - Math.sign(x[i - 1]!));
        const v = x[i]! - x[i - 1]!;
        d += v * v;
      }
      out.push((0.5 * z) / (N - 1), Math.log(d / (N - 1) + EPS));
    } else if (n === 'pool') {
      for (let s = 0; s < SEGMENTS; s++) {
        let m = 0;
        for (let i = s * seg; i < (s + 1) * seg; i++) m += x[i]!;
        out.push(m / seg);
      }
    } else if (n === 'stats') {
      let s = 0, s2 = 0;
      for (let i = 0; i < N; i++) { s += x[i]!; s2 += x[i]! * x[i]!; }
      const m = s / N;
      out.push(Math.sqrt(Math.max(0, s2 / N - m * m) + EPS));
    } else if (n === 'history') {
      out.push(history);
    }
  }
  return out;
}

/** Collects nodes and constants of the exported graph; names are unique per builder. */
export class GraphBuilder {
  nodes: Node[] = [];
  initializers: Tensor[] = [];
  private n = 0;

  name(prefix: string): string {
    return `${prefix}_${this.n++}`;
  }

  floats(dims: number[], values: ArrayLike<number>, prefix = 'c'): string {
    const name = this.name(prefix);
    this.initializers.push({ name, dtype: 'float', dims, data: { kind: 'float', values: Float32Array.from(values) } });
    return name;
  }

  ints(values: number[], prefix = 'i'): string {
    const name = this.name(prefix);
    this.initializers.push({ name, dtype: 'int64', dims: [values.length], data: { kind: 'int64', values } });
    return name;
  }

  op(opType: string, inputs: string[], attributes: Attribute[] = [], outputName?: string): string {
    const out = outputName ?? this.name(opType.toLowerCase());
    this.nodes.push({ name: this.name(`filter_${opType}`), opType, domain: '', inputs, outputs: [out], attributes });
    return out;
  }
}

const ints = (name: string, value: number[]): Attribute => ({ name, type: 'ints', value });
const int = (name: string, value: number): Attribute => ({ name, type: 'int', value });

export const HISTORY_INPUT = 'history';
export const HISTORY_OUTPUT = 'historyNext';
export const MOTION_INPUT = 'background';
export const MOTION_OUTPUT = 'backgroundNext';

/**
 * Emits the features of `input` (dims of the view) as ONNX nodes (opset 13); returns the [1, k] feature tensor.
 * With `history`, the graph reads input HISTORY_INPUT [1, 1] and writes HISTORY_OUTPUT.
 */
export function emitFeatures(b: GraphBuilder, view: InputView, names: FeatureName[], input: string): string {
  const parts: string[] = [];
  const eps = b.floats([], [EPS], 'eps');
  const log = (v: string) => b.op('Log', [b.op('Add', [v, eps])]);
  const slice = (v: string, start: number, end: number, axis: number) => b.op('Slice', [v, b.ints([start]), b.ints([end]), b.ints([axis])]);
  if (view.kind === 'image') {
    const { C, H, W } = view;
    const x = view.layout === 'NHWC' ? b.op('Transpose', [input], [ints('perm', [0, 3, 1, 2])]) : input;
    const mean = (v: string) => b.op('ReduceMean', [v], [ints('axes', [2, 3]), int('keepdims', 0)]);
    let pooledFlat: string | undefined;
    const cells = () => {
      if (pooledFlat) return pooledFlat;
      const kh = Math.floor(H / GRID), kw = Math.floor(W / GRID);
      // Rows and columns past GRID whole blocks are cut off first, as the TypeScript loop ignores them.
      const cut = H === kh * GRID && W === kw * GRID ? x : slice(slice(x, 0, kh * GRID, 2), 0, kw * GRID, 3);
      const pooled = b.op('AveragePool', [cut], [ints('kernel_shape', [kh, kw]), ints('strides', [kh, kw])]);
      return (pooledFlat = b.op('Reshape', [pooled, b.ints([1, C * GRID * GRID])]));
    };
    for (const n of names) {
      if (n === 'pool') {
        parts.push(cells());
      } else if (n === 'motion') {
        const cur = cells();
        const d = b.op('Abs', [b.op('Sub', [cur, MOTION_INPUT])]);
        const perCell = b.op('ReduceSum', [b.op('Reshape', [d, b.ints([1, C, GRID * GRID])]), b.ints([1])], [int('keepdims', 0)]);
        parts.push(perCell, b.op('ReduceMax', [perCell], [ints('axes', [1]), int('keepdims', 1)]));
        const step = b.op('Mul', [b.op('Sub', [cur, MOTION_INPUT]), b.floats([], [MOTION_RATE], 'rate')]);
        b.op('Add', [MOTION_INPUT, step], [], MOTION_OUTPUT);
      } else if (n === 'edges') {
        const dx = b.op('Abs', [b.op('Sub', [slice(x, 1, W, 3), slice(x, 0, W - 1, 3)])]);
        const dy = b.op('Abs', [b.op('Sub', [slice(x, 1, H, 2), slice(x, 0, H - 1, 2)])]);
        parts.push(mean(dx), mean(dy));
      } else if (n === 'chroma') {
        const ch = (c: number) => slice(x, c, c + 1, 1);
        const warm = b.op('Mul', [b.op('Relu', [b.op('Sub', [ch(0), ch(1)])]), b.op('Relu', [b.op('Sub', [ch(1), ch(2)])])]);
        const kh = Math.floor(H / GRID), kw = Math.floor(W / GRID);
        const cut = H === kh * GRID && W === kw * GRID ? warm : slice(slice(warm, 0, kh * GRID, 2), 0, kw * GRID, 3);
        const cells = b.op('Reshape', [b.op('AveragePool', [cut], [ints('kernel_shape', [kh, kw]), ints('strides', [kh, kw])]), b.ints([1, GRID * GRID])]);
        parts.push(cells, b.op('ReduceMax', [cells], [ints('axes', [1]), int('keepdims', 1)]));
      } else if (n === 'stats') {
        const m = mean(x);
        const m2 = mean(b.op('Mul', [x, x]));
        const v = b.op('Relu', [b.op('Sub', [m2, b.op('Mul', [m, m])])]);
        parts.push(b.op('Sqrt', [b.op('Add', [v, eps])]));
      }
    }
  } else {
    const N = view.N;
    const seg = Math.floor(N / SEGMENTS);
    const flat = b.op('Reshape', [input, b.ints([1, N])]);
    const mean1 = (v: string) => b.op('ReduceMean', [v], [ints('axes', [1]), int('keepdims', 1)]);
    const segs = () => b.op('Reshape', [seg * SEGMENTS === N ? flat : slice(flat, 0, seg * SEGMENTS, 1), b.ints([1, SEGMENTS, seg])]);
    for (const n of names) {
      if (n === 'energy') {
        const sq = b.op('Mul', [flat, flat]);
        parts.push(log(mean1(sq)));
        const s = segs();
        parts.push(log(b.op('ReduceMean', [b.op('Mul', [s, s])], [ints('axes', [2]), int('keepdims', 0)])));
      } else if (n === 'zcr') {
        const sg = b.op('Sign', [flat]);
        const crossings = b.op('Abs', [b.op('Sub', [slice(sg, 1, N, 1), slice(sg, 0, N - 1, 1)])]);
        parts.push(b.op('Mul', [mean1(crossings), b.floats([], [0.5], 'half')]));
        const d = b.op('Sub', [slice(flat, 1, N, 1), slice(flat, 0, N - 1, 1)]);
        parts.push(log(mean1(b.op('Mul', [d, d]))));
      } else if (n === 'pool') {
        parts.push(b.op('ReduceMean', [segs()], [ints('axes', [2]), int('keepdims', 0)]));
      } else if (n === 'history') {
        parts.push(HISTORY_INPUT);
        const e = log(mean1(b.op('Mul', [flat, flat])));
        b.op('Max', [b.op('Sub', [HISTORY_INPUT, b.floats([], [HISTORY_DECAY], 'decay')]), e], [], HISTORY_OUTPUT);
      } else if (n === 'stats') {
        const m = mean1(flat);
        const v = b.op('Relu', [b.op('Sub', [mean1(b.op('Mul', [flat, flat])), b.op('Mul', [m, m])])]);
        parts.push(b.op('Sqrt', [b.op('Add', [v, eps])]));
      }
    }
  }
  return parts.length === 1 ? parts[0]! : b.op('Concat', parts, [int('axis', 1)]);
}
