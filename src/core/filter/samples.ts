// Turns a folder of the user's files into model feeds: .npy / TensorProto .pb as they are, PNG/JPEG images and WAV
// audio through a declared preprocessing (resize, layout, scale/mean/std, channel order; audio windows and hop).

import { readdirSync, readFileSync, statSync } from 'node:fs';
import { extname, join } from 'node:path';
import { readSampleFile, type SampleTensor } from '../verify/samples';
import { LensException } from '../result';
import { decodeImage, decodeWav, type Image } from './media';

export interface ImagePreprocess {
  width: number;
  height: number;
  /** How the model lays out the image tensor (default NCHW; NHWC for TensorFlow exports). */
  layout?: 'NCHW' | 'NHWC';
  /** Channel order the model expects (default rgb). */
  channels?: 'rgb' | 'bgr' | 'gray';
  /** value = (pixel × scale − mean[c]) / std[c]; scale defaults to 1/255, mean to 0, std to 1. */
  scale?: number;
  mean?: number[];
  std?: number[];
}

export interface AudioPreprocess {
  /** The rate the model takes; a file at another rate is refused (resample it first). */
  sampleRate: number;
  /** Samples per model input (e.g. Silero VAD: 576 = 512 new + 64 context). */
  window: number;
  /** Samples between window starts (default: window). */
  hop?: number;
}

export interface Preprocess {
  /** The model input the files feed (default: the model's first input). */
  input?: string;
  image?: ImagePreprocess;
  audio?: AudioPreprocess;
  /** Other inputs filled with one value (symbolic dims taken as 1), e.g. {"sr": 16000, "state": 0}. */
  values?: Record<string, number>;
  /** Stream state: input ← that output of the previous window of the same file (e.g. {"state": "stateN"}). */
  carry?: Record<string, string>;
}

/** One model input as the filter sees it: float32 data with its dims. */
export interface InputTensor {
  dims: number[];
  data: Float32Array;
}

export interface FilterSample {
  /** File name, with `#k` for the k-th window of an audio file. */
  name: string;
  /** The file (for `carry`: windows of one file form a stream). */
  file: string;
  /** The stream the sample belongs to: its file for audio; for frames, the name without its running number. */
  stream: string;
  /** The input the media feeds: what the filter reads. */
  input: InputTensor;
}

export interface ModelInputInfo {
  name: string;
  /** ORT type name (float32, int64, ...). */
  type: string;
  shape: (number | string | null)[];
}

const MEDIA = new Set(['.png', '.jpg', '.jpeg', '.wav']);
const DATA = new Set(['.npy', '.pb']);

