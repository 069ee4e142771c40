// Decodes ONNX ModelProto bytes into the plain IR, validating what later stages rely on (tensor sizes, dtypes).

import { dtypeByteSize, dtypeFromCode, type DType } from './dtype';
import type {
  Attribute, FunctionDef, Graph, KeyValue, Model, Node, OpsetImport, SparseTensor, Tensor, TensorData, TypeInfo,
  ValueInfo, Dim,
} from './ir';
import { ModelProtoType, TensorProtoType, toNum, type LongLike } from './proto';
import { LensException, catchLens, type Result } from '../result';

/* eslint-disable @typescript-eslint/no-explicit-any */
type Msg = any;

const utf8 = new TextDecoder('utf-8');

/** protobufjs leaves an unset bytes field as an empty plain array, which TextDecoder rejects. */
function text(bytes: Uint8Array | unknown[] | undefined | null): string {
  return bytes instanceof Uint8Array && bytes.length > 0 ? utf8.decode(bytes) : '';
}

export interface DecodeOptions {
  /** Used only to name the file in error messages. */
  path?: string;
}

/** Decodes a whole ModelProto. Raw tensor bytes stay views into `bytes`: keep it alive as long as the model. */
export function decodeModel(bytes: Uint8Array, options: DecodeOptions = {}): Result<Model> {
  return catchLens(() => {
    if (bytes.byteLength === 0) throw new LensException('not-onnx', 'the file is empty', options.path);
    // "TFL3" at bytes 4..7 is the TFLite flatbuffer identifier: say so instead of a protobuf parse error.
    if (bytes.byteLength >= 8 && bytes[4] === 0x54 && bytes[5] === 0x46 && bytes[6] === 0x4c && bytes[7] === 0x33) {
      throw new LensException('unsupported', 'this is a TFLite model (.tflite flatbuffer), not ONNX: this operation needs an ONNX model', options.path);
    }
    let msg: Msg;
    try {
      msg = ModelProtoType.decode(bytes);
    } catch (e) {
      if (e instanceof RangeError && /call stack/i.test(e.message)) {
        throw new LensException('too-large', 'the model nests subgraphs too deeply to decode', options.path);
      }
      const why = e instanceof Error ? e.message : String(e);
      throw new LensException('not-onnx', `not a valid ONNX protobuf (${why})`, options.path);
    }
    const model = convertModel(msg, options.path);
    if (!msg.graph) throw new LensException('not-onnx', 'not an ONNX model: it has no graph', options.path);
    if (model.irVersion <= 0 && model.opsetImports.length === 0 && model.graph.nodes.length === 0) {
      throw new LensException('not-onnx', 'not an ONNX model: no IR version, opset or nodes', options.path);
    }
    return model;
  }, options.path);
}

/** Decodes a single TensorProto (the `.pb` files of the ONNX test suite). */
export function decodeTensor(bytes: Uint8Array, options: DecodeOptions = {}): Result<Tensor> {
  return catchLens(() => {
    let msg: Msg;
    try {
      msg = TensorProtoType.decode(bytes);
    } catch (e) {
      const why = e instanceof Error ? e.message : String(e);
      throw new LensException('corrupt', `not a valid TensorProto (${why})`, options.path);
    }
    return convertTensor(msg, options.path);
  }, options.path);
}

function convertModel(m: Msg, path?: string): Model {
  const model: Model = {
    irVersion: toNum(m.irVersion),
    opsetImports: (m.opsetImport ?? []).map(convertOpset),
    producerName: m.producerName ?? '',
    producerVersion: m.producerVersion ?? '',
    domain: m.domain ?? '',
    modelVersion: toNum(m.modelVersion),
    docString: m.docString ?? '',
    graph: m.graph ? convertGraph(m.graph, path) : emptyGraphIr(),
    metadataProps: kvs(m.metadataProps) ?? [],
    functions: (m.functions ?? []).map((f: Msg) => convertFunction(f, path)),
  };
  if (m.trainingInfo?.length) model.trainingInfo = m.trainingInfo;
  if (m.configuration?.length) model.configuration = m.configuration;
  return model;
}

function emptyGraphIr(): Graph {
  return { name: '', nodes: [], initializers: [], sparseInitializers: [], inputs: [], outputs: [], valueInfo: [] };
}

function convertOpset(o: Msg): OpsetImport {
  return { domain: o.domain ?? '', version: toNum(o.version) };
}

