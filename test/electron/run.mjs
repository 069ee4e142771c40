// Runs test/electron/suite inside a real VS Code extension host through @vscode/test-electron.
// Needs a machine that can download VS Code (and a display or xvfb-run); CI uses test/e2e (code-server) instead.
// Usage: npm run build && npm run test:electron   (set VSCODE_VERSION to pin a version, default: stable)
import { mkdirSync, cpSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runTests } from '@vscode/test-electron';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const workspace = mkdtempSync(join(tmpdir(), 'aiot-lens-electron-'));
mkdirSync(workspace, { recursive: true });
cpSync(join(root, 'samples', 'mobilenet_v2_vww_96.onnx'), join(workspace, 'mobilenet_v2_vww_96.onnx'));

try {
  await runTests({
    version: process.env.VSCODE_VERSION ?? 'stable',
    extensionDevelopmentPath: root,
    extensionTestsPath: join(root, 'test', 'electron', 'suite', 'index.cjs'),
    extensionTestsEnv: { AIOT_LENS_ROOT: root },
    launchArgs: [workspace, '--disable-extensions', '--disable-gpu', '--disable-workspace-trust'],
  });
} catch (e) {
  console.error(`test:electron: ${e instanceof Error ? e.message : e}`);
  process.exit(1);
}
