// The graph canvas: draws a finished layout as SVG, pans and zooms it, tracks selection and search matches, paints
// the hotspot overlay by CSS variables (no redraw, no re-layout) and, for very large views, draws only what is on screen.

import { graphCss, renderSvg } from '../../src/core/layout/svg';
import type { GraphLayout, LaidEdge, LaidNode } from '../../src/core/layout/types';
import { GridIndex, type Rect } from './logic/spatial';
import { centerOn, fitView, isVisible, visibleRect, zoomAt, type View } from './logic/viewport';

const SVG_NS = 'http://www.w3.org/2000/svg';
/** Above this many boxes only the boxes and edges near the viewport are in the DOM. */
export const CULL_THRESHOLD = 2500;

export interface GraphViewEvents {
  select(id: string | undefined): void;
  activate(id: string): void;
  viewChanged(): void;
}

export class GraphView {
  readonly svg: SVGSVGElement;
  private readonly root: SVGGElement;
  private layout: GraphLayout | undefined;
  private byId = new Map<string, LaidNode>();
  private nodeGrid: GridIndex | undefined;
  private edgeGrid: GridIndex | undefined;
  private drawnKey = '';
  view: View = { scale: 1, tx: 0, ty: 0 };
  selected: string | undefined;
  private matches = new Set<string>();
  private heat: { fill: Map<string, string>; text: Map<string, string> } | undefined;
  private frame = 0;

  constructor(private readonly host: HTMLElement, private readonly events: GraphViewEvents) {
    const sheet = new CSSStyleSheet();
    sheet.replaceSync(graphCss());
    document.adoptedStyleSheets = [...document.adoptedStyleSheets, sheet];
    this.svg = document.createElementNS(SVG_NS, 'svg');
    this.svg.classList.add('aiot-graph');
    this.svg.setAttribute('tabindex', '0');
    this.svg.setAttribute('role', 'application');
    this.svg.setAttribute('aria-label', 'Model graph');
    this.root = document.createElementNS(SVG_NS, 'g');
    this.svg.append(this.root);
    host.append(this.svg);
    this.bindPointer();
    new ResizeObserver(() => this.schedule()).observe(host);
  }

  get size(): { width: number; height: number } {
    return { width: this.host.clientWidth || 800, height: this.host.clientHeight || 600 };
  }

  current(): GraphLayout | undefined {
    return this.layout;
  }

  node(id: string): LaidNode | undefined {
    return this.byId.get(id);
  }

  setLayout(layout: GraphLayout, keepView: boolean): void {
    this.layout = layout;
    this.byId = new Map(layout.nodes.map((n) => [n.id, n]));
    if (layout.nodes.length > CULL_THRESHOLD) {
      this.nodeGrid = new GridIndex(layout.nodes, 600);
      this.edgeGrid = new GridIndex(layout.edges.map(edgeBounds), 600);
    } else {
      this.nodeGrid = undefined;
      this.edgeGrid = undefined;
    }
    if (this.selected && !this.byId.has(this.selected)) this.selected = undefined;
    this.drawnKey = '';
    if (!keepView) this.fit();
    else this.render();
  }

  fit(): void {
    if (!this.layout) return;
    const { width, height } = this.size;
    const whole = fitView(this.layout.width, this.layout.height, width, height);
    if (whole.scale >= 0.35) {
      this.view = whole;
    } else {
      // Tall graphs open at a readable scale at their top, as Netron does, rather than as an unreadable sliver.
      const scale = Math.max(whole.scale, Math.min(1, (width - 40) / this.layout.width));
      this.view = { scale, tx: (width - this.layout.width * scale) / 2, ty: 10 };
    }
    this.render();
  }

  fitAll(): void {
    if (!this.layout) return;
    const { width, height } = this.size;
    this.view = fitView(this.layout.width, this.layout.height, width, height);
    this.render();
  }

  zoom(factor: number, sx?: number, sy?: number): void {
    const { width, height } = this.size;
    this.view = zoomAt(this.view, factor, sx ?? width / 2, sy ?? height / 2);
    this.schedule();
  }

  panBy(dx: number, dy: number): void {
    this.view = { ...this.view, tx: this.view.tx + dx, ty: this.view.ty + dy };
    this.schedule();
  }

  /** Centres a graph point (minimap clicks). */
  centerAt(gx: number, gy: number): void {
    const { width, height } = this.size;
    this.view = centerOn(this.view, gx, gy, width, height);
    this.schedule();
  }

  /** Scrolls a box into view (centring it when it is off screen) and zooms in if the view is too small to read. */
  reveal(id: string): void {
    const n = this.byId.get(id);
    if (!n) return;
    const { width, height } = this.size;
    if (this.view.scale < 0.6) this.view = { ...this.view, scale: 1 };
    if (!isVisible(this.view, width, height, n)) this.view = centerOn(this.view, n.x + n.width / 2, n.y + n.height / 2, width, height);
    this.schedule();
  }

  select(id: string | undefined, notify = true): void {
    this.selected = id;
    this.applyClasses();
    if (notify) this.events.select(id);
  }

  setMatches(ids: Iterable<string>): void {
    this.matches = new Set(ids);
    this.applyClasses();
  }

