// End-to-end test in real VS Code: code-server (VS Code 1.139 from npm) with the unpacked extension, driven by
// Chromium through playwright-core. Opens the sample model and a broken one, checks what the editor shows against
// the CLI's own figures, and saves screenshots to test-results/e2e/. Usage: npm run build && npm run test:e2e
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, createWriteStream, existsSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { cleanEnv, ensureChromium, ensureCodeServer, ensureNode24 } from './install.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const cacheDir = join(root, '.cache', 'e2e');
const shotsDir = join(root, 'test-results', 'e2e');
const SAMPLE = join(root, 'samples', 'mobilenet_v2_vww_96.onnx');
/** torchvision's full MobileNetV2 (14 MB), the model issue 4 names. */
const MOBILENET = join(root, 'test', 'fixtures', 'models', 'mobilenet_v2.onnx');
// MediaPipe's BlazeFace as published in @mediapipe/face_detection (test/fixtures/models/tflite/MODELS.md).
const BLAZEFACE = join(root, 'test', 'fixtures', 'models', 'tflite', 'face_detection_short_range.tflite');
const EXTENSION_FOLDER = 'aiot-lens.aiot-lens-0.1.0';
/** Equivalent models of the device evidence base (test/fixtures/models/evidence/MODELS.md). */
const EVIDENCE = join(root, 'test', 'fixtures', 'models', 'evidence');
/** The run after the tools are installed is bounded: a stuck step can never hang CI (installs have their own limits). */
const OVERALL_TIMEOUT_MS = 10 * 60_000;
const STEP_TIMEOUT_MS = 90_000;

const results = [];
let codeServer;
let browser;

function log(msg) {
  console.log(`e2e: ${msg}`);
}

async function check(name, fn) {
  const started = Date.now();
  try {
    await fn();
    results.push({ name, ok: true });
    log(`ok   ${name} (${Date.now() - started} ms)`);
    return true;
  } catch (e) {
    results.push({ name, ok: false });
    log(`FAIL ${name}: ${e instanceof Error ? e.message.split('\n').slice(0, 6).join('\n  ') : e}`);
    return false;
  }
}

function assert(cond, message) {
  if (!cond) throw new Error(message);
}

const exact = (n) => Math.round(n).toLocaleString('en-US');

