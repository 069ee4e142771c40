// The model writer: external data beside the model at aligned offsets, read back by our loader and by onnx's own
// Python package (an independent reader), zero blocks left as holes, the 2 GiB protobuf limit refused before anything
// is written, and the model and its data committed together.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { closeSync, ftruncateSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeModel } from '../../../src/core/onnx/decode';
import type { Model, Tensor } from '../../../src/core/onnx/ir';
import { loadModelFile } from '../../../src/core/onnx/load';
import { ALIGN_LARGE_BYTES, ALIGN_LARGE_MIN_BYTES, ALIGN_SMALL_BYTES } from '../../../src/core/onnx/dataFile';
import { saveModel } from '../../../src/core/onnx/save';
import { ScratchSink } from '../../../src/core/onnx/sink';
import { readExternalData, tensorToArray } from '../../../src/core/onnx/tensor';
import { unwrap } from '../../../src/core/result';
import { fixtureModel } from '../../helpers/models';
import { model as buildModel, node, input, output, randomTensor } from '../passes/build';

function python(): string | undefined {
  for (const py of ['/usr/bin/python3', 'python3']) {
    const r = spawnSync(py, ['-c', 'import onnx, numpy'], { encoding: 'utf8' });
    if (r.status === 0) return py;
  }
  return undefined;
}

function tensorBytes(t: Tensor, dir: string): Uint8Array {
  const d = t.data;
  if (d.kind === 'raw') return d.bytes;
  if (d.kind === 'external') return unwrap(readExternalData(d.baseDir ?? dir, d.location, d.offset, d.length!));
  throw new Error(`unexpected ${d.kind}`);
}

const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

