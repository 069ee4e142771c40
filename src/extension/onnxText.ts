// "Open as Text" for .onnx models (a read-only virtual document in ONNX's textual syntax) and "Save as ONNX" for
// .onnxtxt text: thin adapters over src/core/onnx/text.

import * as vscode from 'vscode';
import { isTflitePath, needsOnnx } from './modelFiles';
import { decodeModel } from '../core/onnx/decode';
import { dirname } from 'node:path';
import { encodeModel } from '../core/onnx/encode';
import type { Model } from '../core/onnx/ir';
import { saveModel } from '../core/onnx/save';
import { formatBytes } from '../core/format';
import { fillElided, parseModelText, printModel } from '../core/onnx/text';

export const ONNX_TEXT_SCHEME = 'aiot-onnx-text';
export const OPEN_AS_TEXT_COMMAND = 'aiotLens.openAsText';
export const SAVE_AS_ONNX_COMMAND = 'aiotLens.saveAsOnnx';
export const ONNX_TEXT_LANGUAGE = 'onnxtext';

/** The virtual text document of a model: path ends in .onnxtxt (so it gets the language), query names the source. */
export function textUriFor(model: vscode.Uri, full = false): vscode.Uri {
  const query = new URLSearchParams({ source: model.toString(), ...(full ? { full: '1' } : {}) }).toString();
  return vscode.Uri.from({ scheme: ONNX_TEXT_SCHEME, path: `${model.path}.onnxtxt`, query });
}

function sourceOf(textUri: vscode.Uri): { model: vscode.Uri; full: boolean } | undefined {
  const params = new URLSearchParams(textUri.query);
  const source = params.get('source');
  return source ? { model: vscode.Uri.parse(source), full: params.get('full') === '1' } : undefined;
}

async function readModel(uri: vscode.Uri): Promise<{ ok: true; model: Model } | { ok: false; message: string }> {
  let bytes: Uint8Array;
  try {
    bytes = await vscode.workspace.fs.readFile(uri);
  } catch (e) {
    return { ok: false, message: `cannot read ${uri.fsPath}: ${e instanceof Error ? e.message : String(e)}` };
  }
  const decoded = decodeModel(bytes, { path: uri.fsPath });
  return decoded.ok ? { ok: true, model: decoded.value } : { ok: false, message: `${uri.fsPath}: ${decoded.error.message}` };
}

class OnnxTextProvider implements vscode.TextDocumentContentProvider {
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;

  async provideTextDocumentContent(uri: vscode.Uri): Promise<string> {
    const src = sourceOf(uri);
    if (!src) return '# AIoT Lens: this document does not name a model\n';
    const read = await readModel(src.model);
    if (!read.ok) {
      void vscode.window.showErrorMessage(`AIoT Lens: ${read.message}`);
      return `# AIoT Lens could not print this model: ${read.message}\n`;
    }
    return printModel(read.model, { full: src.full });
  }

  /** Re-prints open text views of a model whose file changed on disk. */
  refresh(model: vscode.Uri): void {
    for (const doc of vscode.workspace.textDocuments) {
      if (doc.uri.scheme === ONNX_TEXT_SCHEME && sourceOf(doc.uri)?.model.toString() === model.toString()) this.changed.fire(doc.uri);
    }
  }

  dispose(): void {
    this.changed.dispose();
  }
}

/** The .onnx file a command applies to: its argument, the active custom editor or text editor, or a file picker. */
async function targetModel(arg: unknown): Promise<vscode.Uri | undefined> {
  if (arg instanceof vscode.Uri) return arg;
  const input = vscode.window.tabGroups.activeTabGroup.activeTab?.input;
  if (input instanceof vscode.TabInputCustom && /\.(onnx|tflite)$/i.test(input.uri.path)) return input.uri;
  const active = vscode.window.activeTextEditor?.document.uri;
  if (active?.path.endsWith('.onnx')) return active;
  const picked = await vscode.window.showOpenDialog({ canSelectMany: false, filters: { 'ONNX models': ['onnx'] }, openLabel: 'Open as Text' });
  return picked?.[0];
}

async function openAsText(arg: unknown): Promise<void> {
  const model = await targetModel(arg);
  if (!model) return;
  if (isTflitePath(model.fsPath)) {
    void vscode.window.showInformationMessage(`${needsOnnx('Open as Text')} For a readable listing of a .tflite, run: aiot-lens print ${vscode.workspace.asRelativePath(model)}`);
    return;
  }
  const doc = await vscode.workspace.openTextDocument(textUriFor(model));
  const typed = doc.languageId === ONNX_TEXT_LANGUAGE ? doc : await vscode.languages.setTextDocumentLanguage(doc, ONNX_TEXT_LANGUAGE);
  await vscode.window.showTextDocument(typed, { preview: true });
}

/** Moves the cursor to the `line:column` a parse error starts with. */
function revealError(doc: vscode.TextDocument, message: string): void {
  const m = /^(\d+):(\d+):/.exec(message);
  const editor = vscode.window.visibleTextEditors.find((e) => e.document === doc);
  if (!m || !editor) return;
  const pos = new vscode.Position(Number(m[1]) - 1, Number(m[2]) - 1);
  editor.selection = new vscode.Selection(pos, pos);
  editor.revealRange(new vscode.Range(pos, pos), vscode.TextEditorRevealType.InCenterIfOutsideViewport);
}

