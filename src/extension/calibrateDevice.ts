// "Calibrate Device from Measurements…": pick a CSV of timings from your board and the device they were taken on;
// the CLI fits the profile (child process, cancellable), writes .aiot/devices/ID.json, and the result opens.

import { dirname, relative } from 'node:path';
import * as vscode from 'vscode';
import { calibrationHeadline, type CalibrationSummary } from '../core/calibration';
import { isLink, type DeviceProfile } from '../core/devices';
import { parseJson, runCli } from './cliRunner';
import { currentProfiles } from './devicesTree';
import { readSettings } from './settings';
import { requireTrust } from './targetModel';

export const CALIBRATE_COMMAND = 'aiotLens.calibrateFromMeasurements';

/** The per-model table written to the output channel: what the notification summarises. */
export function calibrationTable(s: CalibrationSummary): string {
  const pct = (x: number) => `${x >= 0 ? '+' : ''}${x.toFixed(1)}%`;
  const ms = (x: number) => (x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2));
  const width = Math.max(5, ...s.points.map((p) => p.label.length));
  return [
    calibrationHeadline(s),
    ...s.notes.map((n) => `note: ${n}`),
    `free parameters: ${s.free.join(', ')}`,
    `${'model'.padEnd(width)}  measured ms  before ms   error  held out ms   error`,
    ...s.points.map((p) => `${p.label.padEnd(width)}  ${ms(p.measuredMs).padStart(11)}  ${ms(p.beforeMs).padStart(9)}  ${pct(p.beforeErrorPct).padStart(6)}  ${ms(p.afterMs).padStart(11)}  ${pct(p.afterErrorPct).padStart(6)}`),
    `wrote ${s.written}`,
    '',
  ].join('\n');
}

export function registerCalibrateDevice(context: vscode.ExtensionContext): void {
  let channel: vscode.OutputChannel | undefined;
  context.subscriptions.push(vscode.commands.registerCommand(CALIBRATE_COMMAND, async (arg?: unknown) => {
    // The written profile is a workspace file, and workspace profiles load only in a trusted workspace.
    if (!requireTrust('Calibrating a device')) return;
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
    // The .csv clicked in the explorer, else the .csv open in the editor, else a file picker.
    const open = vscode.window.activeTextEditor?.document.uri;
    let csv = arg instanceof vscode.Uri && /\.csv$/i.test(arg.fsPath) ? arg : open?.scheme === 'file' && /\.csv$/i.test(open.fsPath) ? open : undefined;
    if (!csv) {
      const picked = await vscode.window.showOpenDialog({
        title: 'AIoT Lens: timings measured on your board (CSV: model,ms[,uj][,runtime])', canSelectMany: false, filters: { CSV: ['csv'] },
        ...(folder ? { defaultUri: folder } : {}),
      });
      csv = picked?.[0];
    }
    if (!csv) return;
    const active = readSettings().activeDevice;
    const devices = currentProfiles().entries.filter((e) => !isLink(e.profile));
    type Item = vscode.QuickPickItem & { id: string };
    const items: Item[] = devices.map((e) => {
      const d = e.profile as DeviceProfile;
      const evidence = d.fit ? (d.fit.evidencePoints > 0 ? `${d.fit.evidencePoints} evidence points` : 'no evidence') : 'not fitted';
      return {
        label: `${d.id === active ? '$(check) ' : ''}${d.name}`,
        description: `${d.id}${d.runtime ? ` · ${d.runtime}` : ''} · ${evidence}`,
        ...(e.origin === 'built-in' ? {} : { detail: e.origin }),
        id: d.id,
      };
    });
    items.sort((a, b) => Number(b.id === active) - Number(a.id === active));
    const device = await vscode.window.showQuickPick(items, {
      title: 'AIoT Lens: the device (and runtime) the timings were measured on', matchOnDescription: true, ignoreFocusOut: true,
    });
    if (!device) return;
    // The CLI writes .aiot/devices/ID.json under its working folder: the workspace's (the CSV's when none is open).
    const cwd = folder?.scheme === 'file' ? folder.fsPath : dirname(csv.fsPath);
    const r = await runCli(context, `AIoT Lens: calibrating ${device.id} from ${relative(cwd, csv.fsPath) || csv.fsPath}`,
      ['calibrate', '--device', device.id, '--measurements', csv.fsPath, '--json'], cwd);
    if (!r.ok) return r.cancelled ? undefined : void vscode.window.showErrorMessage(`AIoT Lens: ${r.message}`);
    const s = parseJson<CalibrationSummary>(r.stdout);
    if (!s) return void vscode.window.showErrorMessage('AIoT Lens: calibrate printed no JSON');
    channel ??= vscode.window.createOutputChannel('AIoT Lens Calibration');
    channel.append(calibrationTable(s));
    await vscode.commands.executeCommand('aiotLens.refreshDevices');
    await vscode.window.showTextDocument(vscode.Uri.file(s.written), { preview: false });
    const choices = [...(s.device === active ? [] : ['Use as Active Device']), 'Show Per-Model Errors'];
    const choice = await vscode.window.showInformationMessage(`AIoT Lens: ${calibrationHeadline(s)}. Wrote ${relative(cwd, s.written) || s.written}.`, ...choices);
    if (choice === 'Use as Active Device') {
      const target = vscode.workspace.workspaceFolders ? vscode.ConfigurationTarget.Workspace : vscode.ConfigurationTarget.Global;
      await vscode.workspace.getConfiguration('aiotLens').update('activeDevice', s.device, target);
    } else if (choice === 'Show Per-Model Errors') channel.show(true);
  }));
}
