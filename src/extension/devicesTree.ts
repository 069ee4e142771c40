// The Device Profiles view: built-in and (trusted workspaces only) `.aiot/devices/*.json` profiles by class, the
// active one marked; clicking activates it; "Open Profile JSON" shows the file, or a read-only virtual document
// for built-in profiles (scheme aiot-lens-profile:).

import * as vscode from 'vscode';
import { isLink, loadProfiles, type ProfileEntry } from '../core/devices';
import { readSettings } from './settings';
import { deviceGroups, type DeviceGroup } from './treeLogic';

export const DEVICES_VIEW = 'aiotLens.devices';
const PROFILE_SCHEME = 'aiot-lens-profile';

type Node = { kind: 'group'; group: DeviceGroup } | { kind: 'device'; device: DeviceGroup['devices'][number]; isLink: boolean };

/** Profiles visible now: workspace ones only when the workspace is trusted. */
export function currentProfiles(): { entries: ProfileEntry[]; error?: string } {
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
  const cwd = vscode.workspace.isTrusted && folder?.scheme === 'file' ? folder.fsPath : undefined;
  const reg = loadProfiles(cwd ? { cwd } : {});
  if (reg.ok) return { entries: reg.value.entries };
  // A broken workspace profile must not hide the catalog.
  const builtIn = loadProfiles({});
  return { entries: builtIn.ok ? builtIn.value.entries : [], error: reg.error.message };
}

class DevicesTree implements vscode.TreeDataProvider<Node> {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeTreeData = this.changed.event;
  entries: ProfileEntry[] = [];

  refresh(): void {
    this.changed.fire();
  }

  getChildren(node?: Node): Node[] {
    if (node?.kind === 'device') return [];
    if (node?.kind === 'group') return node.group.devices.map((d) => ({ kind: 'device', device: d, isLink: node.group.deviceClass === 'link' }));
    const { entries, error } = currentProfiles();
    if (error) void vscode.window.showWarningMessage(`AIoT Lens: ${error}`);
    this.entries = entries;
    return deviceGroups(entries, readSettings().activeDevice).map((group) => ({ kind: 'group', group }));
  }

  getTreeItem(node: Node): vscode.TreeItem {
    if (node.kind === 'group') {
      const active = node.group.devices.some((d) => d.active);
      const item = new vscode.TreeItem(node.group.deviceClass, active || node.group.deviceClass === 'mcu' ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.Collapsed);
      item.description = `${node.group.devices.length}`;
      item.id = `class:${node.group.deviceClass}`;
      return item;
    }
    const d = node.device;
    // The id is what settings and the CLI's --device take; the long marketing name goes to the tooltip.
    const item = new vscode.TreeItem(d.id, vscode.TreeItemCollapsibleState.None);
    item.id = `profile:${d.id}`;
    item.description = `${d.active ? 'active · ' : ''}${d.description}`;
    item.tooltip = `${d.name} (${d.id})\n${d.description}\n${d.builtIn ? 'built-in profile' : d.origin}`;
    item.iconPath = new vscode.ThemeIcon(node.isLink ? 'radio-tower' : d.active ? 'pass-filled' : 'circuit-board', d.active ? new vscode.ThemeColor('charts.green') : undefined);
    item.contextValue = node.isLink ? 'aiotLens.link' : 'aiotLens.device';
    if (!node.isLink) item.command = { command: 'aiotLens.activateDevice', title: 'Activate Device', arguments: [d.id] };
    return item;
  }
}

export function registerDevicesTree(context: vscode.ExtensionContext): void {
  const tree = new DevicesTree();
  const watcher = vscode.workspace.createFileSystemWatcher('**/.aiot/devices/*.json');
  context.subscriptions.push(
    vscode.window.createTreeView(DEVICES_VIEW, { treeDataProvider: tree }),
    watcher, watcher.onDidCreate(() => tree.refresh()), watcher.onDidChange(() => tree.refresh()), watcher.onDidDelete(() => tree.refresh()),
    vscode.workspace.onDidGrantWorkspaceTrust(() => tree.refresh()),
    vscode.workspace.onDidChangeConfiguration((e) => e.affectsConfiguration('aiotLens.activeDevice') && tree.refresh()),
    vscode.workspace.registerTextDocumentContentProvider(PROFILE_SCHEME, {
      provideTextDocumentContent(uri) {
        const id = uri.path.replace(/^\//, '').replace(/\.json$/, '');
        const e = currentProfiles().entries.find((x) => x.profile.id === id);
        return e ? `${JSON.stringify(e.profile, null, 2)}\n` : `// no profile '${id}'\n`;
      },
    }),
    vscode.commands.registerCommand('aiotLens.activateDevice', async (arg: unknown) => {
      const id = typeof arg === 'string' ? arg : (arg as { device?: { id?: string } } | undefined)?.device?.id;
      if (!id) return;
      const p = currentProfiles().entries.find((e) => e.profile.id === id)?.profile;
      if (!p || isLink(p)) return;
      const target = vscode.workspace.workspaceFolders ? vscode.ConfigurationTarget.Workspace : vscode.ConfigurationTarget.Global;
      await vscode.workspace.getConfiguration('aiotLens').update('activeDevice', id, target);
    }),
    vscode.commands.registerCommand('aiotLens.openProfile', async (node: Node | undefined) => {
      if (node?.kind !== 'device') return;
      const d = node.device;
      const uri = d.builtIn ? vscode.Uri.from({ scheme: PROFILE_SCHEME, path: `/${d.id}.json` }) : vscode.Uri.file(d.origin);
      const doc = await vscode.workspace.openTextDocument(uri);
      if (d.builtIn) await vscode.languages.setTextDocumentLanguage(doc, 'json');
      await vscode.window.showTextDocument(doc, { preview: true });
    }),
    vscode.commands.registerCommand('aiotLens.refreshDevices', () => tree.refresh()),
  );
}
