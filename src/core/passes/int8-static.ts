// `int8-static`: QDQ quantization — int8 per-channel weights, int32 biases and uint8 activations whose ranges come
// from running the float model on calibration inputs (a folder of .npy/.pb files, or seeded random inputs).

import type { Model, Node, Tensor } from '../onnx/ir';
import { defaultOpset } from '../onnx/ir';
import { catchLensAsync, LensException, type Result } from '../result';
import { calibrateRanges } from '../verify/calibrate';
import { folderSamples, randomSamples } from '../verify/samples';
import { valueDtypes } from './facts';
import {
  cloneModel, constantMap, graphOutputNames, NameGen, producerMap, promoteInitializerInputs, removeDeadNodes,
  removeUnusedInitializers, topoSort,
} from './graph';
import { attrInt } from '../onnx/ir';
import { emit, float32Tensor, readFloat32, uint8Tensor } from './numeric';
import { activationParams, quantizeBias, quantizeWeightStreamed } from './quantize';
import { memorySink } from '../onnx/sink';
import type { PassOptions, PassOutcome } from './types';

/** Ops whose float activations get Q/DQ pairs (ORT fuses DQ→op→Q around these into integer kernels). */
const ACTIVATION_OPS = new Set([
  'Conv', 'Gemm', 'MatMul', 'Add', 'Mul', 'Relu', 'Clip', 'MaxPool', 'AveragePool', 'GlobalAveragePool', 'Concat',
  'Flatten', 'Sigmoid', 'LeakyRelu',
]);

