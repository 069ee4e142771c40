// `resize-input`: gives graph inputs new dims (e.g. 224→160), re-infers every shape, and refuses — naming the node —
// where an op fixed to the old size makes the model invalid (a Reshape to constant dims, a Gemm/MatMul whose inner
// dims no longer meet, a constant operand that no longer broadcasts, a Concat whose other inputs no longer line up).

import type { Model, Node, Shape } from '../onnx/ir';
import { tensorElementCount } from '../onnx/ir';
import { inferShapes } from '../shapes';
import type { ValueFacts } from '../shapes/types';
import { catchLens, LensException, type Result } from '../result';
import { cloneModel, initializerMap, promoteInitializerInputs } from './graph';
import type { PassOptions, PassOutcome } from './types';

const BROADCASTING = new Set(['Add', 'Sub', 'Mul', 'Div', 'Pow', 'Max', 'Min', 'Equal', 'Less', 'Greater', 'Where', 'PRelu']);

export function resizeInput(model: Model, options: PassOptions = {}): Result<PassOutcome> {
  return catchLens(() => {
    const wanted = options.inputShapes ?? {};
    if (Object.keys(wanted).length === 0) throw new LensException('invalid-argument', 'resize-input needs the new dims: --input-shape NAME=DIMS', options.path);
    const m = cloneModel(model);
    const g = m.graph;
    promoteInitializerInputs(m);
    const changes: string[] = [];
    for (const [name, dims] of Object.entries(wanted)) {
      const input = g.inputs.find((v) => v.name === name);
      if (!input || input.type.kind !== 'tensor') throw new LensException('invalid-argument', `--input-shape names '${name}', which is not a graph input`, options.path);
      const old = input.type.shape;
      if (old && old.length !== dims.length) throw new LensException('invalid-argument', `input '${name}' has rank ${old.length}; ${dims.join('x')} has rank ${dims.length}`, options.path);
      input.type = { ...input.type, shape: [...dims] };
      changes.push(`${name}: ${(old ?? []).map((d) => d ?? '?').join('x')} → ${dims.join('x')}`);
    }
    // Every declared intermediate and output shape may be stale now; inference recomputes them. Declared element types
    // and quantization stay (a TFLite model's int8 activations are known only from them).
    g.valueInfo = g.valueInfo.flatMap((v) => (v.type.kind === 'tensor' && (v.type.elemType !== 'undefined' || v.quantization)
      ? [{ ...v, type: { kind: 'tensor' as const, elemType: v.type.elemType } }] : []));
    const shapes = inferShapes(m, { defaultBatch: 1 });
    const problem = findInvalid(m, shapes.values);
    if (problem) throw new LensException('unsupported', `cannot resize the input: ${problem}`, options.path);
    for (const o of g.outputs) {
      const f = shapes.values.get(o.name);
      if (o.type.kind === 'tensor' && f?.shape) o.type = { ...o.type, shape: f.shape.map((d) => (typeof d === 'number' ? d : d)) };
    }
    const outputsNow = g.outputs.map((o) => `${o.name}: ${describe(shapes.values.get(o.name)?.shape)}`);
    return { model: m, changed: true, details: { inputs: changes, outputs: outputsNow } };
  }, options.path);
}

function describe(s: Shape | undefined): string {
  return s ? s.map((d) => d ?? '?').join('x') : 'unknown';
}

function known(f: ValueFacts | undefined): number[] | undefined {
  return f?.shape && f.shape.every((d) => typeof d === 'number') ? (f.shape as number[]) : undefined;
}

function label(n: Node): string {
  return `${n.opType} '${n.name || n.outputs[0]}'`;
}

/** The first node the new dims break, as a sentence, or undefined. */
function findInvalid(m: Model, values: Map<string, ValueFacts>): string | undefined {
  const inits = initializerMap(m.graph);
  for (const n of m.graph.nodes) {
    if (n.domain !== '') continue;
    const s = (i: number) => known(values.get(n.inputs[i] ?? ''));
    if (n.opType === 'Reshape') {
      const x = s(0);
      const target = values.get(n.inputs[1] ?? '')?.value;
      if (x && target && !target.dims.some((d) => d === 0)) {
        const t = Array.from(target.data as ArrayLike<number>);
        if (!t.includes(-1) && !t.includes(0) && tensorElementCount(t) !== tensorElementCount(x)) {
          return `${label(n)} reshapes to fixed dims ${t.join('x')} (${tensorElementCount(t)} elements) but now receives ${x.join('x')}`;
        }
        if (t.includes(-1)) {
          const rest = t.filter((d) => d !== -1).reduce((a, b) => a * (b === 0 ? 1 : b), 1);
          if (rest > 0 && tensorElementCount(x) % rest !== 0) return `${label(n)} cannot split ${x.join('x')} into ${t.join('x')}`;
        }
      }
    }
    if (n.opType === 'Gemm' || n.opType === 'MatMul') {
      const a = s(0), b = s(1);
      if (a && b) {
        const ka = n.opType === 'Gemm' && n.attributes.some((x) => x.name === 'transA' && x.type === 'int' && x.value === 1) ? a[0] : a[a.length - 1];
        const transB = n.opType === 'Gemm' && n.attributes.some((x) => x.name === 'transB' && x.type === 'int' && x.value === 1);
        const kb = transB ? b[b.length - 1] : b[b.length - 2] ?? b[0];
        if (ka !== kb) return `${label(n)} multiplies ${a.join('x')} by ${b.join('x')}: inner dims ${ka} and ${kb} differ (a layer sized for the old input, e.g. Flatten→Gemm without global pooling)`;
      }
    }
    if (BROADCASTING.has(n.opType)) {
      const shapes = n.inputs.map((_, i) => s(i));
      if (shapes.every((x) => x) && n.inputs.some((i) => inits.has(i))) {
        const rank = Math.max(...shapes.map((x) => x!.length));
        for (let d = 1; d <= rank; d++) {
          const sizes = new Set(shapes.map((x) => x![x!.length - d] ?? 1).filter((v) => v !== 1));
          if (sizes.size > 1) return `${label(n)} combines ${shapes.map((x) => x!.join('x')).join(' and ')}, which no longer broadcast (a constant sized for the old input)`;
        }
      }
    }
    if (n.opType === 'Concat') {
      const axisAttr = n.attributes.find((x) => x.name === 'axis');
      const shapes = n.inputs.map((_, i) => s(i));
      if (axisAttr && axisAttr.type === 'int' && shapes.every((x) => x) && shapes.length > 1) {
        const rank = shapes[0]!.length;
        const axis = axisAttr.value < 0 ? axisAttr.value + rank : axisAttr.value;
        for (let d = 0; d < rank; d++) {
          if (d === axis) continue;
          if (new Set(shapes.map((x) => x![d])).size > 1) return `${label(n)} joins ${shapes.map((x) => x!.join('x')).join(', ')}, which no longer agree off axis ${axis}`;
        }
      }
    }
  }
  return undefined;
}
