// Reads the media an input filter learns from: PNG (own decoder over node's zlib), JPEG (jpeg-js), 16-bit PCM WAV;
// and writes PNG, so generated samples need no image library.

import { deflateSync, inflateSync } from 'node:zlib';
import { LensException } from '../result';

/** Interleaved 8-bit pixels, row-major, `channels` per pixel (1 gray, 3 RGB; alpha is dropped on read). */
export interface Image {
  width: number;
  height: number;
  channels: 1 | 3;
  data: Uint8Array;
}

/** Mono samples scaled to [-1, 1). */
export interface Audio {
  sampleRate: number;
  samples: Float32Array;
}

const PNG_MAGIC = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

export function isPng(bytes: Uint8Array): boolean {
  return PNG_MAGIC.every((b, i) => bytes[i] === b);
}

export function isJpeg(bytes: Uint8Array): boolean {
  return bytes[0] === 0xff && bytes[1] === 0xd8;
}

/** PNG: 8- or 16-bit gray, RGB, palette, gray+alpha, RGBA; not interlaced. 16-bit keeps the high byte. */
export function decodePng(bytes: Uint8Array, path = 'image'): Image {
  if (!isPng(bytes)) throw new LensException('corrupt', 'not a PNG file', path);
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let pos = 8;
  let width = 0, height = 0, depth = 0, colorType = 0, interlace = 0;
  let palette: Uint8Array | undefined;
  const idat: Uint8Array[] = [];
  while (pos + 8 <= bytes.length) {
    const len = dv.getUint32(pos);
    const type = String.fromCharCode(...bytes.subarray(pos + 4, pos + 8));
    const body = bytes.subarray(pos + 8, pos + 8 + len);
    if (body.length < len) throw new LensException('corrupt', `PNG chunk ${type} is truncated`, path);
    if (type === 'IHDR') {
      width = dv.getUint32(pos + 8); height = dv.getUint32(pos + 12);
      depth = body[8]!; colorType = body[9]!; interlace = body[12]!;
    } else if (type === 'PLTE') palette = body;
    else if (type === 'IDAT') idat.push(body);
    else if (type === 'IEND') break;
    pos += 12 + len;
  }
  if (!width || !height) throw new LensException('corrupt', 'PNG has no IHDR chunk', path);
  if (interlace) throw new LensException('unsupported', 'interlaced PNG is not supported; save it without interlacing', path);
  const comps = ({ 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 } as Record<number, number>)[colorType];
  if (!comps) throw new LensException('corrupt', `PNG color type ${colorType} is invalid`, path);
  if (depth !== 8 && depth !== 16 && !(colorType === 3 && [1, 2, 4].includes(depth)) && !(colorType === 0 && [1, 2, 4].includes(depth))) {
    throw new LensException('unsupported', `PNG bit depth ${depth} with color type ${colorType} is not supported`, path);
  }
  let raw: Buffer;
  try {
    raw = inflateSync(Buffer.concat(idat));
  } catch (e) {
    throw new LensException('corrupt', `PNG data does not inflate: ${e instanceof Error ? e.message : String(e)}`, path);
  }
  const bitsPerPixel = comps * depth;
  const stride = Math.ceil((width * bitsPerPixel) / 8);
  const bpp = Math.max(1, bitsPerPixel >> 3);
  if (raw.length < height * (stride + 1)) throw new LensException('corrupt', 'PNG data is shorter than its size', path);
  const rows = new Uint8Array(height * stride);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)]!;
    const src = raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1));
    const out = rows.subarray(y * stride, (y + 1) * stride);
    const prev = y > 0 ? rows.subarray((y - 1) * stride, y * stride) : new Uint8Array(stride);
    for (let i = 0; i < stride; i++) {
      const a = i >= bpp ? out[i - bpp]! : 0, b = prev[i]!, c = i >= bpp ? prev[i - bpp]! : 0;
      let p: number;
      switch (filter) {
        case 0: p = 0; break;
        case 1: p = a; break;
        case 2: p = b; break;
        case 3: p = (a + b) >> 1; break;
        case 4: { const q = a + b - c, pa = Math.abs(q - a), pb = Math.abs(q - b), pc = Math.abs(q - c); p = pa <= pb && pa <= pc ? a : pb <= pc ? b : c; break; }
        default: throw new LensException('corrupt', `PNG row ${y} has filter ${filter}`, path);
      }
      out[i] = (src[i]! + p) & 0xff;
    }
  }
  const color = colorType === 2 || colorType === 6 || (colorType === 3 && palette !== undefined && !isGrayPalette(palette));
  const channels: 1 | 3 = color ? 3 : 1;
  const data = new Uint8Array(width * height * channels);
  const sample = (row: Uint8Array, x: number, k: number): number => {
    if (depth === 8) return row[x * comps + k]!;
    if (depth === 16) return row[(x * comps + k) * 2]!;
    const perByte = 8 / depth, bit = 8 - depth * ((x % perByte) + 1);
    const v = (row[Math.floor(x / perByte)]! >> bit) & ((1 << depth) - 1);
    return colorType === 3 ? v : Math.round((v * 255) / ((1 << depth) - 1));
  };
  for (let y = 0; y < height; y++) {
    const row = rows.subarray(y * stride, (y + 1) * stride);
    for (let x = 0; x < width; x++) {
      const o = (y * width + x) * channels;
      if (colorType === 3) {
        const idx = sample(row, x, 0);
        if (!palette || idx * 3 + 2 >= palette.length) throw new LensException('corrupt', 'PNG palette index out of range', path);
        for (let k = 0; k < channels; k++) data[o + k] = palette[idx * 3 + k]!;
      } else if (channels === 3) for (let k = 0; k < 3; k++) data[o + k] = sample(row, x, k);
      else data[o] = sample(row, x, 0);
    }
  }
  return { width, height, channels, data };
}

