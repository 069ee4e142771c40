// Activation ranges for static quantization: runs the float model in onnxruntime-node with the wanted tensors
// exposed as extra outputs, over every calibration sample, and reduces them by MinMax or a percentile.

import type { Model } from '../onnx/ir';
import { encodeModel } from '../onnx/encode';
import { withInlineTensors } from '../onnx/save';
import { LensException } from '../result';
import { createSession, outputNumbers, toFeeds } from './ort';
import type { SampleSet } from './samples';

export interface Range { min: number; max: number }

export interface CalibrationOptions {
  method: 'minmax' | 'percentile';
  /** Upper percentile kept (e.g. 99.99); the lower bound uses 100 - percentile. */
  percentile?: number;
}

/** Values kept per tensor for the percentile method (strided sample), bounding memory on big activations. */
const PERCENTILE_KEEP = 1 << 18;

export async function calibrateRanges(model: Model, names: string[], set: SampleSet, options: CalibrationOptions): Promise<Map<string, Range>> {
  const existing = new Set(model.graph.outputs.map((o) => o.name));
  const extra = names.filter((n) => !existing.has(n)).map((name) => ({ name, type: { kind: 'tensor' as const, elemType: 'float' as const } }));
  const probe: Model = { ...model, graph: { ...model.graph, outputs: [...model.graph.outputs, ...extra] } };
  // The session is made from bytes: external weights (with their folder known to the tensors) are read in for it.
  const bytes = encodeModel(withInlineTensors(probe));
  if (!bytes.ok) throw new LensException(bytes.error.code, bytes.error.message);
  const session = await createSession(bytes.value, 'the model for calibration');
  const ranges = new Map<string, Range>();
  const kept = new Map<string, number[]>();
  try {
    for (const sample of set.samples) {
      const out = await session.run(toFeeds(sample));
      for (const name of names) {
        const t = out[name];
        if (!t) continue;
        const v = outputNumbers(t);
        let mn = Infinity, mx = -Infinity;
        for (let i = 0; i < v.length; i++) { const x = v[i]!; if (x < mn) mn = x; if (x > mx) mx = x; }
        const r = ranges.get(name);
        ranges.set(name, r ? { min: Math.min(r.min, mn), max: Math.max(r.max, mx) } : { min: mn, max: mx });
        if (options.method === 'percentile') {
          const list = kept.get(name) ?? [];
          const stride = Math.max(1, Math.ceil(v.length / (PERCENTILE_KEEP / set.samples.length)));
          for (let i = 0; i < v.length; i += stride) list.push(v[i]!);
          kept.set(name, list);
        }
      }
    }
  } finally {
    await session.release();
  }
  if (options.method === 'percentile') {
    const p = options.percentile ?? 99.99;
    for (const [name, list] of kept) {
      list.sort((a, b) => a - b);
      const at = (q: number) => list[Math.min(list.length - 1, Math.max(0, Math.round((q / 100) * (list.length - 1))))]!;
      ranges.set(name, { min: at(100 - p), max: at(p) });
    }
  }
  return ranges;
}
