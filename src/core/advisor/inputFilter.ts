// The advisor's "input filter" technique with measured figures: offered only when `aiot-lens filter --save-report`
// left MODEL.filter.json beside the model. The held-out skip ratio and the filter's cost (its exported ONNX estimated on
// the advisor's device) become an equivalent inference rate: the model runs on the kept share of inputs and the filter
// on every input, so compute and energy per second are the model's at rate × (kept share + filter latency / model latency).

import { existsSync } from 'node:fs';
import { analyzeModelFileSync } from '../analyze';
import { estimate, estimateInputOf } from '../estimate';
import { readFilterReport } from '../filter/reportFile';
import { periodMs } from './resources';
import type { Technique } from './techniques';

export const INPUT_FILTER: Technique = {
  id: 'input-filter', label: 'input filter (measured)', ruledOutBy: [],
  async propose(ctx) {
    const path = ctx.options.modelPath ?? ctx.analysis.path;
    if (!path) return undefined;
    const r = readFilterReport(path);
    if (!r) return undefined;
    const model = estimate(ctx.input, ctx.device);
    let filterMs: number | undefined;
    let basis: string;
    const onnx = (r as { filterPath?: string }).filterPath;
    if (onnx && existsSync(onnx)) {
      const fa = analyzeModelFileSync(onnx);
      if (fa.ok) filterMs = estimate(estimateInputOf(fa.value, ctx.device), ctx.device).latencyMs;
      basis = `the exported filter ${onnx} estimated on ${ctx.device.id}`;
    } else if (r.device === ctx.device.id) {
      filterMs = r.filter.latencyMs;
      basis = `the filter's cost on ${r.device} from the report`;
    } else {
      basis = `the filter's cost is known on ${r.device} only (save it with --out to cost it here)`;
    }
    if (filterMs === undefined || !(model.latencyMs > 0)) return undefined;
    const keep = 1 - r.heldOut.skipRatio;
    const rate = 1000 / periodMs(ctx.options).ms;
    const factor = keep + filterMs / model.latencyMs;
    const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
    return {
      technique: `input filter (measured: skips ${pct(r.heldOut.skipRatio)} of inputs at ${pct(r.heldOut.recall)} held-out recall, ${r.heldOut.count} held-out samples)`,
      module: 'sensor data', resources: ['compute', 'energy', 'communication'],
      command: (r as { command?: string }).command ?? `aiot-lens filter ${path} --samples DIR --device ${ctx.device.id}`,
      input: ctx.input,
      overrides: { fps: rate * factor },
      note: `model runs on ${pct(keep)} of inputs, the filter (${filterMs.toFixed(2)} ms: ${basis}) on all: as the model alone at ${(rate * factor).toPrecision(3)}/s; from ${path}.filter.json (${r.rule})`,
    };
  },
};
