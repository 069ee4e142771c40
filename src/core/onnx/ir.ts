// The plain in-memory model every part of AIoT Lens works on: model → graph → nodes, values and lazy tensors.
// It mirrors ONNX's ModelProto closely enough to encode back without loss, but uses plain JS values.

import type { DType } from './dtype';

/** A dimension: a number, a symbolic name (`"batch"`), or null when nothing is known. */
export type Dim = number | string | null;
export type Shape = Dim[];

export interface KeyValue {
  key: string;
  value: string;
}

export interface OpsetImport {
  domain: string; // '' and 'ai.onnx' both mean the default domain
  version: number;
}

/** A value's type, as ONNX's TypeProto. `shape` undefined means the rank itself is unknown. */
export type TypeInfo =
  | { kind: 'tensor'; elemType: DType; shape?: Shape; denotation?: string }
  | { kind: 'sparse_tensor'; elemType: DType; shape?: Shape; denotation?: string }
  | { kind: 'sequence'; elem?: TypeInfo; denotation?: string }
  | { kind: 'optional'; elem?: TypeInfo; denotation?: string }
  | { kind: 'map'; keyType: DType; value?: TypeInfo; denotation?: string }
  | { kind: 'opaque'; domain: string; name: string; denotation?: string }
  | { kind: 'unknown' };

/**
 * Affine quantization of a tensor's stored integers: real = scale × (q − zeroPoint). One scale is per tensor; several
 * are per channel along `axis`. Readers of formats that store it per tensor (TFLite) fill it in.
 */
export interface Quantization {
  scale: number[];
  zeroPoint: number[];
  /** The dimension the per-channel scales run along. */
  axis?: number;
  /** Calibration ranges, when the file keeps them. */
  min?: number[];
  max?: number[];
  /** A scheme other than scale/zero point (blockwise, custom), by name. */
  details?: string;
}

export interface ValueInfo {
  name: string;
  type: TypeInfo;
  quantization?: Quantization;
  docString?: string;
  metadataProps?: KeyValue[];
  /** Per-dimension denotations, kept only so that encoding is lossless. */
  dimDenotations?: (string | undefined)[];
}

/**
 * Where a tensor's elements live. `raw` bytes are a zero-copy view into the decoded file (little-endian);
 * the typed `*_data` forms are ONNX's alternatives; `external` data is read lazily from a file beside the model.
 */
export type TensorData =
  | { kind: 'raw'; bytes: Uint8Array }
  | { kind: 'float'; values: ArrayLike<number> }
  | { kind: 'int32'; values: ArrayLike<number> }
  | { kind: 'int64'; values: ArrayLike<number> }
  | { kind: 'double'; values: ArrayLike<number> }
  | { kind: 'uint64'; values: ArrayLike<number> }
  | { kind: 'string'; values: Uint8Array[] }
  | {
    kind: 'external'; location: string; offset: number; length?: number; checksum?: string; extra?: KeyValue[];
    /**
     * Absolute folder `location` is relative to, when AIoT Lens knows it (a loaded model's folder, or a scratch folder
     * a pass wrote into); never read from or written to a file. Reads still refuse locations that leave this folder.
     */
    baseDir?: string;
  }
  | { kind: 'empty' };

export interface Tensor {
  name: string;
  dtype: DType;
  dims: number[];
  data: TensorData;
  quantization?: Quantization;
  /**
   * The tensor is stored compressed (TFLite sparsity): `data` holds the dense elements, `storedBytes` what the file
   * holds (values plus index arrays), `format` how (e.g. `CSR over dims 0,1, blocks 1x4`).
   */
  sparse?: { format: string; storedBytes: number };
  docString?: string;
  metadataProps?: KeyValue[];
  /** TensorProto.segment, kept for lossless encoding. */
  segment?: { begin: number; end: number };
}

export interface SparseTensor {
  values: Tensor;
  indices: Tensor;
  dims: number[];
}

