// ONNX tensor element types: the numeric codes of TensorProto.DataType, their lower-case names, and their sizes.

export type DType =
  | 'undefined' | 'float' | 'uint8' | 'int8' | 'uint16' | 'int16' | 'int32' | 'int64' | 'string' | 'bool'
  | 'float16' | 'double' | 'uint32' | 'uint64' | 'complex64' | 'complex128' | 'bfloat16'
  | 'float8e4m3fn' | 'float8e4m3fnuz' | 'float8e5m2' | 'float8e5m2fnuz' | 'uint4' | 'int4' | 'float4e2m1';

/** Indexed by TensorProto.DataType code. */
export const DTYPE_BY_CODE: readonly DType[] = [
  'undefined', 'float', 'uint8', 'int8', 'uint16', 'int16', 'int32', 'int64', 'string', 'bool',
  'float16', 'double', 'uint32', 'uint64', 'complex64', 'complex128', 'bfloat16',
  'float8e4m3fn', 'float8e4m3fnuz', 'float8e5m2', 'float8e5m2fnuz', 'uint4', 'int4', 'float4e2m1',
];

const CODE_BY_DTYPE = new Map<DType, number>(DTYPE_BY_CODE.map((d, i) => [d, i]));

export function dtypeFromCode(code: number): DType | undefined {
  return DTYPE_BY_CODE[code];
}

export function dtypeCode(dtype: DType): number {
  return CODE_BY_DTYPE.get(dtype) ?? 0;
}

export function isDType(name: string): name is DType {
  return CODE_BY_DTYPE.has(name as DType);
}

/** Storage bits per element (0 for string and undefined, whose size is not fixed). */
export function dtypeBits(dtype: DType): number {
  switch (dtype) {
    case 'double': case 'int64': case 'uint64': case 'complex64': return 64;
    case 'complex128': return 128;
    case 'float': case 'int32': case 'uint32': return 32;
    case 'float16': case 'bfloat16': case 'int16': case 'uint16': return 16;
    case 'int8': case 'uint8': case 'bool':
    case 'float8e4m3fn': case 'float8e4m3fnuz': case 'float8e5m2': case 'float8e5m2fnuz': return 8;
    case 'int4': case 'uint4': case 'float4e2m1': return 4;
    case 'string': case 'undefined': return 0;
  }
}

/** Bytes needed to store `count` elements of `dtype` (sub-byte types are packed two to a byte, rounded up). */
export function dtypeByteSize(dtype: DType, count: number): number {
  return Math.ceil((dtypeBits(dtype) * count) / 8);
}

export function isFloatDType(dtype: DType): boolean {
  return dtype === 'float' || dtype === 'double' || dtype === 'float16' || dtype === 'bfloat16' ||
    dtype.startsWith('float8') || dtype === 'float4e2m1';
}

export function isIntegerDType(dtype: DType): boolean {
  return dtype === 'int8' || dtype === 'uint8' || dtype === 'int16' || dtype === 'uint16' || dtype === 'int32' ||
    dtype === 'uint32' || dtype === 'int64' || dtype === 'uint64' || dtype === 'int4' || dtype === 'uint4';
}
