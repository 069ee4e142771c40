// Owns one full check of a script: analysis, optional ONNX link and device estimate, diagnostics, module summary;
// and the per-document session that re-parses incrementally and keeps the last good result across syntax errors.
import type { Language, Tree } from 'web-tree-sitter';
import type { DeviceProfile } from '../devices';
import { analyzeTreeSafe, type ScriptModel } from './analyze-script';
import type { SiblingModule } from './imports';
import { runChecks } from './checks';
import { linkModel, resolveOnnxPath, type LinkedModel } from './link';
import { IncrementalParser, parseOnce, type TextChange } from './parser';
import { resolveSettings, type ScriptSettings } from './settings';
import type { ModuleSummary, Position, Range, ScriptDiagnostic } from './types';

export interface CheckOptions {
  settings?: ScriptSettings;
  /** Script path on disk: needed to resolve the exported .onnx. */
  scriptPath?: string;
  /** Folder the linked model must lie in (default: the script's folder). */
  workspaceRoot?: string;
  device?: DeviceProfile;
  /** Highest opset the device runtime accepts, when known. */
  deviceMaxOpset?: number;
  /** An explicit script → model mapping (aiotLens.scriptModels) instead of the export call's path. */
  modelPath?: string;
}

export interface ScriptReport {
  diagnostics: ScriptDiagnostic[];
  modules: ModuleSummary[];
  /** The .onnx the script is linked to, when it exists inside the workspace. */
  linkedModel?: string;
  linkError?: string;
  /** True when the text has syntax errors and these figures come from the last text that parsed cleanly. */
  stale: boolean;
  /** Set when the analysis itself failed (the report is then empty or the last good one). */
  analysisError?: string;
  syntaxErrors: Range[];
}

export interface CheckResult {
  report: ScriptReport;
  model: ScriptModel;
  link?: LinkedModel;
}

function syntaxErrors(tree: Tree): Range[] {
  const out: Range[] = [];
  const visit = (n: Tree['rootNode']): void => {
    if (out.length >= 20) return;
    if (n.isError || n.isMissing) {
      out.push({ start: { line: n.startPosition.row, character: n.startPosition.column }, end: { line: n.endPosition.row, character: n.endPosition.column } });
      return;
    }
    if (!n.hasError) return;
    for (const c of n.children) if (c) visit(c);
  };
  visit(tree.rootNode);
  return out;
}

/** The .onnx path the script exports to (or the configured one), resolved and contained; undefined if absent. */
export function linkTarget(model: ScriptModel, options: CheckOptions): string | undefined {
  if (!options.scriptPath) return undefined;
  const target = options.modelPath ?? model.exports.find((e) => e.onnxPath)?.onnxPath;
  return target ? resolveOnnxPath(options.scriptPath, target, options.workspaceRoot) : undefined;
}

/** Runs the checks on an analyzed tree with an already-loaded link (synchronous: the LSP's per-keystroke path). */
export function checkAnalyzed(text: string, model: ScriptModel, options: CheckOptions, link: LinkedModel | undefined): ScriptReport {
  const settings = options.settings ?? resolveSettings(undefined);
  const diagnostics = runChecks({
    text,
    model,
    settings,
    link,
    deviceMaxOpset: options.deviceMaxOpset,
    deviceName: options.device?.name,
  });
  return { diagnostics, modules: model.modules, ...(link ? { linkedModel: link.onnxPath } : {}), stale: false, syntaxErrors: syntaxErrors(model.tree) };
}

/** One-shot check (CLI): parse, analyze, link the exported model when it exists, run every check. */
export async function checkScriptText(language: Language, text: string, options: CheckOptions = {}): Promise<CheckResult> {
  const tree = parseOnce(language, text);
  if (!tree) throw new Error('the parser returned no tree');
  const { model, error } = analyzeTreeSafe(tree, { scriptPath: options.scriptPath, workspaceRoot: options.workspaceRoot });
  const target = linkTarget(model, options);
  let link: LinkedModel | undefined;
  let linkError: string | undefined;
  if (target) {
    const r = await linkModel(target, model.model?.mod, { device: options.device });
    if ('error' in r) linkError = r.error;
    else link = r;
  }
  const report = checkAnalyzed(text, model, options, link);
  if (linkError) report.linkError = linkError;
  if (error) report.analysisError = error;
  return { report, model, link };
}

