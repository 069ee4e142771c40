// Serves the graph view's per-node requests: overlay metrics, the inspector's node details, weight statistics,
// and the whole-model estimate on a device.

import type { Connection } from 'vscode-languageserver/node';
import { estimateReport } from '../core/estimate';
import { nodeDetails as coreNodeDetails, weightStats as coreWeightStats } from '../core/layout/details';
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
    const r = nodeMetrics(loaded.entry, await deviceOf(params), workspaceDir());
    return r.ok ? { ok: true, metrics: r.value } : r;
  });

  connection.onRequest(ServerMethod.nodeDetails, async (params: NodeDetailsParams): Promise<NodeDetailsResult> => {
    const loaded = await store.load(params);
    if (!loaded.ok) return loaded;
    if (params.graphPath?.length) {
      const a = loaded.entry.analysis;
      const found = subgraphAt(a.model.graph, params.graphPath);
      if (!found.ok) return found;
      const r = coreNodeDetails(found.value.graph, params.nodeIndex, a.shapes.subgraphs.get(found.value.graph));
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
