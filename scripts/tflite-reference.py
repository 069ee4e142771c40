#!/usr/bin/python3
"""Independent reference figures for .tflite files: params, MACs, weight bytes and TFLM's greedy arena.

Reads the flatbuffer with Debian's python3-flatbuffers (field slots written out here from the TFLite schema, not
shared with the TypeScript reader), counts MACs by hand arithmetic from the tensor shapes the file declares, and
plans the arena with a separate implementation of TFLite Micro's GreedyMemoryPlanner (16-byte aligned buffers,
lifetimes by operator index, largest first, equal sizes in descending tensor index, first fit).

    /usr/bin/python3 scripts/tflite-reference.py MODEL.tflite... > figures.json

Needs: apt-get install python3-flatbuffers (the Debian interpreter, /usr/bin/python3).
"""

import json
import struct
import sys

from flatbuffers import table as fbtable
from flatbuffers import number_types as N

# Element sizes in bits by TensorType code (FLOAT32 … FLOAT8_E5M2); 0 = not sized here.
BITS = {0: 32, 1: 16, 2: 32, 3: 8, 4: 64, 5: 0, 6: 8, 7: 16, 8: 64, 9: 8, 10: 64, 11: 128, 12: 64, 13: 0, 14: 0,
        15: 32, 16: 16, 17: 4, 18: 16, 19: 2, 20: 4, 21: 8, 22: 8}
CONV_2D, DEPTHWISE_CONV_2D, FULLY_CONNECTED, TRANSPOSE_CONV, BATCH_MATMUL = 3, 4, 9, 67, 126
UNIDIRECTIONAL_SEQUENCE_LSTM, SVDF, CUSTOM = 44, 27, 32


class T:
    """A table: fields by vtable slot."""

    def __init__(self, buf, pos):
        self.t = fbtable.Table(buf, pos)

    def off(self, slot):
        return self.t.Offset(4 + 2 * slot)

    def scalar(self, slot, kind, default=0):
        o = self.off(slot)
        return self.t.Get(kind, o + self.t.Pos) if o else default

    def table(self, slot):
        o = self.off(slot)
        return T(self.t.Bytes, self.t.Indirect(o + self.t.Pos)) if o else None

    def vec_len(self, slot):
        o = self.off(slot)
        return self.t.VectorLen(o) if o else 0

    def tables(self, slot):
        o = self.off(slot)
        if not o:
            return []
        start = self.t.Vector(o)
        return [T(self.t.Bytes, self.t.Indirect(start + 4 * i)) for i in range(self.t.VectorLen(o))]

    def ints(self, slot):
        o = self.off(slot)
        if not o:
            return []
        start = self.t.Vector(o)
        return [self.t.Get(N.Int32Flags, start + 4 * i) for i in range(self.t.VectorLen(o))]

    def string(self, slot):
        o = self.off(slot)
        return self.t.String(o + self.t.Pos).decode('utf-8', 'replace') if o else ''


def sparse_index_bytes(sparsity):
    """Bytes of a sparse tensor's segment and index arrays (Int32Vector, Uint16Vector or Uint8Vector tables)."""
    if sparsity is None:
        return 0
    total = 0
    for dim in sparsity.tables(2):
        for type_slot, slot in ((2, 3), (4, 5)):
            kind = dim.scalar(type_slot, N.Uint8Flags, 0)
            vec = dim.table(slot)
            if kind and vec is not None:
                total += vec.vec_len(0) * {1: 4, 2: 2, 3: 1}[kind]
    return total


def prod(xs):
    n = 1
    for x in xs:
        n *= x
    return n


