// How TensorFlow Lite Micro places a .tflite model on a microcontroller: the flatbuffer stays in flash and is read in
// place; activations go to the arena's head, planned by TFLM's greedy planner (16-byte aligned buffers, offline-planned
// offsets fixed first, equal sizes in descending tensor index); the tail holds persistent structures, estimated here.

import { tensorElementCount, type ArenaRules, type Deployment } from '../onnx/ir';
import { dtypeByteSize } from '../onnx/dtype';
import type { TfModel, TfTensor } from './schema';

/** TFLM's MicroArenaBufferAlignment(). */
export const TFLM_BUFFER_ALIGNMENT = 16;

/**
 * Sizes (bytes, 32-bit MCU build with TF_LITE_STATIC_MEMORY) behind the persistent-tail estimate: one TfLiteEvalTensor
 * per tensor; per operator its TfLiteNode, registration pointer and builtin parameter struct; per quantized
 * conv/depthwise/fully-connected/transpose-conv kernel an OpData plus a multiplier and a shift per output channel; one
 * persistent TfLiteTensor with its quantization for each graph input and output the application reads; the interpreter's
 * own objects.
 */
export const TFLM_TAIL = {
  perTensor: 12,
  perOperator: 64,
  perQuantizedKernel: 48,
  perOutputChannel: 8,
  perIoTensor: 80,
  fixed: 256,
} as const;

const PER_CHANNEL_KERNELS = new Set(['CONV_2D', 'DEPTHWISE_CONV_2D', 'FULLY_CONNECTED', 'TRANSPOSE_CONV', 'CONV_3D']);

const align = (n: number) => Math.ceil(n / TFLM_BUFFER_ALIGNMENT) * TFLM_BUFFER_ALIGNMENT;

function tensorBytes(t: TfTensor): number {
  return dtypeByteSize(t.dtype, tensorElementCount(t.shape));
}

/**
 * Output channels a quantized kernel keeps a multiplier and shift for: convolutions always allocate them per output
 * channel (filter dim 0, depthwise dim 3); FULLY_CONNECTED only when its filter is quantized per channel.
 */
function outputChannels(opName: string, filter: TfTensor): number {
  const q = filter.quantization!;
  if (q.scale.length > 1) return q.scale.length;
  if (opName === 'FULLY_CONNECTED') return 0;
  return filter.shape[opName === 'DEPTHWISE_CONV_2D' ? 3 : 0] ?? 1;
}

export interface TflmPlanInput {
  model: TfModel;
  fileBytes: number;
  weightBytes: number;
  /** Value names of subgraph 0's tensors by index (offline offsets and tie order are keyed by them). */
  names: string[];
  offlineOffsets?: number[];
}

export function tflmDeployment(input: TflmPlanInput): Deployment {
  const { model } = input;
  const main = model.subgraphs[0]!;
  let tensors = 0;
  let operators = 0;
  let kernels = 0;
  let channels = 0;
  let variableBytes = 0;
  for (const sg of model.subgraphs) {
    tensors += sg.tensors.length;
    operators += sg.operators.length;
    for (const op of sg.operators) {
      if (!PER_CHANNEL_KERNELS.has(op.opName)) continue;
      const filter = sg.tensors[op.inputs[1] ?? -1];
      if (!filter?.quantization) continue;
      kernels++;
      channels += outputChannels(op.opName, filter);
    }
    for (const t of sg.tensors) if (t.isVariable && t.buffer === 0) variableBytes += align(tensorBytes(t));
  }
  const io = main.inputs.length + main.outputs.length;
  const persistentBytes = TFLM_TAIL.fixed + TFLM_TAIL.perTensor * tensors + TFLM_TAIL.perOperator * operators +
    TFLM_TAIL.perQuantizedKernel * kernels + TFLM_TAIL.perOutputChannel * channels + TFLM_TAIL.perIoTensor * io + variableBytes;
  const persistentBasis = `TFLM persistent tail ≈ ${persistentBytes} B (estimate for a 32-bit MCU: ${TFLM_TAIL.perTensor} B × ${tensors} tensors, ` +
    `${TFLM_TAIL.perOperator} B × ${operators} operators, ${TFLM_TAIL.perQuantizedKernel} B × ${kernels} quantized kernels + ` +
    `${TFLM_TAIL.perOutputChannel} B × ${channels} output channels, ${TFLM_TAIL.perIoTensor} B × ${io} input/output tensors, ` +
    `${variableBytes} B of variable tensors, ${TFLM_TAIL.fixed} B interpreter)`;

  const fixedOffsets = new Map<string, number>();
  const basis = [`activations planned as TFLM's GreedyMemoryPlanner does: buffers rounded up to ${TFLM_BUFFER_ALIGNMENT} B, largest first, equal sizes in descending tensor index`];
  const offsets = input.offlineOffsets;
  if (offsets) {
    // Offsets cover the tensors of every subgraph, concatenated; the main subgraph's come first.
    for (let i = 0; i < main.tensors.length && i < offsets.length; i++) {
      const o = offsets[i]!;
      if (o >= 0) fixedOffsets.set(input.names[i]!, o);
    }
    basis.push(`${fixedOffsets.size} tensor(s) at the offsets of the model's OfflineMemoryAllocation plan, the rest planned around them`);
  }
  basis.push('scratch buffers kernels request at Prepare are not included (reference kernels: int4 weights unpacked, TRANSPOSE_CONV int8 accumulators, reductions; CMSIS-NN/ESP-NN im2col buffers)');
  const tieRank = new Map<string, number>();
  input.names.forEach((n, i) => tieRank.set(n, i));
  const persistent = new Set(main.tensors.filter((t) => t.isVariable).map((t) => input.names[t.index]!));
  const arena: ArenaRules = {
    alignmentBytes: TFLM_BUFFER_ALIGNMENT, tieRank, basis, ...(fixedOffsets.size ? { fixedOffsets } : {}), ...(persistent.size ? { persistent } : {}),
  };
  return {
    runtime: 'TFLite Micro',
    flashBytes: input.fileBytes,
    flashBasis: `the .tflite flatbuffer as TFLM reads it in place: ${input.fileBytes} B (weights ${input.weightBytes} B, graph, quantization and metadata ${input.fileBytes - input.weightBytes} B)`,
    persistentBytes,
    persistentBasis,
    arena,
  };
}
