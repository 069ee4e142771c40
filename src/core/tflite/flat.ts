// Bounds-checked access to a flatbuffer: tables, vectors and strings read through the `flatbuffers` package's
// ByteBuffer, with every offset checked against the file so a hostile file gives an error, never a wild read.

import { ByteBuffer } from 'flatbuffers';
import { LensException } from '../result';

const utf8 = new TextDecoder('utf-8', { fatal: false });

/** Scalar kinds a table field or vector element can have, with their sizes in bytes. */
export const SCALAR_BYTES: Readonly<Record<string, number>> = {
  bool: 1, byte: 1, ubyte: 1, short: 2, ushort: 2, int: 4, uint: 4, float: 4, long: 8, ulong: 8, double: 8,
};

export class FlatFile {
  readonly bb: ByteBuffer;
  readonly length: number;

  constructor(readonly bytes: Uint8Array, private readonly path?: string) {
    this.bb = new ByteBuffer(bytes);
    this.length = bytes.length;
  }

  fail(message: string): never {
    throw new LensException('corrupt', `not a valid TFLite flatbuffer: ${message}`, this.path);
  }

  /** Throws unless [pos, pos + size) lies inside the file. */
  check(pos: number, size: number, what: string): void {
    if (!Number.isInteger(pos) || pos < 0 || size < 0 || pos + size > this.length) {
      this.fail(`${what} at byte ${pos} (${size} bytes) lies outside the ${this.length}-byte file`);
    }
  }

  /** The table an unsigned offset stored at `pos` points to. */
  indirect(pos: number, what: string): Table {
    this.check(pos, 4, what);
    const target = pos + this.bb.readUint32(pos);
    return this.table(target, what);
  }

  table(pos: number, what: string): Table {
    this.check(pos, 4, what);
    const vtable = pos - this.bb.readInt32(pos);
    this.check(vtable, 4, `${what}'s vtable`);
    const vtableBytes = this.bb.readUint16(vtable);
    const inlineBytes = this.bb.readUint16(vtable + 2);
    if (vtableBytes < 4 || vtableBytes % 2 !== 0) this.fail(`${what} has a malformed vtable (${vtableBytes} bytes)`);
    this.check(vtable, vtableBytes, `${what}'s vtable`);
    this.check(pos, inlineBytes, what);
    return new Table(this, pos, vtable, vtableBytes, inlineBytes, what);
  }
}

/** One table: fields by vtable slot. Absent fields read as the schema default the caller passes. */
export class Table {
  constructor(
    readonly file: FlatFile,
    readonly pos: number,
    private readonly vtable: number,
    private readonly vtableBytes: number,
    private readonly inlineBytes: number,
    readonly what: string,
  ) {}

  /** Position of a field's inline value, or 0 when absent. */
  private field(slot: number, size: number): number {
    const entry = 4 + 2 * slot;
    if (entry + 2 > this.vtableBytes) return 0;
    const off = this.file.bb.readUint16(this.vtable + entry);
    if (off === 0) return 0;
    if (off + size > this.inlineBytes) this.file.fail(`${this.what}: field ${slot} runs past the table`);
    return this.pos + off;
  }

  has(slot: number): boolean {
    return this.field(slot, 0) !== 0;
  }

  scalar(slot: number, kind: string, fallback: number): number {
    const size = SCALAR_BYTES[kind] ?? 4;
    const p = this.field(slot, size);
    return p === 0 ? fallback : readScalar(this.file.bb, p, kind);
  }

  bool(slot: number, fallback = false): boolean {
    return this.scalar(slot, 'bool', fallback ? 1 : 0) !== 0;
  }

  /** A sub-table, or undefined when absent. */
  table(slot: number, what: string): Table | undefined {
    const p = this.field(slot, 4);
    return p === 0 ? undefined : this.file.indirect(p, `${this.what} > ${what}`);
  }

  string(slot: number): string | undefined {
    const v = this.vectorAt(slot, 1, 'string');
    if (!v) return undefined;
    return utf8.decode(this.file.bytes.subarray(v.start, v.start + v.length));
  }

  /** Start and element count of a vector field, checked to fit in the file. */
  vectorAt(slot: number, elementBytes: number, what: string): { start: number; length: number } | undefined {
    const p = this.field(slot, 4);
    if (p === 0) return undefined;
    const f = this.file;
    const at = p + f.bb.readUint32(p);
    f.check(at, 4, `${this.what} > ${what}`);
    const length = f.bb.readUint32(at);
    f.check(at + 4, length * elementBytes, `${this.what} > ${what} (${length} elements)`);
    return { start: at + 4, length };
  }

  /** A vector of scalars as plain numbers (64-bit integers converted, exact to 2^53). */
  numbers(slot: number, kind: string, what: string): number[] | undefined {
    const size = SCALAR_BYTES[kind] ?? 4;
    const v = this.vectorAt(slot, size, what);
    if (!v) return undefined;
    const out = new Array<number>(v.length);
    for (let i = 0; i < v.length; i++) out[i] = readScalar(this.file.bb, v.start + i * size, kind);
    return out;
  }

  /** The bytes of a [ubyte] vector as a view into the file (no copy). */
  bytes(slot: number, what: string): Uint8Array | undefined {
    const v = this.vectorAt(slot, 1, what);
    return v ? this.file.bytes.subarray(v.start, v.start + v.length) : undefined;
  }

  /** A vector of tables. */
  tables(slot: number, what: string): Table[] {
    const v = this.vectorAt(slot, 4, what);
    if (!v) return [];
    const out: Table[] = [];
    for (let i = 0; i < v.length; i++) out.push(this.file.indirect(v.start + 4 * i, `${what}[${i}]`));
    return out;
  }

  /** Number of elements of a vector of tables without reading them. */
  count(slot: number, what: string): number {
    return this.vectorAt(slot, 4, what)?.length ?? 0;
  }
}

function readScalar(bb: ByteBuffer, p: number, kind: string): number {
  switch (kind) {
    case 'bool': case 'ubyte': return bb.readUint8(p);
    case 'byte': return bb.readInt8(p);
    case 'short': return bb.readInt16(p);
    case 'ushort': return bb.readUint16(p);
    case 'uint': return bb.readUint32(p);
    case 'float': return bb.readFloat32(p);
    case 'double': return bb.readFloat64(p);
    case 'long': return Number(bb.readInt64(p));
    case 'ulong': return Number(bb.readUint64(p));
    default: return bb.readInt32(p);
  }
}
