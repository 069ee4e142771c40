// Receptive-field arithmetic against brute force: random chains of convolutions (dense and depthwise, strided,
// padded, dilated) and pools run on random tensors in plain TypeScript; a random output tile is then recomputed from
// only the input rows/columns the arithmetic says it needs, with the padding it says the tile adds itself, and must
// equal the crop of the full output exactly.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  clip, hull, inputRange, nodeWindows, outputSize, receptiveField, splitRange, tileWindow, type Range, type Window,
} from '../../../src/core/memory/receptive-field';
import { seededRandom } from '../../../src/core/random';
import type { Node } from '../../../src/core/onnx/ir';

/** A C×H×W tensor. */
interface T3 { c: number; h: number; w: number; data: Float64Array }

type Layer =
  | { kind: 'conv'; wh: Window; ww: Window; cout: number; group: number; weights: Float64Array }
  | { kind: 'max' | 'avg'; wh: Window; ww: Window };

const at = (t: T3, c: number, y: number, x: number) => t.data[(c * t.h + y) * t.w + x]!;

/** The reference: a direct sliding window with zero (conv, avg: counted) or -inf (max) padding. */
function run(layer: Layer, x: T3, wh: Window, ww: Window): T3 {
  const oh = outputSize(x.h, wh), ow = outputSize(x.w, ww);
  const cout = layer.kind === 'conv' ? layer.cout : x.c;
  const out: T3 = { c: cout, h: oh, w: ow, data: new Float64Array(cout * oh * ow) };
  for (let co = 0; co < cout; co++) {
    for (let oy = 0; oy < oh; oy++) {
      for (let ox = 0; ox < ow; ox++) {
        let acc = layer.kind === 'max' ? -Infinity : 0;
        const cinPerGroup = layer.kind === 'conv' ? x.c / layer.group : 1;
        const g = layer.kind === 'conv' ? Math.floor(co / (layer.cout / layer.group)) : 0;
        for (let ci = 0; ci < cinPerGroup; ci++) {
          const c = layer.kind === 'conv' ? g * cinPerGroup + ci : co;
          for (let ky = 0; ky < wh.kernel; ky++) {
            for (let kx = 0; kx < ww.kernel; kx++) {
              const y = oy * wh.stride - wh.padBegin + ky * wh.dilation;
              const xx = ox * ww.stride - ww.padBegin + kx * ww.dilation;
              const inside = y >= 0 && y < x.h && xx >= 0 && xx < x.w;
              const v = inside ? at(x, c, y, xx) : layer.kind === 'max' ? -Infinity : 0;
              if (layer.kind === 'max') acc = Math.max(acc, v);
              else if (layer.kind === 'avg') acc += v / (wh.kernel * ww.kernel);
              else acc += v * (layer as Extract<Layer, { kind: 'conv' }>).weights[((co * cinPerGroup + ci) * wh.kernel + ky) * ww.kernel + kx]!;
            }
          }
        }
        out.data[(co * oh + oy) * ow + ox] = acc;
      }
    }
  }
  return out;
}

function crop(t: T3, ry: Range, rx: Range): T3 {
  const h = ry.end - ry.start, w = rx.end - rx.start;
  const out: T3 = { c: t.c, h, w, data: new Float64Array(t.c * h * w) };
  for (let c = 0; c < t.c; c++) for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) out.data[(c * h + y) * w + x] = at(t, c, ry.start + y, rx.start + x);
  return out;
}

function randomWindow(rand: () => number, pool: boolean): Window {
  const kernel = 1 + Math.floor(rand() * (pool ? 3 : 4));
  const stride = 1 + Math.floor(rand() * 2);
  const dilation = pool ? 1 : 1 + Math.floor(rand() * 2);
  const span = (kernel - 1) * dilation + 1;
  // Pools keep their padding below the kernel (as ONNX requires); convolutions may pad up to the span.
  const maxPad = pool ? kernel - 1 : span - 1;
  return { kernel, stride, dilation, padBegin: Math.floor(rand() * (maxPad + 1)), padEnd: Math.floor(rand() * (maxPad + 1)) };
}

