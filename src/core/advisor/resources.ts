// Demand vs budget for the five resources from one estimate, and which of them binds.

import type { DeviceProfile, LinkProfile } from '../devices/types';
import { judge } from '../estimate/estimate';
import type { Estimate, EstimateInput } from '../estimate/types';
import type { AfterEstimate, Budget, Module, ResourceDemand, ResourceName } from './types';

/** Inference period in ms: from fps, else the deadline, else one inference per second (an assumption). */
export function periodMs(b: Budget): { ms: number; assumed: boolean } {
  if (b.fps && b.fps > 0) return { ms: 1000 / b.fps, assumed: false };
  if (b.latencyMs && b.latencyMs > 0) return { ms: b.latencyMs, assumed: false };
  return { ms: 1000, assumed: true };
}

function entry(name: ResourceName, demand: number, budget: number | null, unit: string, assumption: string, bound?: 'lower' | 'upper'): ResourceDemand {
  const verdict = budget === null ? undefined : judge(demand, budget, bound);
  return {
    name, demand, budget, unit,
    assumption: assumption + (bound ? `; a ${bound} bound${verdict === 'unknown' ? ', so no fit verdict until the inputs are pinned (--input-shape, --value)' : ''}` : ''),
    utilization: budget === null ? null : budget > 0 ? demand / budget : demand > 0 ? Infinity : 0,
    fits: verdict === undefined ? true : verdict === 'fits',
    ...(bound ? { bound } : {}),
    ...(verdict ? { verdict } : {}),
  };
}

export function batteryJoules(b: Budget): number | undefined {
  if (!b.batteryMah || !b.batteryV) return undefined;
  return (b.batteryMah / 1000) * 3600 * b.batteryV;
}

/** The five resources for a given estimate. `offloadBytesPerInference` is what offloading would send. */
export function resourcesOf(e: Estimate, input: EstimateInput, device: DeviceProfile, b: Budget, link?: LinkProfile,
  linkBytesOverride?: number): ResourceDemand[] {
  const period = periodMs(b);
  const deadline = b.latencyMs ?? (b.fps ? 1000 / b.fps : undefined);
  const out: ResourceDemand[] = [];
  const dtypeNote = e.fits.dtypes ? '' : ` (${device.id} cannot run ${e.unsupportedDtypes.join(', ')} arithmetic at all)`;
  out.push(entry('compute', e.latencyMs, deadline ?? null, 'ms',
    (deadline === undefined ? 'no deadline or frame rate given' : b.latencyMs ? `deadline ${b.latencyMs} ms` : `one inference per frame at ${b.fps} fps`) + dtypeNote +
      (input.bounds?.why?.latency ? ` (${input.bounds.why.latency})` : ''), input.bounds?.latency));
  if (!e.fits.dtypes) out[0]!.fits = false;
  out[0]!.range = e.latencyMsRange;
  out[0]!.evidencePoints = e.evidencePoints;
  const ramBudget = device.ramBytes * (1 - (b.ramHeadroom ?? 0));
  out.push(entry('memory', e.peakRamBytes, ramBudget, 'bytes', e.resources.memory.assumption + (b.ramHeadroom ? `; ${b.ramHeadroom * 100}% of RAM kept free` : ''), e.resources.memory.bound));
  const flashBudget = device.flashBytes * (1 - (b.flashHeadroom ?? 0));
  out.push(entry('storage', e.flashBytes, flashBudget, 'bytes', e.resources.storage.assumption + (b.flashHeadroom ? `; ${b.flashHeadroom * 100}% of flash kept free` : '')));
  const perSecond = 1000 / period.ms;
  const bytes = linkBytesOverride ?? input.inputBytes ?? 0;
  out.push(entry('communication', bytes * perSecond, link ? (link.uplinkBitsPerSecond / 8) * (link.dutyCycle ?? 1) : null, 'bytes/s',
    (link ? `offloading sends the raw input (${bytes} B) ${perSecond.toFixed(2)} times/s over ${link.id} (${link.uplinkBitsPerSecond} bit/s${link.dutyCycle ? `, ${link.dutyCycle * 100}% duty cycle` : ''})${period.assumed ? '; 1 inference/s assumed' : ''}`
      : 'no link given (on-device inference sends only results)') + (linkBytesOverride === undefined && input.bounds?.inputBytes ? '; the input size is unknown, so its bytes are left out' : ''),
    linkBytesOverride === undefined ? input.bounds?.inputBytes : undefined));
  const battery = batteryJoules(b);
  const idleMs = Math.max(0, period.ms - e.latencyMs);
  const perPeriodMj = e.energyMj + device.idlePowerW * idleMs;
  const hours = b.hours ?? 0;
  const demandJ = (perPeriodMj / 1000) * (hours * 3600 * 1000) / period.ms;
  out.push(entry('energy', battery !== undefined && hours > 0 ? demandJ : perPeriodMj / 1000, battery !== undefined && hours > 0 ? battery : null, 'J',
    battery !== undefined && hours > 0
      ? `${hours} h at one inference every ${period.ms.toFixed(1)} ms: active ${device.activePowerW} W during inference, idle ${device.idlePowerW} W otherwise, vs ${b.batteryMah} mAh at ${b.batteryV} V${period.assumed ? '; 1 inference/s assumed' : ''}`
      : `per ${period.ms.toFixed(0)} ms period: inference ${e.energyMj.toFixed(2)} mJ + idle ${(device.idlePowerW * idleMs).toFixed(2)} mJ${period.assumed ? '; 1 inference/s assumed' : ''}; no battery budget given`, input.bounds?.latency));
  // The inference's share of the period's energy carries the estimate's energy interval; the idle share is datasheet.
  const energy = out[out.length - 1]!;
  if (perPeriodMj > 0) {
    const scale = energy.demand / perPeriodMj;
    const idle = perPeriodMj - e.energyMj;
    energy.range = [(e.energyMjRange[0] + idle) * scale, (e.energyMjRange[1] + idle) * scale];
    energy.evidencePoints = e.evidencePoints;
  }
  return out;
}

