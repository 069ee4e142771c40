// Serves the graph view's per-node requests: overlay metrics, the inspector's node details, weight statistics,
// and the whole-model estimate on a device.

import type { Connection } from 'vscode-languageserver/node';
import { estimateReport, figureRange, spanOf } from '../core/estimate';
import type { DeviceProfile } from '../core/devices';
import { controlText, nodeDetails as coreNodeDetails, weightStats as coreWeightStats } from '../core/layout/details';
import type { NodeCost } from '../core/cost/types';
import type { NodeEstimate } from '../core/estimate';
import type { Graph } from '../core/onnx/ir';
import type { SubgraphStep } from '../core/layout/types';
import { subgraphAt } from '../core/layout/session';
import { schemaFor } from '../core/passes/schemas';
import { err, ok, type Result } from '../core/result';
import {
  ServerMethod,
  type EstimateParams,
  type EstimateResult,
  type MetricsParams,
  type MetricsResult,
  type NodeDetailsParams,
  type NodeDetailsResult,
  type WeightStatsParams,
  type WeightStatsResult,
} from '../protocol';
import type { NodeDetails, NodeMetrics, WeightStats } from '../../webview/graph/messages';
import { estimateOn, findDevice } from './devices';
import type { ModelEntry, ModelStore } from './modelStore';
import type { GetSettings } from './settings';

export function registerNodeFeatures(connection: Connection, store: ModelStore, getSettings: GetSettings, workspaceDir: () => string | undefined): void {
  const deviceOf = async (params: { uri?: string; deviceId?: string }) => params.deviceId ?? (await getSettings(params.uri)).activeDevice;

  connection.onRequest(ServerMethod.metrics, async (params: MetricsParams): Promise<MetricsResult> => {
    const loaded = await store.load(params);
    if (!loaded.ok) return loaded;
    const r = params.graphPath?.length
      ? subgraphMetrics(loaded.entry, params.graphPath, await deviceOf(params), workspaceDir())
      : nodeMetrics(loaded.entry, await deviceOf(params), workspaceDir());
    return r.ok ? { ok: true, metrics: r.value } : r;
  });

  connection.onRequest(ServerMethod.nodeDetails, async (params: NodeDetailsParams): Promise<NodeDetailsResult> => {
    const loaded = await store.load(params);
    if (!loaded.ok) return loaded;
    if (params.graphPath?.length) {
      const r = subgraphNodeDetails(loaded.entry, params.graphPath, params.nodeIndex, await deviceOf(params), workspaceDir());
      return r.ok ? { ok: true, details: r.value } : r;
    }
    const r = nodeDetails(loaded.entry, params.nodeIndex, await deviceOf(params), workspaceDir());
    return r.ok ? { ok: true, details: r.value } : r;
  });

  connection.onRequest(ServerMethod.weightStats, async (params: WeightStatsParams): Promise<WeightStatsResult> => {
    const loaded = await store.load(params);
    if (!loaded.ok) return loaded;
    let r = weightStats(loaded.entry, params.tensor);
    if (params.graphPath?.length) {
      const found = subgraphAt(loaded.entry.analysis.model.graph, params.graphPath);
      if (!found.ok) return found;
      r = coreWeightStats(found.value.graph, params.tensor, loaded.entry.analysis.modelDir, MAX_STATS_BYTES);
    }
    return r.ok ? { ok: true, stats: r.value } : r;
  });

  connection.onRequest(ServerMethod.estimate, async (params: EstimateParams): Promise<EstimateResult> => {
    const loaded = await store.load(params);
    if (!loaded.ok) return loaded;
    const deviceId = await deviceOf(params);
    if (!deviceId) return { ok: false, error: { code: 'invalid-argument', message: 'no active device (set aiotLens.activeDevice)' } };
    const device = findDevice(deviceId, workspaceDir());
    if (!device.ok) return device;
    return { ok: true, estimate: estimateReport(loaded.entry.analysis, device.value) };
  });
}

