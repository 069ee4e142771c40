// What a report is made of: the analysis, optionally the estimate on a device and the advisor's findings.

import type { Advice } from '../advisor/types';
import type { AnalysisReport } from '../analyze/report';
import type { EstimateReport } from '../estimate/types';

export type ReportFormat = 'markdown' | 'html' | 'json';

export interface ReportInput {
  analysis: AnalysisReport;
  estimate?: EstimateReport;
  advice?: Advice;
  /** ISO time stamp printed in the header; passed in so rendering stays a pure function. */
  generatedAt?: string;
}

/** One row of the per-operator-type breakdown (shared by the report and the charts). */
export interface OpTypeRow {
  opType: string;
  count: number;
  macs: number;
  params: number;
  weightBytes: number;
  /** Sum of the estimated latency of this type's nodes; undefined without an estimate. */
  latencyMs?: number;
}
