// Owns forward(): applying modules to tensor shapes, recording MACs per module path, tensor methods and functions.
import { type Args, LAYERS, flattenShape, isKnownShape, prod, upsampleShape } from '../layers';
import type { Shape } from '../types';
import { type ModSpec, NONE, UNKNOWN, type Value, num, toArg } from '../values';
import { type EvalContext, type EvaluatedArgs, MAX_DEPTH, Return, SHAPE_PRESERVING, type Scope, giveUp, homeOf, joinPath, record } from './context';
import { execBlock } from './statements';
import { bindParams, customForward, findMethod } from './calls';

// ---------------------------------------------------------------- forward: shapes and MACs

export function applyModule(m: ModSpec, path: string | undefined, args: EvaluatedArgs, ctx: EvalContext, depth = 0): Value {
  const x = args.positional[0];
  const input = x?.k === 'tensor' ? x.shape : null;
  if (depth > MAX_DEPTH) return { k: 'tensor', shape: null };
  if (m.unknownReason) {
    // What this module holds is not known, so neither is what it computes: no partial sum.
    giveUp(ctx, path, m.unknownReason);
    record(ctx, path, m.typeName, input, null, null);
    return { k: 'tensor', shape: null };
  }
  switch (m.kind) {
    case 'layer': {
      const own = m.cls ? customForward(m.cls, ctx) : undefined;
      if (own) {
        // A subclass that replaces forward() may compute anything: its MACs are not the layer's.
        const why = `forward() of ${own} replaces nn.${m.layerBase ?? m.typeName}'s and is not followed`;
        giveUp(ctx, path, why);
        record(ctx, path, m.typeName, input, null, null);
        return { k: 'tensor', shape: null };
      }
      const layerType = m.layerBase ?? m.typeName;
      if (layerType === 'MultiheadAttention') return applyAttention(m, path, args, ctx);
      const r = input && m.layer?.apply ? m.layer.apply(m.args!, input) : undefined;
      const outShape = r?.output ?? null;
      const macs = r ? r.macs : null;
      record(ctx, path, m.typeName, input, outShape, macs);
      if (macs === null && ctx.trace && path !== undefined && !ctx.trace.reasons?.has(path)) {
        const why = !input ? `the input of \`${path || m.typeName}\` (${m.typeName}) has a shape the analysis did not follow`
          : !m.layer?.apply ? `nn.${m.typeName}'s output shape is not modelled`
          : `${m.typeName} at \`${path}\` does not accept an input of shape ${input.map((d) => d ?? '?').join('×')}`;
        (ctx.trace.reasons ??= new Map()).set(path, why);
      }
      if (layerType === 'LSTM' || layerType === 'GRU' || layerType === 'RNN') {
        return { k: 'list', items: [{ k: 'tensor', shape: outShape }, { k: 'tensor', shape: null }], tuple: true };
      }
      return { k: 'tensor', shape: outShape };
    }
    case 'container': {
      if (m.typeName === 'TransformerEncoder') {
        const layers = m.children.get('layers');
        const norm = m.children.get('norm');
        let cur: Value = x ?? UNKNOWN;
        if (layers) cur = applyModule({ ...layers, typeName: 'Sequential' }, joinPath(path, 'layers'), { positional: [cur], keywords: new Map() }, ctx, depth + 1);
        if (norm) cur = applyModule(norm, joinPath(path, 'norm'), { positional: [cur], keywords: new Map() }, ctx, depth + 1);
        return cur;
      }
      if (m.typeName !== 'Sequential') {
        giveUp(ctx, path, `nn.${m.typeName} is not callable`);
        return { k: 'tensor', shape: null };
      }
      let cur: Value = x ?? UNKNOWN;
      for (const [key, c] of m.children) {
        cur = applyModule(c, joinPath(path, key), { positional: [cur], keywords: new Map() }, ctx, depth + 1);
        if (cur.k === 'list') cur = cur.items[0] ?? UNKNOWN; // a recurrent layer inside Sequential passes its tuple on
      }
      return cur;
    }
    case 'user': {
      const home = homeOf(m.cls?.home, ctx);
      const fwd = m.cls ? findMethod(m.cls, 'forward', home) : undefined;
      if (!fwd && m.cls?.containerBase === 'Sequential') {
        // An nn.Sequential subclass without its own forward(): the children run in order.
        return applyModule({ ...m, kind: 'container', typeName: 'Sequential' }, path, args, ctx, depth + 1);
      }
      if (!fwd) {
        giveUp(ctx, path, `${m.typeName} has no forward() in this file`);
        return { k: 'tensor', shape: null };
      }
      const scope: Scope = { vars: new Map(), self: { m, path: path ?? '' }, mode: 'forward', depth: depth + 1 };
      bindParams(fwd, args, scope, home, true);
      let result: Value = NONE;
      try {
        execBlock(fwd.childForFieldName('body'), scope, home);
      } catch (e) {
        if (!(e instanceof Return)) throw e;
        result = e.value;
      }
      if (ctx.trace && path !== undefined && !ctx.trace.modules.has(path)) {
        const out = result.k === 'tensor' ? result.shape : result.k === 'list' && result.items[0]?.k === 'tensor' ? result.items[0].shape : null;
        ctx.trace.modules.set(path, { inputShape: input ?? undefined, outputShape: out ?? undefined });
      }
      return result;
    }
    case 'known': {
      const arch = m.known!;
      const head = m.children.get(arch.head.path);
      let macs: number | null = null;
      let outShape: Shape | null = null;
      if (input && input.length === 4 && isKnownShape(input)) {
        const [nb, , h, w] = input as number[];
        // Published MACs are for 224×224; convolutional work scales with the input area. Head MACs are added back separately.
        const bodyMacs = (arch.macs - arch.head.inFeatures * arch.head.outFeatures) * ((h! * w!) / (arch.inputSize * arch.inputSize));
        const headRes = head ? applyModule(head, joinPath(path, arch.head.path), { positional: [{ k: 'tensor', shape: arch.head.conv1x1 ? [nb!, arch.head.inFeatures, 1, 1] : [nb!, arch.head.inFeatures] }], keywords: new Map() }, ctx, depth + 1) : UNKNOWN;
        const headOut = headRes.k === 'tensor' ? headRes.shape : null;
        outShape = headOut ? [nb!, headOut[1] ?? null] : null;
        macs = Math.round(bodyMacs * nb!);
      }
      record(ctx, path, m.typeName, input, outShape, macs);
      return { k: 'tensor', shape: outShape };
    }
    default:
      giveUp(ctx, path, `${m.typeName} cannot be followed`);
      record(ctx, path, m.typeName, input, null, null);
      return { k: 'tensor', shape: null };
  }
}

