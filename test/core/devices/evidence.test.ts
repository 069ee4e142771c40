import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { analyzeModelFileSync } from '../../../src/core/analyze';
import { builtInProfiles, isLink, unsupportedKeywords, type DeviceProfile } from '../../../src/core/devices';
import {
  DEVICE_EVIDENCE_SCHEMA, evidencePoints, loadEvidence, loadEvidenceFile, parseEvidenceText, validateEvidence, type EvidenceFile,
} from '../../../src/core/devices/evidence';
import { BUILT_IN_EVIDENCE } from '../../../src/core/devices/evidence/index';

const root = join(__dirname, '..', '..', '..');
const devices = builtInProfiles().map((e) => e.profile).filter((p) => !isLink(p)) as DeviceProfile[];
const boardIds = devices.map((d) => d.id);

function builtIn(): EvidenceFile[] {
  const r = loadEvidence({ boards: boardIds });
  assert.ok(r.ok, r.ok ? '' : r.error.message);
  return r.value;
}

/** A small valid evidence file to break one field at a time. */
function sample(over: { source?: Record<string, unknown>; point?: Record<string, unknown>; model?: Record<string, unknown> } = {}) {
  return {
    source: { id: 'my-bench', title: 'My bench', url: 'https://example.org/bench', published: '2024-05', locator: 'Table 2', ...over.source },
    points: [{
      id: 'my-bench/stm32h7a3/x-cube-ai/ic', board: 'stm32h7a3', boardName: 'NUCLEO-H7A3ZI-Q', cpu: 'Cortex-M7', clockHz: 280e6,
      runtime: 'x-cube-ai', runtimeVersion: '9.0.0',
      model: {
        id: 'mlperf-tiny-ic-resnet8', file: 'test/fixtures/models/evidence/mlperf_ic_resnet8_int8.onnx', arch: 'ResNet-8',
        inputShape: [1, 3, 32, 32], dtype: 'int8', macs: 12501632, params: 78098, ...over.model,
      },
      latencyMs: 40.8, energyUj: 5090, locator: 'row 3', ...over.point,
    }],
  };
}

test('every built-in evidence file validates against the schema, and the validator enforces all its keywords', () => {
  assert.deepEqual(unsupportedKeywords(DEVICE_EVIDENCE_SCHEMA), []);
  const onDisk = readdirSync(join(root, 'src/core/devices/evidence')).filter((f) => f.endsWith('.json')).map((f) => f.slice(0, -5)).sort();
  assert.deepEqual(BUILT_IN_EVIDENCE.map((e) => e.file).sort(), onDisk, 'evidence/index.ts imports every evidence file');
  const files = builtIn();
  assert.equal(files.length, onDisk.length);
  for (const f of files) assert.ok(f.points.length > 0, f.source.id);
});

test('the evidence base covers at least 80 points on 15 boards, 4 of them with energy', () => {
  const points = evidencePoints(builtIn());
  const boards = new Set(points.map((p) => p.board));
  const withEnergy = new Set(points.filter((p) => p.energyUj !== undefined).map((p) => p.board));
  assert.ok(points.length >= 80, `${points.length} points`);
  assert.ok(boards.size >= 15, `${boards.size} boards: ${[...boards].join(', ')}`);
  assert.ok(withEnergy.size >= 4, `${withEnergy.size} boards with energy: ${[...withEnergy].join(', ')}`);
  assert.ok(new Set(points.map((p) => p.runtime)).size >= 8, 'several runtimes');
});

test('every point names a catalog board at or below its datasheet clock, with a plausible power', () => {
  for (const p of evidencePoints(builtIn())) {
    const board = devices.find((d) => d.id === p.board);
    assert.ok(board, `${p.id}: board ${p.board} is not in the catalog`);
    if (board.clockHz !== undefined) assert.ok(p.clockHz <= board.clockHz * 1.001, `${p.id}: ${p.clockHz} Hz above ${board.id}'s ${board.clockHz} Hz`);
    if (p.energyUj !== undefined) {
      // µJ / ms = mW: a unit slip (mJ for µJ, s for ms) lands far outside an MCU's 0.1 mW .. 5 W.
      const mW = p.energyUj / p.latencyMs;
      assert.ok(mW > 0.1 && mW < 5000, `${p.id}: ${p.energyUj} uJ in ${p.latencyMs} ms is ${mW} mW`);
    }
  }
});

