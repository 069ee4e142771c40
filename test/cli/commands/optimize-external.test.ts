// `aiot-lens optimize` on a model whose weights live in external data (the fast, ~50 MB sibling of the > 2 GiB run in
// scripts/large-model.ts): the result keeps its weights in OUT.data, sizes count model + data with the right ratios,
// onnxruntime verifies the outputs numerically, passes over the memory budget refuse before starting, and --verify
// declines with its reason when onnxruntime would need more than the budget.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run as optimize } from '../../../src/cli/commands/optimize';
import { run as analyze } from '../../../src/cli/commands/analyze';
import { bufferIO } from '../../../src/cli/io';
import { writeMatMulChain } from '../../helpers/largeModel';

const dir = mkdtempSync(join(tmpdir(), 'aiot-optx-'));
// Four 1792×1792 float32 weights (49 MiB), odd layers Gemm with transB=1, seeded random values.
const chain = writeMatMulChain({ dir, name: 'chain.onnx', layers: 4, dim: 1792, values: 'random', seed: 3, gemmTransB: true });
const dataBytes = statSync(chain.dataPath).size;
const modelBytes = statSync(chain.path).size;
test.after(() => rmSync(dir, { recursive: true, force: true }));

async function runJson(args: string[]): Promise<{ code: number; json: Record<string, any>; err: string }> { // eslint-disable-line @typescript-eslint/no-explicit-any
  const io = bufferIO(dir);
  const code = await optimize([...args, '--json'], io);
  const out = io.stdout.join('');
  return { code, json: out ? JSON.parse(out) : {}, err: io.stderr.join('') };
}

test('fp16 and int8-dynamic write OUT + OUT.data, report model + data sizes and verify in onnxruntime', async () => {
  for (const [pass, ratio, cosine] of [['fp16', 0.5, 0.9999], ['int8-dynamic', 0.25, 0.999]] as const) {
    const out = `${pass}.onnx`;
    const r = await runJson([chain.path, '--passes', pass, '-o', out, '--verify', '--runs', '1']);
    assert.equal(r.code, 0, r.err);
    assert.equal(r.json['outputData'], `${out}.data`);
    const b = r.json['before'], a = r.json['after'];
    assert.equal(b.fileBytes, modelBytes);
    assert.equal(b.externalDataBytes, dataBytes);
    assert.equal(b.totalBytes, modelBytes + dataBytes);
    assert.equal(a.fileBytes, statSync(join(dir, out)).size);
    assert.equal(a.externalDataBytes, statSync(join(dir, `${out}.data`)).size);
    assert.ok(a.fileBytes < 4096, `${pass}: the protobuf holds no weights (${a.fileBytes} B)`);
    const got = a.totalBytes / b.totalBytes;
    assert.ok(Math.abs(got - ratio) < 0.01, `${pass}: size ratio ${got}, expected ≈ ${ratio}`);
    if (pass === 'fp16') assert.equal(a.params, b.params);
    assert.equal(r.json['verify'].ranOk, true);
    assert.ok(r.json['verify'].cosine > cosine, `${pass}: cosine ${r.json['verify'].cosine}`);
    assert.equal(r.json['verifyMemory'].fits, true);
  }
  // No scratch file is left beside the outputs.
  assert.deepEqual(readdirSync(dir).filter((f) => f.startsWith('.')), []);
});

test('analyze counts the external data', async () => {
  const io = bufferIO(dir);
  assert.equal(await analyze([chain.path, '--json'], io), 0, io.stderr.join(''));
  const r = JSON.parse(io.stdout.join(''));
  assert.equal(r.model.externalDataBytes, dataBytes);
  assert.equal(r.model.totalBytes, modelBytes + dataBytes);
});

test('the optimized model loads in onnx (an independent reader) with every weight from its data file', () => {
  const py = ['/usr/bin/python3', 'python3'].find((p) => spawnSync(p, ['-c', 'import onnx'], { encoding: 'utf8' }).status === 0);
  if (!py || !existsSync(join(dir, 'fp16.onnx'))) return;
  const r = spawnSync(py, ['-c', 'import sys, onnx; onnx.checker.check_model(sys.argv[1]); m = onnx.load(sys.argv[1]); print(sum(t.data_location == 1 for t in onnx.load(sys.argv[1], load_external_data=False).graph.initializer))', join(dir, 'fp16.onnx')], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(Number(r.stdout.trim()), 4);
});

test('a pass over the memory budget refuses before writing; --verify over it declines with the reason', async () => {
  const refused = await runJson([chain.path, '--passes', 'prune', '-o', 'pruned.onnx', '--memory-budget', '8M']);
  assert.equal(refused.code, 2);
  assert.match(refused.err, /prune holds each weight.*'W\d'.*over the memory budget of 8\.00 MiB/);
  assert.equal(existsSync(join(dir, 'pruned.onnx')), false);

  const declined = await runJson([chain.path, '--passes', 'fp16', '-o', 'declined.onnx', '--verify', '--memory-budget', '100M']);
  assert.equal(declined.code, 1);
  assert.equal(declined.json['verify'], undefined);
  assert.match(declined.json['verifyDeclined'], /onnxruntime opens both models.*over the memory budget of 100\.00 MiB/);
  assert.ok(existsSync(join(dir, 'declined.onnx')), 'the model is still written');
});

test('prune and int8-static run on external weights and keep them external; never writes one file', async () => {
  const r = await runJson([chain.path, '--passes', 'cleanup,prune', '--sparsity', '0.5', '-o', 'p.onnx', '--verify', '--runs', '1']);
  assert.equal(r.code, 0, r.err);
  assert.ok(r.json['after'].externalDataBytes > 0.9 * dataBytes);
  assert.equal(r.json['verify'].ranOk, true);
  const st = await runJson([chain.path, '--passes', 'int8-static', '-o', 'qdq.onnx', '--verify', '--runs', '1']);
  assert.equal(st.code, 0, st.err);
  assert.ok(Math.abs(st.json['after'].totalBytes / st.json['before'].totalBytes - 0.25) < 0.01);
  assert.ok(st.json['verify'].cosine > 0.99, `int8-static cosine ${st.json['verify'].cosine}`);
  const never = await runJson([chain.path, '--passes', 'fp16', '-o', 'inline.onnx', '--external-data', 'never']);
  assert.equal(never.code, 0, never.err);
  assert.equal(never.json['after'].externalDataBytes, 0);
  assert.equal(existsSync(join(dir, 'inline.onnx.data')), false);
  assert.ok(never.json['after'].fileBytes > dataBytes / 2);
});
