// npm run bench:devices — how well the fitted device profiles predict published on-device measurements they never saw.
// Per board × runtime profile: evidence points, median and worst leave-one-out |error| for latency (and energy), and
// the share of held-out points inside the 80% interval they would have carried; then the overall figures, the points
// outside ±35% with their profile, the ESP32-S3 person-detection check, and every excluded point with its reason.
//
//   node --import tsx bench/devices.ts [--json]

import { join } from 'node:path';
import { analyzeModelFileSync } from '../src/core/analyze';
import { getDevice, loadProfiles } from '../src/core/devices';
import { estimate, estimateInputOf } from '../src/core/estimate';
import { median } from '../src/core/estimate/fit';
import { catalogFitFiles } from '../src/core/estimate/fit/catalogFiles';
import { fitCatalog } from '../src/core/estimate/fit/catalog';
import { evidenceFeatures } from '../src/core/estimate/fit/evidenceFeatures';
import { evidencePoints, loadEvidence } from '../src/core/devices/evidence';
import { readFileSync } from 'node:fs';

const root = join(__dirname, '..');
const { files, fit } = catalogFitFiles(root);
const stale = [...files].filter(([p, t]) => readFileSync(p, 'utf8') !== t).map(([p]) => p.slice(root.length + 1));

const pad = (s: string | number, n: number) => String(s).padEnd(n);
const lpad = (s: string | number, n: number) => String(s).padStart(n);
const f1 = (x: number | undefined) => (x === undefined ? '–' : x.toFixed(1));
const withOwn = fit.profiles.filter((p) => p.fit.level === 'profile');

console.log(`Device profiles fitted to ${fit.used.length} published measurements (${fit.excluded.length} excluded), leave-one-out: each model held out with all its points on its profile.\n`);
console.log(`${pad('profile', 28)}${pad('family', 16)}${lpad('pts', 4)}${lpad('lat med%', 10)}${lpad('lat worst%', 12)}${lpad('±35%', 7)}${lpad('cover80', 9)}${lpad('E pts', 7)}${lpad('E med%', 8)}${lpad('E worst%', 10)}  range ×/÷`);
for (const p of withOwn) {
  const cov = p.loo.length ? p.loo.filter((l) => l.inInterval).length / p.loo.length : undefined;
  const k = Math.exp(1.2816 * p.fit.range.latencyLogSpread);
  console.log(`${pad(p.profile.id, 28)}${pad(p.profile.family ?? '', 16)}${lpad(p.points.length, 4)}${lpad(f1(p.latency?.medianAbsErrorPct), 10)}${lpad(f1(p.latency?.worstAbsErrorPct), 12)}${lpad(`${p.latency?.within35Pct}/${p.latency?.points}`, 7)}${lpad(cov === undefined ? '–' : `${Math.round(cov * 100)}%`, 9)}${lpad(p.energy?.points ?? 0, 7)}${lpad(f1(p.energy?.medianAbsErrorPct), 8)}${lpad(f1(p.energy?.worstAbsErrorPct), 10)}  ${k.toFixed(2)}`);
}
const rest = fit.profiles.filter((p) => p.fit.level !== 'profile');
console.log(`\nWithout evidence of their own (${rest.length}): ${rest.map((p) => `${p.profile.id} [${p.fit.level}, ×/÷${Math.exp(1.2816 * p.fit.range.latencyLogSpread).toFixed(2)}]`).join(', ')}`);

