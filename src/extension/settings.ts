// Reads the `aiotLens.*` settings in the extension host (the server reads the same section on its own).

import * as vscode from 'vscode';
import { MessageType, type SettingsMessage } from '../protocol';

export function readSettings(scope?: vscode.Uri): SettingsMessage {
  const c = vscode.workspace.getConfiguration('aiotLens', scope);
  return {
    type: MessageType.Settings,
    activeDevice: c.get<string>('activeDevice', ''),
    hotspotMetric: c.get<string>('hotspotMetric', 'latency'),
    largeGraphThreshold: c.get<number>('largeGraphThreshold', 2000),
  };
}
