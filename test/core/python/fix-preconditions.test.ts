// Quick fixes are offered only when their precondition holds: one fixture where it holds and one where it does not,
// per fix (test/fixtures/python/fixes/). That the offered ones still run is fixes-run.test.ts's job.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { checkScriptText, type ScriptReport } from '../../../src/core/python';
import { applyEdits, python } from './helpers';

const FIXES = join(__dirname, '..', '..', 'fixtures', 'python', 'fixes');
const ENTRY = join(__dirname, '..', '..', 'fixtures', 'python', 'entry');

async function check(dir: string, name: string, text?: string): Promise<{ report: ScriptReport; text: string }> {
  const path = join(dir, name);
  const t = text ?? readFileSync(path, 'utf8');
  return { report: (await checkScriptText(await python(), t, { scriptPath: path })).report, text: t };
}

/** `code@line: fix titles` for every diagnostic, the shape the assertions read best in. */
const offered = (r: ScriptReport) => r.diagnostics.map((d) => `${d.code}@${d.range.start.line + 1}: ${d.fixes.map((f) => f.title).join(' | ') || '-'}`);

test('opset: added when the call has no opset_version; nothing said when **options may carry it', async () => {
  assert.deepEqual(offered((await check(FIXES, 'opset_plain.py')).report), ['aiot.opset-missing@19: Add opset_version=17 and do_constant_folding=True']);
  // `torch.onnx.export(..., **options)` with options = dict(opset_version=13, ...): appending it would raise TypeError.
  assert.deepEqual(offered((await check(FIXES, 'opset_kwargs.py')).report), []);
});

test('depthwise-separable rewrite: offered when the conv is only called; withheld when .weight or an unguarded .bias is used', async () => {
  assert.deepEqual(offered((await check(FIXES, 'dense_guarded.py')).report), ['aiot.dense-conv@11: Replace with a depthwise-separable block (needs retraining)']);
  const weight = (await check(FIXES, 'dense_weight_ref.py')).report.diagnostics.find((d) => d.code === 'aiot.dense-conv')!;
  assert.deepEqual(weight.fixes, []);
  assert.match(weight.message, /No rewrite offered: `self\.conv2\.weight` is used at line 14 other than by calling it\.$/);
  const bias = (await check(FIXES, 'dense_bias_init.py')).report.diagnostics.find((d) => d.code === 'aiot.dense-conv')!;
  assert.deepEqual(bias.fixes, []);
  assert.match(bias.message, /No rewrite offered: `m\.bias` is read at line 28 without an `is not None` test\.$/);
  // `m.bias` read only in the BatchNorm branch (PyTorch-GAN's weights_init_normal): the new conv never gets there.
  assert.deepEqual(offered((await check(FIXES, 'dense_bn_init.py')).report), ['aiot.dense-conv@20: Replace with a depthwise-separable block (needs retraining)']);
  // A negated type test (`not isinstance(m, nn.BatchNorm2d) and hasattr(m, "bias")`) lets the new conv in: withheld.
  const negated = (await check(FIXES, 'dense_negated_init.py')).report.diagnostics.find((d) => d.code === 'aiot.dense-conv')!;
  assert.deepEqual(negated.fixes, []);
  assert.match(negated.message, /No rewrite offered: `m\.bias` is read at line 14/);
});

test('low-rank Linear: offered when the layer is only called; withheld when its fields are read', async () => {
  const { report } = await check(FIXES, 'linear_plain.py');
  assert.deepEqual(offered(report), ['aiot.large-linear@9: Replace with a rank-128 factorization (needs retraining) | Insert post-training dynamic quantization (torch.ao.quantization.quantize_dynamic)']);
  const ref = (await check(FIXES, 'linear_attr_ref.py')).report.diagnostics.find((d) => d.code === 'aiot.large-linear')!;
  assert.deepEqual(ref.fixes, []);
  assert.match(ref.message, /No rewrite offered: `self\.fc1\.out_features` is used at line 11 other than by calling it\.$/);
});

test('dynamic quantization: inserted after training when nothing is exported after it; never before an ONNX export', async () => {
  const { report, text } = await check(FIXES, 'linear_plain.py');
  const q = report.diagnostics[0]!.fixes[1]!;
  const lines = applyEdits(text, q.edits!).split('\n');
  assert.deepEqual(lines.slice(27, 30), [
    '    train(model, 2)',
    '    # Post-training dynamic quantization: int8 weights for Linear/LSTM/GRU layers (4x smaller than float32).',
    '    model = torch.ao.quantization.quantize_dynamic(model, {torch.nn.Linear, torch.nn.LSTM, torch.nn.GRU}, dtype=torch.qint8)',
  ]);
  assert.deepEqual(offered((await check(FIXES, 'linear_export.py')).report), ['aiot.large-linear@11: Replace with a rank-128 factorization (needs retraining)']);
});

