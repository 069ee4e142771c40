// Facts for stored tensors (initializers, Constant attributes): dtype and shape now, elements only when first asked.

import { tensorElementCount, type Tensor } from '../onnx/ir';
import { tensorToArray } from '../onnx/tensor';
import type { KnownValue, ValueFacts } from './types';

/** Reads a tensor's elements as a KnownValue, or undefined when unreadable. */
export function knownFromTensor(t: Tensor, modelDir?: string): KnownValue | undefined {
  const r = tensorToArray(t, { modelDir });
  if (!r.ok) return undefined;
  if (t.dtype === 'complex64' || t.dtype === 'complex128') return undefined;
  return { dtype: t.dtype, dims: t.dims.slice(), data: r.value };
}

/**
 * Facts of a stored tensor. Small tensors (≤ maxFold elements) get a lazy `value` that reads and caches the elements on
 * first access, so weights nobody folds are never touched.
 */
export function tensorFacts(name: string, t: Tensor, maxFold: number, modelDir?: string): ValueFacts {
  const f: ValueFacts = { name, dtype: t.dtype, shape: t.dims.slice() };
  if (tensorElementCount(t.dims) <= maxFold) {
    // The cache lives in the closure so that copies of these facts (copyFacts) share one read.
    let read = false;
    let v: KnownValue | undefined;
    Object.defineProperty(f, 'value', {
      configurable: true,
      enumerable: true,
      get() {
        if (!read) { read = true; v = knownFromTensor(t, modelDir); }
        return v;
      },
    });
  }
  return f;
}
