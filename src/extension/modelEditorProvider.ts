// The read-only custom editor for *.onnx: a webview showing the model summary, node table and graph host.
// Analysis happens in the language server; this provider only relays messages.

import { basename } from 'node:path';
import * as vscode from 'vscode';
import { MessageType, parseFromWebview, type RequestMessage, type ToWebviewMessage } from '../protocol';
import type { LensClient } from './client';
import { GraphHost } from './graphHost';
import { readSettings } from './settings';
import { modelEditorHtml, webviewRoots } from './webviewHtml';

export const MODEL_EDITOR_VIEW_TYPE = 'aiotLens.modelEditor';

class ModelDocument implements vscode.CustomDocument {
  constructor(readonly uri: vscode.Uri) {}
  dispose(): void {}
}

export class ModelEditorProvider implements vscode.CustomReadonlyEditorProvider<ModelDocument> {
  /** Graph hosts of the open editors, by document URI (several editors may show one file). */
  private readonly graphs = new Map<string, Set<GraphHost>>();

  static register(context: vscode.ExtensionContext, client: LensClient): { provider: ModelEditorProvider; registration: vscode.Disposable } {
    const provider = new ModelEditorProvider(context, client);
    const registration = vscode.window.registerCustomEditorProvider(MODEL_EDITOR_VIEW_TYPE, provider, {
      // Keeps the rendered graph (and its layout) when the tab is hidden instead of rebuilding it.
      webviewOptions: { retainContextWhenHidden: true },
      supportsMultipleEditorsPerDocument: true,
    });
    return { provider, registration };
  }

  /** Opens a model in this editor and reveals the first of `nodeNames` in its graph (code lenses, reports). */
  async openAt(uri: vscode.Uri, nodeNames: string[]): Promise<void> {
    await vscode.commands.executeCommand('vscode.openWith', uri, MODEL_EDITOR_VIEW_TYPE);
    if (nodeNames.length === 0) return;
    for (const g of this.graphs.get(uri.toString()) ?? []) g.reveal(nodeNames);
  }

  private constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly client: LensClient,
  ) {}

  openCustomDocument(uri: vscode.Uri): ModelDocument {
    return new ModelDocument(uri);
  }

  resolveCustomEditor(document: ModelDocument, panel: vscode.WebviewPanel): void {
    const fileName = basename(document.uri.path);
    const webview = panel.webview;
    webview.options = { enableScripts: true, localResourceRoots: webviewRoots(this.context.extensionUri) };
    webview.html = modelEditorHtml(webview, this.context.extensionUri, fileName);

    const post = (msg: ToWebviewMessage) => void webview.postMessage(msg);
    const graph = new GraphHost(document.uri, this.client, (message) => post({ type: MessageType.Graph, message }));
    const key = document.uri.toString();
    if (!this.graphs.has(key)) this.graphs.set(key, new Set());
    this.graphs.get(key)!.add(graph);
    let loading: vscode.CancellationTokenSource | undefined;
    const load = async () => {
      loading?.cancel();
      const cts = (loading = new vscode.CancellationTokenSource());
      post({ type: MessageType.Loading, fileName });
      try {
        const result = await this.client.analyze({ uri: document.uri.toString() }, cts.token);
        if (cts.token.isCancellationRequested) return;
        if (result.ok) {
          post({ type: MessageType.Analysis, fileName, result });
          graph.onAnalysis(result);
        } else {
          post({ type: MessageType.Error, fileName, error: result.error });
          graph.onError(result.error.message);
        }
      } catch (e) {
        if (cts.token.isCancellationRequested) return;
        // The server crashed or stopped: it restarts by itself and onDidRestart reloads this editor.
        post({ type: MessageType.Error, fileName, error: { code: 'internal', message: `The AIoT Lens server did not answer: ${(e as Error).message}` } });
        graph.onError(`The AIoT Lens server did not answer: ${(e as Error).message}`);
      }
    };

    const answer = async (msg: RequestMessage) => {
      try {
        const expanded = msg.params?.['expanded'];
        const valid = expanded === 'all' || (Array.isArray(expanded) && expanded.every((e) => typeof e === 'string'));
        const result = await this.client.layout({ uri: document.uri.toString(), expanded: valid ? (expanded as 'all' | string[]) : 'auto' });
        post({ type: MessageType.Reply, requestId: msg.requestId, ok: true, result });
      } catch (e) {
        post({ type: MessageType.Reply, requestId: msg.requestId, ok: false, error: (e as Error).message });
      }
    };

    // Edits made outside VS Code (re-export, optimization passes) refresh the open editor.
    const folder = vscode.Uri.joinPath(document.uri, '..');
    const watcher = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(folder, fileName));
    // A device profile rewritten on disk (Calibrate Device from Measurements…) changes the device figures shown.
    const profiles = vscode.workspace.createFileSystemWatcher('**/.aiot/devices/*.json');
    const profileChanged = () => { post(readSettings(document.uri)); graph.onSettingsChanged(); };
    const disposables = [
      watcher,
      watcher.onDidChange(load),
      watcher.onDidCreate(load),
      profiles, profiles.onDidChange(profileChanged), profiles.onDidCreate(profileChanged), profiles.onDidDelete(profileChanged),
      this.client.onDidRestart(load),
      webview.onDidReceiveMessage((raw: unknown) => {
        const msg = parseFromWebview(raw);
        if (!msg) return; // Malformed messages from the page are dropped, never trusted.
        if (msg.type === MessageType.Ready) {
          post(readSettings(document.uri));
          void load();
        } else if (msg.type === MessageType.Reload) void load();
        else if (msg.type === MessageType.Request) void answer(msg);
        else if (msg.type === MessageType.Graph) void graph.handle(msg.message);
      }),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (!e.affectsConfiguration('aiotLens', document.uri)) return;
        post(readSettings(document.uri));
        // New pins change every figure: analyze again (the server caches per pin set).
        if (e.affectsConfiguration('aiotLens.defaultInputShapes', document.uri) || e.affectsConfiguration('aiotLens.inputValues', document.uri)) void load();
        else graph.onSettingsChanged();
      }),
    ];
    panel.onDidDispose(() => {
      this.graphs.get(key)?.delete(graph);
      if (this.graphs.get(key)?.size === 0) this.graphs.delete(key);
      loading?.cancel();
      for (const d of disposables) d.dispose();
    });
  }
}
