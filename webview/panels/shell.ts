// The HTML shell every AIoT Lens panel uses: strict CSP with a per-load nonce, the panel stylesheet from media/,
// and one tiny nonce'd script that turns clicks on [data-action] buttons into validated panel messages.

import { escapeHtml } from '../../src/core/report';

export interface PanelShell {
  title: string;
  body: string;
  nonce: string;
  /** webview.cspSource */
  cspSource: string;
  /** webview URI of media/panels.css */
  styleHref: string;
}

// Plain script text (no bundle needed): posts {type:'panelAction', action, arg} to the extension.
const SCRIPT = `(function(){const api=acquireVsCodeApi();document.addEventListener('click',function(e){const b=e.target.closest('[data-action]');if(!b)return;api.postMessage({type:'panelAction',action:b.getAttribute('data-action'),arg:b.getAttribute('data-arg')||undefined});});})();`;

export function panelHtml(p: PanelShell): string {
  const csp = [`default-src 'none'`, `img-src ${p.cspSource} data:`, `style-src ${p.cspSource} 'nonce-${p.nonce}'`, `font-src ${p.cspSource}`, `script-src 'nonce-${p.nonce}'`].join('; ');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" nonce="${p.nonce}" href="${escapeHtml(p.styleHref)}">
<title>${escapeHtml(p.title)}</title>
</head>
<body class="aiot-panel">
${p.body}
<script nonce="${p.nonce}">${SCRIPT}</script>
</body>
</html>`;
}

export function button(label: string, action: string, arg?: string): string {
  return `<button class="action" data-action="${escapeHtml(action)}"${arg !== undefined ? ` data-arg="${escapeHtml(arg)}"` : ''}>${escapeHtml(label)}</button>`;
}