/** Checks a parsed `--preprocess` JSON object; returns it typed or throws with the field at fault. */
export function parsePreprocess(value: unknown): Preprocess {
  const bad = (m: string) => new LensException('invalid-argument', `--preprocess: ${m}`);
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw bad('expects a JSON object');
  const p = value as Record<string, unknown>;
  for (const k of Object.keys(p)) if (!['input', 'image', 'audio', 'values', 'carry'].includes(k)) throw bad(`unknown field '${k}' (fields: input, image, audio, values, carry)`);
  const num = (o: Record<string, unknown>, k: string, where: string, req: boolean) => {
    const v = o[k];
    if (v === undefined && !req) return undefined;
    if (typeof v !== 'number' || !Number.isFinite(v)) throw bad(`${where}.${k} must be a number`);
    return v;
  };
  if (p['image'] !== undefined) {
    const i = p['image'] as Record<string, unknown>;
    for (const k of ['width', 'height']) if (!Number.isInteger(num(i, k, 'image', true)) || (i[k] as number) < 1) throw bad(`image.${k} must be a positive integer`);
    num(i, 'scale', 'image', false);
    if (i['layout'] !== undefined && i['layout'] !== 'NCHW' && i['layout'] !== 'NHWC') throw bad('image.layout is NCHW or NHWC');
    if (i['channels'] !== undefined && !['rgb', 'bgr', 'gray'].includes(i['channels'] as string)) throw bad('image.channels is rgb, bgr or gray');
    for (const k of ['mean', 'std']) {
      const v = i[k];
      if (v !== undefined && !(Array.isArray(v) && v.length > 0 && v.every((x) => typeof x === 'number' && Number.isFinite(x)))) throw bad(`image.${k} must be a list of numbers`);
    }
    if (Array.isArray(i['std']) && (i['std'] as number[]).some((x) => x === 0)) throw bad('image.std must not hold 0');
  }
  if (p['audio'] !== undefined) {
    const a = p['audio'] as Record<string, unknown>;
    for (const k of ['sampleRate', 'window']) if (!Number.isInteger(num(a, k, 'audio', true)) || (a[k] as number) < 1) throw bad(`audio.${k} must be a positive integer`);
    const hop = num(a, 'hop', 'audio', false);
    if (hop !== undefined && (!Number.isInteger(hop) || hop < 1)) throw bad('audio.hop must be a positive integer');
  }
  if (p['values'] !== undefined) {
    const v = p['values'];
    if (typeof v !== 'object' || v === null || Object.values(v).some((x) => typeof x !== 'number')) throw bad('values maps input names to numbers');
  }
  if (p['carry'] !== undefined) {
    const v = p['carry'];
    if (typeof v !== 'object' || v === null || Object.values(v).some((x) => typeof x !== 'string')) throw bad('carry maps input names to output names');
  }
  if (p['input'] !== undefined && typeof p['input'] !== 'string') throw bad('input names a model input');
  return p as Preprocess;
}

/** Bilinear resize (pixel centres aligned, as OpenCV's INTER_LINEAR). */
export function resizeBilinear(img: Image, width: number, height: number): Image {
  if (img.width === width && img.height === height) return img;
  const c = img.channels;
  const out = new Uint8Array(width * height * c);
  const sx = img.width / width, sy = img.height / height;
  for (let y = 0; y < height; y++) {
    const fy = Math.min(img.height - 1, Math.max(0, (y + 0.5) * sy - 0.5));
    const y0 = Math.floor(fy), y1 = Math.min(img.height - 1, y0 + 1), wy = fy - y0;
    for (let x = 0; x < width; x++) {
      const fx = Math.min(img.width - 1, Math.max(0, (x + 0.5) * sx - 0.5));
      const x0 = Math.floor(fx), x1 = Math.min(img.width - 1, x0 + 1), wx = fx - x0;
      for (let k = 0; k < c; k++) {
        const p = (yy: number, xx: number) => img.data[(yy * img.width + xx) * c + k]!;
        const v = (1 - wy) * ((1 - wx) * p(y0, x0) + wx * p(y0, x1)) + wy * ((1 - wx) * p(y1, x0) + wx * p(y1, x1));
        out[(y * width + x) * c + k] = Math.round(v);
      }
    }
  }
  return { width, height, channels: c, data: out };
}

/** An image as the model's input tensor (batch 1). */
export function imageTensor(img: Image, p: ImagePreprocess): InputTensor {
  const r = resizeBilinear(img, p.width, p.height);
  const order = p.channels ?? 'rgb';
  const C = order === 'gray' ? 1 : 3;
  const scale = p.scale ?? 1 / 255;
  const mean = p.mean ?? [0], std = p.std ?? [1];
  const nhwc = p.layout === 'NHWC';
  const H = p.height, W = p.width;
  const data = new Float32Array(C * H * W);
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      const px = (y * W + x) * r.channels;
      const rgb = r.channels === 3 ? [r.data[px]!, r.data[px + 1]!, r.data[px + 2]!] : [r.data[px]!, r.data[px]!, r.data[px]!];
      for (let c = 0; c < C; c++) {
        const v = order === 'gray' ? 0.299 * rgb[0]! + 0.587 * rgb[1]! + 0.114 * rgb[2]! : rgb[order === 'bgr' ? 2 - c : c]!;
        const m = mean[Math.min(c, mean.length - 1)]!, s = std[Math.min(c, std.length - 1)]!;
        data[nhwc ? (y * W + x) * C + c : (c * H + y) * W + x] = (v * scale - m) / s;
      }
    }
  }
  return { dims: nhwc ? [1, H, W, C] : [1, C, H, W], data };
}

