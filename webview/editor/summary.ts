// The model summary: identity (name, producer, opsets), totals (params, MACs, FLOPs, bytes) and terminals.

import type { AnalyzeOk } from '../../src/protocol';
import { el } from './dom';
import * as fmt from './format';

function metric(label: string, main: string, detail: string, key: string, note = ''): HTMLElement {
  return el('div', { class: 'metric', attrs: { 'data-metric': key } }, [
    el('span', { class: 'metric-label', text: label }),
    el('span', { class: 'metric-value', text: main }),
    el('span', { class: 'metric-exact', text: detail }),
    ...(note ? [el('span', { class: 'metric-note', text: note })] : []),
  ]);
}

export function renderSummary(host: HTMLElement, fileName: string, result: AnalyzeOk): void {
  const { model, totals, inputs, outputs, warnings, bounds, memory } = result.report;
  const t = totals;
  // Bounds are marked where they show: ≥ when unknown shapes leave work or tensors out, ≤ for an If's costlier branch.
  const mark = (b: 'lower' | 'upper' | undefined) => (b === 'lower' ? '≥ ' : b === 'upper' ? '≤ ' : '');
  const note = (b: 'lower' | 'upper' | undefined) => (b === 'lower' ? 'a lower bound: some shapes are unknown' : b === 'upper' ? 'an upper bound: the costlier If branch' : '');
  const c = bounds?.compute;
  const m = bounds?.memory;
  const producer = model.producer || 'unknown producer';
  host.replaceChildren(
    el('h1', { class: 'model-name', text: fileName }),
    el('p', { class: 'model-meta' }, [
      el('span', { text: `Producer: ${producer}` }),
      el('span', { text: model.format === 'tflite' ? 'TFLite flatbuffer' : `IR ${model.irVersion}` }),
      el('span', { text: `Opsets: ${fmt.opsets(model.opsets)}` }),
      el('span', { text: model.externalDataBytes
        ? `File: ${fmt.bytes(model.totalBytes)} (${fmt.bytes(model.fileBytes)} + ${fmt.bytes(model.externalDataBytes)} external data)`
        : `File: ${fmt.bytes(model.fileBytes)}` }),
    ]),
    el('div', { class: 'metrics' }, [
      metric('Nodes', fmt.exact(model.nodeCount), 'nodes', 'nodes'),
      metric('Params', fmt.compact(t.params), `${fmt.exact(t.params)} params`, 'params'),
      metric('MACs', mark(c) + fmt.compact(t.macs), `${fmt.exact(t.macs)} MACs`, 'macs', note(c)),
      metric('FLOPs', mark(c) + fmt.compact(t.flops), `${fmt.exact(t.flops)} FLOPs`, 'flops', note(c)),
      metric('Weights', fmt.bytes(t.weightBytes), `${fmt.exact(t.weightBytes)} bytes`, 'weightBytes'),
      metric('Peak activations', mark(m) + fmt.bytes(t.peakActivationBytes), `${fmt.exact(t.peakActivationBytes)} bytes`, 'peakActivationBytes',
        [memory?.view ?? 'as stored in the model', note(m)].filter(Boolean).join('; ')),
      metric('Arena', mark(m) + fmt.bytes(t.arenaBytes), `${fmt.exact(t.arenaBytes)} bytes`, 'arenaBytes',
        memory?.reference ? `${memory.reference.view}: ${fmt.bytes(memory.reference.arenaBytes)}` : ''),
    ]),
    ...plansBlock(result),
    el('div', { class: 'terminals' }, [
      el('span', { class: 'terminal-label', text: 'Inputs' }),
      ...inputs.map((i) => el('code', { text: `${i.name}: ${fmt.tensor(i)}` })),
      el('span', { class: 'terminal-label', text: 'Outputs' }),
      ...outputs.map((o) => el('code', { text: `${o.name}: ${fmt.tensor(o)}` })),
    ]),
  );
  const notes = [...warnings, ...(memory?.notes ?? []), ...(result.report.assumptions ?? []).map((a) => `Assumption: ${a}`)];
  if (notes.length) host.append(el('ul', { class: 'warnings' }, notes.map((w) => el('li', { text: w }))));
}

/**
 * The activation plans side by side (docs/memory-plans.md): per-tensor, in-place, and patch with its region (the
 * prefix and the tensor it ends at), tile grid, per-tile buffers and extra MACs. The selected plan is marked.
 */
function plansBlock(result: AnalyzeOk): HTMLElement[] {
  const p = result.report.plans;
  if (!p) return [];
  const base = p['per-tensor'].peakActivationBytes;
  const ratio = (b: number) => (b > 0 && b < base ? `${(base / b).toFixed(2)}× lower than per-tensor` : b === base ? 'as per-tensor' : 'above per-tensor');
  const label = (name: string, text: string) => (p.selected === name ? `${text} (selected)` : text);
  const ip = p['in-place'];
  const patch = p.patch;
  return [
    el('h2', { text: 'Memory plans' }),
    el('div', { class: 'metrics plans' }, [
      metric(label('per-tensor', 'Per-tensor'), fmt.bytes(p['per-tensor'].peakActivationBytes), `${fmt.exact(p['per-tensor'].peakActivationBytes)} bytes peak, arena ${fmt.bytes(p['per-tensor'].arenaBytes)}`, 'plan-per-tensor',
        "every tensor its own buffer (TFLite Micro's greedy arena)"),
      metric(label('in-place', 'In-place'), fmt.bytes(ip.peakActivationBytes), `${fmt.exact(ip.peakActivationBytes)} bytes peak, ${ratio(ip.peakActivationBytes)}`, 'plan-in-place',
        `${ip.inPlaceNodes} elementwise and ${ip.depthwiseNodes} depthwise nodes write over their input (a runtime assumption)`),
      'unavailable' in patch
        ? metric(label('patch', 'Patch'), 'n/a', 'unavailable', 'plan-patch', patch.unavailable)
        : metric(label('patch', 'Patch'), fmt.bytes(patch.peakActivationBytes), `${fmt.exact(patch.peakActivationBytes)} bytes peak, ${ratio(patch.peakActivationBytes)}`, 'plan-patch',
          `region: the first ${patch.split.prefixNodes} nodes, up to '${patch.split.output}', on ${patch.split.grid}×${patch.split.grid} tiles; ` +
          `per-tile buffers ${fmt.bytes(patch.split.tileBufferBytes)}; +${(100 * patch.split.macOverhead).toFixed(1)}% MACs` +
          (patch.applied ? ' (this model is patched)' : ' (optimize --passes patch writes it)')),
    ]),
  ];
}

export function renderError(host: HTMLElement, fileName: string, message: string, onReload: () => void): void {
  const button = el('button', { class: 'reload', text: 'Try again' });
  button.addEventListener('click', onReload);
  host.replaceChildren(
    el('h1', { class: 'model-name', text: fileName }),
    el('div', { class: 'error', attrs: { role: 'alert' } }, [
      el('strong', { text: 'AIoT Lens cannot open this model.' }),
      el('p', { class: 'error-message', text: message }),
      button,
    ]),
  );
}
