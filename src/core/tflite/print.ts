// A readable text listing of a .tflite model for review and `git diff` (not a format that parses back): header,
// metadata, signatures, then per subgraph its tensors (type, shape, quantization, storage) and operators with options.

import type { Metadata } from './metadata';
import type { OptionValue, TfModel, TfTensor } from './schema';
import { tfliteTypeName } from './schema';

const fmt = (x: number) => (Number.isInteger(x) ? String(x) : String(Number(x.toPrecision(6))));

function list(xs: readonly number[], max = 8): string {
  const shown = xs.slice(0, max).map(fmt).join(', ');
  return xs.length > max ? `[${shown}, … ${xs.length} values]` : `[${shown}]`;
}

function quantText(t: TfTensor): string {
  const q = t.quantization;
  if (!q) return '';
  if (q.details) return ` q:${q.details}`;
  if (q.scale.length === 0) return q.min ? ` range ${list(q.min)}..${list(q.max ?? [])}` : '';
  if (q.scale.length === 1) return ` q:scale=${fmt(q.scale[0]!)} zp=${q.zeroPoint[0] ?? 0}`;
  const lo = Math.min(...q.scale);
  const hi = Math.max(...q.scale);
  const zps = new Set(q.zeroPoint);
  return ` q:per-channel(dim ${q.axis}, ${q.scale.length}) scale ${fmt(lo)}..${fmt(hi)} zp ${zps.size === 1 ? [...zps][0] : list(q.zeroPoint)}`;
}

function optionText(v: OptionValue): string {
  if (Array.isArray(v)) return `[${v.join(', ')}]`;
  return String(v);
}

export function printTflite(model: TfModel, metadata: Metadata, fileBytes: number): string {
  const out: string[] = [];
  out.push(`tflite schema ${model.version}: ${JSON.stringify(model.description)}, ${fileBytes} bytes, ${model.subgraphs.length} subgraph(s), ${model.buffers.length} buffers`);
  if (metadata.minRuntimeVersion) out.push(`min_runtime_version ${metadata.minRuntimeVersion}`);
  if (metadata.entries.length) out.push(`metadata ${metadata.entries.join(', ')}`);
  const mm = metadata.model;
  if (mm) {
    for (const [k, v] of Object.entries({ name: mm.name, description: mm.description, version: mm.version, author: mm.author, license: mm.license })) {
      if (v) out.push(`metadata.${k} ${JSON.stringify(v)}`);
    }
    const side = (label: string, list: typeof mm.inputs) => list.forEach((t, i) => {
      if (t.normalization) out.push(`metadata.${label}[${i}] ${t.name}: normalize mean [${t.normalization.mean.join(', ')}] std [${t.normalization.std.join(', ')}]`);
      for (const l of t.labels ?? []) out.push(`metadata.${label}[${i}] ${t.name}: labels ${l.file}${l.lines ? ` (${l.lines.length}): ${l.lines.slice(0, 5).join(', ')}${l.lines.length > 5 ? ', …' : ''}` : ''}`);
    });
    side('input', mm.inputs);
    side('output', mm.outputs);
  }
  if (metadata.offlineOffsets) out.push(`OfflineMemoryAllocation ${list(metadata.offlineOffsets, 16)}`);
  for (const s of model.signatures) {
    const sg = model.subgraphs[s.subgraph];
    const name = (i: number) => sg?.tensors[i]?.name ?? `#${i}`;
    out.push(`signature ${JSON.stringify(s.key)} subgraph ${s.subgraph}: (${s.inputs.map((m) => `${m.name}=${name(m.tensor)}`).join(', ')}) -> (${s.outputs.map((m) => `${m.name}=${name(m.tensor)}`).join(', ')})`);
  }
  for (const sg of model.subgraphs) {
    out.push('');
    out.push(`subgraph ${sg.index} ${JSON.stringify(sg.name)}: ${sg.tensors.length} tensors, ${sg.operators.length} operators`);
    out.push(`  inputs  ${sg.inputs.map((i) => `#${i}`).join(', ')}`);
    out.push(`  outputs ${sg.outputs.map((i) => `#${i}`).join(', ')}`);
    out.push('  tensors:');
    for (const t of sg.tensors) {
      const b = model.buffers[t.buffer];
      const size = b?.data?.length ?? b?.size ?? 0;
      const stored = t.buffer !== 0 && size > 0 ? ` const ${size} B${b?.offset !== undefined ? ` @${b.offset}` : ''}` : '';
      const sig = t.shapeSignature ? ` sig [${t.shapeSignature.join(', ')}]` : '';
      const flags = `${t.isVariable ? ' variable' : ''}${t.sparsity ? ' sparse' : ''}`;
      out.push(`    #${t.index} ${tfliteTypeName(t.typeCode)}[${t.shape.join(', ')}]${sig} ${JSON.stringify(t.name)}${quantText(t)}${stored}${flags}`);
    }
    out.push('  operators:');
    for (const op of sg.operators) {
      const opts = Object.entries(op.options).map(([k, v]) => `${k}=${optionText(v)}`).join(' ');
      const ins = op.inputs.map((i) => (i < 0 ? '-' : `#${i}`)).join(', ');
      const outs = op.outputs.map((i) => `#${i}`).join(', ');
      const custom = op.builtinCode === 32 ? ' (custom)' : '';
      const version = op.version > 1 ? ` v${op.version}` : '';
      out.push(`    ${op.index}: ${op.opName}${custom}${version}(${ins}) -> (${outs})${opts ? ` {${opts}}` : ''}`);
    }
  }
  return out.join('\n') + '\n';
}