export type AttributeValue =
  | { type: 'float'; value: number }
  | { type: 'int'; value: number }
  | { type: 'string'; value: string }
  | { type: 'tensor'; value: Tensor }
  | { type: 'graph'; value: Graph }
  | { type: 'sparse_tensor'; value: SparseTensor }
  | { type: 'type_proto'; value: TypeInfo }
  | { type: 'floats'; value: number[] }
  | { type: 'ints'; value: number[] }
  | { type: 'strings'; value: string[] }
  | { type: 'tensors'; value: Tensor[] }
  | { type: 'graphs'; value: Graph[] }
  | { type: 'sparse_tensors'; value: SparseTensor[] }
  | { type: 'type_protos'; value: TypeInfo[] }
  | { type: 'undefined'; value: null };

export type AttributeType = AttributeValue['type'];

export type Attribute = AttributeValue & {
  name: string;
  /** Set inside functions: the attribute takes the value of the caller's attribute of this name. */
  refAttrName?: string;
  docString?: string;
};

export interface Node {
  name: string;
  opType: string;
  /** '' for the default ai.onnx domain. */
  domain: string;
  /** '' marks an omitted optional input. */
  inputs: string[];
  outputs: string[];
  attributes: Attribute[];
  docString?: string;
  overload?: string;
  metadataProps?: KeyValue[];
  /** Fields this IR does not model (device configurations), kept as decoded protobuf objects. */
  extra?: Record<string, unknown>;
}

export interface Graph {
  name: string;
  nodes: Node[];
  initializers: Tensor[];
  sparseInitializers: SparseTensor[];
  inputs: ValueInfo[];
  outputs: ValueInfo[];
  valueInfo: ValueInfo[];
  /**
   * Values nodes read but no node produces, with no constant data: state that persists between inferences (TFLite
   * variable tensors) or buffers the runtime provides. Neither weights nor activations of one run.
   */
  states?: ValueInfo[];
  docString?: string;
  metadataProps?: KeyValue[];
  /** TensorAnnotation entries, kept as decoded protobuf objects. */
  quantizationAnnotation?: unknown[];
}

export interface FunctionDef {
  name: string;
  domain: string;
  overload?: string;
  inputs: string[];
  outputs: string[];
  /** Attribute names without defaults. */
  attributeNames: string[];
  /** Attributes with defaults. */
  attributeDefaults: Attribute[];
  nodes: Node[];
  opsetImports: OpsetImport[];
  valueInfo: ValueInfo[];
  docString?: string;
  metadataProps?: KeyValue[];
}

export interface Model {
  irVersion: number;
  opsetImports: OpsetImport[];
  producerName: string;
  producerVersion: string;
  domain: string;
  modelVersion: number;
  docString: string;
  graph: Graph;
  metadataProps: KeyValue[];
  functions: FunctionDef[];
  /** TrainingInfoProto and DeviceConfigurationProto entries, kept as decoded protobuf objects. */
  trainingInfo?: unknown[];
  configuration?: unknown[];
  /** Set by readers whose format fixes how its runtime places the model on a device (a .tflite runs on TFLite Micro). */
  deployment?: Deployment;
}

/** How a format's own runtime stores a model and plans its memory: data the memory plan and the estimator follow. */
export interface Deployment {
  /** The runtime, e.g. 'TFLite Micro'. */
  runtime: string;
  /** Flash the model occupies as deployed (a TFLite model's whole flatbuffer), with what it counts. */
  flashBytes: number;
  flashBasis: string;
  /** RAM the runtime holds outside the activation arena (TFLM's persistent tail), with how it was estimated. */
  persistentBytes: number;
  persistentBasis: string;
  /** The runtime's activation planner: buffer alignment, fixed (offline-planned) offsets, tie order. */
  arena: ArenaRules;
}

