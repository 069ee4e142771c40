// Serves `aiotLens/layout`: lays out a model's graph off the webview's thread, cached by content hash and expanded set.

import { LSPErrorCodes, ResponseError, type CancellationToken, type Connection } from 'vscode-languageserver/node';
import { layoutCacheKey, layoutPrepared, prepareGraph, resolveExpanded } from '../core/layout';
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
