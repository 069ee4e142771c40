// Serves `aiotLens/layout`: lays out a model's graph off the webview's thread, cached by content hash and expanded set.

import { LSPErrorCodes, ResponseError, type CancellationToken, type Connection } from 'vscode-languageserver/node';
import { layoutCacheKey, layoutPrepared, modelOutline, prepareGraph, resolveExpanded, subgraphAt } from '../core/layout';
import { ServerMethod, type LayoutParams, type LayoutResult } from '../protocol';
import type { ModelStore } from './modelStore';
import type { GetSettings } from './settings';

/** Layouts kept per model: the user toggles a handful of scopes back and forth. */
const MAX_LAYOUTS_PER_MODEL = 16;

export function registerLayout(connection: Connection, store: ModelStore, getSettings: GetSettings): void {
  connection.onRequest(ServerMethod.layout, async (params: LayoutParams, token: CancellationToken): Promise<LayoutResult> => {
    const loaded = await store.load(params);
    if (!loaded.ok) return loaded;
    const entry = loaded.entry;
    const settings = await getSettings(params.uri);
    if (params.graphPath?.length) {
      // A nested graph: laid out whole (bodies are small), with its own outline for search and the breadcrumb title.
      const found = subgraphAt(entry.analysis.model.graph, params.graphPath);
      if (!found.ok) return found;
      const key = `${layoutCacheKey(loaded.contentHash, ['*'])}/${JSON.stringify(params.graphPath)}`;
      let layout = entry.layouts.get(key);
      const cached = layout !== undefined;
      if (!layout) {
        const prepared = prepareGraph(found.value.graph, entry.analysis.shapes.subgraphs.get(found.value.graph));
        layout = layoutPrepared(prepared, resolveExpanded(prepared, { expanded: 'all' }));
        layout.graphPath = params.graphPath;
        layout.graphTitle = found.value.title;
        if (entry.layouts.size >= MAX_LAYOUTS_PER_MODEL) entry.layouts.delete(entry.layouts.keys().next().value as string);
        entry.layouts.set(key, layout);
      }
      return { ok: true, contentHash: loaded.contentHash, layout, cached, outline: modelOutline(found.value.graph) };
    }
    entry.prepared ??= prepareGraph(entry.analysis.model.graph, entry.analysis.shapes.values);
    const expanded = resolveExpanded(entry.prepared, { expanded: params.expanded ?? 'auto', groupThreshold: settings.largeGraphThreshold });
    const key = layoutCacheKey(loaded.contentHash, expanded);
    let layout = entry.layouts.get(key);
    const cached = layout !== undefined;
    if (!layout) {
      if (token.isCancellationRequested) throw new ResponseError(LSPErrorCodes.RequestCancelled, 'layout cancelled');
      layout = layoutPrepared(entry.prepared, expanded);
      if (entry.layouts.size >= MAX_LAYOUTS_PER_MODEL) entry.layouts.delete(entry.layouts.keys().next().value as string);
      entry.layouts.set(key, layout);
    }
    return { ok: true, contentHash: loaded.contentHash, layout, cached };
  });
}
