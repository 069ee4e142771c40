// Owns building torch.nn objects: table layers, containers, nn.Parameter, TransformerEncoder, known architectures.
import type { Node } from 'web-tree-sitter';
import { type Arg, type Args, FloatArg, LAYERS, isKnownShape, prod } from '../layers';
import type { KnownArchitecture } from '../known-architectures';
import { rangeOf } from '../syntax';
import { type ModSpec, type Value, fromArg, toArg, whyOf } from '../values';
import { CONTAINERS, type EvaluatedArgs, MAX_LOOP } from './context';

/** Constructor arguments PyTorch requires to be ints. */
const SIZE_ARGS = ['in_channels', 'out_channels', 'in_features', 'out_features', 'num_features', 'groups', 'kernel_size', 'stride', 'padding', 'dilation', 'input_size', 'hidden_size', 'num_layers', 'num_embeddings', 'embedding_dim', 'embed_dim', 'num_heads', 'd_model', 'nhead', 'dim_feedforward', 'upscale_factor', 'downscale_factor', 'num_groups', 'num_channels'];

export function emptyMod(typeName: string, kind: ModSpec['kind'], n: Node): ModSpec {
  return { typeName, kind, range: rangeOf(n), tree: n.tree, ownParams: 0, children: new Map(), attrs: new Map() };
}

export function buildTorchModule(name: string, args: EvaluatedArgs, n: Node): Value {
  if (name === 'Parameter') {
    // Held as a pseudo-child so parameters() counts it; reading it back in forward() yields the tensor.
    const t = args.positional[0] ?? args.keywords.get('data');
    const shape = t?.k === 'tensor' ? t.shape : null;
    const m = emptyMod('Parameter', 'opaque', n);
    m.ownParams = shape && isKnownShape(shape) ? prod(shape) : null;
    if (m.ownParams === null) m.unknownReason = 'an nn.Parameter whose shape is not static';
    m.attrs.set('__shape__', { k: 'tensor', shape });
    return { k: 'mod', m };
  }
  if (CONTAINERS.has(name)) return buildContainer(name, args, n);
  if (name === 'TransformerEncoder') return buildEncoderStack(args, n);
  if (name === 'Transformer') return buildTransformer(args, n);
  const def = LAYERS[name];
  if (!def) {
    const m = emptyMod(name, 'opaque', n);
    m.ownParams = null;
    m.unknownReason = `nn.${name} is not in the layer table`;
    return { k: 'mod', m };
  }
  const a: Args = new Map();
  for (const [k, v] of Object.entries(def.defaults)) a.set(k, v);
  args.positional.forEach((v, i) => {
    const key = def.signature[i];
    if (key) a.set(key, toArg(v));
  });
  for (const [k, v] of args.keywords) a.set(k, toArg(v));
  // A TransformerEncoder holds num_layers deep copies of its layer.
  const m = emptyMod(name, 'layer', n);
  m.args = a;
  m.layer = def;
  m.ownParams = def.params(a);
  if (args.unknownRest) {
    // `nn.Conv2d(*cfg)` / `nn.Linear(**kw)` that cannot be evaluated: any argument may differ.
    m.ownParams = null;
    m.unknownReason = `nn.${name}(...): ${args.unknownRest}`;
  }
  for (const key of SIZE_ARGS) {
    const v = a.get(key);
    if (v instanceof FloatArg || (Array.isArray(v) && v.some((x) => x instanceof FloatArg))) {
      // `nn.Conv2d(24, 200 / 4, 1)`: PyTorch raises TypeError for a float size, so the model is never built.
      m.raises = `nn.${name}(...) gets ${key}=${typeof v === 'object' && v instanceof FloatArg ? `${v.value}.0` : 'a float'}, a float PyTorch refuses (TypeError)`;
      m.unknownReason = m.raises;
      m.ownParams = null;
      break;
    }
  }
  if (m.ownParams === null) {
    const why = [...args.positional, ...args.keywords.values()].map(whyOf).find((w) => w);
    if (why) m.unknownReason = `nn.${name}(...): ${why}`;
  }
  return { k: 'mod', m };
}

