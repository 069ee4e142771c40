// Prints the IR in ONNX's textual syntax (the one onnx.printer writes and onnx.parser reads), one item per line so
// that text diffs of models stay readable, with large tensors elided to a shape/dtype/sha256 placeholder.

import type { Attribute, Dim, FunctionDef, Graph, Model, Node, OpsetImport, SparseTensor, Tensor, TypeInfo, ValueInfo } from '../ir';
import { tensorElementCount } from '../ir';
import { ELIDED_KEY, isIdentifier, printId } from './syntax';
import { tensorDigestPrefix } from './tensorBytes';
import { formatFloat32, quote, tensorLiterals } from './values';

export interface PrintOptions {
  /** Print every tensor's values (default false: tensors above `maxInlineElements` are elided). */
  full?: boolean;
  /** Largest element count printed in full when `full` is off (default 32). */
  maxInlineElements?: number;
}

/** Default threshold: biases of small layers and shape constants stay readable; weight matrices are elided. */
export const DEFAULT_MAX_INLINE_ELEMENTS = 32;
const VALUES_PER_LINE = 8;
const INLINE_WIDTH = 100;

interface Ctx {
  full: boolean;
  maxInline: number;
}

function ctxOf(o: PrintOptions): Ctx {
  return { full: o.full ?? false, maxInline: o.maxInlineElements ?? DEFAULT_MAX_INLINE_ELEMENTS };
}

const pad = (level: number) => '  '.repeat(level);

export function printModel(model: Model, options: PrintOptions = {}): string {
  const ctx = ctxOf(options);
  const head: string[] = [`ir_version: ${model.irVersion}`, `opset_import: ${opsetList(model.opsetImports)}`];
  if (model.producerName) head.push(`producer_name: ${quote(model.producerName)}`);
  if (model.producerVersion) head.push(`producer_version: ${quote(model.producerVersion)}`);
  if (model.domain) head.push(`domain: ${quote(model.domain)}`);
  if (model.modelVersion) head.push(`model_version: ${model.modelVersion}`);
  if (model.docString) head.push(`doc_string: ${quote(model.docString)}`);
  if (model.metadataProps.length) {
    head.push(`metadata_props: [${model.metadataProps.map((kv) => `${quote(kv.key)}: ${quote(kv.value)}`).join(', ')}]`);
  }
  const parts = [`<\n${head.map((h) => pad(1) + h).join(',\n')}\n>\n`, graphText(model.graph, ctx, 0), '\n'];
  for (const fn of model.functions) parts.push('\n', functionText(fn, ctx), '\n');
  return parts.join('');
}

export function printGraph(graph: Graph, options: PrintOptions = {}): string {
  return graphText(graph, ctxOf(options), 0) + '\n';
}

export function printNode(node: Node, options: PrintOptions = {}): string {
  return nodeText(node, ctxOf(options), 0) + '\n';
}

export function printAttribute(attr: Attribute, options: PrintOptions = {}): string {
  return attributeText(attr, ctxOf(options), 0);
}

export function printFunction(fn: FunctionDef, options: PrintOptions = {}): string {
  return functionText(fn, ctxOf(options)) + '\n';
}

export function printTensor(t: Tensor, options: PrintOptions = {}): string {
  return tensorText(t, ctxOf(options), 0);
}

function opsetList(opsets: OpsetImport[]): string {
  return `[${opsets.map((o) => `${quote(o.domain)} : ${o.version}`).join(', ')}]`;
}

function dimText(d: Dim): string {
  if (d === null) return '?';
  if (typeof d === 'number') return String(d);
  return isIdentifier(d) ? d : quote(d);
}

function shapeSuffix(shape: Dim[] | undefined): string {
  if (shape === undefined) return '[]';
  return shape.length ? `[${shape.map(dimText).join(', ')}]` : '';
}