  /** Paints (or clears) the overlay: box id → header colour and title colour. Boxes missing from `fill` turn grey. */
  setHeat(heat: { fill: Map<string, string>; text: Map<string, string> } | undefined): void {
    this.heat = heat;
    this.svg.classList.toggle('heat', heat !== undefined);
    this.applyClasses();
  }

  visibleRect(): Rect {
    const { width, height } = this.size;
    return visibleRect(this.view, width, height);
  }

  private schedule(): void {
    if (this.frame) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      this.render();
    });
  }

  private render(): void {
    if (!this.layout) return;
    this.root.setAttribute('transform', `translate(${this.view.tx},${this.view.ty}) scale(${this.view.scale})`);
    let nodes: LaidNode[] = this.layout.nodes;
    let edges: LaidEdge[] = this.layout.edges;
    let key = 'all';
    if (this.nodeGrid && this.edgeGrid) {
      // Draw a margin of one viewport around the visible area so small pans need no redraw.
      const v = this.visibleRect();
      const area = { x: v.x - v.width, y: v.y - v.height, width: v.width * 3, height: v.height * 3 };
      const cell = 600;
      key = [area.x, area.y, area.x + area.width, area.y + area.height].map((c) => Math.floor(c / cell)).join(',');
      if (key !== this.drawnKey) {
        nodes = this.nodeGrid.query(area).map((i) => this.layout!.nodes[i]!);
        edges = this.edgeGrid.query(area).map((i) => this.layout!.edges[i]!);
      }
    }
    if (key !== this.drawnKey) {
      this.drawnKey = key;
      // The markup comes from our own renderer, which escapes every name; no script or style attributes are produced.
      this.root.innerHTML = renderSvg({ ...this.layout, nodes, edges }, { standalone: false });
      this.applyClasses();
    }
    this.events.viewChanged();
  }

  private applyClasses(): void {
    for (const el of this.root.querySelectorAll<SVGGElement>('g.node')) {
      const id = el.dataset['id']!;
      el.classList.toggle('selected', id === this.selected);
      el.classList.toggle('match', this.matches.has(id));
      if (this.heat) {
        const fill = this.heat.fill.get(id);
        el.classList.toggle('cold', fill === undefined);
        if (fill) {
          el.style.setProperty('--heat', fill);
          el.style.setProperty('--heat-text', this.heat.text.get(id) ?? '#fff');
        }
      } else {
        el.classList.remove('cold');
        el.style.removeProperty('--heat');
        el.style.removeProperty('--heat-text');
      }
    }
    for (const el of this.root.querySelectorAll<SVGPathElement>('path.edge')) {
      const lit = this.selected !== undefined && (el.dataset['from'] === this.selected || el.dataset['to'] === this.selected);
      el.classList.toggle('lit', lit);
    }
  }

  private bindPointer(): void {
    // The box under the pointer is read at pointerdown: once the pointer is captured, later events target the svg.
    let drag: { x: number; y: number; moved: boolean; id: number; box: string | undefined } | undefined;
    this.svg.addEventListener('pointerdown', (e) => {
      if (e.button !== 0) return;
      const box = ((e.target as Element).closest('g.node') as SVGGElement | null)?.dataset['id'];
      drag = { x: e.clientX, y: e.clientY, moved: false, id: e.pointerId, box };
      this.svg.setPointerCapture(e.pointerId);
    });
    this.svg.addEventListener('pointermove', (e) => {
      if (!drag || drag.id !== e.pointerId) return;
      const dx = e.clientX - drag.x;
      const dy = e.clientY - drag.y;
      if (!drag.moved && Math.abs(dx) + Math.abs(dy) < 4) return;
      drag.moved = true;
      drag.x = e.clientX;
      drag.y = e.clientY;
      this.panBy(dx, dy);
    });
    this.svg.addEventListener('pointerup', (e) => {
      if (!drag || drag.id !== e.pointerId) return;
      const { moved, box } = drag;
      drag = undefined;
      if (moved) return;
      this.select(box);
      this.svg.focus();
    });
    this.svg.addEventListener('dblclick', (e) => {
      const target = (e.target as Element).closest('g.node') as SVGGElement | null;
      if (target?.dataset['id']) this.events.activate(target.dataset['id']);
    });
    this.svg.addEventListener(
      'wheel',
      (e) => {
        e.preventDefault();
        const r = this.svg.getBoundingClientRect();
        if (e.ctrlKey || e.metaKey) this.zoom(Math.exp(-e.deltaY * 0.01), e.clientX - r.left, e.clientY - r.top);
        else this.panBy(-e.deltaX, -e.deltaY);
      },
      { passive: false },
    );
  }
}

function edgeBounds(e: LaidEdge): Rect {
  let x0 = Infinity;
  let y0 = Infinity;
  let x1 = -Infinity;
  let y1 = -Infinity;
  for (let k = 0; k + 1 < e.points.length; k += 2) {
    x0 = Math.min(x0, e.points[k]!);
    x1 = Math.max(x1, e.points[k]!);
    y0 = Math.min(y0, e.points[k + 1]!);
    y1 = Math.max(y1, e.points[k + 1]!);
  }
  if (!Number.isFinite(x0)) return { x: 0, y: 0, width: 0, height: 0 };
  return { x: x0, y: y0, width: x1 - x0, height: y1 - y0 };
}
