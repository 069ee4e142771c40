// The input-filter pipeline: run the model on the user's samples, label each redundant or not by the user's rule,
// learn a cheap filter on features of the raw input, choose its threshold for a target recall, export it as ONNX,
// check ORT against the TypeScript predictions, and cost it on a device with the what-if's own arithmetic.

import { analyzeModel, analyzeModelFileSync } from '../analyze';
import type { DeviceProfile } from '../devices/types';
import { estimate, estimateInputOf } from '../estimate';
import { encodeModel } from '../onnx/encode';
import { createSession, ort, type Session } from '../runtime';
import { LensException } from '../result';
import { filterCostFromEstimate, inputFilter, type Battery, type FilterWhatIf } from '../whatif';
import { FILTER_INPUT, FILTER_KEEP, FILTER_SCORE, filterModel } from './export';
import { checkFeatures, computeAll, defaultFeatures, featureLabels, HISTORY_INPUT, HISTORY_OUTPUT, HISTORY_START, inputView, MOTION_INPUT, MOTION_OUTPUT, motionStart, type FeatureName } from './features';
import { loadSamples, type FilterSample, type Preprocess } from './samples';
import { chooseThreshold, curve, metrics, outOfFold, predict, split, splitByGroup, train, type Classifier, type Metrics, type ModelKind } from './train';

export type Rule =
  | { kind: 'nothing-class'; classIndex: number }
  | { kind: 'max-below'; threshold: number }
  | { kind: 'unchanged'; tolerance: number };

/** `nothing-class:K`, `max-below:T`, `unchanged:TOL`. */
export function parseRule(text: string): Rule {
  const m = /^(nothing-class|max-below|unchanged):(-?[\d.]+(?:e-?\d+)?)$/.exec(text.trim());
  const v = m ? Number(m[2]) : NaN;
  if (!m || !Number.isFinite(v)) throw new LensException('invalid-argument', `--rule expects nothing-class:K, max-below:T or unchanged:TOL, got '${text}'`);
  if (m[1] === 'nothing-class') {
    if (!Number.isInteger(v) || v < 0) throw new LensException('invalid-argument', `--rule nothing-class:K takes a class index (0, 1, ...), got '${m[2]}'`);
    return { kind: 'nothing-class', classIndex: v };
  }
  if (m[1] === 'unchanged') {
    if (v < 0) throw new LensException('invalid-argument', '--rule unchanged:TOL takes a tolerance of at least 0');
    return { kind: 'unchanged', tolerance: v };
  }
  return { kind: 'max-below', threshold: v };
}

export function describeRule(r: Rule): string {
  if (r.kind === 'nothing-class') return `redundant when the top-1 class is ${r.classIndex}`;
  if (r.kind === 'max-below') return `redundant when the highest output value is below ${r.threshold}`;
  return `redundant when no output value moved more than ${r.tolerance} since the previous sample (name order)`;
}

/** Redundant (true) or not, from the outputs the rule reads of this sample and of the previous one. */
export function isRedundant(rule: Rule, out: Float64Array, previous: Float64Array | undefined): boolean {
  if (rule.kind === 'max-below') return out.reduce((a, b) => Math.max(a, b), -Infinity) < rule.threshold;
  if (rule.kind === 'nothing-class') {
    let best = 0;
    for (let i = 1; i < out.length; i++) if (out[i]! > out[best]!) best = i;
    return best === rule.classIndex;
  }
  if (!previous || previous.length !== out.length) return false;
  for (let i = 0; i < out.length; i++) if (Math.abs(out[i]! - previous[i]!) > rule.tolerance) return false;
  return true;
}

export interface FilterOptions {
  modelPath: string;
  samplesDir: string;
  preprocess: Preprocess;
  rule: Rule;
  /** Outputs the rule reads (default: the model's first output). */
  outputs?: string[];
  /** Target recall of non-redundant inputs (default 0.99). */
  recall?: number;
  features?: FeatureName[];
  kind?: ModelKind;
  seed?: number;
  /** Share of samples held out for the reported figures (default 0.3). */
  heldOutShare?: number;
  /**
   * 'sample' (default): samples at random, stratified; 'stream': whole streams (recordings, cameras) held out, and
   * the threshold's folds are whole streams too — figures for recordings the filter never saw.
   */
  splitBy?: 'sample' | 'stream';
  device: DeviceProfile;
  ratePerSecond?: number;
  battery?: Battery;
  /** Called as work advances; return true to cancel (ends with a `cancelled` error). */
  progress?: (stage: string, done: number, total: number) => boolean | void;
}

