// The inspector panel: what a selected box is (attributes, tensors with dtype and shape, cost, device estimate),
// with weight statistics fetched only when asked for.

import type { LaidNode, ModelOutline, SubgraphStep } from '../../src/core/layout/types';
import { clear, h } from './dom';
import { formatValue } from './logic/heat';
import type { NodeDetails, TensorDetail, WeightStats } from './messages';

export interface InspectorActions {
  requestWeightStats(nodeIndex: number, tensor: string): void;
  expand(scope: string): void;
  openSubgraph(step: SubgraphStep): void;
  close(): void;
}

export interface MetricLine {
  label: string;
  value: number;
  unit: string;
  share: number;
}

export class Inspector {
  readonly el: HTMLElement;
  private readonly body: HTMLElement;
  private details: NodeDetails | undefined;
  private stats = new Map<string, WeightStats | string>();
  private box: LaidNode | undefined;

  constructor(parent: HTMLElement, private readonly actions: InspectorActions) {
    const close = h('button', { class: 'icon', text: '×', title: 'Close (Esc)', attrs: { 'aria-label': 'Close inspector' } });
    close.addEventListener('click', () => actions.close());
    this.body = h('div', { class: 'inspector-body' });
    this.el = h('aside', { class: 'inspector', attrs: { 'aria-label': 'Node inspector' } }, [
      h('div', { class: 'inspector-head' }, [h('span', { text: 'Inspector' }), close]),
      this.body,
    ]);
    this.el.hidden = true;
    parent.append(this.el);
  }

  hide(): void {
    this.el.hidden = true;
    this.details = undefined;
  }

  /** Shows a box right away with what the layout knows; node details fill in when the host answers. */
  showBox(node: LaidNode, outline: ModelOutline | undefined, metric: MetricLine | undefined): void {
    this.el.hidden = false;
    this.details = undefined;
    this.box = node;
    this.stats.clear();
    clear(this.body);
    this.body.append(h('h2', { text: node.kind === 'group' ? `${node.title} (group)` : node.title }));
    this.body.append(h('div', { class: 'subtitle', text: node.subtitle }));
    if (metric) this.body.append(section('Hotspot', [kv(metric.label, `${formatValue(metric.value, metric.unit)} (${(metric.share * 100).toFixed(1)}%)`)]));
    if (node.kind === 'group') {
      const counts = new Map<string, number>();
      for (const m of node.members ?? []) {
        const op = outline?.nodes[m]?.opType ?? '?';
        counts.set(op, (counts.get(op) ?? 0) + 1);
      }
      const rows = [...counts].sort((a, b) => b[1] - a[1]).map(([op, c]) => kv(op, String(c)));
      const expand = h('button', { text: 'Expand group', title: 'Double-click or Enter on the box does the same' });
      expand.addEventListener('click', () => this.actions.expand(node.scope!));
      this.body.append(section(`${node.members?.length ?? 0} nodes`, rows), expand);
    } else if (node.kind !== 'op') {
      this.body.append(section(node.kind === 'input' ? 'Graph input' : 'Graph output', [kv('shape', node.subtitle || '?')]));
    } else {
      this.body.append(h('div', { class: 'loading', text: 'Loading details…' }));
    }
  }

  showDetails(d: NodeDetails, metric: MetricLine | undefined): void {
    this.details = d;
    this.el.hidden = false;
    clear(this.body);
    this.body.append(h('h2', { text: d.opType }), h('div', { class: 'subtitle', text: d.name || '(unnamed)' }));
    if (d.domain) this.body.append(h('div', { class: 'subtitle', text: `domain ${d.domain}` }));
    if (metric) this.body.append(section('Hotspot', [kv(metric.label, `${formatValue(metric.value, metric.unit)} (${(metric.share * 100).toFixed(1)}%)`)]));
    if (d.estimate) {
      const e = d.estimate;
      const rows = [kv('latency', ranged(e.latencyMs, e.latencyMsRange, 'ms')), kv('bound', e.bound), kv('share of total', `${(e.share * 100).toFixed(1)}%`)];
      if (e.energyMj !== undefined) rows.splice(1, 0, kv('energy', e.energyMj === 0 && e.latencyMs > 0 ? 'n/a (no power figure)' : ranged(e.energyMj, e.energyMjRange, 'mJ')));
      if (e.model) rows.push(kv('model', ranged(e.model.latencyMs, e.model.latencyMsRange, 'ms')));
      if (e.evidencePoints !== undefined) {
        const evidence = e.evidencePoints > 0 ? `${e.evidencePoints} point${e.evidencePoints === 1 ? '' : 's'}` : 'no evidence (wide range)';
        const row = kv('evidence', evidence);
        if (e.model) row.title = `${Math.round(e.model.level * 100)}% interval: ${e.model.basis}`;
        rows.push(row);
      }
      this.body.append(section(`On ${e.device}`, rows));
    }
    if (d.control) this.body.append(section('Control flow', [h('div', { class: 'note', text: d.control })]));
    if (d.cost) {
      const c = d.cost;
      this.body.append(section(c.partial ? 'Cost (lower bound: a shape was unknown)' : c.upperBound ? 'Cost (upper bound: the costlier branch)' : 'Cost', [
        kv('MACs', c.macs.toLocaleString('en-US')),
        kv('FLOPs', c.flops.toLocaleString('en-US')),
        kv('params', c.params.toLocaleString('en-US')),
        kv('weight bytes', formatValue(c.weightBytes, 'bytes')),
        kv('memory traffic', formatValue(c.memoryBytes, 'bytes')),
      ]));
    }
    if (d.attributes.length) this.body.append(section('Attributes', d.attributes.map((a) => kv(a.name, a.value))));
    this.body.append(section('Inputs', d.inputs.map((t) => this.tensorRow(t))));
    this.body.append(section('Outputs', d.outputs.map((t) => this.tensorRow(t))));
    const subgraphs = this.box?.nodeIndex === d.nodeIndex ? this.box.subgraphs ?? [] : [];
    if (subgraphs.length) {
      this.body.append(section('Subgraphs', subgraphs.map((sg) => {
        const open = h('button', { class: 'link', text: `open ${sg.attribute}${subgraphs.filter((x) => x.attribute === sg.attribute).length > 1 ? `[${sg.branch}]` : ''}` });
        open.addEventListener('click', () => this.actions.openSubgraph({ nodeIndex: d.nodeIndex, attribute: sg.attribute, branch: sg.branch }));
        return h('div', { class: 'kv' }, [open, h('span', { class: 'v', text: `${sg.nodes} nodes` })]);
      })));
    }
  }

