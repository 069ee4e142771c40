// The model editor page: receives analysis from the extension, renders summary and node table, and hands the
// same data to the graph view (dist/webview/graph.js) through `window.aiotLens` and DOM events.

import {
  MessageType,
  RequestClient,
  type AnalyzeOk,
  type FromWebviewMessage,
  type GraphToHost,
  type HostToGraph,
  type SettingsMessage,
  type ToWebviewMessage,
} from '../../src/protocol';
import { NodeTable } from './nodeTable';
import { renderError, renderSummary } from './summary';

interface VsCodeApi {
  postMessage(msg: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

/**
 * What the graph view (dist/webview/graph.js, loaded after this script) uses. A page may acquire the VS Code API
 * only once, so the graph talks to the extension through here: `vscode` stands in for `acquireVsCodeApi()` (its
 * postMessage takes GraphToHost messages and wraps them), and every HostToGraph message is re-dispatched on window
 * as a plain `message` event (data = the message) and as a `aiotlens:graph` event (detail = the message).
 * Events `aiotlens:analysis`, `aiotlens:settings` and `aiotlens:error` announce the editor's own updates.
 */
export interface EditorPageApi {
  analysis?: AnalyzeOk;
  settings?: SettingsMessage;
  graphHost: HTMLElement;
  vscode: { postMessage(message: GraphToHost): void; getState(): unknown; setState(state: unknown): void };
  postToHost(message: GraphToHost): void;
  request: RequestClient['request'];
}

const vscode = acquireVsCodeApi();
const post = (msg: FromWebviewMessage) => vscode.postMessage(msg);
/** The webview's saved state, shared by the two scripts on this page: each keeps its own key. */
type PageState = { editor?: { view?: string }; graph?: unknown };
const pageState = (): PageState => (vscode.getState() as PageState | undefined) ?? {};
const root = document.getElementById('aiot-lens-editor') as HTMLElement;
const summary = document.getElementById('summary') as HTMLElement;
const nodesHost = document.getElementById('nodes-host') as HTMLElement;
const table = new NodeTable(nodesHost);
const requests = new RequestClient(post);

const api: EditorPageApi = {
  graphHost: document.getElementById('graph-host') as HTMLElement,
  vscode: {
    postMessage: (message) => post({ type: MessageType.Graph, message }),
    getState: () => pageState().graph,
    setState: (state) => vscode.setState({ ...pageState(), graph: state }),
  },
  postToHost: (message) => post({ type: MessageType.Graph, message }),
  request: (method, params) => requests.request(method, params),
};
(window as unknown as { aiotLens: EditorPageApi }).aiotLens = api;
// VS Code defines acquireVsCodeApi on globalThis and allows one call per page: a graph script written for a page
// of its own gets the shared stand-in instead of an exception.
(globalThis as unknown as { acquireVsCodeApi: () => EditorPageApi['vscode'] }).acquireVsCodeApi = () => api.vscode;

// A graph script that mounts itself on <body> is moved into its panel (before the first paint).
new MutationObserver((records) => {
  for (const r of records) {
    for (const n of r.addedNodes) if (n instanceof HTMLElement && n.classList.contains('graph-app')) api.graphHost.append(n);
  }
}).observe(document.body, { childList: true });

/** Switches between the graph and the details (summary + node table) tabs. */
function showView(view: 'graph' | 'details'): void {
  if (!root.classList.contains('with-graph')) return;
  root.dataset['view'] = view;
  for (const tab of document.querySelectorAll<HTMLElement>('.view-tabs [role=tab]')) tab.setAttribute('aria-selected', String(tab.dataset['view'] === view));
  vscode.setState({ ...pageState(), editor: { view } });
}
for (const tab of document.querySelectorAll<HTMLElement>('.view-tabs [role=tab]')) {
  tab.addEventListener('click', () => showView(tab.dataset['view'] === 'details' ? 'details' : 'graph'));
}
const savedView = pageState().editor?.view;
if (savedView === 'details' || savedView === 'graph') showView(savedView);

function setState(state: 'loading' | 'ready' | 'error'): void {
  root.dataset['state'] = state;
}

window.addEventListener('message', (e: MessageEvent<ToWebviewMessage>) => {
  // Untrusted events are this page's own re-dispatched graph messages (below), not the extension's.
  if (!e.isTrusted) return;
  const msg = e.data;
  switch (msg.type) {
    case MessageType.Loading:
      setState('loading');
      root.setAttribute('aria-busy', 'true');
      break;
    case MessageType.Analysis:
      api.analysis = msg.result;
      renderSummary(summary, msg.fileName, msg.result);
      table.setNodes(msg.result.report.nodes, msg.result.report.totals.macs);
      root.removeAttribute('aria-busy');
      // Counts renders so tests (and people debugging) can tell a re-request happened.
      root.dataset['renders'] = String(Number(root.dataset['renders'] ?? '0') + 1);
      setState('ready');
      window.dispatchEvent(new CustomEvent('aiotlens:analysis', { detail: msg.result }));
      break;
    case MessageType.Error:
      api.analysis = undefined;
      renderError(summary, msg.fileName, msg.error.message, () => post({ type: MessageType.Reload }));
      nodesHost.replaceChildren();
      root.removeAttribute('aria-busy');
      setState('error');
      showView('details');
      window.dispatchEvent(new CustomEvent('aiotlens:error', { detail: msg.error }));
      break;
    case MessageType.Settings:
      api.settings = msg;
      window.dispatchEvent(new CustomEvent('aiotlens:settings', { detail: msg }));
      break;
    case MessageType.Reply:
      requests.handleReply(msg);
      break;
    case MessageType.Graph:
      window.dispatchEvent(new MessageEvent('message', { data: msg.message }));
      window.dispatchEvent(new CustomEvent<HostToGraph>('aiotlens:graph', { detail: msg.message }));
      break;
  }
});

post({ type: MessageType.Ready });