export function printType(t: TypeInfo): string {
  switch (t.kind) {
    case 'tensor': return t.elemType + shapeSuffix(t.shape);
    case 'sparse_tensor': return `sparse_tensor(${t.elemType}${shapeSuffix(t.shape)})`;
    case 'sequence': return `seq(${t.elem ? printType(t.elem) : ''})`;
    case 'optional': return `optional(${t.elem ? printType(t.elem) : ''})`;
    case 'map': return `map(${t.keyType}, ${t.value ? printType(t.value) : ''})`;
    case 'opaque': {
      const q = (s: string) => (/^[A-Za-z_][\w.]*$/.test(s) ? s : quote(s));
      if (t.domain) return `opaque(${q(t.domain)}, ${q(t.name)})`;
      return t.name ? `opaque(${q(t.name)})` : 'opaque()';
    }
    case 'unknown': return '';
  }
}

function valueInfoText(v: ValueInfo): string {
  const type = printType(v.type);
  return type ? `${type} ${printId(v.name)}` : printId(v.name);
}

/** `(a, b)` on one line when it fits, else one item per line. */
function listText(items: string[], level: number, open: string, close: string): string {
  const inline = `${open}${items.join(', ')}${close}`;
  if (inline.length <= INLINE_WIDTH && !items.some((i) => i.includes('\n'))) return inline;
  return `${open}\n${items.map((i) => pad(level + 1) + i).join(',\n')}\n${pad(level)}${close}`;
}

function isElided(t: Tensor, ctx: Ctx): boolean {
  return !ctx.full && t.data.kind !== 'external' && tensorElementCount(t.dims) > ctx.maxInline;
}

function tensorDataText(t: Tensor, ctx: Ctx, level: number): string {
  const d = t.data;
  if (d.kind === 'external') {
    const kv: [string, string][] = [['location', d.location]];
    if (d.offset) kv.push(['offset', String(d.offset)]);
    if (d.length !== undefined) kv.push(['length', String(d.length)]);
    if (d.checksum !== undefined) kv.push(['checksum', d.checksum]);
    for (const e of d.extra ?? []) kv.push([e.key, e.value]);
    // An empty location with our key is a tensor that was parsed from an elided placeholder: print it as such.
    const pairs = d.location === '' && d.extra?.some((e) => e.key === ELIDED_KEY) ? kv.slice(1) : kv;
    return `[${pairs.map(([k, v]) => `${quote(k)}: ${quote(v)}`).join(', ')}]`;
  }
  if (isElided(t, ctx)) return `[${quote(ELIDED_KEY)}: ${quote(tensorDigestPrefix(t) ?? '')}]`;
  const lits = tensorLiterals(t) ?? [];
  const inline = `{${lits.join(', ')}}`;
  if (inline.length <= INLINE_WIDTH) return inline;
  // Wrapped at a fixed count per line so that one changed value shows as one changed line in a diff.
  const lines: string[] = [];
  for (let i = 0; i < lits.length; i += VALUES_PER_LINE) lines.push(pad(level + 1) + lits.slice(i, i + VALUES_PER_LINE).join(', '));
  return `{\n${lines.join(',\n')}\n${pad(level)}}`;
}

function tensorText(t: Tensor, ctx: Ctx, level: number): string {
  const type = t.dtype + (t.dims.length ? `[${t.dims.join(', ')}]` : '');
  const name = t.name ? ` ${printId(t.name)}` : '';
  return `${type}${name} = ${tensorDataText(t, ctx, level)}`;
}

function sparseText(s: SparseTensor, ctx: Ctx, level: number): string {
  return `sparse[${s.dims.join(', ')}](${tensorText(s.values, ctx, level)}, ${tensorText(s.indices, ctx, level)})`;
}

/** A float attribute literal that reads as a float even without the type annotation (older onnx.parser). */
function floatAttr(v: number): string {
  const s = formatFloat32(v);
  return /^-?\d+$/.test(s) ? `${s}.0` : s;
}

function attributeValueText(a: Attribute, ctx: Ctx, level: number): string {
  switch (a.type) {
    case 'float': return floatAttr(a.value);
    case 'int': return String(a.value);
    case 'string': return quote(a.value);
    case 'tensor': return tensorText(a.value, ctx, level);
    case 'graph': return graphText(a.value, ctx, level);
    case 'sparse_tensor': return sparseText(a.value, ctx, level);
    case 'type_proto': return printType(a.value);
    case 'floats': return `[${a.value.map(floatAttr).join(', ')}]`;
    case 'ints': return `[${a.value.join(', ')}]`;
    case 'strings': return `[${a.value.map(quote).join(', ')}]`;
    case 'tensors': return listText(a.value.map((t) => tensorText(t, ctx, level + 1)), level, '[', ']');
    case 'graphs': return listText(a.value.map((g) => graphText(g, ctx, level + 1)), level, '[', ']');
    case 'sparse_tensors': return listText(a.value.map((s) => sparseText(s, ctx, level + 1)), level, '[', ']');
    case 'type_protos': return `[${a.value.map(printType).join(', ')}]`;
    case 'undefined': return '';
  }
}

