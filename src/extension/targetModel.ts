// Which model a command acts on: its argument (explorer/editor-title Uri, tree item), the active model editor, or a pick.

import * as vscode from 'vscode';
import { isModelPath, MODEL_GLOB } from './modelFiles';

export function uriOfArg(arg: unknown): vscode.Uri | undefined {
  if (arg instanceof vscode.Uri) return arg;
  if (typeof arg === 'object' && arg !== null) {
    const u = (arg as { resourceUri?: unknown; uri?: unknown }).resourceUri ?? (arg as { uri?: unknown }).uri;
    if (u instanceof vscode.Uri) return u;
  }
  return undefined;
}

export async function targetModel(arg: unknown): Promise<vscode.Uri | undefined> {
  const fromArg = uriOfArg(arg);
  if (fromArg) return fromArg;
  const input = vscode.window.tabGroups.activeTabGroup.activeTab?.input;
  if (input instanceof vscode.TabInputCustom && isModelPath(input.uri.path)) return input.uri;
  const active = vscode.window.activeTextEditor?.document.uri;
  if (active && isModelPath(active.path)) return active;
  const files = await vscode.workspace.findFiles(MODEL_GLOB, '**/node_modules/**', 500);
  if (files.length === 1) return files[0];
  if (files.length === 0) {
    void vscode.window.showInformationMessage('AIoT Lens: no .onnx or .tflite model in this workspace. Open one first.');
    return undefined;
  }
  const pick = await vscode.window.showQuickPick(
    files.map((u) => ({ label: vscode.workspace.asRelativePath(u), uri: u })),
    { title: 'AIoT Lens: which model?' },
  );
  return pick?.uri;
}

/** Commands that run models or write files refuse in an untrusted workspace, and say why. */
export function requireTrust(what: string): boolean {
  if (vscode.workspace.isTrusted) return true;
  void vscode.window.showWarningMessage(
    `AIoT Lens: ${what} is disabled in an untrusted workspace: it runs the model in onnxruntime or writes files. Analysis still works.`,
    'Manage Workspace Trust',
  ).then((c) => c && vscode.commands.executeCommand('workbench.trust.manage'));
  return false;
}
