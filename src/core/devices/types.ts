// The shapes of device and link profiles (mirroring schemas/device-profile.schema.json).

import type { OpClass } from '../cost/types';

export type DeviceClass = 'mcu' | 'mcu-npu' | 'sbc' | 'phone' | 'edge-server' | 'edge-gpu' | 'cloud-gpu' | 'host';

/** Compute dtypes a profile can quote a peak for (ONNX spelling). */
export type ComputeDType = 'float' | 'float16' | 'bfloat16' | 'int8' | 'int16' | 'int4';

export type PerOpClass = Partial<Record<OpClass, number>>;

export interface DeviceProfile {
  id: string;
  name: string;
  class: DeviceClass;
  vendor?: string;
  clockHz?: number;
  /** Peak ops/s per compute dtype, 2 ops per MAC. */
  peakOpsPerSecond: Partial<Record<ComputeDType, number>>;
  /** Fraction of peak reached per op class. */
  efficiency: PerOpClass & Record<'conv' | 'depthwise' | 'matmul' | 'recurrent' | 'elementwise' | 'pooling', number>;
  memoryBandwidthBytesPerSecond: number;
  flashBandwidthBytesPerSecond?: number;
  /** External PSRAM bandwidth: used to fit measurements whose tensor arena sat in PSRAM. */
  psramBandwidthBytesPerSecond?: number;
  memoryEfficiency?: PerOpClass;
  /** false: node time = compute + memory (no overlap); default true: max of the two. */
  overlap?: boolean;
  cache?: { bytes: number; bandwidthBytesPerSecond: number };
  ramBytes: number;
  flashBytes: number;
  executeInPlace: boolean;
  /**
   * Activation-memory plans the runtime executes (default ['per-tensor'], TFLite Micro's arena); TinyEngine-like
   * runtimes add 'in-place' and 'patch'. The device verdict uses the one with the smallest arena.
   */
  memoryPlans?: ('per-tensor' | 'in-place' | 'patch')[];
  dtypes: ComputeDType[];
  supportedOps?: string[];
  maxWeightBytes?: number;
  fusesActivations?: boolean;
  /** Time multiplier for nodes whose weights are overridable graph inputs (no prepacking or layout change). */
  runtimeWeightsFactor?: PerOpClass;
  /** Conv kernels pad channel counts to this block (SIMD lanes / NPU tile), wasting the padded work. */
  channelBlock?: number;
  activePowerW: number;
  idlePowerW: number;
  overheadMs: number;
  nodeOverheadMs?: PerOpClass;
  runtimeFlashBytes?: number;
  runtimeRamBytes?: number;
  sources: string[];
  notes?: string;
  calibration?: Record<string, unknown>;
  /** Core family whose fitted parameters are this profile's prior (cortex-m4, xtensa, npu, ...). */
  family?: string;
  /** Inference runtime the figures are for; on a board file with `runtimes`, the default one. */
  runtime?: string;
  /** Board file only: one entry per runtime (expanded into `<id>@<runtime>` profiles when loaded). */
  runtimes?: Record<string, RuntimeEntry>;
  /** Board × runtime profile: the board's id, and whether this is its default runtime (the bare id). */
  board?: string;
  defaultRuntime?: boolean;
  /** Parameters fitted to measured inferences, their leave-one-out error and the interval estimates carry. */
  fit?: DeviceFit;
}

export interface RuntimeEntry {
  family?: string;
  peakOpsPerSecond?: Partial<Record<ComputeDType, number>>;
  notes?: string;
  fit?: DeviceFit;
}

/** What `npm run fit:devices` (or `calibrate`) wrote: see schemas/device-profile.schema.json#/definitions/fit. */
export interface DeviceFit {
  /** profile: own points; runtime-family: sibling boards with this runtime; family: the core family; none: datasheet; user: calibrate. */
  level: 'profile' | 'runtime-family' | 'family' | 'none' | 'user';
  family?: string;
  /** The runtime version the parameters describe (the newest measured, when the evidence spans versions). */
  runtimeVersion?: string;
  evidencePoints: number;
  energyEvidencePoints?: number;
  evidence?: string[];
  excluded?: { id: string; reason: string }[];
  params?: FitProfileParams;
  activePowerW?: number;
  loo?: Record<string, unknown>;
  range: FitRange;
}

export interface FitProfileParams {
  efficiency: { conv: number; depthwise: number; matmul: number; other: number };
  /** Multiplier on memory time (1 / memory efficiency). */
  memoryPenalty: number;
  nodeOverheadMs: number;
  overheadMs: number;
}

export interface FitRange {
  /** Central probability of the interval (0.8). */
  level: number;
  /** Interval = value ×/÷ exp(z(level) × spread). */
  latencyLogSpread: number;
  energyLogSpread: number;
  /** What the spread was measured from, in words. */
  basis: string;
}

export interface LinkProfile {
  id: string;
  name: string;
  class: 'link';
  uplinkBitsPerSecond: number;
  downlinkBitsPerSecond?: number;
  rttMs: number;
  txPowerW?: number;
  energyPerBitNj?: number;
  dutyCycle?: number;
  sources: string[];
  notes?: string;
}

export type Profile = DeviceProfile | LinkProfile;

export function isLink(p: Profile): p is LinkProfile {
  return p.class === 'link';
}

/** Where a profile came from, for listings and error messages. */
export interface ProfileEntry {
  profile: Profile;
  /** 'built-in', or the file it was loaded from. */
  origin: string;
}
