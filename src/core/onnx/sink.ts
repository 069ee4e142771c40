// Where passes put the tensors they make: in memory (small models, tests), or a scratch external-data file so a
// pass over a model larger than memory holds one tensor (or one chunk of it) at a time. A scratch tensor is an
// ordinary external tensor whose baseDir names the scratch folder; the model writer copies it into the output's
// own data file.

import { randomBytes } from 'node:crypto';
import { realpathSync, renameSync, unlinkSync } from 'node:fs';
import { basename, join } from 'node:path';
import { dtypeByteSize, type DType } from './dtype';
import { tensorElementCount, type Tensor } from './ir';
import { alignmentFor, DataFileWriter } from './dataFile';
import { LensException } from '../result';

/** A tensor written in element order, chunk by chunk. */
export interface TensorWriter {
  write(bytes: Uint8Array): void;
  /** The finished tensor; throws if fewer or more bytes were written than its dims need. */
  end(): Tensor;
  /** Gives the tensor up (what was written stays unused in a scratch file). */
  abort(): void;
}

export interface TensorSink {
  begin(name: string, dtype: DType, dims: number[]): TensorWriter;
  /** A tensor made in memory, moved out when the sink keeps tensors of its size elsewhere. */
  put(t: Tensor): Tensor;
}

function expectedBytes(name: string, dtype: DType, dims: number[]): number {
  const n = dtypeByteSize(dtype, tensorElementCount(dims));
  if (!Number.isSafeInteger(n)) throw new LensException('too-large', `tensor '${name}' is too large`);
  return n;
}

/** Keeps every tensor in memory: the behaviour passes had before sinks existed. */
export const memorySink: TensorSink = {
  begin(name, dtype, dims) {
    const bytes = new Uint8Array(expectedBytes(name, dtype, dims));
    let at = 0;
    return {
      write(chunk) {
        if (at + chunk.length > bytes.length) throw new LensException('internal', `tensor '${name}': more bytes than its dims hold`);
        bytes.set(chunk, at);
        at += chunk.length;
      },
      end() {
        if (at !== bytes.length) throw new LensException('internal', `tensor '${name}': ${at} of ${bytes.length} bytes written`);
        return { name, dtype, dims: [...dims], data: { kind: 'raw', bytes } };
      },
      abort() { /* the buffer is dropped with the writer */ },
    };
  },
  put: (t) => t,
};

/**
 * A scratch data file in `dir` (created on first use, deleted by dispose()). Tensors of at least `thresholdBytes`
 * go there; smaller ones stay in memory.
 */
export class ScratchSink implements TensorSink {
  private file: DataFileWriter | undefined;
  private readonly dir: string;
  private readonly name: string;
  private open = 0;
  /** Bytes of finished tensors this sink moved out of memory. */
  spilledBytes = 0;
  /** Bytes of tensors given up half-way: unused data in the file. */
  abandonedBytes = 0;

  constructor(dir: string, readonly thresholdBytes = 1024) {
    this.dir = realpathSync(dir);
    this.name = `.aiot-lens-scratch-${process.pid}-${randomBytes(4).toString('hex')}.data`;
  }

  get path(): string {
    return join(this.dir, this.name);
  }

  private writer(): DataFileWriter {
    if (!this.file) this.file = new DataFileWriter(this.path);
    return this.file;
  }

  begin(name: string, dtype: DType, dims: number[]): TensorWriter {
    const total = expectedBytes(name, dtype, dims);
    if (total < this.thresholdBytes) return memorySink.begin(name, dtype, dims);
    if (this.open) throw new LensException('internal', `tensor '${name}' started while another scratch tensor is being written`);
    const f = this.writer();
    f.align(alignmentFor(total));
    const offset = f.size;
    let at = 0;
    this.open++;
    return {
      write: (chunk) => {
        if (at + chunk.length > total) throw new LensException('internal', `tensor '${name}': more bytes than its dims hold`);
        f.append(chunk);
        at += chunk.length;
      },
      end: () => {
        this.open--;
        f.extend();
        if (at !== total) throw new LensException('internal', `tensor '${name}': ${at} of ${total} bytes written`);
        this.spilledBytes += total;
        return { name, dtype, dims: [...dims], data: { kind: 'external', location: basename(this.path), offset, length: total, baseDir: this.dir } };
      },
      abort: () => {
        this.open--;
        this.abandonedBytes += at;
        f.extend();
      },
    };
  }

  put(t: Tensor): Tensor {
    if (t.data.kind !== 'raw' || t.data.bytes.byteLength < this.thresholdBytes) return t;
    const w = this.begin(t.name, t.dtype, t.dims);
    w.write(t.data.bytes);
    const out = w.end();
    return { ...t, data: out.data };
  }

  /** The scratch file's folder (resolved) and name: tensors in it carry these as baseDir and location. */
  get folder(): string {
    return this.dir;
  }

  /**
   * Closes the scratch file and moves it to `path` (same folder), for the model writer to continue as the output's
   * data file: the tensors in it are not copied again. Returns its logical size, or undefined when nothing was written.
   */
  handOver(path: string): number | undefined {
    if (!this.file) return undefined;
    const size = this.file.size;
    this.file.close();
    this.file = undefined;
    renameSync(this.path, path);
    return size;
  }

  dispose(): void {
    this.file?.abandon();
    this.file = undefined;
    try { unlinkSync(this.path); } catch { /* never created */ }
  }
}
