// The measurements CSV: header spellings, comments, quoting, and every refusal names the line and the reason.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { combineMeasurements, parseMeasurementsCsv, readMeasurements, splitCsvLine } from '../../../src/core/calibration';

const CSV = '/data/board/timings.csv';

test('splitCsvLine: plain, quoted with commas and escaped quotes, trimmed', () => {
  assert.deepEqual(splitCsvLine('a, b ,c').ok && splitCsvLine('a, b ,c'), { ok: true, value: ['a', 'b', 'c'] });
  const q = splitCsvLine('"models/a,b.onnx", 12.5, "say ""hi"""');
  assert.ok(q.ok);
  assert.deepEqual(q.value, ['models/a,b.onnx', '12.5', 'say "hi"']);
  assert.equal(splitCsvLine('"open, 1').ok, false);
  assert.deepEqual(splitCsvLine('a,,').ok && splitCsvLine('a,,'), { ok: true, value: ['a', '', ''] });
});

test('parse: header spellings, comments and blank lines, optional energy and runtime', () => {
  const text = '# measured on my ESP32-S3 board, 240 MHz\n\nModel, Latency_ms, Energy uJ, runtime\nm/a.onnx,54.2,1200,esp-nn\n# repeat\nm/b.onnx,10,,\n';
  const r = parseMeasurementsCsv(text, CSV);
  assert.ok(r.ok, r.ok ? '' : r.error.message);
  assert.equal(r.value.runtime, 'esp-nn');
  assert.deepEqual(r.value.rows, [
    { line: 4, model: 'm/a.onnx', latencyMs: 54.2, energyUj: 1200, runtime: 'esp-nn' },
    { line: 6, model: 'm/b.onnx', latencyMs: 10 },
  ]);
});

test('parse refuses: no header columns, unknown column, non-positive / NaN times, bad energy, wrong field count', () => {
  const msg = (text: string) => { const r = parseMeasurementsCsv(text, CSV); assert.equal(r.ok, false, text); return r.ok ? '' : r.error.message; };
  assert.match(msg('# only a comment\n'), /no header row/);
  assert.match(msg('model,seconds\na.onnx,1\n'), /timings\.csv:1: unknown column 'seconds'/);
  assert.match(msg('model,uj\na.onnx,1\n'), /must name a model column and a measured-ms column/);
  assert.match(msg('model,ms\n'), /no measurements after the header/);
  assert.match(msg('model,ms\na.onnx,0\n'), /timings\.csv:2: measured ms '0' is not a positive number/);
  assert.match(msg('model,ms\na.onnx,-3\n'), /:2: measured ms '-3' is not a positive number/);
  assert.match(msg('model,ms\na.onnx,NaN\n'), /:2: measured ms 'NaN' is not a positive number/);
  assert.match(msg('model,ms\na.onnx,\n'), /:2: measured ms '' is not a positive number/);
  assert.match(msg('model,ms\na.onnx,12ms\n'), /'12ms' is not a positive number/);
  assert.match(msg('model,ms,uj\na.onnx,3,abc\n'), /:2: energy µJ 'abc' is not a positive number/);
  assert.match(msg('model,ms\na.onnx,3,4\n'), /:2: 3 fields where the header has 2/);
  assert.match(msg('model,ms\n,3\n'), /:2: no model path/);
});

test('parse refuses mixed runtimes, naming both and their lines', () => {
  const r = parseMeasurementsCsv('model,ms,runtime\na.onnx,3,esp-nn\nb.onnx,4,tflm\nc.onnx,5,esp-nn\nd.onnx,6,\n', CSV);
  assert.equal(r.ok, false);
  assert.match(r.ok ? '' : r.error.message, /mixes 'esp-nn' \(lines 2, 4\) and 'tflm' \(line 3\): calibrate one runtime per file/);
});

test('combine: repeated rows give their median; rows > 2x apart are refused with their lines', () => {
  const p = parseMeasurementsCsv('model,ms,uj\na.onnx,10,100\nsub/b.onnx,4\na.onnx,12,120\na.onnx,11,\n', CSV);
  assert.ok(p.ok);
  const c = combineMeasurements(p.value.rows, '/data/board', CSV);
  assert.ok(c.ok);
  assert.deepEqual(c.value.map((m) => [m.path, m.latencyMs, m.energyMj, m.lines]), [
    ['/data/board/a.onnx', 11, 0.11, [2, 4, 5]],
    ['/data/board/sub/b.onnx', 4, undefined, [3]],
  ]);
  const bad = readMeasurements('model,ms\na.onnx,10\nb.onnx,3\n./a.onnx,25\n', CSV, '/data/board');
  assert.equal(bad.ok, false);
  assert.match(bad.ok ? '' : bad.error.message, /'a\.onnx' is measured 2 times from 10\.00 to 25\.00 ms \(lines 2, 4\), more than 2× apart/);
  // Exactly 2x apart is still one model measured twice.
  assert.ok(readMeasurements('model,ms\na.onnx,10\na.onnx,20\n', CSV, '/data/board').ok);
});

test('calibrationHeadline: before → held-out error in one line, energy when measured', async () => {
  const { calibrationHeadline } = await import('../../../src/core/calibration');
  const e = (m: number, w: number) => ({ points: 3, medianAbsErrorPct: m, worstAbsErrorPct: w, within35Pct: 3, logRms: 0.1 });
  const s = {
    device: 'esp32-s3', base: 'esp32-s3', written: '/w/.aiot/devices/esp32-s3.json', free: [], points: [{}, {}, {}] as never[],
    before: e(80.64, 95.5), after: e(11.82, 27.91), params: {} as never, notes: [],
  };
  assert.equal(calibrationHeadline(s), 'esp32-s3 calibrated from 3 models: median latency error 80.6% → 11.8% held out (worst 95.5% → 27.9%)');
  assert.match(calibrationHeadline({ ...s, energyAfter: e(4.2, 9) }), /; energy median 4\.2%$/);
});
