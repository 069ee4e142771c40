// Quick fixes for script diagnostics: text edits in the script, or commands (optimize the linked model).
import { CodeActionKind, type CodeAction, type Diagnostic, type Range } from 'vscode-languageserver';
import type { ScriptReport } from '../../core/python';
import { toLspDiagnostic } from './diagnostics';

const sameRange = (a: Range, b: Range): boolean =>
  a.start.line === b.start.line && a.start.character === b.start.character && a.end.line === b.end.line && a.end.character === b.end.character;

const overlaps = (a: Range, b: Range): boolean =>
  !(a.end.line < b.start.line || (a.end.line === b.start.line && a.end.character < b.start.character) ||
    b.end.line < a.start.line || (b.end.line === a.start.line && b.end.character < a.start.character));

/** Export calls in the script, offered "Optimize exported model…" when their model is linked. */
export interface ExportTargets {
  exportRanges: Range[];
  linkedModel?: string;
}

/** Code actions for the diagnostics in `range` (those the client sent, else every diagnostic overlapping it). */
export function codeActionsFor(uri: string, report: ScriptReport, range: Range, contextDiagnostics: Diagnostic[] = [], targets?: ExportTargets): CodeAction[] {
  const actions: CodeAction[] = [];
  // On an export call with a linked model, optimizing it is always available, diagnostic or not.
  if (targets?.linkedModel && targets.exportRanges.some((r) => overlaps(r, range))) {
    const title = 'Optimize exported model…';
    actions.push({ title, kind: CodeActionKind.Refactor, command: { title, command: 'aiotLens.optimizeModel', arguments: [{ modelPath: targets.linkedModel }] } });
  }
  for (const d of report.diagnostics) {
    const lsp = toLspDiagnostic(d);
    const requested = contextDiagnostics.length > 0
      ? contextDiagnostics.some((c) => c.code === d.code && sameRange(c.range, d.range))
      : overlaps(d.range, range);
    if (!requested) continue;
    for (const f of d.fixes) {
      const action: CodeAction = { title: f.title, kind: CodeActionKind.QuickFix, diagnostics: [lsp] };
      if (f.isPreferred) action.isPreferred = true;
      if (f.edits) action.edit = { changes: { [uri]: f.edits } };
      if (f.command) {
        if (actions.some((a) => a.command?.command === f.command!.command)) continue;
        action.command = f.command;
      }
      actions.push(action);
    }
  }
  return actions;
}
