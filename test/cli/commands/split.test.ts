// `aiot-lens split` in-process: the table (best once, both extremes as rows, the best cut that splits when the best
// does not), --cut by position and by node name exporting halves that verify, and the errors for impossible cuts.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run } from '../../../src/cli/commands/split';
import { bufferIO } from '../../../src/cli/io';
import { fixtureModel } from '../../helpers/models';

const SAMPLE = fixtureModel('mobilenet_v2_vww_96');
const FAST_REMOTE = ['--device', 'esp32-s3', '--remote', 'raspberry-pi-5', '--link', 'wifi-4'];
const ON_DEVICE = ['--device', 'stm32n6', '--remote', 'raspberry-pi-4', '--link', 'ble'];

async function split(args: string[], cwd = mkdtempSync(join(tmpdir(), 'aiot-split-'))) {
  const io = bufferIO(cwd);
  const code = await run(args, io);
  return { code, out: io.stdout.join(''), err: io.stderr.join(''), cwd };
}

function tableRows(out: string): string[] {
  const lines = out.split('\n');
  const start = lines.findIndex((l) => /^\s+-+\s+-+/.test(l));
  const end = lines.findIndex((l, i) => i > start && l.trim() === '');
  return lines.slice(start + 1, end);
}

test('the table shows the best cut once and both extremes as rows; an extreme best adds the best cut that splits', async () => {
  const r = await split([SAMPLE, ...FAST_REMOTE]);
  assert.equal(r.code, 0, r.err);
  const rows = tableRows(r.out);
  // ESP32-S3 over Wi-Fi to a Pi 5: sending the raw input wins, so "best" is the all-remote row — shown once.
  assert.match(rows[0]!, /^\s+best\s+0\s+all remote \(raw input upload\)/);
  assert.equal(rows.filter((l) => /all remote/.test(l)).length, 1);
  assert.equal(rows.filter((l) => /all on device/.test(l)).length, 1);
  assert.match(rows[1]!, /^\s+best split\s+\d+\s+after \//);
  const cuts = rows.map((l) => /^\s+(?:best split|best|chosen)?\s+(\d+)\s/.exec(l)?.[1]);
  assert.equal(new Set(cuts).size, cuts.length, 'every cut once');
  const d = await split([SAMPLE, ...ON_DEVICE, '--json']);
  const j = JSON.parse(d.out);
  assert.equal(j.best.index, 210);
  assert.deepEqual(j.table.slice(0, 3).map((x: { role: string }) => x.role), ['best', 'best-split', 'all-remote']);
  assert.equal(j.table.filter((x: { index: number }) => x.index === 210).length, 1);
  assert.equal(j.table[0].extreme, 'all-device');
});

test('--out-dir with an extreme best exports nothing and says which --cut would split, after the table', async () => {
  const r = await split([SAMPLE, ...FAST_REMOTE, '--out-dir', '.']);
  assert.equal(r.code, 0, r.err);
  assert.equal(r.err, '');
  const m = /nothing exported: the best cut runs everything remotely; .* is --cut (\d+), after (\S+)\)/.exec(r.out);
  assert.ok(m, r.out);
  assert.ok(r.out.indexOf('nothing exported') > r.out.indexOf('best split'), 'the note comes after the table');
  assert.equal(existsSync(join(r.cwd, 'mobilenet_v2_vww_96.device.onnx')), false);
});

test('--cut N exports any cut, verifies the chained halves and prints the verdict line', async () => {
  const r = await split([SAMPLE, ...FAST_REMOTE, '--cut', '58', '--json']);
  assert.equal(r.code, 0, r.err);
  const j = JSON.parse(r.out);
  assert.equal(j.exportedCut, 58);
  assert.equal(j.chosen.index, 58);
  assert.equal(j.table[1].role, 'chosen');
  for (const f of [j.files.device, j.files.remote]) assert.ok(existsSync(f), f);
  assert.equal(j.verify.maxAbsError, 0);
  assert.equal(j.verify.snrDb, 'Infinity');
  assert.equal(j.verify.verdict.pass, true);
  // The sample's weights are random: its outputs are ~1e-8 and the figures say so.
  assert.ok(j.verify.warnings.some((w: string) => /near zero/.test(w)));
  const h = await split([SAMPLE, ...FAST_REMOTE, '--cut', '58', '--force'], r.cwd);
  assert.equal(h.code, 0, h.err);
  assert.match(h.out, /^\s+chosen\s+58\s+after /m);
  assert.match(h.out, /exported cut 58 \(after \/features\/features\.2\/conv\/conv\.2\/Conv\)/);
  assert.match(h.out, /verdict: PASS \(relative error ≤ 0\.05/);
});

test('--cut NODE_NAME cuts after that node (or the node producing that tensor); malformed thresholds are usage errors', async () => {
  const byName = await split([SAMPLE, ...FAST_REMOTE, '--cut', '/features/features.2/conv/conv.2/Conv', '--json']);
  assert.equal(JSON.parse(byName.out).exportedCut, 58);
  const byTensor = await split([SAMPLE, ...FAST_REMOTE, '--cut', '/features/features.2/conv/conv.2/Conv_output_0', '--json']);
  assert.equal(JSON.parse(byTensor.out).exportedCut, 58);
  const bad = await split([SAMPLE, ...FAST_REMOTE, '--cut', '58', '--min-cosine', '2']);
  assert.equal(bad.code, 2);
  assert.match(bad.err, /--min-cosine must be between -1 and 1/);
});

test('impossible cuts are clear usage errors', async () => {
  const past = await split([SAMPLE, ...FAST_REMOTE, '--cut', '999']);
  assert.equal(past.code, 2);
  assert.match(past.err, /the model has 210 nodes, so a cut position is 0\.\.210/);
  const all = await split([SAMPLE, ...FAST_REMOTE, '--cut', '0']);
  assert.equal(all.code, 2);
  assert.match(all.err, /cut 0 runs everything remotely, so there are no halves to export; pick a cut between 1 and 209/);
  const nope = await split([SAMPLE, ...FAST_REMOTE, '--cut', 'features.2/conv']);
  assert.equal(nope.code, 2);
  assert.match(nope.err, /no node or node output has that name \(did you mean '\/features\/features\.2\/conv/);
});
