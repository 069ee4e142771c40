// `patch`: patch-based inference (MCUNetV2) as a plain ONNX graph. The first N nodes, ending at a single tensor, are
// split into P×P overlapping spatial tiles: per tile, a Slice of the input, a copy of the prefix on the tile's region
// (the same weights by name, padding set per tile), crops where a tensor was computed over a larger region than a
// reader needs, and Concats that rebuild the prefix output under its own name, so the rest of the model is unchanged.
// N and P are chosen to minimise the patch plan's peak (src/core/memory/plans.ts) within `--max-overhead` extra MACs
// (default 0.15 of the model's). No weight is read: only their dims. The model records its views in its metadata, so
// the planner recognises it and a second run leaves it as it is.

import { costModel } from '../cost';
import { planActivations } from '../memory/kernels';
import { inPlacePlan, PATCH_ASSUMPTION, PATCH_KEY, patchedGraph, planWithViews, recordedViews, searchPatch } from '../memory/plans';
import { defaultOpset, type Model } from '../onnx/ir';
import { catchLens, LensException, type Result } from '../result';
import { cloneModel } from './graph';
import { inferFacts } from './facts';
import type { PassOptions, PassOutcome } from './types';

export function patch(model: Model, options: PassOptions = {}): Result<PassOutcome> {
  return catchLens(() => {
    const m = cloneModel(model);
    if (recordedViews(m)) {
      return { model: m, changed: false, details: { note: 'the model is already patched (its metadata records the patch views); patch the original model again to change the split' } };
    }
    const max = options.maxOverhead ?? 0.15;
    if (!(max >= 0)) throw new LensException('invalid-argument', `--max-overhead must be a fraction ≥ 0, got ${max}`);
    const shapes = inferFacts(m, options);
    const cost = costModel(m, shapes);
    const macs = new Map(cost.nodes.map((c) => [c.index, c.macs]));
    const plan = planActivations(m, shapes);
    const inPlace = inPlacePlan(plan, m, shapes);
    const found = searchPatch(m.graph, shapes.values, { maxOverhead: max, macsOf: (i) => macs.get(i) ?? 0, totalMacs: cost.totals.macs, order: plan.order, perTensorPeak: plan.peakActivationBytes, opset: defaultOpset(m.opsetImports) ?? 21 });
    const before = {
      peakActivationBytesBefore: plan.peakActivationBytes, arenaBytesBefore: plan.arenaBytes,
      inPlacePeakActivationBytesBefore: inPlace.peakActivationBytes,
    };
    if ('unavailable' in found) return { model: m, changed: false, details: { ...before, note: found.unavailable } };
    const b = found.build;
    m.graph = patchedGraph(m.graph, b);
    // Per-tensor, the patched graph holds every Slice and tile output as its own tensor (as onnxruntime runs it).
    const all = new Map([...shapes.values, ...b.values]);
    const perTensor = planWithViews(m.graph, all, { views: {}, joins: {} });
    m.metadataProps = [
      ...(m.metadataProps ?? []).filter((p) => p.key !== PATCH_KEY),
      { key: PATCH_KEY, value: JSON.stringify({ input: found.cut.input, ...b.summary, views: b.aliases.views, joins: b.aliases.joins }) },
    ];
    return {
      model: m, changed: true,
      details: {
        prefixNodes: b.summary.prefixNodes, prefixOutput: b.summary.output, grid: `${found.grid}x${found.grid}`,
        ...before,
        patchPeakActivationBytesAfter: found.figures.peakActivationBytes, patchArenaBytesAfter: found.figures.arenaBytes,
        perTensorPeakActivationBytesAfter: perTensor.peakActivationBytes,
        tileBufferBytes: b.summary.tileBufferBytes, prefixMacs: b.summary.prefixMacs, patchedPrefixMacs: b.summary.patchedPrefixMacs,
        macOverhead: b.summary.macOverhead, maxOverhead: max,
        assumption: PATCH_ASSUMPTION,
      },
    };
  }, options.path);
}
