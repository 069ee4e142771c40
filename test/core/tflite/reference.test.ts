// The engine against an independent reader: scripts/tflite-reference.py (Debian's python3-flatbuffers, its own field
// slots, hand-arithmetic MACs, its own TFLM greedy planner) on the published fixtures and on written int8 models.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { analyzeModelFileSync } from '../../../src/core/analyze';
import { unwrap } from '../../../src/core/result';
import { TFLITE_DIR, tfliteReferences } from '../../helpers/models';
import { buildTflite, i32 } from '../../helpers/tflite-builder';
import { convNet } from '../../helpers/tflite-samples';

const PYTHON = '/usr/bin/python3';
const available = spawnSync(PYTHON, ['-c', 'import flatbuffers'], { encoding: 'utf8' }).status === 0;

test('params, MACs, weight bytes and the TFLM arena equal the independent Python reader\'s', { skip: available ? false : 'needs python3-flatbuffers (apt-get install python3-flatbuffers)' }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'aiot-tflite-ref-'));
  const written = [
    ['conv-int8.tflite', buildTflite(convNet())],
    ['conv-int8-v3c.tflite', buildTflite(convNet({ buffersAfter: true }))],
    ['conv-int8-offline.tflite', buildTflite(convNet({ metadata: [{ name: 'OfflineMemoryAllocation', data: i32([1, 1, 11, 4096, -1, -1, 0, -1, -1, -1, 2048, -1, -1, -1]) }] }))],
  ] as const;
  for (const [name, bytes] of written) writeFileSync(join(dir, name), bytes);
  const files = [...tfliteReferences().map((r) => join(TFLITE_DIR, r.file)), ...written.map(([n]) => join(dir, n))];
  const r = spawnSync(PYTHON, [join(__dirname, '..', '..', '..', 'scripts', 'tflite-reference.py'), ...files], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const ref = JSON.parse(r.stdout) as Record<string, { params: number; macs: number; weightBytes: number; arenaBytes: number }>;
  for (const f of files) {
    const a = unwrap(analyzeModelFileSync(f));
    const x = ref[f.split('/').pop()!]!;
    const macs = a.cost.nodes.filter((n) => ['conv', 'depthwise', 'matmul', 'recurrent'].includes(n.opClass)).reduce((s, n) => s + n.macs, 0);
    assert.deepEqual(
      { params: a.report.totals.params, macs, weightBytes: a.report.totals.weightBytes, arenaBytes: a.report.totals.arenaBytes },
      { params: x.params, macs: x.macs, weightBytes: x.weightBytes, arenaBytes: x.arenaBytes },
      f,
    );
  }
});
