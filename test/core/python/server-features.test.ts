// The language-server handlers for scripts (plain functions): code actions, code lenses, hover.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { test } from 'node:test';
import { builtInProfiles, type DeviceProfile } from '../../../src/core/devices';
import { ScriptSession } from '../../../src/core/python';
import { codeActionsFor, codeLensesFor, diagnosticsFor, hoverAt, OPEN_MODEL_AT } from '../../../src/server/python';
import { SCRIPTS, fixture, python } from './helpers';

async function linkedResult(device?: DeviceProfile) {
  const lang = await python();
  const session = new ScriptSession(lang);
  const opts = { scriptPath: join(SCRIPTS, 'kws_dscnn.py'), workspaceRoot: SCRIPTS, ...(device ? { device } : {}) };
  const first = session.update(fixture('kws_dscnn.py'), opts)!;
  assert.equal(await session.refreshLink(first.model, opts, 1), true);
  return session.update(fixture('kws_dscnn.py'), opts)!;
}

test('diagnostics carry code, source and LSP severity', async () => {
  const r = await linkedResult();
  const d = diagnosticsFor(r.report);
  assert.deepEqual(d.map((x) => [x.code, x.severity, x.source]), [
    ['aiot.inference-without-no-grad', 2, 'AIoT Lens'],
    ['aiot.inference-without-eval', 2, 'AIoT Lens'],
    ['aiot.export-without-eval', 2, 'AIoT Lens'],
    ['aiot.opset-missing', 2, 'AIoT Lens'],
  ]);
});

test('code actions: the quick fixes of the diagnostics the client asks about, as workspace edits', async () => {
  const r = await linkedResult();
  const uri = pathToFileURL(join(SCRIPTS, 'kws_dscnn.py')).href;
  const lsp = diagnosticsFor(r.report).filter((d) => d.code === 'aiot.opset-missing');
  const actions = codeActionsFor(uri, r.report, lsp[0]!.range, lsp);
  assert.deepEqual(actions.map((a) => a.title), ['Add opset_version=17 and do_constant_folding=True']);
  assert.equal(actions[0]!.kind, 'quickfix');
  assert.equal(actions[0]!.isPreferred, true);
  assert.deepEqual(actions[0]!.edit!.changes![uri], [{ range: { start: { line: 68, character: 100 }, end: { line: 68, character: 100 } }, newText: ', opset_version=17, do_constant_folding=True' }]);
  // Without context diagnostics, every diagnostic overlapping the range: export line has two.
  assert.equal(codeActionsFor(uri, r.report, lsp[0]!.range).length, 2);
  // On the export call of a linked script, "Optimize exported model…" runs the optimize command on the .onnx.
  const targets = { exportRanges: r.model.exports.map((e) => e.range), linkedModel: r.link!.onnxPath };
  const withOptimize = codeActionsFor(uri, r.report, lsp[0]!.range, lsp, targets);
  assert.deepEqual(withOptimize[0]!.command, { title: 'Optimize exported model…', command: 'aiotLens.optimizeModel', arguments: [{ modelPath: join(SCRIPTS, 'kws_dscnn.onnx') }] });
});

test('code lenses: static figures, ONNX figures, device figures with ✓/✗, and the open-graph command', async () => {
  const f746 = builtInProfiles().find((e) => e.profile.id === 'stm32f746')!.profile as DeviceProfile;
  const r = await linkedResult(f746);
  const lenses = codeLensesFor(r);
  assert.equal(lenses.length, 2);
  const cls = lenses[0]!;
  assert.equal(cls.range.start.line, 21);
  assert.match(cls.command!.title, /^23,180 params · 2\.7 M MACs @ 1×1×49×10 \| ONNX 22,604 params · 2\.7 M MACs \| STM32F746.*: [\d.]+ ms \([\d.]+–[\d.]+\) · (\d+ points?|no evidence) · RAM .* [✓✗] · flash .* [✓✗]$/);
  assert.equal(cls.command!.command, OPEN_MODEL_AT);
  assert.deepEqual(cls.command!.arguments, [{ modelPath: join(SCRIPTS, 'kws_dscnn.onnx'), nodeNames: [] }]);
  assert.match(lenses[1]!.command!.title, /^→ kws_dscnn\.onnx: 22,604 params/);
});

test('code lenses without a linked model: static figures only, not clickable', async () => {
  const lang = await python();
  const r = new ScriptSession(lang).update(fixture('cnn_classifier.py'), {})!;
  const lenses = codeLensesFor(r);
  assert.deepEqual(lenses.map((l) => [l.command!.title, l.command!.command]), [
    ['98,730 params · 2.4 M MACs @ 1×3×32×32', ''],
    ['→ export target not static', ''],
  ]);
});

test('hover on a layer: path, shapes, params, MACs and its ONNX nodes', async () => {
  const r = await linkedResult();
  const text = fixture('kws_dscnn.py').split('\n');
  const line = text.findIndex((l) => l.includes('self.fc = nn.Linear'));
  const h = hoverAt(r, { line, character: text[line]!.indexOf('nn.Linear') + 3 })!;
  const value = (h.contents as { value: string }).value;
  assert.equal(value, '**Linear**\n- `fc` · [1, 64] → [1, 12] · 780 params · 768 MACs\n  - ONNX: 1 node(s), 780 params, 768 MACs');
  const dw = text.findIndex((l) => l.includes('groups=channels'));
  const h2 = (hoverAt(r, { line: dw, character: 12 })!.contents as { value: string }).value;
  assert.match(h2, /^\*\*Conv2d\*\* \(4 instances\)\n- `features\.3` · \[1, 64, 25, 5\] → \[1, 64, 25, 5\] · 576 params · 72\.0 k MACs/);
  assert.equal(hoverAt(r, { line: 0, character: 0 }), null);
});

test('hover on a user block instantiated in a loop lists each instance with its own figures', async () => {
  const lang = await python();
  const r = new ScriptSession(lang).update(fixture('resnet8_cifar.py'), {})!;
  const lines = fixture('resnet8_cifar.py').split('\n');
  const line = lines.findIndex((l) => l.includes('blocks.append(Block('));
  const value = (hoverAt(r, { line, character: lines[line]!.indexOf('Block(') + 2 })!.contents as { value: string }).value;
  assert.equal(value, [
    '**Block** (3 instances)',
    '- `blocks.0` · [1, 16, 32, 32] → [1, 16, 32, 32] · 4,672 params · 4.7 M MACs',
    '- `blocks.1` · [1, 16, 32, 32] → [1, 32, 16, 16] · 14,496 params · 3.7 M MACs',
    '- `blocks.2` · [1, 32, 16, 16] → [1, 64, 8, 8] · 57,664 params · 3.7 M MACs',
  ].join('\n'));
});
