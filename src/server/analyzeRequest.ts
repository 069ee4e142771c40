// Serves `aiotLens/analyze`: the analysis report and graph outline of a model file, with cancellation.

import { LSPErrorCodes, ResponseError, type CancellationToken, type Connection } from 'vscode-languageserver/node';
import { modelOutline } from '../core/layout';
import { ServerMethod, type AnalyzeParams, type AnalyzeResult } from '../protocol';
import type { ModelStore } from './modelStore';

export function registerAnalyze(connection: Connection, store: ModelStore): void {
  connection.onRequest(ServerMethod.analyze, async (params: AnalyzeParams, token: CancellationToken): Promise<AnalyzeResult> => {
    const loaded = await store.load(params);
    // The engine cannot be interrupted mid-model; a cancelled request just drops its answer (the result stays cached).
    if (token.isCancellationRequested) throw new ResponseError(LSPErrorCodes.RequestCancelled, 'analysis cancelled');
    if (!loaded.ok) return loaded;
    const { analysis, analyzeMs } = loaded.entry;
    return {
      ok: true,
      contentHash: loaded.contentHash,
      report: analysis.report,
      outline: modelOutline(analysis.model.graph),
      analyzeMs: loaded.cached ? 0 : analyzeMs,
      cached: loaded.cached,
    };
  });
}
