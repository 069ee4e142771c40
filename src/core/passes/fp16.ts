// `fp16`: stores weights and runs compute in float16 while the model's inputs and outputs stay float32 behind
// boundary Casts. Constants outside float16's range and block-listed ops stay float32, with Casts between regions.

import type { DType } from '../onnx/dtype';
import type { Graph, Model, Node, Tensor } from '../onnx/ir';
import { subgraphsOf } from '../onnx/ir';
import { catchLens, type Result } from '../result';
import {
  cloneModel, constantMap, graphOutputNames, NameGen, outerNamesUsed, promoteInitializerInputs, removeDeadNodes, removeUnusedInitializers,
  topoSort,
} from './graph';
import { FLOAT16_MAX } from './numeric';
import { forEachFloatChunk } from '../onnx/dataFile';
import { memorySink } from '../onnx/sink';
import { float32BitsToFloat16 } from '../onnx/tensor';
import { allowedTypes, schemaFor } from './schemas';
import { valueDtypes } from './facts';
import type { PassOptions, PassOutcome } from './types';

/** Ops kept in float32: index/box arithmetic that loses meaning in float16, random and shape-producing ops. */
export const FP16_BLOCK_LIST = [
  'NonMaxSuppression', 'TopK', 'RoiAlign', 'Range', 'CumSum', 'Resize', 'Upsample', 'RandomNormal', 'RandomUniform',
  'RandomNormalLike', 'RandomUniformLike', 'Multinomial', 'ReduceSumSquare', 'ReduceL2', 'ReduceLogSumExp', 'Cast',
  'CastLike', 'EyeLike', 'ConstantOfShape', 'Constant', 'STFT', 'DFT', 'If', 'Loop', 'Scan',
];

/** Half of float16's smallest subnormal: smaller magnitudes round to zero. */
const HALF_SUBNORMAL = 2 ** -25;

