// Smoke check in an untrusted workspace (code-server with Workspace Trust on): workspace device profiles hidden,
// Profile refused with a reason, Advise still working. Same prerequisites as scripts/smoke-views.mjs.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { checker, command, log, openWorkbench, panelFrame, shots, sleep, startSmoke, stopSmoke, waitFor } from './smoke-lib.mjs';

const smoke = startSmoke({ trusted: false });
const { ws } = smoke;
let browser;
let page;
const { check, results } = checker(() => page);
try {
  let errors;
  ({ browser, page, errors } = await openWorkbench(smoke));
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
  await stopSmoke(smoke, browser, results);
}
