// The model editor's HTML shell: strict CSP with a per-load nonce, scripts and styles only from dist/ and media/.

import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import * as vscode from 'vscode';
import { contentSecurityPolicy } from '../../webview/panels/shell';

/** Folders a webview may load from: nothing of the user's workspace, nothing remote. */
export function webviewRoots(extensionUri: vscode.Uri): vscode.Uri[] {
  return [vscode.Uri.joinPath(extensionUri, 'dist'), vscode.Uri.joinPath(extensionUri, 'media')];
}

export function modelEditorHtml(webview: vscode.Webview, extensionUri: vscode.Uri, fileName: string): string {
  const nonce = randomBytes(16).toString('base64');
  const asset = (...p: string[]) => vscode.Uri.joinPath(extensionUri, ...p);
  const uri = (...p: string[]) => webview.asWebviewUri(asset(...p)).toString();
  const exists = (...p: string[]) => existsSync(asset(...p).fsPath);

  // The graph view is built separately; the editor works (summary + table) without it.
  const styles = ['media/editor.css', 'media/graph.css'].filter((p) => exists(p));
  const scripts = ['dist/webview/editor.js', 'dist/webview/graph.js'].filter((p) => exists(p));
  const withGraph = scripts.includes('dist/webview/graph.js');
  const csp = contentSecurityPolicy(webview.cspSource, nonce, { blob: true });

  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
${styles.map((s) => `<link rel="stylesheet" nonce="${nonce}" href="${uri(s)}">`).join('\n')}
<title>${escapeHtml(fileName)}</title>
</head>
<body>
<main id="aiot-lens-editor" class="${withGraph ? 'with-graph' : ''}" data-state="loading" data-view="${withGraph ? 'graph' : 'details'}" data-file="${escapeHtml(fileName)}">
  ${withGraph ? VIEW_TABS : ''}
  <section id="graph-host" role="tabpanel" aria-labelledby="tab-graph" ${withGraph ? '' : 'hidden'}></section>
  <section id="details-view" role="tabpanel" aria-labelledby="tab-details">
    <header id="summary" aria-live="polite"><p class="status">Loading ${escapeHtml(fileName)}…</p></header>
    <section id="nodes-host" aria-label="Nodes"></section>
  </section>
</main>
${scripts.map((s) => `<script nonce="${nonce}" src="${uri(s)}"></script>`).join('\n')}
</body>
</html>`;
}

/** Graph and details (summary + node table) share the page as two tabs when the graph view is built. */
const VIEW_TABS = `<nav class="view-tabs" role="tablist" aria-label="Views">
    <button id="tab-graph" role="tab" data-view="graph" aria-selected="true">Graph</button>
    <button id="tab-details" role="tab" data-view="details" aria-selected="false">Summary &amp; nodes</button>
  </nav>`;

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);
}
