// Model input samples: seeded random tensors shaped from the model's inputs, or a folder of .npy / TensorProto .pb
// files (one file per sample for single-input models, or one subfolder per sample holding input_<k> files).

import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { DType } from '../onnx/dtype';
import type { Model, Shape } from '../onnx/ir';
import { decodeTensor } from '../onnx/decode';
import { readNumbers } from '../passes/numeric';
import { LensException } from '../result';
import { seededNormal, seededRandom } from '../random';

export interface SampleTensor {
  dtype: DType;
  dims: number[];
  data: Float32Array | Float64Array | BigInt64Array | Int32Array | Uint8Array | Int8Array | Uint16Array;
}

/** One set of model inputs, by input name. */
export type Sample = Record<string, SampleTensor>;

export interface SampleSet {
  samples: Sample[];
  /** 'random' or the folder they came from. */
  source: string;
}

/** Graph inputs that are not initializers: what a caller feeds. */
export function feedInputs(model: Model) {
  const inits = new Set(model.graph.initializers.map((t) => t.name));
  return model.graph.inputs.filter((v) => !inits.has(v.name));
}

/**
 * Concrete dims for an input: a declared fixed dim stays (the model accepts nothing else), symbolic or unknown dims
 * take the pinned value, else 1.
 */
export function concreteDims(shape: Shape | undefined, pinned: Shape | undefined, name: string): number[] {
  const s = shape ?? pinned;
  if (!s) throw new LensException('invalid-argument', `input '${name}' has no declared shape; give one with --input-shape ${name}=1x...`);
  return s.map((d, i) => {
    if (typeof d === 'number' && d >= 0) return d;
    const p = pinned && pinned.length === s.length ? pinned[i] : undefined;
    return typeof p === 'number' && p >= 0 ? p : 1;
  });
}

/** Seeded random inputs; inputs named in `values` are filled with that number instead (`--value sr=16000`). */
export function randomSamples(model: Model, count: number, seed: number, inputShapes: Record<string, Shape> = {}, values: Record<string, number> = {}): SampleSet {
  const samples: Sample[] = [];
  for (let k = 0; k < count; k++) {
    const s: Sample = {};
    feedInputs(model).forEach((v, idx) => {
      if (v.type.kind !== 'tensor') throw new LensException('unsupported', `input '${v.name}' is not a tensor`);
      const dims = concreteDims(v.type.shape, inputShapes[v.name], v.name);
      const n = dims.reduce((a, b) => a * b, 1);
      const normal = seededNormal(seed * 1000003 + k * 101 + idx);
      const uni = seededRandom(seed * 7919 + k * 31 + idx);
      const fill = values[v.name];
      s[v.name] = fill === undefined ? randomTensor(v.type.elemType, dims, n, normal, uni, v.name)
        : randomTensor(v.type.elemType, dims, n, () => fill, () => fill, v.name, true);
    });
    samples.push(s);
  }
  return { samples, source: 'random' };
}

function randomTensor(dtype: DType, dims: number[], n: number, normal: () => number, uni: () => number, name: string, fixed = false): SampleTensor {
  if (fixed) {
    // A given value: every element equals it (integers as they are, not scaled like random draws).
    const v = normal();
    switch (dtype) {
      case 'int64': return { dtype, dims, data: new BigInt64Array(n).fill(BigInt(Math.round(v))) };
      case 'int32': return { dtype, dims, data: new Int32Array(n).fill(v) };
      case 'uint8': case 'bool': return { dtype, dims, data: new Uint8Array(n).fill(v) };
      case 'double': return { dtype, dims, data: new Float64Array(n).fill(v) };
      case 'float': return { dtype, dims, data: new Float32Array(n).fill(v) };
      default: break;
    }
  }
  switch (dtype) {
    case 'float': { const a = new Float32Array(n); for (let i = 0; i < n; i++) a[i] = normal(); return { dtype, dims, data: a }; }
    case 'double': { const a = new Float64Array(n); for (let i = 0; i < n; i++) a[i] = normal(); return { dtype, dims, data: a }; }
    case 'int64': { const a = new BigInt64Array(n); for (let i = 0; i < n; i++) a[i] = BigInt(Math.floor(uni() * 8)); return { dtype, dims, data: a }; }
    case 'int32': { const a = new Int32Array(n); for (let i = 0; i < n; i++) a[i] = Math.floor(uni() * 8); return { dtype, dims, data: a }; }
    case 'bool': { const a = new Uint8Array(n); for (let i = 0; i < n; i++) a[i] = uni() < 0.5 ? 1 : 0; return { dtype, dims, data: a }; }
    case 'uint8': { const a = new Uint8Array(n); for (let i = 0; i < n; i++) a[i] = Math.floor(uni() * 256); return { dtype, dims, data: a }; }
    default: throw new LensException('unsupported', `input '${name}' has element type ${dtype}, which random inputs do not cover; give a calibration folder`);
  }
}