/** A fresh copy of a module tree (PyTorch deep-copies a layer into each slot of a TransformerEncoder). */
export function cloneMod(m: ModSpec): ModSpec {
  const c: ModSpec = { ...m, children: new Map(), attrs: new Map(m.attrs) };
  for (const [k, v] of m.children) c.children.set(k, cloneMod(v));
  return c;
}

/** nn.TransformerEncoder(encoder_layer, num_layers, norm=None): `layers` holds num_layers copies, then `norm`. */
export function buildEncoderStack(args: EvaluatedArgs, n: Node): Value {
  const layer = args.positional[0] ?? args.keywords.get('encoder_layer');
  const count = args.positional[1] ?? args.keywords.get('num_layers');
  const norm = args.positional[2] ?? args.keywords.get('norm');
  const m = emptyMod('TransformerEncoder', 'container', n);
  const layers = emptyMod('ModuleList', 'container', n);
  m.children.set('layers', layers);
  if (layer?.k !== 'mod' || count?.k !== 'num' || count.v > MAX_LOOP) {
    m.unknownReason = 'nn.TransformerEncoder with an encoder layer or num_layers that is not static';
    return { k: 'mod', m };
  }
  for (let i = 0; i < count.v; i++) layers.children.set(String(i), cloneMod(layer.m));
  if (norm?.k === 'mod') m.children.set('norm', norm.m);
  return { k: 'mod', m };
}

export function buildContainer(name: string, args: EvaluatedArgs, n: Node): Value {
  const m = emptyMod(name, 'container', n);
  if (args.unknownRest) {
    // `nn.Sequential(*layers)` over a list the analysis could not follow: the reason is why the list is unknown.
    m.unknownReason = args.unknownRest;
    return { k: 'mod', m };
  }
  const addAll = (items: Value[]): void => {
    for (const it of items) {
      if (it.k === 'mod') {
        m.children.set(String(m.children.size), it.m);
        if (it.m.raises) m.raises ??= it.m.raises;
      } else m.unknownReason ??= it.k === 'unknown' && it.why ? it.why : `an element of nn.${name}(...) is not a module the analysis can follow`;
    }
  };
  if (name === 'ModuleDict') {
    const d = args.positional[0];
    if (d?.k === 'dict') {
      for (const [k, v] of d.entries) {
        if (v.k === 'mod') m.children.set(k, v.m);
        else m.unknownReason ??= `the entry '${k}' of nn.ModuleDict is not a module the analysis can follow`;
      }
    } else if (d?.k === 'list') {
      for (const pair of d.items) {
        const [k, v] = pair.k === 'list' ? pair.items : [];
        if (k?.k === 'str' && v?.k === 'mod') m.children.set(k.v, v.m);
        else m.unknownReason ??= 'an entry of nn.ModuleDict is not static';
      }
    } else if (d) m.unknownReason = 'the nn.ModuleDict contents are not static';
    return { k: 'mod', m };
  }
  const p = args.positional;
  if (p.length === 1 && p[0]!.k === 'list' && (name === 'ModuleList' || !p[0]!.tuple)) addAll(p[0]!.items);
  else if (name === 'Sequential' && p.length === 1 && p[0]!.k === 'dict') {
    for (const [k, v] of p[0]!.entries) if (v.k === 'mod') m.children.set(k, v.m);
  } else if (p.length === 1 && p[0]!.k === 'unknown') m.unknownReason = `the contents of nn.${name}(...) are not static`;
  else addAll(p);
  return { k: 'mod', m };
}

