// Every message between the extension host, the language server and the webviews, as types in one place.
// Messages from a webview are untrusted input: `parseFromWebview` validates them before anyone reads a field.

import type { AnalysisReport } from './core/analyze/report';
import type { Advice, Budget } from './core/advisor';
import type { EstimateReport } from './core/estimate';
import type { SplitView } from './core/partition/view';
import type { GraphLayout, ModelOutline, SubgraphStep } from './core/layout/types';
import type { LensError } from './core/result';
import { HOTSPOT_METRICS, type GraphToHost, type HostToGraph, type NodeDetails, type NodeMetrics, type WeightStats } from '../webview/graph/messages';

export type { GraphToHost, HostToGraph } from '../webview/graph/messages';

// ---------------------------------------------------------------------------------------------------------------
// Extension ⇄ language server (LSP custom requests)
// ---------------------------------------------------------------------------------------------------------------

/** Custom LSP methods served by the language server. */
export const ServerMethod = {
  analyze: 'aiotLens/analyze',
  layout: 'aiotLens/layout',
  metrics: 'aiotLens/metrics',
  nodeDetails: 'aiotLens/nodeDetails',
  weightStats: 'aiotLens/weightStats',
  estimate: 'aiotLens/estimate',
  advise: 'aiotLens/advise',
  split: 'aiotLens/split',
} as const;

/** Extension → server notification: the workspace became trusted, so its `.aiot/devices` profiles may be loaded. */
export const TrustNotification = 'aiotLens/trusted';

/** A failure every request may answer with (a broken file is an answer, not a server error). */
export type Failed = { ok: false; error: LensError };

/** Input shapes pinned by the user: input name → dims (numbers or symbolic names). */
export type InputShapes = Record<string, (number | string)[]>;

/** `aiotLens/analyze` params: analyze one model file (by URI or file-system path). */
export type AnalyzeParams = ModelParams;

/** A successful analysis as the editor needs it. */
export interface AnalyzeOk {
  ok: true;
  /** sha256 (hex) of the model file's bytes: the cache key and the layout cache key. */
  contentHash: string;
  report: AnalysisReport;
  /** The main graph's wiring (node names, ops, tensors) for search and hotspot lists. */
  outline: ModelOutline;
  /** Wall time of the analysis itself (0 when served from the cache). */
  analyzeMs: number;
  cached: boolean;
}

/** `aiotLens/analyze` result: the analysis or a readable error (a broken file is not a server failure). */
export type AnalyzeResult = AnalyzeOk | Failed;

/** Names one model file in a server request (and the pinned input shapes and values its analysis uses). */
export interface ModelParams {
  uri?: string;
  path?: string;
  inputShapes?: InputShapes;
  /** Inputs known at analysis time (`--value NAME=N`); default: the aiotLens.inputValues setting. */
  inputValues?: Record<string, number>;
}

/** `aiotLens/layout` params: lay out the graph with these scopes expanded ('auto': collapsed when large). */
export interface LayoutParams extends ModelParams {
  expanded?: 'auto' | 'all' | string[];
  /** Lay out a nested graph (If branch, Loop/Scan body) instead of the main one. */
  graphPath?: SubgraphStep[];
}

/** `aiotLens/layout` result: the finished layout (src/core/layout), cached by content hash and expanded set. */
export type LayoutResult = { ok: true; contentHash: string; layout: GraphLayout; cached: boolean; outline?: ModelOutline } | Failed;

/** `aiotLens/metrics` params: per-node overlay figures; latency/energy on `deviceId` (default: the active device). */
export interface MetricsParams extends ModelParams {
  deviceId?: string;
  /** Figures for the nodes of this nested graph (If branch, Loop/Scan body) instead of the main graph's. */
  graphPath?: SubgraphStep[];
}
export type MetricsResult = { ok: true; metrics: NodeMetrics } | Failed;

/** `aiotLens/nodeDetails` params: the inspector's view of one node (index in the main graph). */
export interface NodeDetailsParams extends ModelParams {
  nodeIndex: number;
  deviceId?: string;
  /** The node is in this nested graph (its estimate is there when the graph is the one that runs). */
  graphPath?: SubgraphStep[];
}
export type NodeDetailsResult = { ok: true; details: NodeDetails } | Failed;

/** `aiotLens/weightStats` params: statistics of one weight tensor, read on demand. */
export interface WeightStatsParams extends ModelParams {
  tensor: string;
  graphPath?: SubgraphStep[];
}
export type WeightStatsResult = { ok: true; stats: WeightStats } | Failed;

/** `aiotLens/estimate` params: the whole-model estimate on a device (default: the active device). */
export interface EstimateParams extends ModelParams {
  deviceId?: string;
}
export type EstimateResult = { ok: true; estimate: EstimateReport } | Failed;

