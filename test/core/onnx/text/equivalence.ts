// Structural model equivalence for the text round-trip tests: same graph, nodes, attributes, types and tensors (tensors
// by sha256 of their canonical bytes, so raw vs typed storage and elided placeholders compare by content).
// Ignores what the text syntax does not carry: doc strings below the model, per-item metadata, denotations.

import type { Attribute, FunctionDef, Graph, Model, Node, Tensor, TypeInfo, ValueInfo } from '../../../../src/core/onnx/ir';
import { tensorSha256 } from '../../../../src/core/onnx/text/tensorBytes';
import { ELIDED_KEY } from '../../../../src/core/onnx/text/syntax';

type Diffs = string[];

const normDomain = (d: string) => (d === 'ai.onnx' ? '' : d);

function eq(diffs: Diffs, path: string, a: unknown, b: unknown): void {
  if (!Object.is(a, b)) diffs.push(`${path}: ${JSON.stringify(a)} != ${JSON.stringify(b)}`);
}

/** Differences between two models; empty when they are equivalent. */
export function modelDifferences(a: Model, b: Model): Diffs {
  const d: Diffs = [];
  eq(d, 'ir_version', a.irVersion, b.irVersion);
  eq(d, 'opset_import', JSON.stringify(a.opsetImports.map((o) => [normDomain(o.domain), o.version])),
    JSON.stringify(b.opsetImports.map((o) => [normDomain(o.domain), o.version])));
  eq(d, 'producer_name', a.producerName, b.producerName);
  eq(d, 'producer_version', a.producerVersion, b.producerVersion);
  eq(d, 'domain', a.domain, b.domain);
  eq(d, 'model_version', a.modelVersion, b.modelVersion);
  eq(d, 'doc_string', a.docString, b.docString);
  eq(d, 'metadata_props', JSON.stringify(a.metadataProps), JSON.stringify(b.metadataProps));
  graphDiffs(d, 'graph', a.graph, b.graph);
  eq(d, 'functions.length', a.functions.length, b.functions.length);
  a.functions.forEach((f, i) => b.functions[i] && functionDiffs(d, `function[${f.name}]`, f, b.functions[i]!));
  return d;
}

function graphDiffs(d: Diffs, path: string, a: Graph, b: Graph): void {
  eq(d, `${path}.name`, a.name, b.name);
  valueInfosDiffs(d, `${path}.input`, a.inputs, b.inputs);
  valueInfosDiffs(d, `${path}.output`, a.outputs, b.outputs);
  valueInfosDiffs(d, `${path}.value_info`, a.valueInfo, b.valueInfo);
  eq(d, `${path}.initializer.length`, a.initializers.length, b.initializers.length);
  a.initializers.forEach((t, i) => b.initializers[i] && tensorDiffs(d, `${path}.initializer[${t.name}]`, t, b.initializers[i]!));
  eq(d, `${path}.sparse_initializer.length`, a.sparseInitializers.length, b.sparseInitializers.length);
  nodesDiffs(d, path, a.nodes, b.nodes);
}

function nodesDiffs(d: Diffs, path: string, a: Node[], b: Node[]): void {
  eq(d, `${path}.node.length`, a.length, b.length);
  a.forEach((n, i) => b[i] && nodeDiffs(d, `${path}.node[${i}:${n.opType}]`, n, b[i]!));
}

function valueInfosDiffs(d: Diffs, path: string, a: ValueInfo[], b: ValueInfo[]): void {
  eq(d, `${path}.length`, a.length, b.length);
  a.forEach((v, i) => {
    const w = b[i];
    if (!w) return;
    eq(d, `${path}[${i}].name`, v.name, w.name);
    eq(d, `${path}[${v.name}].type`, typeKey(v.type), typeKey(w.type));
  });
}

/** A type as a string, without denotations. */
export function typeKey(t: TypeInfo | undefined): string {
  if (!t) return '-';
  switch (t.kind) {
    case 'tensor': case 'sparse_tensor':
      return `${t.kind}:${t.elemType}${t.shape ? JSON.stringify(t.shape) : '[*]'}`;
    case 'sequence': case 'optional': return `${t.kind}(${typeKey(t.elem)})`;
    case 'map': return `map(${t.keyType},${typeKey(t.value)})`;
    case 'opaque': return `opaque(${t.domain},${t.name})`;
    case 'unknown': return 'unknown';
  }
}

function nodeDiffs(d: Diffs, path: string, a: Node, b: Node): void {
  eq(d, `${path}.name`, a.name, b.name);
  eq(d, `${path}.op_type`, a.opType, b.opType);
  eq(d, `${path}.domain`, normDomain(a.domain), normDomain(b.domain));
  eq(d, `${path}.overload`, a.overload ?? '', b.overload ?? '');
  eq(d, `${path}.input`, JSON.stringify(a.inputs), JSON.stringify(b.inputs));
  eq(d, `${path}.output`, JSON.stringify(a.outputs), JSON.stringify(b.outputs));
  eq(d, `${path}.attribute.length`, a.attributes.length, b.attributes.length);
  a.attributes.forEach((x, i) => b.attributes[i] && attributeDiffs(d, `${path}.${x.name}`, x, b.attributes[i]!));
}

const sameFloat = (x: number, y: number) => Object.is(Math.fround(x), Math.fround(y)) || (Number.isNaN(x) && Number.isNaN(y));

