// registerPythonFeatures over a real JSON-RPC connection (in-memory streams): open a script, get diagnostics,
// then code lenses, hover and code actions back from the server.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { createMessageConnection, StreamMessageReader, StreamMessageWriter } from 'vscode-jsonrpc/node';
import { createConnection, TextDocuments, type PublishDiagnosticsParams, type ServerCapabilities } from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { registerPythonFeatures } from '../../../src/server/python';
import { SCRIPTS, fixture } from './helpers';

test('the server publishes script diagnostics and answers lenses, hover and code actions', async () => {
  const toServer = new PassThrough();
  const toClient = new PassThrough();
  const server = createConnection(new StreamMessageReader(toServer), new StreamMessageWriter(toClient));
  const documents = new TextDocuments(TextDocument);
  const capabilities: ServerCapabilities = {};
  registerPythonFeatures(server, documents, async () => ({ activeDevice: 'stm32f746' }), { capabilities, workspaceDir: () => SCRIPTS, debounceMs: 10 });
  server.onInitialize(() => ({ capabilities: { ...capabilities, textDocumentSync: 2 } }));
  documents.listen(server);
  server.listen();

  const client = createMessageConnection(new StreamMessageReader(toClient), new StreamMessageWriter(toServer));
  const published: PublishDiagnosticsParams[] = [];
  let resolveDiag: () => void = () => undefined;
  client.onNotification('textDocument/publishDiagnostics', (p: PublishDiagnosticsParams) => {
    published.push(p);
    resolveDiag();
  });
  client.onRequest('workspace/codeLens/refresh', () => null);
  client.listen();
  const init = (await client.sendRequest('initialize', { processId: null, rootUri: null, capabilities: {} })) as { capabilities: ServerCapabilities };
  assert.equal(init.capabilities.hoverProvider, true);
  assert.ok(init.capabilities.codeLensProvider);
  await client.sendNotification('initialized', {});

  const uri = pathToFileURL(join(SCRIPTS, 'resnet8_cifar.py')).href;
  const waitFor = async (pred: () => boolean) => {
    for (let i = 0; i < 200 && !pred(); i++) await new Promise<void>((r) => { resolveDiag = r; setTimeout(r, 50); });
  };
  await client.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'python', version: 1, text: fixture('resnet8_cifar.py') } });
  // First the static diagnostics, then again once the linked model and the device estimate are in (hotspot).
  await waitFor(() => published.some((p) => p.diagnostics.some((d) => d.code === 'aiot.hotspot')));
  const last = published[published.length - 1]!;
  assert.deepEqual(last.diagnostics.map((d) => d.code), ['aiot.dense-conv', 'aiot.dense-conv', 'aiot.hotspot', 'aiot.float64', 'aiot.float64']);

  const lenses = (await client.sendRequest('textDocument/codeLens', { textDocument: { uri } })) as { command: { title: string; command: string } }[];
  assert.match(lenses.find((l) => l.command.title.startsWith('77,946'))!.command.title, /\| STM32F746.*: .* · RAM .* ✓ · flash .* ✓$/);
  const fcLine = fixture('resnet8_cifar.py').split('\n').findIndex((l) => l.includes('self.fc = nn.Linear'));
  const hover = (await client.sendRequest('textDocument/hover', { textDocument: { uri }, position: { line: fcLine, character: 20 } })) as { contents: { value: string } };
  assert.match(hover.contents.value, /^\*\*Linear\*\*\n- `fc` · \[1, 64\] → \[1, 10\] · 650 params · 640 MACs/);
  const f64 = last.diagnostics.find((d) => d.code === 'aiot.float64')!;
  const actions = (await client.sendRequest('textDocument/codeAction', { textDocument: { uri }, range: f64.range, context: { diagnostics: [f64] } })) as { title: string }[];
  assert.deepEqual(actions.map((a) => a.title), ['Use float32 in all 2 float64 places']);

  client.dispose();
  server.dispose();
});
