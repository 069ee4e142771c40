// ONNX as text: print models in ONNX's textual syntax (large weights elided by sha256) and parse that text back.

export {
  printModel, printGraph, printNode, printAttribute, printFunction, printTensor, printType,
  DEFAULT_MAX_INLINE_ELEMENTS, type PrintOptions,
} from './printer';
export {
  parseModelText, parseGraphText, TextSyntaxError, type ElidedTensor, type ParsedModel, type TextParseOptions,
} from './parser';
export { fillElided, allTensors } from './weights';
export { canonicalBytes, tensorSha256, tensorDigestPrefix, DIGEST_PREFIX_CHARS } from './tensorBytes';
export { ELIDED_KEY } from './syntax';
export {
  readModelFile, printModelFile, buildModelFromText, buildOnnxFromText, writeFileAtomic, type BuildOptions,
} from './files';

import type { Tensor } from '../ir';
import { ELIDED_KEY as KEY } from './syntax';

/** Whether a tensor came from an elided placeholder (its data is unknown, only its sha256 prefix). */
export function isElidedTensor(t: Tensor): boolean {
  return t.data.kind === 'external' && t.data.location === '' && (t.data.extra ?? []).some((e) => e.key === KEY);
}
