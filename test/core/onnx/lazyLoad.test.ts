// Loading a model without reading its weights: the same model as a whole read (same analysis, same bytes once the
// weights are used), far less read, and a clear error when the file changes before its weights are read.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { analyzeLoaded as analyzeAny } from '../../../src/core/analyze';
import type { LoadedModel } from '../../../src/core/onnx/load';
import { encodeModel } from '../../../src/core/onnx/encode';
import { loadModelFile } from '../../../src/core/onnx/load';
import { loadModelFileLazy } from '../../../src/core/onnx/lazyLoad';
import { unwrap } from '../../../src/core/result';
import { MODELS_DIR, fixtureModel } from '../../helpers/models';

const analyzeLoaded = (l: LoadedModel) => analyzeAny({ ...l, format: 'onnx' });
const lazyBytes = (data: object) => typeof Object.getOwnPropertyDescriptor(data, 'bytes')?.get === 'function';

for (const file of readdirSync(MODELS_DIR).filter((f) => f.endsWith('.onnx')).sort()) {
  test(`${file}: the lazy load analyzes and re-encodes exactly like a whole read`, () => {
    const whole = unwrap(loadModelFile(join(MODELS_DIR, file)));
    const lazy = unwrap(loadModelFileLazy(join(MODELS_DIR, file)));
    assert.equal(lazy.fileBytes, whole.fileBytes);
    assert.equal(lazy.externalBytes, whole.externalBytes);
    assert.deepEqual(unwrap(analyzeLoaded(lazy)).report, unwrap(analyzeLoaded(whole)).report);
    // Encoding reads every weight: the bytes must be the file's.
    assert.deepEqual(unwrap(encodeModel(lazy.model)), unwrap(encodeModel(whole.model)));
  });
}

test('mobilenet_v2 (14 MB): analysis reads none of the deferred weights, which hold > 95% of the file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'aiot-lazy-'));
  const path = join(dir, 'mobilenet_v2.onnx');
  copyFileSync(fixtureModel('mobilenet_v2'), path);
  const lazy = unwrap(loadModelFileLazy(path));
  unwrap(analyzeLoaded(lazy));
  const deferred = lazy.model.graph.initializers.filter((t) => lazyBytes(t.data));
  const sizes = unwrap(loadModelFile(path)).model.graph.initializers;
  const deferredBytes = deferred.reduce((s, t) => s + (sizes.find((x) => x.name === t.name)!.data as { bytes: Uint8Array }).bytes.byteLength, 0);
  assert.ok(deferredBytes > 0.95 * lazy.fileBytes, `${deferredBytes} of ${lazy.fileBytes} bytes deferred`);
  // Had the analysis read a deferred weight, it would be cached; after the file "changes" every one must refuse.
  utimesSync(path, new Date(), new Date(Date.now() + 5000));
  for (const t of deferred) assert.throws(() => (t.data as { bytes: Uint8Array }).bytes, /changed on disk/, t.name);
  // Read while the file is unchanged, a deferred weight holds the file's bytes.
  const fresh = unwrap(loadModelFileLazy(fixtureModel('mobilenet_v2')));
  const file = readFileSync(fixtureModel('mobilenet_v2'));
  for (const t of fresh.model.graph.initializers.filter((x) => lazyBytes(x.data)).slice(0, 5)) {
    const view = (t.data as { bytes: Uint8Array }).bytes;
    assert.deepEqual(Buffer.from(view), file.subarray(view.byteOffset, view.byteOffset + view.byteLength));
  }
});

test('a file changed on disk before its weights are read is an error, not silently different weights', () => {
  const dir = mkdtempSync(join(tmpdir(), 'aiot-lazy-'));
  const path = join(dir, 'm.onnx');
  copyFileSync(fixtureModel('mobilenet_v2_vww_96'), path);
  const lazy = unwrap(loadModelFileLazy(path));
  const t = lazy.model.graph.initializers.find((x) => lazyBytes(x.data))!;
  utimesSync(path, new Date(), new Date(Date.now() + 5000));
  assert.throws(() => (t.data as { bytes: Uint8Array }).bytes, /changed on disk before its weights were read/);
});

test('broken files get the whole-read loader\'s errors', () => {
  const dir = mkdtempSync(join(tmpdir(), 'aiot-lazy-'));
  const truncated = join(dir, 't.onnx');
  writeFileSync(truncated, readFileSync(fixtureModel('mobilenet_v2_vww_96')).subarray(0, 100_000));
  const a = loadModelFileLazy(truncated);
  const b = loadModelFile(truncated);
  assert.equal(a.ok, false);
  assert.equal(!a.ok && a.error.message, !b.ok && b.error.message);
  const missing = loadModelFileLazy(join(dir, 'none.onnx'));
  assert.match(!missing.ok ? missing.error.message : '', /no such file/);
});
