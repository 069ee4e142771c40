// The report as Markdown: model summary, device verdict, advice, operator breakdown and top nodes.

import { estimateSentence } from './rangeText';
import { formatBytes, formatCount, formatMs, formatShape } from '../format';
import { opTypeBreakdown, topNodes } from './breakdown';
import { boundedValue, fitRows, resourceValue, verdictText } from './rows';
import type { ReportInput } from './types';

const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
const table = (header: string[], rows: string[][]) =>
  [`| ${header.join(' | ')} |`, `| ${header.map(() => '---').join(' | ')} |`, ...rows.map((r) => `| ${r.map(cell).join(' | ')} |`)].join('\n');

export function renderMarkdown(input: ReportInput): string {
  const { analysis: a, estimate: e, advice } = input;
  const t = a.totals;
  const out: string[] = [`# AIoT Lens report: ${a.model.path.split(/[\\/]/).pop()}`, ''];
  if (input.generatedAt) out.push(`Generated ${input.generatedAt} by AIoT Lens.`, '');
  out.push('## Model', '', table(['figure', 'value'], [
    ['file', a.model.path],
    ['nodes', String(a.model.nodeCount)],
    ['opsets', Object.entries(a.model.opsets).map(([d, v]) => `${d || 'ai.onnx'} ${v}`).join(', ')],
    ['inputs', a.inputs.map((x) => `${x.name} ${x.dtype} ${formatShape(x.shape)}`).join('; ')],
    ['outputs', a.outputs.map((x) => `${x.name} ${x.dtype} ${formatShape(x.shape)}`).join('; ')],
    ['parameters', `${formatCount(t.params)} (${t.params})`],
    ['MACs', `${formatCount(t.macs)} (${t.macs})`],
    ['weights', `${formatBytes(t.weightBytes)} (${t.weightBytes} B)`],
    ['peak activations', `${mark(a.memory?.bound)}${formatBytes(t.peakActivationBytes)} (${t.peakActivationBytes} B; ${a.memory?.view ?? 'as stored in the model'})`],
    ['arena', `${mark(a.memory?.bound)}${formatBytes(t.arenaBytes)} (${t.arenaBytes} B)`],
    ...(a.memory?.reference ? [[`reference: ${a.memory.reference.view}`, `peak ${formatBytes(a.memory.reference.peakActivationBytes)}, arena ${formatBytes(a.memory.reference.arenaBytes)} (not what a runtime holds)`]] : []),
  ]), '');
  if (e) {
    out.push(`## On ${e.device}`, '', table(['resource', 'demand', 'budget', 'fits'], fitRows(e).map((r) => [r.label, boundedValue(r.demand, r.unit, r.bound), resourceValue(r.budget, r.unit), r.verdict === 'over' ? '**no**' : verdictText(r)])), '');
    out.push(estimateSentence(e), '');
  }
  if (advice) {
    out.push('## Bottleneck', '', `**${advice.bottleneck.resource}** (${advice.bottleneck.module}${advice.bottleneck.fits ? ', fits' : ', over budget'}): ${advice.bottleneck.reason}`, '');
    if (advice.applied?.length) out.push(`Already applied (not suggested again): ${advice.applied.map((x) => `${x.id} (${x.evidence})`).join('; ')}.`, '');
    out.push(table(['#', 'technique', 'latency', 'RAM', 'flash', 'command'], advice.suggestions.map((s, i) => [
      String(i + 1), s.technique + (s.analytic ? ' (analytic)' : ''), formatMs(s.estimate.latencyMs), formatBytes(s.estimate.peakRamBytes), formatBytes(s.estimate.flashBytes), `\`${s.command}\``,
    ])), '');
    if (advice.elsewhere?.length) {
      out.push(`### Does not fix ${advice.bottleneck.resource}`, '', table(['technique', 'why', 'latency', 'RAM', 'flash', 'command'], advice.elsewhere.map((s) => [
        s.technique, s.reason, formatMs(s.estimate.latencyMs), formatBytes(s.estimate.peakRamBytes), formatBytes(s.estimate.flashBytes), `\`${s.command}\``,
      ])), '');
    }
  }
  const ops = opTypeBreakdown(a, e);
  out.push('## Operator types', '', table(['op', 'count', 'MACs', 'params', 'weights', ...(e ? ['latency'] : [])], ops.map((r) => [
    r.opType, String(r.count), formatCount(r.macs), formatCount(r.params), formatBytes(r.weightBytes), ...(e ? [formatMs(r.latencyMs ?? 0)] : []),
  ])), '');
  out.push(`## Top nodes${e ? ' by latency' : ' by MACs'}`, '', table(['node', 'op', 'MACs', ...(e ? ['latency', 'bound'] : [])], topNodes(a, e, 10).map((n) => [
    n.name, n.opType, formatCount(n.macs), ...(e ? [formatMs(n.latencyMs ?? 0), n.bound ?? ''] : []),
  ])), '');
  const notes = [...a.warnings, ...(e?.warnings ?? []), ...(advice?.warnings ?? []), ...(a.memory?.notes ?? []), ...(a.assumptions ?? []), ...(e?.assumptions ?? []), ...(advice?.assumptions ?? [])];
  if (notes.length) out.push('## Warnings and assumptions', '', ...[...new Set(notes)].map((n) => `- ${n}`), '');
  return out.join('\n');
}

function mark(bound: 'lower' | 'upper' | undefined): string {
  return bound === 'lower' ? '≥ ' : bound === 'upper' ? '≤ ' : '';
}