/** What the CLI says about a model: the figures the editor must agree with. */
function cli(args) {
  const r = spawnSync(process.execPath, [join(root, 'dist', 'cli.js'), ...args], { encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

async function waitFor(what, fn, timeoutMs = STEP_TIMEOUT_MS, intervalMs = 250) {
  const deadline = Date.now() + timeoutMs;
  let last;
  while (Date.now() < deadline) {
    try {
      const v = await fn();
      if (v) return v;
    } catch (e) {
      last = e;
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? ` (${last.message})` : ''}`);
}

/** A fresh VS Code profile, extensions folder and workspace for this run. */
function prepareRun() {
  const runDir = join(cacheDir, `run-${Date.now()}`);
  const userData = join(runDir, 'user-data');
  const extensions = join(runDir, 'extensions');
  const workspace = join(runDir, 'workspace');
  for (const d of [join(userData, 'User'), extensions, workspace]) mkdirSync(d, { recursive: true });
  writeFileSync(
    join(userData, 'User', 'settings.json'),
    JSON.stringify(
      {
        'workbench.startupEditor': 'none',
        'workbench.tips.enabled': false,
        'workbench.enableExperiments': false,
        'security.workspace.trust.enabled': false,
        'telemetry.telemetryLevel': 'off',
        'extensions.autoUpdate': false,
        'extensions.autoCheckUpdates': false,
        'update.mode': 'none',
        'workbench.colorTheme': 'Default Dark Modern',
        // Keep the screenshots about the editor: no git prompt (the run folder sits inside this repo), no chat.
        'git.openRepositoryInParentFolders': 'never',
        'chat.disableAIFeatures': true,
        'workbench.secondarySideBar.defaultVisibility': 'hidden',
      },
      null,
      2,
    ),
  );
  // The unpacked extension: its manifest, bundles and media, linked from this checkout.
  const ext = join(extensions, EXTENSION_FOLDER);
  mkdirSync(ext);
  for (const p of ['package.json', 'dist', 'media', 'node_modules', 'syntaxes', 'language-configuration', 'schemas', 'samples']) if (existsSync(join(root, p))) symlinkSync(join(root, p), join(ext, p));
  const sample = join(workspace, basename(SAMPLE));
  cpSync(SAMPLE, sample);
  cpSync(MOBILENET, join(workspace, basename(MOBILENET)));
  cpSync(BLAZEFACE, join(workspace, basename(BLAZEFACE)));
  // A small int8 model with per-channel quantized weights, written by the tests' flatbuffer builder.
  const int8 = join(workspace, 'conv_int8.tflite');
  const wrote = spawnSync(process.execPath, ['--import', 'tsx', '-e',
    `require('node:fs').writeFileSync(${JSON.stringify(int8)}, require('./test/helpers/tflite-builder').buildTflite(require('./test/helpers/tflite-samples').convNet()))`],
  { cwd: root, encoding: 'utf8' });
  if (wrote.status !== 0) throw new Error(`cannot write the int8 .tflite: ${wrote.stderr}`);
  // A truncated copy of the sample: what an interrupted download or a bad git-lfs checkout leaves behind.
  const broken = join(workspace, 'broken.onnx');
  writeFileSync(broken, readFileSync(SAMPLE).subarray(0, 1000));
  // Timings "measured on a board" for Calibrate Device from Measurements: evidence models and a CSV beside them.
  const board = join(workspace, 'board');
  mkdirSync(board);
  const timings = [['keras_mobilenetv1_025_96g_c5_int8.onnx', 54.1], ['mlperf_kws_dscnn_int8.onnx', 21.5], ['mlperf_ic_resnet8_int8.onnx', 95],
    ['mlperf_vww_mobilenetv1_025_int8.onnx', 61], ['keras_mobilenetv2_035_128_c5_int8.onnx', 110], ['mlperf_ad_fc_autoencoder_int8.onnx', 9.5],
    ['keras_mobilenetv1_025_224_c5_int8.onnx', 290], ['keras_mobilenetv2_035_224_c5_int8.onnx', 330]];
  for (const [f] of timings) cpSync(join(EVIDENCE, f), join(board, f));
  // At the workspace root (Quick Open finds it by name alone), model paths relative to it.
  writeFileSync(join(workspace, 'timings.csv'), `# e2e: timings on an ESP32-S3 board\nmodel,ms\n${timings.map(([f, ms]) => `board/${f},${ms}`).join('\n')}\n`);
  // A training script: the language server's Python features annotate it with code lenses.
  const script = join(workspace, 'net.py');
  writeFileSync(script, 'import torch.nn as nn\n\n\nclass Net(nn.Module):\n    def __init__(self):\n        super().__init__()\n        self.conv = nn.Conv2d(3, 8, 3)\n        self.fc = nn.Linear(10, 4)\n\n    def forward(self, x):\n        return self.fc(self.conv(x))\n');
  // Silero VAD and the shipped speech samples (with their filter.json) for Train Input Filter.
  mkdirSync(join(workspace, 'vad'));
  cpSync(join(root, 'test', 'fixtures', 'models', 'silero_vad.onnx'), join(workspace, 'vad', 'silero_vad.onnx'));
  cpSync(join(root, 'test', 'fixtures', 'filter', 'audio'), join(workspace, 'vad', 'speech'), { recursive: true });
  const config = join(runDir, 'config.yaml');
  writeFileSync(config, 'auth: none\n');
  return { runDir, userData, extensions, workspace, sample, broken, script, config };
}

async function startCodeServer(nodeHome, entry, run) {
  const port = await freePort();
  const logFile = join(run.runDir, 'code-server.log');
  const out = createWriteStream(logFile);
  const args = [
    entry,
    '--bind-addr', `127.0.0.1:${port}`,
    '--auth', 'none',
    '--disable-telemetry',
    '--disable-update-check',
    '--disable-workspace-trust',
    '--user-data-dir', run.userData,
    '--extensions-dir', run.extensions,
    '--config', run.config,
    run.workspace,
  ];
  // Own process group, so the server and every process it starts are ended together.
  codeServer = spawn(join(nodeHome, 'bin', 'node'), args, { detached: true, stdio: ['ignore', 'pipe', 'pipe'], env: cleanEnv({ PATH: `${join(nodeHome, 'bin')}:${process.env.PATH}` }) });
  codeServer.stdout.pipe(out);
  codeServer.stderr.pipe(out);
  const url = `http://127.0.0.1:${port}`;
  await waitFor('code-server to answer /healthz', async () => {
    if (codeServer.exitCode !== null) throw new Error(`code-server exited with ${codeServer.exitCode}; see ${logFile}`);
    const r = await fetch(`${url}/healthz`);
    return r.ok;
  }, 60_000);
  return { url, logFile };
}

/** Ends code-server's whole process group: SIGTERM, then SIGKILL if it is still there after 5 s. */
async function stopCodeServer() {
  if (!codeServer || codeServer.exitCode !== null || codeServer.signalCode !== null) return;
  const exited = new Promise((resolve) => codeServer.once('exit', resolve));
  const kill = (signal) => {
    try {
      process.kill(-codeServer.pid, signal);
    } catch {}
  };
  kill('SIGTERM');
  const timer = new Promise((resolve) => setTimeout(() => resolve('timeout'), 5000));
  if ((await Promise.race([exited, timer])) === 'timeout') kill('SIGKILL');
  kill('SIGKILL'); // children of the group that outlived their parent
}

/** The pid of this run's language server (dist/server.js started by the extension host), if it is running. */
function languageServerPid(run) {
  const ps = spawnSync('ps', ['-eo', 'pid=,args='], { encoding: 'utf8' });
  const marker = join(run.extensions, EXTENSION_FOLDER, 'dist', 'server.js');
  for (const line of ps.stdout.split('\n')) {
    const m = /^\s*(\d+)\s+(.*)$/.exec(line);
    if (m && m[2].includes(marker)) return Number(m[1]);
  }
  return undefined;
}

/** The custom editor's content frame (nested iframes inside the workbench), once it shows `state`. */
async function editorFrame(page, fileName, states) {
  return waitFor(`the AIoT Lens editor for ${fileName}`, async () => {
    for (const f of page.frames()) {
      const state = await f
        .evaluate((name) => {
          const m = document.getElementById('aiot-lens-editor');
          return m && m.dataset.file === name ? m.dataset.state : null;
        }, fileName)
        .catch(() => null);
      if (state && states.includes(state)) return f;
    }
    return null;
  });
}

/** Runs a palette command by its title. */
async function command(page, title) {
  // Focus the workbench first: keys pressed while a webview has focus stay inside its iframe.
  await page.locator('.monaco-workbench').click({ position: { x: 400, y: 5 } }).catch(() => {});
  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible', timeout: 20_000 });
  await input.fill(`>${title}`);
  await page.locator('.quick-input-list .monaco-list-row', { hasText: title }).first().waitFor({ timeout: 20_000 });
  await page.keyboard.press('Enter');
}

/** Commands ask "which model?" when the active editor is not a model: answer with `fileName`. */
async function pickModelIfAsked(page, fileName) {
  const asked = page.locator('.quick-input-widget', { hasText: 'which model' });
  try {
    await asked.waitFor({ state: 'visible', timeout: 5_000 });
  } catch {
    return; // the active editor was the model
  }
  await page.locator('.quick-input-list .monaco-list-row', { hasText: fileName }).first().click();
}

/** The frame of an AIoT Lens panel (report, charts...) whose text contains `text`. */
async function panelFrame(page, text, timeoutMs = 60_000) {
  return waitFor(`a panel showing '${text}'`, async () => {
    for (const f of page.frames()) {
      const t = await f.evaluate(() => (document.body?.classList.contains('aiot-panel') ? document.body.innerText : null)).catch(() => null);
      if (t && t.includes(text)) return f;
    }
    return null;
  }, timeoutMs, 500);
}

async function quickOpen(page, fileName) {
  await page.locator('.monaco-workbench').click({ position: { x: 400, y: 5 } }).catch(() => {});
  await page.keyboard.press('Control+P');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible', timeout: 20_000 });
  await input.fill(fileName);
  // Enter opens the highlighted first row: wait until the filtered list puts this file there (recent files come first
  // while the filter is still being applied).
  const first = page.locator('.quick-input-list .monaco-list-row').first();
  await waitFor(`${fileName} first in Quick Open`, async () => (await first.innerText()).split('\n')[0]?.trim() === fileName, 30_000);
  await page.keyboard.press('Enter');
}

/** The graph view (when built): boxes drawn, inspector MACs from a search hit, device switch recolouring the overlay. */
async function graphChecks(page, frame, expected) {
  const top = expected.nodes.reduce((a, b) => (b.macs > a.macs ? b : a));
  const devices = JSON.parse(cli(['devices', '--json']).stdout || '[]').filter((d) => d.class === 'mcu');
  const box = (nodeIndex) => frame.locator(`svg.aiot-graph g[data-id="n${nodeIndex}"]`);
  const topIndex = expected.nodes.indexOf(top);

  const drawn = await check('graph view draws the model with boxes and edges', async () => {
    await frame.locator('#tab-graph').click();
    await frame.locator('svg.aiot-graph g.nodes g[data-id]').first().waitFor({ timeout: 30_000 });
    const boxes = await frame.locator('svg.aiot-graph g.nodes g[data-id]').count();
    const edges = await frame.locator('svg.aiot-graph path.edge').count();
    assert(boxes > 5 && edges > 5, `only ${boxes} boxes and ${edges} edges drawn`);
    const titles = await frame.locator('svg.aiot-graph g.nodes text.title').allTextContents();
    assert(titles.includes('Conv'), `no Conv box among the drawn titles: ${titles.slice(0, 10).join(', ')}`);
  });
  await page.screenshot({ path: join(shotsDir, 'graph.png') }).catch(() => {});
  if (!drawn) return;

  const inspectTop = async () => {
    const search = frame.locator('.graph-app input.search');
    await search.fill(top.name);
    await search.press('Enter');
    await frame.locator('.inspector:not([hidden]) h2').first().waitFor({ timeout: 20_000 });
  };
  await check(`searching ${top.name} selects it and the inspector shows the CLI's MACs (${exact(top.macs)})`, async () => {
    await inspectTop();
    await waitFor('the inspector MACs row', async () => {
      const rows = await frame.locator('.inspector .kv').allInnerTexts();
      return rows.some((r) => r.replace(/\s+/g, ' ').trim() === `MACs ${exact(top.macs)}`);
    }, 20_000);
  });
  await check(`weight statistics of ${top.name} load on demand and count its ${exact(top.params)} params`, async () => {
    const slots = frame.locator('.inspector .stats');
    const n = await slots.count();
    assert(n > 0, 'the inspector lists no weights');
    for (let i = 0; i < n; i++) await slots.nth(i).locator('button.link').click();
    const counts = await waitFor('every weight statistic', async () => {
      const texts = await slots.allInnerTexts();
      const c = texts.map((t) => /count\s+([\d,]+)/.exec(t)?.[1]);
      return c.every(Boolean) ? c.map((x) => Number(x.replace(/,/g, ''))) : null;
    }, 20_000);
    const total = counts.reduce((a, b) => a + b, 0);
    assert(total === top.params, `weights hold ${total} elements, the CLI counts ${top.params} params`);
  });
  await page.screenshot({ path: join(shotsDir, 'graph-inspector.png') }).catch(() => {});

  if (devices.length === 0) return;
  const device = devices[0];
  await check(`switching the device to ${device.id} recolours the latency overlay`, async () => {
    const heatBefore = await box(topIndex).evaluate((el) => el.style.getPropertyValue('--heat')).catch(() => '');
    await page.locator('.statusbar-item', { hasText: 'No device' }).first().click();
    const input = page.locator('.quick-input-widget input');
    await input.waitFor({ state: 'visible', timeout: 20_000 });
    await input.fill(device.id);
    // A board has one profile per runtime (stm32f746, stm32f746@tflm-cmsis-nn, ...): click the one named, not the first.
    await page.locator('.quick-input-list .monaco-list-row', { hasText: device.name }).first().click({ timeout: 20_000 });
    await page.locator('.statusbar-item', { hasText: device.id }).first().waitFor({ timeout: 20_000 });
    // The overlay offers latency once the host has sent per-node estimates for the device.
    await waitFor('latency metrics for the device', async () => {
      const label = await frame.locator('.graph-app select option[value=latency]').textContent();
      return label && !label.includes('needs a device');
    }, 20_000);
    await frame.locator('.graph-app select').selectOption('latency');
    const heatAfter = await waitFor('the top node to be coloured by latency', async () => {
      const v = await box(topIndex).evaluate((el) => el.style.getPropertyValue('--heat'));
      return v && v !== heatBefore ? v : null;
    }, 20_000);
    assert(heatAfter, 'no heat colour on the top node');
    await inspectTop();
    await waitFor(`the inspector's estimate on ${device.name}`, async () => (await frame.locator('.inspector').textContent()).includes(`On ${device.name}`), 20_000);
    // Issue 12: the node's latency carries its interval, the model total its range, and the evidence is named.
    const rows = (await frame.locator('.inspector .kv').allInnerTexts()).map((r) => r.replace(/\s+/g, ' ').trim());
    assert(rows.some((r) => /^latency [\d.]+[kM]? ms \([\d.]+[kM]?–[\d.]+[kM]?\)$/.test(r)), `no latency range in the inspector: ${rows.join(' | ')}`);
    assert(rows.some((r) => /^model [\d.]+[kM]? ms \([\d.]+[kM]?–[\d.]+[kM]?\)$/.test(r)), `no model range in the inspector: ${rows.join(' | ')}`);
    assert(rows.some((r) => /^evidence (\d+ points?|no evidence \(wide range\))$/.test(r)), `no evidence row in the inspector: ${rows.join(' | ')}`);
    await frame.locator('.inspector').screenshot({ path: join(shotsDir, 'inspector-range.png') }).catch(() => {});
  });
  await page.screenshot({ path: join(shotsDir, 'graph-overlay.png') }).catch(() => {});
}

async function main() {
  const startedAll = Date.now();
  assert(existsSync(join(root, 'dist', 'extension.js')) && existsSync(join(root, 'dist', 'cli.js')), 'dist/ is missing: run `npm run build` first');

  const analyzed = cli(['analyze', SAMPLE, '--json']);
  assert(analyzed.code === 0, `CLI could not analyze the sample: ${analyzed.stderr}`);
  const expected = JSON.parse(analyzed.stdout);

  let t = Date.now();
  const nodeHome = ensureNode24(cacheDir);
  const entry = ensureCodeServer(cacheDir, nodeHome);
  const chromiumPath = ensureChromium();
  log(`tools ready in ${((Date.now() - t) / 1000).toFixed(1)} s`);
  armWatchdog();

  const run = prepareRun();
  const brokenCli = cli(['analyze', run.broken]);
  rmSync(shotsDir, { recursive: true, force: true });
  mkdirSync(shotsDir, { recursive: true });

  t = Date.now();
  const server = await startCodeServer(nodeHome, entry, run);
  log(`code-server up at ${server.url} in ${((Date.now() - t) / 1000).toFixed(1)} s (log: ${server.logFile})`);

  browser = await chromium.launchPersistentContext(join(run.runDir, 'chromium'), {
    executablePath: chromiumPath,
    headless: true,
    viewport: { width: 1400, height: 900 },
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    timeout: 60_000,
  });
  const page = browser.pages()[0] ?? (await browser.newPage());
  page.setDefaultTimeout(STEP_TIMEOUT_MS);
  // Errors from the editor's webview (script errors, CSP refusals) fail the run even when the page looks fine.
  const webviewErrors = [];
  page.on('console', (m) => {
    const text = m.text();
    const where = m.location()?.url ?? '';
    if (m.type() === 'error' && (/dist\/webview|media\/(editor|graph)/.test(where) || /Content Security Policy|Refused to/.test(text))) webviewErrors.push(`${text} (${where})`);
  });
  page.on('pageerror', (e) => {
    if (/dist\/webview/.test(e.stack ?? '')) webviewErrors.push(e.message);
  });

  const ready = await check('workbench loads with the workspace', async () => {
    await page.goto(`${server.url}/?folder=${encodeURIComponent(run.workspace)}`, { timeout: 60_000 });
    await page.locator('.monaco-workbench').waitFor({ timeout: 90_000 });
    await page.locator('.explorer-folders-view .monaco-list-row', { hasText: basename(SAMPLE) }).first().waitFor({ timeout: 90_000 });
  });

  const fileName = basename(SAMPLE);
  let frame;
  if (ready) {
    await check(`custom editor opens ${fileName}`, async () => {
      await quickOpen(page, fileName);
      frame = await editorFrame(page, fileName, ['ready', 'error']);
      const state = await frame.evaluate(() => document.getElementById('aiot-lens-editor').dataset.state);
      if (state !== 'ready') throw new Error(`editor shows an error: ${await frame.locator('#summary').innerText()}`);
    });
  }
  await page.screenshot({ path: join(shotsDir, 'sample-model.png') }).catch(() => {});
  // With the graph view built, the summary and node table sit on their own tab.
  if (frame && (await frame.locator('#tab-details').count()) > 0) {
    await frame.locator('#tab-details').click();
    await page.screenshot({ path: join(shotsDir, 'sample-model-details.png') }).catch(() => {});
  }

  if (frame) {
    const summary = await frame.locator('#summary').innerText();
    await check('summary shows the model name', async () => {
      const name = await frame.locator('.model-name').innerText();
      assert(name.trim() === fileName, `model name is '${name}', expected '${fileName}'`);
    });
    await check(`summary shows the CLI's node count (${expected.model.nodeCount})`, async () => {
      const nodes = await frame.locator('[data-metric=nodes] .metric-value').innerText();
      assert(nodes.trim() === exact(expected.model.nodeCount), `node count is '${nodes}', CLI says ${expected.model.nodeCount}`);
    });
    await check(`summary shows the CLI's total MACs (${exact(expected.totals.macs)})`, async () => {
      assert(summary.includes(`${exact(expected.totals.macs)} MACs`), `'${exact(expected.totals.macs)} MACs' not in:\n${summary}`);
    });
    await check("summary shows the CLI's params, weight bytes, peak activations and arena", async () => {
      for (const [key, text] of [
        ['params', `${exact(expected.totals.params)} params`],
        ['weightBytes', `${exact(expected.totals.weightBytes)} bytes`],
        ['peakActivationBytes', `${exact(expected.totals.peakActivationBytes)} bytes`],
        ['arenaBytes', `${exact(expected.totals.arenaBytes)} bytes`],
      ]) {
        const shown = await frame.locator(`[data-metric=${key}] .metric-exact`).innerText();
        assert(shown.trim() === text, `${key} shows '${shown}', CLI says '${text}'`);
      }
    });
    await check("summary shows the memory plans as the CLI's plans, with the patch region and per-tile buffers", async () => {
      // The CLI searches the patch split only when asked (--plan patch); the editor shows it for every model.
      const withPatch = cli(['analyze', SAMPLE, '--json', '--plan', 'patch']);
      assert(withPatch.code === 0, `CLI could not analyze the sample with --plan patch: ${withPatch.stderr}`);
      const plans = JSON.parse(withPatch.stdout).plans;
      for (const key of ['per-tensor', 'in-place', 'patch']) {
        const shown = await frame.locator(`[data-metric=plan-${key}] .metric-exact`).innerText();
        const want = `${exact(plans[key].peakActivationBytes)} bytes peak`;
        assert(shown.trim().startsWith(want), `plan ${key} shows '${shown}', CLI says '${want}'`);
      }
      const note = await frame.locator('[data-metric=plan-patch] .metric-note').innerText();
      assert(note.includes(`the first ${plans.patch.split.prefixNodes} nodes`) && note.includes('per-tile buffers'), `patch note: '${note}'`);
    });
    await check('node table lists every node and sorts by MACs', async () => {
      const rows = await frame.locator('.node-table tbody tr').count();
      assert(rows === Math.min(expected.nodes.length, 500), `table has ${rows} rows, CLI reports ${expected.nodes.length} nodes`);
      await frame.locator('.node-table th[data-key=macs]').click();
      const top = expected.nodes.reduce((a, b) => (b.macs > a.macs ? b : a));
      await waitFor('the table to sort', async () => (await frame.locator('.node-table tbody tr').first().getAttribute('data-node')) === top.name, 10_000);
    });
    await page.screenshot({ path: join(shotsDir, 'sample-model-sorted.png') }).catch(() => {});
  }

  if (frame && (await frame.locator('#tab-graph').count()) > 0) await graphChecks(page, frame, expected);

  if (ready) {
    await check('broken.onnx shows a clear error, not a blank page', async () => {
      assert(brokenCli.code === 2, `the CLI was expected to reject broken.onnx with exit 2 (got ${brokenCli.code})`);
      await quickOpen(page, 'broken.onnx');
      const f = await editorFrame(page, 'broken.onnx', ['error', 'ready']);
      const state = await f.evaluate(() => document.getElementById('aiot-lens-editor').dataset.state);
      assert(state === 'error', `editor state is '${state}', expected 'error'`);
      const alert = await f.locator('[role=alert]').innerText();
      assert(alert.includes('cannot open this model'), `no headline in: ${alert}`);
      const message = (await f.locator('.error-message').innerText()).trim();
      assert(message.length > 10, `error message too short: '${message}'`);
      // The editor and the CLI report the same engine error for the same file.
      assert(brokenCli.stderr.includes(message) || message.includes(brokenCli.stderr.trim().replace(/^[^:]*:\s*/, '')), `editor says '${message}', CLI says '${brokenCli.stderr.trim()}'`);
    });
    await page.screenshot({ path: join(shotsDir, 'broken-model.png') }).catch(() => {});

    await check('fixing broken.onnx on disk refreshes its editor', async () => {
      const f = await editorFrame(page, 'broken.onnx', ['error', 'ready']);
      cpSync(SAMPLE, run.broken);
      await waitFor('the repaired model to render', async () => (await f.evaluate(() => document.getElementById('aiot-lens-editor').dataset.state)) === 'ready', 30_000);
      const nodes = await f.locator('[data-metric=nodes] .metric-value').innerText();
      assert(nodes.trim() === exact(expected.model.nodeCount), `after the fix the node count is '${nodes}', CLI says ${expected.model.nodeCount}`);
    });

    await check('a crashed language server restarts and the open editor reloads', async () => {
      const f = await editorFrame(page, 'broken.onnx', ['ready']);
      const renders = Number(await f.evaluate(() => document.getElementById('aiot-lens-editor').dataset.renders));
      const pid = languageServerPid(run);
      assert(pid, 'no language server process found');
      process.kill(pid, 'SIGKILL');
      await waitFor('the editor to re-render from the restarted server', async () => {
        const now = Number(await f.evaluate(() => document.getElementById('aiot-lens-editor').dataset.renders));
        return now > renders && (await f.evaluate(() => document.getElementById('aiot-lens-editor').dataset.state)) === 'ready';
      }, 60_000);
      const again = languageServerPid(run);
      assert(again && again !== pid, 'the language server did not come back as a new process');
    });
  }

  if (ready) {
    await check("a Python training script gets a code lens with the CLI's parameter count", async () => {
      const r = cli(['check-script', run.script, '--json']);
      const modules = JSON.parse(r.stdout || '{}').modules ?? [];
      assert(modules.length > 0 && typeof modules[0].params === 'number', `check-script found no module: ${r.stdout}${r.stderr}`);
      const want = `${modules[0].params.toLocaleString('en-US')} params`;
      await quickOpen(page, 'net.py');
      await page.locator('.codelens-decoration', { hasText: want }).first().waitFor({ timeout: 45_000 });
    });
    await page.screenshot({ path: join(shotsDir, 'python-script.png') }).catch(() => {});
  }

  await check("torchvision's mobilenet_v2.onnx opens with the CLI's node count and MACs and its graph drawn", async () => {
    const want = JSON.parse(cli(['analyze', MOBILENET, '--json']).stdout);
    await quickOpen(page, 'mobilenet_v2.onnx');
    const f = await editorFrame(page, 'mobilenet_v2.onnx', ['ready', 'error']);
    const nodes = await f.locator('[data-metric=nodes] .metric-value').innerText();
    assert(nodes.trim() === exact(want.model.nodeCount), `node count is '${nodes}', CLI says ${want.model.nodeCount}`);
    const summary = await f.locator('#summary').innerText();
    assert(summary.includes(`${exact(want.totals.macs)} MACs`), `'${exact(want.totals.macs)} MACs' not in:\n${summary}`);
    await waitFor('graph boxes', async () => (await f.locator('svg.aiot-graph g[data-id]').count()) > 20, 60_000);
    await page.screenshot({ path: join(shotsDir, 'mobilenet_v2.png') }).catch(() => {});
  });

  await check("MediaPipe's face_detection_short_range.tflite opens with the CLI's node count and MACs and its TFLite graph drawn", async () => {
    const want = JSON.parse(cli(['analyze', BLAZEFACE, '--json']).stdout);
    const name = basename(BLAZEFACE);
    await quickOpen(page, name);
    const f = await editorFrame(page, name, ['ready', 'error']);
    const nodes = await f.locator('[data-metric=nodes] .metric-value').innerText();
    assert(nodes.trim() === exact(want.model.nodeCount), `node count is '${nodes}', CLI says ${want.model.nodeCount}`);
    const summary = await f.locator('#summary').innerText();
    assert(summary.includes(`${exact(want.totals.macs)} MACs`), `'${exact(want.totals.macs)} MACs' not in:\n${summary}`);
    assert(summary.includes('TFLite flatbuffer'), `the summary does not say TFLite:\n${summary}`);
    await f.locator('#tab-graph').click();
    await waitFor('graph boxes', async () => (await f.locator('svg.aiot-graph g[data-id]').count()) > 20, 60_000);
    const titles = await f.locator('svg.aiot-graph g.nodes text.title').allTextContents();
    assert(titles.includes('CONV_2D') && titles.includes('DEPTHWISE_CONV_2D'), `no CONV_2D/DEPTHWISE_CONV_2D boxes: ${titles.slice(0, 10).join(', ')}`);
    await page.screenshot({ path: join(shotsDir, 'tflite-graph.png') }).catch(() => {});
  });

  await check('an int8 .tflite: the CONV_2D inspector shows per-channel scales and zero points and the CLI\'s MACs', async () => {
    await quickOpen(page, 'conv_int8.tflite');
    const f = await editorFrame(page, 'conv_int8.tflite', ['ready', 'error']);
    await f.locator('#tab-graph').click();
    await f.locator('svg.aiot-graph g.nodes g[data-id]').first().waitFor({ timeout: 30_000 });
    const search = f.locator('.graph-app input.search');
    await search.fill('c1');
    await search.press('Enter');
    await f.locator('.inspector:not([hidden]) h2').first().waitFor({ timeout: 20_000 });
    await waitFor('the quantization rows', async () => (await f.locator('.inspector').innerText()).includes('per channel along dim 0 (4)'), 20_000);
    const text = (await f.locator('.inspector').innerText()).replace(/\s+/g, ' ');
    assert(text.includes('MACs 6,912'), `the inspector lacks the CONV_2D's 6,912 MACs: ${text.slice(0, 400)}`);
    assert(text.includes('scale 0.5, zero point -1'), `the input's per-tensor quantization is missing: ${text.slice(0, 600)}`);
    await f.locator('.inspector details.channels summary').first().click().catch(() => {});
    await page.screenshot({ path: join(shotsDir, 'tflite-inspector.png') }).catch(() => {});
  });

  await check("the AIoT Lens activity bar lists the sample in the Models tree with the CLI's params and MACs", async () => {
    // src/core/format.ts formatCount, for the k and M ranges these models fall in.
    const count = (n) => (n >= 1e6 ? `${(n / 1e6).toFixed(1)} M` : n >= 1e3 ? `${(n / 1e3).toFixed(1)} k` : String(n));
    const want = `${count(expected.totals.params)} params · ${count(expected.totals.macs)} MACs`;
    await page.locator('.activitybar li[aria-label^="AIoT Lens"], .activitybar a[aria-label^="AIoT Lens"]').first().click();
    const row = page.locator('.monaco-list-row', { hasText: 'mobilenet_v2_vww_96.onnx' }).first();
    await row.waitFor({ timeout: 60_000 });
    const deadline = Date.now() + 60_000;
    let text = '';
    while (Date.now() < deadline && !(text = await row.innerText()).includes(want)) await new Promise((r) => setTimeout(r, 500));
    assert(text.includes(want), `Models row shows '${text.replace(/\n/g, ' | ')}', expected '${want}'`);
    await page.screenshot({ path: join(shotsDir, 'models-tree.png') }).catch(() => {});
  });

  await check("Analyze Model opens the report panel with the CLI's MACs", async () => {
    await quickOpen(page, 'mobilenet_v2_vww_96.onnx');
    await command(page, 'AIoT Lens: Analyze Model');
    await pickModelIfAsked(page, 'mobilenet_v2_vww_96.onnx');
    // The report prints exact figures beside the rounded ones: "10.7 M (10656688)".
    const frame = await panelFrame(page, `(${expected.totals.macs})`);
    await page.screenshot({ path: join(shotsDir, 'analyze-report.png') }).catch(() => {});
    assert(await frame.locator('table').count() > 0, 'the report panel has no table');
  });

  await check('Export Report writes a Markdown report with the same figures through the save dialog', async () => {
    const file = join(run.workspace, 'mobilenet_v2_vww_96.report.md');
    await quickOpen(page, 'mobilenet_v2_vww_96.onnx');
    await command(page, 'AIoT Lens: Export Report');
    await pickModelIfAsked(page, 'mobilenet_v2_vww_96.onnx');
    const input = page.locator('.quick-input-widget input');
    await waitFor('the save dialog', async () => (await input.inputValue()).endsWith('.md'), 60_000);
    await page.keyboard.press('Enter');
    await waitFor('the report file', async () => existsSync(file), 30_000);
    const text = readFileSync(file, 'utf8');
    assert(text.includes(String(expected.totals.macs)), 'the report lacks the CLI\'s MACs');
    assert(text.includes(String(expected.totals.params)), 'the report lacks the CLI\'s params');
  });

  await check('Calibrate Device from Measurements fits esp32-s3 to the open CSV and writes .aiot/devices/esp32-s3.json', async () => {
    const written = join(run.workspace, '.aiot', 'devices', 'esp32-s3.json');
    await quickOpen(page, 'timings.csv');
    await command(page, 'AIoT Lens: Calibrate Device from Measurements');
    const input = page.locator('.quick-input-widget input');
    await input.waitFor({ state: 'visible', timeout: 20_000 });
    await input.fill('esp32-s3 ·');
    await page.locator('.quick-input-list .monaco-list-row', { hasText: 'esp32-s3 · ' }).first().click();
    await waitFor('the calibrated profile', async () => existsSync(written), 90_000);
    const profile = JSON.parse(readFileSync(written, 'utf8'));
    assert(profile.fit?.level === 'user' && profile.fit.evidencePoints === 8, `fit ${JSON.stringify(profile.fit?.level)} from ${profile.fit?.evidencePoints} points`);
    await page.locator('.notifications-toasts', { hasText: 'esp32-s3 calibrated from 8 models' }).first().waitFor({ timeout: 30_000 });
    await page.screenshot({ path: join(shotsDir, 'calibrate-device.png') }).catch(() => {});
  });

  await check("Train Input Filter on Silero VAD's speech samples opens the skip/recall panel with the CLI's figures", async () => {
    const model = join(run.workspace, 'vad', 'silero_vad.onnx');
    const speech = join(run.workspace, 'vad', 'speech');
    const want = JSON.parse(cli(['filter', model, '--samples', speech, '--device', 'stm32h743', '--json']).stdout);
    // The filter is costed on the active device: set it for the workspace.
    mkdirSync(join(run.workspace, '.vscode'), { recursive: true });
    writeFileSync(join(run.workspace, '.vscode', 'settings.json'), JSON.stringify({ 'aiotLens.activeDevice': 'stm32h743' }));
    await page.locator('.statusbar-item', { hasText: 'stm32h743' }).first().waitFor({ timeout: 20_000 });
    await page.keyboard.press('Escape');
    await command(page, 'AIoT Lens: Train Input Filter');
    // Which model (the workspace holds several), then which samples folder: answered by typing, as a user would.
    const widget = page.locator('.quick-input-widget');
    await widget.filter({ hasText: /which model|samples for/ }).first().waitFor({ timeout: 30_000 });
    if (await widget.filter({ hasText: 'which model' }).count()) {
      await page.locator('.quick-input-widget input').fill('silero_vad.onnx');
      await page.locator('.quick-input-list .monaco-list-row', { hasText: 'silero_vad.onnx' }).first().click({ timeout: 20_000 });
    }
    await widget.filter({ hasText: 'samples for silero_vad.onnx' }).first().waitFor({ timeout: 30_000 }).catch(async (e) => {
      await page.screenshot({ path: join(shotsDir, 'input-filter-fail.png') }).catch(() => {});
      const toasts = await page.locator('.notifications-toasts').allInnerTexts().catch(() => []);
      const quick = await widget.allInnerTexts().catch(() => []);
      throw new Error(`${e.message.split('\n')[0]}; notifications: ${toasts.join(' | ')}; quick input: ${quick.join(' | ')}`);
    });
    await page.screenshot({ path: join(shotsDir, 'input-filter-folders.png') }).catch(() => {});
    await page.locator('.quick-input-list .monaco-list-row', { hasText: 'speech' }).first().click({ timeout: 20_000 });
    const skip = `skips ${(100 * want.heldOut.skipRatio).toFixed(1)}%`;
    const frame = await panelFrame(page, skip, 90_000);
    await page.screenshot({ path: join(shotsDir, 'input-filter.png') }).catch(() => {});
    assert(await frame.locator('svg polyline').count() === 2, 'the panel has no skip/recall curves');
    assert(existsSync(join(run.workspace, 'vad', 'silero_vad.onnx.filter.json')), 'no report beside the model');
    assert(existsSync(join(run.workspace, 'vad', 'silero_vad.filter.onnx')), 'no filter model beside the model');
  });

  await check('no script errors or CSP refusals in the editor webview', async () => {
    assert(webviewErrors.length === 0, webviewErrors.slice(0, 5).join('\n'));
  });

  log(`screenshots in ${shotsDir}; run folder ${run.runDir}; total ${((Date.now() - startedAll) / 1000).toFixed(1)} s`);
}

let watchdog;
/** Armed once the (synchronous, separately bounded) installs are done, so their time does not count. */
function armWatchdog() {
  watchdog = setTimeout(() => {
    log(`FAIL the run exceeded ${OVERALL_TIMEOUT_MS / 60_000} min`);
    try {
      process.kill(-codeServer?.pid, 'SIGKILL');
    } catch {}
    const failed = results.filter((r) => !r.ok).length + 1;
    console.log(`e2e: ${results.length + 1 - failed} passed, ${failed} failed`);
    process.exit(1);
  }, OVERALL_TIMEOUT_MS);
}

let fatal;
try {
  await main();
} catch (e) {
  fatal = e;
  results.push({ name: 'setup', ok: false });
  log(`FAIL ${e instanceof Error ? e.message : e}`);
} finally {
  await browser?.close().catch(() => {});
  await stopCodeServer();
  clearTimeout(watchdog);
}
const failed = results.filter((r) => !r.ok).length;
console.log(`e2e: ${results.length - failed} passed, ${failed} failed`);
process.exitCode = failed > 0 || fatal ? 1 : 0;
