// Maps a node's compute dtype onto the peak-throughput entry a device profile quotes for it.

import type { DType } from '../onnx/dtype';
import type { ComputeDType, DeviceProfile } from '../devices/types';

export interface PeakChoice {
  dtype: ComputeDType;
  opsPerSecond: number;
  /** Set when the device does not run the node's dtype natively. */
  note?: string;
  supported: boolean;
}

function wanted(dtype: DType): ComputeDType[] {
  switch (dtype) {
    case 'float16': return ['float16', 'float'];
    case 'bfloat16': return ['bfloat16', 'float16', 'float'];
    case 'int8': case 'uint8': return ['int8', 'int16', 'float'];
    case 'int16': case 'uint16': return ['int16', 'float'];
    case 'int4': case 'uint4': return ['int4', 'int8', 'float'];
    default: return ['float']; // float, double and integer index arithmetic
  }
}

/** Picks the peak a node runs at; arithmetic-bearing nodes in a dtype the device lacks are flagged unsupported. */
export function choosePeak(device: DeviceProfile, dtype: DType, needsArithmetic: boolean): PeakChoice {
  const prefs = wanted(dtype);
  for (let i = 0; i < prefs.length; i++) {
    const d = prefs[i]!;
    const ops = device.peakOpsPerSecond[d];
    if (ops !== undefined && device.dtypes.includes(d)) {
      const note = i === 0 ? undefined : `${dtype} runs as ${d} on ${device.id}`;
      return { dtype: d, opsPerSecond: ops, supported: true, ...(note ? { note } : {}) };
    }
  }
  // Nothing native: estimate at the slowest peak the device has, and say it does not run.
  const entries = Object.entries(device.peakOpsPerSecond) as [ComputeDType, number][];
  const [d, ops] = entries.reduce((a, b) => (b[1] < a[1] ? b : a));
  return { dtype: d, opsPerSecond: ops, supported: !needsArithmetic, note: `${device.id} has no ${dtype} support` };
}
