// The `aiotLens.*` settings as the language server reads them (pulled from the client per resource).

import type { Connection } from 'vscode-languageserver/node';
import type { InputShapes } from '../protocol';

export interface LensSettings {
  activeDevice: string;
  defaultInputShapes: InputShapes;
  /** Inputs known at analysis time (`--value NAME=N`), by input name. */
  inputValues: Record<string, number>;
  hotspotMetric: string;
  /** Activation plan for the figures: 'device' (what the device's runtime runs) or per-tensor, in-place, patch. */
  memoryPlan: string;
  largeGraphThreshold: number;
  /** Analysis of one model longer than this is stopped with a message (the engine checks it as it goes). */
  analysisTimeBudgetMs: number;
}

export const defaultSettings: LensSettings = {
  activeDevice: '',
  defaultInputShapes: {},
  inputValues: {},
  hotspotMetric: 'latency',
  memoryPlan: 'device',
  largeGraphThreshold: 2000,
  analysisTimeBudgetMs: 60_000,
};

export type GetSettings = (resourceUri?: string) => Promise<LensSettings>;

/** Reads settings from the client when it supports workspace/configuration, else the defaults. */
export function settingsReader(connection: Connection, hasConfiguration: () => boolean): GetSettings {
  return async (resourceUri) => {
    if (!hasConfiguration()) return defaultSettings;
    const raw: unknown = await connection.workspace.getConfiguration(
      resourceUri === undefined ? { section: 'aiotLens' } : { section: 'aiotLens', scopeUri: resourceUri },
    );
    return { ...defaultSettings, ...(typeof raw === 'object' && raw !== null ? (raw as Partial<LensSettings>) : {}) };
  };
}