/** Per-node figures indexed like the graph's node list; latency and energy only when a device is active. */
export function nodeMetrics(entry: ModelEntry, deviceId: string, workspaceDir?: string): Result<NodeMetrics> {
  const n = entry.analysis.model.graph.nodes.length;
  const column = () => new Array<number | null>(n).fill(null);
  const macs = column();
  const weightBytes = column();
  const activationMemory = column();
  for (const c of entry.analysis.cost.nodes) {
    macs[c.index] = c.macs;
    weightBytes[c.index] = c.weightBytes;
    activationMemory[c.index] = c.outputBytes;
  }
  const metrics: NodeMetrics = { values: { macs, weightBytes, activationMemory } };
  // The patch region: nodes that run tile by tile and the per-tile buffer each writes (absent without a patch plan).
  const patch = entry.analysis.report.plans?.patch;
  if (patch && !('unavailable' in patch) && patch.region.nodes.length) {
    const patchTile = column();
    patch.region.nodes.forEach((i, k) => { if (i < n) patchTile[i] = patch.region.tileBytes[k]!; });
    metrics.values.patchTile = patchTile;
  }
  if (deviceId) {
    const e = estimateOn(entry, deviceId, workspaceDir);
    if (!e.ok) return e;
    const latency = column();
    const energy = column();
    for (const ne of e.value.estimate.nodes) {
      latency[ne.index] = ne.latencyMs;
      // Active power × time: W·ms = mJ.
      energy[ne.index] = ne.latencyMs * e.value.device.activePowerW;
    }
    metrics.values.latency = latency;
    metrics.values.energy = energy;
    metrics.device = { id: e.value.device.id, name: e.value.device.name };
  }
  return ok(metrics);
}

/**
 * Where a nested graph stands in the analysis: its node costs (every subgraph is costed, run or not), whether it is
 * the subgraph that runs (the taken or costlier If branch, a Loop/Scan body), how often, and — when a device estimate
 * exists and the graph runs — its nodes' estimates (one iteration).
 */
export function subgraphFigures(entry: ModelEntry, path: SubgraphStep[], deviceId: string, workspaceDir?: string): Result<{
  graph: Graph; costs: NodeCost[]; runs: boolean; repeat: number; why: string; estimates?: NodeEstimate[]; device?: DeviceProfile;
}> {
  const a = entry.analysis;
  const found = subgraphAt(a.model.graph, path);
  if (!found.ok) return found;
  const e = deviceId ? estimateOn(entry, deviceId, workspaceDir) : undefined;
  if (e && !e.ok) return e;
  let costs: NodeCost[] | undefined = a.cost.nodes;
  let estimates: NodeEstimate[] | undefined = e?.value.estimate.nodes;
  let graph = a.model.graph;
  let runs = true;
  let repeat = 1;
  let why = '';
  for (const step of path) {
    const next = subgraphAt(graph, [step]);
    if (!next.ok) return next;
    const cost = costs?.find((c) => c.index === step.nodeIndex);
    const executed = cost?.body?.graph === next.value.graph;
    const node = graph.nodes[step.nodeIndex]!;
    if (!executed) {
      runs = false;
      why = node.opType === 'If' ? `this branch does not run (the ${cost?.body?.branch ?? 'other'} branch does): figures of its own, not part of the totals` : 'not costed';
    } else if (cost?.body) {
      repeat *= cost.body.repeat;
      why = controlText(node.opType, cost);
    }
    estimates = executed ? estimates?.find((x) => x.index === step.nodeIndex)?.body : undefined;
    costs = a.cost.subgraphs.get(next.value.graph);
    graph = next.value.graph;
  }
  return ok({
    graph, costs: costs ?? [], runs, repeat, why,
    ...(estimates && runs ? { estimates } : {}),
    ...(e ? { device: e.value.device } : {}),
  });
}

/** Overlay figures for the nodes of a nested graph; latency/energy only for a graph that runs (per iteration). */
export function subgraphMetrics(entry: ModelEntry, path: SubgraphStep[], deviceId: string, workspaceDir?: string): Result<NodeMetrics> {
  const f = subgraphFigures(entry, path, deviceId, workspaceDir);
  if (!f.ok) return f;
  const n = f.value.graph.nodes.length;
  const column = () => new Array<number | null>(n).fill(null);
  const macs = column();
  const weightBytes = column();
  const activationMemory = column();
  for (const c of f.value.costs) {
    macs[c.index] = c.macs;
    weightBytes[c.index] = c.weightBytes;
    activationMemory[c.index] = c.outputBytes;
  }
  const metrics: NodeMetrics = { values: { macs, weightBytes, activationMemory }, ...(f.value.why ? { note: f.value.why } : {}) };
  if (f.value.estimates && f.value.device) {
    const latency = column();
    const energy = column();
    for (const ne of f.value.estimates) {
      latency[ne.index] = ne.latencyMs;
      energy[ne.index] = ne.latencyMs * f.value.device.activePowerW;
    }
    metrics.values.latency = latency;
    metrics.values.energy = energy;
  }
  if (f.value.device) metrics.device = { id: f.value.device.id, name: f.value.device.name };
  return ok(metrics);
}

