// Python training-script features of the language server: debounced diagnostics, quick fixes, code lenses and
// hovers for *.py documents. The handlers are plain functions (diagnostics.ts, codeActions.ts, codeLens.ts, hover.ts);
// this module keeps per-document sessions and wires them to the connection.
import { statSync } from 'node:fs';
import { dirname, isAbsolute, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Connection, ServerCapabilities, TextDocuments } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { DeviceProfile } from '../../core/devices';
import { linkTarget, loadPython, resolveSettings, ScriptSession, type CheckOptions, type CheckResult } from '../../core/python';
import { findDevice } from '../devices';
import { codeActionsFor } from './codeActions';
import { codeLensesFor } from './codeLens';
import { diagnosticsFor } from './diagnostics';
import { hoverAt } from './hover';

export { codeActionsFor } from './codeActions';
export { codeLensesFor, OPEN_MODEL_AT } from './codeLens';
export { diagnosticsFor } from './diagnostics';
export { hoverAt } from './hover';

/** The settings this feature reads: aiotLens.activeDevice, aiotLens.python {...}, aiotLens.scriptModels {script: model}. */
export interface PythonSettingsSource {
  activeDevice?: string;
  python?: unknown;
  scriptModels?: unknown;
}

export interface PythonFeatureOptions {
  /** Capabilities object announced at initialize: code actions, lenses and hover are added to it. */
  capabilities?: ServerCapabilities;
  workspaceDir?: () => string | undefined;
  /** Folder with the wasm files (dist/ in the bundle). */
  wasmDir?: string;
  debounceMs?: number;
}

export const PYTHON_CAPABILITIES: Partial<ServerCapabilities> = {
  codeActionProvider: { codeActionKinds: ['quickfix'] },
  codeLensProvider: { resolveProvider: false },
  hoverProvider: true,
};

function isPython(doc: TextDocument): boolean {
  return doc.languageId === 'python' || doc.uri.endsWith('.py');
}

/** aiotLens.scriptModels maps a script (path relative to the workspace, or absolute) to its model file. */
function mappedModel(raw: unknown, scriptPath: string, workspaceDir: string | undefined): string | undefined {
  if (!raw || typeof raw !== 'object') return undefined;
  for (const [script, model] of Object.entries(raw as Record<string, unknown>)) {
    if (typeof model !== 'string') continue;
    const abs = isAbsolute(script) ? script : workspaceDir ? join(workspaceDir, script) : script;
    if (abs === scriptPath || (workspaceDir && relative(workspaceDir, scriptPath) === script)) {
      // Relative model paths in settings are workspace-relative; make them relative to the script for resolveOnnxPath.
      const modelAbs = isAbsolute(model) ? model : workspaceDir ? join(workspaceDir, model) : join(dirname(scriptPath), model);
      return modelAbs;
    }
  }
  return undefined;
}

