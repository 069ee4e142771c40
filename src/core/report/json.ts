// The report as JSON: the analyze/estimate/advise contracts side by side plus the operator breakdown.

import { opTypeBreakdown } from './breakdown';
import type { ReportInput } from './types';

export function renderJson(input: ReportInput): string {
  const doc = {
    generator: 'aiot-lens',
    ...(input.generatedAt ? { generatedAt: input.generatedAt } : {}),
    analysis: input.analysis,
    ...(input.estimate ? { estimate: input.estimate } : {}),
    ...(input.advice ? { advice: input.advice } : {}),
    opTypes: opTypeBreakdown(input.analysis, input.estimate),
  };
  return `${JSON.stringify(doc, null, 2)}\n`;
}