function randomChain(rand: () => number, c0: number, h0: number, w0: number): { layers: Layer[]; sizes: [number, number][] } | undefined {
  const layers: Layer[] = [];
  const sizes: [number, number][] = [[h0, w0]];
  let c = c0, h = h0, w = w0;
  const depth = 1 + Math.floor(rand() * 4);
  for (let i = 0; i < depth; i++) {
    const r = rand();
    const pool = r < 0.3;
    const wh = randomWindow(rand, pool), ww = randomWindow(rand, pool);
    let layer: Layer;
    if (pool) layer = { kind: rand() < 0.5 ? 'max' : 'avg', wh, ww };
    else {
      const depthwise = r < 0.6;
      const cout = depthwise ? c : 1 + Math.floor(rand() * 3);
      const group = depthwise ? c : 1;
      const weights = Float64Array.from({ length: cout * (c / group) * wh.kernel * ww.kernel }, () => rand() * 2 - 1);
      layer = { kind: 'conv', wh, ww, cout, group, weights };
      c = cout;
    }
    h = outputSize(h, wh);
    w = outputSize(w, ww);
    if (h < 1 || w < 1) return undefined;
    layers.push(layer);
    sizes.push([h, w]);
  }
  return { layers, sizes };
}

test('a tile computed from the input range the arithmetic names equals the crop of the full output (400 random chains)', () => {
  const rand = seededRandom(16);
  let checked = 0;
  for (let trial = 0; checked < 400 && trial < 4000; trial++) {
    const c0 = 1 + Math.floor(rand() * 3), h0 = 5 + Math.floor(rand() * 14), w0 = 5 + Math.floor(rand() * 14);
    const chain = randomChain(rand, c0, h0, w0);
    if (!chain) continue;
    const x: T3 = { c: c0, h: h0, w: w0, data: Float64Array.from({ length: c0 * h0 * w0 }, () => rand() * 2 - 1) };
    let full = x;
    for (const l of chain.layers) full = run(l, full, l.wh, l.ww);
    // A random output tile; walk back to the regions each intermediate tensor must hold.
    const [oh, ow] = chain.sizes[chain.sizes.length - 1]!;
    const y0 = Math.floor(rand() * oh), x0 = Math.floor(rand() * ow);
    const tile = { y: { start: y0, end: y0 + 1 + Math.floor(rand() * (oh - y0)) }, x: { start: x0, end: x0 + 1 + Math.floor(rand() * (ow - x0)) } };
    const regions: { y: Range; x: Range }[] = new Array(chain.layers.length + 1);
    const tiles: { wh: Window; ww: Window }[] = new Array(chain.layers.length);
    regions[chain.layers.length] = tile;
    for (let i = chain.layers.length - 1; i >= 0; i--) {
      const l = chain.layers[i]!;
      const [h, w] = chain.sizes[i]!;
      const ty = tileWindow(regions[i + 1]!.y, l.wh, h), tx = tileWindow(regions[i + 1]!.x, l.ww, w);
      regions[i] = { y: ty.input, x: tx.input };
      tiles[i] = { wh: ty.window, ww: tx.window };
    }
    let t = crop(x, regions[0]!.y, regions[0]!.x);
    for (let i = 0; i < chain.layers.length; i++) t = run(chain.layers[i]!, t, tiles[i]!.wh, tiles[i]!.ww);
    const expected = crop(full, tile.y, tile.x);
    assert.equal(t.h, expected.h, `trial ${trial}: tile height`);
    assert.equal(t.w, expected.w, `trial ${trial}: tile width`);
    assert.deepEqual([...t.data], [...expected.data], `trial ${trial}: tile values`);
    checked++;
  }
  assert.equal(checked, 400);
});

