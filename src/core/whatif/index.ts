// The sensor-data module's what-ifs: input resolution (images' spatial axes), window length (sequences' time axis),
// inference rate and battery life, and a cheap input filter that skips redundant inputs (InFi/Reducto-style), each
// re-estimated on a device profile.

import { analyzeModel, type Analysis } from '../analyze';
import type { DeviceProfile } from '../devices/types';
import { estimate, estimateInputOf, type Estimate } from '../estimate';
import type { Shape } from '../onnx/ir';
import { resizeInput } from '../passes/resize-input';
import { inputAxes, modelInputAxes } from './axes';

export { describeAxes, inputAxes, modelInputAxes, type InputAxes, type InputKind } from './axes';

export interface ResolutionPoint {
  scale: number;
  /** New dims of every input the sweep changes. */
  inputShapes: Record<string, number[]>;
  /** Which axes of each input were scaled (spatial H/W for resolution, the time axis for windows). */
  scaledAxes: Record<string, number[]>;
  /** false when the model cannot take this size (the reason says which node breaks). */
  ok: boolean;
  reason?: string;
  macs?: number;
  latencyMs?: number;
  /** Interval from the device profile's fit (Estimate.latencyMsRange). */
  latencyMsRange?: [number, number];
  peakRamBytes?: number;
  energyMj?: number;
  energyMjRange?: [number, number];
  fits?: { memory: boolean; storage: boolean };
}

export interface WindowPoint extends ResolutionPoint {
  /** Steps of the time axis of each sequence input at this point. */
  steps: Record<string, number>;
}

/** Spatial axes (H, W) of an input shape: images and volumes only — a sequence's time axis is not spatial. */
export function spatialAxes(shape: readonly (number | string | null)[]): number[] {
  return inputAxes('x', shape, 'float').spatial;
}

export interface SweepOptions {
  /** Inputs whose time axis the user named (--time-axis NAME=AXIS: a sequence; NAME=none: no time axis). */
  timeAxes?: Record<string, number | null>;
}

/** Numeric dims of every fed input as analysed (symbolic batch taken as 1; other symbolic dims unknown). */
function analysedShapes(analysis: Analysis): Record<string, (number | string | null)[]> {
  const out: Record<string, (number | string | null)[]> = {};
  for (const input of analysis.report.inputs) if (input.shape) out[input.name] = input.shape;
  return out;
}

function evaluate(analysis: Analysis, device: DeviceProfile, inputShapes: Record<string, number[]>, unchanged: boolean) {
  let a = analysis;
  if (!unchanged) {
    // Inputs the sweep leaves alone keep the dims the analysis pinned (a symbolic batch of a recurrent state, say).
    const pinned: Record<string, number[]> = { ...inputShapes };
    for (const input of analysis.report.inputs) {
      if (pinned[input.name] || !input.shape?.every((d) => typeof d === 'number')) continue;
      const declared = analysis.model.graph.inputs.find((i) => i.name === input.name)?.type;
      if (declared?.kind === 'tensor' && declared.shape?.some((d) => typeof d !== 'number')) pinned[input.name] = input.shape as number[];
    }
    const resized = resizeInput(analysis.model, { inputShapes: pinned as Record<string, Shape> });
    if (!resized.ok) return { ok: false as const, reason: resized.error.message.replace(/^cannot resize the input: /, '') };
    a = analyzeModel(resized.value.model, { modelDir: analysis.modelDir, ...(analysis.inputValues ? { inputValues: analysis.inputValues } : {}) });
    // Shapes that became unknown at the new size: an operator fixed to the old one (a TFLite RESHAPE to fixed dims).
    if (a.cost.totals.partialNodes > analysis.cost.totals.partialNodes) {
      const why = a.report.warnings.find((w) => !analysis.report.warnings.includes(w));
      return { ok: false as const, reason: why ?? 'some shapes are unknown at this input size' };
    }
  }
  const e = estimate(estimateInputOf(a, device), device);
  return {
    ok: true as const, macs: a.report.totals.macs, latencyMs: e.latencyMs, latencyMsRange: e.latencyMsRange, peakRamBytes: e.peakRamBytes,
    energyMj: e.energyMj, energyMjRange: e.energyMjRange, fits: { memory: e.fits.memory, storage: e.fits.storage },
  };
}

