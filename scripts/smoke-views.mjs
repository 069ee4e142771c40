// Smoke check of the AIoT Lens activity bar, commands and panels in code-server, reusing the tools test/e2e installs
// under .cache/e2e (run `npm run test:e2e` once first). Needs `npm run build`. Screenshots: docs/images/vscode-*.png.
// Not part of CI: test/e2e is the gate; this exercises the views it does not cover yet.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { checker, command, log, openWorkbench, panelFrame, shots, sleep, startSmoke, stopSmoke, waitFor } from './smoke-lib.mjs';

const smoke = startSmoke({ trusted: true });
const { ws } = smoke;
let browser;
let page;
const { check, results } = checker(() => page);
try {
  let errors;
  ({ browser, page, errors } = await openWorkbench(smoke));
  await check('activity bar has AIoT Lens and the Models tree lists the sample with params/MACs and a verdict', async () => {
    await page.locator('.activitybar a[aria-label^="AIoT Lens"], .activitybar .action-item[aria-label^="AIoT Lens"] a, .activitybar li[aria-label^="AIoT Lens"]').first().click();
    const row = page.locator('.monaco-list-row', { hasText: 'mobilenet_v2_vww_96.onnx' }).first();
    await row.waitFor({ timeout: 60000 });
    const text = await waitFor('verdict', async () => { const t = await row.innerText(); return /MACs.*(fits|over)/s.test(t) ? t : null; }, 90000);
    log('models row:', text.replace(/\n/g, ' | '));
    await row.locator('.monaco-tl-twistie').click().catch(() => {});
    await sleep(800);
    await page.screenshot({ path: join(shots, 'vscode-activity-bar.png') });
  });
  await check('Device Profiles tree marks the active device and activates another on click', async () => {
    const dev = page.locator('.monaco-list-row', { hasText: 'stm32f746' }).first();
    await dev.waitFor({ timeout: 30000 });
    const t = await dev.innerText();
    const mine = await page.locator('.monaco-list-row', { hasText: 'my-board' }).count();
    log('my-board rows (trusted):', mine);
    if (!mine) throw new Error('workspace profile missing in a trusted workspace');
    if (!/active/.test(t)) throw new Error(`active not marked: ${t}`);
    await page.locator('.monaco-list-row', { hasText: 'stm32h743' }).first().click();
    await waitFor('status bar shows stm32h743', async () => (await page.locator('.statusbar-item', { hasText: 'stm32h743' }).count()) > 0, 20000);
    const row = page.locator('.monaco-list-row', { hasText: 'mobilenet_v2_vww_96.onnx' }).first();
    await waitFor('models refreshed', async () => /fits/.test(await row.innerText()), 60000);
    log('after switch:', (await row.innerText()).replace(/\n/g, ' | '));
    await page.screenshot({ path: join(shots, 'vscode-activity-bar-h743.png') });
  });
  await check('Show Charts opens a panel with a roofline and gauges', async () => {
    await command(page, 'AIoT Lens: Show Charts');
    const f = await panelFrame(page, 'Roofline');
    const dots = await f.locator('svg.roofline circle').count();
    const gauges = await f.locator('svg.gauges .gauge').count();
    log(`charts: ${dots} dots, ${gauges} gauges`);
    if (dots < 10 || gauges < 2) throw new Error('too few');
    await sleep(500);
    await page.screenshot({ path: join(shots, 'vscode-charts.png') });
  });
  await check('Advise opens the bottleneck report', async () => {
    await command(page, 'AIoT Lens: Advise');
    const f = await panelFrame(page, 'Bottleneck');
    log('advice:', (await f.locator('h2 + p').first().innerText()).slice(0, 120));
    await page.screenshot({ path: join(shots, 'vscode-advice.png') });
  });
  await check('Profile runs onnxruntime in a child process and shows measured times', async () => {
    await command(page, 'AIoT Lens: Profile with onnxruntime');
    const f = await panelFrame(page, 'Median', 120000);
    log('profile:', (await f.locator('p').first().innerText()).slice(0, 100));
  });
  await check('Export Report writes Markdown through the save dialog', async () => {
    await command(page, 'AIoT Lens: Export Report');
    const input = page.locator('.quick-input-widget input');
    await waitFor('save dialog', async () => (await input.inputValue()).startsWith('/'), 60000);
    log('save dialog value:', await input.inputValue());
    await page.keyboard.press('Enter');
    const file = join(ws, 'mobilenet_v2_vww_96.report.md');
    await waitFor('report file', async () => existsSync(file), 30000);
    const text = readFileSync(file, 'utf8');
    log('report head:', text.split('\n')[0], '| has bottleneck:', /## Bottleneck/.test(text));
  });
  await check('Optimize Model: pass pick, save dialog, CLI child with --verify, before/after panel, open button', async () => {
    await command(page, 'AIoT Lens: Optimize Model');
    const input = page.locator('.quick-input-widget input');
    await page.locator('.quick-input-list .monaco-list-row', { hasText: 'fp16' }).first().waitFor({ timeout: 60000 });
    await page.screenshot({ path: join(shots, 'vscode-optimize-pick.png') });
    await input.fill('fp16');
    await sleep(300);
    await page.locator('.quick-input-list .monaco-list-row', { hasText: 'fp16' }).first().locator('.quick-input-list-checkbox, input[type=checkbox], .monaco-checkbox').first().click();
    await input.fill('');
    await page.keyboard.press('Enter');
    await sleep(800);
    log('save dialog value:', await input.inputValue());
    await page.keyboard.press('Enter');
    const f = await panelFrame(page, 'Verification in onnxruntime');
    log('optimize:', (await f.locator('p').first().innerText()), '|', (await f.locator('strong.verdict').first().innerText()));
    const verdict = await f.locator('.verdict-line').first().innerText();
    log('verdict line:', verdict);
    if (!/^verdict: (PASS|FAIL)/.test(verdict)) throw new Error(`no verdict line: ${verdict}`);
    await page.screenshot({ path: join(shots, 'vscode-optimize.png') });
    await f.locator('button[data-action=openModel]').click();
    await waitFor('optimized model editor tab', async () => (await page.locator('.tab', { hasText: 'optimized' }).count()) > 0, 30000);
    await sleep(3000);
  });
  await check('Split: remote, link, objective picks, split panel with the best cut', async () => {
    await command(page, 'View: Close All Editors');
    await sleep(1000);
    await command(page, 'AIoT Lens: Split');
    const input = page.locator('.quick-input-widget input');
    for (const v of ['mobilenet_v2_vww_96.onnx', 'jetson-orin-nano', 'wifi-4', 'latency']) {
      await input.waitFor({ state: 'visible', timeout: 30000 });
      await input.fill(v);
      await page.locator('.quick-input-list .monaco-list-row', { hasText: v }).first().waitFor({ timeout: 30000 });
      await sleep(300);
      await page.keyboard.press('Enter');
      await sleep(500);
    }
    const f = await panelFrame(page, 'Best cut');
    log('split:', (await f.locator('p').first().innerText()).slice(0, 160));
    // The table: the best once, both extremes as rows.
    const rows = await f.locator('table.cuts tbody tr').allInnerTexts();
    log('split table:', rows.map((r) => r.replace(/\s+/g, ' ').slice(0, 90)).join(' | '));
    if (rows.filter((r) => /all on device/.test(r)).length !== 1 || rows.filter((r) => /all remote/.test(r)).length !== 1) throw new Error('extremes are not one row each');
    await page.screenshot({ path: join(shots, 'vscode-split.png') });
    // Clicking a cut on the chart offers "Export halves here" for that cut; export it.
    const hits = f.locator('rect.hit:not([data-disabled])');
    const n = await hits.count();
    const hit = hits.nth(Math.floor(n * 0.6));
    const cut = await hit.getAttribute('data-arg');
    await hit.click({ force: true });
    const offer = f.locator('#cut-selection button[data-action=exportSplit]');
    await offer.waitFor({ state: 'visible', timeout: 10000 });
    log('chart click offers:', await offer.innerText(), 'for cut', await offer.getAttribute('data-arg'), '|', (await f.locator('#cut-selection .text').innerText()).slice(0, 100));
    if ((await offer.getAttribute('data-arg')) !== cut) throw new Error('the offer is for another cut');
    await page.screenshot({ path: join(shots, 'vscode-split-chart-click.png') });
    await offer.click();
    await waitFor('folder dialog', async () => (await input.inputValue()).startsWith('/'), 30000);
    log('folder dialog value:', await input.inputValue());
    await page.keyboard.press('Enter');
    await waitFor('halves written', async () => existsSync(join(ws, 'mobilenet_v2_vww_96.device.onnx')) && existsSync(join(ws, 'mobilenet_v2_vww_96.remote.onnx')), 90000);
    const toast = page.locator('.notification-toast', { hasText: 'verification' }).first();
    await toast.waitFor({ timeout: 30000 });
    log('export toast:', (await toast.innerText()).split('\n').find((l) => /wrote/.test(l)));
    const g = await panelFrame(page, `Exported cut ${cut}`, 30000);
    log('exported section:', (await g.locator('section.exported').innerText()).replace(/\s+/g, ' ').slice(0, 300));
    await page.screenshot({ path: join(shots, 'vscode-split-exported.png') });
  });
  await check('Advise with no device opens the device picker, not a notification', async () => {
    await command(page, 'View: Close All Editors');
    await command(page, 'AIoT Lens: Select Device');
    const input = page.locator('.quick-input-widget input');
    await page.locator('.quick-input-list .monaco-list-row', { hasText: 'No device' }).first().waitFor({ timeout: 20000 });
    await input.fill('No device');
    await sleep(300);
    await page.keyboard.press('Enter');
    await waitFor('status bar without device', async () => (await page.locator('.statusbar-item', { hasText: 'stm32h743' }).count()) === 0, 20000);
    await command(page, 'AIoT Lens: Advise');
    // With no editor open and several models in the workspace, Advise first asks which model.
    const which = page.locator('.quick-input-widget', { hasText: 'which model?' }).first();
    if (await which.waitFor({ timeout: 5000 }).then(() => true, () => false)) {
      await input.fill('mobilenet_v2_vww_96.onnx');
      await sleep(300);
      await page.keyboard.press('Enter');
    }
    await page.locator('.quick-input-widget', { hasText: 'Active Device' }).first().waitFor({ timeout: 20000 });
    const placeholder = await input.getAttribute('placeholder');
    log('picker placeholder:', placeholder);
    if (!/Advise needs/.test(placeholder ?? '')) throw new Error(`picker without the reason: ${placeholder}`);
    await page.screenshot({ path: join(shots, 'vscode-advise-picks-device.png') });
    await input.fill('stm32h743');
    await sleep(300);
    await page.keyboard.press('Enter');
    await panelFrame(page, 'Bottleneck', 120000);
  });
  await check('walkthrough: its first step opens a copy of the bundled sample in the model editor', async () => {
    await command(page, 'View: Close All Editors');
    await command(page, 'Welcome: Open Walkthrough');
    const input = page.locator('.quick-input-widget input');
    await input.fill('AIoT Lens');
    await page.locator('.quick-input-list .monaco-list-row', { hasText: 'Get started with AIoT Lens' }).first().waitFor({ timeout: 20000 });
    await page.keyboard.press('Enter');
    const step = page.locator('.getting-started-step', { hasText: 'Open the sample model' }).first();
    await step.waitFor({ timeout: 20000 });
    await page.screenshot({ path: join(shots, 'vscode-walkthrough.png') });
    await step.click();
    await step.locator('a, .button-link', { hasText: 'Open Sample Model' }).first().click();
    await waitFor('sample editor tab', async () => (await page.locator('.tab', { hasText: 'mobilenet_v2_vww_96.onnx' }).count()) > 0, 30000);
  });
  log('webview errors:', errors.length ? errors : 'none');
} catch (e) {
  log('ERROR', e.message);
} finally {
  await stopSmoke(smoke, browser, results);
}