export function registerPythonFeatures(
  connection: Connection,
  documents: TextDocuments<TextDocument>,
  getSettings: (uri?: string) => Promise<PythonSettingsSource>,
  options: PythonFeatureOptions = {},
): { refreshAll(): void } {
  if (options.capabilities) Object.assign(options.capabilities, PYTHON_CAPABILITIES);
  const language = loadPython({ wasmDir: options.wasmDir ?? (typeof __dirname === 'string' ? __dirname : undefined) });
  const sessions = new Map<string, ScriptSession>();
  const results = new Map<string, CheckResult>();
  const timers = new Map<string, ReturnType<typeof setTimeout>>();
  const devices = new Map<string, DeviceProfile | undefined>();
  const debounceMs = options.debounceMs ?? 200;
  let reportedLoadError = false;

  async function checkOptions(uri: string): Promise<CheckOptions> {
    let raw: PythonSettingsSource = {};
    try {
      raw = await getSettings(uri);
    } catch {
      // settings unavailable: defaults
    }
    const workspaceDir = options.workspaceDir?.();
    const scriptPath = uri.startsWith('file:') ? fileURLToPath(uri) : undefined;
    const out: CheckOptions = { settings: resolveSettings(raw.python) };
    if (scriptPath) {
      out.scriptPath = scriptPath;
      out.workspaceRoot = workspaceDir ?? dirname(scriptPath);
      const mapped = mappedModel(raw.scriptModels, scriptPath, workspaceDir);
      if (mapped) out.modelPath = mapped;
    }
    const deviceId = typeof raw.activeDevice === 'string' ? raw.activeDevice : '';
    if (deviceId) {
      if (!devices.has(deviceId)) {
        const d = findDevice(deviceId, workspaceDir);
        devices.set(deviceId, d.ok ? d.value : undefined);
      }
      const device = devices.get(deviceId);
      if (device) out.device = device;
    }
    return out;
  }

  async function run(uri: string): Promise<void> {
    const doc = documents.get(uri);
    if (!doc) return;
    const lang = await language;
    if (!lang.ok) {
      if (!reportedLoadError) connection.console.error(`AIoT Lens: Python analysis is off: ${lang.error.message}`);
      reportedLoadError = true;
      return;
    }
    const opts = await checkOptions(uri);
    let session = sessions.get(uri);
    if (!session) {
      session = new ScriptSession(lang.value);
      sessions.set(uri, session);
    }
    const version = doc.version;
    let result = session.update(doc.getText(), opts);
    if (!result) return;
    results.set(uri, result);
    connection.sendDiagnostics({ uri, version, diagnostics: diagnosticsFor(result.report) });
    if (result.report.stale) return;
    // The linked model: (re)loaded when its path, its modification time or the device changed.
    const target = linkTarget(result.model, opts);
    let mtime: number | undefined;
    try {
      mtime = target ? statSync(target).mtimeMs : undefined;
    } catch {
      mtime = undefined;
    }
    if (await session.refreshLink(result.model, opts, mtime)) {
      const current = documents.get(uri);
      if (!current || current.version !== version) return; // a newer edit is already scheduled
      result = session.update(current.getText(), opts);
      if (!result) return;
      results.set(uri, result);
      connection.sendDiagnostics({ uri, version, diagnostics: diagnosticsFor(result.report) });
      connection.sendRequest('workspace/codeLens/refresh').catch(() => undefined);
    }
  }

  function schedule(uri: string): void {
    const t = timers.get(uri);
    if (t) clearTimeout(t);
    timers.set(uri, setTimeout(() => {
      timers.delete(uri);
      run(uri).catch((e) => connection.console.error(`AIoT Lens: script check failed for ${uri}: ${e instanceof Error ? e.message : String(e)}`));
    }, debounceMs));
  }

  documents.onDidOpen((e) => isPython(e.document) && schedule(e.document.uri));
  documents.onDidChangeContent((e) => isPython(e.document) && schedule(e.document.uri));
  documents.onDidClose((e) => {
    const uri = e.document.uri;
    const t = timers.get(uri);
    if (t) clearTimeout(t);
    timers.delete(uri);
    sessions.get(uri)?.dispose();
    sessions.delete(uri);
    results.delete(uri);
    if (isPython(e.document)) connection.sendDiagnostics({ uri, diagnostics: [] });
  });
  connection.onCodeAction((params) => {
    const r = results.get(params.textDocument.uri);
    if (!r) return [];
    const targets = { exportRanges: r.model.exports.map((e) => e.range), ...(r.link ? { linkedModel: r.link.onnxPath } : {}) };
    return codeActionsFor(params.textDocument.uri, r.report, params.range, params.context.diagnostics, targets);
  });
  connection.onCodeLens((params) => {
    const r = results.get(params.textDocument.uri);
    return r ? codeLensesFor(r) : [];
  });
  connection.onHover((params) => {
    const r = results.get(params.textDocument.uri);
    return r ? hoverAt(r, params.position) : null;
  });
  // For the server's configuration-change handler: settings and the active device are re-read on the next run.
  return {
    refreshAll(): void {
      devices.clear();
      for (const uri of results.keys()) schedule(uri);
    },
  };
}