/**
 * Re-infers, re-costs and re-estimates the model with the spatial axes (H, W) of its image inputs scaled by each
 * factor. Sequence inputs keep their length (see windowSweep); so do state and scalar inputs.
 */
export function resolutionSweep(analysis: Analysis, device: DeviceProfile, scales: number[], options: SweepOptions = {}): ResolutionPoint[] {
  const shapes = analysedShapes(analysis);
  const base: Record<string, { shape: number[]; axes: number[] }> = {};
  for (const ax of modelInputAxes(analysis.model, options.timeAxes)) {
    const shape = shapes[ax.name];
    if (!ax.spatial.length || !shape || !shape.every((d) => typeof d === 'number')) continue;
    base[ax.name] = { shape: shape as number[], axes: ax.spatial };
  }
  return scales.map((scale) => {
    const inputShapes: Record<string, number[]> = {};
    const scaledAxes: Record<string, number[]> = {};
    for (const [name, { shape, axes }] of Object.entries(base)) {
      inputShapes[name] = shape.map((d, i) => (axes.includes(i) ? Math.max(1, Math.round(d * scale)) : d));
      scaledAxes[name] = axes;
    }
    if (Object.keys(inputShapes).length === 0) {
      return { scale, inputShapes, scaledAxes, ok: false, reason: 'the model has no image input with known dims (sequence inputs: use a window what-if)' };
    }
    return { scale, inputShapes, scaledAxes, ...evaluate(analysis, device, inputShapes, scale === 1) };
  });
}

/** A window of a sequence input: `steps` of its time axis, or `scale` × its current (known) length. */
export type WindowSpec = { steps: number } | { scale: number };

/**
 * Re-estimates the model with the time axis of its sequence inputs set to each window: how latency, RAM and
 * energy per inference follow the window length. Symbolic dims other than the time axis are taken as 1.
 */
export function windowSweep(analysis: Analysis, device: DeviceProfile, windows: WindowSpec[], options: SweepOptions = {}): WindowPoint[] {
  const shapes = analysedShapes(analysis);
  const seq = modelInputAxes(analysis.model, options.timeAxes).filter((ax) => ax.kind === 'sequence' && ax.time !== undefined && shapes[ax.name]);
  // Every other fed input with symbolic dims is pinned too, so the resized model is fully known.
  const fixed: Record<string, number[]> = {};
  for (const [name, shape] of Object.entries(shapes)) {
    if (seq.some((x) => x.name === name)) continue;
    if (shape.some((d) => typeof d !== 'number')) fixed[name] = shape.map((d) => (typeof d === 'number' ? d : 1));
  }
  return windows.map((w) => {
    const inputShapes: Record<string, number[]> = { ...fixed };
    const scaledAxes: Record<string, number[]> = {};
    const steps: Record<string, number> = {};
    const scale = 'scale' in w ? w.scale : NaN;
    for (const ax of seq) {
      const shape = shapes[ax.name]!;
      const current = shape[ax.time!];
      const n = 'steps' in w ? w.steps : typeof current === 'number' ? Math.max(1, Math.round(current * w.scale)) : undefined;
      if (n === undefined) {
        return { scale, steps, inputShapes, scaledAxes, ok: false, reason: `'${ax.name}' has a variable length: give windows in steps (e.g. 512,1024) or pin it with --input-shape` };
      }
      inputShapes[ax.name] = shape.map((d, i) => (i === ax.time ? n : typeof d === 'number' ? d : 1));
      scaledAxes[ax.name] = [ax.time!];
      steps[ax.name] = n;
    }
    if (seq.length === 0) return { scale, steps, inputShapes, scaledAxes, ok: false, reason: 'the model has no sequence input' };
    const unchanged = seq.every((ax) => shapes[ax.name]![ax.time!] === steps[ax.name]) && Object.keys(fixed).length === 0;
    return { scale, steps, inputShapes, scaledAxes, ...evaluate(analysis, device, inputShapes, unchanged) };
  });
}

export interface Battery {
  mAh: number;
  volts: number;
}

export function batteryEnergyJ(b: Battery): number {
  return b.mAh * 3.6 * b.volts; // mAh × 3.6 C/mAh × V = J
}

export interface DutyCycle {
  ratePerSecond: number;
  /** Share of time the device computes. > 1 means it cannot keep up. */
  busyFraction: number;
  keepsUp: boolean;
  averagePowerW: number;
  energyPerHourJ: number;
  batteryLifeHours?: number;
}

