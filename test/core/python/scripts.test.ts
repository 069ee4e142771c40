// Fixture scripts end to end: module figures against hand-computed PyTorch arithmetic, exact diagnostics,
// and quick fixes that, once applied, make their diagnostic go away.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { checkScriptText, type ScriptReport } from '../../../src/core/python';
import { SCRIPTS, applyEdits, fixture, python } from './helpers';

async function check(name: string, text = fixture(name)): Promise<ScriptReport> {
  const lang = await python();
  const path = join(SCRIPTS, name);
  return (await checkScriptText(lang, text, { scriptPath: path, workspaceRoot: SCRIPTS })).report;
}

const codes = (r: ScriptReport) => r.diagnostics.map((d) => `${d.code}@${d.range.start.line + 1}:${d.range.start.character + 1}`);
const modules = (r: ScriptReport) => r.modules.map((m) => ({ name: m.name, line: m.range.start.line + 1, params: m.params, macs: m.macs }));

test('CNN classifier: params, MACs and every diagnostic', async () => {
  const r = await check('cnn_classifier.py');
  // conv1 3*16*9+16=448, conv2 16*32*9+32=4,640, conv3 32*64*9+64=18,496, fc1 576*128+128=73,856, fc2 1,290.
  // MACs at 1x3x32x32: 16*30*30*27 + 32*15*15*144 + 64*7*7*288 + 576*128 + 128*10.
  assert.deepEqual(modules(r), [{ name: 'SmallCNN', line: 7, params: 98_730, macs: 388_800 + 1_036_800 + 903_168 + 73_728 + 1_280 }]);
  assert.deepEqual(codes(r), [
    'aiot.dense-conv@11:22',
    'aiot.dense-conv@12:22',
    'aiot.inference-without-no-grad@38:14',
    'aiot.inference-without-eval@38:14',
    'aiot.export-without-eval@44:5',
    'aiot.opset-missing@44:5',
    'aiot.float64@48:24',
  ]);
  const dense = r.diagnostics[0]!;
  assert.equal(dense.message, 'Dense 3×3 Conv2d(16, 32): 4,608 weights and 1.0 M MACs at 15×15 output; a depthwise-separable block (3×3 depthwise + 1×1 pointwise) needs 656 weights and 147.6 k MACs (7.0× fewer).');
  assert.match(r.diagnostics[6]!.message, /98,730 parameters take 771\.3 KiB in float64 against 385\.7 KiB in float32/);
});

test('CNN classifier: each quick fix produces the expected text and clears its diagnostic', async () => {
  const text = fixture('cnn_classifier.py');
  const r = await check('cnn_classifier.py');
  const fix = (code: string) => r.diagnostics.find((d) => d.code === code)!.fixes[0]!;
  const lines = (t: string) => t.split('\n');

  const f64 = applyEdits(text, fix('aiot.float64').edits!);
  assert.equal(lines(f64)[47], '    model = SmallCNN().float()');
  assert.ok(!codes(await check('cnn_classifier.py', f64)).some((c) => c.startsWith('aiot.float64')));

  const opset = applyEdits(text, fix('aiot.opset-missing').edits!);
  assert.equal(lines(opset)[43], '    torch.onnx.export(model, example, path, opset_version=17, do_constant_folding=True)');
  assert.ok(!codes(await check('cnn_classifier.py', opset)).some((c) => c.startsWith('aiot.opset')));

  const ev = applyEdits(text, fix('aiot.export-without-eval').edits!);
  assert.deepEqual(lines(ev).slice(43, 45), ['    model.eval()', '    torch.onnx.export(model, example, path)']);
  assert.ok(!codes(await check('cnn_classifier.py', ev)).some((c) => c.startsWith('aiot.export-without-eval')));

  const wrap = applyEdits(text, fix('aiot.inference-without-no-grad').edits!);
  assert.deepEqual(lines(wrap).slice(37, 39), ['    with torch.no_grad():', '        logits = model(image.unsqueeze(0))']);
  assert.ok(!codes(await check('cnn_classifier.py', wrap)).some((c) => c.startsWith('aiot.inference-without-no-grad')));

  const ieval = applyEdits(text, fix('aiot.inference-without-eval').edits!);
  assert.deepEqual(lines(ieval).slice(37, 39), ['    model.eval()', '    logits = model(image.unsqueeze(0))']);
  assert.ok(!codes(await check('cnn_classifier.py', ieval)).some((c) => c.startsWith('aiot.inference-without-eval')));

  // The depthwise-separable rewrite: the figures the message promised are what the new code counts.
  const sep = applyEdits(text, r.diagnostics[0]!.fixes[0]!.edits!);
  assert.equal(lines(sep)[10], '        self.conv2 = nn.Sequential(nn.Conv2d(16, 16, 3, padding=1, groups=16, bias=False), nn.Conv2d(16, 32, 1))');
  const after = await check('cnn_classifier.py', sep);
  assert.equal(after.modules[0]!.params, 98_730 - 4_640 + (16 * 9 + 16 * 32 + 32));
  assert.equal(after.modules[0]!.macs, 2_403_776 - 1_036_800 + 147_600);
});