function kvs(list: Msg[] | undefined): KeyValue[] | undefined {
  if (!list || list.length === 0) return undefined;
  return list.map((e) => ({ key: e.key ?? '', value: e.value ?? '' }));
}

function convertGraph(g: Msg, path?: string): Graph {
  const graph: Graph = {
    name: g.name ?? '',
    nodes: (g.node ?? []).map((n: Msg) => convertNode(n, path)),
    initializers: (g.initializer ?? []).map((t: Msg) => convertTensor(t, path)),
    sparseInitializers: (g.sparseInitializer ?? []).map((s: Msg) => convertSparse(s, path)),
    inputs: (g.input ?? []).map(convertValueInfo),
    outputs: (g.output ?? []).map(convertValueInfo),
    valueInfo: (g.valueInfo ?? []).map(convertValueInfo),
  };
  if (g.docString) graph.docString = g.docString;
  const md = kvs(g.metadataProps);
  if (md) graph.metadataProps = md;
  if (g.quantizationAnnotation?.length) graph.quantizationAnnotation = g.quantizationAnnotation;
  return graph;
}

function convertNode(n: Msg, path?: string): Node {
  const node: Node = {
    name: n.name ?? '',
    opType: n.opType ?? '',
    domain: n.domain === 'ai.onnx' ? '' : (n.domain ?? ''),
    inputs: n.input ?? [],
    outputs: n.output ?? [],
    attributes: (n.attribute ?? []).map((a: Msg) => convertAttribute(a, path)),
  };
  if (n.domain === 'ai.onnx') node.extra = { ...(node.extra ?? {}), domainSpelling: 'ai.onnx' };
  if (n.docString) node.docString = n.docString;
  if (n.overload) node.overload = n.overload;
  const md = kvs(n.metadataProps);
  if (md) node.metadataProps = md;
  if (n.deviceConfigurations?.length) node.extra = { ...(node.extra ?? {}), deviceConfigurations: n.deviceConfigurations };
  return node;
}

const ATTR_TYPE_NAMES: Record<number, Attribute['type']> = {
  0: 'undefined', 1: 'float', 2: 'int', 3: 'string', 4: 'tensor', 5: 'graph', 6: 'floats', 7: 'ints', 8: 'strings',
  9: 'tensors', 10: 'graphs', 11: 'sparse_tensor', 12: 'sparse_tensors', 13: 'type_proto', 14: 'type_protos',
};

/** Old exporters leave AttributeProto.type unset; the field that holds a value tells it. */
function inferAttributeType(a: Msg): Attribute['type'] {
  if (a.floats?.length) return 'floats';
  if (a.ints?.length) return 'ints';
  if (a.strings?.length) return 'strings';
  if (a.tensors?.length) return 'tensors';
  if (a.graphs?.length) return 'graphs';
  if (a.t) return 'tensor';
  if (a.g) return 'graph';
  if (a.sparseTensor) return 'sparse_tensor';
  if (a.tp) return 'type_proto';
  if (a.s?.length) return 'string';
  if (Object.prototype.hasOwnProperty.call(a, 'f')) return 'float';
  if (Object.prototype.hasOwnProperty.call(a, 'i')) return 'int';
  return 'undefined';
}

function convertAttribute(a: Msg, path?: string): Attribute {
  const type = (a.type ? ATTR_TYPE_NAMES[a.type] : undefined) ?? inferAttributeType(a);
  const base: { name: string; refAttrName?: string; docString?: string } = { name: a.name ?? '' };
  if (a.refAttrName) base.refAttrName = a.refAttrName;
  if (a.docString) base.docString = a.docString;
  switch (type) {
    case 'float': return { ...base, type, value: a.f ?? 0 };
    case 'int': return { ...base, type, value: toNum(a.i) };
    case 'string': return { ...base, type, value: text(a.s) };
    case 'tensor': return { ...base, type, value: convertTensor(a.t ?? {}, path) };
    case 'graph': return { ...base, type, value: convertGraph(a.g ?? {}, path) };
    case 'sparse_tensor': return { ...base, type, value: convertSparse(a.sparseTensor ?? {}, path) };
    case 'type_proto': return { ...base, type, value: convertType(a.tp) };
    case 'floats': return { ...base, type, value: Array.from(a.floats ?? [], Number) };
    case 'ints': return { ...base, type, value: (a.ints ?? []).map((v: LongLike) => toNum(v)) };
    case 'strings': return { ...base, type, value: (a.strings ?? []).map((s: Uint8Array) => text(s)) };
    case 'tensors': return { ...base, type, value: (a.tensors ?? []).map((t: Msg) => convertTensor(t, path)) };
    case 'graphs': return { ...base, type, value: (a.graphs ?? []).map((g: Msg) => convertGraph(g, path)) };
    case 'sparse_tensors':
      return { ...base, type, value: (a.sparseTensors ?? []).map((s: Msg) => convertSparse(s, path)) };
    case 'type_protos': return { ...base, type, value: (a.typeProtos ?? []).map(convertType) };
    case 'undefined': return { ...base, type, value: null };
  }
}

