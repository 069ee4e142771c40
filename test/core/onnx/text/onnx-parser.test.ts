// Our text against ONNX's own parser (python3 onnx.parser, when installed): every suite model printed --full and
// elided must parse there to the same nodes and, for --full, bit-identical initializer values. Skips without onnx.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { printModel, readModelFile } from '../../../../src/core/onnx/text';

const SUITE = '/usr/share/libonnx-testdata/data';
const FIXTURES = join(import.meta.dirname, '../../../fixtures/models');

function pythonWithOnnx(): string | undefined {
  for (const py of ['/usr/bin/python3', 'python3']) {
    const r = spawnSync(py, ['-c', 'import onnx.parser, numpy'], { stdio: 'ignore' });
    if (r.status === 0) return py;
  }
  return undefined;
}

test('onnx.parser reads our text back to the same nodes and values', (t) => {
  const py = pythonWithOnnx();
  if (!py) {
    t.skip('python3 with the onnx package is not installed (Debian: python3-onnx)');
    return;
  }
  const models = readdirSync(FIXTURES).filter((f) => f.endsWith('.onnx')).map((f) => join(FIXTURES, f));
  if (existsSync(SUITE)) {
    for (const group of readdirSync(SUITE)) {
      for (const name of readdirSync(join(SUITE, group))) {
        const p = join(SUITE, group, name, 'model.onnx');
        if (existsSync(p)) models.push(p);
      }
    }
  }
  const dir = mkdtempSync(join(tmpdir(), 'aiot-onnx-parser-'));
  try {
    const rows: string[] = [];
    models.forEach((path, i) => {
      const model = readModelFile(path);
      assert.ok(model.ok, path);
      // --full text of the large fixtures would only slow the check down; their elided text covers the syntax.
      const modes = model.value.graph.initializers.length > 50 ? ['elided'] : ['elided', 'full'];
      for (const mode of modes) {
        const file = join(dir, `${i}.${mode}.onnxtxt`);
        writeFileSync(file, printModel(model.value, { full: mode === 'full' }));
        rows.push(`${file}\t${path}\t${mode}`);
      }
    });
    writeFileSync(join(dir, 'list.tsv'), rows.join('\n') + '\n');
    const r = spawnSync(py, [join(import.meta.dirname, 'onnx_parser_check.py'), join(dir, 'list.tsv')], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    const result = JSON.parse(r.stdout) as { onnx: string; checked: number; newer_syntax: number; failures: string[] };
    t.diagnostic(`onnx ${result.onnx}: ${result.checked}/${rows.length} texts verified, ${result.newer_syntax} use syntax newer than this onnx (quoted names, [node] labels, seq/optional types)`);
    assert.deepEqual(result.failures, []);
    assert.ok(result.checked >= rows.length / 2, 'most texts are checked, not skipped');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
