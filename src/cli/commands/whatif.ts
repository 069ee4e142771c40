// `aiot-lens whatif MODEL --device ID`: what input resolution, inference rate and an input filter would do to
// latency, RAM, energy and battery life on the device.

import { isAbsolute, resolve } from 'node:path';
import { analyzeModelFileSync } from '../../core/analyze';
import { estimate, estimateInputOf } from '../../core/estimate';
import { formatBytes, formatCount, formatMs, textTable } from '../../core/format';
import {
  dutyCycle, filterCostFromEstimate, filterCostFromMacs, inputFilter, parseRate, resolutionSweep,
  type Battery, type DutyCycle,
} from '../../core/whatif';
import { PIN_HELP, startCommand, parseInputShapes, parseInputValues, parseNumber } from '../args';
import { EXIT_ERROR, EXIT_OK, type CliIO } from '../io';
import { deviceFor, registryFor } from './devices';

export const summary = 'what-ifs for input resolution, inference rate / battery life and input filtering';

const HELP = `usage: aiot-lens whatif MODEL --device ID [--resolution 1,0.75,0.5] [--rate 2/s]
                       [--battery-mah N --battery-v V] [--skip-ratio R (--filter-macs M | --filter-model F)]
                       [--input-shape NAME=DIMS]... [--value NAME=N]... [--profiles FILE_OR_DIR]... [--json]

  --resolution LIST   scales of the spatial input dims to try (default 1,0.875,0.75,0.5)
  --rate R            inferences per second, minute or hour: 2/s, 30/min, 4/h
  --battery-mah N --battery-v V   battery for the battery-life figures
  --skip-ratio R      share of inputs a cheap filter discards (0..1)
  --filter-macs M     the filter's cost as a MAC count, or
  --filter-model F    the filter as an .onnx model (estimated on the same device)
${PIN_HELP}`;

export async function run(argv: string[], io: CliIO): Promise<number> {
  const started = startCommand('whatif', argv, io, {
    device: { type: 'string' }, resolution: { type: 'string' }, rate: { type: 'string' }, 'battery-mah': { type: 'string' },
    'battery-v': { type: 'string' }, 'skip-ratio': { type: 'string' }, 'filter-macs': { type: 'string' }, 'filter-model': { type: 'string' },
    'input-shape': { type: 'string', multiple: true }, value: { type: 'string', multiple: true }, profiles: { type: 'string', multiple: true }, json: { type: 'boolean' },
  }, HELP, 1);
  if ('exit' in started) return started.exit;
  const { values, positionals } = started;
  const fail = (m: string) => (io.err(`aiot-lens whatif: ${m}\n`), EXIT_ERROR);
  if (typeof values['device'] !== 'string') return fail(`--device ID is required\n${HELP}`);

  const scales = String(values['resolution'] ?? '1,0.875,0.75,0.5').split(',').map(Number);
  if (scales.some((s) => !Number.isFinite(s) || s <= 0 || s > 8)) return fail(`--resolution expects scales such as 1,0.75,0.5, got '${String(values['resolution'])}'`);
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

  const base = estimate(estimateInputOf(a.value, device.value), device.value);
  const resolution = resolutionSweep(a.value, device.value, scales);
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
    baseline: { latencyMs: base.latencyMs, energyMj: base.energyMj, peakRamBytes: base.peakRamBytes, flashBytes: base.flashBytes },
    resolution,
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
  const lines = [`${file} on ${device.value.id}: ${formatMs(base.latencyMs)}, ${base.energyMj.toFixed(2)} mJ per inference`, '', '  input resolution'];
  const table = textTable(
    ['scale', 'input', 'MACs', 'latency', 'peak RAM', 'energy', 'fits'],
    resolution.map((p) => [
      p.scale.toString(), Object.values(p.inputShapes).map((s) => s.join('x')).join(' '),
      p.ok ? formatCount(p.macs!) : '-', p.ok ? formatMs(p.latencyMs!) : '-', p.ok ? formatBytes(p.peakRamBytes!) : '-',
      p.ok ? `${p.energyMj!.toFixed(2)} mJ` : '-', p.ok ? (p.fits!.memory && p.fits!.storage ? 'yes' : 'no') : `cannot: ${p.reason}`,
    ]),
  );
  lines.push(...table.split('\n').map((l) => `  ${l}`));
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
