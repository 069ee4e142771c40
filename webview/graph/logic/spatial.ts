// A uniform-grid index over box rectangles: which boxes a viewport (or a point) touches, for drawing only what is
// on screen in very large graphs and for hit-testing the minimap.

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

export class GridIndex {
  private readonly cells = new Map<number, number[]>();
  private readonly cellSize: number;

  constructor(private readonly rects: readonly Rect[], cellSize = 400) {
    this.cellSize = cellSize;
    rects.forEach((r, i) => {
      for (const key of this.keys(r)) {
        const list = this.cells.get(key);
        if (list) list.push(i);
        else this.cells.set(key, [i]);
      }
    });
  }

  private *keys(r: Rect): Generator<number> {
    const c0 = Math.floor(r.x / this.cellSize);
    const c1 = Math.floor((r.x + r.width) / this.cellSize);
    const r0 = Math.floor(r.y / this.cellSize);
    const r1 = Math.floor((r.y + r.height) / this.cellSize);
    for (let row = r0; row <= r1; row++) for (let col = c0; col <= c1; col++) yield row * 100003 + col;
  }

  /** Indices of rectangles intersecting `area`, ascending. */
  query(area: Rect): number[] {
    const found = new Set<number>();
    for (const key of this.keys(area)) {
      for (const i of this.cells.get(key) ?? []) {
        const r = this.rects[i]!;
        if (r.x <= area.x + area.width && r.x + r.width >= area.x && r.y <= area.y + area.height && r.y + r.height >= area.y) found.add(i);
      }
    }
    return [...found].sort((a, b) => a - b);
  }

  /** The rectangle containing point (x, y), topmost (last) first; -1 when none. */
  hit(x: number, y: number): number {
    const list = this.query({ x, y, width: 0, height: 0 });
    return list.length ? list[list.length - 1]! : -1;
  }
}
