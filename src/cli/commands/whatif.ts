// `aiot-lens whatif MODEL --device ID`: what input resolution, inference rate and an input filter would do to
// latency, RAM, energy and battery life on the device.

import { isAbsolute, resolve } from 'node:path';
import { analyzeModelFileSync } from '../../core/analyze';
import { estimate, estimateInputOf, withRange } from '../../core/estimate';
import { formatBytes, formatCount, formatMs, textTable } from '../../core/format';
import {
  describeAxes, dutyCycle, filterCostFromEstimate, filterCostFromMacs, inputFilter, modelInputAxes, parseRate, resolutionSweep, windowSweep,
  type Battery, type DutyCycle, type ResolutionPoint, type WindowPoint, type WindowSpec,
} from '../../core/whatif';
import { asList, PIN_HELP, startCommand, parseInputShapes, parseInputValues, parseNumber } from '../args';
import { EXIT_ERROR, EXIT_OK, type CliIO } from '../io';
import { deviceFor, registryFor } from './devices';

export const summary = 'what-ifs for input resolution, sequence window, inference rate / battery life and input filtering';

const HELP = `usage: aiot-lens whatif MODEL --device ID [--resolution 1,0.75,0.5] [--window 1x,0.5x|256,512] [--rate 2/s]
                       [--battery-mah N --battery-v V] [--skip-ratio R (--filter-macs M | --filter-model F)]
                       [--time-axis NAME=AXIS]... [--input-shape NAME=DIMS]... [--value NAME=N]... [--profiles FILE_OR_DIR]... [--json]

  --resolution LIST   scales of image inputs' spatial axes (H, W) to try (default 1,0.875,0.75,0.5); sequence,
                      state and scalar inputs keep their dims
  --window LIST       lengths of sequence inputs' time axis to try: steps (256,512,1024) or scales of the current
                      length (1x,0.75x,0.5x, the default for sequence inputs of known length)
  --time-axis NAME=AXIS  read input NAME as a sequence with this time axis, so --window scales it and --resolution
                      leaves it; NAME=none: it has no time axis (a 1-channel input with a side of at most 16, such
                      as DS-CNN's 1x1x49x10 MFCC, is read as frames x coefficients unless told so)
  --rate R            inferences per second, minute or hour: 2/s, 30/min, 4/h
  --battery-mah N --battery-v V   battery for the battery-life figures
  --skip-ratio R      share of inputs a cheap filter discards (0..1; 'aiot-lens filter' measures it on your samples)
  --filter-macs M     the filter's cost as a MAC count, or
  --filter-model F    the filter as an .onnx model (estimated on the same device)
${PIN_HELP}`;