export interface ArenaRules {
  /** Every buffer's size is rounded up to this many bytes (TFLM: 16). */
  alignmentBytes: number;
  /** Offsets fixed ahead of time (TFLM's OfflineMemoryAllocation metadata), by value name. */
  fixedOffsets?: ReadonlyMap<string, number>;
  /** Equal-sized buffers are placed in descending order of this rank (TFLM: higher tensor index first). */
  tieRank?: ReadonlyMap<string, number>;
  /** Values the runtime keeps outside the arena (TFLM allocates variable tensors in its persistent tail). */
  persistent?: ReadonlySet<string>;
  /** What the plan assumes, in words. */
  basis: string[];
}

/** Default-domain opset version of a model (ai.onnx), or undefined when it imports none. */
export function defaultOpset(opsets: readonly OpsetImport[]): number | undefined {
  for (const o of opsets) if (o.domain === '' || o.domain === 'ai.onnx') return o.version;
  return undefined;
}

export function opsetVersion(opsets: readonly OpsetImport[], domain: string): number | undefined {
  if (domain === '' || domain === 'ai.onnx') return defaultOpset(opsets);
  for (const o of opsets) if (o.domain === domain) return o.version;
  return undefined;
}

export function getAttribute(node: Node, name: string): Attribute | undefined {
  for (const a of node.attributes) if (a.name === name) return a;
  return undefined;
}

export function attrInt(node: Node, name: string, fallback: number): number;
export function attrInt(node: Node, name: string): number | undefined;
export function attrInt(node: Node, name: string, fallback?: number): number | undefined {
  const a = getAttribute(node, name);
  return a && a.type === 'int' ? a.value : fallback;
}

export function attrFloat(node: Node, name: string, fallback: number): number;
export function attrFloat(node: Node, name: string): number | undefined;
export function attrFloat(node: Node, name: string, fallback?: number): number | undefined {
  const a = getAttribute(node, name);
  return a && a.type === 'float' ? a.value : fallback;
}

export function attrInts(node: Node, name: string): number[] | undefined {
  const a = getAttribute(node, name);
  return a && a.type === 'ints' ? a.value : undefined;
}

export function attrFloats(node: Node, name: string): number[] | undefined {
  const a = getAttribute(node, name);
  return a && a.type === 'floats' ? a.value : undefined;
}

export function attrString(node: Node, name: string, fallback: string): string;
export function attrString(node: Node, name: string): string | undefined;
export function attrString(node: Node, name: string, fallback?: string): string | undefined {
  const a = getAttribute(node, name);
  return a && a.type === 'string' ? a.value : fallback;
}

export function attrStrings(node: Node, name: string): string[] | undefined {
  const a = getAttribute(node, name);
  return a && a.type === 'strings' ? a.value : undefined;
}

export function attrTensor(node: Node, name: string): Tensor | undefined {
  const a = getAttribute(node, name);
  return a && a.type === 'tensor' ? a.value : undefined;
}

export function attrGraph(node: Node, name: string): Graph | undefined {
  const a = getAttribute(node, name);
  return a && a.type === 'graph' ? a.value : undefined;
}

/** Subgraphs held in a node's attributes (If branches, Loop/Scan bodies), with the attribute name. */
export function subgraphsOf(node: Node): { attribute: string; graph: Graph }[] {
  const out: { attribute: string; graph: Graph }[] = [];
  for (const a of node.attributes) {
    if (a.type === 'graph') out.push({ attribute: a.name, graph: a.value });
    else if (a.type === 'graphs') for (const g of a.value) out.push({ attribute: a.name, graph: g });
  }
  return out;
}

export function tensorElementCount(dims: readonly number[]): number {
  let n = 1;
  for (const d of dims) n *= d;
  return n;
}

export function emptyGraph(name = ''): Graph {
  return { name, nodes: [], initializers: [], sparseInitializers: [], inputs: [], outputs: [], valueInfo: [] };
}
