// Where a filter report lives beside its model (`<model>.filter.json`), and reading it back for the advisor.

import { existsSync, readFileSync } from 'node:fs';
import type { FilterReport } from './filter';

export function reportPathFor(modelPath: string): string {
  return `${modelPath}.filter.json`;
}

/** The report beside the model, or undefined when there is none or it is not a filter report. */
export function readFilterReport(modelPath: string): FilterReport | undefined {
  const p = reportPathFor(modelPath);
  if (!existsSync(p)) return undefined;
  try {
    const r = JSON.parse(readFileSync(p, 'utf8')) as FilterReport;
    return r && typeof r === 'object' && r.heldOut && r.whatif && r.filter ? r : undefined;
  } catch {
    return undefined;
  }
}
