// Analyze Model, Advise, Export Report and Show Charts: fetch from the language server, render with the pure
// report/panel functions, show in a panel or write atomically.

import { basename } from 'node:path';
import * as vscode from 'vscode';
import { modelStem } from './modelFiles';
import { isLink, type DeviceProfile } from '../core/devices';
import type { Budget } from '../core/advisor';
import { writeFileAtomic } from '../core/atomicWrite';
import { formatForPath, renderReport, type ReportInput } from '../core/report';
import { ServerMethod, type AdviseResult, type EstimateResult } from '../protocol';
import { chartsData } from '../../webview/panels/chartData';
import { chartsBody, reportPanelBody } from '../../webview/panels/pages';
import type { LensClient } from './client';
import { currentProfiles } from './devicesTree';
import { latencyBudgetMs } from './modelsTree';
import { showPanel } from './panels';
import { readSettings } from './settings';
import { targetModel } from './targetModel';

type Gathered = { input: ReportInput } | undefined;

function budget(): Budget {
  const ms = latencyBudgetMs();
  return ms ? { latencyMs: ms } : {};
}

/** Analysis, plus the estimate (and advice when asked) on the active device; errors shown once, then undefined. */
async function gather(client: LensClient, uri: vscode.Uri, withAdvice: boolean, token?: vscode.CancellationToken): Promise<Gathered> {
  const device = readSettings(uri).activeDevice;
  if (withAdvice && device) {
    const r = await client.request<AdviseResult>(ServerMethod.advise, { uri: uri.toString(), deviceId: device, budget: budget() }, token);
    if (!r.ok) return void vscode.window.showErrorMessage(`AIoT Lens: ${r.error.message}`);
    return { input: { analysis: r.report, estimate: r.estimate, advice: r.advice } };
  }
  const a = await client.analyze({ uri: uri.toString() }, token);
  if (!a.ok) return void vscode.window.showErrorMessage(`AIoT Lens: ${a.error.message}`);
  let estimate: EstimateResult | undefined;
  if (device) estimate = await client.estimate({ uri: uri.toString(), deviceId: device }, token);
  if (estimate && !estimate.ok) void vscode.window.showWarningMessage(`AIoT Lens: no estimate on ${device}: ${estimate.error.message}`);
  return { input: { analysis: a.report, ...(estimate?.ok ? { estimate: estimate.estimate } : {}) } };
}

function withProgress<T>(title: string, work: (token: vscode.CancellationToken) => Promise<T>): Thenable<T> {
  return vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title, cancellable: true }, (_p, token) => work(token));
}

export function registerReportCommands(context: vscode.ExtensionContext, client: LensClient): void {
  const showReport = async (uri: vscode.Uri, withAdvice: boolean) => {
    if (withAdvice && !readSettings(uri).activeDevice) {
      const pick = await vscode.window.showInformationMessage('AIoT Lens: Advise needs a target device.', 'Select Device');
      if (pick) await vscode.commands.executeCommand('aiotLens.selectDevice');
      if (!readSettings(uri).activeDevice) return;
    }
    const g = await withProgress(`AIoT Lens: ${withAdvice ? 'advising on' : 'analyzing'} ${basename(uri.fsPath)}`, (t) => gather(client, uri, withAdvice, t));
    if (!g) return;
    showPanel(context, {
      key: `${withAdvice ? 'advice' : 'report'}:${uri.toString()}`,
      viewType: withAdvice ? 'aiotLens.advice' : 'aiotLens.report',
      title: `${withAdvice ? 'Advice' : 'Report'}: ${basename(uri.fsPath)}`,
      body: reportPanelBody(g.input),
      onAction: (m) => {
        if (m.action === 'exportReport') return exportReport(uri, g.input);
        if (m.action === 'showCharts') return showCharts(uri);
        if (m.action === 'advise') return showReport(uri, true);
      },
    });
  };

  const exportReport = async (uri: vscode.Uri, input?: ReportInput) => {
    const data = input ?? (await withProgress(`AIoT Lens: preparing the report for ${basename(uri.fsPath)}`, (t) => gather(client, uri, true, t)))?.input;
    if (!data) return;
    const target = await vscode.window.showSaveDialog({
      title: 'AIoT Lens: Export Report',
      defaultUri: vscode.Uri.file(modelStem(uri.fsPath) + '.report.md'),
      filters: { Markdown: ['md'], HTML: ['html'], JSON: ['json'] },
    });
    if (!target) return;
    const format = formatForPath(target.fsPath) ?? 'markdown';
    const text = renderReport({ ...data, generatedAt: new Date().toISOString() }, format);
    // The save dialog already asked before replacing an existing file.
    const w = writeFileAtomic(target.fsPath, text, { force: true });
    if (!w.ok) return void vscode.window.showErrorMessage(`AIoT Lens: ${w.error.message}`);
    const open = await vscode.window.showInformationMessage(`AIoT Lens: report written to ${vscode.workspace.asRelativePath(target)}`, 'Open');
    if (open) await vscode.commands.executeCommand('vscode.open', target);
  };

  const showCharts = async (uri: vscode.Uri) => {
    const g = await withProgress(`AIoT Lens: charts for ${basename(uri.fsPath)}`, (t) => gather(client, uri, false, t));
    if (!g) return;
    const id = g.input.estimate?.device;
    const profile = id ? currentProfiles().entries.find((e) => e.profile.id === id)?.profile : undefined;
    const device = profile && !isLink(profile) ? (profile as DeviceProfile) : undefined;
    const data = chartsData(g.input.analysis, g.input.estimate, device, latencyBudgetMs());
    showPanel(context, {
      key: `charts:${uri.toString()}`,
      viewType: 'aiotLens.charts',
      title: `Charts: ${basename(uri.fsPath)}`,
      body: chartsBody(data),
    });
  };

  const on = (id: string, fn: (uri: vscode.Uri) => unknown) =>
    vscode.commands.registerCommand(id, async (arg: unknown) => {
      const uri = await targetModel(arg);
      if (uri) await fn(uri);
    });
  context.subscriptions.push(
    on('aiotLens.analyzeModel', (u) => showReport(u, false)),
    on('aiotLens.advise', (u) => showReport(u, true)),
    on('aiotLens.exportReport', (u) => exportReport(u)),
    on('aiotLens.showCharts', showCharts),
  );
}
