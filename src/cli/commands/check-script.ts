// `aiot-lens check-script FILE.py`: the diagnostics and module summary the editor shows for a PyTorch training
// script, for CI and other editors (text or JSON with 1-based lines).

import { existsSync, readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve, sep } from 'node:path';
import { getDevice, loadProfiles, type DeviceProfile } from '../../core/devices';
import type { Estimate } from '../../core/estimate';
import { formatBytes, formatCount, formatMs } from '../../core/format';
import { checkScriptText, loadPython, type ScriptDiagnostic, type ScriptFix, type TextEdit } from '../../core/python';
import { parse } from '../args';
import { EXIT_CHECK_FAILED, EXIT_ERROR, EXIT_OK, type CliIO } from '../io';

export const summary = 'diagnostics and parameter/MAC summary for a PyTorch training script';

const HELP = `usage: aiot-lens check-script FILE.py [--device ID] [--model FILE.onnx] [--json] [--profiles FILE]

  --device ID       estimate the exported .onnx on this device (fit, hotspots)
  --model FILE      the model the script produces, when the export call's path is not static
  --profiles FILE   extra device profiles (JSON file or folder)
  --json            {"diagnostics": [...], "modules": [...]} with 1-based lines and columns
  With --device the device verdict is always printed: fits, does NOT fit, or no verdict with the reason.
Exit code 1 when a diagnostic has severity error or the model does not fit the device.
`;

function jsonEdit(e: TextEdit) {
  return { line: e.range.start.line + 1, column: e.range.start.character + 1, endLine: e.range.end.line + 1, endColumn: e.range.end.character + 1, newText: e.newText };
}

function jsonFix(f: ScriptFix) {
  return { title: f.title, ...(f.edits ? { edits: f.edits.map(jsonEdit) } : {}), ...(f.command ? { command: f.command.command, arguments: f.command.arguments } : {}) };
}

export function diagnosticJson(d: ScriptDiagnostic) {
  return {
    line: d.range.start.line + 1,
    column: d.range.start.character + 1,
    endLine: d.range.end.line + 1,
    endColumn: d.range.end.character + 1,
    severity: d.severity,
    code: d.code,
    message: d.message,
    fixes: d.fixes.map(jsonFix),
  };
}

function commonRoot(a: string, b: string): string {
  const x = a.split(sep);
  const y = b.split(sep);
  let i = 0;
  while (i < x.length && i < y.length && x[i] === y[i]) i++;
  return x.slice(0, i).join(sep) || sep;
}

/** The device verdict `--device` always adds (JSON `device`): fits, over, or unknown with the reason. */
export interface DeviceVerdict {
  id: string;
  name: string;
  verdict: 'fits' | 'over' | 'unknown';
  /** Why it does not fit, or why there is no verdict. */
  reasons: string[];
  latencyMs?: number;
  peakRamBytes?: number;
  ramBudgetBytes?: number;
  flashBytes?: number;
  flashBudgetBytes?: number;
}

export function deviceVerdict(device: DeviceProfile, est: Estimate | undefined, noLink: string | undefined): DeviceVerdict {
  const base = { id: device.id, name: device.name };
  if (!est) return { ...base, verdict: 'unknown', reasons: [noLink ?? 'the linked model has no estimate'] };
  const mem = est.resources.memory;
  const sto = est.resources.storage;
  const over: string[] = [];
  const undecided: string[] = [];
  if (mem.verdict === 'unknown') undecided.push(`RAM ${formatBytes(mem.demand)} is a ${mem.bound ?? ''} bound against ${formatBytes(mem.budget)}`);
  else if (!mem.fits) over.push(`peak RAM ${formatBytes(mem.demand)} > ${formatBytes(mem.budget)} budget`);
  if (sto.verdict === 'unknown') undecided.push(`flash ${formatBytes(sto.demand)} is a ${sto.bound ?? ''} bound against ${formatBytes(sto.budget)}`);
  else if (!sto.fits) over.push(`flash ${formatBytes(sto.demand)} > ${formatBytes(sto.budget)} budget`);
  if (!est.fits.dtypes) over.push(`no ${est.unsupportedDtypes.join(', ')} arithmetic`);
  if (!est.fits.operators) over.push(`unsupported operators ${est.unsupportedOps.join(', ')}`);
  return {
    ...base,
    verdict: over.length > 0 ? 'over' : undecided.length > 0 ? 'unknown' : 'fits',
    reasons: over.length > 0 ? over : undecided,
    latencyMs: est.latencyMs,
    peakRamBytes: est.peakRamBytes,
    ramBudgetBytes: mem.budget,
    flashBytes: est.flashBytes,
    flashBudgetBytes: sto.budget,
  };
}

function verdictLine(v: DeviceVerdict): string {
  const head = `device ${v.name} (${v.id}): ${v.verdict === 'fits' ? 'fits' : v.verdict === 'over' ? 'does NOT fit' : 'no verdict'}`;
  const figures = v.latencyMs !== undefined
    ? ` — latency ${formatMs(v.latencyMs)}, RAM ${formatBytes(v.peakRamBytes!)} of ${formatBytes(v.ramBudgetBytes!)}, flash ${formatBytes(v.flashBytes!)} of ${formatBytes(v.flashBudgetBytes!)}`
    : '';
  return `${head}${figures}${v.reasons.length ? ` (${v.reasons.join('; ')})` : ''}`;
}

