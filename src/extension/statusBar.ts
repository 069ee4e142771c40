// Status bar item naming the active device (setting aiotLens.activeDevice); a click runs the device picker command.

import * as vscode from 'vscode';
import { currentProfiles } from './devicesTree';
import { deviceTooltip } from './deviceTooltip';
import { readSettings } from './settings';

/** Command the status item runs; the device-profiles feature registers the picker under this id. */
export const SELECT_DEVICE_COMMAND = 'aiotLens.selectDevice';

export function registerStatusBar(context: vscode.ExtensionContext): vscode.StatusBarItem {
  const item = vscode.window.createStatusBarItem('aiotLens.activeDevice', vscode.StatusBarAlignment.Right, 100);
  item.name = 'AIoT Lens: Active Device';
  item.command = SELECT_DEVICE_COMMAND;
  const update = () => {
    const device = readSettings().activeDevice;
    item.text = `$(circuit-board) ${device || 'No device'}`;
    const profile = device ? currentProfiles().entries.find((e) => e.profile.id === device)?.profile : undefined;
    item.tooltip = deviceTooltip(device, profile && profile.class !== 'link' ? profile : undefined);
    item.show();
  };
  update();
  // The tooltip names the profile's evidence: a calibration (or trust granted) changes it.
  const watcher = vscode.workspace.createFileSystemWatcher('**/.aiot/devices/*.json');
  context.subscriptions.push(
    item, watcher, watcher.onDidCreate(update), watcher.onDidChange(update), watcher.onDidDelete(update),
    vscode.workspace.onDidGrantWorkspaceTrust(update),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('aiotLens.activeDevice')) update();
    }),
  );
  return item;
}
