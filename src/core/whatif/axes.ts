// What each graph input's axes mean, for the sensor-data what-ifs: images have spatial axes (H, W) that a
// resolution change scales; sequences (audio, IMU, token streams: rank 2 with a variable length, rank 3) have a
// time axis that a window change scales instead; recurrent state, scalars and fixed feature vectors have neither.

import type { Model } from '../onnx/ir';

export type InputKind = 'image' | 'volume' | 'sequence' | 'state' | 'other';

export interface InputAxes {
  name: string;
  kind: InputKind;
  /** Axes a resolution what-if scales (H, W). */
  spatial: number[];
  /** The axis a window what-if scales. */
  time?: number;
  /** One letter per axis: N, C, H, W, D, T, F, L, S (state), ? */
  labels: string[];
  /** Why the input was read this way (for the user: "NCHW image", "time axis: the symbolic dim 'sequence'"). */
  reason: string;
}

const TIME_NAME = /seq|time|len|frame|sample|step|chunk|^t$/i;
/** Names recurrent state goes by in exported models (Silero's state, LSTM h0/c0, transformers' past key/values). */
const STATE_NAME = /state|hidden|cache|past|^[hc]_?0$|^[hc]_?in$/i;

type Dim = number | string | null;

/**
 * Reads an input's axes from its shape, its name and the graph: `declaredOutputs` are the graph outputs' declared
 * shapes (an input shaped like an output is recurrent state fed back, not sensor data). `timeAxis` forces a
 * sequence reading with that axis (the CLI's --time-axis NAME=AXIS), e.g. for a 1×1×49×10 MFCC "image" whose
 * height is time.
 */
