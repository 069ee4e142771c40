// The catalog JSON files as `npm run fit:devices` writes them: every device profile's `fit` recomputed from the evidence
// base (existing fit blocks are ignored, so the result does not depend on the previous fit).

import { join } from 'node:path';
import { BUILT_IN_PROFILES } from '../../devices/catalog';
import { evidencePoints, loadEvidence } from '../../devices/evidence';
import { expandRuntimes } from '../../devices/runtimes';
import { isLink, type DeviceFit, type DeviceProfile } from '../../devices/types';
import { validateProfile } from '../../devices/validate';
import { fitCatalog, RANGE_LEVEL, sig, type CatalogFit } from './catalog';
import { evidenceFeatures } from './evidenceFeatures';

export interface FitSummary {
  /** Interval spread for a profile with no fit at all (a user profile never calibrated): the widest family's new-board spread. */
  noEvidenceLogSpread: number;
  rangeLevel: number;
}

/** Fresh fits for the built-in catalog: file path → new text, the summary file, and the fit itself. */
export function catalogFitFiles(root: string): { files: Map<string, string>; summary: FitSummary; fit: CatalogFit } {
  const stripped = BUILT_IN_PROFILES.map(({ file, json }) => ({ file, json: withoutFits(json) }));
  const profiles: DeviceProfile[] = [];
  for (const { file, json } of stripped) {
    const r = validateProfile(json, `${file}.json`);
    if (!r.ok) throw new Error(r.error.message);
    if (isLink(r.value)) continue;
    const list = expandRuntimes(r.value);
    if (typeof list === 'string') throw new Error(`${file}.json: ${list}`);
    profiles.push(...list);
  }
  const ev = loadEvidence({ boards: profiles.map((p) => p.board ?? p.id) });
  if (!ev.ok) throw new Error(ev.error.message);
  const fit = fitCatalog(profiles, evidencePoints(ev.value), { featuresOf: evidenceFeatures(root) });
  const byId = new Map(fit.profiles.map((p) => [p.profile.id, p.fit]));
  const files = new Map<string, string>();
  for (const { file, json } of stripped) {
    const j = json as Record<string, unknown>;
    if (j['class'] === 'link') continue;
    const out: Record<string, unknown> = { ...j };
    const runtimes = j['runtimes'] as Record<string, Record<string, unknown>> | undefined;
    if (runtimes) {
      const def = (j['runtime'] as string | undefined) ?? Object.keys(runtimes)[0]!;
      out['runtimes'] = Object.fromEntries(Object.entries(runtimes).map(([rt, e]) => {
        const f = byId.get(rt === def ? (j['id'] as string) : `${j['id'] as string}@${rt}`);
        return [rt, { ...e, ...(f ? { fit: f } : {}) }];
      }));
    } else {
      const f = byId.get(j['id'] as string);
      if (f) out['fit'] = f;
    }
    files.set(join(root, 'src/core/devices/catalog', `${file}.json`), JSON.stringify(out, null, 2) + '\n');
  }
  const summary: FitSummary = { noEvidenceLogSpread: sig(fit.noEvidenceLogSpread), rangeLevel: RANGE_LEVEL };
  files.set(join(root, 'src/core/estimate/fit/summary.json'), JSON.stringify(summary, null, 2) + '\n');
  return { files, summary, fit };
}

function withoutFits(json: unknown): unknown {
  const j = { ...(json as Record<string, unknown>) };
  delete j['fit'];
  const runtimes = j['runtimes'] as Record<string, Record<string, unknown>> | undefined;
  if (runtimes) {
    j['runtimes'] = Object.fromEntries(Object.entries(runtimes).map(([rt, e]) => {
      const { fit: _f, ...rest } = e as { fit?: DeviceFit };
      return [rt, rest];
    }));
  }
  return j;
}