/** `aiotLens/advise` params: the bottleneck advice on a device (default: the active device) against a budget. */
export interface AdviseParams extends ModelParams {
  deviceId?: string;
  budget?: Budget;
}
/** The advice plus what the report needs beside it (analysis and estimate on the same device). */
export type AdviseResult = { ok: true; advice: Advice; report: AnalysisReport; estimate: EstimateReport } | Failed;

/** `aiotLens/split` params: the cut search between the device (default: the active one), a link and a remote. */
export interface SplitParams extends ModelParams {
  deviceId?: string;
  remoteId: string;
  linkId: string;
  objective?: 'latency' | 'energy' | 'mix';
}
/** Every cut's figures and the best; `canExport` is false when the best cut leaves no halves. */
export type SplitResult = { ok: true; split: SplitView } | Failed;

// ---------------------------------------------------------------------------------------------------------------
// Extension ⇄ webview (postMessage)
// ---------------------------------------------------------------------------------------------------------------

export enum MessageType {
  // Extension → webview
  Loading = 'loading',
  Analysis = 'analysis',
  Error = 'error',
  Settings = 'settings',
  Reply = 'reply',
  // Both directions: the graph view's own messages (webview/graph/messages.ts), wrapped so their types never
  // collide with the editor's.
  Graph = 'graph',
  // Webview → extension
  Ready = 'ready',
  Reload = 'reload',
  Request = 'request',
}

/** The editor is (re)loading the model: show a spinner with the file name. */
export interface LoadingMessage {
  type: MessageType.Loading;
  fileName: string;
}

/** Analysis finished: render the summary, table and graph. */
export interface AnalysisMessage {
  type: MessageType.Analysis;
  fileName: string;
  result: AnalyzeOk;
}

/** The model could not be analyzed: show the message instead of a blank page. */
export interface ErrorMessage {
  type: MessageType.Error;
  fileName: string;
  error: LensError;
}

/** Settings the webview renders with (active device, hotspot metric, large-graph threshold). */
export interface SettingsMessage {
  type: MessageType.Settings;
  activeDevice: string;
  hotspotMetric: string;
  largeGraphThreshold: number;
}

/** The answer to a webview `request`, matched by `requestId`. */
export interface ReplyMessage {
  type: MessageType.Reply;
  requestId: number;
  ok: boolean;
  result?: unknown;
  error?: string;
}

/** Extension → graph view: one HostToGraph message. */
export interface GraphToWebviewMessage {
  type: MessageType.Graph;
  message: HostToGraph;
}

/** Graph view → extension: one GraphToHost message (validated by `parseGraphToHost`). */
export interface GraphFromWebviewMessage {
  type: MessageType.Graph;
  message: GraphToHost;
}

/** The webview script has loaded and wants the current state. */
export interface ReadyMessage {
  type: MessageType.Ready;
}

/** The user asked to analyze the file again (after an error or an edit outside VS Code). */
export interface ReloadMessage {
  type: MessageType.Reload;
}

/** Webview → extension request answered by a `reply` with the same `requestId` (e.g. method `layout`). */
export interface RequestMessage {
  type: MessageType.Request;
  requestId: number;
  method: WebviewRequestMethod;
  params?: Record<string, unknown>;
}

/** Methods a webview may call through `request`. */
export const webviewRequestMethods = ['layout'] as const;
export type WebviewRequestMethod = (typeof webviewRequestMethods)[number];

export type ToWebviewMessage = LoadingMessage | AnalysisMessage | ErrorMessage | SettingsMessage | ReplyMessage | GraphToWebviewMessage;
export type FromWebviewMessage = ReadyMessage | ReloadMessage | RequestMessage | GraphFromWebviewMessage;

// ---------------------------------------------------------------------------------------------------------------
// Runtime validation of webview messages
// ---------------------------------------------------------------------------------------------------------------

function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

/** Returns the message when it is a well-formed FromWebviewMessage, else undefined (dropped by the caller). */
export function parseFromWebview(x: unknown): FromWebviewMessage | undefined {
  if (!isRecord(x)) return undefined;
  switch (x['type']) {
    case MessageType.Ready:
      return { type: MessageType.Ready };
    case MessageType.Reload:
      return { type: MessageType.Reload };
    case MessageType.Graph: {
      const message = parseGraphToHost(x['message']);
      return message ? { type: MessageType.Graph, message } : undefined;
    }
    case MessageType.Request: {
      const requestId = x['requestId'];
      const method = x['method'];
      const params = x['params'];
      if (typeof requestId !== 'number' || !Number.isSafeInteger(requestId)) return undefined;
      if (typeof method !== 'string' || !(webviewRequestMethods as readonly string[]).includes(method)) return undefined;
      if (params !== undefined && !isRecord(params)) return undefined;
      const msg: RequestMessage = { type: MessageType.Request, requestId, method: method as WebviewRequestMethod };
      if (params !== undefined) msg.params = params;
      return msg;
    }
    default:
      return undefined;
  }
}

