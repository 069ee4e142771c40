// "Train Input Filter…": pick a folder of samples for the model; the CLI learns and checks the filter in a child process
// (progress notification with Cancel), writes MODEL.filter.onnx and MODEL.filter.json beside the model (never the
// model itself), and a panel shows the skip/recall curve with the chosen point. The folder's filter.json, when present,
// says how its samples are read; otherwise the command asks for the preprocessing, the rule and the outputs.

import { existsSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import * as vscode from 'vscode';
import type { FilterReport } from '../core/filter/filter';
import { parseJson, runCli } from './cliRunner';
import { filterArgs, filterPanelBody, sampleFolders } from './filterPanelBody';
import { showPanel } from './panels';
import { readSettings } from './settings';
import { requireTrust, targetModel } from './targetModel';

export const TRAIN_FILTER_COMMAND = 'aiotLens.trainInputFilter';

export function registerTrainFilter(context: vscode.ExtensionContext): void {
  context.subscriptions.push(vscode.commands.registerCommand(TRAIN_FILTER_COMMAND, async (arg?: unknown) => {
    if (!requireTrust('Training an input filter')) return;
    const uri = await targetModel(arg);
    if (!uri) return;
    const device = readSettings(uri).activeDevice;
    if (!device) {
      const pick = await vscode.window.showWarningMessage('AIoT Lens: select a device first: the filter\'s cost and the battery figures are estimated on it.', 'Select Device');
      if (pick) await vscode.commands.executeCommand('aiotLens.selectDevice');
      return;
    }
    // Folders beside the model that hold samples are offered first; any other folder through the open dialog.
    const near = sampleFolders(dirname(uri.fsPath));
    let samples: string | undefined;
    if (near.length) {
      const other = 'Choose another folder…';
      const pick = await vscode.window.showQuickPick([...near.map((n) => ({ label: n.name, description: n.description, path: n.path })), { label: other, description: '', path: '' }], {
        title: `AIoT Lens: samples for ${basename(uri.fsPath)}`, ignoreFocusOut: true,
      });
      if (!pick) return;
      samples = pick.path || undefined;
    }
    if (!samples) {
      const folder = await vscode.window.showOpenDialog({
        title: `AIoT Lens: samples for ${basename(uri.fsPath)} (.npy/.pb, PNG/JPEG, 16-bit WAV)`, canSelectFiles: false, canSelectFolders: true, canSelectMany: false,
        defaultUri: vscode.Uri.file(dirname(uri.fsPath)),
      });
      samples = folder?.[0]?.fsPath;
    }
    if (!samples) return;
    let asked: { preprocess: string; rule: string; outputs: string } | undefined;
    if (!existsSync(join(samples, 'filter.json'))) {
      const preprocess = await vscode.window.showInputBox({
        title: 'AIoT Lens: preprocessing (JSON; empty for .npy/.pb samples)', ignoreFocusOut: true,
        value: '{"image": {"width": 224, "height": 224, "layout": "NCHW", "scale": 0.00392156862745098}}',
        prompt: 'image: width, height, layout NCHW|NHWC, channels rgb|bgr|gray, scale, mean, std · audio: sampleRate, window, hop · values, carry',
      });
      if (preprocess === undefined) return;
      const rule = await vscode.window.showInputBox({
        title: 'AIoT Lens: when is the answer redundant?', ignoreFocusOut: true, value: 'max-below:0.5',
        prompt: 'nothing-class:K (top-1 is class K) · max-below:T (highest output below T) · unchanged:TOL (same as the previous sample)',
      });
      if (rule === undefined) return;
      const outputs = await vscode.window.showInputBox({ title: 'AIoT Lens: outputs the rule reads (comma-separated; empty: the first)', ignoreFocusOut: true, value: '' });
      if (outputs === undefined) return;
      asked = { preprocess, rule, outputs };
    }
    const r = await runCli(context, `AIoT Lens: training an input filter for ${basename(uri.fsPath)} on ${device}`, filterArgs(uri.fsPath, samples, device, asked), dirname(uri.fsPath));
    if (!r.ok) return r.cancelled ? undefined : void vscode.window.showErrorMessage(`AIoT Lens: ${r.message}`);
    const report = parseJson<FilterReport>(r.stdout);
    if (!report) return void vscode.window.showErrorMessage('AIoT Lens: filter printed no JSON');
    showPanel(context, { key: `filter:${uri.fsPath}`, viewType: 'aiotLens.inputFilter', title: `Input Filter: ${basename(uri.fsPath)}`, body: filterPanelBody(report) });
    const h = report.heldOut;
    const text = `AIoT Lens: the filter skips ${(100 * h.skipRatio).toFixed(1)}% of held-out inputs at ${(100 * h.recall).toFixed(1)}% recall; ${(100 * report.whatif.energySaving).toFixed(1)}% less energy per input on ${report.device}.`;
    if (h.meetsTarget) void vscode.window.showInformationMessage(text);
    else void vscode.window.showWarningMessage(`${text} Held-out recall is below the target ${(100 * report.targetRecall).toFixed(1)}%.`);
  }));
}
