// `--plan per-tensor|in-place|patch` for analyze, check and advise: the activation plan the figures use
// (docs/memory-plans.md). Without it, analyze's totals stay per-tensor and device figures use the plans the device's
// runtime executes (DeviceProfile.memoryPlans, per-tensor by default).

import type { Analysis } from '../core/analyze';
import { formatBytes } from '../core/format';
import { isPlanName, PLAN_NAMES, type PlanName } from '../core/memory/plans';
export { applyPlan } from '../core/analyze/plan';
import { err, ok, type Result } from '../core/result';

export const PLAN_HELP = `  --plan P                 activation plan for the figures: per-tensor (TFLite Micro's arena), in-place or patch
                           (TinyEngine-like runtimes; docs/memory-plans.md); default: what the device's runtime runs
`;

export function parsePlan(value: unknown): Result<PlanName | undefined> {
  if (value === undefined) return ok(undefined);
  const v = String(value);
  return isPlanName(v) ? ok(v) : err('invalid-argument', `--plan expects ${PLAN_NAMES.join(', ')}, got '${v}'`);
}

/** One line per plan for the human-readable report. */
export function humanPlans(a: Analysis): string[] {
  const p = a.report.plans;
  if (!p) return [];
  const base = p['per-tensor'].peakActivationBytes;
  const x = (b: number) => (b <= 0 || base <= 0 ? '' : b < base ? ` (${(base / b).toFixed(2)}× lower)` : b === base ? ' (as per-tensor)' : ' (above per-tensor)');
  const mark = (n: PlanName) => (p.selected === n ? '*' : ' ');
  const lines = [
    `  plans      ${mark('per-tensor')} per-tensor peak ${formatBytes(p['per-tensor'].peakActivationBytes)}, arena ${formatBytes(p['per-tensor'].arenaBytes)} (TFLite Micro's greedy arena)`,
    `             ${mark('in-place')} in-place   peak ${formatBytes(p['in-place'].peakActivationBytes)}${x(p['in-place'].peakActivationBytes)}: ${p['in-place'].inPlaceNodes} elementwise and ${p['in-place'].depthwiseNodes} depthwise nodes write over their input`,
  ];
  const q = p.patch;
  if ('unavailable' in q) lines.push(`             ${mark('patch')} patch      unavailable: ${q.unavailable}`);
  else {
    lines.push(`             ${mark('patch')} patch      peak ${formatBytes(q.peakActivationBytes)}${x(q.peakActivationBytes)}: ${q.split.prefixNodes} nodes to '${q.split.output}' on ${q.split.grid}x${q.split.grid} tiles, ` +
      `per-tile buffers ${formatBytes(q.split.tileBufferBytes)}, +${(100 * q.split.macOverhead).toFixed(1)}% MACs${q.applied ? ' (the model is patched)' : ` (optimize --passes patch)`}`);
  }
  return lines;
}
