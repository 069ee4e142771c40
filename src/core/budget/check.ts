// The CI budget gate: one verdict per resource for a model on a device against a budget.

import type { Analysis } from '../analyze';
import { resourcesOf, periodMs } from '../advisor/resources';
import type { Budget, ResourceDemand } from '../advisor/types';
import type { DeviceProfile, LinkProfile } from '../devices/types';
import { estimate } from '../estimate/estimate';
import { estimateInputOf, toReport } from '../estimate/report';

export interface CheckResult {
  model: string;
  device: string;
  resources: ResourceDemand[];
  /**
   * True when every resource with a budget fits (and the device runs the model's dtypes). A resource whose demand is
   * a bound that cannot decide (unknown shapes) does not pass: pin the inputs.
   */
  pass: boolean;
  /** The analysis's warnings (unknown shapes, …) and the estimate's bound warnings. */
  warnings: string[];
}

export function checkModel(analysis: Analysis, model: string, device: DeviceProfile, budget: Budget, link?: LinkProfile): CheckResult {
  const input = estimateInputOf(analysis, device);
  const e = estimate(input, device, { periodMs: periodMs(budget).ms, ...(budget.latencyMs ? { deadlineMs: budget.latencyMs } : {}) });
  const resources = resourcesOf(e, input, device, budget, link);
  // The rows carry which figures are bounds; the analysis's warnings say why (unknown shapes, …).
  const warnings = [...analysis.report.warnings];
  for (const w of toReport(e).warnings) if (!warnings.includes(w) && !/ bound \(/.test(w)) warnings.push(w);
  return { model, device: device.id, resources, pass: resources.every((r) => r.fits), warnings };
}
