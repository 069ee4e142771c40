// The verification thresholds every verifying command takes (optimize --verify, split --out-dir): flags, parsing,
// and their lines in --help.

import { DEFAULT_THRESHOLDS, type VerifyThresholds } from '../core/verify/agreement';
import { err, ok, type Result } from '../core/result';
import type { Options, Parsed } from './args';

export const THRESHOLD_OPTIONS: Options = {
  'max-rel-error': { type: 'string' }, 'min-snr-db': { type: 'string' }, 'min-cosine': { type: 'string' }, 'min-top1': { type: 'string' },
};

const d = DEFAULT_THRESHOLDS;
export const THRESHOLD_HELP = `  --max-rel-error X        verdict: largest accepted max |Δ| / max |ref| per output (default ${d.maxRelativeError})
  --min-snr-db X           verdict: smallest accepted signal-to-noise ratio per output in dB (default ${d.minSnrDb})
  --min-cosine X           verdict: smallest accepted mean cosine similarity (default ${d.minCosine})
  --min-top1 X             verdict: smallest accepted top-1 agreement, 0..1 or a percentage (default ${d.minTop1Agreement})
`;

/** Thresholds from the flags, defaults for the rest; a malformed value is a usage error. */
export function parseThresholds(values: Parsed['values']): Result<VerifyThresholds> {
  const t = { ...DEFAULT_THRESHOLDS };
  const fields: [string, keyof VerifyThresholds][] = [['max-rel-error', 'maxRelativeError'], ['min-snr-db', 'minSnrDb'], ['min-cosine', 'minCosine'], ['min-top1', 'minTop1Agreement']];
  for (const [flag, key] of fields) {
    const raw = values[flag];
    if (raw === undefined) continue;
    const text = String(raw).trim();
    const percent = text.endsWith('%');
    const n = Number(percent ? text.slice(0, -1) : text);
    if (text === '' || !Number.isFinite(n)) return err('invalid-argument', `--${flag} expects a number, got '${text}'`);
    const v = percent ? n / 100 : n;
    if (key === 'maxRelativeError' && v < 0) return err('invalid-argument', `--${flag} must be at least 0, got '${text}'`);
    if ((key === 'minCosine') && (v < -1 || v > 1)) return err('invalid-argument', `--${flag} must be between -1 and 1, got '${text}'`);
    if (key === 'minTop1Agreement' && (v < 0 || v > 1)) return err('invalid-argument', `--${flag} must be between 0 and 1 (or 0% and 100%), got '${text}'`);
    t[key] = v;
  }
  return ok(t);
}