test("every point's model file exists and its macs, params and input shape are the engine's own figures", () => {
  const points = evidencePoints(builtIn());
  const byFile = new Map<string, (typeof points)[number]['model']>();
  for (const p of points) {
    const seen = byFile.get(p.model.file);
    if (seen) assert.deepEqual(p.model, seen, `${p.id}: the model block of ${p.model.file} differs between points`);
    else byFile.set(p.model.file, p.model);
  }
  for (const [file, m] of byFile) {
    assert.ok(existsSync(join(root, file)), `${file} is missing`);
    const r = analyzeModelFileSync(join(root, file));
    assert.ok(r.ok, r.ok ? '' : r.error.message);
    assert.equal(m.macs, r.value.report.totals.macs, `${file} macs`);
    assert.equal(m.params, r.value.report.totals.params, `${file} params`);
    assert.deepEqual(m.inputShape, r.value.report.inputs[0]!.shape, `${file} input shape`);
  }
  // One architecture per model id.
  const archs = new Map<string, string>();
  for (const m of byFile.values()) {
    const a = archs.get(m.id);
    if (a === undefined) archs.set(m.id, m.arch);
    else assert.equal(m.arch, a, `${m.id} arch`);
  }
});

test("equivalent models have the MACs of the published models they stand for", () => {
  // Conv/FC MACs read from the published .tflite files (MLPerf Tiny reference models in mlcommons/tiny
  // benchmark/training/*/trained_models, TFLite Micro person_detect_model_data.cc in espressif/esp-tflite-micro);
  // see test/fixtures/models/evidence/MODELS.md.
  const published: Record<string, number> = {
    'mlperf-tiny-ic-resnet8': 12_501_632,
    'mlperf-tiny-kws-ds-cnn': 2_656_768,
    'mlperf-tiny-vww-mobilenetv1-0.25': 7_489_664,
    'mlperf-tiny-ad-fc-autoencoder': 264_192,
    'tflm-person-detect-mobilenetv1-0.25': 7_157_888,
  };
  const points = evidencePoints(builtIn());
  for (const [id, macs] of Object.entries(published)) {
    const models = points.filter((p) => p.model.id === id).map((p) => p.model);
    assert.ok(models.length > 0, `${id} has points`);
    for (const m of models) assert.equal(m.macs, macs, `${id} (${m.file})`);
  }
  // Multiply-adds the architecture papers print (rounded to the million): MobileNets arXiv:1704.04861 Table 6,
  // MobileNetV2 arXiv:1801.04381 Table 6 and its width-multiplier figure, MobileNetV3 ICCV 2019 Table 3.
  const papers: Record<string, number> = {
    'keras-mobilenetv1-1.0-224-c1000': 569e6,
    'keras-mobilenetv1-0.5-224-c1000': 149e6,
    'keras-mobilenetv1-0.25-224-c1000': 41e6,
    'keras-mobilenetv2-1.0-224-c1000': 300e6,
    'keras-mobilenetv2-0.35-224-c1000': 59e6,
    'mobilenetv3-small-224': 56e6,
  };
  for (const [id, macs] of Object.entries(papers)) {
    const m = points.find((p) => p.model.id === id)?.model;
    assert.ok(m, `${id} has points`);
    assert.ok(Math.abs(m.macs - macs) / macs < 0.01, `${id}: ${m.macs} MACs vs ${macs} published`);
  }
});