export function applyAttention(m: ModSpec, path: string | undefined, args: EvaluatedArgs, ctx: EvalContext): Value {
  const [q, k] = args.positional;
  const a = m.args!;
  const E = a.get('embed_dim');
  const bf = a.get('batch_first') === true;
  const qs = q?.k === 'tensor' ? q.shape : null;
  const ks = k?.k === 'tensor' ? k.shape : qs;
  let macs: number | null = null;
  if (typeof E === 'number' && qs && ks && qs.length === 3 && ks.length === 3 && isKnownShape(qs) && isKnownShape(ks)) {
    const [L, N] = bf ? [qs[1]!, qs[0]!] : [qs[0]!, qs[1]!];
    const S = bf ? ks[1]! : ks[0]!;
    // Q projection over L tokens, K and V over S, scores and weighted sum, output projection.
    macs = N * (L * E * E + 2 * S * E * E + 2 * L * S * E + L * E * E);
  }
  record(ctx, path, m.typeName, qs, qs, macs);
  return { k: 'list', items: [{ k: 'tensor', shape: qs }, { k: 'tensor', shape: null }], tuple: true };
}

export function dimArg(v: Value | undefined, rank: number): number | undefined {
  if (v?.k !== 'num') return undefined;
  return v.v < 0 ? v.v + rank : v.v;
}