export async function int8Static(model: Model, options: PassOptions = {}): Promise<Result<PassOutcome>> {
  return catchLensAsync(async () => {
    const opset = defaultOpset(model.opsetImports) ?? 0;
    if (opset < 10) {
      throw new LensException('unsupported', `int8-static needs opset 10 or later for QuantizeLinear/DequantizeLinear; this model uses opset ${opset}`, options.path);
    }
    const perChannel = opset >= 13;
    const m = cloneModel(model);
    const g = m.graph;
    promoteInitializerInputs(m);
    const dtypes = valueDtypes(m);
    const consts = constantMap(g);
    const graphOutputs = graphOutputNames(g);
    const names = new NameGen(g);

    // 1. Activations to quantize: float, non-constant values read or written by an activation op.
    const targets = new Set<string>();
    for (const n of g.nodes) {
      if (n.domain !== '' || !ACTIVATION_OPS.has(n.opType)) continue;
      const dataInputs = n.opType === 'Clip' ? n.inputs.slice(0, 1) : n.inputs;
      for (const v of [...dataInputs, ...n.outputs]) {
        if (v && !consts.has(v) && !graphOutputs.has(v) && dtypes.get(v) === 'float') targets.add(v);
      }
    }

    // 2. Calibrate on the original model.
    const samples = options.structureOnly ? { samples: [], source: 'random' as const }
      : options.calibrationDir
      ? folderSamples(model, options.calibrationDir)
      : randomSamples(model, options.calibrationSamples ?? 8, options.seed ?? 1, options.inputShapes, options.inputValues);
    const method = options.calibrationMethod ?? 'minmax';
    const ranges = options.structureOnly
      ? new Map([...targets].map((t) => [t, { min: -1, max: 1 }]))
      : await calibrateRanges(model, [...targets], samples, { method, percentile: options.percentile });
    const actScale = new Map<string, number>();
    const scaleName = new Map<string, string>();

    // 3. Weights and biases: int8 per-channel weights, int32 biases where the input scale is known.
    const details = {
      calibration: samples.source === 'random'
        ? `${samples.samples.length} seeded random inputs (seed ${options.seed ?? 1}): no calibration folder was given, so activation ranges reflect random data, not real inputs`
        : `${samples.samples.length} samples from ${samples.source}`,
      method: method === 'percentile' ? `percentile ${options.percentile ?? 99.99}` : 'minmax',
      perChannelWeights: perChannel,
      activationsQuantized: 0, weightsQuantized: 0, biasesQuantized: 0,
    };
    const added: Tensor[] = [];
    // Generated names stay short (value name + suffix): on a 200-node CNN they otherwise add ~3% to the file.
    const dq = (input: string, scale: string, zp: string | undefined, out: string, axis?: number): Node => ({
      name: names.fresh(`${out}_DQ`), opType: 'DequantizeLinear', domain: '', inputs: zp ? [input, scale, zp] : [input, scale], outputs: [out],
      attributes: axis === undefined ? [] : [{ name: 'axis', type: 'int', value: axis }],
    });
    const before = new Map<Node, Node[]>();
    const after = new Map<string, Node[]>();
    for (const [name, r] of ranges) {
      if (!Number.isFinite(r.min) || !Number.isFinite(r.max)) continue;
      const { scale, zeroPoint } = activationParams(r.min, r.max);
      actScale.set(name, scale);
      const s = names.fresh(`${name}_s`), z = names.fresh(`${name}_z`);
      scaleName.set(name, s);
      const qn = names.fresh(`${name}_q`), dn = names.fresh(`${name}_dq`);
      added.push(float32Tensor(s, [], [scale]), uint8Tensor(z, [], [zeroPoint]));
      after.set(name, [
        { name: names.fresh(`${name}_Q`), opType: 'QuantizeLinear', domain: '', inputs: [name, s, z], outputs: [qn], attributes: [] },
        dq(qn, s, z, dn),
      ]);
      details.activationsQuantized++;
    }
    for (const n of g.nodes) {
      if (n.domain !== '' || !['Conv', 'Gemm', 'MatMul'].includes(n.opType)) continue;
      const w = consts.get(n.inputs[1] ?? '');
      if (!w || w.dtype !== 'float') continue;
      let axis: number | undefined;
      if (n.opType === 'Conv') axis = 0;
      else if (n.opType === 'Gemm') { if (w.dims.length !== 2 || attrInt(n, 'transA', 0) !== 0) continue; axis = attrInt(n, 'transB', 0) ? 0 : 1; }
      else axis = w.dims.length === 2 ? 1 : undefined;
      if (!perChannel) axis = undefined;
      const wn = n.inputs[1]!;
      const tn = { q: names.fresh(`${wn}_q`), scale: names.fresh(`${wn}_s`) };
      names.fresh(`${wn}_z`); // reserved as before, so generated names stay the same
      // Streamed: the float weight is read a chunk at a time and its int8 values go to the pass's sink.
      const q = quantizeWeightStreamed(w, axis, tn.q, options.sink ?? memorySink, options.modelDir);
      const t = { q: q.q, scale: float32Tensor(tn.scale, axis === undefined ? [] : [q.scales.length], q.scales) };
      // Symmetric weights: the int8 zero point is 0, DequantizeLinear's default, so it is not stored.
      added.push(t.q, emit(options, t.scale));
      const wOut = names.fresh(`${wn}_dq`);
      const pre: Node[] = [dq(t.q.name, t.scale.name, undefined, wOut, axis)];
      n.inputs[1] = wOut;
      details.weightsQuantized++;
      const inScale = actScale.get(n.inputs[0]!);
      const bName = n.inputs[2];
      const b = bName ? consts.get(bName) : undefined;
      const channels = axis === undefined ? undefined : w.dims[axis]!;
      const biasOk = b && b.dtype === 'float' && b.dims.length === 1 && (n.opType !== 'Gemm' || attrFloatIs1(n));
      if (inScale !== undefined && b && biasOk && (channels === undefined || b.dims[0] === channels)) {
        const bq = quantizeBias(readFloat32(b, options.modelDir), inScale, q.scales, { q: names.fresh(`${bName}_q`), scale: names.fresh(`${bName}_s`) });
        added.push(emit(options, bq.q));
        // The bias scale is input scale × weight scales: a Mul of two stored scales (ORT folds it at load) instead
        // of a third per-channel float tensor in the file.
        const inScaleName = scaleName.get(n.inputs[0]!)!;
        pre.push({ name: names.fresh(`${bq.scale.name}_Mul`), opType: 'Mul', domain: '', inputs: [inScaleName, t.scale.name], outputs: [bq.scale.name], attributes: [] });
        const bOut = names.fresh(`${bName}_dq`);
        pre.push(dq(bq.q.name, bq.scale.name, undefined, bOut, perChannel ? 0 : undefined));
        n.inputs[2] = bOut;
        details.biasesQuantized++;
      }
      before.set(n, pre);
    }

    // 4. Splice: activation Q/DQ right after the producer, consumers read the dequantized name.
    const dqName = new Map<string, string>();
    for (const [name, pair] of after) dqName.set(name, pair[1]!.outputs[0]!);
    for (const n of g.nodes) n.inputs = n.inputs.map((i) => dqName.get(i) ?? i);
    const producers = producerMap(g);
    const nodes: Node[] = [];
    for (const [name, pair] of after) if (!producers.has(name)) nodes.push(...pair);
    for (const n of g.nodes) {
      nodes.push(...(before.get(n) ?? []), n);
      for (const o of n.outputs) nodes.push(...(after.get(o) ?? []));
    }
    g.nodes = nodes;
    g.initializers.push(...added);
    g.nodes = topoSort(g);
    removeDeadNodes(g);
    removeUnusedInitializers(g);
    return { model: m, changed: details.weightsQuantized + details.activationsQuantized > 0, details };
  }, options.path);
}

function attrFloatIs1(n: Node): boolean {
  const a = n.attributes.find((x) => x.name === 'beta');
  return !a || (a.type === 'float' && a.value === 1);
}