test('a bad evidence file is refused with its file and field named', () => {
  assert.ok(validateEvidence(sample(), 'my-bench.json').ok);

  const latency = validateEvidence(sample({ point: { latencyMs: -3 } }), 'evidence/my-bench.json');
  assert.ok(!latency.ok && latency.error.message === "evidence/my-bench.json: field 'points[0].latencyMs' must be > 0, got -3", latency.ok ? '' : latency.error.message);

  const macs = validateEvidence(sample({ model: { macs: '12M' } }), 'b.json');
  assert.ok(!macs.ok && /^b\.json: field 'points\[0\]\.model\.macs' must be an integer, got string "12M"/.test(macs.error.message));

  const missing = sample();
  delete (missing.points[0] as Partial<(typeof missing.points)[0]>).locator;
  const m = validateEvidence(missing, 'x.json');
  assert.ok(!m.ok && /field 'points\[0\]\.locator' is required/.test(m.error.message));

  const unknown = validateEvidence(sample({ point: { latency: 3 } }), 'x.json');
  assert.ok(!unknown.ok && /field 'points\[0\]\.latency' is not a known field/.test(unknown.error.message));

  const dtype = validateEvidence(sample({ model: { dtype: 'fp32' } }), 'x.json');
  assert.ok(!dtype.ok && /field 'points\[0\]\.model\.dtype' must be one of "int8"/.test(dtype.error.message));

  const url = validateEvidence(sample({ source: { url: 'example.org' } }), 'x.json');
  assert.ok(!url.ok && /field 'source\.url' "example\.org" does not match/.test(url.error.message));

  const runtime = validateEvidence(sample({ point: { runtime: 'X-CUBE-AI' } }), 'x.json');
  assert.ok(!runtime.ok && /field 'points\[0\]\.runtime' "X-CUBE-AI" does not match/.test(runtime.error.message));

  const prefix = validateEvidence(sample({ point: { id: 'other/stm32h7a3/x-cube-ai/ic' } }), 'my-bench.json');
  assert.ok(!prefix.ok && /field 'points\[0\]\.id' "other\/stm32h7a3\/x-cube-ai\/ic" must start with "my-bench\/"/.test(prefix.error.message));

  const name = validateEvidence(sample(), 'src/core/devices/evidence/renamed.json');
  assert.ok(!name.ok && /renamed\.json: field 'source\.id' is "my-bench" but the file is named renamed\.json/.test(name.error.message));

  const twice = sample();
  twice.points.push({ ...twice.points[0]! });
  const t = validateEvidence(twice, 'my-bench.json');
  assert.ok(!t.ok && /field 'points\[1\]\.id' "my-bench\/stm32h7a3\/x-cube-ai\/ic" is used twice/.test(t.error.message));

  const json = parseEvidenceText('{ "source": ', 'broken.json');
  assert.ok(!json.ok && /^broken\.json: not valid JSON/.test(json.error.message));
});

test('across files, duplicate ids and unknown boards are refused with the file named', () => {
  const board = loadEvidence({ files: [{ file: 'my-bench.json', json: sample({ point: { board: 'stm32h7a4' } }) }], boards: boardIds });
  assert.ok(!board.ok && /^my-bench\.json: field 'points\[0\]\.board' "stm32h7a4" is not a catalog board/.test(board.error.message));

  const a = sample();
  const b = sample({ point: { id: 'my-bench/stm32h7a3/x-cube-ai/kws' } });
  const dupSource = loadEvidence({ files: [{ file: 'one/my-bench.json', json: a }, { file: 'two/my-bench.json', json: b }] });
  assert.ok(!dupSource.ok && /^two\/my-bench\.json: field 'source\.id' "my-bench" is also the source of one\/my-bench\.json/.test(dupSource.error.message));
  const dupPoint = loadEvidence({ files: [{ file: 'one/my-bench.json', json: a }, { file: 'two/my-bench.json', json: a }] });
  assert.ok(!dupPoint.ok && /also a point of one\/my-bench\.json/.test(dupPoint.error.message));
});

test('evidence files load from disk with errors naming the path', () => {
  const dir = mkdtempSync(join(tmpdir(), 'aiot-evidence-'));
  const good = join(dir, 'my-bench.json');
  writeFileSync(good, JSON.stringify(sample()));
  const r = loadEvidenceFile(good);
  assert.ok(r.ok && r.value.points[0]!.latencyMs === 40.8);
  const bad = join(dir, 'my-bench2.json');
  writeFileSync(bad, JSON.stringify({ ...sample({ source: { id: 'my-bench2' } }), points: [] }));
  const e = loadEvidenceFile(bad);
  assert.ok(!e.ok && e.error.message === `${bad}: field 'points' needs at least 1 item(s)`, e.ok ? '' : e.error.message);
  const missing = loadEvidenceFile(join(dir, 'nope.json'));
  assert.ok(!missing.ok && missing.error.code === 'not-found' && missing.error.message.startsWith(join(dir, 'nope.json')));
});

test('points filter by board and runtime and keep their source', () => {
  const files = builtIn();
  const s3 = evidencePoints(files, { board: 'esp32-s3', runtime: 'esp-nn' });
  assert.ok(s3.length >= 2);
  for (const p of s3) assert.ok(p.board === 'esp32-s3' && p.runtime === 'esp-nn' && p.source.url.startsWith('https://'));
  const pd = s3.find((p) => p.id === 'esp-tflite-micro-readme/esp32-s3/esp-nn/person-detect');
  assert.equal(pd?.latencyMs, 54, "Espressif's published ESP32-S3 person-detection figure with ESP-NN");
});