const all = withOwn.flatMap((p) => p.loo.map((l) => ({ ...l, profile: p.profile.id })));
const abs = all.map((l) => Math.abs(l.errorPct)).sort((a, b) => a - b);
const outside = all.filter((l) => Math.abs(l.errorPct) > 35).sort((a, b) => Math.abs(b.errorPct) - Math.abs(a.errorPct));
const energy = all.filter((l) => l.energyErrorPct !== undefined).map((l) => Math.abs(l.energyErrorPct!)).sort((a, b) => a - b);
const covered = all.filter((l) => l.inInterval).length;
const newBoard = withOwn.flatMap((p) => p.newBoard).map((l) => Math.abs(l.errorPct)).sort((a, b) => a - b);
console.log(`\nOverall latency, leave-one-out: ${all.length} points, median |error| ${median(abs).toFixed(2)}%, worst ${f1(abs[abs.length - 1])}%, ${all.length - outside.length}/${all.length} within ±35% (${outside.length} outside)`);
console.log(`Overall energy, leave-one-out: ${energy.length} points, median |error| ${f1(median(energy))}%, worst ${f1(energy[energy.length - 1])}%`);
console.log(`Coverage of the 80% intervals (held-out points inside the interval they would have carried): ${covered}/${all.length} = ${f1((100 * covered) / all.length)}%`);
console.log(`A board never measured (its family / sibling-runtime fit only), on the ${newBoard.length} points of boards that are: median |error| ${f1(median(newBoard))}%, worst ${f1(newBoard[newBoard.length - 1])}%`);

{
  // The same, holding out one point at a time (repeat submissions of a model stay in the fit): optimistic, for comparison.
  const ev = loadEvidence({});
  const pointFit = ev.ok ? fitCatalog(fit.profiles.map((p) => p.profile), evidencePoints(ev.value), { featuresOf: evidenceFeatures(root), holdOut: 'point' }) : undefined;
  if (pointFit) {
    const pts = pointFit.profiles.flatMap((p) => p.loo);
    const a = pts.map((l) => Math.abs(l.errorPct)).sort((x, y) => x - y);
    const e = pts.filter((l) => l.energyErrorPct !== undefined).map((l) => Math.abs(l.energyErrorPct!)).sort((x, y) => x - y);
    console.log(`For comparison, holding out one point at a time (repeats of the model stay in): latency median ${f1(median(a))}%, worst ${f1(a[a.length - 1])}%, ${a.filter((x) => x <= 35).length}/${a.length} within ±35%; energy median ${f1(median(e))}%`);
  }
}

if (outside.length) {
  console.log(`\nOutside ±35% (${outside.length}):`);
  for (const l of outside) console.log(`  ${pad(l.profile, 26)} ${pad(l.id, 70)} measured ${lpad(l.measuredMs.toPrecision(4), 9)} ms, held-out ${lpad(l.predictedMs.toPrecision(4), 9)} ms (${l.errorPct > 0 ? '+' : ''}${f1(l.errorPct)}%)`);
}

// ESP32-S3 person detection: the estimator end to end on the committed profile (in-sample) and the held-out figure.
const PD = 'esp-tflite-micro-readme/esp32-s3/esp-nn/person-detect';
const pd = fit.used.find((u) => u.id === PD);
const reg = loadProfiles({});
if (pd && reg.ok) {
  const dev = getDevice(reg.value, 'esp32-s3');
  const a = analyzeModelFileSync(join(root, pd.source.model.file));
  if (dev.ok && a.ok) {
    const e = estimate(estimateInputOf(a.value, dev.value), dev.value);
    const held = all.find((l) => l.id === PD)!;
    const err = (x: number) => `${x > pd.latencyMs ? '+' : ''}${f1(100 * (x / pd.latencyMs - 1))}%`;
    console.log(`\nESP32-S3 person detection (esp-nn, published ${pd.latencyMs} ms): estimate ${e.latencyMs.toFixed(1)} ms (${err(e.latencyMs)}) with range ${e.latencyMsRange ? `${e.latencyMsRange[0].toFixed(0)}–${e.latencyMsRange[1].toFixed(0)} ms` : 'none'}; held out ${held.predictedMs.toFixed(1)} ms (${err(held.predictedMs)}) in ${held.lo.toFixed(0)}–${held.hi.toFixed(0)} ms`);
  }
}

console.log(`\nExcluded (${fit.excluded.length}):`);
const reasons = new Map<string, string[]>();
for (const e of fit.excluded) reasons.set(e.reason, [...(reasons.get(e.reason) ?? []), e.id]);
for (const [r, ids] of reasons) console.log(`  ${ids.length} × ${r}:\n    ${ids.join('\n    ')}`);
if (stale.length) console.log(`\nNOTE: the committed fits differ from this fresh fit in ${stale.length} file(s): run npm run fit:devices`);
