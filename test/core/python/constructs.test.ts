// Our own construct fixtures (test/fixtures/python/constructs, one per construct of issue 15) against the truth
// PyTorch gave (TRUTH.json, scripts/python-corpus.py constructs): every figure exact or null, with a reason when null.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { checkScriptText } from '../../../src/core/python';
import { analyzeTreeSafe } from '../../../src/core/python/analyze-script';
import { codeLensesFor, hoverAt } from '../../../src/server/python';
import type { SiblingModule } from '../../../src/core/python/imports';
import { parseOnce } from '../../../src/core/python/parser';
import { python } from './helpers';
import { analyzeText, compareFile, newTally, readJson, summary, type TruthFile } from './truth';

const DIR = join(__dirname, '..', '..', 'fixtures', 'python', 'constructs');
const truth = readJson<{ files: Record<string, TruthFile> }>(join(DIR, 'TRUTH.json')).files;

async function analyze(name: string) {
  const file = join(DIR, name);
  return analyzeText(await python(), readFileSync(file, 'utf8'), file);
}

test('constructs: every reported figure equals PyTorch or is null; no internal error', async (t) => {
  const tally = newTally();
  for (const name of Object.keys(truth)) {
    const text = readFileSync(join(DIR, name), 'utf8');
    const r = await analyze(name);
    if (r.error) tally.errors.push(`${name}: ${r.error}`);
    compareFile(name, text, r.model, truth[name], tally);
  }
  t.diagnostic(summary(tally));
  assert.deepEqual(tally.errors, []);
  assert.deepEqual(tally.wrong, []);
  assert.deepEqual(tally.unchecked, []);
  assert.ok(tally.exact >= 200, `${tally.exact} exact figures`);
});

test('constructs that are followed give exact totals for the model the file builds', async () => {
  const root = async (name: string) => {
    const m = (await analyze(name)).model.modules.find((s) => s.instancePath === '');
    return { params: m?.params, macs: m?.macs };
  };
  const want = (name: string) => {
    const p = truth[name]!.models[0]!.paths!['']!;
    return { params: p[1], macs: p[2] };
  };
  for (const name of ['cfg_class_attr.py', 'expansion_attr.py', 'nested_def.py', 'padding_upsample.py', 'factory.py', 'sibling_import.py', 'argparse_options.py', 'transformer_subclass.py', 'einops_layers.py']) {
    assert.deepEqual(await root(name), want(name), name);
  }
});

test('constructs that cannot be followed are null with the reason, never a partial sum', async () => {
  const reasonOf = async (name: string) => (await analyze(name)).model.model?.trace.incomplete;
  assert.match((await reasonOf('unfollowed_loop.py')) ?? '', /loop over `range\(DEPTH\)` \(line 14\) not followed/);
  assert.match((await reasonOf('layer_subclass.py')) ?? '', /forward\(\) of StdConv2d replaces nn\.Conv2d's/);
  const loop = (await analyze('unfollowed_loop.py')).model.modules.find((s) => s.name === 'Deep')!;
  assert.equal(loop.params, null);
  assert.equal(loop.macs, null);
  assert.match(loop.unknownReason ?? '', /loop over `range\(DEPTH\)` \(line 14\) not followed/);
  // A float channel count (`cout / 4`): PyTorch raises while building, so the model has no figures at all.
  const float = (await analyze('float_channels.py')).model.modules.find((s) => s.name === 'Net')!;
  assert.deepEqual([float.params, float.macs, ...float.layers.map((l) => l.params)], [null, null, null, null, null]);
  assert.match(float.unknownReason ?? '', /the model cannot be built: nn\.Conv2d\(\.\.\.\) gets out_channels=8\.0, a float PyTorch refuses/);
  // The mixin class Linear(Bottle, nn.Linear) has nn.Linear's parameters and no crash.
  const sub = (await analyze('layer_subclass.py')).model.modules.find((s) => s.name === 'Net')!;
  assert.equal(sub.params, truth['layer_subclass.py']!.models[0]!.paths!['']![1]);
});

test('sibling imports: read from the workspace only, analyzed once per content', async () => {
  const lang = await python();
  const file = join(DIR, 'sibling_import.py');
  const text = readFileSync(file, 'utf8');
  const tree = parseOnce(lang, text)!;
  const cache = new Map<string, SiblingModule>();
  const inside = analyzeTreeSafe(tree, { scriptPath: file, siblingCache: cache }).model;
  assert.equal(inside.modules.find((m) => m.name === 'KwsNet')?.params, truth['sibling_import.py']!.models[0]!.paths!['']![1]);
  assert.equal(cache.size, 1);
  // Layers built inside the sibling carry its ranges: none is offered for hover in this file.
  assert.ok([...inside.layers.values()].flat().every((l) => l.mod.tree === tree));
  assert.deepEqual(inside.modules.map((m) => m.name), ['KwsNet']);
  analyzeTreeSafe(tree, { scriptPath: file, siblingCache: cache });
  assert.equal(cache.size, 1, 'the same content is not analyzed again');
  // A workspace that does not contain the sibling: it is not read, and the class is unknown with the reason.
  const outside = analyzeTreeSafe(tree, { scriptPath: file, workspaceRoot: join(DIR, 'no-such-folder') }).model;
  const net = outside.modules.find((m) => m.name === 'KwsNet')!;
  assert.equal(net.params, null);
  assert.match(net.unknownReason ?? '', /ConvBNReLU\(1, 16, 2\)/);
});

test('the reason for an unknown figure reaches the code lens tooltip, the hover and check-script JSON', async () => {
  const file = join(DIR, 'unfollowed_loop.py');
  const text = readFileSync(file, 'utf8');
  const r = await checkScriptText(await python(), text, { scriptPath: file });
  const lens = codeLensesFor(r).find((l) => l.command?.title.includes('params unknown'))!;
  assert.match(lens.command!.tooltip ?? '', /^Unknown: loop over `range\(DEPTH\)` \(line 14\) not followed/);
  const lines = text.split('\n');
  const line = lines.findIndex((l) => l.includes('self.body = nn.Sequential'));
  const hover = (hoverAt(r, { line, character: lines[line]!.indexOf('nn.Sequential') + 4 })!.contents as { value: string }).value;
  assert.match(hover, /params unknown/);
  assert.match(hover, /unknown: loop over `range\(DEPTH\)` \(line 14\) not followed/);
  assert.equal(r.report.modules.find((m) => m.name === 'Deep')?.unknownReason, 'loop over `range(DEPTH)` (line 14) not followed');
});