function attributeDiffs(d: Diffs, path: string, a: Attribute, b: Attribute): void {
  eq(d, `${path}.name`, a.name, b.name);
  eq(d, `${path}.type`, a.type, b.type);
  eq(d, `${path}.ref_attr_name`, a.refAttrName ?? '', b.refAttrName ?? '');
  if (a.type !== b.type || a.refAttrName) return;
  switch (a.type) {
    case 'float': if (!sameFloat(a.value, b.value as number)) eq(d, `${path}.f`, a.value, b.value); break;
    case 'floats': {
      const bv = b.value as number[];
      if (a.value.length !== bv.length || a.value.some((v, i) => !sameFloat(v, bv[i]!))) eq(d, `${path}.floats`, a.value, bv);
      break;
    }
    case 'int': case 'string': eq(d, path, a.value, b.value); break;
    case 'ints': case 'strings': eq(d, path, JSON.stringify(a.value), JSON.stringify(b.value)); break;
    case 'tensor': tensorDiffs(d, path, a.value, b.value as Tensor); break;
    case 'tensors': {
      const bv = b.value as Tensor[];
      eq(d, `${path}.length`, a.value.length, bv.length);
      a.value.forEach((t, i) => bv[i] && tensorDiffs(d, `${path}[${i}]`, t, bv[i]!));
      break;
    }
    case 'graph': graphDiffs(d, path, a.value, b.value as Graph); break;
    case 'graphs': {
      const bv = b.value as Graph[];
      eq(d, `${path}.length`, a.value.length, bv.length);
      a.value.forEach((g, i) => bv[i] && graphDiffs(d, `${path}[${i}]`, g, bv[i]!));
      break;
    }
    case 'type_proto': eq(d, path, typeKey(a.value), typeKey(b.value as TypeInfo)); break;
    case 'type_protos': eq(d, path, a.value.map(typeKey).join(';'), (b.value as TypeInfo[]).map(typeKey).join(';')); break;
    case 'sparse_tensor': {
      const bv = b.value as typeof a.value;
      eq(d, `${path}.dims`, JSON.stringify(a.value.dims), JSON.stringify(bv.dims));
      tensorDiffs(d, `${path}.values`, a.value.values, bv.values);
      tensorDiffs(d, `${path}.indices`, a.value.indices, bv.indices);
      break;
    }
    case 'sparse_tensors': eq(d, `${path}.length`, a.value.length, (b.value as unknown[]).length); break;
    case 'undefined': break;
  }
}

function elidedDigest(t: Tensor): string | undefined {
  if (t.data.kind !== 'external' || t.data.location !== '') return undefined;
  return t.data.extra?.find((e) => e.key === ELIDED_KEY)?.value;
}

/** Identity of a tensor's content: sha256, external reference, or an elided placeholder's digest prefix. */
function contentKey(t: Tensor): { full?: string; prefix?: string; external?: string } {
  const elided = elidedDigest(t);
  if (elided) return { prefix: elided };
  if (t.data.kind === 'external') return { external: JSON.stringify([t.data.location, t.data.offset, t.data.length ?? null]) };
  return { full: tensorSha256(t) };
}

function tensorDiffs(d: Diffs, path: string, a: Tensor, b: Tensor): void {
  eq(d, `${path}.name`, a.name, b.name);
  eq(d, `${path}.dtype`, a.dtype, b.dtype);
  eq(d, `${path}.dims`, JSON.stringify(a.dims), JSON.stringify(b.dims));
  const ka = contentKey(a);
  const kb = contentKey(b);
  if (ka.external || kb.external) return eq(d, `${path}.external`, ka.external, kb.external);
  const fa = ka.full ?? '';
  const fb = kb.full ?? '';
  const ok = ka.full && kb.full ? fa === fb : (ka.prefix ? fb.startsWith(ka.prefix) || ka.prefix === kb.prefix : fa.startsWith(kb.prefix ?? '\0'));
  if (!ok) d.push(`${path}.data: sha256 ${ka.full ?? ka.prefix} != ${kb.full ?? kb.prefix}`);
}

function functionDiffs(d: Diffs, path: string, a: FunctionDef, b: FunctionDef): void {
  eq(d, `${path}.name`, a.name, b.name);
  eq(d, `${path}.domain`, a.domain, b.domain);
  eq(d, `${path}.overload`, a.overload ?? '', b.overload ?? '');
  eq(d, `${path}.input`, JSON.stringify(a.inputs), JSON.stringify(b.inputs));
  eq(d, `${path}.output`, JSON.stringify(a.outputs), JSON.stringify(b.outputs));
  eq(d, `${path}.attribute`, JSON.stringify(a.attributeNames), JSON.stringify(b.attributeNames));
  eq(d, `${path}.attribute_proto.length`, a.attributeDefaults.length, b.attributeDefaults.length);
  a.attributeDefaults.forEach((x, i) => b.attributeDefaults[i] && attributeDiffs(d, `${path}.${x.name}`, x, b.attributeDefaults[i]!));
  eq(d, `${path}.opset_import`, JSON.stringify(a.opsetImports), JSON.stringify(b.opsetImports));
  const vi = (l: ValueInfo[]) => JSON.stringify(l.map((v) => [v.name, typeKey(v.type)]).sort());
  eq(d, `${path}.value_info`, vi(a.valueInfo), vi(b.valueInfo));
  nodesDiffs(d, path, a.nodes, b.nodes);
}
