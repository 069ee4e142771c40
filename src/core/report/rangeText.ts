// A figure with its range and the evidence behind it, as every view shows it: "54.0 ms (41.2–70.1) · 12 points",
// or "· no evidence" when the profile was fitted to no measurement of its own (its range is then the wide one).

import { withRange } from '../estimate/range';

/** "12 points", "1 point", or "no evidence". */
export function evidenceText(points: number | undefined): string {
  if (!points) return 'no evidence';
  return `${points} point${points === 1 ? '' : 's'}`;
}

/** The figure, its interval and (when given) the evidence count; energy of a profile without power is n/a. */
export function rangedFigure(value: number, range: readonly [number, number] | undefined, unit: string, evidencePoints?: number): string {
  if (unit === 'mJ' && value === 0 && range && range[1] === 0) return 'n/a (no power figure)';
  const figure = withRange(value, range, unit);
  return evidencePoints === undefined ? figure : `${figure} · ${evidenceText(evidencePoints)}`;
}

/** The interval of a part (a node, a module) of a ranged total: the same relative spread. */
export function partRange(part: number, total: number, totalRange: readonly [number, number] | undefined): [number, number] | undefined {
  if (!totalRange || !(total > 0)) return undefined;
  return [part * (totalRange[0] / total), part * (totalRange[1] / total)];
}

/** The report sentence: "Latency 54.0 ms (41.2–70.1), energy 2.31 mJ (1.61–3.31) per inference: 80% interval, 12 evidence points (basis)." */
export function estimateSentence(e: {
  latencyMs: number; energyMj: number; latencyMsRange?: [number, number]; energyMjRange?: [number, number]; evidencePoints?: number;
  range?: { level: number; basis: string };
}): string {
  const energy = e.energyMj === 0 && e.latencyMs > 0 ? 'n/a (the profile has no power figure)' : withRange(e.energyMj, e.energyMjRange, 'mJ');
  const head = `Latency ${withRange(e.latencyMs, e.latencyMsRange, 'ms')}, energy ${energy} per inference`;
  if (!e.range || !e.latencyMsRange) return `${head}.`;
  const pts = e.evidencePoints ? `${e.evidencePoints} evidence point${e.evidencePoints === 1 ? '' : 's'}` : 'no evidence for this profile (a wide, family-level range)';
  return `${head}: ${Math.round(e.range.level * 100)}% interval, ${pts} (${e.range.basis}).`;
}
