// Holds analyzed models by content hash (one analysis serves the summary, layout, inspector and overlay requests).

import { basename } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Connection } from 'vscode-languageserver/node';
import { analyzeLoaded, applicablePins, type Analysis } from '../core/analyze';
import { applyPlan } from '../core/analyze/plan';
import { isPlanName, type PlanName } from '../core/memory/plans';
import { loadModelFile } from '../core/model';
import type { Shape } from '../core/onnx/ir';
import { deadlineAfter } from '../core/deadline';
import type { GraphLayout } from '../core/layout';
import type { PreparedGraph } from '../core/layout';
import type { Estimate } from '../core/estimate';
import type { LensError } from '../core/result';
import type { InputShapes } from '../protocol';
import { ContentCache } from './contentCache';
import { modelPathOf } from './modelPath';
import type { GetSettings } from './settings';

/** Everything derived from one model file's bytes; derived views are filled lazily and kept with it. */
export interface ModelEntry {
  analysis: Analysis;
  analyzeMs: number;
  prepared?: PreparedGraph;
  /** Layouts by expanded-scope key. */
  layouts: Map<string, GraphLayout>;
  /** Estimates by device id. */
  estimates: Map<string, Estimate>;
}

type Computed = { ok: true; entry: ModelEntry } | { ok: false; error: LensError };
export type Loaded = { ok: true; entry: ModelEntry; contentHash: string; cached: boolean; path: string } | { ok: false; error: LensError };

/** Identifies a model in every request: by URI or absolute path, with optional pinned input shapes. */
export interface ModelRef {
  uri?: string;
  path?: string;
  inputShapes?: InputShapes;
  inputValues?: Record<string, number>;
}

export class ModelStore {
  // A decoded model keeps views into its file's bytes, so only a few are held; errors are never kept (a file
  // fixed on disk must be re-read even if no watcher event arrived).
  private readonly cache = new ContentCache<Computed>(4, (v) => v.ok);

  constructor(
    private readonly connection: Connection,
    private readonly getSettings: GetSettings,
  ) {}

  async load(ref: ModelRef): Promise<Loaded> {
    const where = modelPathOf(ref ?? {});
    if (!where.ok) return where;
    const path = where.value;
    const settings = await this.getSettings(ref.uri);
    const inputShapes = ref.inputShapes ?? settings.defaultInputShapes;
    const inputValues = ref.inputValues ?? settings.inputValues ?? {};
    const plan = isPlanName(settings.memoryPlan ?? '') ? settings.memoryPlan as PlanName : undefined;
    const variant = JSON.stringify([inputShapes, inputValues, plan ?? 'device']);
    try {
      const hit = await this.cache.get(path, variant, () => this.compute(path, inputShapes, inputValues, settings.analysisTimeBudgetMs, plan));
      if (!hit.value.ok) return hit.value;
      return { ok: true, entry: hit.value.entry, contentHash: hit.contentHash, cached: hit.cached, path };
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'not-found' : 'io';
      return { ok: false, error: { code, message: `${path}: cannot read the file (${(e as Error).message})`, path } };
    }
  }

  /** The file changed on disk: its next request re-reads it. */
  invalidate(path: string): void {
    this.cache.invalidate(path);
  }

  private async compute(path: string, inputShapes: InputShapes, inputValues: Record<string, number>, budgetMs: number, plan?: PlanName): Promise<Computed> {
    // Server-initiated progress: shown in VS Code's status area while a large model is analyzed.
    const progress = await this.connection.window.createWorkDoneProgress().catch(() => undefined);
    progress?.begin(`AIoT Lens: analyzing ${basename(path)}`, undefined, undefined, false);
    try {
      // The engine runs synchronously: let the progress notification leave before the event loop is busy.
      await new Promise((resolve) => setImmediate(resolve));
      const started = performance.now();
      const deadline = deadlineAfter(budgetMs, `analyzing ${basename(path)}`);
      const loaded = loadModelFile(path);
      if (!loaded.ok) return loaded;
      // Settings pins apply to every model in the workspace: keep the ones that fit this model, say which do not.
      const pins = applicablePins(loaded.value.model, inputShapes as Record<string, Shape>, inputValues);
      const r = analyzeLoaded(loaded.value, {
        deadline, ...(Object.keys(pins.shapes).length ? { inputShapes: pins.shapes } : {}), ...(Object.keys(pins.values).length ? { inputValues: pins.values } : {}),
      });
      if (!r.ok) return r;
      r.value.report.warnings.push(...pins.notes);
      // The plans side by side in the report; the picked one (aiotLens.memoryPlan) for totals and device figures.
      applyPlan(r.value, plan);
      return { ok: true, entry: { analysis: r.value, analyzeMs: performance.now() - started, layouts: new Map(), estimates: new Map() } };
    } catch (e) {
      // The engine returns errors as values; anything thrown is a bug, reported as one readable line.
      return { ok: false, error: { code: 'internal', message: `${basename(path)}: internal error: ${(e as Error).message}`, path } };
    } finally {
      progress?.done();
    }
  }
}
