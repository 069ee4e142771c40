// What a split panel shows, as plain data: the table rows (best, chosen, both extremes, the best others), every
// cut's figures for the chart, and — once halves were exported — their verification. Built by the language server
// from a search result, rendered by webview/panels/pages.ts.

import type { Agreement } from '../verify/agreement';
import type { CutEvaluation, SplitResult } from './search';
import { bestInnerCut, describeCut, splitTableRows, type CutRole } from './select';

export interface SplitCut {
  index: number;
  afterNode: string;
  bytes: number;
  deviceMs: number;
  linkMs: number;
  remoteMs: number;
  totalMs: number;
  deviceEnergyMj: number;
}

export interface SplitRow {
  role: CutRole;
  /** "all remote (raw input upload)", "all on device" or "after NODE". */
  where: string;
  cut: SplitCut;
}

/** Verification of exported halves as the CLI's JSON gives it (infinite SNR as a number again). */
export type SplitVerifyView = Pick<Agreement, 'maxAbsError' | 'relativeError' | 'snrDb' | 'cosine' | 'top1Agreement' | 'top1Rows' | 'referenceMaxAbs' | 'warnings' | 'verdict'> & { inputs: number };

export interface SplitExported {
  cut: number;
  where: string;
  device: string;
  remote: string;
  verify: SplitVerifyView;
}

export interface SplitView {
  model: string;
  device: string;
  remote: string;
  link: string;
  objective: string;
  /** Nodes in the model: cut 0 runs everything remotely, cut nodeCount everything on the device. */
  nodeCount: number;
  best: SplitCut;
  cuts: SplitCut[];
  rows: SplitRow[];
  /** When the best cut runs everything on one side: the best cut that splits the model, to offer instead. */
  bestInner?: SplitCut;
  gain: { latencyX: number; deviceEnergySaving: number };
  assumptions: string[];
  /** false: exporting is disabled (an untrusted workspace); exportNote says why. */
  canExport: boolean;
  exportNote?: string;
  /** The halves last exported from this panel and their verification. */
  exported?: SplitExported;
}

export function splitCut(c: CutEvaluation): SplitCut {
  return { index: c.index, afterNode: c.afterNode, bytes: c.bytes, deviceMs: c.deviceMs, linkMs: c.linkMs, remoteMs: c.remoteMs, totalMs: c.totalMs, deviceEnergyMj: c.deviceEnergyMj };
}

export function splitView(model: string, r: SplitResult, nodeCount: number): SplitView {
  const extreme = r.best.index === 0 || r.best.index === nodeCount;
  const inner = extreme ? bestInnerCut(r, nodeCount) : undefined;
  return {
    model, device: r.device, remote: r.remote, link: r.link, objective: r.objective, nodeCount,
    best: splitCut(r.best), cuts: r.cuts.map(splitCut),
    rows: splitTableRows(r, nodeCount).map((x) => ({ role: x.role, where: describeCut(x.cut, nodeCount), cut: splitCut(x.cut) })),
    ...(inner ? { bestInner: splitCut(inner) } : {}),
    gain: r.gain, assumptions: r.assumptions, canExport: true,
  };
}
