// TFLite sparse tensors (traversal order, block map, DENSE/CSR dimension metadata) expanded to their dense bytes,
// with every index checked, so the engine sees ordinary weights and keeps what the file stores for the flash figure.

import { LensException } from '../result';
import type { TfSparsity } from './schema';

/** Above this many dense bytes a sparse tensor is refused rather than expanded. */
const MAX_DENSE_BYTES = 1 << 28;

/** Bytes the file stores for a sparse tensor: its values plus the index arrays (at their stored widths). */
export function sparseStoredBytes(s: TfSparsity, valueBytes: number): number {
  let total = valueBytes;
  for (const d of s.dims) total += (d.segments?.length ?? 0) * (d.segmentBytes ?? 4) + (d.indices?.length ?? 0) * (d.indexBytes ?? 4);
  return total;
}

/** One line describing the format, e.g. `CSR on dims 0,1 (traversal 0,1,2); 1x4 blocks on dim 1`. */
export function sparseFormatText(s: TfSparsity, rank: number): string {
  const csr = s.dims.map((d, i) => (d.format === 'SPARSE_CSR' ? s.traversalOrder[i] : -1)).filter((x) => x >= 0);
  const blocks = s.blockMap.map((dim, b) => `${s.dims[s.traversalOrder.indexOf(rank + b)]?.denseSize ?? '?'} on dim ${dim}`);
  return `CSR on dim ${csr.join(',') || '-'} (traversal ${s.traversalOrder.join(',')})${blocks.length ? `; blocks of ${blocks.join(', ')}` : ''}`;
}

/**
 * Expands `values` (elements of `elementBytes` bytes each, in traversal order) into the dense row-major tensor of
 * `shape`. Throws a `corrupt` LensException when the metadata does not describe exactly the stored values.
 */
export function densify(s: TfSparsity, shape: number[], values: Uint8Array, elementBytes: number, what: string, path?: string): Uint8Array {
  const fail = (m: string): never => {
    throw new LensException('corrupt', `not a valid TFLite flatbuffer: sparse tensor '${what}': ${m}`, path);
  };
  const rank = shape.length;
  const levels = s.dims.length;
  if (s.traversalOrder.length !== levels || levels !== rank + s.blockMap.length) fail(`${levels} dimension metadata for rank ${rank} with ${s.blockMap.length} block dims`);
  const seen = new Set(s.traversalOrder);
  if (seen.size !== levels || s.traversalOrder.some((d) => d < 0 || d >= levels)) fail(`traversal order ${s.traversalOrder.join(',')} is not a permutation`);
  let dense = elementBytes;
  for (const d of shape) dense *= d;
  if (dense > MAX_DENSE_BYTES) fail(`${dense} dense bytes is more than this reader expands`);
  if (values.length % elementBytes !== 0) fail(`${values.length} value bytes is not a whole number of elements`);
  const valueCount = values.length / elementBytes;
  // Sizes of the expanded dims: original dims divided by their block size, then the block dims.
  const blockSize = s.blockMap.map((_, b) => s.dims[s.traversalOrder.indexOf(rank + b)]!.denseSize);
  const expanded: number[] = shape.map((d, i) => {
    const b = s.blockMap.indexOf(i);
    if (b < 0) return d;
    const size = blockSize[b]!;
    if (!(size > 0) || d % size !== 0) fail(`dim ${i} (${d}) does not split into blocks of ${size}`);
    return d / size;
  });
  blockSize.forEach((b) => expanded.push(b));
  const strides = new Array<number>(rank).fill(1);
  for (let i = rank - 2; i >= 0; i--) strides[i] = strides[i + 1]! * shape[i + 1]!;
  const out = new Uint8Array(dense);
  const index = new Array<number>(levels).fill(0);
  let taken = 0;
  const place = () => {
    if (taken >= valueCount) fail(`the metadata addresses more than the ${valueCount} stored values`);
    let flat = 0;
    for (let d = 0; d < rank; d++) {
      const b = s.blockMap.indexOf(d);
      const i = b < 0 ? index[d]! : index[d]! * blockSize[b]! + index[rank + b]!;
      flat += i * strides[d]!;
    }
    out.set(values.subarray(taken * elementBytes, (taken + 1) * elementBytes), flat * elementBytes);
    taken++;
  };
  const visit = (level: number, prev: number) => {
    if (level === levels) {
      place();
      return;
    }
    const meta = s.dims[level]!;
    const dim = s.traversalOrder[level]!;
    if (meta.format === 'DENSE') {
      if (meta.denseSize !== expanded[dim]) fail(`level ${level} is dense with size ${meta.denseSize}, dim ${dim} has ${expanded[dim]}`);
      for (let i = 0; i < meta.denseSize; i++) {
        index[dim] = i;
        visit(level + 1, prev * meta.denseSize + i);
      }
      return;
    }
    const seg = meta.segments;
    const idx = meta.indices;
    if (!seg || !idx) return fail(`level ${level} is CSR without segments or indices`);
    const from = seg[prev];
    const to = seg[prev + 1];
    if (from === undefined || to === undefined || from > to || to > idx.length) fail(`level ${level}: segment ${prev} is out of range`);
    for (let k = from; k < to; k++) {
      const i = idx[k]!;
      if (i >= expanded[dim]!) fail(`level ${level}: index ${i} is outside dim ${dim} (${expanded[dim]})`);
      index[dim] = i;
      visit(level + 1, k);
    }
  };
  visit(0, 0);
  if (taken !== valueCount) fail(`the metadata addresses ${taken} of the ${valueCount} stored values`);
  return out;
}