test('DS-CNN keyword spotter: exact figures and the linked ONNX', async () => {
  const r = await check('kws_dscnn.py');
  // Conv(1,64,(10,4)) 2,560 + BN 128 + 4 x (dw 576 + BN 128 + pw 4,096 + BN 128) + fc 780.
  // MACs: 25x5 output: 64*125*40 + 4 x (64*125*9 + 64*64*125) + 64*12 = the reference model's 2,656,768.
  assert.deepEqual(modules(r), [{ name: 'DSCNN', line: 22, params: 23_180, macs: 2_656_768 }]);
  assert.equal(r.linkedModel, join(SCRIPTS, 'kws_dscnn.onnx'));
  assert.deepEqual(codes(r), [
    'aiot.inference-without-no-grad@58:16',
    'aiot.inference-without-eval@58:16',
    'aiot.export-without-eval@69:5',
    'aiot.opset-missing@69:5',
  ]);
});

test('ResNet-8: ModuleList of blocks built in a loop, conditional shortcut, per-class MACs', async () => {
  const r = await check('resnet8_cifar.py');
  assert.deepEqual(modules(r), [
    // blocks.0: c1 2,304 + b1 32 + c2 2,304 + b2 32; MACs 2 x 16*32*32*144.
    { name: 'Block', line: 9, params: 4_672, macs: 4_718_592 },
    { name: 'ResNet8', line: 28, params: 77_946, macs: 12_501_632 },
  ]);
  // model.eval() precedes the export, accuracy() runs under @torch.no_grad() after model.eval(), opset is pinned.
  assert.deepEqual(codes(r), ['aiot.dense-conv@12:19', 'aiot.dense-conv@14:19', 'aiot.float64@51:15', 'aiot.float64@72:41']);
  assert.match(r.diagnostics[0]!.message, /\(3 instances; figures for the heaviest\.\)$/);
});

test('LSTM keyword spotter: recurrent MACs over 49 steps and tensor indexing', async () => {
  const r = await check('kws_lstm.py');
  // 49 x (4*128*(40+128) + 4*128*(128+128)) = 10,637,312 plus the Linear's 128*12.
  assert.deepEqual(modules(r), [{ name: 'LSTMKWS', line: 10, params: 220_684, macs: 10_637_312 + 1_536 }]);
  assert.deepEqual(codes(r), [
    'aiot.inference-without-no-grad@26:10',
    'aiot.inference-without-eval@26:10',
    'aiot.export-without-eval@28:1',
    'aiot.opset-missing@28:1',
  ]);
});