test('tiles from splitRange cover the output exactly once, and their input ranges overlap by the halo', () => {
  // 3x3 stride-1 pad-1 conv on 16: 4 tiles of 4 rows read 5 or 6 rows; neighbours share 2 rows.
  const w: Window = { kernel: 3, stride: 1, dilation: 1, padBegin: 1, padEnd: 1 };
  const parts = splitRange(16, 4);
  assert.deepEqual(parts.map((p) => [p.start, p.end]), [[0, 4], [4, 8], [8, 12], [12, 16]]);
  const ins = parts.map((p) => tileWindow(p, w, 16));
  assert.deepEqual(ins.map((t) => [t.input.start, t.input.end, t.window.padBegin, t.window.padEnd]), [[0, 5, 1, 0], [3, 9, 0, 0], [7, 13, 0, 0], [11, 16, 0, 1]]);
  assert.deepEqual(splitRange(7, 3).map((p) => p.end - p.start), [2, 2, 3]);
});

test('receptive field of strided and dilated chains', () => {
  const conv = (kernel: number, stride: number, dilation = 1, pad = 0): Window => ({ kernel, stride, dilation, padBegin: pad, padEnd: pad });
  // Two 3x3 stride-1: 5; then a stride-2 3x3 and another 3x3: 5 + 2 + 2*2 = 11 (MobileNet-style growth).
  assert.deepEqual(receptiveField([conv(3, 1), conv(3, 1)]), { size: 5, jump: 1, start: 0 });
  assert.deepEqual(receptiveField([conv(3, 2, 1, 1), conv(3, 1, 1, 1)]), { size: 7, jump: 2, start: -3 });
  // A dilation-2 3x3 spans 5.
  assert.deepEqual(receptiveField([conv(3, 1, 2, 2)]), { size: 5, jump: 1, start: -2 });
  assert.deepEqual(inputRange({ start: 2, end: 4 }, conv(3, 2, 1, 1)), { start: 3, end: 8 });
  assert.deepEqual(clip({ start: -2, end: 9 }, 7), { range: { start: 0, end: 7 }, padBegin: 2, padEnd: 2 });
  assert.deepEqual(hull({ start: 3, end: 5 }, { start: 1, end: 4 }), { start: 1, end: 5 });
});

test('nodeWindows resolves auto_pad SAME and MaxPool ceil_mode into explicit padding', () => {
  const node = (opType: string, attrs: Node['attributes']): Node => ({ name: 'n', opType, domain: '', inputs: ['x', 'w'], outputs: ['y'], attributes: attrs });
  const same = nodeWindows(node('Conv', [{ name: 'auto_pad', type: 'string', value: 'SAME_UPPER' }, { name: 'strides', type: 'ints', value: [2, 2] }]), [9, 10], [4, 3, 3, 3]);
  assert.ok(typeof same !== 'string');
  // 9 → ceil(9/2)=5 outputs need 4*2+3=11: 2 pad, 1 before 1 after; 10 → 5 outputs need 11: 1 pad, 0 before, 1 after.
  assert.deepEqual(same.map((w) => [w.padBegin, w.padEnd]), [[1, 1], [0, 1]]);
  assert.deepEqual(same.map((w, a) => outputSize([9, 10][a]!, w)), [5, 5]);
  const ceil = nodeWindows(node('MaxPool', [{ name: 'kernel_shape', type: 'ints', value: [3, 3] }, { name: 'strides', type: 'ints', value: [2, 2] }, { name: 'ceil_mode', type: 'int', value: 1 }]), [112, 111]);
  assert.ok(typeof ceil !== 'string');
  // SqueezeNet's first pool: 112 → ceil(109/2)+1 = 56 (floor would give 55); 111 → 55 either way.
  assert.deepEqual(ceil.map((w, a) => outputSize([112, 111][a]!, w)), [56, 55]);
  assert.equal(typeof nodeWindows(node('AveragePool', [{ name: 'kernel_shape', type: 'ints', value: [3, 3] }, { name: 'ceil_mode', type: 'int', value: 1 }]), [8, 8]), 'string');
});
