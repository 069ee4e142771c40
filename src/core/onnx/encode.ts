// Encodes the IR back into ModelProto bytes. Raw tensor views are written as they are, so a model that was
// decoded and not changed encodes to an equivalent file without touching its weights.

import { dtypeCode } from './dtype';
import type { Attribute, FunctionDef, Graph, KeyValue, Model, Node, SparseTensor, Tensor, TypeInfo, ValueInfo } from './ir';
import { ModelProtoType, TensorProtoType, toLong } from './proto';
import { catchLens, type Result } from '../result';

/* eslint-disable @typescript-eslint/no-explicit-any */
type Msg = any;

const utf8 = new TextEncoder();

export function encodeModel(model: Model): Result<Uint8Array> {
  return catchLens(() => ModelProtoType.encode(modelToMsg(model)).finish());
}

export function encodeTensor(tensor: Tensor): Result<Uint8Array> {
  return catchLens(() => TensorProtoType.encode(tensorToMsg(tensor)).finish());
}

function kv(list: KeyValue[] | undefined): Msg[] | undefined {
  return list && list.length ? list.map((e) => ({ key: e.key, value: e.value })) : undefined;
}

function modelToMsg(m: Model): Msg {
  const msg: Msg = {
    irVersion: toLong(m.irVersion),
    opsetImport: m.opsetImports.map((o) => ({ domain: o.domain, version: toLong(o.version) })),
    graph: graphToMsg(m.graph),
  };
  if (m.producerName) msg.producerName = m.producerName;
  if (m.producerVersion) msg.producerVersion = m.producerVersion;
  if (m.domain) msg.domain = m.domain;
  if (m.modelVersion) msg.modelVersion = toLong(m.modelVersion);
  if (m.docString) msg.docString = m.docString;
  if (m.metadataProps.length) msg.metadataProps = kv(m.metadataProps);
  if (m.functions.length) msg.functions = m.functions.map(functionToMsg);
  if (m.trainingInfo) msg.trainingInfo = m.trainingInfo;
  if (m.configuration) msg.configuration = m.configuration;
  return msg;
}

function graphToMsg(g: Graph): Msg {
  const msg: Msg = {
    node: g.nodes.map(nodeToMsg),
    name: g.name,
    initializer: g.initializers.map(tensorToMsg),
    input: g.inputs.map(valueInfoToMsg),
    output: g.outputs.map(valueInfoToMsg),
    valueInfo: g.valueInfo.map(valueInfoToMsg),
  };
  if (g.sparseInitializers.length) msg.sparseInitializer = g.sparseInitializers.map(sparseToMsg);
  if (g.docString) msg.docString = g.docString;
  if (g.metadataProps) msg.metadataProps = kv(g.metadataProps);
  if (g.quantizationAnnotation) msg.quantizationAnnotation = g.quantizationAnnotation;
  return msg;
}

function nodeToMsg(n: Node): Msg {
  const msg: Msg = { input: n.inputs, output: n.outputs, opType: n.opType };
  if (n.name) msg.name = n.name;
  const spelled = n.extra?.['domainSpelling'];
  if (n.domain || spelled) msg.domain = n.domain || spelled;
  if (n.attributes.length) msg.attribute = n.attributes.map(attributeToMsg);
  if (n.docString) msg.docString = n.docString;
  if (n.overload) msg.overload = n.overload;
  if (n.metadataProps) msg.metadataProps = kv(n.metadataProps);
  if (n.extra?.['deviceConfigurations']) msg.deviceConfigurations = n.extra['deviceConfigurations'];
  return msg;
}

const ATTR_CODES: Record<Attribute['type'], number> = {
  undefined: 0, float: 1, int: 2, string: 3, tensor: 4, graph: 5, floats: 6, ints: 7, strings: 8, tensors: 9,
  graphs: 10, sparse_tensor: 11, sparse_tensors: 12, type_proto: 13, type_protos: 14,
};

function attributeToMsg(a: Attribute): Msg {
  const msg: Msg = { name: a.name, type: ATTR_CODES[a.type] };
  if (a.refAttrName) msg.refAttrName = a.refAttrName;
  if (a.docString) msg.docString = a.docString;
  switch (a.type) {
    case 'float': msg.f = a.value; break;
    case 'int': msg.i = toLong(a.value); break;
    case 'string': msg.s = utf8.encode(a.value); break;
    case 'tensor': msg.t = tensorToMsg(a.value); break;
    case 'graph': msg.g = graphToMsg(a.value); break;
    case 'sparse_tensor': msg.sparseTensor = sparseToMsg(a.value); break;
    case 'type_proto': msg.tp = typeToMsg(a.value); break;
    case 'floats': msg.floats = a.value; break;
    case 'ints': msg.ints = a.value.map((v) => toLong(v)); break;
    case 'strings': msg.strings = a.value.map((s) => utf8.encode(s)); break;
    case 'tensors': msg.tensors = a.value.map(tensorToMsg); break;
    case 'graphs': msg.graphs = a.value.map(graphToMsg); break;
    case 'sparse_tensors': msg.sparseTensors = a.value.map(sparseToMsg); break;
    case 'type_protos': msg.typeProtos = a.value.map((t) => typeToMsg(t)); break;
    case 'undefined': break;
  }
  return msg;
}

