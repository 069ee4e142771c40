// Renders the AIoT Lens panels (charts, advice report, optimize, split, profile) for the sample model in headless
// Chromium with a stand-in for the VS Code webview (dark theme variables, acquireVsCodeApi), and saves PNGs under
// docs/images/. Usage: node --import tsx scripts/render-panels.ts [/tmp/opt.json] [/tmp/prof.json]
// Optimize/profile JSON come from real CLI runs (`aiot-lens optimize ... --verify --json`, `aiot-lens profile --json`).

import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { advise } from '../src/core/advisor';
import { analyzeModelFileSync } from '../src/core/analyze';
import { getDevice, getLink, loadProfiles } from '../src/core/devices';
import { estimateReport } from '../src/core/estimate';
import { searchSplit, splitView } from '../src/core/partition';
import { unwrap } from '../src/core/result';
import { chartsData } from '../webview/panels/chartData';
import { chartsBody, optimizeBody, profileBody, reportPanelBody, splitBody, type OptimizeOutcome, type ProfileOutcome } from '../webview/panels/pages';
import { panelHtml } from '../webview/panels/shell';

const root = join(__dirname, '..');
const model = join(root, 'samples', 'mobilenet_v2_vww_96.onnx');
const out = join(root, 'docs', 'images');
const work = join(tmpdir(), `aiot-panels-${process.pid}`);
mkdirSync(work, { recursive: true });
copyFileSync(join(root, 'media', 'panels.css'), join(work, 'panels.css'));

// A subset of VS Code's Dark Modern theme variables, as the webview host injects them.
const THEME = `:root{--vscode-font-family:system-ui,sans-serif;--vscode-font-size:13px;--vscode-editor-font-family:monospace;--vscode-foreground:#cccccc;--vscode-editor-background:#1f1f1f;
--vscode-descriptionForeground:#9d9d9d;--vscode-panel-border:#2b2b2b;--vscode-widget-border:#313131;--vscode-editorWidget-background:#202020;--vscode-button-background:#0078d4;
--vscode-button-foreground:#ffffff;--vscode-button-hoverBackground:#026ec1;--vscode-errorForeground:#f85149;--vscode-testing-iconPassed:#73c991;--vscode-charts-red:#f14c4c;
--vscode-charts-blue:#3794ff;--vscode-charts-yellow:#cca700;--vscode-charts-orange:#d18616;--vscode-charts-green:#89d185;--vscode-charts-purple:#b180d7}`;

const nonce = 'render0nonce';
const posted: unknown[] = [];
function page(title: string, body: string): string {
  const html = panelHtml({ title, body, nonce, cspSource: 'file:', styleHref: 'panels.css' });
  // The stand-in: theme variables and acquireVsCodeApi recording what the page posts.
  return html.replace('</head>', `<style nonce="${nonce}">${THEME}</style>\n<script nonce="${nonce}">window.__posted=[];window.acquireVsCodeApi=()=>({postMessage:(m)=>window.__posted.push(m),getState(){},setState(){}});</script>\n</head>`);
}

async function main(): Promise<void> {
  const a = unwrap(analyzeModelFileSync(model));
  const reg = unwrap(loadProfiles());
  const h743 = unwrap(getDevice(reg, 'stm32h743'));
  const f746 = unwrap(getDevice(reg, 'stm32f746'));
  const est = estimateReport(a, f746);
  const pages: [string, string, string][] = [];
  pages.push(['charts', 'Charts', chartsBody(chartsData(a.report, est, f746, 100))]);
  const adv = await advise(a, h743, { fps: 5 });
  pages.push(['advice', 'Advice', reportPanelBody({ analysis: a.report, estimate: estimateReport(a, h743), advice: adv })]);
  const esp = unwrap(getDevice(reg, 'esp32-s3'));
  const s = unwrap(searchSplit(a, esp, unwrap(getLink(reg, 'wifi-4')), unwrap(getDevice(reg, 'jetson-orin-nano'))));
  pages.push(['split', 'Split', splitBody(splitView('mobilenet_v2_vww_96.onnx', s, a.model.graph.nodes.length))]);
  const optJson = process.argv[2];
  if (optJson && existsSync(optJson)) {
    const o = JSON.parse(readFileSync(optJson, 'utf8')) as OptimizeOutcome;
    const after = unwrap(analyzeModelFileSync(o.output));
    o.latencyMs = { device: f746.id, before: est.latencyMs, after: estimateReport(after, f746).latencyMs };
    pages.push(['optimize', 'Optimize', optimizeBody(o)]);
  }
  const profJson = process.argv[3];
  if (profJson && existsSync(profJson)) pages.push(['profile', 'Profile', profileBody('mobilenet_v2_vww_96.onnx', JSON.parse(readFileSync(profJson, 'utf8')) as ProfileOutcome, { device: f746.id, latencyMs: est.latencyMs })]);

  // A fresh profile folder per run (playwright takes it as the persistent context's user-data-dir).
  const ctx = await chromium.launchPersistentContext(join(work, 'profile'), {
    executablePath: '/usr/bin/chromium',
    headless: true,
    viewport: { width: 900, height: 900 },
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  try {
    for (const [name, title, body] of pages) {
      const file = join(work, `${name}.html`);
      writeFileSync(file, page(title, body));
      const p = await ctx.newPage();
      const problems: string[] = [];
      p.on('console', (m) => { if (m.type() === 'error') problems.push(m.text()); });
      p.on('pageerror', (e) => problems.push(e.message));
      await p.goto(`file://${file}`);
      // The split chart: clicking a cut offers "Export halves here" for that cut.
      const hits = await p.$$('rect.hit:not([data-disabled])');
      if (hits.length) {
        await hits[Math.floor(hits.length * 0.3)]!.click();
        const offer = await p.$('#cut-selection:not([hidden]) button[data-action]');
        if (!offer) throw new Error(`${name}: clicking a cut on the chart offered no export`);
        console.log(`${name}: chart click offers ${JSON.stringify(await offer.innerText())} for cut ${await offer.getAttribute('data-arg')}`);
      }
      const button = await p.$('button[data-action]');
      if (button) {
        await button.click();
        const got = await p.evaluate(() => (window as unknown as { __posted: unknown[] }).__posted);
        posted.push(...got);
        console.log(`${name}: button posted ${JSON.stringify(got)}`);
      }
      await p.screenshot({ path: join(out, `panel-${name}.png`), fullPage: name !== 'advice' });
      console.log(`${name}: docs/images/panel-${name}.png${problems.length ? ` PROBLEMS: ${problems.join(' | ')}` : ' (no console errors or CSP refusals)'}`);
      await p.close();
    }
  } finally {
    await ctx.close();
    rmSync(work, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
