// Starts `node dist/cli.js ...` as a child in its own process group and ends that whole group on cancel
// (no vscode import: unit-tested in Node).

import { spawn } from 'node:child_process';

export type CliOutcome = { ok: true; stdout: string; code: number } | { ok: false; cancelled: boolean; message: string };

export interface CliRun {
  done: Promise<CliOutcome>;
  pid: number | undefined;
  cancel(): void;
}

export function startCli(nodePath: string, cliPath: string, args: string[], cwd: string): CliRun {
  // process.execPath is Electron (desktop) or Node (code-server); ELECTRON_RUN_AS_NODE makes both run plain Node.
  const child = spawn(nodePath, [cliPath, ...args], {
    cwd,
    env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: process.platform !== 'win32',
  });
  let stdout = '';
  let stderr = '';
  let cancelled = false;
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const done = new Promise<CliOutcome>((resolve) => {
    child.on('error', (e) => resolve({ ok: false, cancelled: false, message: `cannot start the AIoT Lens CLI (${e.message})` }));
    child.on('close', (code) => {
      if (cancelled) resolve({ ok: false, cancelled: true, message: 'cancelled' });
      // Exit 1 is a completed run whose check failed (e.g. verification); its JSON is still on stdout.
      else if (code === 0 || (code === 1 && stdout.trim().startsWith('{'))) resolve({ ok: true, stdout, code: code ?? 0 });
      else resolve({ ok: false, cancelled: false, message: stderr.trim().split('\n')[0] || `the CLI exited with code ${code}` });
    });
  });
  return {
    done,
    pid: child.pid,
    cancel() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      cancelled = true;
      try {
        // Negative pid: the whole group, so nothing the CLI started outlives it.
        if (child.pid !== undefined && process.platform !== 'win32') process.kill(-child.pid, 'SIGKILL');
        else child.kill('SIGKILL');
      } catch {
        // already exited
      }
    },
  };
}
