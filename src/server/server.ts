// The AIoT Lens language server: all analysis runs here, in its own process, never in the extension host.
// This file only wires features; each feature lives in its own module and registers its handlers.

import { fileURLToPath } from 'node:url';
import { createConnection, ProposedFeatures, TextDocuments, TextDocumentSyncKind, type InitializeResult } from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { registerAnalyze } from './analyzeRequest';
import { settingsReader } from './settings';

const connection = createConnection(ProposedFeatures.all);
const documents = new TextDocuments(TextDocument);
let hasConfiguration = false;
const getSettings = settingsReader(connection, () => hasConfiguration);

/** Capabilities announced at initialize; feature modules may add theirs before the client connects. */
const capabilities: InitializeResult['capabilities'] = { textDocumentSync: TextDocumentSyncKind.Incremental };

connection.onInitialize((params) => {
  hasConfiguration = Boolean(params.capabilities.workspace?.configuration);
  return { capabilities, serverInfo: { name: 'aiot-lens', version: '0.1.0' } };
});

// Features: one line each.
const analysisCache = registerAnalyze(connection, getSettings);

connection.onDidChangeWatchedFiles(({ changes }) => {
  for (const c of changes) {
    if (c.uri.startsWith('file:')) analysisCache.invalidate(fileURLToPath(c.uri));
  }
});

documents.listen(connection);
connection.listen();
