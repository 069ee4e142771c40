// Report rendering: analysis + estimate + advice → Markdown, HTML or JSON text (pure; callers write the file).

import { renderHtml } from './html';
import { renderJson } from './json';
import { renderMarkdown } from './markdown';
import type { ReportFormat, ReportInput } from './types';

export type { OpTypeRow, ReportFormat, ReportInput } from './types';
export { opTypeBreakdown, topNodes } from './breakdown';
export { boundedValue, fitRows, resourceValue, verdictText, type FitRow } from './rows';
export { escapeHtml, reportBody, reportTitle } from './html';
export { estimateSentence, evidenceText, partRange, rangedFigure } from './rangeText';
export { renderHtml, renderJson, renderMarkdown };

export function renderReport(input: ReportInput, format: ReportFormat): string {
  return format === 'markdown' ? renderMarkdown(input) : format === 'html' ? renderHtml(input) : renderJson(input);
}

/** The format a save path implies (.md/.markdown, .html/.htm, .json). */
export function formatForPath(path: string): ReportFormat | undefined {
  const ext = /\.([^./\\]+)$/.exec(path)?.[1]?.toLowerCase();
  return ext === 'md' || ext === 'markdown' ? 'markdown' : ext === 'html' || ext === 'htm' ? 'html' : ext === 'json' ? 'json' : undefined;
}
