// External-data files, written and read in bounded pieces: appending tensors at aligned offsets (zero blocks left
// as holes, so all-zero weights cost no disk), copying a byte range from another file, and reading a tensor's
// elements chunk by chunk. Nothing here holds more than one chunk in memory.

import { closeSync, fstatSync, ftruncateSync, openSync, readSync, writeSync } from 'node:fs';
import { dtypeBits, dtypeByteSize } from './dtype';
import { tensorElementCount, type Tensor } from './ir';
import { bytesToArray, resolveExternalPath, tensorToNumbers } from './tensor';
import { LensException } from '../result';

/** Bytes moved per read/write: large enough that syscalls cost nothing, small enough to be a "small constant". */
export const IO_CHUNK_BYTES = 4 << 20;

/** Blocks that are entirely zero are skipped (left as a hole) at this granularity. */
const HOLE_BLOCK_BYTES = 64 << 10;

/**
 * Offsets of tensors of at least ALIGN_LARGE_MIN_BYTES are multiples of ALIGN_LARGE_BYTES: the ONNX external-data
 * spec asks for page-size (4 KiB) multiples, and 64 KiB on Windows, so that runtimes can map them; onnxruntime aligns
 * initializers above 1 MiB when it saves. Smaller tensors are aligned to 16 bytes so every element type reads aligned.
 */
export const ALIGN_LARGE_BYTES = 64 << 10;
export const ALIGN_LARGE_MIN_BYTES = 1 << 20;
export const ALIGN_SMALL_BYTES = 16;

export function alignmentFor(byteLength: number): number {
  return byteLength >= ALIGN_LARGE_MIN_BYTES ? ALIGN_LARGE_BYTES : ALIGN_SMALL_BYTES;
}

function isZero(bytes: Uint8Array, start: number, end: number): boolean {
  let i = start;
  // Word-wise where the view allows it: a 4 MiB chunk is scanned in about a millisecond.
  if ((bytes.byteOffset + i) % 4 === 0) {
    const words = Math.floor((end - i) / 4);
    const u32 = new Uint32Array(bytes.buffer, bytes.byteOffset + i, words);
    for (let k = 0; k < words; k++) if (u32[k] !== 0) return false;
    i += words * 4;
  }
  for (; i < end; i++) if (bytes[i] !== 0) return false;
  return true;
}

/** An external-data file being written: created exclusively, appended to, closed with its full logical size. */
export class DataFileWriter {
  private fd: number | undefined;
  /** Logical size: where the next byte goes (holes included). */
  size = 0;
  /** Bytes physically written (everything but the holes). */
  writtenBytes = 0;

  constructor(readonly path: string, resumeAt?: number) {
    // Resuming continues a file this process wrote (a pass's scratch file adopted as the output's data file).
    this.fd = openSync(path, resumeAt === undefined ? 'wx' : 'r+');
    if (resumeAt !== undefined) this.size = resumeAt;
  }

  private handle(): number {
    if (this.fd === undefined) throw new LensException('io', 'the external data file is already closed', this.path);
    return this.fd;
  }

  /** Moves the end to the next multiple of `alignment` (the gap stays a hole of zeros). */
  align(alignment: number): void {
    const rem = this.size % alignment;
    if (rem) this.size += alignment - rem;
  }

  /** Appends bytes at the current end; zero blocks become holes. Returns the offset they start at. */
  append(bytes: Uint8Array): number {
    const fd = this.handle();
    const at = this.size;
    let i = 0;
    while (i < bytes.length) {
      // Block boundaries follow the file offset, so holes line up with the filesystem's blocks.
      const blockEnd = Math.min(bytes.length, i + HOLE_BLOCK_BYTES - ((at + i) % HOLE_BLOCK_BYTES));
      if (isZero(bytes, i, blockEnd)) { i = blockEnd; continue; }
      let end = blockEnd;
      while (end < bytes.length) {
        const next = Math.min(bytes.length, end + HOLE_BLOCK_BYTES);
        if (isZero(bytes, end, next)) break;
        end = next;
      }
      let done = i;
      while (done < end) done += writeSync(fd, bytes, done, end - done, at + done);
      this.writtenBytes += end - i;
      i = end;
    }
    this.size = at + bytes.length;
    return at;
  }

  /** Copies `length` bytes at `offset` of another file to the end of this one, a chunk at a time. */
  copyFrom(sourcePath: string, offset: number, length: number): number {
    const at = this.size;
    forEachByteChunk(sourcePath, offset, length, (chunk) => { this.append(chunk); });
    return at;
  }

  /** Gives the file its logical size, so a tensor that ends in a hole reads back whole. */
  extend(): void {
    const fd = this.handle();
    if (fstatSync(fd).size < this.size) ftruncateSync(fd, this.size);
  }

  /** Extends the file to its logical size and closes it. */
  close(): void {
    if (this.fd === undefined) return;
    try {
      this.extend();
    } finally {
      closeSync(this.fd);
      this.fd = undefined;
    }
  }

