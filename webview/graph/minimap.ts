// The overview in the corner: every box as a coloured dot-rectangle, the viewport as a frame; click or drag to move.

import { CATEGORY_COLORS, type OpCategory } from '../../src/core/layout/categories';
import type { GraphLayout } from '../../src/core/layout/types';
import type { Rect } from './logic/spatial';

export class Minimap {
  readonly canvas: HTMLCanvasElement;
  private layout: GraphLayout | undefined;
  private scale = 1;
  private fills: Map<string, string> | undefined;

  constructor(parent: HTMLElement, private readonly onPick: (gx: number, gy: number) => void) {
    this.canvas = document.createElement('canvas');
    this.canvas.className = 'minimap';
    this.canvas.setAttribute('aria-hidden', 'true');
    parent.append(this.canvas);
    let down = false;
    const pick = (e: PointerEvent) => {
      const r = this.canvas.getBoundingClientRect();
      this.onPick((e.clientX - r.left) / this.scale, (e.clientY - r.top) / this.scale);
    };
    this.canvas.addEventListener('pointerdown', (e) => {
      down = true;
      this.canvas.setPointerCapture(e.pointerId);
      pick(e);
    });
    this.canvas.addEventListener('pointermove', (e) => down && pick(e));
    this.canvas.addEventListener('pointerup', () => (down = false));
  }

  setLayout(layout: GraphLayout): void {
    this.layout = layout;
  }

  setFills(fills: Map<string, string> | undefined): void {
    this.fills = fills;
  }

  draw(viewport: Rect): void {
    const layout = this.layout;
    if (!layout) return;
    // Fit the whole graph into at most 180 × 260 CSS pixels.
    this.scale = Math.min(180 / layout.width, 260 / layout.height);
    const w = Math.max(20, Math.ceil(layout.width * this.scale));
    const h = Math.max(20, Math.ceil(layout.height * this.scale));
    const dpr = window.devicePixelRatio || 1;
    if (this.canvas.width !== w * dpr || this.canvas.height !== h * dpr) {
      this.canvas.width = w * dpr;
      this.canvas.height = h * dpr;
      this.canvas.style.width = `${w}px`;
      this.canvas.style.height = `${h}px`;
    }
    const ctx = this.canvas.getContext('2d');
    if (!ctx) return;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, w, h);
    const styles = getComputedStyle(document.body);
    const grey = styles.getPropertyValue('--vscode-disabledForeground').trim() || '#888';
    for (const n of layout.nodes) {
      const fill = this.fills
        ? this.fills.get(n.id) ?? grey
        : n.category === 'group' || n.category === 'io' ? grey : CATEGORY_COLORS[n.category as OpCategory];
      ctx.fillStyle = fill;
      ctx.fillRect(n.x * this.scale, n.y * this.scale, Math.max(1, n.width * this.scale), Math.max(1, n.height * this.scale));
    }
    ctx.strokeStyle = styles.getPropertyValue('--vscode-focusBorder').trim() || '#0078d4';
    ctx.lineWidth = 1.5;
    ctx.strokeRect(viewport.x * this.scale, viewport.y * this.scale, viewport.width * this.scale, viewport.height * this.scale);
  }
}
