// Every message between the extension host, the language server and the webviews, as types in one place.
// Messages from a webview are untrusted input: `parseFromWebview` validates them before anyone reads a field.

import type { AnalysisReport } from './core/analyze/report';
import type { LensError } from './core/result';

// ---------------------------------------------------------------------------------------------------------------
// Extension ⇄ language server (LSP custom requests)
// ---------------------------------------------------------------------------------------------------------------

/** Custom LSP methods served by the language server. */
export const ServerMethod = {
  analyze: 'aiotLens/analyze',
  layout: 'aiotLens/layout',
} as const;

/** Input shapes pinned by the user: input name → dims (numbers or symbolic names). */
export type InputShapes = Record<string, (number | string)[]>;

/** `aiotLens/analyze` params: analyze one model file (by URI or file-system path). */
export interface AnalyzeParams {
  uri?: string;
  path?: string;
  inputShapes?: InputShapes;
  deviceId?: string;
}

/** One graph node's wiring, so the graph view can draw edges without decoding the model again. */
export interface GraphNodeSketch {
  name: string;
  opType: string;
  domain: string;
  /** '' marks an omitted optional input. */
  inputs: string[];
  outputs: string[];
}

/** The top-level graph's structure: nodes in file order, graph terminals and weight tensors. */
export interface GraphSketch {
  nodes: GraphNodeSketch[];
  inputs: string[];
  outputs: string[];
  initializers: { name: string; dtype: string; dims: number[] }[];
}

/** A successful analysis as the editor needs it. */
export interface AnalyzeOk {
  ok: true;
  /** sha256 (hex) of the model file's bytes: the cache key and the layout cache key. */
  contentHash: string;
  report: AnalysisReport;
  graph: GraphSketch;
  /** Wall time of the analysis itself (0 when served from the cache). */
  analyzeMs: number;
  cached: boolean;
}

/** `aiotLens/analyze` result: the analysis or a readable error (a broken file is not a server failure). */
export type AnalyzeResult = AnalyzeOk | { ok: false; error: LensError };

/** `aiotLens/layout` params: lay out a model's graph (delegated to src/core/layout). */
export interface LayoutParams {
  uri?: string;
  path?: string;
  /** Free-form options understood by the layout module (grouping, expanded scopes). */
  options?: Record<string, unknown>;
}

/** `aiotLens/layout` result: whatever src/core/layout returns, or a readable error. */
export type LayoutResult = { ok: true; contentHash: string; layout: unknown; layoutMs: number; cached: boolean } | { ok: false; error: LensError };

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

export type ToWebviewMessage = LoadingMessage | AnalysisMessage | ErrorMessage | SettingsMessage | ReplyMessage;
export type FromWebviewMessage = ReadyMessage | ReloadMessage | RequestMessage;

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