function isGrayPalette(p: Uint8Array): boolean {
  for (let i = 0; i + 2 < p.length; i += 3) if (p[i] !== p[i + 1] || p[i] !== p[i + 2]) return false;
  return true;
}

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

function crc32(parts: Uint8Array[]): number {
  let c = 0xffffffff;
  for (const p of parts) for (let i = 0; i < p.length; i++) c = CRC_TABLE[(c ^ p[i]!) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** An 8-bit gray or RGB PNG, every row with the Paeth filter. */
export function encodePng(img: Image): Uint8Array {
  const { width, height, channels, data } = img;
  const stride = width * channels;
  const raw = new Uint8Array(height * (stride + 1));
  for (let y = 0; y < height; y++) {
    raw[y * (stride + 1)] = 4;
    for (let i = 0; i < stride; i++) {
      const a = i >= channels ? data[y * stride + i - channels]! : 0;
      const b = y > 0 ? data[(y - 1) * stride + i]! : 0;
      const c = y > 0 && i >= channels ? data[(y - 1) * stride + i - channels]! : 0;
      const q = a + b - c, pa = Math.abs(q - a), pb = Math.abs(q - b), pc = Math.abs(q - c);
      const p = pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
      raw[y * (stride + 1) + 1 + i] = (data[y * stride + i]! - p) & 0xff;
    }
  }
  const chunk = (type: string, body: Uint8Array): Uint8Array => {
    const out = new Uint8Array(12 + body.length);
    const dv = new DataView(out.buffer);
    dv.setUint32(0, body.length);
    const t = new Uint8Array([...type].map((ch) => ch.charCodeAt(0)));
    out.set(t, 4);
    out.set(body, 8);
    dv.setUint32(8 + body.length, crc32([t, body]));
    return out;
  };
  const ihdr = new Uint8Array(13);
  const hv = new DataView(ihdr.buffer);
  hv.setUint32(0, width); hv.setUint32(4, height);
  ihdr[8] = 8; ihdr[9] = channels === 3 ? 2 : 0;
  return Buffer.concat([Buffer.from(PNG_MAGIC), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw, { level: 9 })), chunk('IEND', new Uint8Array(0))]);
}

/** Baseline and progressive JPEG through jpeg-js; gray JPEGs come back as RGB and are reduced to one channel. */
export function decodeJpeg(bytes: Uint8Array, path = 'image'): Image {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const jpeg = require('jpeg-js') as { decode(b: Uint8Array, o: object): { width: number; height: number; data: Uint8Array } };
  let d;
  try {
    d = jpeg.decode(bytes, { useTArray: true, formatAsRGBA: true, maxMemoryUsageInMB: 256 });
  } catch (e) {
    throw new LensException('corrupt', `JPEG does not decode: ${e instanceof Error ? e.message : String(e)}`, path);
  }
  const n = d.width * d.height;
  let gray = true;
  for (let i = 0; i < n && gray; i++) if (d.data[i * 4] !== d.data[i * 4 + 1] || d.data[i * 4] !== d.data[i * 4 + 2]) gray = false;
  const channels: 1 | 3 = gray ? 1 : 3;
  const data = new Uint8Array(n * channels);
  for (let i = 0; i < n; i++) for (let k = 0; k < channels; k++) data[i * channels + k] = d.data[i * 4 + k]!;
  return { width: d.width, height: d.height, channels, data };
}

