// Number and shape formatting for the editor page (pure functions, unit-tested).

import type { TensorDesc } from '../../src/core/analyze/report';

/** Exact integer with thousands separators, independent of the machine's locale. */
export function exact(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

/** Compact count: 1234 → "1.23 K", 300_000_000 → "300 M" (SI, as MACs and params are quoted). */
export function compact(n: number): string {
  const units = ['', ' K', ' M', ' G', ' T'];
  let v = n;
  let i = 0;
  while (Math.abs(v) >= 1000 && i < units.length - 1) {
    v /= 1000;
    i++;
  }
  return i === 0 ? String(Math.round(v)) : `${v.toPrecision(3)}${units[i]}`;
}

/** Bytes in binary units, as microcontroller RAM and flash sizes are quoted (KiB, MiB). */
export function bytes(n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB'];
  let v = n;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return i === 0 ? `${v} B` : `${v.toFixed(v < 10 ? 2 : 1)} ${units[i]}`;
}

export function shape(t: Pick<TensorDesc, 'shape'>): string {
  if (t.shape === null) return '?';
  if (t.shape.length === 0) return 'scalar';
  return t.shape.map((d) => (d === null ? '?' : String(d))).join('×');
}

export function tensor(t: TensorDesc): string {
  return `${t.dtype} ${shape(t)}`;
}

export function opsets(o: Record<string, number>): string {
  const parts = Object.entries(o).map(([d, v]) => `${d === '' ? 'ai.onnx' : d} ${v}`);
  return parts.length ? parts.join(', ') : 'none';
}