export function reduceShape(shape: Shape | null, dims: Value | undefined, keep: boolean): Shape | null {
  if (!shape) return null;
  if (!dims || dims.k === 'none') return keep ? shape.map(() => 1) : [];
  const list = dims.k === 'list' ? dims.items : [dims];
  const ds = list.map((d) => dimArg(d, shape.length));
  if (ds.some((d) => d === undefined)) return null;
  return keep ? shape.map((s, i) => (ds.includes(i) ? 1 : s)) : shape.filter((_, i) => !ds.includes(i));
}

export function reshape(shape: Shape | null, target: Value[]): Shape | null {
  const dims = target.length === 1 && target[0]!.k === 'list' ? target[0].items : target;
  const out: (number | null)[] = dims.map((d) => (d.k === 'num' ? d.v : null));
  const inferIdx = out.indexOf(-1);
  if (inferIdx >= 0) {
    const known = out.filter((d, i) => i !== inferIdx);
    const inferred = shape && isKnownShape(shape) && known.every((d) => d !== null) ? prod(shape) / prod(known as number[]) : null;
    // A size that does not divide evenly is an error in PyTorch, not a fractional dimension.
    out[inferIdx] = inferred !== null && Number.isInteger(inferred) ? inferred : null;
  }
  return out;
}

export function tensorMethod(shape: Shape | null, name: string, args: EvaluatedArgs, ctx: EvalContext): Value {
  const p = args.positional;
  const rank = shape?.length ?? 0;
  switch (name) {
    case 'size': {
      if (p.length === 0) return shape ? { k: 'list', items: shape.map((d) => (d === null ? UNKNOWN : num(d))), tuple: true } : UNKNOWN;
      const d = dimArg(p[0], rank);
      const v = d === undefined || !shape ? undefined : shape[d];
      return typeof v === 'number' ? num(v) : UNKNOWN;
    }
    case 'dim':
      return shape ? num(rank) : UNKNOWN;
    case 'numel':
      return shape && isKnownShape(shape) ? num(prod(shape)) : UNKNOWN;
    case 'view':
    case 'reshape':
      return { k: 'tensor', shape: reshape(shape, p) };
    case 'flatten': {
      const s = p[0] ?? args.keywords.get('start_dim') ?? num(0);
      const e = p[1] ?? args.keywords.get('end_dim') ?? num(-1);
      return { k: 'tensor', shape: shape && s.k === 'num' && e.k === 'num' ? flattenShape(shape, s.v, e.v) : null };
    }
    case 'mean':
    case 'sum':
    case 'amax':
    case 'amin': {
      const keep = args.keywords.get('keepdim') ?? p[1];
      return { k: 'tensor', shape: reduceShape(shape, p[0] ?? args.keywords.get('dim'), keep?.k === 'bool' && keep.v) };
    }
    case 'permute': {
      const dims = p.length === 1 && p[0]!.k === 'list' ? p[0].items : p;
      if (!shape) return { k: 'tensor', shape: null };
      const out = dims.map((d) => {
        const i = dimArg(d, rank);
        return i === undefined ? null : shape[i] ?? null;
      });
      return { k: 'tensor', shape: out };
    }
    case 'transpose': {
      const a = dimArg(p[0], rank);
      const b = dimArg(p[1], rank);
      if (!shape || a === undefined || b === undefined) return { k: 'tensor', shape: null };
      const out = [...shape];
      [out[a], out[b]] = [out[b] ?? null, out[a] ?? null];
      return { k: 'tensor', shape: out };
    }
    case 'unsqueeze': {
      const d = p[0]?.k === 'num' ? (p[0].v < 0 ? p[0].v + rank + 1 : p[0].v) : undefined;
      if (!shape || d === undefined) return { k: 'tensor', shape: null };
      return { k: 'tensor', shape: [...shape.slice(0, d), 1, ...shape.slice(d)] };
    }
    case 'squeeze': {
      if (!shape) return { k: 'tensor', shape: null };
      const d = dimArg(p[0], rank);
      if (p.length === 0) return { k: 'tensor', shape: shape.some((x) => x === null) ? null : shape.filter((x) => x !== 1) };
      return { k: 'tensor', shape: d !== undefined && shape[d] === 1 ? shape.filter((_, i) => i !== d) : shape };
    }
    case 'double':
      return { k: 'tensor', shape };
    default:
      if (SHAPE_PRESERVING.has(name)) return { k: 'tensor', shape };
      void ctx;
      return { k: 'tensor', shape: null };
  }
}

