import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { run } from '../../../src/cli/commands/check-script';
import { bufferIO } from '../../../src/cli/io';
import { SCRIPTS } from './helpers';

test('check-script --json: 1-based positions, fixes with edits, module summary', async () => {
  const io = bufferIO(SCRIPTS);
  const code = await run(['kws_dscnn.py', '--json'], io);
  assert.equal(code, 0);
  const out = JSON.parse(io.stdout.join(''));
  assert.deepEqual(out.modules, [{ name: 'DSCNN', line: 22, params: 23_180, macs: 2_656_768 }]);
  const opset = out.diagnostics.find((d: { code: string }) => d.code === 'aiot.opset-missing');
  assert.deepEqual([opset.line, opset.column, opset.endLine, opset.endColumn, opset.severity], [69, 5, 69, 22, 'warning']);
  assert.deepEqual(opset.fixes[0].edits, [{ line: 69, column: 101, endLine: 69, endColumn: 101, newText: ', opset_version=17, do_constant_folding=True' }]);
  assert.equal(out.linkedModel, join(SCRIPTS, 'kws_dscnn.onnx'));
});

test('check-script: unknown file and unknown device are one-line errors with exit 2', async () => {
  const io = bufferIO(SCRIPTS);
  assert.equal(await run(['nope.py'], io), 2);
  assert.equal(io.stderr.join(''), 'aiot-lens check-script: nope.py: no such file\n');
  const io2 = bufferIO(SCRIPTS);
  assert.equal(await run(['kws_dscnn.py', '--device', 'no-such-board'], io2), 2);
  assert.match(io2.stderr.join(''), /^aiot-lens check-script: unknown device 'no-such-board'/);
});

test('check-script exits 1 when a diagnostic is an error (model does not fit)', async () => {
  const io = bufferIO(SCRIPTS);
  // The nRF52840 has 1 MiB flash and 256 KiB RAM: ResNet-8 fits; the exit code is 0 and text lists the modules.
  assert.equal(await run(['resnet8_cifar.py', '--device', 'nrf52840'], io), io.stdout.join('').includes('aiot.not-fit') ? 1 : 0);
  assert.match(io.stdout.join(''), /resnet8_cifar\.py:28: ResNet8 \(exported\): 77,946 params, 12\.5 M MACs @ 1×3×32×32/);
});

test('check-script --model links a model the export call does not name statically', async () => {
  const io = bufferIO(SCRIPTS);
  // cnn_classifier.py exports to a path passed as a parameter; link it to the DS-CNN model to exercise the option.
  assert.equal(await run(['cnn_classifier.py', '--model', '../models/ds_cnn_kws.onnx', '--json'], io), 0);
  assert.equal(JSON.parse(io.stdout.join('')).linkedModel, join(SCRIPTS, '..', 'models', 'ds_cnn_kws.onnx'));
  const bad = bufferIO(SCRIPTS);
  assert.equal(await run(['cnn_classifier.py', '--model', 'none.onnx'], bad), 2);
  assert.equal(bad.stderr.join(''), 'aiot-lens check-script: none.onnx: no such file\n');
});

test('check-script --model X.onnx --device D always prints the device verdict (fits, does NOT fit, or no verdict with the reason)', async () => {
  // cnn_classifier.py has an export call whose path is a parameter: the verdict comes from --model alone.
  const fits = bufferIO(SCRIPTS);
  assert.equal(await run(['cnn_classifier.py', '--model', '../models/ds_cnn_kws.onnx', '--device', 'nrf52840'], fits), 0);
  assert.match(fits.stdout.join(''), /^device nRF52840 .*\(nrf52840\): fits — latency .*, RAM 70\.5 KiB of 256\.0 KiB, flash 148\.3 KiB of 1\.00 MiB$/m);
  const json = bufferIO(SCRIPTS);
  assert.equal(await run(['cnn_classifier.py', '--model', '../models/ds_cnn_kws.onnx', '--device', 'nrf52840', '--json'], json), 0);
  const v = JSON.parse(json.stdout.join('')).device;
  assert.deepEqual([v.id, v.verdict, v.reasons, v.peakRamBytes, v.ramBudgetBytes, v.flashBytes, v.flashBudgetBytes], ['nrf52840', 'fits', [], 72_192, 262_144, 151_856, 1_048_576]);

  // A model that does not fit: the verdict line names each budget it exceeds, and the exit code is 1.
  const over = bufferIO(SCRIPTS);
  assert.equal(await run(['cnn_classifier.py', '--model', '../models/mobilenet_v2.onnx', '--device', 'nrf52840'], over), 1);
  assert.match(over.stdout.join(''), /^device nRF52840 .*: does NOT fit — .* \(peak RAM 9\.20 MiB > 256\.0 KiB budget; flash 13\.31 MiB > 1\.00 MiB budget\)$/m);

  // No model to judge: no verdict, and why.
  const none = bufferIO(SCRIPTS);
  assert.equal(await run(['cnn_classifier.py', '--device', 'nrf52840', '--json'], none), 0);
  assert.deepEqual(JSON.parse(none.stdout.join('')).device, { id: 'nrf52840', name: v.name, verdict: 'unknown', reasons: ['no linked model: the export call does not name an existing .onnx statically; pass --model FILE.onnx'] });
});