export function subgraphNodeDetails(entry: ModelEntry, path: SubgraphStep[], nodeIndex: number, deviceId: string, workspaceDir?: string): Result<NodeDetails> {
  const f = subgraphFigures(entry, path, deviceId, workspaceDir);
  if (!f.ok) return f;
  const a = entry.analysis;
  const cost = f.value.costs.find((c) => c.index === nodeIndex);
  const r = coreNodeDetails(f.value.graph, nodeIndex, a.shapes.subgraphs.get(f.value.graph), cost);
  if (!r.ok) return r;
  const details = r.value;
  const ne = f.value.estimates?.find((x) => x.index === nodeIndex);
  if (ne && f.value.device) {
    const total = f.value.estimates!.reduce((s, x) => s + x.latencyMs, 0);
    details.estimate = {
      device: f.value.device.name, latencyMs: ne.latencyMs, energyMj: ne.latencyMs * f.value.device.activePowerW,
      bound: ne.fused ? `fused (${ne.fused})` : ne.bound, share: total > 0 ? ne.latencyMs / total : 0,
      ...nodeRanges(f.value.device, ne.latencyMs),
    };
  }
  const where = f.value.runs ? (f.value.repeat !== 1 ? `in a body that runs ${f.value.repeat} times: figures per iteration` : f.value.why) : f.value.why;
  if (where) details.control = details.control ? `${details.control}; ${where}` : where;
  return ok(details);
}

/** A node's figures carry the profile's relative interval, as the model's do. */
function nodeRanges(device: DeviceProfile, latencyMs: number): Pick<NonNullable<NodeDetails['estimate']>, 'latencyMsRange' | 'energyMjRange' | 'evidencePoints'> {
  const r = figureRange(device);
  const energyMj = latencyMs * device.activePowerW;
  return {
    latencyMsRange: spanOf(latencyMs, r.latencyLogSpread, r.level),
    energyMjRange: spanOf(energyMj, r.energyLogSpread, r.level),
    evidencePoints: r.evidencePoints,
  };
}

export function nodeDetails(entry: ModelEntry, nodeIndex: number, deviceId: string, workspaceDir?: string): Result<NodeDetails> {
  const { model, shapes, cost } = entry.analysis;
  const node = model.graph.nodes[nodeIndex];
  if (!node) return err('invalid-argument', `no node #${nodeIndex} in the graph`);
  // Formal names from the operator schema of the model's opset (variadic tails repeat the last name).
  const schema = schemaFor(model, node);
  const name = (list: { name: string; option: string }[] | undefined, i: number) => {
    if (!list || list.length === 0) return '';
    if (i < list.length) return list[i]!.name;
    const last = list[list.length - 1]!;
    return last.option === 'variadic' ? last.name : '';
  };
  const base = coreNodeDetails(model.graph, nodeIndex, shapes.values, cost.nodes.find((x) => x.index === nodeIndex), {
    input: (i) => name(schema?.inputs, i),
    output: (i) => name(schema?.outputs, i),
  });
  if (!base.ok) return base;
  const details = base.value;
  if (deviceId) {
    const e = estimateOn(entry, deviceId, workspaceDir);
    const ne = e.ok ? e.value.estimate.nodes.find((x) => x.index === nodeIndex) : undefined;
    if (e.ok && ne) {
      const total = e.value.estimate.latencyMs;
      details.estimate = {
        device: e.value.device.name,
        latencyMs: ne.latencyMs,
        energyMj: ne.latencyMs * e.value.device.activePowerW,
        bound: ne.fused ? `fused (${ne.fused})` : ne.bound,
        share: total > 0 ? ne.latencyMs / total : 0,
        ...nodeRanges(e.value.device, ne.latencyMs),
        model: { latencyMs: total, latencyMsRange: e.value.estimate.latencyMsRange, level: e.value.estimate.range.level, basis: e.value.estimate.range.basis },
      };
    }
  }
  return ok(details);
}

/** Largest weight read for statistics (elements are materialized as numbers). */
const MAX_STATS_BYTES = 512 * 1024 * 1024;

export function weightStats(entry: ModelEntry, tensorName: string): Result<WeightStats> {
  return coreWeightStats(entry.analysis.model.graph, tensorName, entry.analysis.modelDir, MAX_STATS_BYTES);
}