  /** Closes without finishing (after a failure). */
  abandon(): void {
    if (this.fd !== undefined) {
      try { closeSync(this.fd); } catch { /* already gone */ }
      this.fd = undefined;
    }
  }
}

/** Calls `fn` with consecutive chunks of `length` bytes at `offset` of a file (the chunk buffer is reused). */
export function forEachByteChunk(path: string, offset: number, length: number, fn: (chunk: Uint8Array, at: number) => void, chunkBytes = IO_CHUNK_BYTES): void {
  const fd = openSync(path, 'r');
  try {
    const size = fstatSync(fd).size;
    if (offset < 0 || length < 0 || offset + length > size) {
      throw new LensException('external-data', `cannot read ${length} bytes at offset ${offset}: the file has ${size} bytes`, path);
    }
    const buf = new Uint8Array(Math.max(1, Math.min(chunkBytes, length)));
    let done = 0;
    while (done < length) {
      const want = Math.min(buf.length, length - done);
      let got = 0;
      while (got < want) {
        const n = readSync(fd, buf, got, want - got, offset + done + got);
        if (n <= 0) throw new LensException('io', `short read at offset ${offset + done + got}`, path);
        got += n;
      }
      fn(want === buf.length ? buf : buf.subarray(0, want), done);
      done += want;
    }
  } finally {
    closeSync(fd);
  }
}

/** Where an external tensor's bytes are: the resolved file (contained in its folder), offset and length. */
export function externalSource(t: Tensor, modelDir?: string): { path: string; offset: number; length: number } {
  const d = t.data;
  if (d.kind !== 'external') throw new LensException('internal', `tensor '${t.name}' is not stored externally`);
  const dir = d.baseDir ?? modelDir;
  if (!dir) throw new LensException('external-data', `tensor '${t.name}' is stored in external file '${d.location}'; the model folder is needed to read it`);
  const path = resolveExternalPath(dir, d.location);
  if (!path.ok) throw new LensException(path.error.code, `tensor '${t.name}': ${path.error.message}`, path.error.path);
  return { path: path.value, offset: d.offset, length: d.length ?? dtypeByteSize(t.dtype, tensorElementCount(t.dims)) };
}

/** Elements per chunk when streaming a tensor's values. */
export const CHUNK_ELEMENTS = 1 << 20;

/**
 * Calls `fn(start, values)` with consecutive chunks of a numeric tensor's elements as float32 (float16 and the
 * integer types widened), whether they sit in the file, in typed fields or in an external file. Memory stays at one
 * chunk for raw and external data; sub-byte types are read whole (they are small by nature).
 */
export function forEachFloatChunk(t: Tensor, fn: (start: number, values: Float32Array) => void, modelDir?: string, chunkElements = CHUNK_ELEMENTS): void {
  const count = tensorElementCount(t.dims);
  const bits = dtypeBits(t.dtype);
  const d = t.data;
  const streamable = bits >= 8 && bits % 8 === 0 && !t.dtype.startsWith('complex') && t.dtype !== 'string';
  const toF32 = (n: number, bytes: Uint8Array): Float32Array => {
    const r = bytesToArray(t.dtype, n, bytes);
    if (!r.ok) throw new LensException(r.error.code, `tensor '${t.name}': ${r.error.message}`);
    const v = r.value;
    if (Array.isArray(v)) throw new LensException('unsupported', `tensor '${t.name}' holds strings, not numbers`);
    return v instanceof Float32Array ? v : Float32Array.from(v as ArrayLike<number>);
  };
  if (streamable && d.kind === 'external') {
    const width = bits / 8;
    const src = externalSource(t, modelDir);
    if (src.length !== count * width) throw new LensException('corrupt', `tensor '${t.name}' declares ${count * width} bytes but its external length is ${src.length}`);
    forEachByteChunk(src.path, src.offset, src.length, (chunk, at) => fn(at / width, toF32(chunk.length / width, chunk)), chunkElements * width);
    return;
  }
  if (streamable && d.kind === 'raw') {
    const width = bits / 8;
    for (let start = 0; start < count; start += chunkElements) {
      const n = Math.min(chunkElements, count - start);
      fn(start, toF32(n, d.bytes.subarray(start * width, (start + n) * width)));
    }
    return;
  }
  // Typed fields, sub-byte types: one read of the whole (small) tensor.
  const r = d.kind === 'raw' ? bytesToArray(t.dtype, count, d.bytes) : undefined;
  const all = r?.ok ? r.value : undefined;
  const values = all && !Array.isArray(all) ? all : readAllNumbers(t, modelDir);
  for (let start = 0; start < count; start += chunkElements) {
    const n = Math.min(chunkElements, count - start);
    const part = values instanceof Float32Array ? values.subarray(start, start + n) : Float32Array.from({ length: n }, (_, i) => values[start + i]!);
    fn(start, part);
  }
}

function readAllNumbers(t: Tensor, modelDir?: string): ArrayLike<number> {
  const r = tensorToNumbers(t, { modelDir });
  if (!r.ok) throw new LensException(r.error.code, r.error.message, r.error.path);
  return r.value;
}
