// Extension entry: starts the language client and registers the thin UI adapters (editor, status bar, features).

import * as vscode from 'vscode';
import type { AnalyzeResult } from '../protocol';
import { LensClient } from './client';
import { ModelEditorProvider } from './modelEditorProvider';
import { registerOnnxText } from './onnxText';
import { registerOpenModelAt } from './openModelAt';
import { registerSelectDevice } from './selectDevice';
import { registerStatusBar } from './statusBar';
import { registerDevicesTree } from './devicesTree';
import { registerModelsTree } from './modelsTree';
import { registerReportCommands } from './reportCommands';
import { registerRunCommands } from './runCommands';
import { registerWalkthrough } from './walkthrough';
import { registerCalibrateDevice } from './calibrateDevice';
import { registerTrainFilter } from './trainFilter';

/** The extension's public API (returned by activate): used by tests running in the extension host. */
export interface AiotLensApi {
  analyze(uri: vscode.Uri): Promise<AnalyzeResult>;
}

export function activate(context: vscode.ExtensionContext): AiotLensApi {
  const client = new LensClient(context);
  const editor = ModelEditorProvider.register(context, client);
  context.subscriptions.push(client, editor.registration);
  registerStatusBar(context);
  registerSelectDevice(context);
  registerOpenModelAt(context, editor.provider);
  // Other features register here, one line each.
  registerOnnxText(context);
  registerModelsTree(context, client);
  registerDevicesTree(context);
  registerReportCommands(context, client);
  registerRunCommands(context, client);
  registerWalkthrough(context);
  registerCalibrateDevice(context);
  registerTrainFilter(context);
  return { analyze: (uri) => client.analyze({ uri: uri.toString() }) };
}

export function deactivate(): void {}
