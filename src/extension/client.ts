// Starts the language server (dist/server.js over IPC) and exposes its requests to the extension's views.

import * as vscode from 'vscode';
import { LanguageClient, State, TransportKind, type LanguageClientOptions, type ServerOptions } from 'vscode-languageclient/node';
import { ServerMethod, type AnalyzeParams, type AnalyzeResult, type LayoutParams, type LayoutResult } from '../protocol';

export class LensClient implements vscode.Disposable {
  private readonly client: LanguageClient;
  private readonly ready: Promise<void>;
  private readonly restarted = new vscode.EventEmitter<void>();
  /** Fires when the server came back after a crash: open editors re-request their data. */
  readonly onDidRestart = this.restarted.event;

  constructor(context: vscode.ExtensionContext) {
    const module = context.asAbsolutePath('dist/server.js');
    const serverOptions: ServerOptions = {
      run: { module, transport: TransportKind.ipc },
      debug: { module, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6010'] } },
    };
    const clientOptions: LanguageClientOptions = {
      documentSelector: [{ scheme: 'file', language: 'python' }],
      // The server drops cached analyses of models that change on disk.
      synchronize: { fileEvents: vscode.workspace.createFileSystemWatcher('**/*.onnx') },
      outputChannelName: 'AIoT Lens',
    };
    this.client = new LanguageClient('aiotLens', 'AIoT Lens', serverOptions, clientOptions);
    let runs = 0;
    context.subscriptions.push(
      this.client.onDidChangeState((e) => {
        if (e.newState === State.Running && ++runs > 1) this.restarted.fire();
      }),
    );
    this.ready = this.client.start();
  }

  async analyze(params: AnalyzeParams, token?: vscode.CancellationToken): Promise<AnalyzeResult> {
    await this.ready;
    return this.client.sendRequest<AnalyzeResult>(ServerMethod.analyze, params, token);
  }

  async layout(params: LayoutParams, token?: vscode.CancellationToken): Promise<LayoutResult> {
    await this.ready;
    return this.client.sendRequest<LayoutResult>(ServerMethod.layout, params, token);
  }

  dispose(): void {
    this.restarted.dispose();
    void this.client.stop();
  }
}