test('no_grad / eval: offered for validation; not when the result feeds training or leaves the file; eval not when training follows without train()', async () => {
  assert.deepEqual(offered((await check(FIXES, 'infer_plain.py')).report), [
    'aiot.inference-without-no-grad@27: Wrap in `with torch.no_grad():`',
    'aiot.inference-without-eval@27: Insert `model.eval()`',
  ]);
  // REINFORCE's select_action: its output goes into log_prob, which finish_episode back-propagates.
  assert.deepEqual(offered((await check(FIXES, 'rl_select_action.py')).report), []);
  // act() returns the Q-values to update(), which trains on them.
  assert.deepEqual(offered((await check(FIXES, 'rl_returned.py')).report), []);
  // predict() returns its output and no caller in the file says what happens to it: diagnosed, no edit.
  const unproven = (await check(FIXES, 'infer_returned.py')).report;
  assert.deepEqual(offered(unproven), ['aiot.inference-without-no-grad@20: -', 'aiot.inference-without-eval@20: -']);
  assert.match(unproven.diagnostics[0]!.message, /No quick fix: `predict` returns its result and no caller in this file shows what is done with it\.\)$/);
  // Training without model.train() follows validate(): an inserted eval() would stay on, so only no_grad is offered.
  const unsafe = (await check(FIXES, 'infer_eval_unsafe.py')).report;
  assert.deepEqual(offered(unsafe), ['aiot.inference-without-no-grad@26: Wrap in `with torch.no_grad():`', 'aiot.inference-without-eval@26: -']);
  assert.match(unsafe.diagnostics[1]!.message, /an inserted `model\.eval\(\)` would stay on during training/);
  // The same with module-level training (PyTorch-GAN's sample_image called from the batch loop).
  assert.deepEqual(offered((await check(FIXES, 'gan_sample.py')).report), ['aiot.inference-without-no-grad@23: Wrap in `with torch.no_grad():`', 'aiot.inference-without-eval@23: -']);
});

test('export eval: not inserted when the export sits in the training loop and training never calls train()', async () => {
  const d = (await check(FIXES, 'export_each_epoch.py')).report.diagnostics;
  assert.deepEqual(offered({ diagnostics: d } as ScriptReport), ['aiot.export-without-eval@30: -']);
  assert.match(d[0]!.message, /No quick fix: training runs after this export without calling `\.train\(\)`/);
});

test('Variable(volatile=True): flagged; the fix drops the keyword and runs the rest of the block under no_grad, unless that block trains', async () => {
  const { report, text } = await check(FIXES, 'volatile_eval.py');
  const d = report.diagnostics.find((x) => x.code === 'aiot.volatile-variable')!;
  assert.equal(d.severity, 'warning');
  assert.deepEqual([d.range.start.line + 1, d.range.start.character + 1, d.range.end.character + 1], [20, 29, 42]);
  assert.match(d.message, /^`volatile=` has had no effect since PyTorch 0\.4/);
  const fixed = applyEdits(text, d.fixes[0]!.edits!).split('\n');
  assert.deepEqual(fixed.slice(18, 25), [
    '    net.eval()',
    '    with torch.no_grad():',
    '        inputs = Variable(data)',
    '        outputs = net(inputs)',
    '        if outputs.requires_grad:',
    '            print("volatile had no effect: autograd recorded the forward pass")',
    '        return outputs.argmax(1)',
  ]);
  // The fixed text has no volatile diagnostic left.
  assert.ok(!(await check(FIXES, 'volatile_eval.py', fixed.join('\n'))).report.diagnostics.some((x) => x.code === 'aiot.volatile-variable'));
  const train = (await check(FIXES, 'volatile_train.py')).report.diagnostics.find((x) => x.code === 'aiot.volatile-variable')!;
  assert.deepEqual(train.fixes, []);
  assert.match(train.message, /No quick fix: the statements after it train/);
});

test('volatile=False is removed with its comma; already under no_grad only the keyword goes', async () => {
  const text = [
    'import torch',
    'from torch.autograd import Variable',
    'a = Variable(torch.ones(2), volatile=False)',
    'with torch.no_grad():',
    '    b = Variable(torch.ones(2), volatile=True)',
    '',
  ].join('\n');
  const { report } = await check(FIXES, 'inline.py', text);
  const fixes = report.diagnostics.filter((d) => d.code === 'aiot.volatile-variable').map((d) => d.fixes[0]!);
  assert.deepEqual(fixes.map((f) => f.title), ['Remove `volatile=False` (no effect)', 'Remove `volatile=True` (already under no_grad)']);
  assert.deepEqual(applyEdits(text, [...fixes[0]!.edits!, ...fixes[1]!.edits!]).split('\n').slice(2, 5), [
    'a = Variable(torch.ones(2))',
    'with torch.no_grad():',
    '    b = Variable(torch.ones(2))',
  ]);
});

test('the model is the one the entry point builds: test() builds ResNet18 among ResNet18...ResNet152 factories', async () => {
  const { report } = await check(ENTRY, 'resnet_factories.py');
  const resnet = report.modules.find((m) => m.name === 'ResNet')!;
  // PyTorch: sum(p.numel() for p in ResNet18().parameters()) = 11,173,962 (ResNet152 would be 58.2 M).
  assert.equal(resnet.params, 11_173_962);
  assert.ok(resnet.isExported);
  // Dense-conv diagnostics point at BasicBlock's 3x3 convs (lines 13 and 15), not Bottleneck's (line 34).
  assert.deepEqual(report.diagnostics.filter((d) => d.code === 'aiot.dense-conv').map((d) => d.range.start.line + 1), [13, 15]);
  assert.equal(report.modules.find((m) => m.name === 'Bottleneck')!.instancePath, undefined);
});
