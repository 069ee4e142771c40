// Convolution channel geometry, for devices whose kernels pad channel counts to a SIMD block (x86 NCHWc, NEON
// 4/8-lane, NPU channel tiles): a 24-channel conv then costs like a 32-channel one.

import { attrInt, type Model } from '../onnx/ir';
import type { ValueFacts } from '../shapes/types';

export interface ConvGeometry {
  cin: number;
  cout: number;
  group: number;
}

/** Channels of every Conv/ConvTranspose whose weight shape is known, by node index. */
export function convGeometry(model: Model, values?: Map<string, ValueFacts>): Map<number, ConvGeometry> {
  const out = new Map<number, ConvGeometry>();
  const inits = new Map(model.graph.initializers.map((t) => [t.name, t.dims]));
  model.graph.nodes.forEach((n, i) => {
    if (n.domain !== '' || (n.opType !== 'Conv' && n.opType !== 'ConvTranspose')) return;
    const w = inits.get(n.inputs[1] ?? '') ?? values?.get(n.inputs[1] ?? '')?.shape;
    if (!w || w.length < 3 || typeof w[0] !== 'number' || typeof w[1] !== 'number') return;
    const group = attrInt(n, 'group', 1);
    const [cout, cin] = n.opType === 'Conv' ? [w[0], w[1] * group] : [w[1] * group, w[0]];
    out.set(i, { cin, cout, group });
  });
  return out;
}

const pad = (c: number, block: number) => Math.ceil(c / block) * block;

/** Work multiplier when channel counts are padded to `block` (1 = no padding). */
export function channelPadFactor(g: ConvGeometry, block: number): number {
  if (block <= 1) return 1;
  // Inputs narrower than a block (the RGB or audio stem) are read unpadded by a dedicated stem path.
  if (g.group === 1) return (g.cin < block ? 1 : pad(g.cin, block) / g.cin) * (pad(g.cout, block) / g.cout);
  if (g.group === g.cin && g.cin === g.cout) return pad(g.cin, block) / g.cin; // depthwise
  return pad(g.cout, block) / g.cout;
}

/** Nodes whose weight input is an initializer also listed as a graph input (IR >= 4: an overridable default). */
export function runtimeWeightNodes(model: Model): Set<number> {
  const out = new Set<number>();
  if (model.irVersion < 4) return out;
  const g = model.graph;
  const inputs = new Set(g.inputs.map((i) => i.name));
  const inits = new Set(g.initializers.map((t) => t.name));
  g.nodes.forEach((n, i) => {
    if (n.domain !== '' || !['Conv', 'ConvTranspose', 'Gemm', 'MatMul'].includes(n.opType)) return;
    const w = n.inputs[1] ?? '';
    if (inits.has(w) && inputs.has(w)) out.add(i);
  });
  return out;
}