export async function run(argv: string[], io: CliIO): Promise<number> {
  const started = startCommand('whatif', argv, io, {
    device: { type: 'string' }, resolution: { type: 'string' }, rate: { type: 'string' }, 'battery-mah': { type: 'string' },
    'battery-v': { type: 'string' }, 'skip-ratio': { type: 'string' }, 'filter-macs': { type: 'string' }, 'filter-model': { type: 'string' },
    'input-shape': { type: 'string', multiple: true }, value: { type: 'string', multiple: true }, profiles: { type: 'string', multiple: true }, json: { type: 'boolean' },
    window: { type: 'string' }, 'time-axis': { type: 'string', multiple: true },
  }, HELP, 1);
  if ('exit' in started) return started.exit;
  const { values, positionals } = started;
  const fail = (m: string) => (io.err(`aiot-lens whatif: ${m}\n`), EXIT_ERROR);
  if (typeof values['device'] !== 'string') return fail(`--device ID is required\n${HELP}`);

  const scales = String(values['resolution'] ?? '1,0.875,0.75,0.5').split(',').map(Number);
  if (scales.some((s) => !Number.isFinite(s) || s <= 0 || s > 8)) return fail(`--resolution expects scales such as 1,0.75,0.5, got '${String(values['resolution'])}'`);
  const windows = parseWindows(values['window'] === undefined ? undefined : String(values['window']));
  if (!windows) return fail(`--window expects steps such as 256,512,1024 or scales such as 1x,0.75x,0.5x, got '${String(values['window'])}'`);
  const timeAxes: Record<string, number | null> = {};
  for (const t of asList(values['time-axis'])) {
    const m = /^(.+)=(\d+|none)$/.exec(t);
    if (!m) return fail(`--time-axis expects NAME=AXIS such as input=2, or NAME=none, got '${t}'`);
    timeAxes[m[1]!] = m[2] === 'none' ? null : Number(m[2]);
  }
  let rate: number | undefined;
  if (values['rate'] !== undefined) {
    rate = parseRate(String(values['rate']));
    if (rate === undefined) return fail(`--rate expects a rate such as 2/s, 30/min or 4/h, got '${String(values['rate'])}'`);
  }
  const mah = parseNumber('battery-mah', values['battery-mah']);
  const volts = parseNumber('battery-v', values['battery-v']);
  const skip = parseNumber('skip-ratio', values['skip-ratio']);
  const filterMacs = parseNumber('filter-macs', values['filter-macs']);
  for (const r of [mah, volts, skip, filterMacs]) if (!r.ok) return fail(r.error.message);
  if ((mah.ok && mah.value !== undefined) !== (volts.ok && volts.value !== undefined)) return fail('--battery-mah and --battery-v go together');
  const battery: Battery | undefined = mah.ok && volts.ok && mah.value !== undefined && volts.value !== undefined ? { mAh: mah.value, volts: volts.value } : undefined;
  const skipRatio = skip.ok ? skip.value : undefined;
  if (skipRatio !== undefined && (skipRatio < 0 || skipRatio >= 1)) return fail('--skip-ratio must be at least 0 and below 1');
  if (skipRatio !== undefined && values['filter-macs'] === undefined && values['filter-model'] === undefined) {
    return fail('--skip-ratio needs the filter\'s cost: --filter-macs M or --filter-model F');
  }

  const reg = registryFor(io, values['profiles']);
  if (!reg.ok) return fail(reg.error.message);
  const device = deviceFor(reg.value, values['device']);
  if (!device.ok) return fail(device.error.message);
  const shapes = parseInputShapes(values['input-shape']);
  if (!shapes.ok) return fail(shapes.error.message);
  const fills = parseInputValues(values['value']);
  if (!fills.ok) return fail(fills.error.message);
  const file = positionals[0]!;
  const a = analyzeModelFileSync(isAbsolute(file) ? file : resolve(io.cwd, file), { inputShapes: shapes.value, inputValues: fills.value });
  if (!a.ok) return fail(a.error.message);

  const fed = new Set(a.value.report.inputs.map((i) => i.name));
  for (const [name, axis] of Object.entries(timeAxes)) {
    const input = a.value.report.inputs.find((i) => i.name === name);
    if (!fed.has(name) || !input) return fail(`--time-axis names '${name}', which is not an input of ${file} (inputs: ${[...fed].join(', ')})`);
    if (axis !== null && (!input.shape || axis < 1 || axis >= input.shape.length)) return fail(`--time-axis ${name}=${axis}: '${name}' has rank ${input.shape?.length ?? '?'}, so its time axis is 1..${(input.shape?.length ?? 2) - 1}`);
  }

  const base = estimate(estimateInputOf(a.value, device.value), device.value);
  const axes = modelInputAxes(a.value.model, timeAxes);
  const images = axes.filter((x) => x.spatial.length > 0);
  const sequences = axes.filter((x) => x.kind === 'sequence');
  // A sweep runs when asked for; with neither flag, each runs when the model has inputs it applies to.
  const asked = values['resolution'] !== undefined || windows.given;
  const wantResolution = values['resolution'] !== undefined || (!asked && images.length > 0);
  const wantWindow = windows.given || (!asked && sequences.length > 0);
  const resolution: ResolutionPoint[] = wantResolution && images.length > 0 ? resolutionSweep(a.value, device.value, scales, { timeAxes }) : [];
  const window: WindowPoint[] = wantWindow && sequences.length > 0 ? windowSweep(a.value, device.value, windows.specs, { timeAxes }) : [];
  const notes: string[] = [];
  if (!asked && images.length === 0 && sequences.length === 0) notes.push(`no image or sequence input to resize (${axes.map((x) => `'${x.name}': ${x.reason}`).join('; ')})`);
  if (wantResolution && images.length === 0 && asked) {
    notes.push(`resolution: no image input to scale${sequences.length ? ` (${sequences.map((x) => `'${x.name}' is a sequence, ${x.reason}`).join('; ')}): use --window` : ''}`);
  }
  if (windows.given && sequences.length === 0) notes.push(`window: no sequence input (${axes.map((x) => `'${x.name}': ${x.reason}`).join('; ')}); name one with --time-axis NAME=AXIS`);
  const duty = rate !== undefined ? dutyCycle(base.latencyMs, base.energyMj, device.value, rate, battery) : undefined;
  let filter;
  if (skipRatio !== undefined) {
    let cost;
    if (typeof values['filter-model'] === 'string') {
      const fm = values['filter-model'];
      const fa = analyzeModelFileSync(isAbsolute(fm) ? fm : resolve(io.cwd, fm));
      if (!fa.ok) return fail(fa.error.message);
      cost = filterCostFromEstimate(estimate(estimateInputOf(fa.value, device.value), device.value), `filter model ${fm}`);
    } else {
      cost = filterCostFromMacs(filterMacs.ok ? filterMacs.value ?? 0 : 0, device.value);
    }
    filter = inputFilter({ latencyMs: base.latencyMs, energyMj: base.energyMj }, cost, skipRatio, device.value, rate, battery);
  }

  const result = {
    model: file, device: device.value.id,
    baseline: {
      latencyMs: base.latencyMs, energyMj: base.energyMj, latencyMsRange: base.latencyMsRange, energyMjRange: base.energyMjRange,
      evidencePoints: base.evidencePoints, range: base.range, peakRamBytes: base.peakRamBytes, flashBytes: base.flashBytes,
    },
    inputs: axes.map((x) => ({ name: x.name, kind: x.kind, spatialAxes: x.spatial, ...(x.time !== undefined ? { timeAxis: x.time } : {}), labels: x.labels, reason: x.reason })),
    resolution,
    ...(window.length ? { window } : {}),
    ...(notes.length ? { notes } : {}),
    ...(duty ? { duty } : {}),
    ...(battery ? { battery: { mAh: battery.mAh, volts: battery.volts } } : {}),
    ...(filter ? { filter } : {}),
    assumptions: [
      ...base.assumptions,
      'duty cycle: idle power between inferences; battery life = mAh × 3.6 × V / average power (no self-discharge or regulator loss)',
    ],
  };
  if (values['json']) {
    io.out(`${JSON.stringify(result, null, 2)}\n`);
    return EXIT_OK;
  }
  const lines = [`${file} on ${device.value.id}: ${withRange(base.latencyMs, base.latencyMsRange, 'ms')}, ${withRange(base.energyMj, base.energyMjRange, 'mJ')} per inference (${Math.round(base.range.level * 100)}% intervals, ${base.evidencePoints} measured inferences behind the profile)`];
  const result3 = (p: ResolutionPoint) => [
    p.ok ? formatCount(p.macs!) : '-', p.ok ? formatMs(p.latencyMs!) : '-', p.ok ? formatBytes(p.peakRamBytes!) : '-',
    p.ok ? `${p.energyMj!.toFixed(2)} mJ` : '-', p.ok ? (p.fits!.memory && p.fits!.storage ? 'yes' : 'no') : `cannot: ${p.reason}`,
  ];
  if (resolution.length) {
    const scaled = images.map((x) => `'${x.name}' ${describeAxes(x.spatial, x.labels)} (${x.reason})`).join('; ');
    const kept = axes.filter((x) => x.spatial.length === 0).map((x) => `'${x.name}' (${x.kind === 'sequence' ? `sequence: ${x.reason}` : x.reason})`);
    lines.push('', `  input resolution: scales ${scaled}${kept.length ? `; keeps ${kept.join(', ')}` : ''}`);
    const table = textTable(['scale', 'input', 'MACs', 'latency', 'peak RAM', 'energy', 'fits'],
      resolution.map((p) => [p.scale.toString(), Object.values(p.inputShapes).map((s) => s.join('x')).join(' '), ...result3(p)]));
    lines.push(...table.split('\n').map((l) => `  ${l}`));
  }
  if (window.length) {
    const scaled = sequences.map((x) => `'${x.name}' ${describeAxes([x.time!], x.labels)} (${x.reason})`).join('; ');
    lines.push('', `  window: sets the time axis of ${scaled}`);
    const table = textTable(['window', 'input', 'MACs', 'latency', 'peak RAM', 'energy', 'fits', ],
      window.map((p) => [
        Object.values(p.steps).length ? `${Object.values(p.steps).join('/')} steps` : Number.isFinite(p.scale) ? `${p.scale}x` : '-',
        Object.entries(p.inputShapes).filter(([n]) => p.steps[n] !== undefined).map(([, s]) => s.join('x')).join(' '), ...result3(p),
      ]));
    lines.push(...table.split('\n').map((l) => `  ${l}`));
  }
  for (const n of notes) lines.push('', `  ${n}`);
  const dutyLine = (d: DutyCycle) =>
    `${formatRate(d.ratePerSecond)}: busy ${(100 * d.busyFraction).toFixed(2)}%${d.keepsUp ? '' : ' (cannot keep up)'}, average ${formatPower(d.averagePowerW)}` +
    (d.batteryLifeHours !== undefined ? `, battery ${formatHours(d.batteryLifeHours)}` : '');
  if (duty) lines.push('', `  duty cycle at ${dutyLine(duty)}`);
  if (filter) {
    lines.push('', `  input filter skipping ${(100 * filter.skipRatio).toFixed(0)}% (filter ${formatMs(filter.filter.latencyMs)}, ${filter.filter.energyMj.toFixed(3)} mJ: ${filter.filter.basis})`);
    lines.push(`    without: ${filter.without.energyPerInputMj.toFixed(2)} mJ/input, up to ${filter.without.maxInputsPerSecond.toFixed(1)} inputs/s${filter.without.duty ? `; ${dutyLine(filter.without.duty)}` : ''}`);
    lines.push(`    with:    ${filter.with.energyPerInputMj.toFixed(2)} mJ/input, up to ${filter.with.maxInputsPerSecond.toFixed(1)} inputs/s${filter.with.duty ? `; ${dutyLine(filter.with.duty)}` : ''}`);
    lines.push(`    ${(100 * filter.energySaving).toFixed(1)}% less energy per input, ${filter.throughputGainX.toFixed(2)}x throughput`);
  }
  io.out(lines.join('\n') + '\n');
  return EXIT_OK;
}

