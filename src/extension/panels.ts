// Opens AIoT Lens panels (report, charts, optimize, split): one webview per kind and model, strict CSP, only
// dist/ and media/ readable, and button presses validated by parsePanelMessage before they reach a handler.

import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import { parsePanelMessage, type PanelActionMessage } from '../protocol';
import { panelHtml } from '../../webview/panels/shell';
import { webviewRoots } from './webviewHtml';

const open = new Map<string, vscode.WebviewPanel>();

export interface PanelSpec {
  /** Kind + model: a second request for the same key reuses (and refreshes) the panel. */
  key: string;
  viewType: string;
  title: string;
  body: string;
  onAction?: (msg: PanelActionMessage) => unknown;
}

export function showPanel(context: vscode.ExtensionContext, spec: PanelSpec): vscode.WebviewPanel {
  let panel = open.get(spec.key);
  if (!panel) {
    // Every panel goes to the second column (the model editor keeps the first), stacked as tabs there.
    panel = vscode.window.createWebviewPanel(spec.viewType, spec.title, { viewColumn: vscode.ViewColumn.Two, preserveFocus: true }, {
      enableScripts: true,
      localResourceRoots: webviewRoots(context.extensionUri),
    });
    const created = panel;
    open.set(spec.key, created);
    created.onDidDispose(() => open.delete(spec.key));
  }
  const webview = panel.webview;
  panel.title = spec.title;
  webview.html = panelHtml({
    title: spec.title,
    body: spec.body,
    nonce: randomBytes(16).toString('base64'),
    cspSource: webview.cspSource,
    styleHref: webview.asWebviewUri(vscode.Uri.joinPath(context.extensionUri, 'media', 'panels.css')).toString(),
  });
  // Replace the previous handler: the body (and what its buttons mean) changed.
  (panel as { _aiotAction?: vscode.Disposable })._aiotAction?.dispose();
  (panel as { _aiotAction?: vscode.Disposable })._aiotAction = webview.onDidReceiveMessage((raw) => {
    const msg = parsePanelMessage(raw);
    if (msg && spec.onAction) void Promise.resolve(spec.onAction(msg)).catch((e) => void vscode.window.showErrorMessage(`AIoT Lens: ${(e as Error).message}`));
  });
  panel.reveal(undefined, true);
  return panel;
}
