// Runs the bundled CLI (dist/cli.js) in a child Node process so native onnxruntime never loads in the extension
// host; progress with Cancel that kills the child's whole process group.

import { spawn } from 'node:child_process';
import * as vscode from 'vscode';

export type CliOutcome = { ok: true; stdout: string; code: number } | { ok: false; cancelled: boolean; message: string };

export function runCli(context: vscode.ExtensionContext, title: string, args: string[], cwd?: string): Thenable<CliOutcome> {
  return vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title, cancellable: true }, (_progress, token) =>
    new Promise<CliOutcome>((resolve) => {
      // process.execPath is Electron (desktop) or Node (code-server); ELECTRON_RUN_AS_NODE makes both run plain Node.
      const child = spawn(process.execPath, [context.asAbsolutePath('dist/cli.js'), ...args], {
        cwd: cwd ?? context.extensionPath,
        env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' },
        stdio: ['ignore', 'pipe', 'pipe'],
        detached: process.platform !== 'win32',
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      let cancelled = false;
      const sub = token.onCancellationRequested(() => {
        cancelled = true;
        try {
          // Negative pid: the whole group (onnxruntime worker threads live in the same process anyway).
          if (child.pid !== undefined && process.platform !== 'win32') process.kill(-child.pid, 'SIGKILL');
          else child.kill('SIGKILL');
        } catch {
          // already exited
        }
      });
      child.on('error', (e) => {
        sub.dispose();
        resolve({ ok: false, cancelled: false, message: `cannot start the AIoT Lens CLI (${e.message})` });
      });
      child.on('close', (code) => {
        sub.dispose();
        if (cancelled) resolve({ ok: false, cancelled: true, message: 'cancelled' });
        // Exit 1 is a completed run whose check failed (e.g. verification); its JSON is still on stdout.
        else if (code === 0 || (code === 1 && stdout.trim().startsWith('{'))) resolve({ ok: true, stdout, code: code ?? 0 });
        else resolve({ ok: false, cancelled: false, message: stderr.trim().split('\n')[0] || `the CLI exited with code ${code}` });
      });
    }),
  );
}
