// Runs inside VS Code's extension host: activates AIoT Lens, opens the sample in the custom editor, and checks the
// language server's analysis against the CLI's. Plain asserts, no test framework; a rejection fails the run.
const assert = require('node:assert/strict');
const { execFileSync } = require('node:child_process');
const path = require('node:path');
const vscode = require('vscode');

const tests = [];
const test = (name, fn) => tests.push({ name, fn });

async function waitFor(what, fn, timeoutMs = 30000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const v = await fn();
    if (v) return v;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`timed out waiting for ${what}`);
}

const root = process.env.AIOT_LENS_ROOT;
const sample = () => vscode.Uri.joinPath(vscode.workspace.workspaceFolders[0].uri, 'mobilenet_v2_vww_96.onnx');

test('the extension activates', async () => {
  const ext = vscode.extensions.getExtension('aiot-lens.aiot-lens');
  assert.ok(ext, 'extension aiot-lens.aiot-lens not found');
  await ext.activate();
  assert.equal(ext.isActive, true);
});

test('*.onnx opens in the AIoT Lens custom editor', async () => {
  await vscode.commands.executeCommand('vscode.open', sample());
  const tab = await waitFor('the custom editor tab', () => {
    const t = vscode.window.tabGroups.activeTabGroup.activeTab;
    return t && t.input instanceof vscode.TabInputCustom ? t : undefined;
  });
  assert.equal(tab.input.viewType, 'aiotLens.modelEditor');
});

test('the language server analysis agrees with the CLI', async () => {
  const api = vscode.extensions.getExtension('aiot-lens.aiot-lens').exports;
  const result = await api.analyze(sample());
  assert.equal(result.ok, true, JSON.stringify(result.error));
  const cli = JSON.parse(execFileSync(process.execPath, [path.join(root, 'dist', 'cli.js'), 'analyze', sample().fsPath, '--json'], { encoding: 'utf8', env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' } }));
  assert.equal(result.report.model.nodeCount, cli.model.nodeCount);
  assert.equal(result.report.totals.macs, cli.totals.macs);
  assert.equal(result.report.totals.params, cli.totals.params);
});

exports.run = async function run() {
  let failed = 0;
  for (const t of tests) {
    try {
      await t.fn();
      console.log(`ok   ${t.name}`);
    } catch (e) {
      failed++;
      console.log(`FAIL ${t.name}: ${e && e.message}`);
    }
  }
  console.log(`electron: ${tests.length - failed} passed, ${failed} failed`);
  if (failed) throw new Error(`${failed} test(s) failed`);
};
