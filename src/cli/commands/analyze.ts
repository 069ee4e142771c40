// `aiot-lens analyze MODEL...`: totals and per-node costs, human-readable or as the JSON contract (one object per
// line for several models, all in one process).

import { isAbsolute, resolve } from 'node:path';
import { analyzeLoaded, type Analysis } from '../../core/analyze';
import { formatOfFile, loadModelFile, type LoadedModel } from '../../core/model';
import { loadModelFileLazy } from '../../core/onnx/lazyLoad';
import type { Result } from '../../core/result';
import { formatBytes, formatCount, formatShape, textTable } from '../../core/format';
import { PIN_HELP, startCommand, parseInputShapes, parseInputValues, parsePositiveInt } from '../args';
import { EXIT_ERROR, EXIT_OK, type CliIO } from '../io';
import { estimateReport, withRange, type EstimateReport } from '../../core/estimate';
import type { DeviceProfile } from '../../core/devices';
import { deviceFor, registryFor } from './devices';
import { applyPlan, humanPlans, parsePlan, PLAN_HELP } from '../plan';

export const summary = 'decode, infer shapes, cost every node and plan memory';

const HELP = `usage: aiot-lens analyze MODEL... [--input-shape NAME=DIMS]... [--value NAME=N]... [--json] [--top N]

${PIN_HELP}  --json                   print the analysis as JSON (one object per line for several models)
  --device ID              add an on-device estimate (latency, energy, RAM, flash, fits; "estimate" in JSON)
  --profiles FILE_OR_DIR   extra device profile JSON for --device (repeatable)
  --top N                  rows in the top-nodes-by-MACs table (default 10)
${PLAN_HELP}`;

export async function run(argv: string[], io: CliIO): Promise<number> {
  const started = startCommand('analyze', argv, io, {
    'input-shape': { type: 'string', multiple: true },
    value: { type: 'string', multiple: true },
    device: { type: 'string' },
    profiles: { type: 'string', multiple: true },
    json: { type: 'boolean' },
    top: { type: 'string' },
    plan: { type: 'string' },
  }, HELP, '1+');
  if ('exit' in started) return started.exit;
  const { values, positionals } = started;
  const shapes = parseInputShapes(values['input-shape']);
  const top = parsePositiveInt('top', values['top'], 10);
  const fills = parseInputValues(values['value']);
  const plan = parsePlan(values['plan']);
  for (const r of [shapes, top, fills, plan]) {
    if (!r.ok) {
      io.err(`aiot-lens analyze: ${r.error.message}\n`);
      return EXIT_ERROR;
    }
  }
  let device: DeviceProfile | undefined;
  if (typeof values['device'] === 'string') {
    const reg = registryFor(io, values['profiles']);
    const d = reg.ok ? deviceFor(reg.value, values['device']) : reg;
    if (!d.ok) {
      io.err(`aiot-lens analyze: ${d.error.message}\n`);
      return EXIT_ERROR;
    }
    device = d.value;
  }
  const json = values['json'] === true;
  const batch = positionals.length > 1;
  let failed = 0;
  for (const file of positionals) {
    const path = isAbsolute(file) ? file : resolve(io.cwd, file);
    const loaded = load(path);
    const result = loaded.ok ? analyzeLoaded(loaded.value, { inputShapes: shapes.ok ? shapes.value : {}, inputValues: fills.ok ? fills.value : {} }) : loaded;
    if (!result.ok) {
      failed++;
      const message = result.error.message.startsWith(path) ? result.error.message.replace(path, file) : `${file}: ${result.error.message}`;
      io.err(`aiot-lens analyze: ${message}\n`);
      if (json && batch) io.out(`${JSON.stringify({ path: file, error: message })}\n`);
      continue;
    }
    result.value.report.model.path = file;
    // The patch preview is a search (about ten times the analysis on MobileNetV2): only when --plan patch asks for it.
    applyPlan(result.value, plan.ok ? plan.value : undefined, { previewPatch: false });
    const estimate = device ? estimateReport(result.value, device) : undefined;
    const out = estimate ? { ...result.value.report, estimate } : result.value.report;
    if (json) io.out(batch ? `${JSON.stringify(out)}\n` : `${JSON.stringify(out, null, 2)}\n`);
    else if (estimate) io.out(humanReport(result.value, top.ok ? top.value : 10) + humanEstimate(estimate) + (batch ? '\n' : ''));
    else io.out(humanReport(result.value, top.ok ? top.value : 10) + (batch ? '\n' : ''));
  }
  return failed > 0 ? EXIT_ERROR : EXIT_OK;
}

