// A decoded TFLite model as the engine's IR: subgraph 0 is the graph, operators are nodes of domain 'tflite' with
// their TFLite names (custom operators: domain 'tflite.custom', their custom code), options become attributes,
// control-flow operators hold their subgraphs as graph attributes, constant tensors become initializers (NHWC kept),
// quantization and sparsity stay on the tensors, and metadata becomes model properties.

import { basename } from 'node:path';
import { dtypeByteSize } from '../onnx/dtype';
import { tensorElementCount, type Attribute, type Graph, type KeyValue, type Model, type Node, type Quantization, type Tensor, type TensorData, type ValueInfo } from '../onnx/ir';
import { LensException } from '../result';
import type { Metadata } from './metadata';
import { OPTION_TABLES } from './schema-data';
import type { OptionValue, TfModel, TfOperator, TfSubgraph, TfTensor } from './schema';
import { tfliteTypeName } from './schema';
import { densify, sparseFormatText, sparseStoredBytes } from './sparse';

export const TFLITE_DOMAIN = 'tflite';
export const TFLITE_CUSTOM_DOMAIN = 'tflite.custom';

/** Option fields that name subgraphs, and the graph attribute each becomes. */
const SUBGRAPH_FIELDS: Record<string, string> = {
  then_subgraph_index: 'then', else_subgraph_index: 'else', cond_subgraph_index: 'cond', body_subgraph_index: 'body',
  init_subgraph_index: 'init', subgraph: 'subgraph', decomposition_subgraph_index: 'decomposition',
};

export interface ConvertOptions {
  path?: string;
  /** The whole file was read: buffers stored after the flatbuffer are views into `bytes`. */
  bytes?: Uint8Array;
  /** Buffers beyond what was read are left in the file and read lazily (as external data named by the file). */
  fileName?: string;
}

export interface Converted {
  model: Model;
  /** Value names of subgraph 0's tensors, by tensor index. */
  names: string[];
  /** Bytes of constant tensors as stored (sparse ones compressed). */
  weightBytes: number;
}

/** Shape with -1 signature dims as symbols: dim 0 is the batch, others are named after their tensor. */
function declaredShape(t: TfTensor, name: string): (number | string)[] {
  if (!t.shapeSignature) return t.shape.slice();
  return t.shapeSignature.map((d, i) => (d >= 0 ? d : i === 0 ? 'batch' : `${name}:${i}`));
}

function quantizationOf(t: TfTensor, path?: string): Quantization | undefined {
  const q = t.quantization;
  if (!q) return undefined;
  if (q.zeroPoint.length > 1 && q.zeroPoint.length !== q.scale.length) {
    throw new LensException('corrupt', `not a valid TFLite flatbuffer: tensor '${t.name}' has ${q.scale.length} scales and ${q.zeroPoint.length} zero points`, path);
  }
  const out: Quantization = { scale: q.scale, zeroPoint: q.zeroPoint };
  if (q.scale.length > 1) {
    // Old converters wrote biases with the filter's quantized dimension (3) on a rank-1 tensor: take the dim that fits.
    const fits = (axis: number) => t.shape[axis] === q.scale.length;
    out.axis = fits(q.axis) ? q.axis : Math.max(0, t.shape.findIndex((d) => d === q.scale.length));
  }
  if (q.min) out.min = q.min;
  if (q.max) out.max = q.max;
  if (q.details) out.details = q.details;
  return out;
}

function attributeOf(name: string, kind: string, v: OptionValue): Attribute | undefined {
  if (typeof v === 'boolean') return { name, type: 'int', value: v ? 1 : 0 };
  if (typeof v === 'string') return { name, type: 'string', value: v };
  if (typeof v === 'number') return kind === 'float' || kind === 'double' ? { name, type: 'float', value: v } : { name, type: 'int', value: v };
  if (Array.isArray(v)) {
    if (v.length > 0 && typeof v[0] === 'string') return { name, type: 'strings', value: v as string[] };
    const nums = (v as unknown[]).map((x) => (typeof x === 'boolean' ? (x ? 1 : 0) : Number(x)));
    return kind === '[float]' ? { name, type: 'floats', value: nums } : { name, type: 'ints', value: nums };
  }
  return undefined;
}

