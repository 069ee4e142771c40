// Latency of an If/Loop/Scan node on a device: the roofline of every node of the subgraph that runs (the taken or
// costlier If branch, a Loop/Scan body times its trip count), each at its own op class's efficiency, instead of the
// control node's summed MACs timed as one opaque op.

import type { NodeCost } from '../cost/types';
import type { DeviceProfile } from '../devices/types';
import type { Model } from '../onnx/ir';
import type { ValueFacts } from '../shapes/types';
import { findFusedNodes } from './fusion';
import { nodeRoofline, type NodeRoofline } from './roofline';
import type { NodeEstimate } from './types';

export interface ControlRoofline extends NodeRoofline {
  /** Per-node estimates of the body that runs (one iteration; `repeat` times per inference). */
  body: NodeEstimate[];
  repeat: number;
  /** Op types run inside the body (for the device's operator-support check). */
  bodyOps: string[];
  /** Notes from the body's nodes (dtype fallbacks and the like). */
  notes: string[];
  unsupportedDtypes: string[];
}

/**
 * The roofline of a control-flow node from its executed body. `model` supplies the IR version for fusion rules and
 * `subgraphValues` the body's inferred facts (both optional: without them no fusion is applied inside bodies).
 */
export function controlRoofline(cost: NodeCost, device: DeviceProfile, model?: Model, subgraphValues?: Map<object, Map<string, ValueFacts>>): ControlRoofline {
  const body = cost.body!;
  const fused = model ? findFusedNodes({ ...model, graph: body.graph }, subgraphValues?.get(body.graph)) : new Map<number, string>();
  const fuses = device.fusesActivations === true;
  const nodes: NodeEstimate[] = [];
  const ops = new Set<string>();
  const notes = new Set<string>();
  const unsupported = new Set<string>();
  let computeMs = 0, memoryMs = 0, overheadMs = 0, latencyMs = 0;
  for (const c of body.costs) {
    const r: NodeRoofline = c.body ? controlRoofline(c, device, model, subgraphValues) : nodeRoofline(c, device);
    if (!r.supported) unsupported.add(c.computeDtype);
    if (r.note) notes.add(r.note);
    if (c.body) {
      const inner = r as ControlRoofline;
      inner.bodyOps.forEach((o) => ops.add(o));
      inner.notes.forEach((n) => notes.add(n));
      inner.unsupportedDtypes.forEach((d) => unsupported.add(d));
    }
    const why = fused.get(c.index);
    const aheadOfTime = why !== undefined && why.startsWith('folded');
    if (!aheadOfTime && c.opClass !== 'control') ops.add(c.opType);
    const { supported: _s, note: _n, ...rest } = r;
    const { bodyOps: _o, notes: _ns, unsupportedDtypes: _u, ...est } = rest as Partial<ControlRoofline> & NodeEstimate;
    if (why !== undefined && (aheadOfTime || fuses)) {
      nodes.push({ ...est, latencyMs: 0, computeMs: 0, memoryMs: 0, overheadMs: 0, fused: why });
      continue;
    }
    nodes.push(est);
    computeMs += est.computeMs;
    memoryMs += est.memoryMs;
    overheadMs += est.overheadMs;
    latencyMs += est.latencyMs;
  }
  const k = body.repeat;
  const bound = latencyMs === 0 && overheadMs > 0 ? 'overhead' : computeMs >= memoryMs ? 'compute' : 'memory';
  return {
    index: cost.index, name: cost.name, opType: cost.opType, opClass: cost.opClass,
    dtype: nodes.find((n) => n.latencyMs > 0)?.dtype ?? 'float',
    latencyMs: latencyMs * k, computeMs: computeMs * k, memoryMs: memoryMs * k, overheadMs: overheadMs * k, bound,
    supported: unsupported.size === 0,
    body: nodes, repeat: k, bodyOps: [...ops], notes: [...notes], unsupportedDtypes: [...unsupported],
  };
}
