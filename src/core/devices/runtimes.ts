// Board × runtime profiles: a board file with `runtimes` becomes one profile per runtime — the bare id for the
// default runtime, `<board>@<runtime>` for the others — each with its fitted parameters in place of the hand-set ones.

import type { DeviceFit, DeviceProfile, FitProfileParams, PerOpClass } from './types';

/** Runtime ids used by the catalog and the evidence base, with the name shown beside a profile. */
export const RUNTIME_NAMES: Readonly<Record<string, string>> = {
  'tflm-cmsis-nn': 'TFLite Micro + CMSIS-NN',
  'tflm-ref': 'TFLite Micro reference kernels',
  'esp-nn': 'TFLite Micro + ESP-NN',
  'x-cube-ai': 'ST X-CUBE-AI / ST Edge AI',
  plumerai: 'Plumerai Inference Engine',
  'bosch-hale': 'Bosch HALE',
  onnc: 'ONNC',
  tvm: 'microTVM (native schedules)',
  'tvm-cmsis-nn': 'microTVM + CMSIS-NN',
  'silabs-mvp': 'TFLite Micro + Silicon Labs MVP',
  gapflow: 'GAPflow (NE16)',
  tflite: 'TensorFlow Lite (CPU, 1 thread)',
  'tflite-vx': 'TensorFlow Lite + VX delegate (NPU)',
  'ethos-u': 'TFLite + Ethos-U (Vela)',
  'eiq-neutron': 'eIQ Neutron NPU',
  edgetpu: 'Edge TPU (TFLite delegate)',
  kpu: 'nncase on the KPU',
  'max78000-cnn': 'MAX78000 CNN accelerator (ai8x)',
};

export function runtimeName(id: string): string {
  return RUNTIME_NAMES[id] ?? id;
}

const CLASSES = ['conv', 'depthwise', 'matmul', 'recurrent', 'elementwise', 'pooling', 'data', 'control'] as const;
type Group = keyof FitProfileParams['efficiency'];
const GROUP: Record<(typeof CLASSES)[number], Group> = {
  conv: 'conv', depthwise: 'depthwise', matmul: 'matmul', recurrent: 'matmul', elementwise: 'other', pooling: 'other', data: 'other', control: 'other',
};

/** The profile with fitted parameters in place of its efficiencies and overheads (the estimator then predicts as the fit). */
export function withFitParams(device: DeviceProfile, params: FitProfileParams): DeviceProfile {
  const all = (f: (c: (typeof CLASSES)[number]) => number) => Object.fromEntries(CLASSES.map((c) => [c, f(c)])) as Required<PerOpClass>;
  return {
    ...device,
    efficiency: all((c) => params.efficiency[GROUP[c]]),
    memoryEfficiency: all(() => 1 / params.memoryPenalty),
    nodeOverheadMs: all(() => params.nodeOverheadMs),
    overheadMs: params.overheadMs,
  };
}

/** The profile a fit record describes: fitted parameters and power applied, the record attached. */
export function applyDeviceFit(device: DeviceProfile, fit: DeviceFit): DeviceProfile {
  const fitted = fit.params ? withFitParams(device, fit.params) : { ...device };
  return { ...fitted, ...(fit.activePowerW !== undefined ? { activePowerW: fit.activePowerW } : {}), fit };
}

/**
 * One profile per runtime of a board file (or the profile itself when it has none): the default runtime keeps the
 * bare id, the others are `<id>@<runtime>`. Returns an error message when the file names a default it does not list.
 */
export function expandRuntimes(p: DeviceProfile): DeviceProfile[] | string {
  if (!p.runtimes) return [p.fit ? applyDeviceFit(p, p.fit) : p];
  const ids = Object.keys(p.runtimes);
  const bad = ids.find((r) => !/^[a-z0-9][a-z0-9._-]*$/.test(r));
  if (bad !== undefined) return `runtime id '${bad}' must be lower case letters, digits, '.', '_' or '-'`;
  const def = p.runtime ?? ids[0]!;
  if (!ids.includes(def)) return `default runtime '${def}' is not one of its runtimes (${ids.join(', ')})`;
  const { runtimes, fit: _boardFit, ...base } = p;
  return [def, ...ids.filter((r) => r !== def)].map((rt) => {
    const e = runtimes[rt]!;
    const profile: DeviceProfile = {
      ...base,
      id: rt === def ? p.id : `${p.id}@${rt}`,
      name: `${p.name}, ${runtimeName(rt)}`,
      board: p.id,
      runtime: rt,
      defaultRuntime: rt === def,
      ...(e.family ?? p.family ? { family: e.family ?? p.family } : {}),
      ...(e.peakOpsPerSecond ? { peakOpsPerSecond: e.peakOpsPerSecond } : {}),
      ...(e.notes ? { notes: `${e.notes}${p.notes ? ` Board: ${p.notes}` : ''}` } : {}),
    };
    return e.fit ? applyDeviceFit(profile, e.fit) : profile;
  });
}
