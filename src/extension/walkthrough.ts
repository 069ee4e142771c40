// The Getting Started walkthrough's command: open a private copy of the bundled sample model (the extension
// folder stays untouched).

import { copyFileSync, existsSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { MODEL_EDITOR_VIEW_TYPE } from './modelEditorProvider';

export const SAMPLE_MODEL = 'samples/mobilenet_v2_vww_96.onnx';

export function registerWalkthrough(context: vscode.ExtensionContext): void {
  context.subscriptions.push(
    vscode.commands.registerCommand('aiotLens.openSample', async () => {
      const from = context.asAbsolutePath(SAMPLE_MODEL);
      const dir = join(tmpdir(), 'aiot-lens-sample');
      const to = join(dir, 'mobilenet_v2_vww_96.onnx');
      mkdirSync(dir, { recursive: true });
      // Optimize and Split write next to the model: a copy keeps the installed extension read-only.
      if (!existsSync(to)) copyFileSync(from, to);
      await vscode.commands.executeCommand('vscode.openWith', vscode.Uri.file(to), MODEL_EDITOR_VIEW_TYPE);
      return to;
    }),
  );
}
