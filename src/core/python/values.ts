// Owns the value model of the static evaluator: what a Python expression in a training script evaluates to.
import type { Node } from 'web-tree-sitter';
import { FloatArg, type Args, type LayerDef } from './layers';
import type { KnownArchitecture } from './known-architectures';
import type { Range, Shape } from './types';
import type { EvalContext } from './eval/context';

/** A module object built by a constructor call in the script. */
export interface ModSpec {
  typeName: string;
  kind: 'layer' | 'container' | 'user' | 'known' | 'opaque';
  range: Range;
  /** Layers: evaluated constructor arguments by parameter name. */
  args?: Args;
  layer?: LayerDef;
  /** Parameters held directly (layer weights, nn.Parameter attributes, a known backbone without its head). */
  ownParams: number | null;
  /** Registered submodules in registration order (Sequential/ModuleList children are "0", "1", ...). */
  children: Map<string, ModSpec>;
  /** Plain attributes (self.hidden = 64) for user modules. */
  attrs: Map<string, Value>;
  cls?: ClassInfo;
  /** For a subclass of a torch layer (`class StdConv2d(nn.Conv2d)`): the layer it extends. */
  layerBase?: string;
  known?: KnownArchitecture;
  /** Why the figures cannot be trusted (a conditional branch, an unknown argument...). */
  unknownReason?: string;
  /** The syntax tree of the constructor call: a module built in a sibling file has that file's tree (and ranges). */
  tree?: unknown;
  /** Set when building this module (or one it holds) raises in PyTorch: the model does not exist, so it has no figures. */
  raises?: string;
}

export interface ClassInfo {
  name: string;
  node: Node;
  bases: Node[];
  /** Set when the class derives from nn.Sequential / ModuleList / ModuleDict (directly or through a file class). */
  containerBase?: 'Sequential' | 'ModuleList' | 'ModuleDict';
  /** Set when the class extends a torch layer of the table (nn.Conv2d, nn.Linear...), directly or through a file class. */
  layerBase?: string;
  /** Bases that are neither nn.Module classes of the file nor torch layers (a mixin such as `Bottle`); names as written. */
  otherBases?: string[];
  init?: Node;
  forward?: Node;
  methods: Map<string, Node>;
  /** The context of the sibling file the class was imported from (its names resolve there). */
  home?: EvalContext;
  /** Class-level assignments (`cfg = [...]`, `expansion = 4`), evaluated on first read. */
  classAttrs?: Map<string, Value>;
}

export type Value =
  /** `float` marks a Python float (`64 / 4` is 16.0): PyTorch refuses it as a channel count. */
  | { k: 'num'; v: number; float?: boolean }
  | { k: 'str'; v: string }
  | { k: 'bool'; v: boolean }
  | { k: 'none' }
  | { k: 'list'; items: Value[]; tuple?: boolean }
  | { k: 'dict'; entries: Map<string, Value> }
  | { k: 'mod'; m: ModSpec; path?: string }
  | { k: 'class'; cls: ClassInfo }
  /** A function; `closure` is the scope of the def (a helper defined inside __init__ sees its locals). */
  | { k: 'func'; node: Node; closure?: unknown; home?: EvalContext }
  /** A library object by canonical dotted name: torch.nn.Conv2d, torch.float64, torchvision.models. */
  | { k: 'ref'; path: string }
  | { k: 'tensor'; shape: Shape | null }
  /** A bound method on a value (x.view, layers.append), resolved when called. */
  | { k: 'method'; self: Value; name: string }
  /** Not statically known; `why` says what could not be followed, so the reason reaches the user. */
  | { k: 'unknown'; why?: string };

export const UNKNOWN: Value = { k: 'unknown' };
/** An unknown value that remembers why ("the loop over `self.cfg` at line 30 is not static"). */
export const unknownBecause = (why: string): Value => ({ k: 'unknown', why });
export const whyOf = (v: Value | undefined): string | undefined => (v?.k === 'unknown' ? v.why : undefined);
export const NONE: Value = { k: 'none' };
export const num = (v: number): Value => ({ k: 'num', v });

export function modParams(m: ModSpec, seen = new Set<ModSpec>()): number | null {
  // A module registered twice (shared weights) holds its parameters once, as PyTorch's parameters() does.
  if (seen.has(m)) return 0;
  seen.add(m);
  if (m.unknownReason) return null;
  let total = m.ownParams;
  if (total === null) return null;
  for (const c of m.children.values()) {
    const p = modParams(c, seen);
    if (p === null) return null;
    total += p;
  }
  return total;
}

/** Why a module's parameter count is unknown: the first reason found in the tree. */
export function unknownReasonOf(m: ModSpec): string | undefined {
  if (m.unknownReason) return m.unknownReason;
  if (m.ownParams === null) return `${m.typeName}(...) has an argument that is not a literal or a constant`;
  for (const c of m.children.values()) {
    const r = unknownReasonOf(c);
    if (r) return r;
  }
  return undefined;
}

/** Converts a value to a layer argument (numbers, bools, strings, None, tuples); undefined when not static. */
export function toArg(v: Value): import('./layers').Arg {
  switch (v.k) {
    case 'num':
      return v.float && Number.isInteger(v.v) ? new FloatArg(v.v) : v.v;
    case 'bool':
      return v.v;
    case 'str':
      return v.v;
    case 'none':
      return null;
    case 'list': {
      const items = v.items.map(toArg);
      return items.some((x) => x === undefined) ? undefined : items;
    }
    default:
      return undefined;
  }
}

export function fromArg(a: import('./layers').Arg): Value {
  if (a === undefined) return UNKNOWN;
  if (a === null) return NONE;
  if (typeof a === 'number') return num(a);
  if (a instanceof FloatArg) return { k: 'num', v: a.value, float: true };
  if (typeof a === 'boolean') return { k: 'bool', v: a };
  if (typeof a === 'string') return { k: 'str', v: a };
  return { k: 'list', items: a.map(fromArg), tuple: true };
}