export function tensorFunction(name: string, args: EvaluatedArgs, ctx: EvalContext): Value {
  const p = args.positional;
  const x = p[0];
  const shape = x?.k === 'tensor' ? x.shape : null;
  switch (name) {
    case 'flatten':
      return tensorMethod(shape, 'flatten', { positional: p.slice(1), keywords: args.keywords }, ctx);
    case 'mean':
    case 'sum':
    case 'reshape':
    case 'transpose':
    case 'permute':
    case 'squeeze':
    case 'unsqueeze':
      return tensorMethod(shape, name, { positional: p.slice(1), keywords: args.keywords }, ctx);
    case 'max_pool1d':
    case 'max_pool2d':
    case 'avg_pool1d':
    case 'avg_pool2d': {
      const nd = name.endsWith('1d') ? 1 : 2;
      const def = LAYERS[name.startsWith('max') ? `MaxPool${nd}d` : `AvgPool${nd}d`]!;
      const a: Args = new Map(Object.entries(def.defaults));
      p.slice(1).forEach((v, i) => a.set(def.signature[i]!, toArg(v)));
      for (const [k, v] of args.keywords) a.set(k, toArg(v));
      return { k: 'tensor', shape: shape ? def.apply!(a, shape)?.output ?? null : null };
    }
    case 'adaptive_avg_pool1d':
    case 'adaptive_avg_pool2d':
    case 'adaptive_max_pool2d': {
      const def = LAYERS[name.endsWith('1d') ? 'AdaptiveAvgPool1d' : 'AdaptiveAvgPool2d']!;
      const a: Args = new Map([['output_size', toArg(p[1] ?? args.keywords.get('output_size') ?? UNKNOWN)]]);
      return { k: 'tensor', shape: shape ? def.apply!(a, shape)?.output ?? null : null };
    }
    case 'interpolate':
    case 'upsample': {
      const size = args.keywords.get('size') ?? p[1];
      const scale = args.keywords.get('scale_factor') ?? p[2];
      return { k: 'tensor', shape: shape ? upsampleShape(shape, size ? toArg(size) : null, scale ? toArg(scale) : null) : null };
    }
    case 'cat':
    case 'concat': {
      const items = x?.k === 'list' ? x.items : undefined;
      const dimV = p[1] ?? args.keywords.get('dim') ?? num(0);
      const shapes = items?.map((i) => (i.k === 'tensor' ? i.shape : null));
      if (!shapes || shapes.some((s) => !s) || dimV.k !== 'num') return { k: 'tensor', shape: null };
      const first = shapes[0]!;
      const d = dimV.v < 0 ? dimV.v + first.length : dimV.v;
      const out = [...first];
      const parts = shapes.map((s) => s![d]);
      out[d] = parts.every((v) => typeof v === 'number') ? (parts as number[]).reduce((a, b) => a + b, 0) : null;
      return { k: 'tensor', shape: out };
    }
    default:
      if (SHAPE_PRESERVING.has(name) || name === 'add' || name === 'mul') return { k: 'tensor', shape };
      return p.some((v) => v.k === 'tensor') ? { k: 'tensor', shape: null } : UNKNOWN;
  }
}
