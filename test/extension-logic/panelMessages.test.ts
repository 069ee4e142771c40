import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parsePanelMessage } from '../../src/protocol';
import { panelHtml } from '../../webview/panels/shell';

test('panel messages: known actions pass as fresh objects, anything else is dropped', () => {
  const raw = { type: 'panelAction', action: 'openModel', arg: '/m/a.onnx', extra: 'x' };
  const m = parsePanelMessage(raw);
  assert.deepEqual(m, { type: 'panelAction', action: 'openModel', arg: '/m/a.onnx' });
  assert.notEqual(m, raw);
  assert.deepEqual(parsePanelMessage({ type: 'panelAction', action: 'showCharts' }), { type: 'panelAction', action: 'showCharts' });
  for (const bad of [null, 'x', [], { type: 'panelAction', action: 'runShell' }, { type: 'panelAction', action: 'openModel', arg: 3 },
    { type: 'panelAction', action: 'openModel', arg: 'a'.repeat(5000) }, { type: 'ready' }, { action: 'advise' }]) {
    assert.equal(parsePanelMessage(bad), undefined, JSON.stringify(bad)?.slice(0, 60));
  }
});

test('panel shell: strict CSP, every script carries the nonce, title escaped', () => {
  const html = panelHtml({ title: '<x>', body: '<p>b</p>', nonce: 'N0nce', cspSource: 'vscode-resource:', styleHref: 'css' });
  const csp = /content="([^"]+)"/.exec(html)![1]!;
  assert.match(csp, /default-src 'none'/);
  assert.match(csp, /script-src 'nonce-N0nce'/);
  assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/);
  const scripts = html.match(/<script[^>]*>/g) ?? [];
  assert.ok(scripts.length > 0 && scripts.every((s) => s.includes('nonce="N0nce"')));
  assert.ok(html.includes('<title>&lt;x&gt;</title>'));
});
