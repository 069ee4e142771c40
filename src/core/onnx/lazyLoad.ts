// Loads a model file without reading its weights: a scan of the protobuf structure finds the large raw_data
// payloads of initializers and Constant tensors (in the main graph and in subgraphs), everything else is read into
// a buffer the size of the file, and each skipped payload is read into its place the first time anyone asks for
// that tensor's bytes. Analysis reads only small tensors (shape arithmetic), so `analyze` of a 14 MB model reads
// about a hundred kilobytes. The model is the same as loadModelFile's: raw tensors are views into one buffer, and
// their `bytes` are the file's bytes whenever they are read; a file changed on disk before then is an error. Meant
// for short-lived processes that mostly report (the CLI's analyze), not for callers that keep models for long.

import { closeSync, fstatSync, openSync, readSync, type Stats } from 'node:fs';
import { dirname } from 'node:path';
import { decodeModel } from './decode';
import { subgraphsOf, type Graph, type Tensor } from './ir';
import { checkExternalData, loadModelFile, MAX_MODEL_FILE_BYTES, type LoadedModel } from './load';
import { err, LensException, ok, type Result } from '../result';

/** Payloads smaller than this are read with the structure around them. */
const MIN_SKIPPED_BYTES = 16 * 1024;
/** Granularity of structure reads: a page, so a skipped payload's neighbours touch at most one page of it. */
const PAGE = 4096;
/** Protobuf nesting the scan follows before it stops skipping (deeper payloads are simply read). */
const MAX_DEPTH = 32;

/** Like loadModelFile, reading weights only when first used. Falls back to a whole read for anything unusual. */
export function loadModelFileLazy(path: string): Result<LoadedModel> {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch {
    return loadModelFile(path); // its error message says what is wrong with the path
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile() || st.size > MAX_MODEL_FILE_BYTES || st.size < MIN_SKIPPED_BYTES) return loadModelFile(path);
    const size = st.size;
    // Only the pages that are read are ever touched: the skipped payloads cost address space, not memory.
    const buf = Buffer.allocUnsafeSlow(size);
    const file = new PagedFile(fd, buf, size);
    const skipped: [number, number][] = [];
    try {
      scanMessage(file, 0, size, 'model', skipped, 0);
    } catch {
      return loadModelFile(path); // not a protobuf we can walk: the ordinary loader reports it
    }
    file.readAllExcept(skipped);
    const decoded = decodeModel(buf, { path });
    if (!decoded.ok) return err(decoded.error.code, `${path}: ${decoded.error.message}`, path);
    const model = decoded.value;
    const modelDir = dirname(path);
    const pending = new Map(skipped.map(([start, end]) => [start, end]));
    const late = new LateReader(path, buf, st);
    const tensors: Tensor[] = [];
    collect(model.graph, tensors, 0);
    for (const t of tensors) {
      if (t.data.kind !== 'raw') continue;
      const start = t.data.bytes.byteOffset - buf.byteOffset;
      const end = pending.get(start);
      if (end === undefined || end - start !== t.data.bytes.byteLength) continue;
      pending.delete(start);
      readOnFirstUse(t.data, () => late.read(start, end));
    }
    // A payload no tensor claims (the scan and the decoder disagree): read it now, so no byte is left unread.
    for (const [start, end] of pending) file.readInto(start, end);
    const ext = checkExternalData(model, modelDir, path);
    if (!ext.ok) return ext;
    const externalDataBytes = ext.value.files.reduce((a, f) => a + f.bytes, 0);
    return ok({
      model, path, modelDir, fileBytes: size, bytes: buf, externalBytes: ext.value.total, externalDataBytes, externalFiles: ext.value.files,
    });
  } catch (e) {
    if (e instanceof LensException) return err(e.code, e.message, path);
    return err('io', `${path}: cannot read: ${(e as Error).message}`, path);
  } finally {
    closeSync(fd);
  }
}

/**
 * Reads a payload later, from the same file: opened again for each read (no descriptor is held), and refused when
 * the file is no longer the one that was scanned (another inode, size or modification time).
 */
class LateReader {
  constructor(private readonly path: string, private readonly buf: Buffer, private readonly scanned: Stats) {}

  read(start: number, end: number): void {
    const fd = openSync(this.path, 'r');
    try {
      const st = fstatSync(fd);
      const s = this.scanned;
      if (st.ino !== s.ino || st.dev !== s.dev || st.size !== s.size || st.mtimeMs !== s.mtimeMs) {
        throw new LensException('io', `${this.path}: the file changed on disk before its weights were read; load it again`, this.path);
      }
      let done = start;
      while (done < end) {
        const n = readSync(fd, this.buf, done, end - done, done);
        if (n <= 0) throw new LensException('io', `${this.path}: the file ended early`, this.path);
        done += n;
      }
    } finally {
      closeSync(fd);
    }
  }
}

