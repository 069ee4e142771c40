// Features of the evidence base's equivalent models: each file analysed once, then timed at the roof per profile.

import { join } from 'node:path';
import { analyzeModelFileSync, type Analysis } from '../../analyze';
import type { DeviceProfile } from '../../devices/types';
import type { SourcedPoint } from '../../devices/evidence';
import { estimateInputOf } from '../report';
import { fitFeatures } from './features';
import type { FitFeatures } from './model';

/** A featuresOf for fitCatalog reading model files relative to `root` (the repository). */
export function evidenceFeatures(root: string): (point: Pick<SourcedPoint, 'model' | 'arena'>, profile: DeviceProfile) => FitFeatures {
  const analyses = new Map<string, Analysis>();
  const features = new Map<string, FitFeatures>();
  return (point, profile) => {
    const file = point.model.file;
    // A measurement with its arena in PSRAM moved activations at the PSRAM's bandwidth (no cache shortcut).
    const psram = point.arena === 'psram' && profile.psramBandwidthBytesPerSecond !== undefined;
    const timed: DeviceProfile = psram ? { ...profile, memoryBandwidthBytesPerSecond: profile.psramBandwidthBytesPerSecond!, cache: undefined } : profile;
    const key = `${file}|${profile.id}|${psram ? 'psram' : 'internal'}`;
    const hit = features.get(key);
    if (hit) return hit;
    let a = analyses.get(file);
    if (!a) {
      const r = analyzeModelFileSync(join(root, file));
      if (!r.ok) throw new Error(`${file}: ${r.error.message}`); // the evidence tests hold every model analysable
      a = r.value;
      analyses.set(file, a);
    }
    const f = fitFeatures(estimateInputOf(a, timed), timed);
    features.set(key, f);
    return f;
  };
}
