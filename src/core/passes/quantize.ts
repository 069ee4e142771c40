// Shared int8 arithmetic for the quantization passes: symmetric per-channel weights, asymmetric activations.

import type { Tensor } from '../onnx/ir';
import { forEachFloatChunk } from '../onnx/dataFile';
import { memorySink, type TensorSink } from '../onnx/sink';
import { int32Tensor, int8Tensor, readFloat32 } from './numeric';

export interface QuantizedWeight {
  values: Int8Array;
  /** One scale per channel along `axis` (a single one when per-tensor). */
  scales: Float32Array;
  axis: number | undefined;
}

/** Symmetric int8 quantization (zero point 0, range ±127) per slice along `axis`, or per tensor when undefined. */
export function quantizeWeight(t: Tensor, axis: number | undefined): QuantizedWeight {
  const w = readFloat32(t);
  const dims = t.dims;
  const channels = axis === undefined ? 1 : dims[axis]!;
  const inner = axis === undefined ? w.length : dims.slice(axis + 1).reduce((a, b) => a * b, 1);
  const chanOf = (i: number) => (axis === undefined ? 0 : Math.floor(i / inner) % channels);
  const maxAbs = new Float32Array(channels);
  for (let i = 0; i < w.length; i++) { const c = chanOf(i); const a = Math.abs(w[i]!); if (a > maxAbs[c]!) maxAbs[c] = a; }
  const scales = new Float32Array(channels);
  for (let c = 0; c < channels; c++) scales[c] = maxAbs[c]! > 0 ? maxAbs[c]! / 127 : 1;
  const values = new Int8Array(w.length);
  for (let i = 0; i < w.length; i++) values[i] = Math.max(-127, Math.min(127, Math.round(w[i]! / scales[chanOf(i)]!)));
  return { values, scales, axis };
}

export function weightTensors(names: { q: string; scale: string; zeroPoint: string }, dims: number[], q: QuantizedWeight): { q: Tensor; scale: Tensor; zeroPoint: Tensor } {
  const perChannel = q.axis !== undefined;
  const sDims = perChannel ? [q.scales.length] : [];
  return {
    q: int8Tensor(names.q, dims, q.values),
    scale: f32(names.scale, sDims, q.scales),
    zeroPoint: int8Tensor(names.zeroPoint, sDims, new Int8Array(q.scales.length)),
  };
}

/**
 * Bias as int32 with scale inputScale × weightScale[c], the form QLinearConv/QGemm fusions expect. The zero point
 * is left out: it is 0 by definition and DequantizeLinear defaults it, which saves 4 bytes per channel.
 */
export function quantizeBias(b: Float32Array, inputScale: number, weightScales: Float32Array, names: { q: string; scale: string }): { q: Tensor; scale: Tensor } {
  const n = b.length;
  const scales = new Float32Array(n);
  const values = new Int32Array(n);
  for (let c = 0; c < n; c++) {
    const s = inputScale * (weightScales.length === 1 ? weightScales[0]! : weightScales[c]!);
    scales[c] = s;
    values[c] = Math.max(-(2 ** 31), Math.min(2 ** 31 - 1, Math.round(b[c]! / s)));
  }
  return { q: int32Tensor(names.q, [n], values), scale: f32(names.scale, weightScales.length === 1 ? [] : [n], weightScales.length === 1 ? scales.subarray(0, 1) : scales) };
}

/** uint8 asymmetric parameters for an activation range (the range always includes 0, so 0 is exact). */
export function activationParams(min: number, max: number): { scale: number; zeroPoint: number } {
  const lo = Math.min(0, min), hi = Math.max(0, max);
  const scale = hi > lo ? (hi - lo) / 255 : 1;
  const zeroPoint = Math.max(0, Math.min(255, Math.round(-lo / scale)));
  return { scale, zeroPoint };
}

function f32(name: string, dims: number[], v: Float32Array): Tensor {
  return { name, dtype: 'float', dims, data: { kind: 'raw', bytes: new Uint8Array(v.buffer, v.byteOffset, v.byteLength) } };
}