function shapeToMsg(shape: TypeInfo & { shape?: unknown }, denotations?: (string | undefined)[]): Msg | undefined {
  if (!('shape' in shape) || !shape.shape) return undefined;
  const dims = shape.shape as (number | string | null)[];
  return {
    dim: dims.map((d, i) => {
      const dim: Msg = typeof d === 'number' ? { dimValue: toLong(d) } : typeof d === 'string' ? { dimParam: d } : {};
      const den = denotations?.[i];
      if (den) dim.denotation = den;
      return dim;
    }),
  };
}

function typeToMsg(t: TypeInfo, denotations?: (string | undefined)[]): Msg {
  const den = 'denotation' in t && t.denotation ? { denotation: t.denotation } : {};
  switch (t.kind) {
    case 'tensor': {
      const tt: Msg = { elemType: dtypeCode(t.elemType) };
      const shape = shapeToMsg(t, denotations);
      if (shape) tt.shape = shape;
      return { tensorType: tt, ...den };
    }
    case 'sparse_tensor': {
      const tt: Msg = { elemType: dtypeCode(t.elemType) };
      const shape = shapeToMsg(t, denotations);
      if (shape) tt.shape = shape;
      return { sparseTensorType: tt, ...den };
    }
    case 'sequence': return { sequenceType: t.elem ? { elemType: typeToMsg(t.elem) } : {}, ...den };
    case 'optional': return { optionalType: t.elem ? { elemType: typeToMsg(t.elem) } : {}, ...den };
    case 'map': return { mapType: { keyType: dtypeCode(t.keyType), ...(t.value ? { valueType: typeToMsg(t.value) } : {}) }, ...den };
    case 'opaque': return { opaqueType: { domain: t.domain, name: t.name }, ...den };
    case 'unknown': return {};
  }
}

function valueInfoToMsg(v: ValueInfo): Msg {
  const msg: Msg = { name: v.name };
  if (v.type.kind !== 'unknown') msg.type = typeToMsg(v.type, v.dimDenotations);
  if (v.docString) msg.docString = v.docString;
  if (v.metadataProps) msg.metadataProps = kv(v.metadataProps);
  return msg;
}

export function tensorToMsg(t: Tensor): Msg {
  const msg: Msg = { dims: t.dims.map((d) => toLong(d)), dataType: dtypeCode(t.dtype) };
  if (t.name) msg.name = t.name;
  if (t.docString) msg.docString = t.docString;
  if (t.metadataProps) msg.metadataProps = kv(t.metadataProps);
  if (t.segment) msg.segment = { begin: toLong(t.segment.begin), end: toLong(t.segment.end) };
  const d = t.data;
  switch (d.kind) {
    case 'raw': msg.rawData = d.bytes; break;
    case 'float': msg.floatData = Array.from(d.values); break;
    case 'int32': msg.int32Data = Array.from(d.values); break;
    case 'int64': msg.int64Data = Array.from(d.values, (v) => toLong(v)); break;
    case 'double': msg.doubleData = Array.from(d.values); break;
    case 'uint64': msg.uint64Data = Array.from(d.values, (v) => toLong(v, true)); break;
    case 'string': msg.stringData = d.values; break;
    case 'external': {
      const ext: KeyValue[] = [{ key: 'location', value: d.location }];
      if (d.offset) ext.push({ key: 'offset', value: String(d.offset) });
      if (d.length !== undefined) ext.push({ key: 'length', value: String(d.length) });
      if (d.checksum !== undefined) ext.push({ key: 'checksum', value: d.checksum });
      if (d.extra) ext.push(...d.extra);
      msg.externalData = ext;
      msg.dataLocation = 1;
      break;
    }
    case 'empty': break;
  }
  return msg;
}

function sparseToMsg(s: SparseTensor): Msg {
  return { values: tensorToMsg(s.values), indices: tensorToMsg(s.indices), dims: s.dims.map((d) => toLong(d)) };
}

function functionToMsg(f: FunctionDef): Msg {
  const msg: Msg = {
    name: f.name,
    domain: f.domain,
    input: f.inputs,
    output: f.outputs,
    attribute: f.attributeNames,
    node: f.nodes.map(nodeToMsg),
    opsetImport: f.opsetImports.map((o) => ({ domain: o.domain, version: toLong(o.version) })),
  };
  if (f.attributeDefaults.length) msg.attributeProto = f.attributeDefaults.map(attributeToMsg);
  if (f.valueInfo.length) msg.valueInfo = f.valueInfo.map(valueInfoToMsg);
  if (f.overload) msg.overload = f.overload;
  if (f.docString) msg.docString = f.docString;
  if (f.metadataProps) msg.metadataProps = kv(f.metadataProps);
  return msg;
}
