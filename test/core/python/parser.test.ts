import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Parser } from 'web-tree-sitter';
import { IncrementalParser, diffText, locateWasm } from '../../../src/core/python';
import { fixture, python } from './helpers';

test('the installed web-tree-sitter runtime loads the tree-sitter-python grammar (ABI within range)', async () => {
  const lang = await python();
  assert.ok(locateWasm());
  // Language.load rejects a grammar outside the runtime's ABI range (web-tree-sitter 0.27 reads ABI 13-15);
  // tree-sitter-python 0.25 is generated with ABI 15.
  assert.equal(lang.abiVersion, 15);
  const p = new Parser();
  p.setLanguage(lang);
  const tree = p.parse('self.conv = nn.Conv2d(3, 16, 3)\n')!;
  assert.equal(tree.rootNode.hasError, false);
  assert.match(tree.rootNode.toString(), /\(call function: \(attribute/);
  p.delete();
});

test('diffText finds the single edit between two texts', () => {
  const c = diffText('a = 1\nb = 2\n', 'a = 1\nb = 22\nc = 3\n')!;
  assert.equal(c.startIndex, 11);
  assert.equal(c.oldEndIndex, 11);
  assert.equal(c.newEndIndex, 18);
  assert.deepEqual(c.startPosition, { row: 1, column: 5 });
  assert.deepEqual(c.newEndPosition, { row: 2, column: 5 });
  assert.equal(diffText('x', 'x'), undefined);
});

test('incremental re-parse after edits gives the same tree as a fresh parse', async () => {
  const lang = await python();
  const inc = new IncrementalParser(lang);
  const base = fixture('cnn_classifier.py');
  inc.update(base);
  const edits = [
    base.replace('nn.Conv2d(3, 16, 3)', 'nn.Conv2d(3, 24, 5)'),
    base.replace('nn.Conv2d(3, 24, 5)', 'nn.Conv2d(3, 24, 5)').replace('        self.dropout = nn.Dropout(0.5)\n', '        self.dropout = nn.Dropout(0.5)\n        self.bn = nn.BatchNorm2d(16)\n'),
    base,
  ];
  const fresh = new Parser();
  fresh.setLanguage(lang);
  for (const text of edits) {
    const r = inc.update(text)!;
    assert.ok(r.change, 'an edit is detected');
    assert.equal(r.tree.rootNode.toString(), fresh.parse(text)!.rootNode.toString());
  }
  fresh.delete();
  inc.dispose();
});
