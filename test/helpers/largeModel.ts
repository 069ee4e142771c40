// Models whose weights live in an external-data file, generated on the spot: a chain of MatMul (or Gemm transB=1)
// layers as large as a test wants. Zero weights are written as a sparse file (no disk blocks), so a model with more
// than 2 GiB of weights costs seconds and no disk space; seeded random weights give a small sibling that
// onnxruntime can check numerically. The data file is written here directly (not through the engine's writer) so
// the writer is tested against an independent producer.

import { closeSync, ftruncateSync, openSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { encodeModel } from '../../src/core/onnx/encode';
import type { Model, Node, Tensor } from '../../src/core/onnx/ir';
import { unwrap } from '../../src/core/result';
import { seededNormal } from '../../src/core/verify';

export interface ChainSpec {
  dir: string;
  /** File name of the model (the data file is NAME.data). */
  name: string;
  layers: number;
  /** Every weight is dim × dim. */
  dim: number;
  values: 'zeros' | 'random';
  seed?: number;
  /** Layers whose index is odd become Gemm with transB=1 (the weight stored [N, K]) when true. */
  gemmTransB?: boolean;
}

export interface ChainModel {
  path: string;
  dataPath: string;
  /** Bytes of float32 weights in the data file. */
  weightBytes: number;
}

const PAGE = 4096;

export function writeMatMulChain(spec: ChainSpec): ChainModel {
  const { dim, layers } = spec;
  const bytesPer = dim * dim * 4;
  const dataName = `${spec.name}.data`;
  const dataPath = join(spec.dir, dataName);
  const initializers: Tensor[] = [];
  const nodes: Node[] = [];
  const fd = openSync(dataPath, 'w');
  let offset = 0;
  try {
    const rnd = seededNormal(spec.seed ?? 1);
    for (let l = 0; l < layers; l++) {
      offset = Math.ceil(offset / PAGE) * PAGE;
      if (spec.values === 'random') {
        // Scaled so activations keep unit size through the chain; written a row at a time.
        const row = new Float32Array(dim);
        const scale = 1 / Math.sqrt(dim);
        for (let r = 0; r < dim; r++) {
          for (let c = 0; c < dim; c++) row[c] = rnd() * scale;
          writeSync(fd, new Uint8Array(row.buffer), 0, row.byteLength, offset + r * row.byteLength);
        }
      }
      const w = `W${l}`;
      initializers.push({ name: w, dtype: 'float', dims: [dim, dim], data: { kind: 'external', location: dataName, offset, length: bytesPer } });
      const x = l === 0 ? 'x' : `h${l}`;
      const y = l === layers - 1 ? 'y' : `h${l + 1}`;
      const gemm = spec.gemmTransB && l % 2 === 1;
      nodes.push(gemm
        ? { name: `gemm${l}`, opType: 'Gemm', domain: '', inputs: [x, w], outputs: [y], attributes: [{ name: 'transB', type: 'int', value: 1 }] }
        : { name: `matmul${l}`, opType: 'MatMul', domain: '', inputs: [x, w], outputs: [y], attributes: [] });
      offset += bytesPer;
    }
    // Zero weights: the file is only given its length, so it is all hole.
    ftruncateSync(fd, offset);
  } finally {
    closeSync(fd);
  }
  const model: Model = {
    irVersion: 8, opsetImports: [{ domain: '', version: 13 }], producerName: 'aiot-lens-test', producerVersion: '', domain: '',
    modelVersion: 0, docString: '', metadataProps: [], functions: [],
    graph: {
      name: 'chain', nodes, initializers, sparseInitializers: [],
      inputs: [{ name: 'x', type: { kind: 'tensor', elemType: 'float', shape: [1, dim] } }],
      outputs: [{ name: 'y', type: { kind: 'tensor', elemType: 'float', shape: [1, dim] } }],
      valueInfo: [],
    },
  };
  const path = join(spec.dir, spec.name);
  writeFileSync(path, unwrap(encodeModel(model)));
  return { path, dataPath, weightBytes: bytesPer * layers };
}
