// Generates the input-filter test samples in test/fixtures/filter/ (committed; re-run only to change them):
//   audio/  16 kHz 16-bit mono WAV: Debian espeak-ng speech (several voices) between stretches of silence, hiss, hum
//           and rumble, mixed and resampled with sox — for Silero VAD.
//   faces/  96x96 JPEG scenes with and without a real face — for BlazeFace. The face is the astronaut portrait
//           (Eileen Collins, NASA, public domain) shipped in Debian's python3-skimage (skimage/data/astronaut.png),
//           pasted at random size and place onto rendered backgrounds and onto crops of the package's other photos
//           (brick, grass, gravel, coffee, a cat, a rocket, the portrait's own flag and suit), which are the scenes
//           without a face.
// Usage: node --import tsx scripts/gen-filter-samples.ts [--skimage DIR] (default: apt-get download + dpkg-deb -x).
// Needs espeak-ng and sox (apt-get install espeak-ng sox). Deterministic apart from espeak-ng/sox versions.

import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodePng, decodeWav, encodeJpeg, encodeWav, type Image } from '../src/core/filter/media';
import { resizeBilinear } from '../src/core/filter/samples';
import { seededNormal, seededRandom } from '../src/core/random';

const root = join(__dirname, '..');
const OUT = process.env.OUT ?? join(root, 'test', 'fixtures', 'filter');