/**
 * Deployment order: a model that cannot be stored cannot be loaded, one that cannot be loaded cannot run, and
 * speed, energy and link rates only matter for a model that runs.
 */
export const PRECEDENCE: ResourceName[] = ['storage', 'memory', 'compute', 'energy', 'communication'];

/** The binding resource: the first over budget in deployment order, else the one with the highest utilization. */
export function bindingResource(resources: ResourceDemand[]): ResourceDemand {
  for (const name of PRECEDENCE) {
    const r = resources.find((x) => x.name === name);
    if (r && !r.fits) return r;
  }
  const pool = resources.filter((r) => r.utilization !== null);
  const list = pool.length > 0 ? pool : resources;
  return list.reduce((a, b) => ((b.utilization ?? 0) > (a.utilization ?? 0) ? b : a));
}

/** Which module causes the binding resource's demand. */
export function moduleOf(r: ResourceDemand, e: Estimate, input: EstimateInput, device: DeviceProfile, b: Budget = {}): { module: Module; reason: string } {
  switch (r.name) {
    case 'communication':
      return { module: 'sensor data', reason: 'the raw sensor input rate exceeds what the link carries' };
    case 'storage':
      if ((device.runtimeFlashBytes ?? 0) > device.flashBytes) return { module: 'hardware', reason: 'the runtime alone does not fit the flash' };
      return { module: 'model', reason: `the weights (${input.weightBytes} B) dominate flash` };
    case 'memory': {
      if ((device.runtimeRamBytes ?? 0) > device.ramBytes) return { module: 'hardware', reason: 'the runtime alone does not fit the RAM' };
      const weightsInRam = device.executeInPlace ? 0 : input.weightBytes;
      return { module: 'model', reason: weightsInRam > input.arenaBytes ? 'weights copied to RAM dominate' : `the activation arena (${input.arenaBytes} B) dominates` };
    }
    case 'compute':
      if (!e.fits.dtypes) return { module: 'hardware', reason: `${device.id} has no ${e.unsupportedDtypes.join('/')} arithmetic` };
      if (device.overheadMs > e.latencyMs / 2) return { module: 'hardware', reason: 'the fixed per-inference overhead dominates latency' };
      return { module: 'model', reason: `${(e.computeBoundMs >= e.memoryBoundMs ? 'compute' : 'memory traffic')} of the model's nodes dominates latency` };
    case 'energy': {
      const idleMj = device.idlePowerW * Math.max(0, periodMs(b).ms - e.latencyMs);
      return idleMj > e.energyMj ? { module: 'hardware', reason: 'idle power between inferences dominates energy' } : { module: 'model', reason: 'active inference time dominates energy' };
    }
  }
}

export function afterOf(resources: ResourceDemand[], e: Estimate, linkBytesPerSecond?: number): AfterEstimate {
  const fits = {} as AfterEstimate['fits'];
  const utilization: AfterEstimate['utilization'] = {};
  for (const r of resources) {
    fits[r.name] = r.fits;
    if (r.utilization !== null) utilization[r.name] = r.utilization;
  }
  return {
    latencyMs: e.latencyMs, energyMj: e.energyMj, latencyMsRange: e.latencyMsRange, energyMjRange: e.energyMjRange,
    peakRamBytes: e.peakRamBytes, flashBytes: e.flashBytes,
    ...(linkBytesPerSecond !== undefined ? { linkBytesPerSecond } : {}), fits, utilization,
  };
}
