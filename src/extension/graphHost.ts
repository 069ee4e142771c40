// The extension side of the graph view inside the model editor: answers its messages with server requests
// (layout, overlay metrics, node details, weight statistics) and pushes updates when settings change.

import * as vscode from 'vscode';
import { scopeOf, scopesToReveal } from '../core/layout/scopes';
import type { AnalyzeOk, GraphToHost, HostToGraph } from '../protocol';
import type { HotspotMetric, SubgraphStep } from '../../webview/graph/messages';
import type { LensClient } from './client';
import { readSettings } from './settings';
import { SELECT_DEVICE_COMMAND } from './statusBar';

export class GraphHost {
  private graphReady = false;
  private analysis: AnalyzeOk | undefined;
  private expanded: 'auto' | string[] = 'auto';
  /** Scopes open in the layout last sent (the resolved form of 'auto'). */
  private shownExpanded: string[] = [];
  /** The nested graph on screen (If branch, Loop/Scan body); [] is the main graph. */
  private graphPath: SubgraphStep[] = [];
  /** Node names to reveal once the graph and the analysis are both there. */
  private pendingReveal: string[] | undefined;

  constructor(
    private readonly uri: vscode.Uri,
    private readonly client: LensClient,
    private readonly post: (msg: HostToGraph) => void,
  ) {}

  /** A (new) analysis arrived: the graph is redrawn from scratch. */
  onAnalysis(result: AnalyzeOk): void {
    const changed = this.analysis?.contentHash !== result.contentHash;
    this.analysis = result;
    if (changed) {
      this.expanded = 'auto';
      this.graphPath = [];
    }
    if (this.graphReady) void this.pushAll();
  }

  /** Shows the first of these nodes that exists: opens the scopes hiding it and selects it. */
  reveal(nodeNames: string[]): void {
    this.pendingReveal = nodeNames;
    if (this.graphReady && this.analysis) void this.revealPending();
  }

  private async revealPending(): Promise<void> {
    const names = this.pendingReveal;
    this.pendingReveal = undefined;
    const nodes = this.analysis?.outline.nodes ?? [];
    for (const name of names ?? []) {
      const index = nodes.findIndex((n) => n.name === name);
      if (index < 0) continue;
      this.expanded = [...new Set([...this.shownExpanded, ...scopesToReveal(scopeOf(name))])];
      return this.pushLayout(`n${index}`);
    }
  }

  onError(message: string): void {
    this.analysis = undefined;
    if (this.graphReady) this.post({ type: 'error', message });
  }

  /** Device or metric changed: recolour without re-layout. */
  onSettingsChanged(): void {
    if (!this.graphReady || !this.analysis) return;
    this.post({ type: 'setMetric', metric: this.metric() });
    void this.pushMetrics();
  }

  async handle(msg: GraphToHost): Promise<void> {
    switch (msg.type) {
      case 'ready':
        this.graphReady = true;
        if (this.analysis) await this.pushAll();
        return;
      case 'expand':
        if (this.graphPath.length) return; // nested graphs are drawn whole
        this.expanded = msg.expanded;
        return this.pushLayout(msg.focus);
      case 'openGraph':
        this.graphPath = msg.path;
        if (msg.path.length === 0) return this.pushAll();
        return this.pushSubgraph();
      case 'inspect': {
        const inner = this.graphPath.length ? { graphPath: this.graphPath } : {};
        const r = await this.client.nodeDetails({ uri: this.uri.toString(), nodeIndex: msg.nodeIndex, ...inner });
        if (r.ok) this.post({ type: 'nodeDetails', details: r.details });
        else this.post({ type: 'error', message: r.error.message });
        return;
      }
      case 'requestWeightStats': {
        const inner = this.graphPath.length ? { graphPath: this.graphPath } : {};
        const r = await this.client.weightStats({ uri: this.uri.toString(), tensor: msg.tensor, ...inner });
        this.post(r.ok ? { type: 'weightStats', stats: r.stats } : { type: 'weightStatsError', tensor: msg.tensor, message: r.error.message });
        return;
      }
      case 'metricChanged':
        await vscode.workspace.getConfiguration('aiotLens', this.uri).update('hotspotMetric', msg.metric, vscode.ConfigurationTarget.Global);
        return;
      case 'selectDevice':
        await vscode.commands.executeCommand(SELECT_DEVICE_COMMAND);
        return;
    }
  }

  private metric(): HotspotMetric | 'none' {
    return readSettings(this.uri).hotspotMetric as HotspotMetric | 'none';
  }

  private async pushAll(): Promise<void> {
    if (!this.analysis) return;
    this.graphPath = [];
    this.post({ type: 'outline', outline: this.analysis.outline });
    this.post({ type: 'setMetric', metric: this.metric() });
    await this.pushLayout();
    await this.pushMetrics();
    if (this.pendingReveal) await this.revealPending();
  }

  private async pushLayout(focus?: string): Promise<void> {
    const n = this.analysis?.report.model.nodeCount ?? 0;
    if (n > readSettings(this.uri).largeGraphThreshold) this.post({ type: 'progress', message: `Laying out ${n.toLocaleString('en-US')} nodes…` });
    try {
      const r = await this.client.layout({ uri: this.uri.toString(), expanded: this.expanded });
      if (!r.ok) return this.post({ type: 'error', message: r.error.message });
      this.shownExpanded = r.layout.expanded;
      this.post(focus === undefined ? { type: 'layout', layout: r.layout } : { type: 'layout', layout: r.layout, focus });
    } catch (e) {
      this.post({ type: 'error', message: `layout failed: ${(e as Error).message}` });
    }
  }

  /** Draws the nested graph at `graphPath`: its own outline, a whole layout, and its nodes' figures. */
  private async pushSubgraph(): Promise<void> {
    try {
      const r = await this.client.layout({ uri: this.uri.toString(), expanded: 'all', graphPath: this.graphPath });
      if (!r.ok) return this.post({ type: 'error', message: r.error.message });
      if (r.outline) this.post({ type: 'outline', outline: r.outline });
      this.post({ type: 'layout', layout: r.layout });
      await this.pushMetrics();
    } catch (e) {
      this.post({ type: 'error', message: `layout failed: ${(e as Error).message}` });
    }
  }

  /** Overlay figures for the graph on screen (the main graph or the nested one at `graphPath`). */
  private async pushMetrics(): Promise<void> {
    const inner = this.graphPath.length ? { graphPath: this.graphPath } : {};
    try {
      const r = await this.client.metrics({ uri: this.uri.toString(), ...inner });
      if (r.ok) this.post({ type: 'metrics', metrics: r.metrics });
      // An unknown device id leaves the overlay on device-independent metrics; the status bar names the problem.
      else {
        const fallback = await this.client.metrics({ uri: this.uri.toString(), deviceId: '', ...inner });
        if (fallback.ok) this.post({ type: 'metrics', metrics: fallback.metrics });
      }
    } catch {
      // Server restarting: onDidRestart reloads the editor and pushes everything again.
    }
  }
}
