// Box metrics shared by layout sizing and every renderer, so the drawing matches the sizes the layout reserved.

import { textWidth } from './text';
import type { BoxRow } from './types';

export const BOX = {
  headerHeight: 20,
  headerFontPx: 11,
  rowHeight: 14,
  rowFontPx: 10,
  padX: 8,
  padBottom: 4,
  minWidth: 44,
  maxRows: 6,
  edgeLabelFontPx: 9,
  terminalHeight: 26,
} as const;

export function rowText(row: BoxRow): string {
  return row.value ? `${row.label} ${row.value}` : row.label;
}

/** Width and height a box needs for its header text and rows. */
export function boxSize(title: string, rows: readonly BoxRow[]): { width: number; height: number } {
  let w = textWidth(title, BOX.headerFontPx, true);
  for (const r of rows) w = Math.max(w, textWidth(r.label, BOX.rowFontPx, true) + textWidth(` ${r.value}`, BOX.rowFontPx));
  const width = Math.max(BOX.minWidth, Math.ceil(w + 2 * BOX.padX));
  const height = rows.length === 0 ? BOX.headerHeight : BOX.headerHeight + rows.length * BOX.rowHeight + BOX.padBottom;
  return { width, height };
}
