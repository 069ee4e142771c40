// Editing sessions: syntax errors mid-edit never throw and keep the last good figures, moved past the edit.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ScriptSession, checkScriptText } from '../../../src/core/python';
import { fixture, python } from './helpers';

test('a file with a syntax error still analyzes without throwing', async () => {
  const lang = await python();
  const { report } = await checkScriptText(lang, fixture('mid_edit.py'));
  assert.deepEqual(report.syntaxErrors.map((r) => r.start.line + 1), [18]);
  assert.equal(report.modules[0]!.params, 98_730);
});

test('mid-edit: the session returns the last good result, shifted by the inserted line', async () => {
  const lang = await python();
  const session = new ScriptSession(lang);
  const good = session.update(fixture('cnn_classifier.py'), {})!;
  assert.equal(good.report.stale, false);
  assert.equal(good.report.modules[0]!.macs, 2_403_776);
  const float64Line = good.report.diagnostics.find((d) => d.code === 'aiot.float64')!.range.start.line;

  // The user starts a new layer line inside __init__ (the same unfinished line as mid_edit.py).
  const text = fixture('cnn_classifier.py');
  const at = text.indexOf('        self.dropout');
  const broken = session.update(`${text.slice(0, at)}        self.extra = nn.Conv2d(64, \n${text.slice(at)}`, {})!;
  assert.equal(broken.report.stale, true);
  assert.deepEqual(broken.report.syntaxErrors.length > 0, true);
  assert.deepEqual(broken.report.modules.map((m) => [m.name, m.params, m.macs]), [['SmallCNN', 98_730, 2_403_776]]);
  assert.equal(broken.report.modules[0]!.range.start.line, good.report.modules[0]!.range.start.line);
  // Everything after the inserted line moves down by one.
  assert.equal(broken.report.diagnostics.find((d) => d.code === 'aiot.float64')!.range.start.line, float64Line + 1);
  assert.ok(broken.report.diagnostics.every((d) => d.fixes.every((f) => !f.edits)), 'stale text edits are withheld');

  // Every prefix of the line as it is typed: never throws, always an answer.
  for (const partial of ['s', 'self.', 'self.x = nn.', 'self.x = nn.Conv2d(', 'self.x = nn.Conv2d(64, 64, 3']) {
    const r = session.update(`${text.slice(0, at)}        ${partial}\n${text.slice(at)}`, {});
    assert.ok(r);
  }
  const done = session.update(text.replace('self.dropout = nn.Dropout(0.5)', 'self.dropout = nn.Dropout(0.5)\n        self.x = nn.Conv2d(64, 64, 3)'), {})!;
  assert.equal(done.report.stale, false);
  assert.equal(done.report.modules[0]!.params, 98_730 + 64 * 64 * 9 + 64);
  session.dispose();
});

test('pathological input never throws: deep nesting, a stray top-level return, binary junk', async () => {
  const lang = await python();
  const deep = `x = ${'('.repeat(3000)}1${')'.repeat(3000)}\n`;
  const long = `y = ${Array.from({ length: 20000 }, (_, i) => String(i)).join(' + ')}\n`;
  for (const text of [deep, long, 'return 5\nclass A(nn.Module):\n    pass\n', '\u0000\u0001\ufffd class ((( def\n', '']) {
    const { report } = await checkScriptText(lang, text);
    assert.ok(Array.isArray(report.diagnostics));
  }
});
