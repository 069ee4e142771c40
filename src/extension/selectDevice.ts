// The device picker (status bar click, graph toolbar, command palette): built-in and workspace profiles by class.

import * as vscode from 'vscode';
import { isLink, loadProfiles, type DeviceProfile } from '../core/devices';
import { readSettings } from './settings';
import { SELECT_DEVICE_COMMAND } from './statusBar';

function size(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${+(bytes / 1024 / 1024).toFixed(1)} MiB` : `${+(bytes / 1024).toFixed(0)} KiB`;
}

export function registerSelectDevice(context: vscode.ExtensionContext): void {
  context.subscriptions.push(
    vscode.commands.registerCommand(SELECT_DEVICE_COMMAND, async (arg?: unknown) => {
      // Opened by a command that needs a device: the placeholder says which and why.
      const reason = typeof arg === 'object' && arg !== null && typeof (arg as { reason?: unknown }).reason === 'string' ? (arg as { reason: string }).reason : undefined;
      const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
      // Workspace profiles only in a trusted workspace (issue 9): an untrusted folder's JSON is not even read.
      const reg = loadProfiles(folder?.scheme === 'file' && vscode.workspace.isTrusted ? { cwd: folder.fsPath } : {});
      if (!reg.ok) {
        void vscode.window.showErrorMessage(`AIoT Lens: ${reg.error.message}`);
        return;
      }
      const active = readSettings().activeDevice;
      const devices = reg.value.entries.filter((e) => !isLink(e.profile));
      type Item = vscode.QuickPickItem & { id?: string };
      const items: Item[] = [{ label: '$(circle-slash) No device', description: 'device-independent figures only', id: '' }];
      let lastClass = '';
      for (const e of devices) {
        const d = e.profile as DeviceProfile;
        if (d.class !== lastClass) {
          items.push({ label: d.class, kind: vscode.QuickPickItemKind.Separator });
          lastClass = d.class;
        }
        items.push({
          label: `${d.id === active ? '$(check) ' : ''}${d.name}`,
          description: `${d.id} · RAM ${size(d.ramBytes)} · flash ${size(d.flashBytes)} · ${evidence(d)}`,
          detail: e.origin === 'built-in' ? undefined : e.origin,
          id: d.id,
        });
      }
      const pick = await vscode.window.showQuickPick(items, { title: 'AIoT Lens: Active Device', placeHolder: reason ?? 'Budgets, estimates and the hotspot overlay use this device', matchOnDescription: true });
      if (!pick || pick.id === undefined) return;
      const target = vscode.workspace.workspaceFolders ? vscode.ConfigurationTarget.Workspace : vscode.ConfigurationTarget.Global;
      await vscode.workspace.getConfiguration('aiotLens').update('activeDevice', pick.id, target);
    }),
  );
}

/** How many published measurements the profile's figures were fitted to (board × runtime profiles, issue 12). */
function evidence(d: DeviceProfile): string {
  if (!d.fit) return 'not fitted to measurements';
  if (d.fit.evidencePoints > 0) return `${d.fit.evidencePoints} measurement${d.fit.evidencePoints === 1 ? '' : 's'}`;
  return d.fit.level === 'none' ? 'no measurements (datasheet)' : `no measurements of its own (${d.fit.level === 'runtime-family' ? `${d.runtime} on sibling boards` : `${d.fit.family ?? ''} family`})`;
}