export function fp16(model: Model, options: PassOptions = {}): Result<PassOutcome> {
  return catchLens(() => {
    const m = cloneModel(model);
    const g = m.graph;
    promoteInitializerInputs(m);
    const block = new Set([...FP16_BLOCK_LIST, ...(options.fp16BlockList ?? [])]);
    const dtypes = valueDtypes(m);
    const consts = constantMap(g);
    const names = new NameGen(g);
    const details = {
      nodesInFloat16: 0, nodesKeptFloat32: 0, keptFloat32Ops: {} as Record<string, number>, weightsConverted: 0,
      weightsOutOfRange: [] as string[], underflowedToZero: 0, castsInserted: 0,
    };
    const isFloat = (name: string) => dtypes.get(name) === 'float';
    // Each float constant is converted once, when phase 1 first asks whether it fits float16: one streamed read checks
    // the range and writes the float16 copy to the sink together (a weight may be larger than memory). A weight out
    // of range is abandoned at the first such value.
    const sink = options.sink ?? memorySink;
    const converted = new Map<string, { tensor: Tensor; underflow: number } | null>();
    const convert = (name: string) => {
      if (converted.has(name)) return converted.get(name)!;
      const src = consts.get(name)!;
      const out = sink.begin(names.fresh(`${name}_fp16`), 'float16', src.dims);
      let fits = true, underflow = 0;
      let half = new Uint16Array(0);
      forEachFloatChunk(src, (_, v) => {
        if (!fits) return;
        if (half.length !== v.length) half = new Uint16Array(v.length); // reused: fresh buffers cost page faults
        const bits = new Uint32Array(v.buffer, v.byteOffset, v.length);
        for (let k = 0; k < v.length; k++) {
          const x = v[k]!;
          if (x > FLOAT16_MAX || x < -FLOAT16_MAX) { fits = false; return; }
          if (x !== 0 && x < HALF_SUBNORMAL && x > -HALF_SUBNORMAL) underflow++;
          half[k] = float32BitsToFloat16(bits[k]!);
        }
        out.write(new Uint8Array(half.buffer, 0, v.length * 2));
      }, options.modelDir);
      const entry = fits ? { tensor: out.end(), underflow } : null;
      if (!fits) { out.abort(); details.weightsOutOfRange.push(name); }
      converted.set(name, entry);
      return entry;
    };
    const constInRange = (name: string) => convert(name) !== null;

    // 1. Decide each node's mode and which of its slots switch to float16.
    // Values read inside subgraphs (If/Loop bodies) keep float32: the bodies are typed against it.
    const captured = new Set<string>();
    for (const n of g.nodes) for (const sg of subgraphsOf(n)) for (const name of outerNamesUsed(sg.graph)) captured.add(name);
    const halfInputs = new Map<Node, Set<number>>();
    const halfOutputs = new Map<Node, Set<number>>();
    for (const n of g.nodes) {
      const keep = () => { details.nodesKeptFloat32++; if (n.domain === '' && n.opType !== 'Constant') details.keptFloat32Ops[n.opType] = (details.keptFloat32Ops[n.opType] ?? 0) + 1; };
      if (n.domain !== '' || block.has(n.opType) || subgraphsOf(n).length > 0 || n.outputs.some((o) => captured.has(o))) { keep(); continue; }
      const s = schemaFor(m, n);
      if (!s) { keep(); continue; }
      const ins = new Set<number>(), outs = new Set<number>();
      const halfParams = new Set<string>();
      let ok = true;
      n.inputs.forEach((name, i) => {
        if (!name || !isFloat(name)) return;
        const a = allowedTypes(s, 'input', i);
        if (!a || !a.types.includes('float16') || !a.types.includes('float')) return;
        if (consts.has(name) && !constInRange(name)) ok = false;
        ins.add(i); halfParams.add(a.param);
      });
      n.outputs.forEach((name, i) => {
        if (!name || !isFloat(name)) return;
        const a = allowedTypes(s, 'output', i);
        if (!a || !a.types.includes('float16')) return;
        outs.add(i); halfParams.add(a.param);
      });
      // A type parameter shared by a float32-only slot would split; then the node stays float32.
      n.inputs.forEach((name, i) => {
        const a = allowedTypes(s, 'input', i);
        if (name && a && halfParams.has(a.param) && !ins.has(i) && isFloat(name)) ok = false;
      });
      if (!ok || (ins.size === 0 && outs.size === 0)) { keep(); continue; }
      halfInputs.set(n, ins); halfOutputs.set(n, outs);
      details.nodesInFloat16++;
    }

    // 2. Rewrite: what type each value now has, and Casts where a reader wants the other one.
    const valueType = new Map<string, DType>();
    for (const [n, outs] of halfOutputs) for (const i of outs) valueType.set(n.outputs[i]!, 'float16');
    const halfConst = new Map<string, string>();
    const castCache = new Map<string, string>();
    const newNodes: Node[] = [];
    const outputs = graphOutputNames(g);
    const halfTwin = new Map<string, string>();
    const castTo = (src: string, to: DType): string => {
      const key = `${src}|${to}`;
      let name = castCache.get(key);
      if (!name) {
        name = names.fresh(`${src}_${to === 'float16' ? 'fp16' : 'fp32'}`);
        newNodes.push({ name: names.fresh(`Cast_${name}`), opType: 'Cast', domain: '', inputs: [src], outputs: [name], attributes: [{ name: 'to', type: 'int', value: to === 'float16' ? 10 : 1 }] });
        details.castsInserted++;
        castCache.set(key, name);
      }
      return name;
    };
    for (const n of g.nodes) {
      const ins = halfInputs.get(n);
      n.inputs.forEach((name, i) => {
        if (!name || !isFloat(name)) return;
        const want: DType = ins?.has(i) ? 'float16' : 'float';
        const have = valueType.get(name) ?? 'float';
        if (want === have) return;
        const twin = halfTwin.get(name);
        if (want === 'float16' && twin) { n.inputs[i] = twin; return; }
        if (want === 'float16' && consts.has(name)) {
          let h = halfConst.get(name);
          if (!h) {
            // Phase 1 converted it when it put this node in float16.
            const c = convert(name)!;
            g.initializers.push(c.tensor);
            details.underflowedToZero += c.underflow;
            h = c.tensor.name;
            halfConst.set(name, h);
            details.weightsConverted++;
          }
          n.inputs[i] = h;
          return;
        }
        n.inputs[i] = castTo(name, want);
      });
      newNodes.push(n);
      const outs = halfOutputs.get(n);
      if (outs) {
        for (const i of outs) {
          const o = n.outputs[i]!;
          if (!outputs.has(o)) continue;
          // Graph outputs keep their name and float32 type: the node writes a float16 twin, a Cast restores it.
          const twin = names.fresh(`${o}_fp16`);
          n.outputs[i] = twin;
          valueType.set(twin, 'float16');
          newNodes.push({ name: names.fresh(`Cast_${o}`), opType: 'Cast', domain: '', inputs: [twin], outputs: [o], attributes: [{ name: 'to', type: 'int', value: 1 }] });
          details.castsInserted++;
          valueType.set(o, 'float');
          halfTwin.set(o, twin);
        }
      }
    }
    g.nodes = newNodes;
    retypeValueInfo(g, valueType);
    g.nodes = topoSort(g);
    removeDeadNodes(g);
    removeUnusedInitializers(g);
    return { model: m, changed: details.nodesInFloat16 > 0, details };
  }, options.path);
}

function retypeValueInfo(g: Graph, valueType: Map<string, DType>): void {
  for (const v of g.valueInfo) {
    const t = valueType.get(v.name);
    if (t && v.type.kind === 'tensor') v.type = { ...v.type, elemType: t };
  }
}