export interface CurvePoint {
  threshold: number;
  recall: number;
  skipRatio: number;
}

export interface FilterReport {
  model: string;
  samples: { dir: string; count: number; files: number; redundant: number; nonRedundant: number };
  rule: string;
  outputs: string[];
  input: { name: string; dims: number[]; kind: 'image' | 'sequence'; layout?: string };
  features: { names: FeatureName[]; count: number };
  modelKind: ModelKind;
  seed: number;
  targetRecall: number;
  threshold: number;
  split: { by: 'sample' | 'stream'; train: number; heldOut: number; heldOutStreams?: string[] };
  /** Figures on the held-out samples: the ones to quote. */
  heldOut: Metrics & { meetsTarget: boolean };
  /** Out-of-fold figures of the training split, where the threshold was chosen. */
  training: Metrics;
  curve: { heldOut: CurvePoint[]; training: CurvePoint[] };
  filter: {
    macs: number;
    params: number;
    latencyMs: number;
    energyMj: number;
    energyMjRange: [number, number];
    basis: string;
    /** The exported ONNX run in onnxruntime on every sample against the TypeScript filter. */
    verify: { samples: number; maxAbsDiff: number; decisionsDiffer: number };
  };
  device: string;
  /** The model per inference on the device, with the estimator's interval (`rangeBasis` says what it is). */
  modelCost: { latencyMs: number; energyMj: number; latencyMsRange: [number, number]; energyMjRange: [number, number]; rangeBasis: string };
  /**
   * Energy per input without and with the filter at the ends of the estimator's intervals (model and filter at the
   * same end: both are estimated on the same profile, so its error moves them together).
   */
  energyPerInputMjRange: { without: [number, number]; with: [number, number] };
  /** The same figures `whatif --skip-ratio` prints, with the held-out skip ratio and the exported filter's cost. */
  whatif: FilterWhatIf;
  notes: string[];
}

export interface FilterResult {
  report: FilterReport;
  /** filter.onnx bytes. */
  onnx: Uint8Array;
  classifier: Classifier;
}

/** A tensor of the type and dims ORT expects, filled with one value. */
function filled(type: string, dims: number[], value: number): unknown {
  const O = ort();
  const n = dims.reduce((a, b) => a * b, 1);
  if (type === 'int64') return new O.Tensor('int64', new BigInt64Array(n).fill(BigInt(Math.round(value))), dims);
  if (type === 'int32') return new O.Tensor('int32', new Int32Array(n).fill(value), dims);
  if (type === 'float32') return new O.Tensor('float32', new Float32Array(n).fill(value), dims);
  if (type === 'float64') return new O.Tensor('float64', new Float64Array(n).fill(value), dims);
  throw new LensException('unsupported', `input of type ${type} cannot be filled with a value`);
}

function concreteDims(shape: (number | string | null)[]): number[] {
  return shape.map((d) => (typeof d === 'number' && d > 0 ? d : 1));
}

