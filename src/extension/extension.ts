// Extension entry: starts the language client and registers the thin UI adapters (editor, status bar, features).

import * as vscode from 'vscode';
import { LensClient } from './client';
import { ModelEditorProvider } from './modelEditorProvider';
import { registerStatusBar } from './statusBar';

export function activate(context: vscode.ExtensionContext): void {
  const client = new LensClient(context);
  context.subscriptions.push(client, ModelEditorProvider.register(context, client));
  registerStatusBar(context);
  // Other features register here, one line each: e.g. registerOnnxText(context);
}

export function deactivate(): void {}