export function buildKnown(arch: KnownArchitecture | undefined, typeName: string, args: EvaluatedArgs, n: Node): Value {
  const m = emptyMod(typeName, 'known', n);
  if (!arch) {
    m.kind = 'opaque';
    m.ownParams = null;
    m.unknownReason = `${typeName} is not in the table of published architectures`;
    return { k: 'mod', m };
  }
  m.known = arch;
  const nc = args.keywords.get('num_classes');
  const out = nc?.k === 'num' ? nc.v : nc ? null : arch.head.outFeatures;
  const headParams = arch.head.inFeatures * arch.head.outFeatures + arch.head.outFeatures;
  m.ownParams = arch.params - headParams;
  const head = emptyMod(arch.head.conv1x1 ? 'Conv2d' : 'Linear', 'layer', n);
  const a: Args = arch.head.conv1x1
    ? new Map<string, Arg>([['in_channels', arch.head.inFeatures], ['out_channels', out ?? undefined], ['kernel_size', 1], ['stride', 1], ['padding', 0], ['dilation', 1], ['groups', 1], ['bias', true]])
    : new Map<string, Arg>([['in_features', arch.head.inFeatures], ['out_features', out ?? undefined], ['bias', true]]);
  head.args = a;
  head.layer = LAYERS[head.typeName];
  head.ownParams = head.layer!.params(a);
  m.children.set(arch.head.path, head);
  return { k: 'mod', m };
}

/**
 * nn.Transformer(d_model, nhead, num_encoder_layers, num_decoder_layers, dim_feedforward, ...): `encoder` holds
 * num_encoder_layers encoder layers and a LayerNorm, `decoder` num_decoder_layers decoder layers and a LayerNorm.
 */
function buildTransformer(args: EvaluatedArgs, n: Node): Value {
  const def = LAYERS.Transformer!;
  const a = new Map<string, Value>();
  for (const [k, v] of Object.entries(def.defaults)) a.set(k, fromArg(v));
  args.positional.forEach((v, i) => a.set(def.signature[i]!, v));
  for (const [k, v] of args.keywords) a.set(k, v);
  const m = emptyMod('Transformer', 'container', n);
  const custom = a.get('custom_encoder')?.k !== 'none' || a.get('custom_decoder')?.k !== 'none';
  const ne = a.get('num_encoder_layers');
  const nd = a.get('num_decoder_layers');
  if (args.unknownRest || custom || ne?.k !== 'num' || nd?.k !== 'num' || ne.v > MAX_LOOP || nd.v > MAX_LOOP) {
    m.unknownReason = args.unknownRest ?? 'nn.Transformer with a custom encoder/decoder or a layer count that is not static';
    return { k: 'mod', m };
  }
  const layerArgs = (): EvaluatedArgs => ({
    positional: [],
    keywords: new Map(['d_model', 'nhead', 'dim_feedforward', 'dropout', 'layer_norm_eps', 'batch_first', 'norm_first', 'bias'].map((k) => [k, a.get(k)!] as [string, Value])),
  });
  const norm = (): ModSpec => {
    const built = buildTorchModule('LayerNorm', { positional: [a.get('d_model')!], keywords: new Map([['eps', a.get('layer_norm_eps')!], ['bias', a.get('bias')!]]) }, n);
    return (built as Extract<Value, { k: 'mod' }>).m;
  };
  for (const [part, count, layerType, stackType] of [['encoder', ne.v, 'TransformerEncoderLayer', 'TransformerEncoder'], ['decoder', nd.v, 'TransformerDecoderLayer', 'TransformerDecoder']] as const) {
    const stack = emptyMod(stackType, 'container', n);
    const layers = emptyMod('ModuleList', 'container', n);
    stack.children.set('layers', layers);
    for (let i = 0; i < count; i++) layers.children.set(String(i), (buildTorchModule(layerType, layerArgs(), n) as Extract<Value, { k: 'mod' }>).m);
    stack.children.set('norm', norm());
    m.children.set(part, stack);
  }
  return { k: 'mod', m };
}
