// The model editor page: receives analysis from the extension, renders summary and node table, and hands the
// same data to the graph view (dist/webview/graph.js) through `window.aiotLens` and DOM events.

import { MessageType, RequestClient, type AnalyzeOk, type FromWebviewMessage, type SettingsMessage, type ToWebviewMessage } from '../../src/protocol';
import { NodeTable } from './nodeTable';
import { renderError, renderSummary } from './summary';

declare function acquireVsCodeApi(): { postMessage(msg: unknown): void };

/** What the graph view (another bundle on this page) reads; events `aiotlens:analysis` / `aiotlens:settings` announce updates. */
export interface EditorPageApi {
  analysis?: AnalyzeOk;
  settings?: SettingsMessage;
  graphHost: HTMLElement;
  request: RequestClient['request'];
}

const vscode = acquireVsCodeApi();
const post = (msg: FromWebviewMessage) => vscode.postMessage(msg);
const root = document.getElementById('aiot-lens-editor') as HTMLElement;
const summary = document.getElementById('summary') as HTMLElement;
const nodesHost = document.getElementById('nodes-host') as HTMLElement;
const table = new NodeTable(nodesHost);
const requests = new RequestClient(post);

const api: EditorPageApi = {
  graphHost: document.getElementById('graph-host') as HTMLElement,
  request: (method, params) => requests.request(method, params),
};
(window as unknown as { aiotLens: EditorPageApi }).aiotLens = api;

function setState(state: 'loading' | 'ready' | 'error'): void {
  root.dataset['state'] = state;
}

window.addEventListener('message', (e: MessageEvent<ToWebviewMessage>) => {
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
      window.dispatchEvent(new CustomEvent('aiotlens:error', { detail: msg.error }));
      break;
    case MessageType.Settings:
      api.settings = msg;
      window.dispatchEvent(new CustomEvent('aiotlens:settings', { detail: msg }));
      break;
    case MessageType.Reply:
      requests.handleReply(msg);
      break;
  }
});

post({ type: MessageType.Ready });
