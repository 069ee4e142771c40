// Hotspot colouring: each box's share of a metric (groups sum their members) mapped onto a colour ramp,
// plus the top-hotspots list. Pure, so switching metric or device only recolours.

import type { GraphLayout, ModelOutline } from '../../../src/core/layout/types';

/** Ramp stops from cool (small share) to hot (largest share): pale yellow → orange → red → dark red. */
const RAMP: [number, number, number][] = [
  [255, 237, 160],
  [254, 178, 76],
  [240, 59, 32],
  [160, 0, 38],
];

/** Colour at t in [0, 1] on the ramp, as #rrggbb. */
export function heatColor(t: number): string {
  const c = Math.min(1, Math.max(0, Number.isFinite(t) ? t : 0)) * (RAMP.length - 1);
  const i = Math.min(RAMP.length - 2, Math.floor(c));
  const f = c - i;
  const a = RAMP[i]!;
  const b = RAMP[i + 1]!;
  const hex = (k: number) => Math.round(a[k]! + (b[k]! - a[k]!) * f).toString(16).padStart(2, '0');
  return `#${hex(0)}${hex(1)}${hex(2)}`;
}

/** Text colour readable on a heat colour (dark text on the pale end). */
export function heatTextColor(t: number): string {
  return t < 0.45 ? '#1f1f1f' : '#ffffff';
}

export interface HeatMap {
  /** Box id → value (group boxes hold the sum of their members). */
  values: Map<string, number>;
  /** Box id → position on the ramp in [0, 1]. */
  position: Map<string, number>;
  total: number;
  /** Largest box value: the hot end of the ramp. */
  max: number;
}

/**
 * Box values and ramp positions. The ramp is on the square root of value / largest value, so one dominant
 * node does not leave every other box the same pale colour. Boxes without a figure, or with zero, get no
 * position (drawn grey).
 */
export function computeHeat(layout: GraphLayout, perNode: readonly (number | null)[]): HeatMap {
  const values = new Map<string, number>();
  let total = 0;
  for (const v of perNode) if (v !== null && Number.isFinite(v)) total += v;
  for (const n of layout.nodes) {
    if (n.kind === 'op' && n.nodeIndex !== undefined) {
      const v = perNode[n.nodeIndex];
      if (v !== null && v !== undefined && Number.isFinite(v)) values.set(n.id, v);
    } else if (n.kind === 'group') {
      let sum = 0;
      let any = false;
      for (const m of n.members ?? []) {
        const v = perNode[m];
        if (v !== null && v !== undefined && Number.isFinite(v)) {
          sum += v;
          any = true;
        }
      }
      if (any) values.set(n.id, sum);
    }
  }
  let max = 0;
  for (const v of values.values()) max = Math.max(max, v);
  const position = new Map<string, number>();
  // Zero is "no share": those boxes stay grey so the real hotspots stand out.
  for (const [id, v] of values) if (v > 0 && max > 0) position.set(id, Math.sqrt(v / max));
  return { values, position, total, max };
}

export interface Hotspot {
  nodeIndex: number;
  name: string;
  opType: string;
  value: number;
  /** Fraction of the metric's total. */
  share: number;
}

/** The `count` nodes with the largest values, largest first (ties in graph order). */
export function topHotspots(outline: ModelOutline, perNode: readonly (number | null)[], count: number): Hotspot[] {
  let total = 0;
  const items: Hotspot[] = [];
  perNode.forEach((v, i) => {
    if (v === null || !Number.isFinite(v)) return;
    total += v;
    if (v > 0) {
      const node = outline.nodes[i];
      // Unnamed nodes (old exporters) are known by their first output tensor, as in Netron.
      const name = node?.name || node?.outputs.find((o) => o) || `#${i}`;
      items.push({ nodeIndex: i, name, opType: node?.opType ?? '', value: v, share: 0 });
    }
  });
  items.sort((a, b) => b.value - a.value || a.nodeIndex - b.nodeIndex);
  const top = items.slice(0, count);
  for (const h of top) h.share = total > 0 ? h.value / total : 0;
  return top;
}

/** Legend ticks: the value at ramp positions 0, ¼, ½, ¾, 1 (inverse of the square-root mapping). */
export function legendTicks(max: number): { t: number; value: number }[] {
  return [0, 0.25, 0.5, 0.75, 1].map((t) => ({ t, value: t * t * max }));
}

/** Compact figure for the legend and lists: 1.2k, 3.4M, 5.6G; small values keep 3 significant digits. */
export function formatValue(v: number, unit: string): string {
  const abs = Math.abs(v);
  const withUnit = (s: string) => (unit ? `${s} ${unit}` : s);
  if (unit === 'bytes') {
    if (abs >= 1 << 30) return `${(v / (1 << 30)).toFixed(2)} GiB`;
    if (abs >= 1 << 20) return `${(v / (1 << 20)).toFixed(2)} MiB`;
    if (abs >= 1 << 10) return `${(v / (1 << 10)).toFixed(1)} KiB`;
    return `${Math.round(v)} B`;
  }
  if (abs >= 1e9) return withUnit(`${(v / 1e9).toFixed(2)}G`);
  if (abs >= 1e6) return withUnit(`${(v / 1e6).toFixed(2)}M`);
  if (abs >= 1e4) return withUnit(`${(v / 1e3).toFixed(1)}k`);
  if (abs === 0) return withUnit('0');
  return withUnit(String(Number(v.toPrecision(3))));
}
