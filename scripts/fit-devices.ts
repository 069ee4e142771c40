// npm run fit:devices — fits every catalog board × runtime profile to the evidence base and writes each fit (parameters,
// leave-one-out error, interval) into its catalog JSON, so estimating never refits. A unit test checks the committed
// fits equal a fresh one.
//
//   node --import tsx scripts/fit-devices.ts [--check]   (--check: exit 1 if any catalog file would change)

import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { catalogFitFiles } from '../src/core/estimate/fit/catalogFiles';

const root = join(__dirname, '..');
const check = process.argv.includes('--check');
const { files, summary, fit } = catalogFitFiles(root);
let changed = 0;
for (const [path, text] of files) {
  const before = readFileSync(path, 'utf8');
  if (before === text) continue;
  changed++;
  if (!check) writeFileSync(path, text);
  console.log(`${check ? 'stale' : 'wrote'} ${path.slice(root.length + 1)}`);
}
const withOwn = fit.profiles.filter((p) => p.fit.level === 'profile').length;
console.log(`${fit.profiles.length} device profiles, ${withOwn} with their own evidence; ${fit.used.length} points fitted, ${fit.excluded.length} excluded (see npm run bench:devices); no-evidence spread ${summary.noEvidenceLogSpread}`);
console.log(changed === 0 ? 'catalog fits are up to date' : `${changed} file(s) ${check ? 'out of date' : 'updated'}`);
if (check && changed > 0) process.exit(1);
