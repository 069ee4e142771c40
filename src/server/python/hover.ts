// Hover on a layer constructor: its type, shapes, params, MACs, and linked-model / device figures.
import { MarkupKind, type Hover, type Position } from 'vscode-languageserver';
import { formatCount, formatShape } from '../../core/format';
import type { CheckResult, Range } from '../../core/python';
import { traceReason } from '../../core/python/eval';
import { instanceParams } from '../../core/python/analyze-script';
import { unknownReasonOf } from '../../core/python/values';
import { devicePart } from './codeLens';

const contains = (r: Range, p: Position): boolean =>
  (p.line > r.start.line || (p.line === r.start.line && p.character >= r.start.character)) &&
  (p.line < r.end.line || (p.line === r.end.line && p.character <= r.end.character));

const size = (r: Range): number => (r.end.line - r.start.line) * 10_000 + (r.end.character - r.start.character);

export function hoverAt(result: CheckResult, position: Position): Hover | null {
  // The innermost layer constructor under the cursor.
  let best: { range: Range; key: string } | undefined;
  for (const [key, list] of result.model.layers) {
    const r = list[0]!.mod.range;
    if (contains(r, position) && (!best || size(r) < size(best.range))) best = { range: r, key };
  }
  if (!best) return null;
  const instances = result.model.layers.get(best.key)!;
  const lines: string[] = [];
  const first = instances[0]!.mod;
  lines.push(`**${first.typeName}**${instances.length > 1 ? ` (${instances.length} instances)` : ''}`);
  for (const inst of instances.slice(0, 6)) {
    const params = instanceParams(result.model, inst);
    const cells = [
      inst.path !== undefined && inst.path !== '' ? `\`${inst.path}\`` : undefined,
      inst.inputShape ? `${formatShape(inst.inputShape)} → ${formatShape(inst.outputShape)}` : undefined,
      params === null ? 'params unknown' : `${params.toLocaleString('en-US')} params`,
      inst.macs === null ? 'MACs unknown' : `${formatCount(inst.macs)} MACs`,
    ].filter(Boolean);
    lines.push(`- ${cells.join(' · ')}`);
    const why = params === null ? result.model.blocked?.reason ?? unknownReasonOf(inst.mod) : inst.macs === null ? (inst.path === undefined ? 'not part of the model the script builds and runs' : traceReason(result.model.model?.trace, inst.path)) : undefined;
    if (why) lines.push(`  - unknown: ${why}`);
    const onnx = inst.path !== undefined ? result.link?.byPath.get(inst.path) : undefined;
    if (onnx) lines.push(`  - ONNX: ${onnx.nodeNames.length} node(s), ${onnx.params.toLocaleString('en-US')} params, ${formatCount(onnx.macs)} MACs`);
    const dev = inst.path !== undefined && inst.path !== '' ? devicePart(result.link, inst.path) : undefined;
    if (dev) lines.push(`  - ${dev}`);
  }
  if (instances.length > 6) lines.push(`- … ${instances.length - 6} more`);
  return { contents: { kind: MarkupKind.Markdown, value: lines.join('\n') }, range: best.range };
}