async function exists(uri: vscode.Uri): Promise<boolean> {
  try {
    await vscode.workspace.fs.stat(uri);
    return true;
  } catch {
    return false;
  }
}

async function saveAsOnnx(arg: unknown): Promise<void> {
  const doc = arg instanceof vscode.Uri ? await vscode.workspace.openTextDocument(arg) : vscode.window.activeTextEditor?.document;
  if (!doc) {
    void vscode.window.showWarningMessage('AIoT Lens: open an ONNX text (.onnxtxt) document first.');
    return;
  }
  const name = doc.uri.path.split('/').pop() ?? 'model.onnxtxt';
  const parsed = parseModelText(doc.getText(), { path: name });
  if (!parsed.ok) {
    void vscode.window.showErrorMessage(`AIoT Lens: ${name}:${parsed.error.message}`);
    revealError(doc, parsed.error.message);
    return;
  }
  const { model, elided } = parsed.value;
  const fromView = doc.uri.scheme === ONNX_TEXT_SCHEME ? sourceOf(doc.uri)?.model : undefined;
  // External data named in the text is relative to the model it was printed from.
  let original = fromView;
  if (elided.length) {
    // Elided weights come from the model the text was printed from: the view's own source, or one the user picks.
    if (!original) {
      const choice = await vscode.window.showInformationMessage(
        `${elided.length} tensor(s) in ${name} are elided. Choose the original model to take their weights from.`,
        { modal: true },
        'Choose Original Model…',
      );
      if (!choice) return;
      original = (await vscode.window.showOpenDialog({ canSelectMany: false, filters: { 'ONNX models': ['onnx'] }, openLabel: 'Take Weights From' }))?.[0];
      if (!original) return;
    }
    const read = await readModel(original);
    if (!read.ok) {
      void vscode.window.showErrorMessage(`AIoT Lens: ${read.message}`);
      return;
    }
    const filled = fillElided(elided, read.model, original.fsPath);
    if (!filled.ok) {
      void vscode.window.showErrorMessage(`AIoT Lens: ${name}:${filled.error.message}`);
      revealError(doc, filled.error.message);
      return;
    }
  }
  const base = fromView ?? doc.uri.with({ path: doc.uri.path.replace(/\.onnxtxt$/, '') });
  const suggested = base.with({ scheme: base.scheme === ONNX_TEXT_SCHEME ? 'file' : base.scheme, path: base.path.replace(/(\.onnx)?$/, '.edited.onnx') });
  const target = await vscode.window.showSaveDialog({ defaultUri: suggested, filters: { 'ONNX models': ['onnx'] }, saveLabel: 'Save as ONNX' });
  if (!target) return;
  if (await exists(target)) {
    const replace = await vscode.window.showWarningMessage(`${target.fsPath} exists. Replace it?`, { modal: true }, 'Replace');
    if (replace !== 'Replace') return;
  }
  if (target.scheme === 'file') {
    // Weights the text keeps in external data go to TARGET.data beside the model, as `aiot-lens parse` writes them.
    const sourceDir = original?.scheme === 'file' ? dirname(original.fsPath) : doc.uri.scheme === 'file' ? dirname(doc.uri.fsPath) : undefined;
    const written = saveModel(model, target.fsPath, {
      force: true, sourceDir, preferExternal: model.graph.initializers.some((t) => t.data.kind === 'external'),
    });
    if (!written.ok) {
      void vscode.window.showErrorMessage(`AIoT Lens: ${target.fsPath}: ${written.error.message}`);
      return;
    }
    const size = written.value.dataPath
      ? `${formatBytes(written.value.fileBytes)} + ${formatBytes(written.value.externalDataBytes)} external data in ${written.value.dataPath}`
      : `${written.value.fileBytes} bytes`;
    void vscode.window.showInformationMessage(`AIoT Lens: saved ${target.fsPath} (${size}).`);
    return;
  }
  const bytes = encodeModel(model);
  if (!bytes.ok) {
    void vscode.window.showErrorMessage(`AIoT Lens: cannot encode the model: ${bytes.error.message}`);
    return;
  }
  await vscode.workspace.fs.writeFile(target, bytes.value);
  void vscode.window.showInformationMessage(`AIoT Lens: saved ${target.fsPath} (${bytes.value.byteLength} bytes).`);
}

/** Registers the text view provider and both commands; call once from activate(). */
export function registerOnnxText(context: vscode.ExtensionContext): void {
  const provider = new OnnxTextProvider();
  const watcher = vscode.workspace.createFileSystemWatcher('**/*.onnx', true, false, true);
  context.subscriptions.push(
    provider,
    watcher,
    watcher.onDidChange((uri) => provider.refresh(uri)),
    vscode.workspace.registerTextDocumentContentProvider(ONNX_TEXT_SCHEME, provider),
    vscode.commands.registerCommand(OPEN_AS_TEXT_COMMAND, openAsText),
    vscode.commands.registerCommand(SAVE_AS_ONNX_COMMAND, saveAsOnnx),
  );
}
