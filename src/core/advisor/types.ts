// The advisor's report: demand vs budget for the five resources, what binds, and ranked techniques with their
// re-estimated effect (the `aiot-lens advise --json` contract).

import type { DeviceProfile, LinkProfile } from '../devices/types';
import type { Shape } from '../onnx/ir';

export type ResourceName = 'compute' | 'memory' | 'storage' | 'communication' | 'energy';
export type Module = 'sensor data' | 'model' | 'hardware';

export interface ResourceDemand {
  name: ResourceName;
  demand: number;
  /** null when no budget was given for this resource (it then counts as fitting). */
  budget: number | null;
  unit: string;
  utilization: number | null;
  fits: boolean;
  assumption: string;
}

export interface AfterEstimate {
  latencyMs: number;
  energyMj: number;
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
  /** True when the effect is computed analytically instead of from a transformed model. */
  analytic?: boolean;
  note?: string;
}

export interface Advice {
  device: string;
  model: string;
  resources: ResourceDemand[];
  bottleneck: { resource: ResourceName; module: Module; fits: boolean; reason: string };
  suggestions: Suggestion[];
  assumptions: string[];
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
