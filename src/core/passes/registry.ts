// The passes by their CLI names, in the order the help text lists them.

import type { PassDef } from './types';
import { cleanup } from './cleanup';
import { foldBn } from './fold-bn';
import { fp16 } from './fp16';

export const PASSES: Record<string, PassDef> = {
  cleanup: { name: 'cleanup', summary: 'remove Identity/Dropout/no-op Cast and Reshape, dead nodes, unused and duplicate initializers; sort', run: cleanup },
  'fold-bn': { name: 'fold-bn', summary: 'fold BatchNormalization and constant Mul/Add into the preceding Conv/ConvTranspose/Gemm', run: foldBn },
  fp16: { name: 'fp16', summary: 'float16 weights and compute, float32 inputs/outputs', run: fp16 },
};
