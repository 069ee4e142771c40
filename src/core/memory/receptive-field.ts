// Receptive-field arithmetic for sliding-window operators (Conv, depthwise Conv, MaxPool, AveragePool, LpPool) on
// the spatial axes: which input rows/columns an output range reads, where that range leaves the tensor (so the
// padding a tile must add itself), and the output size of a window. The patch planner and the `patch` pass split the
// first layers of a network into overlapping tiles with it (test/core/memory/receptive-field.test.ts checks it
// against brute-force slicing on random tensors).

import { getAttribute, type Node } from '../onnx/ir';

/** One spatial axis of a sliding window. */
export interface Window {
  kernel: number;
  stride: number;
  dilation: number;
  /** Explicit padding before and after (auto_pad resolved; ceil_mode's extra end padding included). */
  padBegin: number;
  padEnd: number;
}

/** A half-open range [start, end) of indices along one axis. */
export interface Range {
  start: number;
  end: number;
}

export function rangeLength(r: Range): number {
  return Math.max(0, r.end - r.start);
}

/** Elements one window spans on the input, dilation included. */
export function windowSpan(w: Window): number {
  return (w.kernel - 1) * w.dilation + 1;
}

/** Output size of the window over an input of `size` elements (floor mode; ceil mode is folded into padEnd). */
export function outputSize(size: number, w: Window): number {
  return Math.floor((size + w.padBegin + w.padEnd - windowSpan(w)) / w.stride) + 1;
}

/**
 * The input indices the outputs `out` read, in the coordinates of the unpadded input (negative or ≥ size where they
 * fall in the padding).
 */
export function inputRange(out: Range, w: Window): Range {
  return { start: out.start * w.stride - w.padBegin, end: (out.end - 1) * w.stride - w.padBegin + windowSpan(w) };
}

/** The part of `r` inside [0, size) and how far `r` reaches past each end (the padding a tile adds itself). */
export function clip(r: Range, size: number): { range: Range; padBegin: number; padEnd: number } {
  const start = Math.max(0, r.start);
  const end = Math.min(size, r.end);
  return { range: { start, end }, padBegin: start - r.start, padEnd: r.end - end };
}

/**
 * What computing outputs `out` of a window over an input of `size` needs: the input range to read and the window a
 * tile runs on it (same kernel, stride and dilation; its own padding). The tile's output is exactly `out`.
 */
export function tileWindow(out: Range, w: Window, size: number): { input: Range; window: Window } {
  const c = clip(inputRange(out, w), size);
  return { input: c.range, window: { ...w, padBegin: c.padBegin, padEnd: c.padEnd } };
}

/** The smallest range holding both. */
export function hull(a: Range | undefined, b: Range): Range {
  return a ? { start: Math.min(a.start, b.start), end: Math.max(a.end, b.end) } : { ...b };
}

/** Splits [0, size) into `parts` contiguous ranges whose lengths differ by at most one. */
export function splitRange(size: number, parts: number): Range[] {
  const out: Range[] = [];
  for (let k = 0; k < parts; k++) out.push({ start: Math.floor((k * size) / parts), end: Math.floor(((k + 1) * size) / parts) });
  return out;
}

/**
 * The receptive field of a chain of windows (first applied first): one output sees `size` inputs, neighbouring
 * outputs are `jump` inputs apart, and output 0 starts at input `start` (negative: in the padding).
 */
export function receptiveField(chain: Window[]): { size: number; jump: number; start: number } {
  let size = 1, jump = 1, start = 0;
  for (const w of chain) {
    size += (windowSpan(w) - 1) * jump;
    start -= w.padBegin * jump;
    jump *= w.stride;
  }
  return { size, jump, start };
}

/** Operators this module knows the windows of. */
export const WINDOW_OPS = new Set(['Conv', 'MaxPool', 'AveragePool', 'LpPool']);

/**
 * The two spatial windows (H, W) of a 2-D Conv/MaxPool/AveragePool/LpPool over an NCHW input of spatial size
 * `inSize`, with auto_pad and ceil_mode resolved into explicit padding; an error string for what it cannot express.
 */
export function nodeWindows(node: Node, inSize: [number, number], weightDims?: readonly number[]): [Window, Window] | string {
  const ints = (name: string) => {
    const a = getAttribute(node, name);
    return a?.type === 'ints' ? a.value : undefined;
  };
  const int = (name: string) => {
    const a = getAttribute(node, name);
    return a?.type === 'int' ? a.value : undefined;
  };
  const kernel = ints('kernel_shape') ?? (node.opType === 'Conv' && weightDims && weightDims.length === 4 ? weightDims.slice(2) : undefined);
  if (!kernel || kernel.length !== 2) return `${node.opType} '${node.name}' is not a 2-D window with a known kernel`;
  const strides = ints('strides') ?? [1, 1];
  const dilations = ints('dilations') ?? [1, 1];
  const pads = ints('pads') ?? [0, 0, 0, 0];
  const autoPadAttr = getAttribute(node, 'auto_pad');
  const autoPad = autoPadAttr?.type === 'string' ? autoPadAttr.value : 'NOTSET';
  const ceil = int('ceil_mode') === 1;
  if (strides.length !== 2 || dilations.length !== 2 || pads.length !== 4) return `${node.opType} '${node.name}' has attributes of another rank`;
  const out: Window[] = [];
  for (let a = 0; a < 2; a++) {
    const w: Window = { kernel: kernel[a]!, stride: strides[a]!, dilation: dilations[a]!, padBegin: pads[a]!, padEnd: pads[a + 2]! };
    const span = windowSpan(w);
    if (autoPad === 'VALID') {
      w.padBegin = 0;
      w.padEnd = 0;
    } else if (autoPad === 'SAME_UPPER' || autoPad === 'SAME_LOWER') {
      const o = Math.ceil(inSize[a]! / w.stride);
      const total = Math.max(0, (o - 1) * w.stride + span - inSize[a]!);
      const small = Math.floor(total / 2);
      w.padBegin = autoPad === 'SAME_UPPER' ? small : total - small;
      w.padEnd = total - w.padBegin;
    } else if (autoPad !== 'NOTSET' && autoPad !== '') {
      return `${node.opType} '${node.name}' has auto_pad ${autoPad}`;
    }
    if (ceil) {
      if (node.opType !== 'MaxPool') return `${node.opType} '${node.name}' uses ceil_mode, whose border averaging a tile cannot reproduce`;
      const floorOut = outputSize(inSize[a]!, w);
      let ceilOut = Math.ceil((inSize[a]! + w.padBegin + w.padEnd - span) / w.stride) + 1;
      // ONNX (as PyTorch): the last window must start inside the input or the begin padding.
      if ((ceilOut - 1) * w.stride >= inSize[a]! + w.padBegin) ceilOut--;
      // The extra window reads past the end padding: the same as more end padding (max ignores padding).
      w.padEnd += Math.max(0, (ceilOut - floorOut) * w.stride);
      if (outputSize(inSize[a]!, w) !== ceilOut) return `${node.opType} '${node.name}': ceil_mode output size not reproducible`;
    }
    out.push(w);
  }
  return [out[0]!, out[1]!];
}
