// The model summary: identity (name, producer, opsets), totals (params, MACs, FLOPs, bytes) and terminals.

import type { AnalyzeOk } from '../../src/protocol';
import { el } from './dom';
import * as fmt from './format';

function metric(label: string, main: string, detail: string, key: string): HTMLElement {
  return el('div', { class: 'metric', attrs: { 'data-metric': key } }, [
    el('span', { class: 'metric-label', text: label }),
    el('span', { class: 'metric-value', text: main }),
    el('span', { class: 'metric-exact', text: detail }),
  ]);
}

export function renderSummary(host: HTMLElement, fileName: string, result: AnalyzeOk): void {
  const { model, totals, inputs, outputs, warnings } = result.report;
  const t = totals;
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
      metric('MACs', fmt.compact(t.macs), `${fmt.exact(t.macs)} MACs`, 'macs'),
      metric('FLOPs', fmt.compact(t.flops), `${fmt.exact(t.flops)} FLOPs`, 'flops'),
      metric('Weights', fmt.bytes(t.weightBytes), `${fmt.exact(t.weightBytes)} bytes`, 'weightBytes'),
      metric('Peak activations', fmt.bytes(t.peakActivationBytes), `${fmt.exact(t.peakActivationBytes)} bytes`, 'peakActivationBytes'),
      metric('Arena', fmt.bytes(t.arenaBytes), `${fmt.exact(t.arenaBytes)} bytes`, 'arenaBytes'),
    ]),
    el('div', { class: 'terminals' }, [
      el('span', { class: 'terminal-label', text: 'Inputs' }),
      ...inputs.map((i) => el('code', { text: `${i.name}: ${fmt.tensor(i)}` })),
      el('span', { class: 'terminal-label', text: 'Outputs' }),
      ...outputs.map((o) => el('code', { text: `${o.name}: ${fmt.tensor(o)}` })),
    ]),
  );
  const notes = [...(result.report.assumptions ?? []).map((a) => `Assumption: ${a}`), ...warnings];
  if (notes.length) host.append(el('ul', { class: 'warnings' }, notes.map((w) => el('li', { text: w }))));
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