function attributeText(a: Attribute, ctx: Ctx, level: number): string {
  const head = `${printId(a.name)}: ${a.type}`;
  if (a.refAttrName !== undefined) {
    // A reference whose type was left unset prints as ONNX's untyped form `name = @ref`.
    return a.type === 'undefined' ? `${printId(a.name)} = @${printId(a.refAttrName)}` : `${head} = @${printId(a.refAttrName)}`;
  }
  if (a.type === 'undefined') return head;
  return `${head} = ${attributeValueText(a, ctx, level)}`;
}

function attributeListText(attrs: Attribute[], ctx: Ctx, level: number): string {
  const items = attrs.map((a) => attributeText(a, ctx, level + 1));
  return listText(items, level, '<', '>');
}

function nodeText(n: Node, ctx: Ctx, level: number): string {
  const label = n.name ? `[${printId(n.name)}] ` : '';
  const outs = n.outputs.map(printId).join(', ');
  const op = (n.domain ? `${n.domain}.` : '') + printId(n.opType) + (n.overload ? `:${printId(n.overload)}` : '');
  const ins = `(${n.inputs.map(printId).join(', ')})`;
  const hasGraph = n.attributes.some((a) => a.type === 'graph' || a.type === 'graphs');
  const attrs = n.attributes.length ? ' ' + attributeListText(n.attributes, ctx, level) : '';
  // ONNX prints attributes after the inputs when they hold subgraphs, so the inputs stay next to the op name.
  const call = hasGraph ? `${op} ${ins}${attrs}` : `${op}${attrs} ${ins}`;
  return `${pad(level)}${label}${outs}${outs ? ' ' : ''}= ${call}`;
}

function nodeListText(nodes: Node[], ctx: Ctx, level: number): string {
  const lines = nodes.map((n) => nodeText(n, ctx, level + 1));
  return `{\n${lines.map((l) => l + '\n').join('')}${pad(level)}}`;
}

function graphText(g: Graph, ctx: Ctx, level: number): string {
  const ins = listText(g.inputs.map(valueInfoText), level, '(', ')');
  const outs = listText(g.outputs.map(valueInfoText), level, '(', ')');
  const parts = [`${printId(g.name)} ${ins} => ${outs}\n`];
  const decls = [...g.initializers.map((t) => tensorText(t, ctx, level + 1)), ...g.valueInfo.map(valueInfoText)];
  if (decls.length) parts.push(`${pad(level)}<\n${decls.map((d) => pad(level + 1) + d).join(',\n')}\n${pad(level)}>\n`);
  parts.push(pad(level), nodeListText(g.nodes, ctx, level));
  return parts.join('');
}

function functionText(f: FunctionDef, ctx: Ctx): string {
  const head = [`domain: ${quote(f.domain)}`];
  if (f.overload) head.push(`overload: ${quote(f.overload)}`);
  head.push(`opset_import: ${opsetList(f.opsetImports)}`);
  if (f.docString) head.push(`doc_string: ${quote(f.docString)}`);
  const attrs = [...f.attributeNames.map(printId), ...f.attributeDefaults.map((a) => attributeText(a, ctx, 1))];
  const attrList = attrs.length ? ' ' + listText(attrs, 0, '<', '>') : '';
  const sig = `${printId(f.name)}${attrList} (${f.inputs.map(printId).join(', ')}) => (${f.outputs.map(printId).join(', ')})\n`;
  const vis = f.valueInfo.length ? `<\n${f.valueInfo.map((v) => pad(1) + valueInfoText(v)).join(',\n')}\n>\n` : '';
  return `<\n${head.map((h) => pad(1) + h).join(',\n')}\n>\n${sig}${vis}${nodeListText(f.nodes, ctx, 0)}`;
}
