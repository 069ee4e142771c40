// Checks every figure the script analysis reports against what PyTorch measured (TRUTH.json from
// scripts/python-corpus.py): each is exact (params equal, MACs within 0.5 %), null, or counted as wrong.
import { readFileSync } from 'node:fs';
import type { Language } from 'web-tree-sitter';
import { analyzeTreeSafe, instanceParams, type ScriptModel } from '../../../src/core/python/analyze-script';
import { parseOnce } from '../../../src/core/python/parser';

/** [type, params, MACs or null when the module is never called]. */
type PathTruth = [string, number, number | null];

export interface TruthModel {
  build: string;
  root?: string;
  input?: number[];
  paths?: Record<string, PathTruth>;
  forwardError?: string;
  error?: string;
}

export interface TruthFile {
  models: TruthModel[];
  /** Classes that build without arguments: their parameters, and each direct child's. */
  classes: Record<string, { params: number; paths?: Record<string, number>; site?: boolean }>;
}

export interface Tally {
  files: number;
  modulesWithTruth: number;
  exact: number;
  null: number;
  /** Figures that differ from PyTorch: must stay empty. */
  wrong: string[];
  /** Figures reported where no truth exists (a model PyTorch cannot build, a class built with arguments): must stay empty. */
  unchecked: string[];
  /** Analyses that failed. */
  errors: string[];
  slowest: { id: string; ms: number };
}

export function newTally(): Tally {
  return { files: 0, modulesWithTruth: 0, exact: 0, null: 0, wrong: [], unchecked: [], errors: [], slowest: { id: '', ms: 0 } };
}

export function readJson<T>(path: string): T {
  return JSON.parse(readFileSync(path, 'utf8')) as T;
}

const join = (a: string, b: string) => (a === '' ? b : `${a}.${b}`);

/** True when every call of `name(` in the text has no arguments: the analysis's fresh instance is then the no-argument one. */
function builtWithoutArgs(text: string, name: string): boolean {
  const re = new RegExp(`(?<![\\w.]|class )${name}\\(([^)]?)`, 'g');
  for (const m of text.matchAll(re)) if (m[1] !== ')' && m[1] !== '') return false;
  return true;
}

export function analyzeText(lang: Language, text: string, scriptPath?: string): { model: ScriptModel; error?: string; ms: number } {
  const t0 = performance.now();
  const tree = parseOnce(lang, text);
  if (!tree) throw new Error('no tree');
  const r = analyzeTreeSafe(tree, scriptPath ? { scriptPath } : {});
  return { ...r, ms: performance.now() - t0 };
}

/**
 * A class the analysis builds with arguments it cannot evaluate: any figure it still reports cannot depend on them, so
 * it must equal the figure of any instance PyTorch built (the first of that class in a truth model).
 */
function instanceOf(truth: TruthFile | undefined, name: string): TruthFile['classes'][string] | undefined {
  for (const m of truth?.models ?? []) {
    for (const [p, [type, params]] of Object.entries(m.paths ?? {})) {
      if (type !== name) continue;
      const paths: Record<string, number> = {};
      const prefix = p === '' ? '' : `${p}.`;
      for (const [q, [, qp]] of Object.entries(m.paths!)) {
        const rest = q.slice(prefix.length);
        if (q.startsWith(prefix) && q !== p && !rest.includes('.')) paths[rest] = qp;
      }
      return { params, paths };
    }
  }
  return undefined;
}

/** Compares one analyzed file with its truth and adds to the tally. */
export function compareFile(id: string, text: string, model: ScriptModel, truth: TruthFile | undefined, tally: Tally): void {
  tally.files++;
  const check = (what: string, got: number | null, want: number | null | undefined, macs: boolean): void => {
    if (got === null) {
      tally.null++;
      return;
    }
    if (want === undefined) {
      tally.unchecked.push(`${id} ${what}: ${got} (no truth)`);
      return;
    }
    if (want === null) {
      tally.wrong.push(`${id} ${what}: ${got}, PyTorch: not computed (never called, or its forward() fails)`);
      return;
    }
    const ok = macs ? Math.abs(got - want) <= 0.005 * Math.max(want, 1) : got === want;
    if (ok) tally.exact++;
    else tally.wrong.push(`${id} ${what}: ${got}, PyTorch: ${want}`);
  };
  const traced = model.model;
  const tm = traced ? truth?.models.find((m) => m.root === traced.mod.typeName && m.paths) : undefined;
  if (tm) tally.modulesWithTruth += Object.keys(tm.paths!).length;
  const pathTruth = (p: string): PathTruth | undefined => tm?.paths?.[p];
  const macsTruth = (p: string): number | null | undefined => (tm?.forwardError ? (pathTruth(p) ? null : undefined) : pathTruth(p)?.[2]);
  for (const s of model.modules) {
    if (s.instancePath !== undefined) {
      const base = s.instancePath;
      check(`${s.name} @'${base}' params`, s.params, pathTruth(base)?.[1], false);
      check(`${s.name} @'${base}' MACs`, s.macs, macsTruth(base), true);
      for (const l of s.layers) {
        const p = join(base, l.path);
        check(`${s.name}.${l.path} @'${p}' params`, l.params, pathTruth(p)?.[1], false);
        check(`${s.name}.${l.path} @'${p}' MACs`, l.macs, macsTruth(p), true);
      }
    } else {
      // The class as the analysis built it (first literal call, or no arguments); else, when that call's arguments are
      // not all static, any instance PyTorch built: what the analysis still reports cannot depend on the unknown ones.
      const c = truth?.classes[s.name] && (truth.classes[s.name]!.site || builtWithoutArgs(text, s.name)) ? truth.classes[s.name] : instanceOf(truth, s.name);
      check(`${s.name} (fresh) params`, s.params, c?.params, false);
      check(`${s.name} (fresh) MACs`, s.macs, undefined, true);
      for (const l of s.layers) {
        check(`${s.name}.${l.path} (fresh) params`, l.params, c?.paths?.[l.path], false);
        check(`${s.name}.${l.path} (fresh) MACs`, l.macs, undefined, true);
      }
    }
  }
  // Hover figures: every constructor call's instances inside the traced model.
  for (const list of model.layers.values()) {
    for (const inst of list) {
      if (inst.path === undefined) continue;
      check(`layer @'${inst.path}' params`, instanceParams(model, inst), pathTruth(inst.path)?.[1], false);
      check(`layer @'${inst.path}' MACs`, inst.macs, macsTruth(inst.path), true);
    }
  }
}

export function summary(t: Tally): string {
  return `${t.files} files, ${t.modulesWithTruth} module paths with truth: ${t.exact} exact, ${t.null} null, ${t.wrong.length} wrong, ${t.unchecked.length} without truth, ${t.errors.length} internal errors; slowest ${t.slowest.id} ${t.slowest.ms.toFixed(0)} ms`;
}
