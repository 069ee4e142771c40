// The pure parts of "Train Input Filter…" (tested in Node): the CLI arguments it runs, and the panel body — the
// skip/recall curve (held-out and out-of-fold training) with the chosen threshold marked, and the figures of the report.

import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { CurvePoint, FilterReport } from '../core/filter/filter';
import { escapeHtml as esc } from '../core/report';
import { formatMs } from '../core/format';

const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
const f1 = (x: number) => x.toFixed(1);

/** Recall (y) against skip ratio (x), both 0..1, with the target recall line and the chosen point. */
export function curveSvg(r: FilterReport, width = 560, height = 300): string {
  const m = { l: 44, r: 16, t: 22, b: 40 };
  const X = (v: number) => m.l + v * (width - m.l - m.r);
  const Y = (v: number) => height - m.b - v * (height - m.t - m.b);
  const line = (pts: CurvePoint[], cls: string, name: string) => {
    // Sorted by skip ratio so the polyline reads left to right.
    const s = [...pts].sort((a, b) => a.skipRatio - b.skipRatio || b.recall - a.recall);
    return `<polyline class="line ${cls}" points="${s.map((p) => `${f1(X(p.skipRatio))},${f1(Y(p.recall))}`).join(' ')}"><title>${esc(name)}</title></polyline>`;
  };
  const parts: string[] = [];
  for (const v of [0, 0.25, 0.5, 0.75, 1]) {
    parts.push(`<line class="grid" x1="${m.l}" x2="${width - m.r}" y1="${f1(Y(v))}" y2="${f1(Y(v))}"></line>`);
    parts.push(`<text class="tick" x="${m.l - 4}" y="${f1(Y(v) + 4)}" text-anchor="end">${pct(v)}</text>`);
    parts.push(`<text class="tick" x="${f1(X(v))}" y="${height - m.b + 14}" text-anchor="middle">${pct(v)}</text>`);
  }
  parts.push(`<line class="best" x1="${m.l}" x2="${width - m.r}" y1="${f1(Y(r.targetRecall))}" y2="${f1(Y(r.targetRecall))}"><title>${esc(`target recall ${pct(r.targetRecall)}`)}</title></line>`);
  parts.push(line(r.curve.training, 's-energy', 'training split (out-of-fold scores): where the threshold was chosen'));
  parts.push(line(r.curve.heldOut, 's-latency', 'held-out split'));
  const h = r.heldOut;
  parts.push(`<circle class="pt memory" cx="${f1(X(h.skipRatio))}" cy="${f1(Y(h.recall))}" r="5"><title>${esc(`chosen threshold ${r.threshold.toPrecision(4)}: held-out skip ${pct(h.skipRatio)}, recall ${pct(h.recall)}`)}</title></circle>`);
  parts.push(`<text class="legend s-latency" x="${m.l + 4}" y="${m.t - 8}">held-out</text><text class="legend s-energy" x="${m.l + 84}" y="${m.t - 8}">training (out-of-fold)</text>`);
  parts.push(`<text class="axis" x="${(m.l + width - m.r) / 2}" y="${height - 6}" text-anchor="middle">share of inputs skipped</text>`);
  parts.push(`<text class="axis" x="12" y="${(m.t + height - m.b) / 2}" text-anchor="middle" transform="rotate(-90 12 ${(m.t + height - m.b) / 2})">recall of non-redundant inputs</text>`);
  return `<svg class="chart lines" role="img" aria-label="skip ratio against recall" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}">${parts.join('')}</svg>`;
}

