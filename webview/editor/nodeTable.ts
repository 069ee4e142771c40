// The sortable node table: name, op, MACs (and share), params, output shapes. Large models render in pages.

import type { NodeReport } from '../../src/core/analyze/report';
import { el } from './dom';
import * as fmt from './format';

export type SortKey = 'index' | 'name' | 'opType' | 'macs' | 'share' | 'params' | 'outputs';
export interface SortState {
  key: SortKey;
  descending: boolean;
}

interface Row {
  index: number;
  node: NodeReport;
}

const PAGE_ROWS = 500;

/** Sorted row order; ties keep file order so the table is stable between clicks. */
export function sortNodes(nodes: readonly NodeReport[], sort: SortState): number[] {
  const rows: Row[] = nodes.map((node, index) => ({ index, node }));
  const dir = sort.descending ? -1 : 1;
  const value = (r: Row): number | string => {
    switch (sort.key) {
      case 'index':
        return r.index;
      case 'name':
        return r.node.name;
      case 'opType':
        return r.node.opType;
      case 'macs':
      case 'share':
        return r.node.macs;
      case 'params':
        return r.node.params;
      case 'outputs':
        return r.node.outputs.map(fmt.shape).join(', ');
    }
  };
  rows.sort((a, b) => {
    const va = value(a);
    const vb = value(b);
    const c = typeof va === 'number' && typeof vb === 'number' ? va - vb : String(va).localeCompare(String(vb));
    return c !== 0 ? c * dir : a.index - b.index;
  });
  return rows.map((r) => r.index);
}

const COLUMNS: { key: SortKey; label: string; numeric: boolean }[] = [
  { key: 'index', label: '#', numeric: true },
  { key: 'name', label: 'Name', numeric: false },
  { key: 'opType', label: 'Op', numeric: false },
  { key: 'macs', label: 'MACs', numeric: true },
  { key: 'share', label: '% MACs', numeric: true },
  { key: 'params', label: 'Params', numeric: true },
  { key: 'outputs', label: 'Output shapes', numeric: false },
];

export class NodeTable {
  private nodes: readonly NodeReport[] = [];
  private totalMacs = 0;
  private sort: SortState = { key: 'index', descending: false };
  private shown = PAGE_ROWS;

  constructor(private readonly host: HTMLElement) {}

  setNodes(nodes: readonly NodeReport[], totalMacs: number): void {
    this.nodes = nodes;
    this.totalMacs = totalMacs;
    this.shown = PAGE_ROWS;
    this.render();
  }

  private toggle(key: SortKey): void {
    // Numbers sort largest first on the first click: the hotspots are what people look for.
    const numeric = COLUMNS.find((c) => c.key === key)?.numeric && key !== 'index';
    this.sort = this.sort.key === key ? { key, descending: !this.sort.descending } : { key, descending: Boolean(numeric) };
    this.render();
  }

  private render(): void {
    const order = sortNodes(this.nodes, this.sort);
    const head = el(
      'tr',
      {},
      COLUMNS.map((c) => {
        const th = el('th', { class: c.numeric ? 'num' : '', attrs: { scope: 'col', tabindex: '0', 'data-key': c.key } }, [c.label]);
        th.setAttribute('aria-sort', this.sort.key === c.key ? (this.sort.descending ? 'descending' : 'ascending') : 'none');
        th.addEventListener('click', () => this.toggle(c.key));
        th.addEventListener('keydown', (e) => {
          if (e.key === 'Enter' || e.key === ' ') {
            e.preventDefault();
            this.toggle(c.key);
          }
        });
        return th;
      }),
    );
    const body = el('tbody');
    for (const i of order.slice(0, this.shown)) {
      const n = this.nodes[i] as NodeReport;
      const share = this.totalMacs > 0 && n.macs > 0 ? `${((100 * n.macs) / this.totalMacs).toFixed(1)}%` : '';
      body.append(
        el('tr', { attrs: { 'data-node': n.name } }, [
          el('td', { class: 'num', text: String(i + 1) }),
          el('td', { class: 'name', text: n.name || '(unnamed)', title: n.name }),
          el('td', { text: n.domain ? `${n.domain}.${n.opType}` : n.opType }),
          el('td', { class: 'num', text: n.macs ? fmt.exact(n.macs) : '' }),
          el('td', { class: 'num share', text: share }),
          el('td', { class: 'num', text: n.params ? fmt.exact(n.params) : '' }),
          el('td', { class: 'shape', text: n.outputs.map(fmt.shape).join(', ') }),
        ]),
      );
    }
    const parts: HTMLElement[] = [
      el('h2', { text: `Nodes (${fmt.exact(this.nodes.length)})` }),
      el('div', { class: 'nodes-scroll' }, [el('table', { class: 'node-table' }, [el('thead', {}, [head]), body])]),
    ];
    if (order.length > this.shown) {
      const more = el('button', { class: 'more', text: `Show all ${fmt.exact(order.length)} nodes` });
      more.addEventListener('click', () => {
        this.shown = order.length;
        this.render();
      });
      parts.push(more);
    }
    this.host.replaceChildren(...parts);
  }
}
