// Picking the activation plan an analysis reports (`--plan`, the `aiotLens.memoryPlan` setting): see
// docs/memory-plans.md. Without a pick, totals stay per-tensor and device figures use the device's runtime's plans.

import { plansFor, planUnusable, type PlanName } from '../memory/plans';
import type { Analysis } from './index';

/**
 * Adds the plans side by side to the analysis's report (`plans`) and, when a plan was picked, makes it the one the
 * totals and the device figures use. A plan that does not apply (patch on a model the patch pass has not written)
 * leaves the per-tensor totals and says why in a warning.
 */
export function applyPlan(a: Analysis, plan: PlanName | undefined, options: { previewPatch?: boolean } = {}): void {
  const plans = plansFor(a, options.previewPatch === undefined ? {} : { previewPatch: options.previewPatch || plan === 'patch' });
  let selected: PlanName = 'per-tensor';
  if (plan) {
    a.memoryPlan = plan;
    const f = plans[plan];
    const why = planUnusable(plans, plan);
    if (why || 'unavailable' in f) {
      a.report.warnings.push(`--plan ${plan}: ${why}; the totals are the per-tensor plan's`);
    } else {
      selected = plan;
      a.report.totals.peakActivationBytes = f.peakActivationBytes;
      a.report.totals.arenaBytes = f.arenaBytes;
    }
  }
  a.report.plans = { ...plans, selected };
}