  showWeightStats(tensor: string, stats: WeightStats | string): void {
    this.stats.set(tensor, stats);
    const slot = this.body.querySelector<HTMLElement>(`[data-stats="${CSS.escape(tensor)}"]`);
    if (slot) fillStats(slot, stats);
  }

  private tensorRow(t: TensorDetail): HTMLElement {
    const name = t.formal ? `${t.formal}: ${t.name}` : t.name;
    const row = h('div', { class: 'tensor' }, [
      h('div', { class: 'tensor-name', text: name || '(omitted)', title: t.name }),
      h('div', { class: 'tensor-type', text: `${t.dtype || '?'} ${t.shape ? `⟨${t.shape}⟩` : ''}` }),
    ]);
    if (t.quantization) row.append(quantizationRows(t));
    if (t.sparse) row.append(kv('sparse', t.sparse));
    if (t.isWeight && this.details) {
      const slot = h('div', { class: 'stats', attrs: { 'data-stats': t.name } });
      const known = this.stats.get(t.name);
      if (known) fillStats(slot, known);
      else {
        const button = h('button', { class: 'link', text: 'weight statistics' });
        const nodeIndex = this.details.nodeIndex;
        button.addEventListener('click', () => {
          button.disabled = true;
          button.textContent = 'computing…';
          this.actions.requestWeightStats(nodeIndex, t.name);
        });
        slot.append(button);
      }
      row.append(slot);
    }
    return row;
  }
}

/** Integer range of a quantized storage type. */
const Q_RANGE: Record<string, [number, number]> = {
  int8: [-128, 127], uint8: [0, 255], int16: [-32768, 32767], uint16: [0, 65535], int4: [-8, 7], uint4: [0, 15],
  int32: [-2147483648, 2147483647],
};

/** Scale and zero point per tensor, or per channel with each channel's scale, zero point and real-value range. */
function quantizationRows(t: TensorDetail): HTMLElement {
  const q = t.quantization!;
  const f = (v: number) => (Number.isInteger(v) ? String(v) : Number(v.toPrecision(4)).toString());
  const range = (scale: number, zp: number) => {
    const r = Q_RANGE[t.dtype];
    return r ? ` → [${f(scale * (r[0] - zp))}, ${f(scale * (r[1] - zp))}]` : '';
  };
  const box = h('div', { class: 'quant' });
  if (q.scale.length <= 1) {
    box.append(kv('quantization', `scale ${f(q.scale[0] ?? 0)}, zero point ${q.zeroPoint[0] ?? 0}${range(q.scale[0] ?? 0, q.zeroPoint[0] ?? 0)}`));
    return box;
  }
  const lo = Math.min(...q.scale);
  const hi = Math.max(...q.scale);
  const zps = [...new Set(q.zeroPoint)];
  box.append(kv('quantization', `per channel along dim ${q.axis ?? 0} (${q.scale.length}): scale ${f(lo)}…${f(hi)}, zero point ${zps.length === 1 ? zps[0] : `${Math.min(...zps)}…${Math.max(...zps)}`}`));
  const list = h('details', { class: 'channels' }, [h('summary', { text: 'channels' })]);
  q.scale.forEach((scale, c) => {
    const zp = q.zeroPoint[c] ?? q.zeroPoint[0] ?? 0;
    list.append(kv(`#${c}`, `scale ${f(scale)}, zp ${zp}${range(scale, zp)}`));
  });
  box.append(list);
  return box;
}

function fillStats(slot: HTMLElement, s: WeightStats | string): void {
  clear(slot);
  if (typeof s === 'string') {
    slot.append(h('span', { class: 'error', text: s }));
    return;
  }
  const f = (v: number) => (Number.isInteger(v) ? String(v) : v.toPrecision(4));
  slot.append(
    kv('count', s.count.toLocaleString('en-US')),
    kv('min / max', `${f(s.min)} / ${f(s.max)}`),
    kv('mean ± std', `${f(s.mean)} ± ${f(s.std)}`),
    kv('sparsity', `${(s.sparsity * 100).toFixed(1)}% zeros`),
  );
}

function kv(key: string, value: string): HTMLElement {
  return h('div', { class: 'kv' }, [h('span', { class: 'k', text: key }), h('span', { class: 'v', text: value })]);
}

/** "1.2 ms (0.9–1.6)": a figure with its interval. */
function ranged(v: number, range: [number, number] | undefined, unit: string): string {
  return range ? `${formatValue(v, unit)} (${formatValue(range[0], '')}–${formatValue(range[1], '')})` : formatValue(v, unit);
}

function section(title: string, rows: HTMLElement[]): HTMLElement {
  return h('section', {}, [h('h3', { text: title }), ...(rows.length ? rows : [h('div', { class: 'empty', text: 'none' })])]);
}
