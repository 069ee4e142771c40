// The AIoT Lens language server: all analysis runs here, in its own process, never in the extension host.
// This file only wires features; each feature lives in its own module and registers its handlers.

import { fileURLToPath } from 'node:url';
import { createConnection, ProposedFeatures, TextDocuments, TextDocumentSyncKind, type InitializeResult } from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { registerAnalyze } from './analyzeRequest';
import { registerLayout } from './layoutRequest';
import { ModelStore } from './modelStore';
import { registerNodeFeatures } from './nodeFeatures';
import { registerPythonFeatures } from './python';
import { settingsReader } from './settings';
import { registerAdviseSplit } from './adviseSplitRequests';
import { registerTrust } from './trust';

const connection = createConnection(ProposedFeatures.all);
const documents = new TextDocuments(TextDocument);
let hasConfiguration = false;
let initiallyTrusted = false;
/** First workspace folder: where workspace device profiles (.aiot/devices) are looked up. */
let workspaceDir: string | undefined;
const getSettings = settingsReader(connection, () => hasConfiguration);

/** Capabilities announced at initialize; feature modules may add theirs before the client connects. */
const capabilities: InitializeResult['capabilities'] = { textDocumentSync: TextDocumentSyncKind.Incremental };

connection.onInitialize((params) => {
  hasConfiguration = Boolean(params.capabilities.workspace?.configuration);
  initiallyTrusted = (params.initializationOptions as { trusted?: boolean } | undefined)?.trusted === true;
  const folder = params.workspaceFolders?.[0]?.uri;
  if (folder?.startsWith('file:')) workspaceDir = fileURLToPath(folder);
  return { capabilities, serverInfo: { name: 'aiot-lens', version: '0.1.0' } };
});

// Features: one line each. Every model request goes through one store, so a model is analyzed once per content.
const store = new ModelStore(connection, getSettings);
registerAnalyze(connection, store);
registerLayout(connection, store, getSettings);
registerNodeFeatures(connection, store, getSettings, () => workspaceDir);
registerAdviseSplit(connection, store, getSettings, () => workspaceDir);
registerTrust(connection, () => initiallyTrusted);
const python = registerPythonFeatures(connection, documents, getSettings, { capabilities, workspaceDir: () => workspaceDir });

// Settings (active device, script↔model links) change what the Python lenses and diagnostics say.
connection.onDidChangeConfiguration(() => python.refreshAll());

connection.onDidChangeWatchedFiles(({ changes }) => {
  for (const c of changes) {
    if (c.uri.startsWith('file:')) store.invalidate(fileURLToPath(c.uri));
  }
  // A re-exported model changes the figures shown beside the training script that links to it.
  if (changes.length) python.refreshAll();
});

documents.listen(connection);
connection.listen();