/** The on-device lines `--device` adds to the human-readable report. */
function humanEstimate(e: EstimateReport): string {
  const undecided = new Set(e.undecided ?? []);
  const yes = (b: boolean | undefined, k?: 'memory' | 'storage') => (k && undecided.has(k) ? 'no verdict (a bound)' : b === false ? 'NO' : 'yes');
  const lat = e.bounds?.latency === 'lower' ? '≥ ' : e.bounds?.latency === 'upper' ? '≤ ' : '';
  const mem = e.bounds?.memory === 'lower' ? '≥ ' : e.bounds?.memory === 'upper' ? '≤ ' : '';
  const parts = e.ram ? [`arena ${formatBytes(e.ram.arenaBytes)}`, ...(e.ram.persistentBytes ? [`persistent ${formatBytes(e.ram.persistentBytes)}`] : []),
    ...(e.ram.weightBytes ? [`weights ${formatBytes(e.ram.weightBytes)}`] : []), `runtime ${formatBytes(e.ram.runtimeBytes)}`].join(' + ') : '';
  return [
    `  on ${e.device}: latency ${lat}${e.latencyMs.toFixed(3)} ms, energy ${energyText(e, lat)}, RAM ${mem}${formatBytes(e.peakRamBytes)}${parts ? ` (${parts})` : ''}, flash ${formatBytes(e.flashBytes)}`,
    `  fits: RAM ${yes(e.fits.memory, 'memory')}, flash ${yes(e.fits.storage, 'storage')}, dtypes ${yes(e.fits.dtypes)}, operators ${yes(e.fits.operators)}`,
    `  ${rangeLine(e)}`,
    ...e.warnings.map((w) => `  warning: ${w}`),
    '',
  ].join('\n');
}

/** The latency and energy intervals and what they rest on: "latency 54.0 ms (41.2–70.1), energy …; 80% interval, …". */
function rangeLine(e: EstimateReport): string {
  const pts = e.evidencePoints > 0 ? `${e.evidencePoints} measured inference${e.evidencePoints === 1 ? '' : 's'} behind ${e.device}` : `no measurements of ${e.device} itself`;
  return `range: latency ${withRange(e.latencyMs, e.latencyMsRange, 'ms')}, energy ${withRange(e.energyMj, e.energyMjRange, 'mJ')} — ${Math.round(e.range.level * 100)}% interval; ${pts}; ${e.range.basis}`;
}

/** Energy per inference, or n/a with the reason when the profile has no power figure (a calibrated host). */
function energyText(e: EstimateReport, mark: string): string {
  if (e.energyMj === 0 && e.latencyMs > 0) return 'n/a (the profile has no power figure: set activePowerW)';
  return `${mark}${e.energyMj.toFixed(3)} mJ/inference`;
}

