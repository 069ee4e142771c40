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

// Plain script text (no bundle needed). Clicks on [data-action] post {type:'panelAction', action, arg} to the
// extension. Clicks on [data-select=ID] (a chart's hit columns) select that position: element ID shows the clicked
// element's data-text, its buttons take its data-arg (hidden when data-disabled), and the line ID-mark moves to data-x.
const SCRIPT = `(function(){const api=acquireVsCodeApi();document.addEventListener('click',function(e){` +
  `const s=e.target.closest('[data-select]');if(s){const id=s.getAttribute('data-select');const box=document.getElementById(id);if(box){box.hidden=false;` +
  `const t=box.querySelector('.text');if(t)t.textContent=s.getAttribute('data-text')||'';const off=s.getAttribute('data-disabled')==='1';` +
  `box.querySelectorAll('[data-action]').forEach(function(b){b.setAttribute('data-arg',s.getAttribute('data-arg')||'');b.hidden=off;});}` +
  `const mark=document.getElementById(id+'-mark');if(mark){const x=s.getAttribute('data-x');mark.setAttribute('x1',x);mark.setAttribute('x2',x);mark.setAttribute('visibility','visible');}return;}` +
  `const b=e.target.closest('[data-action]');if(!b)return;api.postMessage({type:'panelAction',action:b.getAttribute('data-action'),arg:b.getAttribute('data-arg')||undefined});});})();`;

/**
 * The Content-Security-Policy of every AIoT Lens webview: nothing by default, scripts only with this load's nonce,
 * styles, images and fonts only from the extension. `blob` also allows blob: images and workers (the graph view
 * starts its layout workers from blob: URLs its own scripts build).
 */
export function contentSecurityPolicy(cspSource: string, nonce: string, options: { blob?: boolean } = {}): string {
  return [
    "default-src 'none'",
    `img-src ${cspSource} data:${options.blob ? ' blob:' : ''}`,
    `style-src ${cspSource} 'nonce-${nonce}'`,
    `font-src ${cspSource}`,
    `script-src 'nonce-${nonce}'`,
    ...(options.blob ? ['worker-src blob:'] : []),
  ].join('; ');
}

export function panelHtml(p: PanelShell): string {
  const csp = contentSecurityPolicy(p.cspSource, p.nonce);
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
