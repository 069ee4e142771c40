// Pan/zoom arithmetic: a view maps graph coordinates to screen pixels as screen = graph × scale + translate.

export interface View {
  scale: number;
  tx: number;
  ty: number;
}

export const MIN_SCALE = 0.02;
export const MAX_SCALE = 4;

function clampScale(s: number): number {
  return Math.min(MAX_SCALE, Math.max(MIN_SCALE, s));
}

/** The view showing the whole graph centred, never enlarged beyond 1:1 (small graphs stay crisp, not huge). */
export function fitView(contentW: number, contentH: number, viewW: number, viewH: number, margin = 20): View {
  const sx = (viewW - 2 * margin) / Math.max(1, contentW);
  const sy = (viewH - 2 * margin) / Math.max(1, contentH);
  const scale = clampScale(Math.min(1, sx, sy));
  return { scale, tx: (viewW - contentW * scale) / 2, ty: Math.max(margin, (viewH - contentH * scale) / 2) };
}

/** Zoom by `factor` keeping the graph point under screen (sx, sy) fixed. */
export function zoomAt(view: View, factor: number, sx: number, sy: number): View {
  const scale = clampScale(view.scale * factor);
  const k = scale / view.scale;
  return { scale, tx: sx - (sx - view.tx) * k, ty: sy - (sy - view.ty) * k };
}

/** Pans so graph point (gx, gy) sits in the centre of a viewW × viewH viewport. */
export function centerOn(view: View, gx: number, gy: number, viewW: number, viewH: number): View {
  return { scale: view.scale, tx: viewW / 2 - gx * view.scale, ty: viewH / 2 - gy * view.scale };
}

export function toGraph(view: View, sx: number, sy: number): { x: number; y: number } {
  return { x: (sx - view.tx) / view.scale, y: (sy - view.ty) / view.scale };
}

/** The graph-space rectangle visible in a viewW × viewH viewport. */
export function visibleRect(view: View, viewW: number, viewH: number): { x: number; y: number; width: number; height: number } {
  const a = toGraph(view, 0, 0);
  return { x: a.x, y: a.y, width: viewW / view.scale, height: viewH / view.scale };
}

/** True when a graph rectangle is fully inside the viewport (no need to scroll to a selection). */
export function isVisible(view: View, viewW: number, viewH: number, r: { x: number; y: number; width: number; height: number }): boolean {
  const v = visibleRect(view, viewW, viewH);
  return r.x >= v.x && r.y >= v.y && r.x + r.width <= v.x + v.width && r.y + r.height <= v.y + v.height;
}
