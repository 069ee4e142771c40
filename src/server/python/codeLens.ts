// Code lenses above each nn.Module class and each torch.onnx.export call: params, MACs, and with a linked model
// on the active device, latency / peak RAM / flash with a ✓ or ✗ per budget. Clicking opens the graph there.
import type { CodeLens } from 'vscode-languageserver';
import { formatBytes, formatCount } from '../../core/format';
import { partRange, rangedFigure } from '../../core/report';
import type { CheckResult, LinkedModel, ModuleSummary } from '../../core/python';

export const OPEN_MODEL_AT = 'aiotLens.openModelAt';

const mark = (fits: boolean): string => (fits ? '✓' : '✗');

function staticPart(m: ModuleSummary): string {
  const params = m.params === null ? 'params unknown' : `${m.params.toLocaleString('en-US')} params`;
  const macs = m.macs === null ? 'MACs unknown' : `${formatCount(m.macs)} MACs`;
  return `${params} · ${macs}`;
}

/** Device figures for the module at `path` ('' = whole model); undefined without a linked model and device. */
export function devicePart(link: LinkedModel | undefined, path: string): string | undefined {
  const est = link?.estimate;
  const f = link?.byPath.get(path);
  if (!est || !f) return undefined;
  // Latency with its interval and the evidence behind the profile ("54.0 ms (41.2–70.1) · 12 points"); a module's
  // interval is its share of the model's.
  if (path === '') {
    return `${est.deviceName}: ${rangedFigure(est.latencyMs, est.latencyMsRange, 'ms', est.evidencePoints)} · RAM ${formatBytes(est.peakRamBytes)} ${mark(est.fits.memory)} · flash ${formatBytes(est.flashBytes)} ${mark(est.fits.storage)}`;
  }
  const share = est.latencyMs > 0 && f.latencyMs !== undefined ? ` (${((f.latencyMs / est.latencyMs) * 100).toFixed(0)}% of the model)` : '';
  const ms = f.latencyMs ?? 0;
  return `${est.deviceName}: ${rangedFigure(ms, partRange(ms, est.latencyMs, est.latencyMsRange), 'ms')}${share} · weights ${formatBytes(f.weightBytes)}`;
}

function openCommand(link: LinkedModel | undefined, path: string | undefined, title: string) {
  if (!link || path === undefined) return { title, command: '' };
  const nodeNames = path === '' ? [] : link.byPath.get(path)?.nodeNames ?? [];
  return { title, command: OPEN_MODEL_AT, arguments: [{ modelPath: link.onnxPath, nodeNames }] };
}

export function codeLensesFor(result: CheckResult): CodeLens[] {
  const { report, link, model } = result;
  const lenses: CodeLens[] = [];
  for (const m of report.modules) {
    const parts = [staticPart(m)];
    if (m.inputShape && m.macs !== null) parts[0] += ` @ ${m.inputShape.map((d) => d ?? '?').join('×')}`;
    const onnx = m.instancePath !== undefined ? link?.byPath.get(m.instancePath) : undefined;
    if (onnx) parts.push(`ONNX ${onnx.params.toLocaleString('en-US')} params · ${formatCount(onnx.macs)} MACs`);
    const dev = m.instancePath !== undefined ? devicePart(link, m.instancePath) : undefined;
    if (dev) parts.push(dev);
    const command = openCommand(link, m.instancePath, parts.join(' | '));
    lenses.push({ range: m.range, command: m.unknownReason ? { ...command, tooltip: `Unknown: ${m.unknownReason}` } : command });
  }
  for (const e of model.exports) {
    const parts: string[] = [];
    const root = link?.byPath.get('');
    if (link && root) {
      parts.push(`→ ${e.onnxPath ?? link.onnxPath}: ${root.params.toLocaleString('en-US')} params · ${formatCount(root.macs)} MACs`);
      const dev = devicePart(link, '');
      if (dev) parts.push(dev);
    } else {
      parts.push(e.onnxPath ? `→ ${e.onnxPath} (not exported yet)` : '→ export target not static');
    }
    lenses.push({ range: e.range, command: openCommand(link, link ? '' : undefined, parts.join(' | ')) });
  }
  return lenses;
}
