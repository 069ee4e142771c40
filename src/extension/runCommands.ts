// Profile with onnxruntime, Optimize Model… and Split…: model-running work goes to a child `node dist/cli.js`
// (killed on Cancel) or to the language server (split search); results open in panels.

import { existsSync, statSync, unlinkSync } from 'node:fs';
import { basename, dirname } from 'node:path';
import * as vscode from 'vscode';
import { isTflitePath, needsOnnx } from './modelFiles';
import { isLink, type DeviceProfile } from '../core/devices';
import { PASSES } from '../core/passes';
import { formatBytes, formatMs } from '../core/format';
import type { SplitVerifyView } from '../core/partition/view';
import { agreementLine } from '../core/verify/agreement';
import { ServerMethod, type AdviseResult, type EstimateResult, type PanelActionMessage, type SplitResult } from '../protocol';
import { optimizeBody, profileBody, splitBody, type OptimizeOutcome, type ProfileOutcome } from '../../webview/panels/pages';
import type { LensClient } from './client';
import { parseJson, runCli } from './cliRunner';
import { currentProfiles } from './devicesTree';
import { pickDeviceIfNone } from './reportCommands';
import { MODEL_EDITOR_VIEW_TYPE } from './modelEditorProvider';
import { showPanel } from './panels';
import { readSettings } from './settings';
import { requireTrust, targetModel } from './targetModel';

/**
 * `aiotLens.defaultInputShapes` and `aiotLens.inputValues` as CLI flags, so the child analyzes what the editor shows.
 * The settings apply to every model; the CLI takes only pins naming this model's inputs with its ranks, so they are
 * filtered against the server's analysis (which applied the same ones).
 */
async function shapeArgs(uri: vscode.Uri, client: LensClient): Promise<string[]> {
  const c = vscode.workspace.getConfiguration('aiotLens', uri);
  const shapes = c.get<Record<string, number[]>>('defaultInputShapes', {});
  const values = c.get<Record<string, number>>('inputValues', {});
  if (!Object.keys(shapes).length && !Object.keys(values).length) return [];
  const r = await client.analyze({ uri: uri.toString() }).catch(() => undefined);
  const inputs = new Map((r?.ok ? r.report.inputs : []).map((i) => [i.name, i.shape?.length]));
  return [
    ...Object.entries(shapes).filter(([name, dims]) => inputs.has(name) && (inputs.get(name) === undefined || inputs.get(name) === dims.length))
      .flatMap(([name, dims]) => ['--input-shape', `${name}=${dims.join('x')}`]),
    ...Object.entries(values).filter(([name]) => inputs.has(name)).flatMap(([name, v]) => ['--value', `${name}=${v}`]),
  ];
}

/** `aiotLens.verifyThresholds` as CLI flags: what a verification verdict checks against. */
function thresholdArgs(uri: vscode.Uri): string[] {
  const t = vscode.workspace.getConfiguration('aiotLens', uri).get<Record<string, unknown>>('verifyThresholds', {});
  const flags: [string, string][] = [['maxRelativeError', '--max-rel-error'], ['minSnrDb', '--min-snr-db'], ['minCosine', '--min-cosine'], ['minTop1Agreement', '--min-top1']];
  return flags.flatMap(([key, flag]) => (typeof t[key] === 'number' && Number.isFinite(t[key]) ? [flag, String(t[key])] : []));
}


/** Technique names of the advisor's suggestions → the pass that implements them. */
const PASS_OF_TECHNIQUE: [RegExp, string][] = [[/^int8/, 'int8-static'], [/^float16/, 'fp16'], [/pruning/, 'prune'], [/low-rank/, 'low-rank'], [/reorder|schedul/i, 'reorder']];

