// Script diagnostics as LSP diagnostics.
import { DiagnosticSeverity, type Diagnostic } from 'vscode-languageserver';
import type { ScriptDiagnostic, ScriptReport } from '../../core/python';

const SEVERITY: Record<ScriptDiagnostic['severity'], DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  information: DiagnosticSeverity.Information,
  hint: DiagnosticSeverity.Hint,
};

export function toLspDiagnostic(d: ScriptDiagnostic): Diagnostic {
  return { range: d.range, severity: SEVERITY[d.severity], code: d.code, source: 'AIoT Lens', message: d.message };
}

export function diagnosticsFor(report: ScriptReport): Diagnostic[] {
  return report.diagnostics.map(toLspDiagnostic);
}
