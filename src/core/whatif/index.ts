// The sensor-data module's what-ifs: input resolution, inference rate and battery life, and a cheap input filter
// that skips redundant inputs (InFi/Reducto-style), each re-estimated on a device profile.

import { analyzeModel, type Analysis } from '../analyze';
import type { DeviceProfile } from '../devices/types';
import { estimate, estimateInputOf, type Estimate } from '../estimate';
import type { Shape } from '../onnx/ir';
import { resizeInput } from '../passes/resize-input';

export interface ResolutionPoint {
  scale: number;
  /** New dims of every image-like input. */
  inputShapes: Record<string, number[]>;
  /** false when the model cannot take this size (the reason says which node breaks). */
  ok: boolean;
  reason?: string;
  macs?: number;
  latencyMs?: number;
  peakRamBytes?: number;
  energyMj?: number;
  fits?: { memory: boolean; storage: boolean };
}

/**
 * Which dims of an input are spatial: H and W of NCHW or NHWC images; for rank-3 inputs the longer of dims 1 and 2,
 * which is time or length both in N×C×L signals and in N×T×F feature sequences.
 */
export function spatialAxes(shape: readonly (number | string | null)[]): number[] {
  if (shape.length === 4) {
    const c1 = shape[1];
    const c3 = shape[3];
    // Channels-last when the last dim looks like colour channels and the second does not.
    if (typeof c3 === 'number' && c3 <= 4 && !(typeof c1 === 'number' && c1 <= 4)) return [1, 2];
    return [2, 3];
  }
  if (shape.length === 5) return [2, 3, 4];
  if (shape.length === 3) {
    const [, a, b] = shape;
    return typeof a === 'number' && typeof b === 'number' && a > b ? [1] : [2];
  }
  return [];
}

/** Re-infers, re-costs and re-estimates the model with its spatial input dims scaled by each factor. */
export function resolutionSweep(analysis: Analysis, device: DeviceProfile, scales: number[]): ResolutionPoint[] {
  const base: Record<string, number[]> = {};
  for (const input of analysis.report.inputs) {
    if (!input.shape || !input.shape.every((d) => typeof d === 'number')) continue;
    if (spatialAxes(input.shape).length) base[input.name] = input.shape as number[];
  }
  return scales.map((scale) => {
    const inputShapes: Record<string, number[]> = {};
    for (const [name, shape] of Object.entries(base)) {
      const axes = spatialAxes(shape);
      inputShapes[name] = shape.map((d, i) => (axes.includes(i) ? Math.max(1, Math.round(d * scale)) : d));
    }
    if (Object.keys(inputShapes).length === 0) {
      return { scale, inputShapes, ok: false, reason: 'the model has no image-like or signal input with known dims' };
    }
    let a = analysis;
    if (scale !== 1) {
      const resized = resizeInput(analysis.model, { inputShapes: inputShapes as Record<string, Shape> });
      if (!resized.ok) return { scale, inputShapes, ok: false, reason: resized.error.message.replace(/^cannot resize the input: /, '') };
      a = analyzeModel(resized.value.model, { modelDir: analysis.modelDir });
      // Shapes that became unknown at the new size: an operator fixed to the old one (a TFLite RESHAPE to fixed dims).
      if (a.cost.totals.partialNodes > analysis.cost.totals.partialNodes) {
        const why = a.report.warnings.find((w) => !analysis.report.warnings.includes(w));
        return { scale, inputShapes, ok: false, reason: why ?? 'some shapes are unknown at this input size' };
      }
    }
    const e = estimate(estimateInputOf(a, device), device);
    return {
      scale, inputShapes, ok: true, macs: a.report.totals.macs, latencyMs: e.latencyMs, peakRamBytes: e.peakRamBytes,
      energyMj: e.energyMj, fits: { memory: e.fits.memory, storage: e.fits.storage },
    };
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