/** Runs the model on every sample (streams carry state within a file); returns the outputs the rule reads. */
async function modelOutputs(s: Session, samples: FilterSample[], primary: string, o: FilterOptions, outputs: string[]): Promise<Float64Array[]> {
  const O = ort();
  const pre = o.preprocess;
  const carry = pre.carry ?? {};
  const values = pre.values ?? {};
  for (const out of Object.values(carry)) if (!s.outputNames.includes(out)) throw new LensException('invalid-argument', `--preprocess carry names output '${out}', which the model does not have (outputs: ${s.outputNames.join(', ')})`);
  for (const input of s.inputs) {
    if (input.name === primary) continue;
    if (values[input.name] === undefined) {
      throw new LensException('invalid-argument', `input '${input.name}' is not fed by the samples: give its value in --preprocess (e.g. {"values": {"${input.name}": 0}}${carry[input.name] ? '' : ', and "carry" for stream state'})`);
    }
  }
  const res: Float64Array[] = [];
  let state: Record<string, unknown> = {};
  let file = '';
  for (let i = 0; i < samples.length; i++) {
    const sm = samples[i]!;
    if (sm.stream !== file) { state = {}; file = sm.stream; }
    const feeds: Record<string, unknown> = { [primary]: new O.Tensor('float32', sm.input.data, sm.input.dims) };
    for (const input of s.inputs) {
      if (input.name === primary) continue;
      feeds[input.name] = state[input.name] ?? filled(input.type, concreteDims(input.shape), values[input.name]!);
    }
    let r;
    try {
      r = await s.run(feeds);
    } catch (e) {
      throw new LensException('runtime', `onnxruntime cannot run the model on ${sm.name}: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}`);
    }
    for (const [inp, out] of Object.entries(carry)) { const t = r[out]!; state[inp] = new O.Tensor(t.type, t.data, t.dims); }
    const parts = outputs.map((n) => r[n]!.data);
    const flat = new Float64Array(parts.reduce((a, p) => a + p.length, 0));
    let k = 0;
    for (const p of parts) for (let j = 0; j < p.length; j++) flat[k++] = Number(p[j]!);
    res.push(flat);
    if (o.progress?.('running the model', i + 1, samples.length)) throw new LensException('cancelled', 'cancelled');
  }
  return res;
}