test('torchvision backbones with replaced heads use the published figures', async () => {
  const r = await check('torchvision_backbone.py');
  // mobilenet_v2: 3,504,872 - (1280*1000+1000) + (1280*2+2); MACs: (0.30 G - 1280*1000) scaled by 96²/224², plus the head.
  // resnet50 with fc = Identity: 25,557,032 - (2048*1000+1000) + proj 2048*1024+1024.
  assert.deepEqual(modules(r), [
    { name: 'PersonDetector', line: 9, params: 2_226_434, macs: Math.round((300_000_000 - 1_280_000) * (96 * 96) / (224 * 224)) + 2_560 },
    { name: 'EmbeddingNet', line: 19, params: 25_606_208, macs: null },
  ]);
  assert.deepEqual(codes(r), ['aiot.large-linear@26:21']);
  const d = r.diagnostics[0]!;
  assert.match(d.message, /Large Linear\(2,048, 1,024\): 2,097,152 weights .* rank-256 .* 786,432 weights \(2\.7× fewer/);
  // No quantization snippet: the Linear is not part of the exported model, and torch.onnx cannot export a
  // dynamically quantized model (the export below would raise UnsupportedOperatorError).
  assert.ok(!d.fixes.some((f) => /quantize_dynamic/.test(f.title)));
});

test('ModuleDict / Sequential(OrderedDict) / comprehension nesting with a Transformer encoder layer', async () => {
  const r = await check('nested_containers.py');
  // stem 992+64, stages 3,104+6,208, encoder 33,472, heads (128+390)+(128+130).
  // MACs on 1x6x128: 32*128*30 + 32*64*96 + 64*32*96 + encoder(s=32,d=64,ff=128) 1,179,648 + 64*6.
  assert.deepEqual(modules(r), [{ name: 'SensorNet', line: 12, params: 44_616, macs: 122_880 + 196_608 + 196_608 + 1_179_648 + 384 }]);
  assert.deepEqual(codes(r), []);
});

test('settings turn kinds off and move thresholds', async () => {
  const lang = await python();
  const { resolveSettings } = await import('../../../src/core/python');
  const settings = resolveSettings({ disabled: ['aiot.dense-conv', 'aiot.float64'], largeLinearMinWeights: 70_000 });
  const r = (await checkScriptText(lang, fixture('cnn_classifier.py'), { settings })).report;
  assert.ok(!r.diagnostics.some((d) => d.code === 'aiot.dense-conv' || d.code === 'aiot.float64'));
  // fc1 has 576*128 = 73,728 weights: over the lowered threshold.
  assert.ok(r.diagnostics.some((d) => d.code === 'aiot.large-linear' && d.range.start.line === 13));
});

test('a torchvision model built at top level with its head replaced: published figures minus the old head', async () => {
  const lang = await python();
  const text = `import torch\nfrom torchvision import models\nfrom torch import nn\n\nmodel = models.resnet18(weights="IMAGENET1K_V1")\nmodel.fc = nn.Linear(model.fc.in_features, 10)\nmodel.eval()\ntorch.onnx.export(model, torch.randn(1, 3, 224, 224), "r18.onnx", opset_version=17)\n`;
  const r = (await checkScriptText(lang, text)).report;
  // 11,689,512 - (512*1000+1000) + (512*10+10); 1.81 GMACs - 512*1000 + 512*10.
  assert.deepEqual(modules(r), [{ name: 'model', line: 5, params: 11_181_642, macs: 1_810_000_000 - 512_000 + 5_120 }]);
  assert.deepEqual(codes(r), []);
});

test('MobileNetV2 as training repos copy it (nn.Sequential subclass, _make_divisible, residual if): exact reference MACs', async () => {
  const r = await check('mobilenet_v2_vww.py');
  // Width 0.35 on 96x96, 2 classes: the MACs equal the torchvision-exported reference model's 10,656,688
  // (Conv + Gemm, test/fixtures/models/MODELS.md). features.0: Conv2d(3,16,3,s2) 432 + BN 32 = 464 params,
  // 16*48*48*27 = 995,328 MACs; features.1 (t=1): dw 144 + BN 32 + pw 16*8 = 128 + BN 16 = 320 params.
  assert.deepEqual(modules(r), [
    { name: 'ConvBNReLU', line: 17, params: 464, macs: 995_328 },
    { name: 'InvertedResidual', line: 27, params: 320, macs: 16 * 48 * 48 * 9 + 8 * 48 * 48 * 16 },
    { name: 'MobileNetV2', line: 49, params: 398_690, macs: 10_656_688 },
  ]);
  assert.deepEqual(codes(r), []);
  assert.equal(r.linkedModel, join(SCRIPTS, 'mobilenet_v2_vww_96.onnx'));
});

test('export of `model.eval()` inline counts as eval mode; a splatted input shape is followed', async () => {
  const lang = await python();
  const text = `import torch\nimport torch.nn as nn\nSHAPE = (3, 8, 8)\nclass M(nn.Module):\n    def __init__(self):\n        super().__init__()\n        self.c = nn.Conv2d(3, 4, 3)\n    def forward(self, x):\n        return self.c(x)\nmodel = M()\ntorch.onnx.export(model.eval(), torch.randn(2, *SHAPE), "m.onnx", opset_version=13)\n`;
  const r = (await checkScriptText(lang, text)).report;
  assert.deepEqual(codes(r), []);
  assert.equal(r.modules[0]!.macs, 2 * 4 * 6 * 6 * 27);
});

test('Transformer encoder stack: num_layers copies and attention MACs equal the reference model', async () => {
  const r = await check('transformer_har.py');
  // emb 6*64+64; 2 x encoder layer (4*64²+4*64 attention + 64*128+128 + 128*64+64 + 2*128 norms); head 64*6+6.
  // MACs: emb 64*6*64 + 2 x (4*s*d² + 2*s²*d + 2*s*d*ff with s=64, d=64, ff=128) + head 64*6 = the reference 5,267,840.
  assert.deepEqual(modules(r), [{ name: 'HARTransformer', line: 11, params: 448 + 2 * 33_472 + 390, macs: 5_267_840 }]);
  assert.deepEqual(codes(r), []);
  assert.equal(r.linkedModel, join(SCRIPTS, 'transformer_har.onnx'));
});
