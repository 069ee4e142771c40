// Linking scripts to the ONNX they export: node-name mapping, per-module sums, containment, device verdicts.
import assert from 'node:assert/strict';
import { mkdtempSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { builtInProfiles, type DeviceProfile } from '../../../src/core/devices';
import { analyzeTree, checkScriptText, linkModel, mapNodeToPath, resolveOnnxPath } from '../../../src/core/python';
import { parseOnce } from '../../../src/core/python/parser';
import { SCRIPTS, fixture, python } from './helpers';

async function linked(name: string) {
  const lang = await python();
  const model = analyzeTree(parseOnce(lang, fixture(`${name}.py`))!);
  const l = await linkModel(join(SCRIPTS, `${name}.onnx`), model.model?.mod);
  if ('error' in l) throw new Error(l.error);
  return l;
}

test('PyTorch scope names map to module paths, inlined repeats by registration order, initializer names first', () => {
  const paths = new Set(['stem', 'stem.0', 'stem.2', 'blocks', 'blocks.0', 'blocks.0.c1', 'blocks.1', 'blocks.1.c1', 'blocks.1.sc', 'blocks.2', 'blocks.2.c1', 'blocks.2.sc', 'layer1', 'layer1.0', 'layer1.0.conv1']);
  const leaf = new Map<string, string[]>();
  for (const p of paths) {
    const k = p.slice(p.lastIndexOf('.') + 1);
    leaf.set(k, [...(leaf.get(k) ?? []), p]);
  }
  assert.equal(mapNodeToPath('/stem/stem.0/Conv', [], paths, leaf), 'stem.0');
  assert.equal(mapNodeToPath('/layer1/layer1.0/conv1/Conv', [], paths, leaf), 'layer1.0.conv1');
  assert.equal(mapNodeToPath('/c1/Conv', [], paths, leaf), 'blocks.0.c1');
  assert.equal(mapNodeToPath('/c1_2/Conv', [], paths, leaf), 'blocks.2.c1');
  assert.equal(mapNodeToPath('/sc/Conv', ['blocks.1.sc.weight', 'blocks.1.sc.bias'], paths, leaf), 'blocks.1.sc');
  assert.equal(mapNodeToPath('/Relu_3', [], paths, leaf), undefined);
});

test('DS-CNN: ONNX figures per module (BatchNorm folded, MACs equal to the static count)', async () => {
  const l = await linked('kws_dscnn');
  assert.equal(l.byPath.get('')!.params, 22_604);
  assert.equal(l.byPath.get('')!.macs, 2_656_768);
  assert.deepEqual(l.byPath.get('features.3')!.nodeNames, ['/features/features.3/Conv']);
  assert.equal(l.byPath.get('features.3')!.macs, 64 * 125 * 9);
  assert.equal(l.byPath.get('fc')!.params, 780);
  assert.equal(l.nodePath.get('/pool/GlobalAveragePool'), 'pool');
});

test('ResNet-8: per-block sums from inlined scopes', async () => {
  const l = await linked('resnet8_cifar');
  assert.equal(l.byPath.get('')!.params, 77_706);
  // blocks.1: c1 32*16*16*144 + c2 32*16*16*288 + sc 32*16*16*16.
  assert.equal(l.byPath.get('blocks.1')!.macs, 1_179_648 + 2_359_296 + 131_072);
  assert.deepEqual(l.byPath.get('blocks.2')!.nodeNames, ['/c1_2/Conv', '/c2_2/Conv', '/sc_1/Conv']);
});

test('the export path resolves next to the script and must stay inside the workspace', () => {
  const script = join(SCRIPTS, 'kws_dscnn.py');
  assert.equal(resolveOnnxPath(script, 'kws_dscnn.onnx', SCRIPTS), join(SCRIPTS, 'kws_dscnn.onnx'));
  assert.equal(resolveOnnxPath(script, '../models/ds_cnn_kws.onnx', SCRIPTS), undefined);
  assert.equal(resolveOnnxPath(script, 'missing.onnx', SCRIPTS), undefined);
  const dir = mkdtempSync(join(tmpdir(), 'aiot-link-'));
  symlinkSync(join(SCRIPTS, 'kws_dscnn.onnx'), join(dir, 'escape.onnx'));
  assert.equal(resolveOnnxPath(join(dir, 's.py'), 'escape.onnx', dir), undefined, 'a symlink out of the workspace is not followed');
});

test('with a device: hotspot on the heaviest block, and not-fit when flash is short', async () => {
  const lang = await python();
  const f746 = builtInProfiles().find((e) => e.profile.id === 'stm32f746')!.profile as DeviceProfile;
  const path = join(SCRIPTS, 'resnet8_cifar.py');
  const ok = (await checkScriptText(lang, fixture('resnet8_cifar.py'), { scriptPath: path, workspaceRoot: SCRIPTS, device: f746 })).report;
  assert.ok(!ok.diagnostics.some((d) => d.code === 'aiot.not-fit'));
  const hot = ok.diagnostics.filter((d) => d.code === 'aiot.hotspot');
  assert.equal(hot.length, 1);
  assert.match(hot[0]!.message, /^`blocks\.0` takes \d+% of the .* latency on STM32F746/);
  assert.equal(hot[0]!.fixes[0]!.command!.command, 'aiotLens.optimizeModel');

  // The same MCU with 256 KiB of flash: the 304 KiB of float32 weights cannot fit.
  const small: DeviceProfile = { ...f746, id: 'f746-256k', flashBytes: 256 * 1024 };
  const r = (await checkScriptText(lang, fixture('resnet8_cifar.py'), { scriptPath: path, workspaceRoot: SCRIPTS, device: small })).report;
  const nf = r.diagnostics.filter((d) => d.code === 'aiot.not-fit');
  const onExport = nf.find((d) => d.severity === 'error')!;
  assert.equal(onExport.range.start.line, 72);
  assert.match(onExport.message, /does not fit .*: flash .* > 256\.0 KiB budget/);
  // The heaviest attribute by weight bytes is named on its own line: `blocks` (the ModuleList) holds 299 KiB.
  assert.ok(nf.some((d) => d.severity === 'warning' && /^`blocks` holds 299\.\d KiB of weights/.test(d.message)));
});

test('MobileNetV2: nested Sequential-subclass scopes map to features.N.conv.M.K', async () => {
  const lang = await python();
  const model = analyzeTree(parseOnce(lang, fixture('mobilenet_v2_vww.py'))!);
  const r = await linkModel(join(SCRIPTS, 'mobilenet_v2_vww_96.onnx'), model.model?.mod);
  if ('error' in r) throw new Error(r.error);
  assert.equal(r.byPath.get('')!.macs, 10_656_688);
  assert.equal(r.byPath.get('')!.params, 386_954);
  assert.deepEqual(r.byPath.get('features.1.conv.0.0')!.nodeNames, ['/features/features.1/conv/conv.0/conv.0.0/Conv']);
  assert.equal(r.byPath.get('features.1.conv.0.0')!.macs, 16 * 48 * 48 * 9);
  assert.equal(r.byPath.get('classifier.1')!.params, 1280 * 2 + 2);
});

test('RAM over budget: the module where activations peak is named on its own line', async () => {
  const lang = await python();
  const f746 = builtInProfiles().find((e) => e.profile.id === 'stm32f746')!.profile as DeviceProfile;
  const tiny: DeviceProfile = { ...f746, id: 'f746-32k-ram', ramBytes: 32 * 1024 };
  const path = join(SCRIPTS, 'kws_dscnn.py');
  const r = (await checkScriptText(lang, fixture('kws_dscnn.py'), { scriptPath: path, workspaceRoot: SCRIPTS, device: tiny })).report;
  const nf = r.diagnostics.filter((d) => d.code === 'aiot.not-fit');
  assert.match(nf.find((d) => d.severity === 'error')!.message, /peak RAM .* > 32\.0 KiB budget/);
  const at = nf.find((d) => /^Activation memory peaks at `features/.test(d.message));
  assert.ok(at, nf.map((d) => d.message).join('\n'));
  // The range is the constructor that defined that module, inside the features Sequential (lines 27-31 or dw_block).
  assert.ok(at!.range.start.line >= 11 && at!.range.start.line <= 31);
});

test('Transformer: attention and feed-forward nodes of each copied layer sum under enc.layers.N', async () => {
  const lang = await python();
  const model = analyzeTree(parseOnce(lang, fixture('transformer_har.py'))!);
  const r = await linkModel(join(SCRIPTS, 'transformer_har.onnx'), model.model?.mod);
  if ('error' in r) throw new Error(r.error);
  assert.equal(r.byPath.get('')!.macs, 5_267_840);
  // Per layer: 4*64*64² projections + 2*64²*64 attention + 2*64*64*128 feed-forward.
  assert.equal(r.byPath.get('enc.layers.1')!.macs, 2_621_440);
  assert.equal(r.nodePath.get('/enc/layers.0/self_attn/MatMul_1'), 'enc.layers.0');
});