/** --window: "256,512" (steps) and/or "1x,0.5x" (scales); default 1x, 0.75x, 0.5x. undefined when malformed. */
function parseWindows(text: string | undefined): { specs: WindowSpec[]; given: boolean } | undefined {
  if (text === undefined) return { specs: [{ scale: 1 }, { scale: 0.75 }, { scale: 0.5 }], given: false };
  const specs: WindowSpec[] = [];
  for (const part of text.split(',').map((x) => x.trim())) {
    const m = /^(\d+(?:\.\d+)?)(x?)$/i.exec(part);
    if (!m) return undefined;
    const n = Number(m[1]);
    if (m[2]) {
      if (!(n > 0 && n <= 8)) return undefined;
      specs.push({ scale: n });
    } else {
      if (!Number.isInteger(n) || n < 1) return undefined;
      specs.push({ steps: n });
    }
  }
  return specs.length ? { specs, given: true } : undefined;
}

function formatRate(perSecond: number): string {
  if (perSecond >= 1) return `${+perSecond.toFixed(3)}/s`;
  if (perSecond * 60 >= 1) return `${+(perSecond * 60).toFixed(3)}/min`;
  return `${+(perSecond * 3600).toFixed(3)}/h`;
}

function formatPower(w: number): string {
  return w >= 1 ? `${w.toFixed(2)} W` : w >= 1e-3 ? `${(w * 1e3).toFixed(2)} mW` : `${(w * 1e6).toFixed(1)} µW`;
}

function formatHours(h: number): string {
  return h >= 48 ? `${(h / 24).toFixed(1)} days` : `${h.toFixed(1)} h`;
}
