// The Models view: workspace *.onnx and *.tflite files with params/MACs and, for the active device, a fit icon per resource
// (RAM, flash, latency vs aiotLens.latencyBudgetMs) from the server's aiotLens/analyze and aiotLens/estimate.

import { basename } from 'node:path';
import * as vscode from 'vscode';
import { MODEL_GLOB } from './modelFiles';
import { TrustNotification, type AnalyzeResult, type EstimateResult } from '../protocol';
import type { LensClient } from './client';
import { MODEL_EDITOR_VIEW_TYPE } from './modelEditorProvider';
import { readSettings } from './settings';
import { modelItemData, type Fit, type ModelItemData } from './treeLogic';

export const MODELS_VIEW = 'aiotLens.models';

const icon = (fit: Fit) =>
  fit === 'fits' ? new vscode.ThemeIcon('pass', new vscode.ThemeColor('testing.iconPassed'))
    : fit === 'over' ? new vscode.ThemeIcon('error', new vscode.ThemeColor('testing.iconFailed'))
      : new vscode.ThemeIcon('circle-large-outline');

class ModelNode {
  data?: ModelItemData;
  constructor(readonly uri: vscode.Uri) {}
}
class ResourceNode {
  constructor(readonly row: ModelItemData['resources'][number]) {}
}
type Node = ModelNode | ResourceNode;

export function latencyBudgetMs(): number | undefined {
  const v = vscode.workspace.getConfiguration('aiotLens').get<number>('latencyBudgetMs', 0);
  return v > 0 ? v : undefined;
}

export class ModelsTree implements vscode.TreeDataProvider<Node> {
  private readonly changed = new vscode.EventEmitter<Node | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private nodes = new Map<string, ModelNode>();
  private generation = 0;

  constructor(private readonly client: LensClient) {}

  refresh(): void {
    this.generation++;
    for (const n of this.nodes.values()) n.data = undefined;
    this.changed.fire(undefined);
  }

  async getChildren(node?: Node): Promise<Node[]> {
    if (node instanceof ResourceNode) return [];
    if (node instanceof ModelNode) return (node.data?.resources ?? []).map((r) => new ResourceNode(r));
    const files = await vscode.workspace.findFiles(MODEL_GLOB, '**/{node_modules,.git}/**', 1000);
    files.sort((a, b) => a.fsPath.localeCompare(b.fsPath));
    const next = new Map<string, ModelNode>();
    for (const uri of files) next.set(uri.toString(), this.nodes.get(uri.toString()) ?? new ModelNode(uri));
    this.nodes = next;
    return [...next.values()];
  }

  getTreeItem(node: Node): vscode.TreeItem {
    if (node instanceof ResourceNode) {
      const item = new vscode.TreeItem(node.row.label, vscode.TreeItemCollapsibleState.None);
      item.description = node.row.description;
      item.iconPath = icon(node.row.fit);
      return item;
    }
    if (!node.data) void this.load(node, this.generation);
    const data = node.data ?? modelItemData(basename(node.uri.fsPath), undefined, undefined);
    const item = new vscode.TreeItem(data.label, data.resources.length ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None);
    item.id = node.uri.toString();
    item.resourceUri = node.uri;
    item.description = data.description;
    item.tooltip = `${vscode.workspace.asRelativePath(node.uri)}\n${data.tooltip}`;
    item.iconPath = icon(data.fit);
    item.contextValue = 'aiotLens.model';
    item.command = { command: 'vscode.openWith', title: 'Open Model', arguments: [node.uri, MODEL_EDITOR_VIEW_TYPE] };
    return item;
  }

  private async load(node: ModelNode, generation: number): Promise<void> {
    const name = basename(node.uri.fsPath);
    const uri = node.uri.toString();
    const a: AnalyzeResult = await this.client.analyze({ uri }).catch((e: Error) => ({ ok: false, error: { code: 'internal', message: e.message } }) as AnalyzeResult);
    let data: ModelItemData;
    if (!a.ok) data = modelItemData(name, undefined, undefined, undefined, a.error.message);
    else {
      const device = readSettings(node.uri).activeDevice;
      const e: EstimateResult | undefined = device ? await this.client.estimate({ uri, deviceId: device }).catch(() => undefined) : undefined;
      data = modelItemData(name, a.report, e?.ok ? e.estimate : undefined, latencyBudgetMs(), undefined, e && !e.ok ? e.error.message : undefined);
    }
    if (generation !== this.generation) return; // a refresh started meanwhile: its own load fills the node
    node.data = data;
    this.changed.fire(node);
  }
}

export function registerModelsTree(context: vscode.ExtensionContext, client: LensClient): ModelsTree {
  const tree = new ModelsTree(client);
  const watcher = vscode.workspace.createFileSystemWatcher(MODEL_GLOB);
  let timer: ReturnType<typeof setTimeout> | undefined;
  // A training run may rewrite a model several times in a second: refresh once it settles.
  const soon = () => {
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => tree.refresh(), 300);
  };
  context.subscriptions.push(
    vscode.window.createTreeView(MODELS_VIEW, { treeDataProvider: tree, showCollapseAll: true }),
    watcher, watcher.onDidCreate(soon), watcher.onDidChange(soon), watcher.onDidDelete(soon),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('aiotLens.activeDevice') || e.affectsConfiguration('aiotLens.latencyBudgetMs') || e.affectsConfiguration('aiotLens.defaultInputShapes') || e.affectsConfiguration('aiotLens.inputValues')) tree.refresh();
    }),
    vscode.commands.registerCommand('aiotLens.refreshModels', () => tree.refresh()),
    client.onDidRestart(() => tree.refresh()),
    // Trust granted: the server may now load workspace device profiles (the active device may be one of them).
    vscode.workspace.onDidGrantWorkspaceTrust(() => void client.notify(TrustNotification).then(() => tree.refresh())),
  );
  return tree;
}