export function inputAxes(
  name: string,
  shape: readonly Dim[],
  dtype: string,
  options: { declaredOutputs?: (readonly Dim[])[]; otherSignals?: number; timeAxis?: number | null } = {},
): InputAxes {
  const r = shape.length;
  const labels = shape.map(() => '?');
  if (r > 0) labels[0] = 'N';
  if (typeof options.timeAxis === 'number' && options.timeAxis > 0 && options.timeAxis < r) {
    labels[options.timeAxis] = 'T';
    return { name, kind: 'sequence', spatial: [], time: options.timeAxis, labels, reason: `time axis ${options.timeAxis} as given` };
  }
  // timeAxis null: the user says this input has no time axis (--time-axis NAME=none).
  const noTime = options.timeAxis === null;
  const isFloat = dtype === 'float' || dtype === 'float16' || dtype === 'double' || dtype === 'bfloat16' || dtype === 'uint8' || dtype === 'int8';
  if (!isFloat || r < 2) return { name, kind: 'other', spatial: [], labels, reason: r < 2 ? 'a scalar or vector' : `${dtype} values, not a signal` };
  // Recurrent state: named so, or (beside another signal input) shaped exactly like an output it is fed back from.
  if (STATE_NAME.test(name) || ((options.otherSignals ?? 0) > 0 && options.declaredOutputs?.some((o) => sameShape(o, shape)))) {
    return { name, kind: 'state', spatial: [], labels: shape.map(() => 'S'), reason: 'recurrent state fed back, not sensor data' };
  }
  if (r === 4) {
    const c1 = shape[1], c3 = shape[3];
    // Channels-last when the last dim looks like colour channels and the second does not.
    const nhwc = typeof c3 === 'number' && c3 <= 4 && !(typeof c1 === 'number' && c1 <= 4);
    const [h, w] = nhwc ? [shape[1], shape[2]] : [shape[2], shape[3]];
    const channels = nhwc ? c3 : c1;
    // One channel with a side of at most 16: MFCC or filter-bank features (DS-CNN's 49×10), frames × coefficients.
    if (!noTime && channels === 1 && typeof h === 'number' && typeof w === 'number' && Math.min(h, w) <= 16 && Math.max(h, w) >= 2 * Math.min(h, w)) {
      const time = (nhwc ? 1 : 2) + (h >= w ? 0 : 1);
      const out = nhwc ? ['N', 'T', 'F', 'C'] : ['N', 'C', 'T', 'F'];
      if (h < w) { out[nhwc ? 1 : 2] = 'F'; out[nhwc ? 2 : 3] = 'T'; }
      return {
        name, kind: 'sequence', spatial: [], time, labels: out,
        reason: `1-channel ${h}×${w}: frames × coefficients (MFCC/spectrogram), time axis ${time}; --time-axis ${name}=none reads it as an image`,
      };
    }
    const spatial = nhwc ? [1, 2] : [2, 3];
    const out = nhwc ? ['N', 'H', 'W', 'C'] : ['N', 'C', 'H', 'W'];
    return { name, kind: 'image', spatial, labels: out, reason: `${nhwc ? 'NHWC' : 'NCHW'} image` };
  }
  if (r === 5) {
    // N, C, D, H, W: the depth axis may be frames of a video, so only H and W count as resolution.
    return { name, kind: 'volume', spatial: [3, 4], labels: ['N', 'C', 'D', 'H', 'W'], reason: 'NCDHW volume or clip (depth/frames not scaled)' };
  }
  const symbolicTime = (i: number) => typeof shape[i] === 'string' && TIME_NAME.test(shape[i] as string);
  const symbolic = (i: number) => (typeof shape[i] === 'string' && !/batch/i.test(shape[i] as string)) || shape[i] === null;
  if (noTime) return { name, kind: 'other', spatial: [], labels, reason: 'no time axis, as given' };
  if (r === 2) {
    if (symbolic(1)) {
      return { name, kind: 'sequence', spatial: [], time: 1, labels: ['N', 'T'], reason: `time axis 1: the variable-length dim '${shape[1] ?? '?'}'` };
    }
    return { name, kind: 'other', spatial: [], labels: ['N', 'F'], reason: 'a fixed-length feature vector' };
  }
  if (r === 3) {
    let time: number;
    let why: string;
    if (symbolicTime(1) || symbolicTime(2)) {
      time = symbolicTime(1) ? 1 : 2;
      why = `time axis ${time}: the dim '${shape[time]}'`;
    } else if (symbolic(1) !== symbolic(2)) {
      time = symbolic(1) ? 1 : 2;
      why = `time axis ${time}: the variable-length dim`;
    } else {
      const [, a, b] = shape;
      time = typeof a === 'number' && typeof b === 'number' && a > b ? 1 : 2;
      why = `time axis ${time}: the longer of axes 1 and 2 (${time === 1 ? 'N×T×F' : 'N×C×L'})`;
    }
    const out = time === 1 ? ['N', 'T', 'F'] : ['N', 'C', 'T'];
    return { name, kind: 'sequence', spatial: [], time, labels: out, reason: why };
  }
  return { name, kind: 'other', spatial: [], labels, reason: `rank ${r}` };
}

function sameShape(a: readonly Dim[], b: readonly Dim[]): boolean {
  return a.length === b.length && a.length > 0 && a.every((d, i) => d !== null && d === b[i]);
}

/** Every fed input of a model (initializers excluded) read as above; timeAxes: NAME → axis, or null for none. */
export function modelInputAxes(model: Model, timeAxes: Record<string, number | null> = {}): InputAxes[] {
  const inits = new Set(model.graph.initializers.map((t) => t.name));
  const declaredOutputs = model.graph.outputs.flatMap((o) => (o.type.kind === 'tensor' && o.type.shape ? [o.type.shape] : []));
  const fed = model.graph.inputs.filter((v) => !inits.has(v.name));
  const signals = fed.filter((v) => v.type.kind === 'tensor' && (v.type.shape?.length ?? 0) >= 2).length;
  return fed.map((v) => {
    const shape = v.type.kind === 'tensor' && v.type.shape ? v.type.shape : [];
    const dtype = v.type.kind === 'tensor' ? v.type.elemType : 'unknown';
    return inputAxes(v.name, shape, dtype, { declaredOutputs, otherSignals: signals - 1, ...(v.name in timeAxes ? { timeAxis: timeAxes[v.name] } : {}) });
  });
}

/** "axes 2 (H), 3 (W)" */
export function describeAxes(axes: number[], labels: string[]): string {
  return `ax${axes.length === 1 ? 'is' : 'es'} ${axes.map((a) => `${a} (${labels[a] ?? '?'})`).join(', ')}`;
}
