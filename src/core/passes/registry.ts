// The passes by their CLI names, in the order the help text lists them.

import type { PassDef } from './types';
import { cleanup } from './cleanup';
import { foldBn } from './fold-bn';
import { fp16 } from './fp16';
import { int8Static } from './int8-static';
import { int8Dynamic } from './int8-dynamic';
import { reorder } from './reorder';
import { prune } from './prune';
import { lowRank } from './low-rank';
import { resizeInput } from './resize-input';
import { foldConstants } from './fold-constants';
import { patch } from './patch';

export const PASSES: Record<string, PassDef> = {
  cleanup: { name: 'cleanup', summary: 'remove Identity/Dropout/no-op Cast and Reshape, dead nodes, unused and duplicate initializers; sort', run: cleanup },
  'fold-constants': { name: 'fold-constants', summary: 'evaluate nodes whose inputs are all constant (shape arithmetic, weight transposes) into initializers', run: foldConstants },
  'fold-bn': { name: 'fold-bn', summary: 'fold BatchNormalization and constant Mul/Add into the preceding Conv/ConvTranspose/Gemm', run: foldBn },
  fp16: { name: 'fp16', summary: 'float16 weights and compute, float32 inputs/outputs', run: fp16 },
  'int8-dynamic': { name: 'int8-dynamic', summary: 'int8 weights: MatMul/Gemm as DynamicQuantizeLinear+MatMulInteger, Conv via DequantizeLinear', run: int8Dynamic },
  'int8-static': { name: 'int8-static', summary: 'QDQ int8: per-channel weights, calibrated uint8 activations (--calibration DIR or seeded random)', run: int8Static },
  prune: { name: 'prune', summary: 'magnitude pruning to --sparsity; --channel-sparsity removes Conv output channels and rewrites consumers', run: prune },
  'low-rank': { name: 'low-rank', summary: 'SVD factorization of large Gemm/MatMul weights (--energy E or --rank R)', run: lowRank },
  reorder: { name: 'reorder', summary: 'execution order with a lower activation-memory peak (MCUNet-style scheduling)', run: reorder },
  patch: { name: 'patch', summary: 'patch-based inference: the first layers run on P×P overlapping tiles (lower peak RAM, --max-overhead extra MACs, default 0.15)', run: patch },
  'resize-input': { name: 'resize-input', summary: 'new input dims (--input-shape NAME=DIMS), refused where fixed-shape ops break', run: resizeInput },
};