export async function run(argv: string[], io: CliIO): Promise<number> {
  const parsed = parse(argv, {
    device: { type: 'string' },
    model: { type: 'string' },
    profiles: { type: 'string', multiple: true },
    json: { type: 'boolean' },
    help: { type: 'boolean', short: 'h' },
  });
  if (!parsed.ok) {
    io.err(`aiot-lens check-script: ${parsed.error.message}\n${HELP}`);
    return EXIT_ERROR;
  }
  const { values, positionals } = parsed.value;
  if (values['help']) {
    io.out(HELP);
    return EXIT_OK;
  }
  const file = positionals[0];
  if (!file || positionals.length > 1) {
    io.err(`aiot-lens check-script: give exactly one script\n${HELP}`);
    return EXIT_ERROR;
  }
  const path = isAbsolute(file) ? file : resolve(io.cwd, file);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    io.err(`aiot-lens check-script: ${file}: ${code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : 'cannot read the file'}\n`);
    return EXIT_ERROR;
  }
  let device: DeviceProfile | undefined;
  if (typeof values['device'] === 'string') {
    const reg = loadProfiles({ cwd: io.cwd, extra: (values['profiles'] as string[] | undefined) ?? [] });
    if (!reg.ok) {
      io.err(`aiot-lens check-script: ${reg.error.message}\n`);
      return EXIT_ERROR;
    }
    const d = getDevice(reg.value, values['device']);
    if (!d.ok) {
      io.err(`aiot-lens check-script: ${d.error.message}\n`);
      return EXIT_ERROR;
    }
    device = d.value;
  }
  // The bundle ships the wasm files next to dist/cli.js; from sources they come from node_modules.
  const lang = await loadPython({ wasmDir: typeof __dirname === 'string' ? __dirname : undefined });
  if (!lang.ok) {
    io.err(`aiot-lens check-script: ${lang.error.message}\n`);
    return EXIT_ERROR;
  }
  const modelArg = typeof values['model'] === 'string' ? values['model'] : undefined;
  const modelPath = modelArg ? (isAbsolute(modelArg) ? modelArg : resolve(io.cwd, modelArg)) : undefined;
  if (modelPath && !existsSync(modelPath)) {
    io.err(`aiot-lens check-script: ${modelArg}: no such file\n`);
    return EXIT_ERROR;
  }
  // The script's folder bounds which model an export call may link; an explicit --model is trusted as given.
  const workspaceRoot = modelPath ? commonRoot(dirname(path), dirname(modelPath)) : dirname(path);
  const { report, link } = await checkScriptText(lang.value, text, { scriptPath: path, workspaceRoot, device, ...(modelPath ? { modelPath } : {}) });
  const verdict = device ? deviceVerdict(device, link?.estimate, report.linkedModel ? undefined : report.linkError ?? (modelPath ? 'the model could not be linked' : 'no linked model: the export call does not name an existing .onnx statically; pass --model FILE.onnx')) : undefined;
  const hasError = report.diagnostics.some((d) => d.severity === 'error') || verdict?.verdict === 'over';
  if (values['json'] === true) {
    io.out(`${JSON.stringify({
      diagnostics: report.diagnostics.map(diagnosticJson),
      modules: report.modules.map((m) => ({ name: m.name, line: m.range.start.line + 1, params: m.params, macs: m.macs, ...(m.unknownReason ? { unknownReason: m.unknownReason } : {}) })),
      ...(report.linkedModel ? { linkedModel: report.linkedModel } : {}),
      ...(verdict ? { device: verdict } : {}),
      ...(report.syntaxErrors.length ? { syntaxErrors: report.syntaxErrors.map((r) => ({ line: r.start.line + 1, column: r.start.character + 1 })) } : {}),
    })}\n`);
    return hasError ? EXIT_CHECK_FAILED : EXIT_OK;
  }
  const lines: string[] = [];
  for (const m of report.modules) {
    const params = m.params === null ? 'params unknown' : `${m.params.toLocaleString('en-US')} params`;
    const macs = m.macs === null ? 'MACs unknown' : `${formatCount(m.macs)} MACs${m.inputShape ? ` @ ${m.inputShape.join('×')}` : ''}`;
    lines.push(`${file}:${m.range.start.line + 1}: ${m.name}${m.isExported ? ' (exported)' : ''}: ${params}, ${macs}${m.unknownReason ? ` (unknown: ${m.unknownReason})` : ''}`);
  }
  if (report.linkedModel) lines.push(`linked model: ${report.linkedModel}`);
  if (report.linkError) lines.push(`linked model not analyzed: ${report.linkError}`);
  if (verdict) lines.push(verdictLine(verdict));
  for (const s of report.syntaxErrors) lines.push(`${file}:${s.start.line + 1}:${s.start.character + 1}: syntax error (figures may be incomplete)`);
  for (const d of report.diagnostics) {
    lines.push(`${file}:${d.range.start.line + 1}:${d.range.start.character + 1}: ${d.severity} ${d.code}: ${d.message}`);
    for (const f of d.fixes) lines.push(`    fix: ${f.title}`);
  }
  if (report.diagnostics.length === 0) lines.push('no diagnostics');
  io.out(`${lines.join('\n')}\n`);
  return hasError ? EXIT_CHECK_FAILED : EXIT_OK;
}