test('always: initializers of 1 KiB or more go to OUT.data at aligned offsets; our loader and onnx read the same bytes', () => {
  const dir = mkdtempSync(join(tmpdir(), 'aiot-save-'));
  try {
    const src = unwrap(decodeModel(new Uint8Array(readFileSync(fixtureModel('resnet8_cifar')))));
    // One tensor over 1 MiB so the large alignment is exercised too.
    const big = randomTensor('big', [600, 512], 3);
    const m: Model = { ...src, graph: { ...src.graph, initializers: [...src.graph.initializers, big] } };
    const out = join(dir, 'out.onnx');
    const saved = unwrap(saveModel(m, out, { externalData: 'always' }));
    assert.equal(saved.dataPath, join(dir, 'out.onnx.data'));
    assert.equal(saved.fileBytes, statSync(out).size);
    assert.equal(saved.externalDataBytes, statSync(saved.dataPath!).size);
    const loaded = unwrap(loadModelFile(out));
    assert.equal(loaded.externalDataBytes, saved.externalDataBytes);
    const byName = new Map(m.graph.initializers.map((t) => [t.name, t]));
    let external = 0;
    for (const t of loaded.model.graph.initializers) {
      const orig = byName.get(t.name)!;
      const bytes = tensorBytes(orig, dir);
      if (t.data.kind === 'external') {
        external++;
        assert.ok(bytes.byteLength >= 1024, `${t.name} is ${bytes.byteLength} bytes, under the threshold`);
        assert.equal(t.data.location, 'out.onnx.data');
        assert.equal(t.data.length, bytes.byteLength);
        const align = bytes.byteLength >= ALIGN_LARGE_MIN_BYTES ? ALIGN_LARGE_BYTES : ALIGN_SMALL_BYTES;
        assert.equal(t.data.offset % align, 0, `${t.name} at ${t.data.offset}`);
      } else {
        assert.ok(bytes.byteLength < 1024, `${t.name} stayed inline with ${bytes.byteLength} bytes`);
      }
      assert.equal(sha(tensorBytes(t, dir)), sha(bytes), t.name);
    }
    assert.equal(external, saved.externalTensors);
    assert.ok(external > 5);

    const py = python();
    if (!py) return;
    // onnx's loader resolves the data file itself and its checker validates the model with its external data.
    const script = [
      'import sys, hashlib, json, onnx',
      'from onnx import numpy_helper',
      'onnx.checker.check_model(sys.argv[1])',
      'm = onnx.load(sys.argv[1])',
      'print(json.dumps({t.name: hashlib.sha256(numpy_helper.to_array(t).tobytes()).hexdigest() for t in m.graph.initializer}))',
    ].join('\n');
    const r = spawnSync(py, ['-c', script, out], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    const theirs = JSON.parse(r.stdout) as Record<string, string>;
    for (const [name, t] of byName) assert.equal(theirs[name], sha(tensorBytes(t, dir)), name);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('auto keeps a model without external data in one file; never refuses over 2 GiB before writing anything', () => {
  const dir = mkdtempSync(join(tmpdir(), 'aiot-save-'));
  try {
    const m = buildModel([node('MatMul', ['x', 'w'], ['y'])], [randomTensor('w', [64, 64], 1)], [input('x', [1, 64])], [output('y')]);
    const single = unwrap(saveModel(m, join(dir, 'single.onnx')));
    assert.equal(single.dataPath, undefined);
    assert.equal(single.externalDataBytes, 0);

    // 2.1 GiB of external weights as a sparse file: no disk blocks, no bytes read by the refusal.
    const dataPath = join(dir, 'huge.onnx.data');
    const fd = openSync(dataPath, 'w');
    const length = 1024 * 1024 * 4 * 540; // 2.11 GiB
    ftruncateSync(fd, length);
    closeSync(fd);
    const elements = length / 4;
    const huge = buildModel([node('MatMul', ['x', 'w'], ['y'])], [{ name: 'w', dtype: 'float', dims: [elements / 1024, 1024], data: { kind: 'external', location: 'huge.onnx.data', offset: 0, length } }], [input('x', [1, elements / 1024])], [output('y')]);
    const before = readdirSync(dir).sort();
    const r = saveModel(huge, join(dir, 'inline.onnx'), { externalData: 'never', sourceDir: dir });
    assert.equal(r.ok, false);
    if (!r.ok) {
      assert.equal(r.error.code, 'too-large');
      assert.match(r.error.message, /cannot exceed 2 GiB.*--external-data/);
    }
    assert.deepEqual(readdirSync(dir).sort(), before, 'nothing written, no temporary file left');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('zero weights become holes; an existing data file is not replaced without force; nothing temporary is left', () => {
  const dir = mkdtempSync(join(tmpdir(), 'aiot-save-'));
  try {
    const zeros: Tensor = { name: 'w', dtype: 'float', dims: [1024, 1024], data: { kind: 'raw', bytes: new Uint8Array(4 << 20) } };
    const m = buildModel([node('MatMul', ['x', 'w'], ['y'])], [zeros], [input('x', [1, 1024])], [output('y')]);
    const saved = unwrap(saveModel(m, join(dir, 'z.onnx'), { externalData: 'always' }));
    const st = statSync(saved.dataPath!);
    assert.equal(st.size, 4 << 20);
    assert.ok(st.blocks * 512 < 1 << 20, `the 4 MiB of zeros take ${st.blocks * 512} bytes on disk`);
    const back = unwrap(loadModelFile(join(dir, 'z.onnx')));
    const v = unwrap(tensorToArray(back.model.graph.initializers[0]!, { modelDir: dir })) as Float32Array;
    assert.equal(v.length, 1 << 20);
    assert.ok(v.every((x) => x === 0));

    // A stray data file of the same name blocks a write without --force, and survives it.
    writeFileSync(join(dir, 'again.onnx.data'), 'keep me');
    const refused = saveModel(m, join(dir, 'again.onnx'), { externalData: 'always' });
    assert.equal(refused.ok, false);
    assert.equal(readFileSync(join(dir, 'again.onnx.data'), 'utf8'), 'keep me');
    unwrap(saveModel(m, join(dir, 'again.onnx'), { externalData: 'always', force: true }));
    assert.equal(statSync(join(dir, 'again.onnx.data')).size, 4 << 20);
    assert.deepEqual(readdirSync(dir).filter((f) => f.startsWith('.')), []);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a scratch sink spills large tensors to a file the writer copies from, then leaves nothing behind', () => {
  const dir = mkdtempSync(join(tmpdir(), 'aiot-save-'));
  try {
    const sink = new ScratchSink(dir);
    const w = randomTensor('w', [256, 256], 5);
    const spilled = sink.put(w);
    assert.equal(spilled.data.kind, 'external');
    const small = sink.put(randomTensor('b', [16], 6));
    assert.equal(small.data.kind, 'raw');
    const m = buildModel([node('MatMul', ['x', 'w'], ['y'])], [spilled], [input('x', [1, 256])], [output('y')]);
    const saved = unwrap(saveModel(m, join(dir, 's.onnx'), { externalData: 'always' }));
    sink.dispose();
    const back = unwrap(loadModelFile(join(dir, 's.onnx')));
    assert.equal(sha(tensorBytes(back.model.graph.initializers[0]!, dir)), sha(tensorBytes(w, dir)));
    assert.deepEqual(readdirSync(dir).sort(), ['s.onnx', 's.onnx.data']);
    assert.equal(saved.totalBytes, statSync(join(dir, 's.onnx')).size + statSync(join(dir, 's.onnx.data')).size);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
