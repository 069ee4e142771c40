// Status bar item naming the active device (setting aiotLens.activeDevice); a click runs the device picker command.

import * as vscode from 'vscode';
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
    item.tooltip = device ? `AIoT Lens: budgets are checked against ${device}. Click to change.` : 'AIoT Lens: no device selected. Click to choose one.';
    item.show();
  };
  update();
  context.subscriptions.push(
    item,
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('aiotLens.activeDevice')) update();
    }),
  );
  return item;
}
