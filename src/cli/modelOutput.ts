// Flags and wording every command that writes a model shares: --external-data, --memory-budget, and how a model's
// size on disk (protobuf + external data) is printed.

import { totalmem } from 'node:os';
import { EXTERNAL_DATA_MODES, type ExternalDataMode } from '../core/onnx/save';
import { formatBytes } from '../core/format';
import { err, ok, type Result } from '../core/result';
import { parseByteSize } from './args';

export const EXTERNAL_DATA_HELP = `  --external-data MODE     auto (default): weights go to OUT.data beside OUT when the input had external data
                           or they would not fit one 2 GiB protobuf; always: every initializer of 1 KiB or more
                           goes there (onnx's threshold); never: one self-contained file (refused over 2 GiB)
`;

export const MEMORY_BUDGET_HELP = `  --memory-budget SIZE     most memory a pass or verification may hold (e.g. 4G; default half of this machine's)
`;

export function parseExternalData(value: unknown): Result<ExternalDataMode> {
  if (value === undefined) return ok('auto');
  const v = String(value);
  if ((EXTERNAL_DATA_MODES as readonly string[]).includes(v)) return ok(v as ExternalDataMode);
  return err('invalid-argument', `--external-data expects ${EXTERNAL_DATA_MODES.join(', ')}, got '${v}'`);
}

/** Half of this machine's memory: what a pass or onnxruntime may hold unless --memory-budget says otherwise. */
export function defaultMemoryBudgetBytes(): number {
  return Math.floor(totalmem() / 2);
}

export function parseMemoryBudget(value: unknown): Result<number> {
  const r = parseByteSize('memory-budget', value);
  if (!r.ok) return r;
  return ok(r.value ?? defaultMemoryBudgetBytes());
}

export interface DiskSize {
  /** The .onnx protobuf. */
  fileBytes: number;
  /** Its external-data file(s). */
  externalDataBytes: number;
  totalBytes: number;
}

/** "1.73 GiB (model 1.2 KiB + data 1.73 GiB)", or just the size when there is no external data. */
export function formatDiskSize(s: DiskSize): string {
  return s.externalDataBytes > 0
    ? `${formatBytes(s.totalBytes)} (model ${formatBytes(s.fileBytes)} + data ${formatBytes(s.externalDataBytes)})`
    : formatBytes(s.totalBytes);
}
