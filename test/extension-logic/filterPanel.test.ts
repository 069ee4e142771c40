// "Train Input Filter…" without VS Code: the CLI arguments it runs, the childCli run of the built CLI is covered by
// childCli.test.ts; here the panel body from a real report (Silero VAD on the shipped speech samples).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { getDevice, loadProfiles } from '../../src/core/devices';
import { learnFilter, parsePreprocess, parseRule } from '../../src/core/filter';
import { unwrap } from '../../src/core/result';
import { curveSvg, filterArgs, filterPanelBody, sampleFolders } from '../../src/extension/filterPanelBody';
import { FIXTURES, fixtureModel } from '../helpers/models';

test('filterArgs: the filter and its report go beside the model; typed settings only when the folder has no filter.json', () => {
  const a = filterArgs('/m/vad.onnx', '/s', 'esp32-s3');
  assert.deepEqual(a.slice(0, 6), ['filter', '/m/vad.onnx', '--samples', '/s', '--device', 'esp32-s3']);
  assert.equal(a[a.indexOf('--out') + 1], '/m/vad.filter.onnx');
  assert.ok(a.includes('--save-report') && a.includes('--json') && !a.includes('--rule'));
  const b = filterArgs('/m/vad.onnx', '/s', 'esp32-s3', { preprocess: '{"audio":{}}', rule: 'max-below:0.5', outputs: '' });
  assert.equal(b[b.indexOf('--rule') + 1], 'max-below:0.5');
  assert.ok(!b.includes('--output'));
});

test('sampleFolders offers the folders beside a model that hold samples or a filter.json', () => {
  const f = sampleFolders(join(FIXTURES, 'filter'));
  assert.deepEqual(f.map((x) => x.name), ['audio', 'faces']);
  assert.equal(f[0]!.description, '3 sample files · filter.json');
  assert.deepEqual(sampleFolders('/no/such/dir'), []);
});

test('panel body: the curve with the chosen point where the held-out figures put it, and the report figures, escaped', async () => {
  const reg = unwrap(loadProfiles());
  const r = await learnFilter({
    modelPath: fixtureModel('silero_vad'), samplesDir: join(FIXTURES, 'filter', 'audio'),
    preprocess: parsePreprocess({ input: 'input', audio: { sampleRate: 16000, window: 576, hop: 512 }, values: { sr: 16000, state: 0 }, carry: { state: 'stateN' } }),
    rule: parseRule('max-below:0.5'), outputs: ['output'], device: unwrap(getDevice(reg, 'esp32-s3')),
  });
  const rep = { ...r.report, model: '<vad>.onnx' };
  const svg = curveSvg(rep, 560, 300);
  // x = 44 + skip × (560 − 60), y = 260 − recall × (300 − 62)
  const cx = (44 + rep.heldOut.skipRatio * 500).toFixed(1), cy = (260 - rep.heldOut.recall * 238).toFixed(1);
  assert.ok(svg.includes(`<circle class="pt memory" cx="${cx}" cy="${cy}"`), 'chosen point');
  assert.equal((svg.match(/<polyline/g) ?? []).length, 2);
  const body = filterPanelBody(rep);
  assert.ok(body.includes('&lt;vad&gt;.onnx') && !body.includes('<vad>'));
  assert.ok(body.includes(`skips ${(100 * rep.heldOut.skipRatio).toFixed(1)}%`));
  assert.ok(body.includes(`${rep.whatif.with.energyPerInputMj.toFixed(3)} mJ/input`));
});