export function humanReport(a: Analysis, top: number): string {
  const r = a.report;
  const t = r.totals;
  const opsets = Object.entries(r.model.opsets).map(([d, v]) => `${d} ${v}`).join(', ');
  const lines = [
    `${r.model.path}`,
    r.model.format === 'tflite'
      ? `  format       TFLite flatbuffer   producer ${r.model.producer || '-'}   ${opsets || '-'}`
      : `  producer     ${r.model.producer || '-'}   IR ${r.model.irVersion}   opsets ${opsets || '-'}`,
    `  nodes        ${r.model.nodeCount}   file ${formatBytes(r.model.fileBytes)}` +
      (r.model.externalDataBytes ? ` + external data ${formatBytes(r.model.externalDataBytes)} = ${formatBytes(r.model.totalBytes)}` : ''),
    ...r.inputs.map((i) => `  input        ${i.name}: ${i.dtype} ${formatShape(i.shape)}`),
    ...r.outputs.map((o) => `  output       ${o.name}: ${o.dtype} ${formatShape(o.shape)}`),
    '',
    `  params       ${t.params.toLocaleString('en-US')} (${formatCount(t.params)})`,
    `  MACs         ${boundMark(r.bounds?.compute)}${t.macs.toLocaleString('en-US')} (${formatCount(t.macs)})${boundNote(r.bounds?.compute)}`,
    `  FLOPs        ${boundMark(r.bounds?.compute)}${t.flops.toLocaleString('en-US')} (${formatCount(t.flops)})`,
    `  weights      ${formatBytes(t.weightBytes)}`,
    `  activations  ${boundMark(r.memory?.bound)}peak ${formatBytes(t.peakActivationBytes)} live, arena ${formatBytes(t.arenaBytes)} (${r.plans && r.plans.selected !== 'per-tensor' ? `${r.plans.selected} plan` : 'greedy plan'}; ${r.memory?.view ?? 'as stored in the model'})`,
  ];
  const ref = r.memory?.reference;
  if (ref) lines.push(`               ${ref.view}: peak ${formatBytes(ref.peakActivationBytes)}, arena ${formatBytes(ref.arenaBytes)} (a reference, not what a runtime holds)`);
  lines.push(...humanPlans(a));
  if (r.peak && r.peak.tensors.length) {
    lines.push(`  peak at      ${r.peak.nodeName}: ${r.peak.tensors.slice(0, 4).map((x) => `${x.name} ${formatBytes(x.bytes)}`).join(', ')}`);
  }
  const d = r.deployment;
  if (d) {
    lines.push(`  ${d.runtime.padEnd(12)} tensor_arena ≈ ${formatBytes(d.tensorArenaBytes)} (planned ${formatBytes(d.arenaBytes)} + persistent ≈ ${formatBytes(d.persistentBytes)}), flash ${formatBytes(d.flashBytes)} (the file)`);
  }
  const rows = [...r.nodes]
    .map((n, i) => ({ n, i }))
    .sort((x, y) => y.n.macs - x.n.macs || y.n.flops - x.n.flops)
    .slice(0, top)
    .filter((x) => x.n.macs > 0 || x.n.flops > 0);
  if (rows.length) {
    const total = t.macs || 1;
    lines.push('', `  top ${rows.length} nodes by MACs`);
    const table = textTable(
      ['#', 'node', 'op', 'MACs', 'share', 'params', 'output'],
      rows.map(({ n, i }) => [
        String(i),
        n.name.length > 44 ? `…${n.name.slice(-43)}` : n.name || '-',
        n.opType,
        formatCount(n.macs),
        `${((100 * n.macs) / total).toFixed(1)}%`,
        formatCount(n.params),
        formatShape(n.outputs[0]?.shape),
      ]),
    );
    lines.push(...table.split('\n').map((l) => `  ${l}`));
  }
  for (const a2 of r.assumptions ?? []) lines.push(`  assumption: ${a2}`);
  for (const w of r.warnings) lines.push(`  warning: ${w}`);
  return lines.join('\n') + '\n';
}

/**
 * An ONNX model's weights are read only if something uses them (the report needs their sizes, not their values);
 * TFLite files, and files named .tflite whatever they hold, go through the format-sniffing loader.
 */
function load(path: string): Result<LoadedModel> {
  if (formatOfFile(path) !== 'onnx' || path.toLowerCase().endsWith('.tflite')) return loadModelFile(path);
  const r = loadModelFileLazy(path);
  return r.ok ? { ok: true, value: { ...r.value, format: 'onnx' } } : r;
}

/** '≥ ' for lower bounds (unknown sizes left out), '≤ ' for upper bounds (the larger If branch). */
export function boundMark(bound: 'lower' | 'upper' | undefined): string {
  return bound === 'lower' ? '≥ ' : bound === 'upper' ? '≤ ' : '';
}

function boundNote(bound: 'lower' | 'upper' | undefined): string {
  return bound === 'lower' ? '   a lower bound: some shapes are unknown (see the warnings)' : bound === 'upper' ? '   an upper bound: an If of unknown condition counts its costlier branch' : '';
}