/** Elements of a TFLite string tensor: int32 count, count+1 int32 offsets, then the bytes. */
function stringValues(bytes: Uint8Array, what: string, path?: string): Uint8Array[] {
  const fail = (): never => {
    throw new LensException('corrupt', `not a valid TFLite flatbuffer: string tensor '${what}' has a malformed buffer`, path);
  };
  if (bytes.length < 4) fail();
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const count = view.getInt32(0, true);
  if (count < 0 || 4 + 4 * (count + 1) > bytes.length) fail();
  const out: Uint8Array[] = [];
  for (let i = 0; i < count; i++) {
    const a = view.getInt32(4 + 4 * i, true);
    const b = view.getInt32(8 + 4 * i, true);
    if (a < 0 || b < a || b > bytes.length) fail();
    out.push(bytes.subarray(a, b));
  }
  return out;
}

/** int4 weights one element per byte (as some writers store them) packed two to a byte, low nibble first. */
function packInt4(bytes: Uint8Array): Uint8Array {
  const out = new Uint8Array(Math.ceil(bytes.length / 2));
  for (let i = 0; i < bytes.length; i++) out[i >> 1]! |= (bytes[i]! & 0x0f) << ((i & 1) * 4);
  return out;
}

export function toIr(tf: TfModel, metadata: Metadata, options: ConvertOptions = {}): Converted {
  const path = options.path;
  const fail = (m: string): never => {
    throw new LensException('corrupt', `not a valid TFLite flatbuffer: ${m}`, path);
  };
  let weightBytes = 0;
  const converted = new Map<number, Graph>();
  const converting = new Set<number>();
  let mainNames: string[] = [];

  const convert = (index: number, via: string): Graph => {
    const done = converted.get(index);
    if (done) return done;
    const sg = tf.subgraphs[index];
    if (!sg) fail(`${via} names subgraph ${index} of ${tf.subgraphs.length}`);
    if (converting.has(index)) fail(`subgraph ${index} calls itself (through ${via})`);
    converting.add(index);
    const { graph, names } = convertSubgraph(sg);
    converting.delete(index);
    converted.set(index, graph);
    if (index === 0) mainNames = names;
    return graph;
  };

  const convertSubgraph = (sg: TfSubgraph): { graph: Graph; names: string[] } => {
    // Tensor names are unique within a graph; duplicates and empty names get the tensor index appended.
    const used = new Set<string>();
    const names = sg.tensors.map((t) => {
      let n = t.name || `tensor_${t.index}`;
      if (used.has(n)) n = `${n}:${t.index}`;
      used.add(n);
      return n;
    });
    const graph: Graph = { name: sg.name || (sg.index === 0 ? 'main' : `subgraph_${sg.index}`), nodes: [], initializers: [], sparseInitializers: [], inputs: [], outputs: [], valueInfo: [] };
    const produced = new Set<number>();
    const read = new Set<number>();
    for (const op of sg.operators) {
      for (const o of op.outputs) if (o >= 0) produced.add(o);
      for (const i of op.inputs) if (i >= 0) read.add(i);
    }
    const inputs = new Set(sg.inputs);
    const outputs = new Set(sg.outputs);
    const valueInfo = (t: TfTensor): ValueInfo => {
      const name = names[t.index]!;
      const vi: ValueInfo = { name, type: { kind: 'tensor', elemType: t.dtype, shape: declaredShape(t, name) } };
      const q = quantizationOf(t, path);
      if (q) vi.quantization = q;
      if (t.dtype === 'undefined') vi.docString = `TFLite ${tfliteTypeName(t.typeCode)} tensor`;
      return vi;
    };
    for (const t of sg.tensors) {
      const buf = tf.buffers[t.buffer];
      const hasData = t.buffer !== 0 && buf !== undefined && (buf.data !== undefined || buf.offset !== undefined);
      if (hasData && !inputs.has(t.index)) {
        const tensor = constantTensor(t, names[t.index]!, buf!);
        graph.initializers.push(tensor);
        weightBytes += tensor.sparse?.storedBytes ?? dtypeByteSize(tensor.dtype, tensorElementCount(tensor.dims));
        continue;
      }
      if (inputs.has(t.index) || outputs.has(t.index)) continue;
      // Read but written by no operator: variable tensors, and buffers the runtime provides (a delegate's scratch).
      if (!produced.has(t.index) && (t.isVariable || read.has(t.index))) {
        const vi = valueInfo(t);
        if (!t.isVariable) vi.docString = 'read by an operator but written by none: a buffer the runtime or a delegate provides';
        (graph.states ??= []).push(vi);
        continue;
      }
      graph.valueInfo.push(valueInfo(t));
    }
    graph.inputs = sg.inputs.map((i) => valueInfo(sg.tensors[i]!));
    graph.outputs = sg.outputs.map((i) => valueInfo(sg.tensors[i]!));
    graph.nodes = sg.operators.map((op) => nodeOf(op, sg, names));
    return { graph, names };
  };

  const constantTensor = (t: TfTensor, name: string, buf: TfModel['buffers'][number]): Tensor => {
    const elements = tensorElementCount(t.shape);
    let data: TensorData;
    let sparse: Tensor['sparse'];
    const bytes = buf.data ?? (buf.offset !== undefined && options.bytes && buf.offset + (buf.size ?? 0) <= options.bytes.length
      ? options.bytes.subarray(buf.offset, buf.offset + (buf.size ?? 0)) : undefined);
    if (t.dtype === 'undefined') fail(`constant tensor '${name}' has type ${tfliteTypeName(t.typeCode)}, which has no size this reader knows`);
    if (t.sparsity) {
      if (!bytes) fail(`sparse tensor '${name}' is stored outside the part of the file that was read`);
      const elementBytes = dtypeByteSize(t.dtype, 1);
      if (elementBytes < 1 || t.dtype === 'string') fail(`sparse tensor '${name}' has type ${tfliteTypeName(t.typeCode)}`);
      data = { kind: 'raw', bytes: densify(t.sparsity, t.shape, bytes!, elementBytes, name, path) };
      sparse = { format: sparseFormatText(t.sparsity, t.shape.length), storedBytes: sparseStoredBytes(t.sparsity, bytes!.length) };
    } else if (t.dtype === 'string') {
      if (!bytes) fail(`string tensor '${name}' is stored outside the part of the file that was read`);
      const values = stringValues(bytes!, name, path);
      if (values.length !== elements) fail(`string tensor '${name}' holds ${values.length} strings for shape [${t.shape.join(', ')}]`);
      data = { kind: 'string', values };
    } else if (bytes) {
      const want = dtypeByteSize(t.dtype, elements);
      let raw = bytes;
      if (t.dtype === 'int4' || t.dtype === 'uint4') {
        if (raw.length === elements && elements > 1) raw = packInt4(raw);
      }
      if (raw.length !== want) fail(`tensor '${name}' of shape [${t.shape.join(', ')}] (${tfliteTypeName(t.typeCode)}) needs ${want} bytes, its buffer ${t.buffer} holds ${bytes.length}`);
      data = { kind: 'raw', bytes: raw };
    } else {
      // Stored after the flatbuffer beyond what was read (models over 2 GB): read on demand, like ONNX external data.
      const want = dtypeByteSize(t.dtype, elements);
      if ((buf.size ?? 0) !== want) fail(`tensor '${name}' needs ${want} bytes, its buffer ${t.buffer} holds ${buf.size}`);
      data = { kind: 'external', location: options.fileName ?? basename(path ?? 'model.tflite'), offset: buf.offset!, length: buf.size! };
    }
    const tensor: Tensor = { name, dtype: t.dtype, dims: t.shape.slice(), data };
    const q = quantizationOf(t, path);
    if (q) tensor.quantization = q;
    if (sparse) tensor.sparse = sparse;
    return tensor;
  };

  const nodeOf = (op: TfOperator, sg: TfSubgraph, names: string[]): Node => {
    const isCustom = op.builtinCode === 32;
    const attributes: Attribute[] = [];
    const fields = new Map((OPTION_TABLES[op.optionsTable ?? ''] ?? []).map(([n, k]) => [n, k]));
    for (const [key, value] of Object.entries(op.options)) {
      const graphAttr = SUBGRAPH_FIELDS[key];
      if (graphAttr && typeof value === 'number' && value >= 0 && /subgraph/.test(key)) {
        attributes.push({ name: graphAttr, type: 'graph', value: convert(value, `${op.opName} in subgraph ${sg.index}`) });
        continue;
      }
      const a = attributeOf(key, fields.get(key) ?? '', value);
      if (a) attributes.push(a);
    }
    if (isCustom && op.customOptionsBytes > 0) attributes.push({ name: 'custom_options_bytes', type: 'int', value: op.customOptionsBytes });
    const first = op.outputs.find((o) => o >= 0);
    const label = first !== undefined ? (sg.tensors[first]!.name.split(';')[0] ?? '') : '';
    const metadataProps: KeyValue[] = [{ key: 'tflite.op_version', value: String(op.version) }, { key: 'tflite.op_index', value: String(op.index) }];
    if (op.intermediates.length) metadataProps.push({ key: 'tflite.intermediates', value: op.intermediates.map((i) => names[i]).join(', ') });
    return {
      name: label || `${op.opName}_${op.index}`,
      opType: op.opName,
      domain: isCustom ? TFLITE_CUSTOM_DOMAIN : TFLITE_DOMAIN,
      inputs: op.inputs.map((i) => (i >= 0 ? names[i]! : '')),
      outputs: op.outputs.map((i) => (i >= 0 ? names[i]! : '')),
      attributes,
      metadataProps,
    };
  };

  const graph = convert(0, 'the model');
  // Subgraphs reached only through signatures or not at all are still read (and checked).
  for (let i = 1; i < tf.subgraphs.length; i++) if (!converted.has(i)) convert(i, 'the model');

  const props: KeyValue[] = [];
  const add = (key: string, value: string | undefined) => {
    if (value !== undefined && value !== '') props.push({ key, value });
  };
  add('tflite.schema_version', String(tf.version));
  add('tflite.description', tf.description);
  add('tflite.min_runtime_version', metadata.minRuntimeVersion);
  add('tflite.subgraphs', String(tf.subgraphs.length));
  add('tflite.metadata_entries', metadata.entries.join(', '));
  for (const s of tf.signatures) {
    const sgNames = s.subgraph === 0 ? mainNames : undefined;
    const tname = (i: number) => sgNames?.[i] ?? tf.subgraphs[s.subgraph]?.tensors[i]?.name ?? String(i);
    add(`tflite.signature.${s.key || 'default'}`, `subgraph ${s.subgraph}; inputs ${s.inputs.map((m) => `${m.name}=${tname(m.tensor)}`).join(', ')}; outputs ${s.outputs.map((m) => `${m.name}=${tname(m.tensor)}`).join(', ')}`);
  }
  const mm = metadata.model;
  if (mm) {
    add('metadata.name', mm.name);
    add('metadata.description', mm.description);
    add('metadata.version', mm.version);
    add('metadata.author', mm.author);
    add('metadata.license', mm.license);
    const tensorProps = (side: 'input' | 'output', list: typeof mm.inputs, declared: ValueInfo[]) => list.forEach((t, i) => {
      const target = declared[i]?.name ?? t.name;
      if (t.normalization) add(`metadata.${side}.${target}.normalization`, `mean [${t.normalization.mean.join(', ')}], std [${t.normalization.std.join(', ')}]`);
      if (t.stats && (t.stats.min.length || t.stats.max.length)) add(`metadata.${side}.${target}.range`, `min [${t.stats.min.join(', ')}], max [${t.stats.max.join(', ')}]`);
      for (const l of t.labels ?? []) add(`metadata.${side}.${target}.labels`, l.lines ? `${l.file} (${l.lines.length}): ${l.lines.join('\n')}` : `${l.file} (not packed in the model)`);
    });
    tensorProps('input', mm.inputs, graph.inputs);
    tensorProps('output', mm.outputs, graph.outputs);
    if (mm.packedFiles.length) add('metadata.packed_files', mm.packedFiles.join(', '));
  }

  const model: Model = {
    irVersion: 0,
    opsetImports: [{ domain: TFLITE_DOMAIN, version: tf.version }],
    producerName: tf.description.replace(/\.$/, '') || 'TFLite',
    producerVersion: '',
    domain: '',
    modelVersion: 0,
    docString: mm?.description ?? '',
    graph,
    metadataProps: props,
    functions: [],
  };
  if (graph.nodes.some((n) => n.domain === TFLITE_CUSTOM_DOMAIN)) model.opsetImports.push({ domain: TFLITE_CUSTOM_DOMAIN, version: 1 });
  return { model, names: mainNames, weightBytes };
}
