// The vocabulary of ONNX's textual syntax (onnx/defs/parser.h): primitive type names, attribute type names, header
// keywords, identifier rules, and the placeholder key AIoT Lens uses for elided tensors.

import { DTYPE_BY_CODE, type DType } from '../dtype';
import type { AttributeType } from '../ir';
import { quote } from './values';

/** Every element type name the syntax accepts (ONNX spells them as our DType names). */
export const PRIM_TYPES: ReadonlySet<string> = new Set(DTYPE_BY_CODE.filter((d) => d !== 'undefined'));

export function isPrimType(id: string): id is DType {
  return PRIM_TYPES.has(id);
}

/** Keywords that start a non-tensor type. */
export const TYPE_KEYWORDS: ReadonlySet<string> = new Set(['seq', 'map', 'optional', 'sparse_tensor', 'opaque']);

export const ATTRIBUTE_TYPES: ReadonlySet<AttributeType> = new Set<AttributeType>([
  'float', 'int', 'string', 'tensor', 'graph', 'sparse_tensor', 'type_proto',
  'floats', 'ints', 'strings', 'tensors', 'graphs', 'sparse_tensors', 'type_protos',
]);

export const MODEL_KEYWORDS = [
  'ir_version', 'opset_import', 'producer_name', 'producer_version', 'domain', 'model_version', 'doc_string',
  'metadata_props',
] as const;

/**
 * Key of the external-data list AIoT Lens prints in place of a large tensor's values:
 * `float[64,3,3,3] w = ["aiot_elided_sha256": "3f2a9c0d1e4b5a67"]`. It is ordinary external-data syntax, so
 * onnx.parser reads it too; our parser turns it into an elided tensor (shape and dtype kept, data marked).
 */
export const ELIDED_KEY = 'aiot_elided_sha256';

const IDENT = /^[A-Za-z_][A-Za-z0-9_]*$/;

export function isIdentifier(s: string): boolean {
  return IDENT.test(s);
}

/** Words that would be misread if printed bare where a name is expected (types, float specials). */
function isReserved(s: string): boolean {
  const l = s.toLowerCase();
  return isPrimType(s) || TYPE_KEYWORDS.has(s) || l === 'nan' || l === 'inf' || l === 'infinity';
}

/** A name as ONNX's printId prints it: bare when it is an identifier, quoted otherwise. */
export function printId(s: string): string {
  return isIdentifier(s) && !isReserved(s) ? s : quote(s);
}