export function filterPanelBody(r: FilterReport & { written?: { onnx?: string; report?: string } }): string {
  const h = r.heldOut, w = r.whatif;
  const row = (k: string, v: string) => `<tr><th>${esc(k)}</th><td>${esc(v)}</td></tr>`;
  const duty = (d: typeof w.with.duty) => (d ? ` · ${(d.averagePowerW * 1e3).toFixed(2)} mW${d.batteryLifeHours !== undefined ? ` · battery ${d.batteryLifeHours >= 48 ? `${(d.batteryLifeHours / 24).toFixed(1)} days` : `${d.batteryLifeHours.toFixed(1)} h`}` : ''}` : '');
  const rows = [
    row('samples', `${r.samples.count} (${r.samples.redundant} redundant, ${r.samples.nonRedundant} not) · ${r.rule}`),
    row('filter', `${r.modelKind} on ${r.features.names.join(', ')} (${r.features.count} features) · keep when score ≥ ${r.threshold.toPrecision(4)}`),
    row('held-out', `${h.count} samples: skips ${pct(h.skipRatio)}, recall ${pct(h.recall)}${h.missed ? ` (${h.missed} missed)` : ''}, precision ${h.precision === undefined ? '-' : pct(h.precision)}${h.meetsTarget ? '' : ' — below the target'}`),
    row('training (out-of-fold)', `skips ${pct(r.training.skipRatio)}, recall ${pct(r.training.recall)}`),
    row(`filter on ${r.device}`, `${r.filter.macs} MACs, ${r.filter.params} parameters · ${formatMs(r.filter.latencyMs)}, ${r.filter.energyMj.toFixed(4)} mJ`),
    row('ONNX vs TypeScript', `${r.filter.verify.samples} samples: max |score diff| ${r.filter.verify.maxAbsDiff.toExponential(2)}, ${r.filter.verify.decisionsDiffer} decisions differ`),
    row('without filter', `${w.without.energyPerInputMj.toFixed(3)} mJ/input · up to ${w.without.maxInputsPerSecond.toFixed(1)} inputs/s${duty(w.without.duty)}`),
    row('with filter', `${w.with.energyPerInputMj.toFixed(3)} mJ/input · up to ${w.with.maxInputsPerSecond.toFixed(1)} inputs/s${duty(w.with.duty)}`),
    ...(r.written?.onnx ? [row('filter model', r.written.onnx)] : []),
    ...(r.written?.report ? [row('report', r.written.report)] : []),
  ];
  return [
    `<h1>Input filter for ${esc(r.model)}</h1>`,
    `<section><h2>Skip ratio against recall</h2>${curveSvg(r)}<p class="note">The dot is the chosen threshold on the held-out samples; the dashed line is the target recall ${pct(r.targetRecall)}.</p></section>`,
    `<section><h2>Figures</h2><table class="kv">${rows.join('')}</table></section>`,
    ...(r.notes.length ? [`<section><h2>Notes</h2><ul>${r.notes.map((n) => `<li>${esc(n)}</li>`).join('')}</ul></section>`] : []),
  ].join('\n');
}

/** The CLI arguments for a model, a samples folder, the device and (without filter.json) what the user typed. */
export function filterArgs(model: string, samples: string, device: string, asked?: { preprocess: string; rule: string; outputs: string }): string[] {
  const args = ['filter', model, '--samples', samples, '--device', device, '--out', model.replace(/\.(onnx|tflite)$/i, '') + '.filter.onnx', '--force', '--save-report', '--json'];
  if (asked) {
    if (asked.preprocess.trim()) args.push('--preprocess', asked.preprocess.trim());
    if (asked.rule.trim()) args.push('--rule', asked.rule.trim());
    if (asked.outputs.trim()) args.push('--output', asked.outputs.trim());
  }
  return args;
}

const SAMPLE_FILE = /\.(npy|pb|png|jpe?g|wav)$/i;

/** Subfolders of `dir` that hold samples (or a filter.json), for the folder pick: name, what they hold, path. */
export function sampleFolders(dir: string): { name: string; description: string; path: string }[] {
  let entries: string[];
  try {
    entries = readdirSync(dir).filter((e) => !e.startsWith('.') && e !== 'node_modules');
  } catch {
    return [];
  }
  const out: { name: string; description: string; path: string }[] = [];
  for (const e of entries.sort()) {
    const p = join(dir, e);
    try {
      if (!statSync(p).isDirectory()) continue;
      const files = readdirSync(p).filter((f) => SAMPLE_FILE.test(f));
      const config = existsSync(join(p, 'filter.json'));
      if (!files.length && !config) continue;
      out.push({ name: e, description: `${files.length} sample file${files.length === 1 ? '' : 's'}${config ? ' · filter.json' : ''}`, path: p });
    } catch {
      continue;
    }
  }
  return out;
}