const isIndex = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
const metricIds: readonly string[] = [...HOTSPOT_METRICS.map((m) => m.id), 'none'];

/** Validates one graph-view message field by field; returns a fresh object holding only the known fields. */
export function parseGraphToHost(x: unknown): GraphToHost | undefined {
  if (!isRecord(x)) return undefined;
  switch (x['type']) {
    case 'ready':
      return { type: 'ready' };
    case 'selectDevice':
      return { type: 'selectDevice' };
    case 'expand': {
      const expanded = x['expanded'];
      const focus = x['focus'];
      if (!Array.isArray(expanded) || !expanded.every((e) => typeof e === 'string')) return undefined;
      if (focus !== undefined && typeof focus !== 'string') return undefined;
      return focus === undefined ? { type: 'expand', expanded: [...expanded] } : { type: 'expand', expanded: [...expanded], focus };
    }
    case 'inspect':
      return isIndex(x['nodeIndex']) ? { type: 'inspect', nodeIndex: x['nodeIndex'] } : undefined;
    case 'requestWeightStats':
      return isIndex(x['nodeIndex']) && typeof x['tensor'] === 'string' ? { type: 'requestWeightStats', nodeIndex: x['nodeIndex'], tensor: x['tensor'] } : undefined;
    case 'openGraph': {
      const path = x['path'];
      const steps = Array.isArray(path) ? path.filter((st): st is Record<string, unknown> => isRecord(st)) : [];
      if (!Array.isArray(path) || steps.length !== path.length) return undefined;
      if (!steps.every((st) => isIndex(st['nodeIndex']) && typeof st['attribute'] === 'string' && isIndex(st['branch']))) return undefined;
      return { type: 'openGraph', path: steps.map((st) => ({ nodeIndex: st['nodeIndex'] as number, attribute: st['attribute'] as string, branch: st['branch'] as number })) };
    }
    case 'metricChanged': {
      const metric = x['metric'];
      return typeof metric === 'string' && metricIds.includes(metric) ? ({ type: 'metricChanged', metric } as GraphToHost) : undefined;
    }
    default:
      return undefined;
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Request/reply over postMessage, keyed by id (used on the webview side)
// ---------------------------------------------------------------------------------------------------------------

/** Sends `request` messages and resolves each when the `reply` with its id arrives (or rejects after a timeout). */
export class RequestClient {
  private nextId = 1;
  private readonly pending = new Map<number, { resolve(v: unknown): void; reject(e: Error): void; timer: ReturnType<typeof setTimeout> }>();

  constructor(
    private readonly post: (msg: RequestMessage) => void,
    private readonly timeoutMs = 60_000,
  ) {}

  request(method: WebviewRequestMethod, params?: Record<string, unknown>): Promise<unknown> {
    const requestId = this.nextId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(requestId);
        reject(new Error(`${method}: no reply after ${this.timeoutMs} ms`));
      }, this.timeoutMs);
      this.pending.set(requestId, { resolve, reject, timer });
      const msg: RequestMessage = { type: MessageType.Request, requestId, method };
      if (params !== undefined) msg.params = params;
      this.post(msg);
    });
  }

  /** Feed every incoming message here; returns true when it was a reply this client was waiting for. */
  handleReply(msg: ToWebviewMessage): boolean {
    if (msg.type !== MessageType.Reply) return false;
    const p = this.pending.get(msg.requestId);
    if (!p) return false;
    this.pending.delete(msg.requestId);
    clearTimeout(p.timer);
    if (msg.ok) p.resolve(msg.result);
    else p.reject(new Error(msg.error ?? 'request failed'));
    return true;
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Panels (report, charts, optimize, split) → extension
// ---------------------------------------------------------------------------------------------------------------

/** Buttons a panel may press; anything else is dropped. */
export const panelActions = ['exportReport', 'showCharts', 'advise', 'openModel', 'exportSplit'] as const;
export type PanelAction = (typeof panelActions)[number];
export interface PanelActionMessage {
  type: 'panelAction';
  action: PanelAction;
  arg?: string;
}

export function parsePanelMessage(x: unknown): PanelActionMessage | undefined {
  if (!isRecord(x) || x['type'] !== 'panelAction') return undefined;
  const action = x['action'];
  const arg = x['arg'];
  if (typeof action !== 'string' || !(panelActions as readonly string[]).includes(action)) return undefined;
  if (arg !== undefined && (typeof arg !== 'string' || arg.length > 4096)) return undefined;
  return arg === undefined ? { type: 'panelAction', action: action as PanelAction } : { type: 'panelAction', action: action as PanelAction, arg };
}
