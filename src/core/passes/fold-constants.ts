// `fold-constants`: replaces every node whose outputs shape inference can compute at analysis time (shape
// arithmetic, Constant→Transpose of weights, ...) by initializers, and turns Constant nodes into initializers.
// Facts that rest on assumed input dims are not used: inference runs without a default batch or pinned shapes.

import type { Model, Tensor } from '../onnx/ir';
import { subgraphsOf, tensorElementCount } from '../onnx/ir';
import { makeTensor } from '../onnx/tensor';
import { dtypeByteSize } from '../onnx/dtype';
import { inferShapes } from '../shapes';
import type { KnownValue } from '../shapes/types';
import { catchLens, type Result } from '../result';
import { cloneModel, constantNodeTensor, graphOutputNames, promoteInitializerInputs, removeDeadNodes, removeUnusedInitializers } from './graph';
import { emit } from './numeric';
import type { PassOptions, PassOutcome } from './types';

/** Ops whose result must not be frozen even when their inputs are known. */
const NEVER_FOLD = new Set(['RandomNormal', 'RandomUniform', 'RandomNormalLike', 'RandomUniformLike', 'Multinomial', 'Bernoulli', 'If', 'Loop', 'Scan']);

/** Largest folded tensor (elements): big enough for transposed weight matrices. */
const MAX_FOLD_ELEMENTS = 1 << 22;

export function foldConstants(model: Model, options: PassOptions = {}): Result<PassOutcome> {
  return catchLens(() => {
    const m = cloneModel(model);
    const g = m.graph;
    const promoted = promoteInitializerInputs(m);
    const shapes = inferShapes(m, { maxFoldElements: MAX_FOLD_ELEMENTS });
    const outputs = graphOutputNames(g);
    const details = { nodesFolded: 0, keptToLimitGrowth: 0, constantNodesToInitializers: 0, foldedOps: {} as Record<string, number>, initializerInputsPromoted: promoted };
    const keep = [];
    const added: Tensor[] = [];
    for (const n of g.nodes) {
      if (n.opType === 'Constant' && n.domain === '') {
        const t = constantNodeTensor(n);
        if (t && !outputs.has(t.name)) { added.push(t); details.constantNodesToInitializers++; continue; }
        keep.push(n);
        continue;
      }
      const outs = n.outputs.filter((o) => o !== '');
      const foldable = n.domain === '' && !NEVER_FOLD.has(n.opType) && subgraphsOf(n).length === 0 && outs.length > 0 &&
        outs.every((o) => !outputs.has(o) && knownTensor(shapes.values.get(o)?.value) !== undefined);
      if (!foldable) { keep.push(n); continue; }
      // A node that expands small constants into a big one (ConstantOfShape, Expand, Tile) stays: storing its result
      // would grow the file (onnxsim has the same trade-off and a size limit).
      const outBytes = outs.reduce((a, o) => a + valueBytes(shapes.values.get(o)!.value!), 0);
      const inBytes = n.inputs.filter(Boolean).reduce((a, i) => a + (shapes.values.get(i)?.value ? valueBytes(shapes.values.get(i)!.value!) : 0), 0);
      if (outBytes > GROWTH_FLOOR_BYTES && outBytes > 2 * inBytes) { keep.push(n); details.keptToLimitGrowth++; continue; }
      for (const o of outs) added.push(knownTensor(shapes.values.get(o)!.value, o)!);
      details.nodesFolded++;
      details.foldedOps[n.opType] = (details.foldedOps[n.opType] ?? 0) + 1;
    }
    g.nodes = keep;
    g.initializers.push(...added.map((t) => emit(options, t)));
    removeDeadNodes(g);
    removeUnusedInitializers(g);
    return { model: m, changed: details.nodesFolded + details.constantNodesToInitializers + promoted > 0, details };
  }, options.path);
}

/** Results up to this size are always stored, whatever they expand from. */
const GROWTH_FLOOR_BYTES = 4096;

function valueBytes(v: KnownValue): number {
  return v.dtype === 'string' ? 0 : dtypeByteSize(v.dtype, tensorElementCount(v.dims));
}

function knownTensor(v: KnownValue | undefined, name = ''): Tensor | undefined {
  if (!v || v.dtype === 'undefined' || tensorElementCount(v.dims) > MAX_FOLD_ELEMENTS) return undefined;
  if (v.dtype !== 'string' && Array.from(v.data as ArrayLike<unknown>).some((x) => typeof x !== 'number')) return undefined;
  try {
    return makeTensor(name, v.dtype, v.dims, v.data as ArrayLike<number> | string[]);
  } catch {
    return undefined;
  }
}