function sh(cmd: string, args: string[], cwd?: string): void {
  const r = spawnSync(cmd, args, { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed: ${r.stderr?.toString() ?? r.error}`);
}

function skimageData(): string {
  const i = process.argv.indexOf('--skimage');
  if (i > 0) return process.argv[i + 1]!;
  const tmp = mkdtempSync(join(tmpdir(), 'skimage-'));
  sh('apt-get', ['download', 'python3-skimage'], tmp);
  const deb = readdirSync(tmp).find((f) => f.endsWith('.deb'))!;
  sh('dpkg-deb', ['-x', deb, 'x'], tmp);
  return join(tmp, 'x/usr/lib/python3/dist-packages/skimage/data');
}

// ---------------------------------------------------------------- audio
const SR = 16000;

function speech(text: string, voice: string, speed: number, tmp: string): Float32Array {
  const raw = join(tmp, 'raw.wav'), res = join(tmp, 'res.wav');
  sh('espeak-ng', ['-v', voice, '-s', String(speed), '-w', raw, text]);
  sh('sox', [raw, '-r', String(SR), '-b', '16', '-c', '1', res]);
  return decodeWav(new Uint8Array(readFileSync(res))).samples;
}

function background(kind: string, n: number, level: number, rand: () => number): Float32Array {
  const out = new Float32Array(n);
  const normal = seededNormal(Math.floor(rand() * 1e9));
  let brown = 0;
  for (let i = 0; i < n; i++) {
    const t = i / SR;
    if (kind === 'hiss') out[i] = level * normal();
    else if (kind === 'hum') out[i] = level * (Math.sin(2 * Math.PI * 50 * t) + 0.5 * Math.sin(2 * Math.PI * 150 * t) + 0.25 * Math.sin(2 * Math.PI * 250 * t)) + 0.1 * level * normal();
    else if (kind === 'rumble') { brown = 0.995 * brown + 0.05 * normal(); out[i] = level * brown; }
    else out[i] = 0.001 * level * normal(); // near silence
  }
  return out;
}

function audioFile(name: string, parts: (string | [string, number, number])[], voice: string, seed: number, tmp: string): void {
  const rand = seededRandom(seed);
  const chunks: Float32Array[] = [];
  for (const p of parts) {
    if (typeof p === 'string') {
      const s = speech(p, voice, 150 + Math.floor(rand() * 30), tmp);
      // Speech over a quiet floor of the same background as the file's first gap, as a real room has.
      const bg = background('hiss', s.length, 0.003, rand);
      chunks.push(s.map((v, i) => 0.8 * v + bg[i]!));
    } else {
      const [kind, seconds, level] = p;
      chunks.push(background(kind, Math.round(seconds * SR), level, rand));
    }
  }
  const total = chunks.reduce((a, c) => a + c.length, 0);
  const samples = new Float32Array(total);
  let o = 0;
  for (const c of chunks) { samples.set(c, o); o += c.length; }
  writeFileSync(join(OUT, 'audio', name), encodeWav({ sampleRate: SR, samples }));
}

// ---------------------------------------------------------------- images
const SIZE = 80;

function crop(img: Image, x: number, y: number, w: number, h: number): Image {
  const data = new Uint8Array(w * h * 3);
  for (let j = 0; j < h; j++) {
    for (let i = 0; i < w; i++) {
      for (let k = 0; k < 3; k++) {
        data[(j * w + i) * 3 + k] = img.data[((y + j) * img.width + (x + i)) * img.channels + (img.channels === 3 ? k : 0)]!;
      }
    }
  }
  return { width: w, height: h, channels: 3, data };
}

function rendered(rand: () => number): Image {
  const data = new Uint8Array(SIZE * SIZE * 3);
  const c0 = [rand() * 255, rand() * 255, rand() * 255], c1 = [rand() * 255, rand() * 255, rand() * 255];
  for (let y = 0; y < SIZE; y++) for (let x = 0; x < SIZE; x++) for (let k = 0; k < 3; k++) {
    const t = (x + y) / (2 * SIZE);
    data[(y * SIZE + x) * 3 + k] = c0[k]! * (1 - t) + c1[k]! * t;
  }
  const shapes = 2 + Math.floor(rand() * 6);
  for (let s = 0; s < shapes; s++) {
    const col = [rand() * 255, rand() * 255, rand() * 255];
    const cx = rand() * SIZE, cy = rand() * SIZE, r = 5 + rand() * 25, circle = rand() < 0.5;
    for (let y = 0; y < SIZE; y++) for (let x = 0; x < SIZE; x++) {
      const inside = circle ? (x - cx) ** 2 + (y - cy) ** 2 < r * r : Math.abs(x - cx) < r && Math.abs(y - cy) < r * 0.6;
      if (inside) for (let k = 0; k < 3; k++) data[(y * SIZE + x) * 3 + k] = col[k]!;
    }
  }
  return { width: SIZE, height: SIZE, channels: 3, data };
}

function photoCrop(photos: Image[], rand: () => number): Image {
  const p = photos[Math.floor(rand() * photos.length)]!;
  const side = Math.floor(Math.min(p.width, p.height) * (0.3 + rand() * 0.7));
  const x = Math.floor(rand() * (p.width - side)), y = Math.floor(rand() * (p.height - side));
  return resizeBilinear(crop(p, x, y, side, side), SIZE, SIZE);
}

function paste(bg: Image, face: Image, rand: () => number): Image {
  const out = { ...bg, data: Uint8Array.from(bg.data) };
  const side = Math.floor(SIZE * (0.45 + rand() * 0.45));
  const h = Math.floor(side * (face.height / face.width));
  const f = resizeBilinear(face, side, h);
  const flip = rand() < 0.5, gain = 0.75 + rand() * 0.5;
  const ox = Math.floor(rand() * (SIZE - side + 1)) - Math.floor(side * 0.1), oy = Math.floor(rand() * Math.max(1, SIZE - h + 1)) - Math.floor(h * 0.1);
  for (let j = 0; j < h; j++) for (let i = 0; i < side; i++) {
    const x = ox + i, y = oy + j;
    if (x < 0 || y < 0 || x >= SIZE || y >= SIZE) continue;
    // An elliptical mask with a soft edge: the head, not the crop's rectangle.
    const dx = (i - side / 2) / (side / 2), dy = (j - h / 2) / (h / 2), d = dx * dx + dy * dy;
    const a = d < 0.8 ? 1 : d < 1 ? (1 - d) / 0.2 : 0;
    if (a === 0) continue;
    const si = flip ? side - 1 - i : i;
    for (let k = 0; k < 3; k++) {
      const v = Math.min(255, f.data[(j * side + si) * 3 + k]! * gain);
      out.data[(y * SIZE + x) * 3 + k] = a * v + (1 - a) * out.data[(y * SIZE + x) * 3 + k]!;
    }
  }
  return out;
}

function main(): void {
  mkdirSync(join(OUT, 'audio'), { recursive: true });
  mkdirSync(join(OUT, 'faces'), { recursive: true });
  const tmp = mkdtempSync(join(tmpdir(), 'filter-gen-'));
  try {
    audioFile('room1.wav', [['silence', 0.5, 1], 'Kitchen lights on.', ['hiss', 0.5, 0.01], 'Alarm at seven.', ['hum', 0.5, 0.02]], 'en-us', 1, tmp);
    audioFile('room2.wav', [['rumble', 0.5, 0.05], 'Weather tomorrow?', ['silence', 0.5, 1], 'Play music.', ['hiss', 0.4, 0.004]], 'en-gb+f3', 2, tmp);
    audioFile('room3.wav', [['hum', 0.5, 0.01], 'Lock the door.', ['rumble', 0.5, 0.03], 'Stop.', ['hiss', 0.5, 0.02]], 'en-us+m3', 3, tmp);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }

  const dir = skimageData();
  const load = (f: string) => decodePng(new Uint8Array(readFileSync(join(dir, f))));
  const astronaut = load('astronaut.png');
  const face = crop(astronaut, 150, 20, 150, 170);
  // Photos without a face: the package's other scenes and the portrait's flag (left) and suit (bottom).
  const photos = ['brick.png', 'grass.png', 'gravel.png', 'coffee.png', 'chelsea.png', 'motorcycle_left.png'].filter((f) => existsSync(join(dir, f))).map(load);
  photos.push(crop(astronaut, 0, 0, 110, 300), crop(astronaut, 60, 300, 300, 200), crop(astronaut, 330, 0, 180, 260));
  // Fixed cameras: each watches one scene (a rendered room or a photo crop) with sensor noise and slow light drift;
  // now and then the face enters for a few frames, or a distractor (a shape, the cat) passes by.
  const rand = seededRandom(17);
  const normal = seededNormal(18);
  const cameras = Number(process.env.CAMERAS ?? 3), frames = Number(process.env.FRAMES ?? 44);
  for (let cam = 0; cam < cameras; cam++) {
    const scene = cam % 2 === 0 ? rendered(rand) : photoCrop(photos, rand);
    let event: { kind: 'face' | 'thing'; left: number; x: number; y: number; size: number; dx: number; thing: Image } | undefined;
    for (let f = 0; f < frames; f++) {
      if (!event && f > 2 && rand() < 0.18) {
        const kind = rand() < 0.6 ? 'face' : 'thing';
        event = { kind, left: 3 + Math.floor(rand() * 8), x: rand() * 0.6, y: rand() * 0.4, size: 0.45 + rand() * 0.4, dx: (rand() - 0.5) * 0.06, thing: photoCrop(photos, rand) };
      }
      const light = 1 + 0.04 * Math.sin(f / 6 + cam);
      let img: Image = { ...scene, data: scene.data.map((v) => Math.max(0, Math.min(255, v * light + 1.5 * normal()))) };
      if (event) {
        img = event.kind === 'face' ? paste(img, face, rand) : paste(img, event.thing, rand);
        if (--event.left <= 0) event = undefined;
      }
      writeFileSync(join(OUT, 'faces', `cam${cam}_${String(f).padStart(3, '0')}.jpg`), encodeJpeg(img, 55));
    }
  }
}

main();