function convertValueInfo(v: Msg): ValueInfo {
  const info: ValueInfo = { name: v.name ?? '', type: convertType(v.type) };
  if (v.docString) info.docString = v.docString;
  const md = kvs(v.metadataProps);
  if (md) info.metadataProps = md;
  const dims = v.type?.tensorType?.shape?.dim ?? v.type?.sparseTensorType?.shape?.dim;
  if (dims?.some((d: Msg) => d.denotation)) info.dimDenotations = dims.map((d: Msg) => d.denotation || undefined);
  return info;
}

function elemType(code: number | undefined): DType {
  return dtypeFromCode(code ?? 0) ?? 'undefined';
}

function convertShape(s: Msg | undefined | null): Dim[] | undefined {
  if (!s) return undefined;
  // protobufjs names the set member of the `value` oneof; neither set means an unknown dimension.
  return (s.dim ?? []).map((d: Msg): Dim => {
    if (d.value === 'dimValue') return toNum(d.dimValue);
    if (d.value === 'dimParam') return d.dimParam || null;
    return null;
  });
}

function convertType(t: Msg | undefined | null): TypeInfo {
  if (!t) return { kind: 'unknown' };
  const den = t.denotation ? { denotation: t.denotation as string } : {};
  if (t.tensorType) return { kind: 'tensor', elemType: elemType(t.tensorType.elemType), shape: convertShape(t.tensorType.shape), ...den };
  if (t.sparseTensorType) {
    return { kind: 'sparse_tensor', elemType: elemType(t.sparseTensorType.elemType), shape: convertShape(t.sparseTensorType.shape), ...den };
  }
  if (t.sequenceType) return { kind: 'sequence', elem: t.sequenceType.elemType ? convertType(t.sequenceType.elemType) : undefined, ...den };
  if (t.optionalType) return { kind: 'optional', elem: t.optionalType.elemType ? convertType(t.optionalType.elemType) : undefined, ...den };
  if (t.mapType) {
    return { kind: 'map', keyType: elemType(t.mapType.keyType), value: t.mapType.valueType ? convertType(t.mapType.valueType) : undefined, ...den };
  }
  if (t.opaqueType) return { kind: 'opaque', domain: t.opaqueType.domain ?? '', name: t.opaqueType.name ?? '', ...den };
  return { kind: 'unknown' };
}

function convertSparse(s: Msg, path?: string): SparseTensor {
  return {
    values: convertTensor(s.values ?? {}, path),
    indices: convertTensor(s.indices ?? {}, path),
    dims: (s.dims ?? []).map((d: LongLike) => toNum(d)),
  };
}

/** How many int32_data entries ONNX stores for `count` elements (4-bit types pack two per entry). */
function int32DataLength(dtype: DType, count: number): number {
  return dtype === 'int4' || dtype === 'uint4' || dtype === 'float4e2m1' ? Math.ceil(count / 2) : count;
}