function toFloat(t: SampleTensor, path: string): InputTensor {
  if (t.dtype === 'float16') throw new LensException('unsupported', 'float16 samples are not supported by the input filter; save them as float32', path);
  const data = new Float32Array(t.data.length);
  for (let i = 0; i < data.length; i++) data[i] = Number(t.data[i]!);
  return { dims: t.dims, data };
}

/** Fixed dims of the fed input for a media file: the declared shape with symbolic dims from the produced tensor. */
function checkDims(tensor: InputTensor, input: ModelInputInfo, file: string): void {
  const s = input.shape;
  const okRank = s.length === tensor.dims.length;
  const okDims = okRank && s.every((d, i) => typeof d !== 'number' || d < 0 || d === tensor.dims[i]);
  if (!okDims) {
    throw new LensException('invalid-argument', `${file} gives '${input.name}' dims ${tensor.dims.join('x')}, but the model declares ${s.map((d) => (typeof d === 'number' && d >= 0 ? d : '?')).join('x')}: fix --preprocess`, file);
  }
}

/** Frames of one stream share a name apart from a running number: cam1_007.jpg → cam1_. */
export function frameStream(file: string): string {
  return file.replace(/\.[^.]*$/, '').replace(/\d+$/, '');
}

/** Every sample in `dir`, ordered by name (natural order: frame2 before frame10), audio windows in time order. */
export function loadSamples(dir: string, input: ModelInputInfo, pre: Preprocess, onFile?: (name: string) => void): FilterSample[] {
  let entries: string[];
  try {
    entries = readdirSync(dir).filter((f) => statSync(join(dir, f)).isFile()).sort((a, b) => a.localeCompare(b, undefined, { numeric: true }));
  } catch {
    throw new LensException('not-found', `samples folder '${dir}' cannot be read`, dir);
  }
  const out: FilterSample[] = [];
  for (const f of entries) {
    const ext = extname(f).toLowerCase();
    if (!MEDIA.has(ext) && !DATA.has(ext)) continue;
    onFile?.(f);
    const path = join(dir, f);
    if (DATA.has(ext)) {
      const t = toFloat(readSampleFile(path), path);
      checkDims(t, input, path);
      out.push({ name: f, file: f, stream: frameStream(f), input: t });
    } else if (ext === '.wav') {
      if (!pre.audio) throw new LensException('invalid-argument', `${f} is audio: give --preprocess '{"audio": {"sampleRate": 16000, "window": N, "hop": M}}'`, path);
      const a = decodeWav(new Uint8Array(readFileSync(path)), path);
      if (a.sampleRate !== pre.audio.sampleRate) {
        throw new LensException('invalid-argument', `${f} is sampled at ${a.sampleRate} Hz, the preprocessing at ${pre.audio.sampleRate} Hz: resample it (sox ${f} -r ${pre.audio.sampleRate} out.wav)`, path);
      }
      const { window, hop = window } = pre.audio;
      const rank = input.shape.length;
      for (let k = 0, s = 0; s + window <= a.samples.length; k++, s += hop) {
        const t: InputTensor = { dims: rank === 3 ? [1, 1, window] : [1, window], data: a.samples.slice(s, s + window) };
        checkDims(t, input, path);
        out.push({ name: `${f}#${k}`, file: f, stream: f, input: t });
      }
    } else {
      if (!pre.image) throw new LensException('invalid-argument', `${f} is an image: give --preprocess '{"image": {"width": W, "height": H, "layout": "NCHW"}}'`, path);
      const t = imageTensor(decodeImage(new Uint8Array(readFileSync(path)), path), pre.image);
      checkDims(t, input, path);
      out.push({ name: f, file: f, stream: frameStream(f), input: t });
    }
  }
  if (out.length === 0) throw new LensException('invalid-argument', `samples folder '${dir}' holds no .npy, .pb, .png, .jpg or .wav files (or no audio file is a window long)`, dir);
  return out;
}