/** Reads a folder of samples (see the module comment). */
export function folderSamples(model: Model, dir: string): SampleSet {
  let entries: string[];
  try {
    entries = readdirSync(dir).sort();
  } catch {
    throw new LensException('not-found', `calibration folder '${dir}' cannot be read`, dir);
  }
  const inputs = feedInputs(model);
  const isData = (f: string) => f.endsWith('.npy') || f.endsWith('.pb');
  const subdirs = entries.filter((e) => statSync(join(dir, e)).isDirectory());
  const samples: Sample[] = [];
  if (subdirs.length > 0) {
    for (const sd of subdirs) {
      const files = readdirSync(join(dir, sd)).filter((f) => isData(f) && !f.startsWith('output')).sort(naturalCompare);
      if (files.length === 0) continue;
      if (files.length !== inputs.length) {
        throw new LensException('invalid-argument', `calibration sample '${join(dir, sd)}' has ${files.length} input files but the model has ${inputs.length} inputs`, dir);
      }
      const s: Sample = {};
      files.forEach((f, i) => { s[inputs[i]!.name] = readSampleFile(join(dir, sd, f)); });
      samples.push(s);
    }
  } else {
    if (inputs.length !== 1) {
      throw new LensException('invalid-argument', `the model has ${inputs.length} inputs: put each calibration sample in its own subfolder of '${dir}' with one file per input`, dir);
    }
    for (const f of entries.filter(isData)) samples.push({ [inputs[0]!.name]: readSampleFile(join(dir, f)) });
  }
  if (samples.length === 0) throw new LensException('invalid-argument', `calibration folder '${dir}' holds no .npy or .pb files`, dir);
  return { samples, source: dir };
}

function naturalCompare(a: string, b: string): number {
  return a.localeCompare(b, undefined, { numeric: true });
}

export function readSampleFile(path: string): SampleTensor {
  const bytes = readFileSync(path);
  if (path.endsWith('.npy')) return parseNpy(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength), path);
  const t = decodeTensor(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength), { path });
  if (!t.ok) throw new LensException(t.error.code, t.error.message, path);
  const values = readNumbers(t.value);
  return fromNumbers(t.value.dtype, t.value.dims, values, path);
}

function fromNumbers(dtype: DType, dims: number[], v: ArrayLike<number>, path: string): SampleTensor {
  switch (dtype) {
    case 'float': return { dtype, dims, data: Float32Array.from(v) };
    case 'double': return { dtype, dims, data: Float64Array.from(v) };
    case 'int64': return { dtype, dims, data: BigInt64Array.from(Array.from(v), (x) => BigInt(x)) };
    case 'int32': return { dtype, dims, data: Int32Array.from(v) };
    case 'bool': case 'uint8': return { dtype, dims, data: Uint8Array.from(v) };
    case 'int8': return { dtype, dims, data: Int8Array.from(v) };
    default: throw new LensException('unsupported', `sample file holds ${dtype} data, which is not supported`, path);
  }
}

/** NumPy .npy v1–v3, little-endian, C order. */
export function parseNpy(bytes: Uint8Array, path: string): SampleTensor {
  const magic = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59];
  if (bytes.length < 10 || !magic.every((b, i) => bytes[i] === b)) throw new LensException('corrupt', 'not a .npy file', path);
  const major = bytes[6]!;
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLen = major === 1 ? dv.getUint16(8, true) : dv.getUint32(8, true);
  const start = major === 1 ? 10 : 12;
  const header = new TextDecoder('latin1').decode(bytes.subarray(start, start + headerLen));
  const descr = /'descr'\s*:\s*'([^']+)'/.exec(header)?.[1];
  const fortran = /'fortran_order'\s*:\s*True/.test(header);
  const shapeText = /'shape'\s*:\s*\(([^)]*)\)/.exec(header)?.[1];
  if (!descr || shapeText === undefined) throw new LensException('corrupt', '.npy header has no descr or shape', path);
  if (fortran) throw new LensException('unsupported', '.npy file is in Fortran order; save it C-contiguous', path);
  const dims = shapeText.split(',').map((s) => s.trim()).filter((s) => s).map(Number);
  const n = dims.reduce((a, b) => a * b, 1);
  const body = bytes.slice(start + headerLen);
  const map: Record<string, [DType, number]> = {
    '<f4': ['float', 4], '<f8': ['double', 8], '<i8': ['int64', 8], '<i4': ['int32', 4], '|u1': ['uint8', 1], '|i1': ['int8', 1],
    '|b1': ['bool', 1], '<f2': ['float16', 2],
  };
  const kind = map[descr];
  if (!kind) throw new LensException('unsupported', `.npy element type '${descr}' is not supported`, path);
  const [dtype, size] = kind;
  if (body.byteLength < n * size) throw new LensException('corrupt', `.npy data is shorter than its shape ${dims.join('x')}`, path);
  const buf = body.buffer;
  switch (dtype) {
    case 'float': return { dtype, dims, data: new Float32Array(buf, 0, n) };
    case 'double': return { dtype, dims, data: new Float64Array(buf, 0, n) };
    case 'int64': return { dtype, dims, data: new BigInt64Array(buf, 0, n) };
    case 'int32': return { dtype, dims, data: new Int32Array(buf, 0, n) };
    case 'int8': return { dtype, dims, data: new Int8Array(buf, 0, n) };
    case 'float16': return { dtype, dims, data: new Uint16Array(buf, 0, n) };
    default: return { dtype, dims, data: new Uint8Array(buf, 0, n) };
  }
}