export function registerRunCommands(context: vscode.ExtensionContext, client: LensClient): void {
  const profile = async (uri: vscode.Uri) => {
    if (!requireTrust('Profile with onnxruntime')) return;
    const runtime = isTflitePath(uri.fsPath) ? 'LiteRT.js' : 'onnxruntime';
    const r = await runCli(context, `AIoT Lens: profiling ${basename(uri.fsPath)} in ${runtime}`, ['profile', uri.fsPath, '--json', '--runs', '20', ...(await shapeArgs(uri, client))]);
    if (!r.ok) return r.cancelled ? undefined : void vscode.window.showErrorMessage(`AIoT Lens: ${r.message}`);
    const p = parseJson<ProfileOutcome>(r.stdout);
    if (!p) return void vscode.window.showErrorMessage('AIoT Lens: the profiler printed no JSON');
    const device = readSettings(uri).activeDevice;
    const e = device ? await client.estimate({ uri: uri.toString(), deviceId: device }) : undefined;
    showPanel(context, {
      key: `profile:${uri}`, viewType: 'aiotLens.profile', title: `Profile: ${basename(uri.fsPath)}`,
      body: profileBody(basename(uri.fsPath), p, e?.ok ? { device: e.estimate.device, latencyMs: e.estimate.latencyMs } : undefined),
    });
  };

  const optimize = async (uri: vscode.Uri) => {
    if (isTflitePath(uri.fsPath)) return void vscode.window.showInformationMessage(needsOnnx('Optimize'));
    const device = readSettings(uri).activeDevice;
    // The advisor already re-estimates the main passes on the device: reuse its figures as each pass's effect.
    const effects = new Map<string, string>();
    if (device) {
      const adv = await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: 'AIoT Lens: estimating pass effects' }, () =>
        client.request<AdviseResult>(ServerMethod.advise, { uri: uri.toString(), deviceId: device }).catch(() => undefined));
      if (adv?.ok) {
        for (const s of [...adv.advice.suggestions, ...adv.advice.elsewhere]) {
          const pass = PASS_OF_TECHNIQUE.find(([re]) => re.test(s.technique))?.[1];
          if (pass && !effects.has(pass)) {
            effects.set(pass, `on ${device}: ${formatMs(adv.estimate.latencyMs)} → ${formatMs(s.estimate.latencyMs)}, RAM ${formatBytes(adv.estimate.peakRamBytes)} → ${formatBytes(s.estimate.peakRamBytes)}, flash ${formatBytes(adv.estimate.flashBytes)} → ${formatBytes(s.estimate.flashBytes)}`);
          }
        }
      }
    }
    const trusted = vscode.workspace.isTrusted;
    const items = Object.values(PASSES).map((p) => ({
      label: p.name,
      description: p.summary,
      detail: !trusted && p.name === 'int8-static' ? 'disabled in an untrusted workspace (calibration runs the model)' : effects.get(p.name) ?? (device ? undefined : 'select a device to see its estimated effect'),
      picked: p.name === 'cleanup',
      pass: p.name,
    })).filter((i) => trusted || i.pass !== 'int8-static');
    const picked = await vscode.window.showQuickPick(items, { canPickMany: true, title: `AIoT Lens: Optimize ${basename(uri.fsPath)}`, placeHolder: 'Passes, applied in list order', matchOnDescription: true });
    if (!picked?.length) return;
    const passes = items.filter((i) => picked.includes(i)).map((i) => i.pass);
    const stem = uri.fsPath.replace(/\.onnx$/i, '');
    let suggestion = `${stem}.optimized.onnx`;
    for (let i = 2; existsSync(suggestion); i++) suggestion = `${stem}.optimized-${i}.onnx`;
    const out = await vscode.window.showSaveDialog({ title: 'AIoT Lens: optimized model', defaultUri: vscode.Uri.file(suggestion), filters: { ONNX: ['onnx'] } });
    if (!out) return;
    if (out.fsPath === uri.fsPath) return void vscode.window.showErrorMessage('AIoT Lens: the optimized model must be a new file; the input model is never modified.');
    const args = ['optimize', uri.fsPath, '--passes', passes.join(','), '-o', out.fsPath, '--force', '--json', ...(await shapeArgs(uri, client))];
    // Verification runs both models in onnxruntime: only in a trusted workspace.
    if (trusted) args.push('--verify', ...thresholdArgs(uri));
    const started = Date.now();
    const r = await runCli(context, `AIoT Lens: ${passes.join(' → ')} on ${basename(uri.fsPath)}`, args, dirname(uri.fsPath));
    if (!r.ok && r.cancelled) {
      // The CLI writes the model before verifying it: a cancelled run removes the unverified file it wrote.
      try {
        if (statSync(out.fsPath).mtimeMs >= started - 1000) unlinkSync(out.fsPath);
      } catch {
        // nothing was written
      }
      return;
    }
    if (!r.ok) return void vscode.window.showErrorMessage(`AIoT Lens: ${r.message}`);
    const o = parseJson<OptimizeOutcome>(r.stdout);
    if (!o) return void vscode.window.showErrorMessage('AIoT Lens: optimize printed no JSON');
    o.output = out.fsPath;
    if (device) {
      const [b, a] = await Promise.all([uri, out].map((u) => client.estimate({ uri: u.toString(), deviceId: device }).catch(() => undefined))) as (EstimateResult | undefined)[];
      if (b?.ok && a?.ok) o.latencyMs = { device, before: b.estimate.latencyMs, after: a.estimate.latencyMs };
    }
    showPanel(context, {
      key: `optimize:${out}`, viewType: 'aiotLens.optimize', title: `Optimized: ${basename(out.fsPath)}`, body: optimizeBody(o),
      onAction: (m) => (m.action === 'openModel' ? vscode.commands.executeCommand('vscode.openWith', out, MODEL_EDITOR_VIEW_TYPE) : undefined),
    });
  };

  const split = async (uri: vscode.Uri) => {
    const device = readSettings(uri).activeDevice;
    if (!device) {
      // Split needs the device that holds the sensor: with none, the picker opens.
      if (!(await pickDeviceIfNone(uri, 'Split needs the device that holds the sensor: pick one'))) return;
      return split(uri);
    }
    const entries = currentProfiles().entries;
    const remotes = entries.filter((e) => !isLink(e.profile) && e.profile.id !== device).map((e) => e.profile as DeviceProfile);
    const remote = await vscode.window.showQuickPick(
      remotes.map((d) => ({ label: d.name, description: `${d.id} · ${d.class}`, id: d.id })).sort((a, b) => Number(/edge|cloud|sbc|phone/.test(b.description)) - Number(/edge|cloud|sbc|phone/.test(a.description))),
      { title: `AIoT Lens: Split from ${device}: remote machine`, matchOnDescription: true, ignoreFocusOut: true });
    if (!remote) return;
    const links = entries.filter((e) => isLink(e.profile)).map((e) => e.profile);
    const link = await vscode.window.showQuickPick(links.map((l) => ({ label: l.name, description: l.id, id: l.id })), { title: 'AIoT Lens: Split: link between them', matchOnDescription: true, ignoreFocusOut: true });
    if (!link) return;
    const objective = await vscode.window.showQuickPick(['latency', 'energy', 'mix'], { title: 'AIoT Lens: Split: best cut minimises', ignoreFocusOut: true });
    if (!objective) return;
    const r = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `AIoT Lens: searching cuts of ${basename(uri.fsPath)}`, cancellable: true }, (_p, token) =>
      client.request<SplitResult>(ServerMethod.split, { uri: uri.toString(), deviceId: device, remoteId: remote.id, linkId: link.id, objective }, token).catch((e: Error) => ({ ok: false, error: { code: 'internal', message: e.message } }) as SplitResult));
    if (!r.ok) return void vscode.window.showErrorMessage(`AIoT Lens: ${r.error.message}`);
    const view = { ...r.split };
    if (view.canExport && !vscode.workspace.isTrusted) {
      view.canExport = false;
      view.exportNote = 'Exporting and verifying the halves runs them in onnxruntime: trust the workspace to enable it.';
    }
    const key = `split:${uri}`;
    const title = `Split: ${basename(uri.fsPath)}`;
    const onAction = async (m: PanelActionMessage) => {
      if (m.action !== 'exportSplit' || !requireTrust('Exporting split halves')) return;
      if (isTflitePath(uri.fsPath)) return void vscode.window.showInformationMessage(needsOnnx('Exporting split halves'));
      // The row's or the chart's cut; a panel from before cut buttons existed sends none: the best cut.
      const cut = m.arg === undefined || m.arg === '' ? view.best.index : Number(m.arg);
      if (!Number.isInteger(cut) || cut <= 0 || cut >= view.nodeCount) return void vscode.window.showErrorMessage(`AIoT Lens: cut ${m.arg ?? view.best.index} leaves one side empty: no halves to export.`);
      const dirs = await vscode.window.showOpenDialog({ canSelectFolders: true, canSelectFiles: false, title: `AIoT Lens: folder for the two halves of cut ${cut}`, defaultUri: vscode.Uri.file(dirname(uri.fsPath)) });
      const dir = dirs?.[0];
      if (!dir) return;
      const x = await runCli(context, `AIoT Lens: exporting and verifying cut ${cut} of ${basename(uri.fsPath)}`,
        ['split', uri.fsPath, '--device', device, '--remote', remote.id, '--link', link.id, '--objective', objective, '--cut', String(cut), '--out-dir', dir.fsPath, '--force', '--json',
          ...(await shapeArgs(uri, client)), ...thresholdArgs(uri)], dirname(uri.fsPath));
      if (!x.ok) return x.cancelled ? undefined : void vscode.window.showErrorMessage(`AIoT Lens: ${x.message}`);
      const j = parseJson<{ exportedCut?: number; files?: { device: string; remote: string }; verify?: SplitVerifyView }>(x.stdout);
      if (!j?.files || !j.verify || j.exportedCut === undefined) return void vscode.window.showWarningMessage('AIoT Lens: no halves were written.');
      const at = view.cuts.find((c) => c.index === j.exportedCut);
      view.exported = { cut: j.exportedCut, where: at ? `after ${at.afterNode}` : `cut ${j.exportedCut}`, device: j.files.device, remote: j.files.remote, verify: j.verify };
      showPanel(context, { key, viewType: 'aiotLens.split', title, body: splitBody(view), onAction });
      const text = `AIoT Lens: wrote ${basename(j.files.device)} and ${basename(j.files.remote)} (cut ${j.exportedCut}); verification ${j.verify.verdict.pass ? 'PASS' : 'FAIL'}: ${agreementLine(j.verify)}`;
      const open = j.verify.verdict.pass
        ? await vscode.window.showInformationMessage(text, 'Open Device Half', 'Open Remote Half')
        : await vscode.window.showWarningMessage(text, 'Open Device Half', 'Open Remote Half');
      if (open) await vscode.commands.executeCommand('vscode.openWith', vscode.Uri.file(open === 'Open Device Half' ? j.files.device : j.files.remote), MODEL_EDITOR_VIEW_TYPE);
    };
    showPanel(context, { key, viewType: 'aiotLens.split', title, body: splitBody(view), onAction });
  };

  const on = (id: string, fn: (uri: vscode.Uri) => unknown) =>
    vscode.commands.registerCommand(id, async (arg: unknown) => {
      const uri = await targetModel(arg);
      if (uri) await fn(uri);
    });
  context.subscriptions.push(on('aiotLens.profileModel', profile), on('aiotLens.optimizeModel', optimize), on('aiotLens.splitModel', split));
}
