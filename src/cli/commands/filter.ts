// `aiot-lens filter MODEL --samples DIR --device ID`: learn a cheap input filter from the user's samples, measure its
// skip ratio and recall on held-out samples, export it as ONNX, and print what it saves (the what-if's figures).

import { existsSync, readFileSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { writeFileAtomic } from '../../core/atomicWrite';
import { FEATURE_NAMES, learnFilter, parsePreprocess, parseRule, reportPathFor, type FeatureName, type FilterReport, type ModelKind, type Preprocess } from '../../core/filter';
import { formatCount, formatMs } from '../../core/format';
import { catchLensAsync } from '../../core/result';
import { parseRate, type Battery, type DutyCycle } from '../../core/whatif';
import { asList, parseNumber, startCommand } from '../args';
import { EXIT_ERROR, EXIT_OK, type CliIO } from '../io';
import { deviceFor, registryFor } from './devices';

export const summary = 'learn a cheap input filter from your samples: measured skip ratio, recall, cost and battery life';

const HELP = `usage: aiot-lens filter MODEL --samples DIR --device ID [--rule RULE] [--output NAME]... [--preprocess JSON|@FILE]
                      [--recall 0.99] [--features LIST] [--model-kind logistic|mlp] [--seed N] [--held-out 0.3] [--split sample|stream]
                      [--out filter.onnx [--force]] [--save-report] [--rate R] [--battery-mah N --battery-v V] [--profiles F]... [--json]

  --samples DIR       the inputs to learn from, in name order: .npy / .pb tensors, PNG/JPEG images, 16-bit WAV audio;
                      DIR/filter.json, when present, gives defaults for preprocess, rule, output, recall, features,
                      model-kind and rate (e.g. {"preprocess": {...}, "rule": "max-below:0.5", "output": ["output"]})
  --preprocess JSON   how images and audio become the model's input (inline JSON or @file.json):
                      {"input": NAME, "image": {"width": W, "height": H, "layout": "NCHW"|"NHWC", "channels": "rgb"|"bgr"|"gray",
                       "scale": 0.00392, "mean": [..], "std": [..]}, "audio": {"sampleRate": 16000, "window": N, "hop": M},
                       "values": {"sr": 16000, "state": 0}, "carry": {"state": "stateN"}}
                      value = (pixel x scale - mean) / std; audio is cut into windows; other inputs take "values"; "carry"
                      feeds an input from an output of the previous window of the same file (stream state)
  --rule RULE         when the model's answer is redundant (default max-below:0.5):
                      nothing-class:K  top-1 class is K;  max-below:T  the highest value is below T;
                      unchanged:TOL    no value moved more than TOL since the previous sample
  --output NAME       output(s) the rule reads (repeatable, or comma-separated; default: the first output)
  --recall R          share of non-redundant inputs the filter must keep (default 0.99)
  --features LIST     ${FEATURE_NAMES.join(', ')} (images: pool,edges,stats; audio: energy,zcr by default)
  --model-kind K      logistic (default) or mlp (one hidden layer of 8)
  --held-out S        share of samples held out for the reported figures (default 0.3)
  --split sample|stream  hold out samples at random (default) or whole streams (a WAV file's windows; frames named
                      alike but for a trailing number), so the figures are for recordings the filter never saw
  --out FILE          write the filter as ONNX (input: the model's input; outputs keepScore, keep)
  --force             replace an existing --out file
  --save-report       write (or replace) MODEL.filter.json beside the model (the advisor reads it); the model is not modified
  --rate R            inputs per second for the duty cycle and battery figures (2/s, 30/min); audio defaults to its hop rate
  --battery-mah N --battery-v V   battery for the battery-life figures`;

export async function run(argv: string[], io: CliIO): Promise<number> {
  const started = startCommand('filter', argv, io, {
    samples: { type: 'string' }, device: { type: 'string' }, rule: { type: 'string' }, output: { type: 'string', multiple: true },
    preprocess: { type: 'string' }, recall: { type: 'string' }, features: { type: 'string' }, 'model-kind': { type: 'string' },
    seed: { type: 'string' }, 'held-out': { type: 'string' }, split: { type: 'string' }, out: { type: 'string' }, force: { type: 'boolean' }, 'save-report': { type: 'boolean' },
    rate: { type: 'string' }, 'battery-mah': { type: 'string' }, 'battery-v': { type: 'string' }, profiles: { type: 'string', multiple: true },
    json: { type: 'boolean' },
  }, HELP, 1);
  if ('exit' in started) return started.exit;
  const { values, positionals } = started;
  const fail = (m: string) => (io.err(`aiot-lens filter: ${m}\n`), EXIT_ERROR);
  const abs = (p: string) => (isAbsolute(p) ? p : resolve(io.cwd, p));
  if (typeof values['samples'] !== 'string') return fail(`--samples DIR is required\n${HELP}`);
  if (typeof values['device'] !== 'string') return fail(`--device ID is required\n${HELP}`);

  // DIR/filter.json (when present) gives defaults for the flags below: the folder says how its samples are read.
  const configPath = join(abs(values['samples']), 'filter.json');
  if (existsSync(configPath)) {
    let config: Record<string, unknown>;
    try {
      config = JSON.parse(readFileSync(configPath, 'utf8')) as Record<string, unknown>;
    } catch (e) {
      return fail(`${configPath} is not valid JSON: ${(e as Error).message}`);
    }
    const known = ['preprocess', 'rule', 'output', 'recall', 'features', 'model-kind', 'rate', 'split'];
    const unknown = Object.keys(config).filter((k) => !known.includes(k));
    if (unknown.length) return fail(`${configPath}: unknown field(s) ${unknown.join(', ')} (fields: ${known.join(', ')})`);
    for (const k of known) {
      if (config[k] === undefined || values[k] !== undefined) continue;
      const v = config[k];
      values[k] = k === 'preprocess' ? JSON.stringify(v) : k === 'output' ? (Array.isArray(v) ? v.map(String) : [String(v)]) : String(v);
    }
  }
  let preprocess: Preprocess = {};
  if (typeof values['preprocess'] === 'string') {
    const text = values['preprocess'];
    let raw: string;
    try {
      raw = text.startsWith('@') ? readFileSync(abs(text.slice(1)), 'utf8') : text;
    } catch {
      return fail(`--preprocess ${text}: the file cannot be read`);
    }
    try {
      preprocess = parsePreprocess(JSON.parse(raw));
    } catch (e) {
      return fail(e instanceof SyntaxError ? `--preprocess is not valid JSON: ${e.message}` : (e as Error).message);
    }
  }
  let rule;
  try {
    rule = parseRule(String(values['rule'] ?? 'max-below:0.5'));
  } catch (e) {
    return fail((e as Error).message);
  }
  const nums = {
    recall: parseNumber('recall', values['recall']), seed: parseNumber('seed', values['seed']), held: parseNumber('held-out', values['held-out']),
    mah: parseNumber('battery-mah', values['battery-mah']), volts: parseNumber('battery-v', values['battery-v']),
  };
  for (const r of Object.values(nums)) if (!r.ok) return fail(r.error.message);
  const num = (k: keyof typeof nums) => (nums[k].ok ? nums[k].value : undefined);
  const recall = num('recall');
  if (recall !== undefined && !(recall > 0 && recall <= 1)) return fail('--recall must be above 0 and at most 1, e.g. 0.99');
  const held = num('held');
  if (held !== undefined && !(held > 0 && held < 1)) return fail('--held-out must be between 0 and 1, e.g. 0.3');
  const seed = num('seed');
  if (seed !== undefined && !Number.isInteger(seed)) return fail('--seed must be an integer');
  if ((num('mah') !== undefined) !== (num('volts') !== undefined)) return fail('--battery-mah and --battery-v go together');
  const battery: Battery | undefined = num('mah') !== undefined ? { mAh: num('mah')!, volts: num('volts')! } : undefined;
  let rate: number | undefined;
  if (values['rate'] !== undefined) {
    rate = parseRate(String(values['rate']));
    if (rate === undefined) return fail(`--rate expects a rate such as 2/s, 30/min or 4/h, got '${String(values['rate'])}'`);
  } else if (preprocess.audio) {
    rate = preprocess.audio.sampleRate / (preprocess.audio.hop ?? preprocess.audio.window);
  }
  const splitBy = String(values['split'] ?? 'sample');
  if (splitBy !== 'sample' && splitBy !== 'stream') return fail(`--split is sample or stream, got '${splitBy}'`);
  const kind = String(values['model-kind'] ?? 'logistic');
  if (kind !== 'logistic' && kind !== 'mlp') return fail(`--model-kind is logistic or mlp, got '${kind}'`);
  let features: FeatureName[] | undefined;
  if (typeof values['features'] === 'string') {
    features = values['features'].split(',').map((f) => f.trim()).filter(Boolean) as FeatureName[];
    const unknown = features.filter((f) => !FEATURE_NAMES.includes(f));
    if (unknown.length || !features.length) return fail(`--features takes ${FEATURE_NAMES.join(', ')}; got '${values['features']}'`);
  }
  const outputs = asList(values['output']).flatMap((o) => o.split(',')).map((o) => o.trim()).filter(Boolean);

  const reg = registryFor(io, values['profiles']);
  if (!reg.ok) return fail(reg.error.message);
  const device = deviceFor(reg.value, values['device']);
  if (!device.ok) return fail(device.error.message);
  const model = abs(positionals[0]!);

  const r = await catchLensAsync(() => learnFilter({
    modelPath: model, samplesDir: abs(values['samples'] as string), preprocess, rule, outputs,
    ...(recall !== undefined ? { recall } : {}), ...(features ? { features } : {}), kind: kind as ModelKind,
    ...(seed !== undefined ? { seed } : {}), ...(held !== undefined ? { heldOutShare: held } : {}), splitBy,
    device: device.value, ...(rate !== undefined ? { ratePerSecond: rate } : {}), ...(battery ? { battery } : {}),
  }), model);
  if (!r.ok) return fail(r.error.message);
  const report: FilterReport & { written?: { onnx?: string; report?: string } } = r.value.report;
  const written: { onnx?: string; report?: string } = {};
  if (typeof values['out'] === 'string') {
    const out = abs(values['out']);
    if (out === model) return fail('--out would overwrite the model; choose another file');
    const w = writeFileAtomic(out, r.value.onnx, { force: values['force'] === true });
    if (!w.ok) return fail(`${values['out']}: ${w.error.message}`);
    written.onnx = out;
  }
  if (values['save-report']) {
    const p = reportPathFor(model);
    // The command that made it, so the advisor can print it (arguments quoted for a POSIX shell).
    const command = ['aiot-lens', 'filter', ...argv].map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`)).join(' ');
    const w = writeFileAtomic(p, `${JSON.stringify({ ...report, command, ...(written.onnx ? { filterPath: written.onnx } : {}) }, null, 2)}\n`, { force: true });
    if (!w.ok) return fail(w.error.message);
    written.report = p;
  }
  if (written.onnx || written.report) report.written = written;

  if (values['json']) {
    io.out(`${JSON.stringify(report, null, 2)}\n`);
    return EXIT_OK;
  }
  io.out(formatReport(report, dirname(model)) + '\n');
  return EXIT_OK;
}

const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
const range = (r: [number, number]) => `${r[0].toFixed(3)}–${r[1].toFixed(3)}`;

function formatReport(r: FilterReport & { written?: { onnx?: string; report?: string } }, _modelDir: string): string {
  const h = r.heldOut;
  const w = r.whatif;
  const lines = [
    `${r.model}: input filter from ${r.samples.count} samples (${r.samples.files} files in ${r.samples.dir})`,
    `  rule: ${r.rule} [${r.outputs.join(', ')}]: ${r.samples.redundant} redundant, ${r.samples.nonRedundant} not`,
    `  filter: ${r.modelKind} on ${r.features.names.join(', ')} (${r.features.count} features) of '${r.input.name}' ${r.input.dims.join('x')}; keep when score >= ${r.threshold.toPrecision(4)} (chosen on out-of-fold scores of ${r.split.train} training samples for recall ${pct(r.targetRecall)})`,
    ...(r.split.heldOutStreams ? [`  held out whole streams: ${r.split.heldOutStreams.join(', ')}`] : []),
    `  held-out (${h.count} samples, ${h.positives} not redundant): skips ${pct(h.skipRatio)}, recall ${pct(h.recall)}${h.missed ? ` (${h.missed} missed)` : ''}, precision ${h.precision === undefined ? '-' : pct(h.precision)}${h.meetsTarget ? '' : '  BELOW TARGET'}`,
    `  training (out-of-fold): skips ${pct(r.training.skipRatio)}, recall ${pct(r.training.recall)}`,
    `  exported filter: ${formatCount(r.filter.macs)} MACs, ${r.filter.params} parameters; ${formatMs(r.filter.latencyMs)}, ${r.filter.energyMj.toFixed(4)} mJ on ${r.device}`,
    `  ONNX vs TypeScript on ${r.filter.verify.samples} samples: max |score diff| ${r.filter.verify.maxAbsDiff.toExponential(2)}, ${r.filter.verify.decisionsDiffer} decisions differ`,
    `  on ${r.device}: model ${formatMs(r.modelCost.latencyMs)} (${formatMs(r.modelCost.latencyMsRange[0])}–${formatMs(r.modelCost.latencyMsRange[1])}), ${r.modelCost.energyMj.toFixed(3)} mJ per inference (${r.modelCost.rangeBasis})`,
    `    without filter: ${w.without.energyPerInputMj.toFixed(3)} mJ/input (${range(r.energyPerInputMjRange.without)}), up to ${w.without.maxInputsPerSecond.toFixed(1)} inputs/s${w.without.duty ? `; ${duty(w.without.duty)}` : ''}`,
    `    with filter:    ${w.with.energyPerInputMj.toFixed(3)} mJ/input (${range(r.energyPerInputMjRange.with)}), up to ${w.with.maxInputsPerSecond.toFixed(1)} inputs/s${w.with.duty ? `; ${duty(w.with.duty)}` : ''}`,
    `    ${pct(w.energySaving)} less energy per input, ${w.throughputGainX.toFixed(2)}x throughput`,
  ];
  for (const n of r.notes) lines.push(`  note: ${n}`);
  if (r.written?.onnx) lines.push(`  wrote ${r.written.onnx}`);
  if (r.written?.report) lines.push(`  wrote ${r.written.report}`);
  return lines.join('\n');
}

function duty(d: DutyCycle): string {
  const rate = d.ratePerSecond >= 1 ? `${+d.ratePerSecond.toFixed(3)}/s` : `${+(d.ratePerSecond * 60).toFixed(3)}/min`;
  const power = d.averagePowerW >= 1e-3 ? `${(d.averagePowerW * 1e3).toFixed(2)} mW` : `${(d.averagePowerW * 1e6).toFixed(1)} µW`;
  const life = d.batteryLifeHours === undefined ? '' : `, battery ${d.batteryLifeHours >= 48 ? `${(d.batteryLifeHours / 24).toFixed(1)} days` : `${d.batteryLifeHours.toFixed(1)} h`}`;
  return `at ${rate} busy ${(100 * d.busyFraction).toFixed(1)}%${d.keepsUp ? '' : ' (cannot keep up)'}, ${power}${life}`;
}