/** Per-slice max |w| along `axis` (one slice when undefined), read a chunk at a time. */
export function weightScalesStreamed(t: Tensor, axis: number | undefined, modelDir?: string): Float32Array {
  const dims = t.dims;
  const channels = axis === undefined ? 1 : dims[axis]!;
  const inner = axis === undefined ? 1 : dims.slice(axis + 1).reduce((a, b) => a * b, 1);
  const maxAbs = new Float32Array(channels);
  forEachFloatChunk(t, (start, v) => {
    if (channels === 1) {
      let m = maxAbs[0]!;
      for (let i = 0; i < v.length; i++) { const a = Math.abs(v[i]!); if (a > m) m = a; }
      maxAbs[0] = m;
      return;
    }
    if (inner === 1) {
      let c = start % channels;
      for (let i = 0; i < v.length; i++) {
        const a = Math.abs(v[i]!);
        if (a > maxAbs[c]!) maxAbs[c] = a;
        if (++c === channels) c = 0;
      }
      return;
    }
    for (let i = 0; i < v.length; i++) {
      const c = Math.floor((start + i) / inner) % channels;
      const a = Math.abs(v[i]!);
      if (a > maxAbs[c]!) maxAbs[c] = a;
    }
  }, modelDir);
  const scales = new Float32Array(channels);
  for (let c = 0; c < channels; c++) scales[c] = maxAbs[c]! > 0 ? maxAbs[c]! / 127 : 1;
  return scales;
}

/**
 * quantizeWeight without holding the tensor: scales in one streamed read, int8 values written to the sink in a
 * second. The values equal quantizeWeight's (same scales, same rounding).
 */
export function quantizeWeightStreamed(t: Tensor, axis: number | undefined, name: string, sink: TensorSink = memorySink, modelDir?: string): { q: Tensor; scales: Float32Array; axis: number | undefined } {
  const scales = weightScalesStreamed(t, axis, modelDir);
  const channels = scales.length;
  const inner = axis === undefined ? 1 : t.dims.slice(axis + 1).reduce((a, b) => a * b, 1);
  const out = sink.begin(name, 'int8', t.dims);
  let q = new Int8Array(0);
  forEachFloatChunk(t, (start, v) => {
    if (q.length !== v.length) q = new Int8Array(v.length); // reused: fresh buffers cost page faults
    if (channels === 1) {
      const s = scales[0]!;
      for (let i = 0; i < v.length; i++) q[i] = Math.max(-127, Math.min(127, Math.round(v[i]! / s)));
    } else if (inner === 1) {
      // Per column (MatMul weights, axis 1 of [K, N]): the channel is the index modulo N.
      let c = start % channels;
      for (let i = 0; i < v.length; i++) {
        q[i] = Math.max(-127, Math.min(127, Math.round(v[i]! / scales[c]!)));
        if (++c === channels) c = 0;
      }
    } else {
      for (let i = 0; i < v.length; i++) {
        const s = scales[Math.floor((start + i) / inner) % channels]!;
        q[i] = Math.max(-127, Math.min(127, Math.round(v[i]! / s)));
      }
    }
    out.write(new Uint8Array(q.buffer, 0, v.length));
  }, modelDir);
  return { q: out.end(), scales, axis };
}

/**
 * A [N, K] weight (Gemm transB=1) quantized per row and written transposed as [K, N] int8, the layout MatMulInteger
 * reads. The transpose needs the int8 result in memory (a quarter of the float weight); the float weight itself is
 * still read a chunk at a time.
 */
export function quantizeTransposedStreamed(t: Tensor, name: string, sink: TensorSink = memorySink, modelDir?: string): { q: Tensor; scales: Float32Array } {
  const [n, k] = [t.dims[0]!, t.dims[1]!];
  const scales = weightScalesStreamed(t, 0, modelDir);
  const q = new Int8Array(n * k);
  forEachFloatChunk(t, (start, v) => {
    for (let i = 0; i < v.length; i++) {
      const e = start + i;
      const r = Math.floor(e / k), c = e - r * k;
      q[c * n + r] = Math.max(-127, Math.min(127, Math.round(v[i]! / scales[r]!)));
    }
  }, modelDir);
  return { q: sink.put(int8Tensor(name, [k, n], q)), scales };
}