export function convertTensor(t: Msg, path?: string): Tensor {
  const name: string = t.name ?? '';
  const code: number = t.dataType ?? 0;
  const dtype = dtypeFromCode(code);
  const where = name ? `tensor '${name}'` : 'a tensor';
  if (dtype === undefined) throw new LensException('corrupt', `${where} has unknown data type ${code}`, path);
  const dims: number[] = (t.dims ?? []).map((d: LongLike) => toNum(d));
  let count = 1;
  for (const d of dims) {
    if (!Number.isSafeInteger(d) || d < 0) throw new LensException('corrupt', `${where} has invalid dimension ${d}`, path);
    count *= d;
  }
  if (!Number.isSafeInteger(count)) throw new LensException('too-large', `${where} declares ${dims.join('x')} elements`, path);

  let data: TensorData;
  if (t.dataLocation === 1) {
    const ext = kvs(t.externalData) ?? [];
    const get = (k: string) => ext.find((e) => e.key === k)?.value;
    const location = get('location');
    if (!location) throw new LensException('external-data', `${where} is stored externally but names no location`, path);
    const offset = get('offset') !== undefined ? Number(get('offset')) : 0;
    const lengthText = get('length');
    const length = lengthText !== undefined ? Number(lengthText) : undefined;
    if (!Number.isSafeInteger(offset) || offset < 0 || (length !== undefined && (!Number.isSafeInteger(length) || length < 0))) {
      throw new LensException('external-data', `${where} has an invalid external offset or length`, path);
    }
    const expected = dtypeByteSize(dtype, count);
    if (length !== undefined && dtype !== 'string' && length !== expected) {
      throw new LensException('corrupt', `${where} declares ${expected} bytes (${dtype} ${dims.join('x')}) but its external length is ${length}`, path);
    }
    data = { kind: 'external', location, offset, length };
    const checksum = get('checksum');
    if (checksum !== undefined) data.checksum = checksum;
    const extra = ext.filter((e) => !['location', 'offset', 'length', 'checksum'].includes(e.key));
    if (extra.length) data.extra = extra;
  } else if (t.rawData && t.rawData.length > 0) {
    const bytes: Uint8Array = t.rawData;
    if (dtype === 'string') throw new LensException('corrupt', `${where} is a string tensor with raw_data`, path);
    const expected = dtypeByteSize(dtype, count);
    if (bytes.byteLength !== expected) {
      throw new LensException('corrupt', `${where} declares ${dims.join('x')} ${dtype} (${expected} bytes) but holds ${bytes.byteLength} bytes`, path);
    }
    data = { kind: 'raw', bytes };
  } else {
    data = typedData(t);
    const have = data.kind === 'empty' ? 0 : (data as { values: ArrayLike<unknown> }).values.length;
    let expected = count;
    if (data.kind === 'int32') expected = int32DataLength(dtype, count);
    if ((dtype === 'complex64' || dtype === 'complex128') && data.kind !== 'empty') expected = count * 2;
    if (have !== expected && !(data.kind === 'empty' && count === 0)) {
      throw new LensException('corrupt', `${where} declares ${dims.join('x') || 'a scalar'} (${expected} values) but holds ${have}`, path);
    }
  }
  const tensor: Tensor = { name, dtype, dims, data };
  if (t.docString) tensor.docString = t.docString;
  const md = kvs(t.metadataProps);
  if (md) tensor.metadataProps = md;
  if (t.segment) tensor.segment = { begin: toNum(t.segment.begin), end: toNum(t.segment.end) };
  return tensor;
}

function typedData(t: Msg): TensorData {
  if (t.floatData?.length) return { kind: 'float', values: t.floatData };
  if (t.int32Data?.length) return { kind: 'int32', values: t.int32Data };
  if (t.int64Data?.length) return { kind: 'int64', values: t.int64Data.map((v: LongLike) => toNum(v)) };
  if (t.doubleData?.length) return { kind: 'double', values: t.doubleData };
  if (t.uint64Data?.length) return { kind: 'uint64', values: t.uint64Data.map((v: LongLike) => toNum(v)) };
  if (t.stringData?.length) return { kind: 'string', values: t.stringData };
  return { kind: 'empty' };
}

function convertFunction(f: Msg, path?: string): FunctionDef {
  const fn: FunctionDef = {
    name: f.name ?? '',
    domain: f.domain ?? '',
    inputs: f.input ?? [],
    outputs: f.output ?? [],
    attributeNames: f.attribute ?? [],
    attributeDefaults: (f.attributeProto ?? []).map((a: Msg) => convertAttribute(a, path)),
    nodes: (f.node ?? []).map((n: Msg) => convertNode(n, path)),
    opsetImports: (f.opsetImport ?? []).map(convertOpset),
    valueInfo: (f.valueInfo ?? []).map(convertValueInfo),
  };
  if (f.overload) fn.overload = f.overload;
  if (f.docString) fn.docString = f.docString;
  const md = kvs(f.metadataProps);
  if (md) fn.metadataProps = md;
  return fn;
}