export async function learnFilter(o: FilterOptions): Promise<FilterResult> {
  const recall = o.recall ?? 0.99;
  const seed = o.seed ?? 1;
  const kind = o.kind ?? 'logistic';
  const heldOutShare = o.heldOutShare ?? 0.3;
  if (!(recall > 0 && recall <= 1)) throw new LensException('invalid-argument', '--recall must be above 0 and at most 1');
  const s = await createSession(o.modelPath);
  let samples: FilterSample[];
  let outs: Float64Array[];
  const outputs = o.outputs?.length ? o.outputs : [s.outputNames[0]!];
  let primary: string;
  try {
    primary = o.preprocess.input ?? s.inputs[0]!.name;
    const meta = s.inputs.find((i) => i.name === primary);
    if (!meta) throw new LensException('invalid-argument', `--preprocess input '${primary}' is not an input of the model (inputs: ${s.inputNames.join(', ')})`);
    if (meta.type !== 'float32') throw new LensException('unsupported', `input '${primary}' is ${meta.type}; the filter reads float32 inputs`);
    for (const n of outputs) if (!s.outputNames.includes(n)) throw new LensException('invalid-argument', `--output '${n}' is not an output of the model (outputs: ${s.outputNames.join(', ')})`);
    samples = loadSamples(o.samplesDir, meta, o.preprocess, (f) => o.progress?.(`reading ${f}`, 0, 1));
    outs = await modelOutputs(s, samples, primary, o, outputs);
  } finally {
    await s.release();
  }
  const dims = samples[0]!.input.dims;
  if (samples.some((x) => x.input.dims.join('x') !== dims.join('x'))) throw new LensException('invalid-argument', 'the samples give the input different dims; the filter needs one size');
  const y = outs.map((out, i) => (isRedundant(o.rule, out, i > 0 && samples[i - 1]!.stream === samples[i]!.stream ? outs[i - 1] : undefined) ? 0 : 1));
  const positives = y.reduce((a: number, b) => a + b, 0);
  if (positives === 0 || positives === y.length) {
    throw new LensException('invalid-argument', `by the rule (${describeRule(o.rule)}) ${positives === 0 ? 'every' : 'no'} sample is redundant: a filter needs both kinds; check --rule and --output`);
  }
  const view = inputView(dims);
  const features = o.features?.length ? o.features : defaultFeatures(view);
  checkFeatures(view, features);
  const streams = samples.map((x) => x.stream);
  const X = computeAll(view, features, samples.map((x) => x.input), streams);
  const motion = view.kind === 'image' && features.includes('motion');
  const stream = view.kind === 'sequence' && features.includes('history');

  const byStream = o.splitBy === 'stream';
  const streamCount = new Set(streams).size;
  if (byStream && streamCount < 3) throw new LensException('invalid-argument', `--split stream needs at least 3 streams (recordings or cameras); the samples hold ${streamCount}`);
  const sp = byStream ? splitByGroup(streams, y, heldOutShare, seed) : split(y, heldOutShare, seed);
  if (sp.heldOut.length === 0 || sp.train.length < 10) throw new LensException('invalid-argument', `${samples.length} samples are too few to train and hold out; give at least 20`);
  const Xt = sp.train.map((i) => X[i]!), yt = sp.train.map((i) => y[i]!);
  if (yt.every((v) => v === yt[0])) throw new LensException('invalid-argument', 'the training split holds one kind of sample only; give more streams or samples');
  o.progress?.('training', 0, 1);
  const trainStreams = sp.train.map((i) => streams[i]!);
  // Folds of whole streams need two or more training streams; with one, the folds fall back to samples.
  const streamFolds = byStream && new Set(trainStreams).size >= 2;
  const oof = outOfFold(Xt, yt, streamFolds ? Math.min(5, new Set(trainStreams).size) : 5, { kind, seed }, streamFolds ? trainStreams : undefined);
  const threshold = chooseThreshold(oof, yt, recall);
  const clf = train(Xt, yt, { kind, seed });
  if (o.progress?.('training', 1, 1)) throw new LensException('cancelled', 'cancelled');
  const scores = X.map((f) => predict(clf, f));
  const hs = sp.heldOut.map((i) => scores[i]!), hy = sp.heldOut.map((i) => y[i]!);
  const held = metrics(hs, hy, threshold);

  // Export and check the ONNX filter against the TypeScript one on every sample.
  const doc = `AIoT Lens input filter for ${o.modelPath}: ${kind} on ${features.join(', ')}; keep when keepScore >= ${threshold} (${describeRule(o.rule)})`;
  const model = filterModel(view, features, clf, threshold, doc);
  const enc = encodeModel(model);
  if (!enc.ok) throw new LensException(enc.error.code, `cannot encode the filter: ${enc.error.message}`);
  const fs = await createSession(enc.value, {}, 'the exported filter');
  let maxAbsDiff = 0, decisionsDiffer = 0;
  try {
    const O = ort();
    // Stream state runs through ORT's own historyNext, as it would on the device.
    let history: unknown, background: unknown;
    for (let i = 0; i < samples.length; i++) {
      if (i === 0 || streams[i] !== streams[i - 1]) {
        history = new O.Tensor('float32', Float32Array.from([HISTORY_START]), [1, 1]);
        const start = motionStart(view, samples[i]!.input.data);
        background = new O.Tensor('float32', Float32Array.from(start), [1, start.length]);
      }
      const r = await fs.run({
        [FILTER_INPUT]: new O.Tensor('float32', samples[i]!.input.data, dims),
        ...(stream ? { [HISTORY_INPUT]: history } : {}), ...(motion ? { [MOTION_INPUT]: background } : {}),
      });
      if (stream) history = r[HISTORY_OUTPUT];
      if (motion) background = r[MOTION_OUTPUT];
      const sc = Number(r[FILTER_SCORE]!.data[0]);
      maxAbsDiff = Math.max(maxAbsDiff, Math.abs(sc - scores[i]!));
      if (Boolean(Number(r[FILTER_KEEP]!.data[0])) !== scores[i]! >= threshold) decisionsDiffer++;
      if (o.progress?.('checking the exported filter', i + 1, samples.length)) throw new LensException('cancelled', 'cancelled');
    }
  } finally {
    await fs.release();
  }

  // Cost: the exported filter and the model, both through the estimator on the device.
  const fa = analyzeModel(model, { path: 'filter.onnx' });
  const fe = estimate(estimateInputOf(fa, o.device), o.device);
  const cost = filterCostFromEstimate(fe, 'the exported filter');
  const pins: Record<string, number[]> = { [primary]: dims };
  const inputValues: Record<string, number> = {};
  const ma0 = analyzeModelFileSync(o.modelPath);
  if (!ma0.ok) throw new LensException(ma0.error.code, ma0.error.message, o.modelPath);
  for (const v of ma0.value.report.inputs) {
    if (v.name === primary || !v.shape) continue;
    const d = concreteDims(v.shape);
    pins[v.name] = d;
    const value = o.preprocess.values?.[v.name];
    if (value !== undefined && d.reduce((a, b) => a * b, 1) === 1 && !o.preprocess.carry?.[v.name]) inputValues[v.name] = value;
  }
  const ma = analyzeModelFileSync(o.modelPath, { inputShapes: pins, inputValues });
  if (!ma.ok) throw new LensException(ma.error.code, ma.error.message, o.modelPath);
  const me = estimate(estimateInputOf(ma.value, o.device), o.device);
  const whatif = inputFilter({ latencyMs: me.latencyMs, energyMj: me.energyMj }, cost, held.skipRatio, o.device, o.ratePerSecond, o.battery);

  const notes: string[] = [];
  if (held.recall < recall) {
    notes.push(`held-out recall ${(100 * held.recall).toFixed(1)}% misses the target ${(100 * recall).toFixed(1)}%: ${held.missed} of ${held.positives} non-redundant held-out inputs would be skipped; give more samples or a lower target`);
  }
  if (hy.filter((v) => v === 1).length < Math.ceil(1 / Math.max(1e-9, 1 - recall))) {
    notes.push(`the held-out split has ${held.positives} non-redundant inputs: too few to resolve a recall of ${recall} (one miss is ${(100 / Math.max(1, held.positives)).toFixed(1)}%)`);
  }
  if (byStream && !streamFolds) notes.push('one stream is left for training: the threshold was chosen on folds of its samples, not of whole streams');
  if (decisionsDiffer > 0) notes.push(`the exported filter decides differently from the TypeScript one on ${decisionsDiffer} sample(s) (float32 scores at the threshold)`);
  if (!byStream && streamCount < samples.length) notes.push('samples of one stream (windows of a file, numbered frames) are split between training and held-out at random: neighbours are alike, so held-out figures lean optimistic for new recordings (--split stream holds out whole streams)');

  const fileCount = new Set(samples.map((x) => x.file)).size;
  const report: FilterReport = {
    model: o.modelPath,
    samples: { dir: o.samplesDir, count: samples.length, files: fileCount, redundant: y.length - positives, nonRedundant: positives },
    rule: describeRule(o.rule), outputs,
    input: { name: primary, dims, kind: view.kind, ...(view.kind === 'image' ? { layout: view.layout } : {}) },
    features: { names: features, count: featureLabels(view, features).length },
    modelKind: kind, seed, targetRecall: recall, threshold,
    split: { by: byStream ? 'stream' : 'sample', train: sp.train.length, heldOut: sp.heldOut.length, ...(byStream ? { heldOutStreams: [...new Set(sp.heldOut.map((i) => streams[i]!))] } : {}) },
    heldOut: { ...held, meetsTarget: held.positives > 0 && held.recall >= recall },
    training: metrics(oof, yt, threshold),
    curve: { heldOut: curve(hs, hy), training: curve(oof, yt) },
    filter: {
      macs: fa.report.totals.macs, params: fa.report.totals.params, latencyMs: cost.latencyMs, energyMj: cost.energyMj, energyMjRange: fe.energyMjRange, basis: cost.basis,
      verify: { samples: samples.length, maxAbsDiff, decisionsDiffer },
    },
    device: o.device.id,
    modelCost: { latencyMs: me.latencyMs, energyMj: me.energyMj, latencyMsRange: me.latencyMsRange, energyMjRange: me.energyMjRange, rangeBasis: `${Math.round(100 * me.range.level)}% interval: ${me.range.basis}` },
    energyPerInputMjRange: {
      without: me.energyMjRange,
      with: [fe.energyMjRange[0] + (1 - held.skipRatio) * me.energyMjRange[0], fe.energyMjRange[1] + (1 - held.skipRatio) * me.energyMjRange[1]],
    },
    whatif, notes,
  };
  return { report, onnx: enc.value, classifier: clf };
}