/** Average power of `ratePerSecond` inferences of `energyMj`/`latencyMs` each, idling in between. */
export function dutyCycle(latencyMs: number, energyMj: number, device: DeviceProfile, ratePerSecond: number, battery?: Battery): DutyCycle {
  const busyFraction = (ratePerSecond * latencyMs) / 1000;
  const activeW = (ratePerSecond * energyMj) / 1000; // mJ per inference × inferences/s → W
  const idleW = device.idlePowerW * Math.max(0, 1 - busyFraction);
  const averagePowerW = activeW + idleW;
  const out: DutyCycle = {
    ratePerSecond, busyFraction, keepsUp: busyFraction <= 1, averagePowerW, energyPerHourJ: averagePowerW * 3600,
  };
  if (battery && averagePowerW > 0) out.batteryLifeHours = batteryEnergyJ(battery) / averagePowerW / 3600;
  return out;
}

export interface FilterWhatIf {
  skipRatio: number;
  filter: { latencyMs: number; energyMj: number; basis: string };
  /** Every input runs the model. */
  without: { energyPerInputMj: number; latencyPerInputMs: number; maxInputsPerSecond: number; duty?: DutyCycle };
  /** Every input runs the filter; only the (1 − skip) share it keeps runs the model. */
  with: { energyPerInputMj: number; latencyPerInputMs: number; maxInputsPerSecond: number; duty?: DutyCycle };
  energySaving: number;
  throughputGainX: number;
}

/** The filter's own cost on the device from a MAC count, at the device's dense-conv efficiency. */
export function filterCostFromMacs(macs: number, device: DeviceProfile): { latencyMs: number; energyMj: number; basis: string } {
  const dtype = device.dtypes.includes('float') ? 'float' : device.dtypes[0]!;
  const peak = device.peakOpsPerSecond[dtype] ?? 0;
  const eff = device.efficiency.conv;
  const latencyMs = peak > 0 ? (2 * macs * 1000) / (peak * eff) + device.overheadMs : Infinity;
  return {
    latencyMs,
    energyMj: device.activePowerW * latencyMs,
    basis: `${macs} MACs at ${dtype} peak × conv efficiency ${eff} on ${device.id}, plus ${device.overheadMs} ms per call`,
  };
}

export function filterCostFromEstimate(e: Estimate, what: string): { latencyMs: number; energyMj: number; basis: string } {
  return { latencyMs: e.latencyMs, energyMj: e.energyMj, basis: `${what} estimated on ${e.device}` };
}

export function inputFilter(
  model: { latencyMs: number; energyMj: number },
  filter: { latencyMs: number; energyMj: number; basis: string },
  skipRatio: number,
  device: DeviceProfile,
  ratePerSecond?: number,
  battery?: Battery,
): FilterWhatIf {
  const keep = 1 - skipRatio;
  const withLatency = filter.latencyMs + keep * model.latencyMs;
  const withEnergy = filter.energyMj + keep * model.energyMj;
  const side = (latencyMs: number, energyMj: number) => ({
    energyPerInputMj: energyMj,
    latencyPerInputMs: latencyMs,
    maxInputsPerSecond: latencyMs > 0 ? 1000 / latencyMs : Infinity,
    ...(ratePerSecond !== undefined ? { duty: dutyCycle(latencyMs, energyMj, device, ratePerSecond, battery) } : {}),
  });
  return {
    skipRatio,
    filter,
    without: side(model.latencyMs, model.energyMj),
    with: side(withLatency, withEnergy),
    energySaving: model.energyMj > 0 ? 1 - withEnergy / model.energyMj : 0,
    throughputGainX: withLatency > 0 ? model.latencyMs / withLatency : 1,
  };
}

/** "2/s", "30/min", "4/h" or a plain number (per second) → inferences per second. */
export function parseRate(text: string): number | undefined {
  const m = /^\s*([\d.]+(?:e-?\d+)?)\s*(?:\/\s*(s|sec|second|m|min|minute|h|hr|hour|d|day))?\s*$/i.exec(text);
  if (!m) return undefined;
  const n = Number(m[1]);
  if (!Number.isFinite(n) || n <= 0) return undefined;
  const unit = (m[2] ?? 's').toLowerCase();
  const per = unit.startsWith('s') ? 1 : unit.startsWith('m') ? 60 : unit.startsWith('h') ? 3600 : 86400;
  return n / per;
}
