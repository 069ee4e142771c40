// The advisor's report: demand vs budget for the five resources, what binds, and ranked techniques with their
// re-estimated effect (the `aiot-lens advise --json` contract).

import type { DeviceProfile, LinkProfile } from '../devices/types';
import type { Shape } from '../onnx/ir';
import type { Applied, AppliedId } from './applied';

export type ResourceName = 'compute' | 'memory' | 'storage' | 'communication' | 'energy';
export type Module = 'sensor data' | 'model' | 'hardware';

export interface ResourceDemand {
  name: ResourceName;
  demand: number;
  /** null when no budget was given for this resource (it then counts as fitting). */
  budget: number | null;
  unit: string;
  utilization: number | null;
  /** False when over budget, and when the demand is a bound that cannot decide (`verdict` 'unknown'). */
  fits: boolean;
  assumption: string;
  /** Set when the demand is a bound: 'lower' (unknown shapes left out), 'upper' (an If's costlier branch). */
  bound?: 'lower' | 'upper';
  /** fits / over / unknown (a lower bound within budget or an upper bound over it); absent without a budget. */
  verdict?: 'fits' | 'over' | 'unknown';
  /** compute and energy: the interval around `demand` from the device profile's fit (see Estimate.range). */
  range?: [number, number];
  /** Measured inferences behind the device profile's fit (compute and energy rows). */
  evidencePoints?: number;
}

export interface AfterEstimate {
  latencyMs: number;
  energyMj: number;
  /** Intervals from the device profile's fit (Estimate.latencyMsRange / energyMjRange). */
  latencyMsRange?: [number, number];
  energyMjRange?: [number, number];
  peakRamBytes: number;
  flashBytes: number;
  linkBytesPerSecond?: number;
  fits: Record<ResourceName, boolean>;
  /** Utilization of each resource with a budget, after the change. */
  utilization: Partial<Record<ResourceName, number>>;
}

export interface Suggestion {
  technique: string;
  module: Module;
  /** Resources the technique lowers. */
  resources: ResourceName[];
  estimate: AfterEstimate;
  command: string;
  /** True when the effect is computed analytically instead of from a transformed model (no technique does now). */
  analytic?: boolean;
  note?: string;
  /** Partitioning: the cut (index into the execution order, as `aiot-lens split` numbers its rows). */
  cut?: number;
}

export interface Advice {
  device: string;
  model: string;
  resources: ResourceDemand[];
  bottleneck: { resource: ResourceName; module: Module; fits: boolean; reason: string; verdict?: 'fits' | 'over' | 'unknown' };
  /** Techniques that lower the binding resource, best first. */
  suggestions: Suggestion[];
  /** Techniques that do not lower the binding resource (e.g. float16 on a device without float16 arithmetic). */
  elsewhere: (Suggestion & { doesNotFix: ResourceName; reason: string })[];
  /** What the model shows has already been applied (structure, or the optimize history in its metadata). */
  applied: Applied[];
  /** Techniques not evaluated because what they do has been applied. */
  notSuggested: { technique: string; reason: string; because: AppliedId; instead?: string }[];
  assumptions: string[];
  /** The analysis's warnings (unknown shapes and the like) and which figures are bounds because of them. */
  warnings: string[];
}

export interface Budget {
  latencyMs?: number;
  fps?: number;
  batteryMah?: number;
  batteryV?: number;
  hours?: number;
  /** Fraction of RAM/flash that must stay free (0..1), e.g. for the application. */
  ramHeadroom?: number;
  flashHeadroom?: number;
}

export interface AdviseOptions extends Budget {
  link?: LinkProfile;
  /** Device that offloading sends the input to (default: the catalog's Jetson Orin Nano). */
  edge?: DeviceProfile;
  /** Shapes the analysis was pinned with (kept when re-analyzing transformed models). */
  inputShapes?: Record<string, Shape>;
  /** Input values the analysis was given (`--value`), kept likewise and repeated in the printed commands. */
  inputValues?: Record<string, number>;
  /** Model path as the user typed it, for the commands. */
  modelPath?: string;
  deviceArgs?: string;
}
