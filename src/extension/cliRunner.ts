// Runs the bundled CLI (dist/cli.js) in a child Node process so native onnxruntime never loads in the extension
// host; a progress notification whose Cancel kills the child's whole process group.

import * as vscode from 'vscode';
import { reviveNumbers } from '../core/verify/agreement';
import { startCli, type CliOutcome } from './childCli';

export type { CliOutcome } from './childCli';

export function runCli(context: vscode.ExtensionContext, title: string, args: string[], cwd?: string): Thenable<CliOutcome> {
  return vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title, cancellable: true }, (_progress, token) => {
    const run = startCli(process.execPath, context.asAbsolutePath('dist/cli.js'), args, cwd ?? context.extensionPath);
    const sub = token.onCancellationRequested(() => run.cancel());
    return run.done.finally(() => sub.dispose());
  });
}

/** The CLI's `--json` output, or undefined when it printed none. */
export function parseJson<T>(text: string): T | undefined {
  try {
    // Infinite figures (SNR of identical outputs) arrive as "Infinity" strings: numbers again here.
    return JSON.parse(text, reviveNumbers) as T;
  } catch {
    return undefined;
  }
}
