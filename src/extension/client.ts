// Starts the language server (dist/server.js over IPC) and exposes its requests to the extension's views.

import * as vscode from 'vscode';
import { MODEL_GLOB } from './modelFiles';
import { LanguageClient, State, TransportKind, type LanguageClientOptions, type ServerOptions } from 'vscode-languageclient/node';
import {
  ServerMethod,
  type AnalyzeParams,
  type AnalyzeResult,
  type EstimateParams,
  type EstimateResult,
  type LayoutParams,
  type LayoutResult,
  type MetricsParams,
  type MetricsResult,
  type NodeDetailsParams,
  type NodeDetailsResult,
  type WeightStatsParams,
  type WeightStatsResult,
} from '../protocol';

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
      // configurationSection: the server hears aiotLens.* changes (it still pulls values per resource).
      synchronize: { fileEvents: vscode.workspace.createFileSystemWatcher(MODEL_GLOB), configurationSection: 'aiotLens' },
      outputChannelName: 'AIoT Lens',
      // The server loads workspace device profiles only in a trusted workspace (src/server/trust.ts).
      initializationOptions: () => ({ trusted: vscode.workspace.isTrusted }),
    };
    this.client = new LanguageClient('aiotLens', 'AIoT Lens', serverOptions, clientOptions);
    let runs = 0;
    context.subscriptions.push(
      this.client.onDidChangeState((e) => {
        if (e.newState === State.Running && ++runs > 1) {
          this.restarted.fire();
          // Say so: figures shown a moment ago came from the process that stopped; open editors are reloading.
          void vscode.window.showWarningMessage('AIoT Lens: the analysis server stopped and was restarted; open models are reloading.');
        }
      }),
    );
    this.ready = this.client.start();
  }

  private async send<R>(method: string, params: unknown, token?: vscode.CancellationToken): Promise<R> {
    await this.ready;
    // An explicit `undefined` token would be sent as a second positional parameter by vscode-jsonrpc.
    return token ? this.client.sendRequest<R>(method, params, token) : this.client.sendRequest<R>(method, params);
  }

  analyze(params: AnalyzeParams, token?: vscode.CancellationToken): Promise<AnalyzeResult> {
    return this.send(ServerMethod.analyze, params, token);
  }

  layout(params: LayoutParams, token?: vscode.CancellationToken): Promise<LayoutResult> {
    return this.send(ServerMethod.layout, params, token);
  }

  metrics(params: MetricsParams): Promise<MetricsResult> {
    return this.send(ServerMethod.metrics, params);
  }

  nodeDetails(params: NodeDetailsParams): Promise<NodeDetailsResult> {
    return this.send(ServerMethod.nodeDetails, params);
  }

  weightStats(params: WeightStatsParams): Promise<WeightStatsResult> {
    return this.send(ServerMethod.weightStats, params);
  }

  estimate(params: EstimateParams, token?: vscode.CancellationToken): Promise<EstimateResult> {
    return this.send(ServerMethod.estimate, params, token);
  }

  /** Any server request by method name (advise, split and others added without a method here each). */
  request<R>(method: string, params: unknown, token?: vscode.CancellationToken): Promise<R> {
    return this.send(method, params, token);
  }

  async notify(method: string, params?: unknown): Promise<void> {
    await this.ready;
    await this.client.sendNotification(method, params);
  }

  dispose(): void {
    this.restarted.dispose();
    void this.client.stop();
  }
}