def figures(path):
    data = bytearray(open(path, 'rb').read())
    assert data[4:8] == b'TFL3', 'no TFL3 identifier'
    model = T(data, struct.unpack_from('<I', data, 0)[0])
    codes = []
    for c in model.tables(1):
        dep = c.scalar(0, N.Int8Flags, 0)
        code = c.scalar(3, N.Int32Flags, 0)
        codes.append((max(dep, code), c.string(1)))
    buffers = []
    raw = []
    for b in model.tables(4):
        o = b.off(0)
        raw.append(bytes(b.t.Bytes[b.t.Vector(o):b.t.Vector(o) + b.t.VectorLen(o)]) if o else b'')
        size = b.vec_len(0)
        if size == 0:
            size = b.scalar(2, N.Uint64Flags, 0)
        buffers.append(size)
    offline = None
    for m in model.tables(6):
        if m.string(0) == 'OfflineMemoryAllocation':
            words = raw[m.scalar(1, N.Uint32Flags, 0)]
            n = struct.unpack_from('<I', words, 8)[0]
            offline = list(struct.unpack_from('<%di' % n, words, 12))
    params = 0
    weight_bytes = 0
    macs = 0
    custom = []
    arena = None
    for sg_index, sg in enumerate(model.tables(2)):
        tensors = []
        for t in sg.tables(0):
            tensors.append({'shape': t.ints(0), 'type': t.scalar(1, N.Int8Flags, 0), 'buffer': t.scalar(2, N.Uint32Flags, 0),
                            'variable': t.scalar(5, N.BoolFlags, False), 'index_bytes': sparse_index_bytes(t.table(6))})
        inputs = set(sg.ints(1))
        constant = set()
        for i, t in enumerate(tensors):
            if t['buffer'] and buffers[t['buffer']] and i not in inputs:
                constant.add(i)
                params += prod(t['shape'])
                weight_bytes += buffers[t['buffer']] + t['index_bytes']
        ops = sg.tables(3)
        for op in ops:
            code, custom_code = codes[op.scalar(0, N.Uint32Flags, 0)]
            ins = op.ints(1)
            outs = op.ints(2)
            shape = lambda k: tensors[k]['shape'] if k >= 0 else None
            if code == CUSTOM:
                custom.append(custom_code)
            elif code == CONV_2D:
                f = shape(ins[1])
                macs += prod(shape(outs[0])) * f[1] * f[2] * f[3]
            elif code == DEPTHWISE_CONV_2D:
                f = shape(ins[1])
                macs += prod(shape(outs[0])) * f[1] * f[2]
            elif code == FULLY_CONNECTED:
                macs += prod(shape(outs[0])) * shape(ins[1])[1]
            elif code == TRANSPOSE_CONV:
                w = shape(ins[1])
                macs += prod(shape(ins[2])) * w[0] * w[1] * w[2]
            elif code == BATCH_MATMUL:
                a = shape(ins[0])
                macs += prod(shape(outs[0])) * a[-1]
            elif code == UNIDIRECTIONAL_SEQUENCE_LSTM:
                x = shape(ins[0])
                wf = shape(ins[2])
                rf = shape(ins[6])
                gates = 4 if ins[1] >= 0 else 3
                proj = rf[1] * wf[0] if len(ins) > 16 and ins[16] >= 0 else 0
                macs += x[0] * x[1] * (gates * wf[0] * (wf[1] + rf[1]) + proj)
            elif code == SVDF:
                x, wf, wt = shape(ins[0]), shape(ins[1]), shape(ins[2])
                macs += x[0] * wf[0] * (wf[1] + wt[1])
        if sg_index == 0:
            arena = greedy_arena(tensors, constant, sg.ints(1), sg.ints(2), ops, offline)
    return {'params': params, 'macs': macs, 'weightBytes': weight_bytes, 'arenaBytes': arena, 'custom': sorted(set(custom)),
            'fileBytes': len(data)}


def greedy_arena(tensors, constant, inputs, outputs, ops, offline=None):
    """TFLM's lifetimes (scope 0 = subgraph inputs, op i at scope i+1) and greedy first fit."""
    first, last = {}, {}
    for i in inputs:
        first.setdefault(i, 0)
        last[i] = 0
    # Tensors operators read but none writes (a delegate's scratch) exist from the start.
    written = {o for op in ops for o in op.ints(2)}
    for op in ops:
        for i in op.ints(1):
            if i >= 0 and i not in written and i not in first:
                first[i] = 0
    for k, op in enumerate(ops):
        scope = k + 1
        for o in op.ints(2):
            if o >= 0:
                first.setdefault(o, scope)
        for i in op.ints(1):
            if i >= 0:
                last[i] = scope
        for o in op.ints(2):
            if o >= 0:
                last[o] = scope
    for o in outputs:
        first.setdefault(o, len(ops))
        last[o] = len(ops)
    bufs = []
    for i, t in enumerate(tensors):
        if i not in first or i in constant or t['variable']:
            continue
        size = (prod(t['shape']) * BITS.get(t['type'], 0) + 7) // 8
        if size == 0:
            continue
        size = (size + 15) // 16 * 16
        bufs.append((size, i, first[i], last[i]))
    fixed = {i: offline[i] for (_, i, _, _) in bufs if offline and offline[i] >= 0}
    bufs.sort(key=lambda b: (b[1] not in fixed, -b[0], -b[1]))
    placed = []
    top = 0
    for size, i, f, l in bufs:
        live = sorted((o, s) for (o, s, pf, pl) in placed if not (pf > l or f > pl))
        offset = fixed.get(i, 0)
        for o, s in ([] if i in fixed else live):
            if offset + size <= o:
                break
            offset = max(offset, o + s)
        placed.append((offset, size, f, l))
        top = max(top, offset + size)
    return top


if __name__ == '__main__':
    out = {}
    for p in sys.argv[1:]:
        out[p.split('/')[-1]] = figures(p)
    json.dump(out, sys.stdout, indent=1)
    sys.stdout.write('\n')
