// Serves the graph view's per-node requests: overlay metrics, the inspector's node details, weight statistics,
// and the whole-model estimate on a device.

import type { Connection } from 'vscode-languageserver/node';
import { estimateReport } from '../core/estimate';
import type { Attribute, Tensor } from '../core/onnx/ir';
import { tensorToNumbers } from '../core/onnx/tensor';
import { schemaFor } from '../core/passes/schemas';
import { err, ok, type Result } from '../core/result';
import { formatShape } from '../core/layout';
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
import type { NodeDetails, NodeMetrics, TensorDetail, WeightStats } from '../../webview/graph/messages';
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
    const r = nodeDetails(loaded.entry, params.nodeIndex, await deviceOf(params), workspaceDir());
    return r.ok ? { ok: true, details: r.value } : r;
  });

  connection.onRequest(ServerMethod.weightStats, async (params: WeightStatsParams): Promise<WeightStatsResult> => {
    const loaded = await store.load(params);
    if (!loaded.ok) return loaded;
    const r = weightStats(loaded.entry, params.tensor);
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

function attributeText(a: Attribute): string {
  switch (a.type) {
    case 'int':
    case 'float':
      return String(a.value);
    case 'string':
      return JSON.stringify(a.value);
    case 'ints':
    case 'floats':
      return `[${a.value.join(', ')}]`;
    case 'strings':
      return `[${a.value.map((s) => JSON.stringify(s)).join(', ')}]`;
    case 'tensor':
      return `tensor ${a.value.dtype} ⟨${a.value.dims.join('×')}⟩`;
    case 'tensors':
      return `${a.value.length} tensors`;
    case 'graph':
      return `graph (${a.value.nodes.length} nodes)`;
    case 'graphs':
      return `${a.value.length} graphs`;
    default:
      return a.type;
  }
}

/** The weight tensors of the main graph: initializers and Constant node values, by name. */
function weightTensor(entry: ModelEntry, name: string): Tensor | undefined {
  const g = entry.analysis.model.graph;
  const init = g.initializers.find((t) => t.name === name);
  if (init) return init;
  for (const n of g.nodes) {
    if (n.opType !== 'Constant' || n.outputs[0] !== name) continue;
    const v = n.attributes.find((a) => a.name === 'value');
    if (v && v.type === 'tensor') return v.value;
  }
  return undefined;
}

export function nodeDetails(entry: ModelEntry, nodeIndex: number, deviceId: string, workspaceDir?: string): Result<NodeDetails> {
  const { model, shapes, cost } = entry.analysis;
  const node = model.graph.nodes[nodeIndex];
  if (!node) return err('invalid-argument', `no node #${nodeIndex} in the graph`);
  const schema = schemaFor(model, node);
  const formal = (list: { name: string; option: string }[] | undefined, i: number) => {
    if (!list || list.length === 0) return '';
    if (i < list.length) return list[i]!.name;
    const last = list[list.length - 1]!;
    return last.option === 'variadic' ? last.name : '';
  };
  const tensorDetail = (name: string, formalName: string): TensorDetail => {
    const facts = shapes.values.get(name);
    const w = weightTensor(entry, name);
    const shape = facts?.shape ?? w?.dims;
    return {
      name,
      formal: formalName,
      dtype: facts?.dtype ?? w?.dtype ?? '',
      shape: shape ? formatShape(shape) : '',
      isWeight: w !== undefined,
    };
  };
  const c = cost.nodes.find((x) => x.index === nodeIndex);
  const details: NodeDetails = {
    nodeIndex,
    name: node.name,
    opType: node.opType,
    domain: node.domain,
    attributes: node.attributes.map((a) => ({ name: a.name, value: attributeText(a) })),
    inputs: node.inputs.map((name, i) => ({ i, name })).filter((x) => x.name !== '').map((x) => tensorDetail(x.name, formal(schema?.inputs, x.i))),
    outputs: node.outputs.map((name, i) => ({ i, name })).filter((x) => x.name !== '').map((x) => tensorDetail(x.name, formal(schema?.outputs, x.i))),
    subgraphs: node.attributes.flatMap((a) =>
      a.type === 'graph' ? [{ attribute: a.name, nodes: a.value.nodes.length }] : a.type === 'graphs' ? a.value.map((g, k) => ({ attribute: `${a.name}[${k}]`, nodes: g.nodes.length })) : [],
    ),
  };
  if (c) details.cost = { macs: c.macs, flops: c.flops, params: c.params, weightBytes: c.weightBytes, memoryBytes: c.memoryBytes, partial: c.partial };
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
  const t = weightTensor(entry, tensorName);
  if (!t) return err('invalid-argument', `'${tensorName}' is not a weight of this model`);
  const values = tensorToNumbers(t, { modelDir: entry.analysis.modelDir, maxBytes: MAX_STATS_BYTES });
  if (!values.ok) return values;
  const v = values.value;
  let min = Infinity;
  let max = -Infinity;
  let sum = 0;
  let zeros = 0;
  for (let i = 0; i < v.length; i++) {
    const x = v[i]!;
    if (x < min) min = x;
    if (x > max) max = x;
    sum += x;
    if (x === 0) zeros++;
  }
  const count = v.length;
  const mean = count ? sum / count : 0;
  // Second pass for the variance: numerically stable for large tensors, unlike E[x²] − E[x]².
  let sq = 0;
  for (let i = 0; i < count; i++) sq += (v[i]! - mean) ** 2;
  return ok({ tensor: tensorName, count, min: count ? min : 0, max: count ? max : 0, mean, std: count ? Math.sqrt(sq / count) : 0, sparsity: count ? zeros / count : 0 });
}