/** Replaces `data.bytes` by a getter that reads the payload into the shared buffer once, then returns the view. */
function readOnFirstUse(data: { kind: 'raw'; bytes: Uint8Array }, read: () => void): void {
  const view = data.bytes;
  let done = false;
  Object.defineProperty(data, 'bytes', {
    configurable: true,
    enumerable: true,
    get() {
      if (!done) {
        read();
        done = true;
      }
      return view;
    },
    set(v: Uint8Array) {
      Object.defineProperty(data, 'bytes', { value: v, writable: true, enumerable: true, configurable: true });
    },
  });
}

function collect(graph: Graph, out: Tensor[], depth: number): void {
  if (depth > MAX_DEPTH) return;
  out.push(...graph.initializers);
  for (const n of graph.nodes) {
    for (const a of n.attributes) {
      if (a.type === 'tensor') out.push(a.value);
      else if (a.type === 'tensors') out.push(...a.value);
    }
    for (const s of subgraphsOf(n)) collect(s.graph, out, depth + 1);
  }
}

/** The file, read page by page into a buffer of its size as the scan needs bytes. */
class PagedFile {
  private readonly loaded: Uint8Array;

  constructor(private readonly fd: number, readonly buf: Buffer, readonly size: number) {
    this.loaded = new Uint8Array(Math.ceil(size / PAGE));
  }

  /** Ensures bytes [pos, pos + len) are in the buffer. */
  need(pos: number, len: number): void {
    if (pos < 0 || pos + len > this.size) throw new RangeError('past the end of the file');
    const first = Math.floor(pos / PAGE);
    const last = Math.floor((pos + Math.max(len, 1) - 1) / PAGE);
    if (last - first <= 1 && this.loaded[first] && this.loaded[last]) return;
    let p = first;
    while (p <= last) {
      if (this.loaded[p]) { p++; continue; }
      let q = p;
      while (q + 1 <= last && !this.loaded[q + 1]) q++;
      this.readInto(p * PAGE, Math.min((q + 1) * PAGE, this.size));
      for (let k = p; k <= q; k++) this.loaded[k] = 1;
      p = q + 1;
    }
  }

  /** Reads every page not wholly inside a skipped payload. */
  readAllExcept(skipped: [number, number][]): void {
    const sorted = [...skipped].sort((a, b) => a[0] - b[0]);
    let pos = 0;
    for (const [start, end] of sorted) {
      if (start > pos) this.need(pos, start - pos);
      pos = Math.max(pos, end);
    }
    if (pos < this.size) this.need(pos, this.size - pos);
  }

  readInto(start: number, end: number): void {
    let done = start;
    while (done < end) {
      const n = readSync(this.fd, this.buf, done, end - done, done);
      if (n <= 0) throw new LensException('io', 'the file ended early');
      done += n;
    }
  }

}

type Kind = 'model' | 'graph' | 'node' | 'attribute' | 'tensor';

/** Fields that hold messages the scan descends into, by message kind: field number → kind. */
const CHILDREN: Record<Kind, Record<number, Kind>> = {
  model: { 7: 'graph' },
  graph: { 1: 'node', 5: 'tensor' },
  node: { 5: 'attribute' },
  attribute: { 5: 'tensor', 6: 'graph', 10: 'tensor', 11: 'graph' },
  tensor: {},
};
/** TensorProto.raw_data */
const RAW_DATA = 9;

/** Walks a message's fields in [start, end), descending into the kinds above and recording large raw_data. */
function scanMessage(file: PagedFile, start: number, end: number, kind: Kind, skipped: [number, number][], depth: number): void {
  const buf = file.buf;
  const children = CHILDREN[kind];
  let pos = start;
  // Runs once per process, mostly in V8's interpreter: one page check per field and plain loops keep it cheap.
  while (pos < end) {
    file.need(pos, Math.min(24, end - pos));
    let tag = 0;
    for (let shift = 1, i = 0; ; i++, shift *= 128) {
      if (i === 5 || pos >= end) throw new RangeError('malformed tag');
      const b = buf[pos++]!;
      tag += (b & 0x7f) * shift;
      if (b < 0x80) break;
    }
    const field = Math.floor(tag / 8);
    const wire = tag & 7;
    if (field === 0) throw new RangeError('field number 0');
    if (wire === 0) {
      for (let i = 0; ; i++) {
        if (i === 10 || pos >= end) throw new RangeError('malformed varint');
        if (buf[pos++]! < 0x80) break;
      }
    } else if (wire === 1) pos += 8;
    else if (wire === 5) pos += 4;
    else if (wire === 2) {
      let len = 0;
      for (let shift = 1, i = 0; ; i++, shift *= 128) {
        if (i === 10 || pos >= end) throw new RangeError('malformed length');
        const b = buf[pos++]!;
        len += (b & 0x7f) * shift;
        if (b < 0x80) break;
      }
      const next = pos + len;
      if (next > end) throw new RangeError('field past its message');
      const child = children[field];
      if (kind === 'tensor' && field === RAW_DATA && len >= MIN_SKIPPED_BYTES) skipped.push([pos, next]);
      else if (child && depth < MAX_DEPTH) scanMessage(file, pos, next, child, skipped, depth + 1);
      pos = next;
    } else throw new RangeError(`wire type ${wire}`);
  }
  if (pos !== end) throw new RangeError('message overruns its length');
}
