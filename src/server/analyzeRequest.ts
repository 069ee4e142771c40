// Serves `aiotLens/analyze`: runs the engine on a model file, cached by content hash, with progress and cancellation.

import { basename } from 'node:path';
import { performance } from 'node:perf_hooks';
import { LSPErrorCodes, ResponseError, type CancellationToken, type Connection } from 'vscode-languageserver/node';
import { analyzeModelFile } from '../core/analyze';
import type { LensError } from '../core/result';
import { ServerMethod, type AnalyzeParams, type AnalyzeResult, type GraphSketch } from '../protocol';
import type { AnalysisReport } from '../core/analyze/report';
import { ContentCache } from './contentCache';
import { sketchGraph } from './graphSketch';
import { modelPathOf } from './modelPath';
import type { GetSettings } from './settings';

type Computed = { ok: true; report: AnalysisReport; graph: GraphSketch; analyzeMs: number } | { ok: false; error: LensError };

/** Registers the request; returns the cache so the file watcher can invalidate it. */
export function registerAnalyze(connection: Connection, getSettings: GetSettings): ContentCache<Computed> {
  // Errors are not kept: a file fixed on disk without a watcher event must still be re-read on the next request.
  const cache = new ContentCache<Computed>(8, (v) => v.ok);

  connection.onRequest(ServerMethod.analyze, async (params: AnalyzeParams, token: CancellationToken): Promise<AnalyzeResult> => {
    const where = modelPathOf(params ?? {});
    if (!where.ok) return where;
    const path = where.value;
    const settings = await getSettings(params.uri);
    const inputShapes = params.inputShapes ?? settings.defaultInputShapes;
    const variant = JSON.stringify({ inputShapes, deviceId: params.deviceId ?? settings.activeDevice });

    let hit;
    try {
      hit = await cache.get(path, variant, () => compute(connection, path, inputShapes));
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'not-found' : 'io';
      return { ok: false, error: { code, message: `${path}: cannot read the file (${(e as Error).message})`, path } };
    }
    if (token.isCancellationRequested) throw new ResponseError(LSPErrorCodes.RequestCancelled, 'analysis cancelled');
    const v = hit.value;
    if (!v.ok) return v;
    return { ok: true, contentHash: hit.contentHash, report: v.report, graph: v.graph, analyzeMs: hit.cached ? 0 : v.analyzeMs, cached: hit.cached };
  });
  return cache;
}

async function compute(connection: Connection, path: string, inputShapes: AnalyzeParams['inputShapes']): Promise<Computed> {
  // Server-initiated progress: shown in VS Code's status area while a large model is analyzed.
  const progress = await connection.window.createWorkDoneProgress().catch(() => undefined);
  progress?.begin(`AIoT Lens: analyzing ${basename(path)}`, undefined, undefined, false);
  try {
    // The engine runs synchronously: let the progress notification leave before the event loop is busy.
    await new Promise((resolve) => setImmediate(resolve));
    const started = performance.now();
    const r = await analyzeModelFile(path, inputShapes ? { inputShapes } : {});
    const analyzeMs = performance.now() - started;
    if (!r.ok) return r;
    return { ok: true, report: r.value.report, graph: sketchGraph(r.value.model), analyzeMs };
  } catch (e) {
    // The engine returns errors as values; anything thrown is a bug, reported as one readable line.
    return { ok: false, error: { code: 'internal', message: `${basename(path)}: internal error: ${(e as Error).message}`, path } };
  } finally {
    progress?.done();
  }
}
