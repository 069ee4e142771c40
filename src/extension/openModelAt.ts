// `aiotLens.openModelAt {modelPath, nodeNames}`: opens a model's graph at the nodes a code lens points to.

import * as vscode from 'vscode';
import type { ModelEditorProvider } from './modelEditorProvider';

export const OPEN_MODEL_AT_COMMAND = 'aiotLens.openModelAt';

export function registerOpenModelAt(context: vscode.ExtensionContext, editor: ModelEditorProvider): void {
  context.subscriptions.push(
    vscode.commands.registerCommand(OPEN_MODEL_AT_COMMAND, async (arg: unknown) => {
      // Arguments come from the language server's code lenses: check them like any outside input.
      const a = (typeof arg === 'object' && arg !== null ? arg : {}) as { modelPath?: unknown; nodeNames?: unknown };
      if (typeof a.modelPath !== 'string' || a.modelPath === '') return;
      const names = Array.isArray(a.nodeNames) ? a.nodeNames.filter((n): n is string => typeof n === 'string') : [];
      await editor.openAt(vscode.Uri.file(a.modelPath), names);
    }),
  );
}