function shiftPosition(p: Position, change: TextChange): Position | undefined {
  const oldEnd = change.oldEndPosition;
  if (p.line < change.startPosition.row || (p.line === change.startPosition.row && p.character <= change.startPosition.column)) return p;
  if (p.line < oldEnd.row || (p.line === oldEnd.row && p.character < oldEnd.column)) return undefined; // inside the edit
  const dLine = change.newEndPosition.row - oldEnd.row;
  if (p.line === oldEnd.row) return { line: p.line + dLine, character: change.newEndPosition.column + (p.character - oldEnd.column) };
  return { line: p.line + dLine, character: p.character };
}

export function shiftRange(r: Range, change: TextChange): Range | undefined {
  const s = shiftPosition(r.start, change);
  const e = shiftPosition(r.end, change);
  return s && e ? { start: s, end: e } : undefined;
}

/** Moves a stale report's ranges past an edit; diagnostics inside the edited text are dropped (their fixes would be wrong). */
function shiftReport(report: ScriptReport, change: TextChange): ScriptReport {
  const diagnostics: ScriptDiagnostic[] = [];
  for (const d of report.diagnostics) {
    const r = shiftRange(d.range, change);
    if (r) diagnostics.push({ ...d, range: r, fixes: d.fixes.filter((f) => !f.edits) });
  }
  const modules = report.modules.flatMap((m) => {
    const r = shiftRange(m.range, change);
    return r ? [{ ...m, range: r, layers: m.layers.flatMap((l) => { const lr = shiftRange(l.range, change); return lr ? [{ ...l, range: lr }] : []; }) }] : [];
  });
  return { ...report, diagnostics, modules };
}

/** Per-document state for the language server: incremental parser, last good result, cached link. */
export class ScriptSession {
  private readonly parser: IncrementalParser;
  private lastGood: CheckResult | undefined;
  private link: LinkedModel | undefined;
  private linkKey: string | undefined;
  private readonly siblings = new Map<string, SiblingModule>();

  constructor(language: Language) {
    this.parser = new IncrementalParser(language);
  }

  /** Re-parses the edited text and checks it; with syntax errors the last good result is returned, shifted. */
  update(text: string, options: CheckOptions): CheckResult | undefined {
    const parsed = this.parser.update(text);
    if (!parsed) return this.lastGood;
    if (parsed.tree.rootNode.hasError && this.lastGood) {
      const prev = this.lastGood;
      const report = parsed.change ? shiftReport(prev.report, parsed.change) : prev.report;
      this.lastGood = { ...prev, report: { ...report, stale: false } };
      return { ...prev, report: { ...report, stale: true, syntaxErrors: syntaxErrors(parsed.tree) } };
    }
    // Sibling files the script imports are analyzed once per content (hash) for the session's lifetime.
    if (this.siblings.size > 64) this.siblings.clear();
    const { model, error } = analyzeTreeSafe(parsed.tree, { scriptPath: options.scriptPath, workspaceRoot: options.workspaceRoot, siblingCache: this.siblings });
    if (error && this.lastGood) return { ...this.lastGood, report: { ...this.lastGood.report, stale: true, analysisError: error } };
    const report = checkAnalyzed(text, model, options, this.currentLink(model, options));
    if (error) report.analysisError = error;
    const result: CheckResult = { report, model, link: this.link };
    if (!parsed.tree.rootNode.hasError) this.lastGood = result;
    return result;
  }

  /** Loads (or reloads) the linked model when its path changed; the caller re-runs update afterwards. */
  async refreshLink(model: ScriptModel, options: CheckOptions, modelMtimeMs?: number): Promise<boolean> {
    const target = linkTarget(model, options);
    const key = target ? `${target}|${modelMtimeMs ?? ''}|${options.device?.id ?? ''}` : undefined;
    if (key === this.linkKey) return false;
    this.linkKey = key;
    if (!target) {
      this.link = undefined;
      return true;
    }
    const r = await linkModel(target, model.model?.mod, { device: options.device });
    this.link = 'error' in r ? undefined : r;
    return true;
  }

  private currentLink(model: ScriptModel, options: CheckOptions): LinkedModel | undefined {
    if (!this.link) return undefined;
    return linkTarget(model, options) === this.link.onnxPath ? this.link : undefined;
  }

  get linked(): LinkedModel | undefined {
    return this.link;
  }

  dispose(): void {
    this.parser.dispose();
  }
}