/** RGB(A) → JPEG bytes at `quality` (generated samples). */
export function encodeJpeg(img: Image, quality = 80): Uint8Array {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const jpeg = require('jpeg-js') as { encode(i: object, q: number): { data: Uint8Array } };
  const n = img.width * img.height;
  const rgba = new Uint8Array(n * 4);
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < 3; k++) rgba[i * 4 + k] = img.data[i * img.channels + (img.channels === 3 ? k : 0)]!;
    rgba[i * 4 + 3] = 255;
  }
  return jpeg.encode({ width: img.width, height: img.height, data: rgba }, quality).data;
}

export function decodeImage(bytes: Uint8Array, path = 'image'): Image {
  if (isPng(bytes)) return decodePng(bytes, path);
  if (isJpeg(bytes)) return decodeJpeg(bytes, path);
  throw new LensException('unsupported', 'not a PNG or JPEG image', path);
}

/** RIFF WAVE, PCM 16-bit (or 8-bit), any channel count (averaged to mono). */
export function decodeWav(bytes: Uint8Array, path = 'audio'): Audio {
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const tag = (o: number) => String.fromCharCode(...bytes.subarray(o, o + 4));
  if (bytes.length < 12 || tag(0) !== 'RIFF' || tag(8) !== 'WAVE') throw new LensException('corrupt', 'not a RIFF WAVE file', path);
  let pos = 12;
  let fmt: { format: number; channels: number; rate: number; bits: number } | undefined;
  while (pos + 8 <= bytes.length) {
    const id = tag(pos);
    const len = dv.getUint32(pos + 4, true);
    if (id === 'fmt ') {
      fmt = { format: dv.getUint16(pos + 8, true), channels: dv.getUint16(pos + 10, true), rate: dv.getUint32(pos + 12, true), bits: dv.getUint16(pos + 22, true) };
      if (fmt.format === 0xfffe && len >= 26) fmt.format = dv.getUint16(pos + 32, true); // WAVE_FORMAT_EXTENSIBLE: sub-format GUID's first two bytes
    } else if (id === 'data') {
      if (!fmt) throw new LensException('corrupt', 'WAV data chunk before its fmt chunk', path);
      if (fmt.format !== 1 || (fmt.bits !== 16 && fmt.bits !== 8)) {
        throw new LensException('unsupported', `WAV is format ${fmt.format}, ${fmt.bits}-bit: only PCM 16-bit (or 8-bit) is read; convert it (sox in.wav -b 16 out.wav)`, path);
      }
      const bytesPer = fmt.bits / 8;
      const avail = Math.min(len, bytes.length - pos - 8);
      const frames = Math.floor(avail / (bytesPer * fmt.channels));
      const samples = new Float32Array(frames);
      for (let f = 0; f < frames; f++) {
        let s = 0;
        for (let c = 0; c < fmt.channels; c++) {
          const o = pos + 8 + (f * fmt.channels + c) * bytesPer;
          s += fmt.bits === 16 ? dv.getInt16(o, true) / 32768 : (bytes[o]! - 128) / 128;
        }
        samples[f] = s / fmt.channels;
      }
      return { sampleRate: fmt.rate, samples };
    }
    pos += 8 + len + (len & 1);
  }
  throw new LensException('corrupt', 'WAV has no data chunk', path);
}

/** Mono 16-bit PCM WAV bytes. */
export function encodeWav(audio: Audio): Uint8Array {
  const n = audio.samples.length;
  const out = new Uint8Array(44 + n * 2);
  const dv = new DataView(out.buffer);
  const put = (o: number, s: string) => { for (let i = 0; i < 4; i++) out[o + i] = s.charCodeAt(i); };
  put(0, 'RIFF'); dv.setUint32(4, 36 + n * 2, true); put(8, 'WAVE');
  put(12, 'fmt '); dv.setUint32(16, 16, true); dv.setUint16(20, 1, true); dv.setUint16(22, 1, true);
  dv.setUint32(24, audio.sampleRate, true); dv.setUint32(28, audio.sampleRate * 2, true); dv.setUint16(32, 2, true); dv.setUint16(34, 16, true);
  put(36, 'data'); dv.setUint32(40, n * 2, true);
  for (let i = 0; i < n; i++) dv.setInt16(44 + i * 2, Math.max(-32768, Math.min(32767, Math.round(audio.samples[i]! * 32768))), true);
  return out;
}
