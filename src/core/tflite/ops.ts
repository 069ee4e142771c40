// Names of TFLite builtin operators' inputs by position (from the TFLite kernels' input order), for the graph's
// weight labels and the inspector: CONV_2D takes (input, filter, bias), as the ONNX table names Conv's (X, W, B).

const CONV = ['input', 'filter', 'bias'];
const BINARY = ['x', 'y'];

/** The 24 inputs of the sequence LSTM kernels (unidirectional; bidirectional repeats the weights per direction). */
const LSTM = [
  'input', 'input_to_input_weights', 'input_to_forget_weights', 'input_to_cell_weights', 'input_to_output_weights',
  'recurrent_to_input_weights', 'recurrent_to_forget_weights', 'recurrent_to_cell_weights', 'recurrent_to_output_weights',
  'cell_to_input_weights', 'cell_to_forget_weights', 'cell_to_output_weights', 'input_gate_bias', 'forget_gate_bias',
  'cell_gate_bias', 'output_gate_bias', 'projection_weights', 'projection_bias', 'output_state', 'cell_state',
  'input_layer_norm', 'forget_layer_norm', 'cell_layer_norm', 'output_layer_norm',
];

export const TFLITE_INPUT_NAMES: Readonly<Record<string, readonly string[]>> = {
  CONV_2D: CONV, DEPTHWISE_CONV_2D: CONV, CONV_3D: CONV,
  TRANSPOSE_CONV: ['output_shape', 'weights', 'input', 'bias'],
  FULLY_CONNECTED: ['input', 'weights', 'bias'],
  BATCH_MATMUL: BINARY,
  UNIDIRECTIONAL_SEQUENCE_LSTM: LSTM,
  SVDF: ['input', 'weights_feature', 'weights_time', 'bias', 'activation_state'],
  ADD: BINARY, SUB: BINARY, MUL: BINARY, DIV: BINARY, MAXIMUM: BINARY, MINIMUM: BINARY, SQUARED_DIFFERENCE: BINARY,
  PRELU: ['input', 'alpha'],
  RESHAPE: ['input', 'shape'],
  PAD: ['input', 'paddings'], PADV2: ['input', 'paddings', 'constant_values'], MIRROR_PAD: ['input', 'paddings'],
  MEAN: ['input', 'axis'], SUM: ['input', 'axis'], REDUCE_MAX: ['input', 'axis'], REDUCE_MIN: ['input', 'axis'],
  TRANSPOSE: ['input', 'perm'],
  STRIDED_SLICE: ['input', 'begin', 'end', 'strides'],
  SLICE: ['input', 'begin', 'size'],
  GATHER: ['params', 'indices'],
  RESIZE_BILINEAR: ['input', 'size'], RESIZE_NEAREST_NEIGHBOR: ['input', 'size'],
  EXPAND_DIMS: ['input', 'axis'],
  SPLIT: ['axis', 'input'], SPLIT_V: ['input', 'size_splits', 'axis'],
  CONCATENATION: ['values'], PACK: ['values'],
  DEQUANTIZE: ['input'], QUANTIZE: ['input'], DENSIFY: ['input'],
};

/** Operator family of TFLite builtins for the graph's colours (the families of src/core/layout/op-categories.json). */
export const TFLITE_CATEGORIES: Readonly<Record<string, readonly string[]>> = {
  conv: ['CONV_2D', 'DEPTHWISE_CONV_2D', 'TRANSPOSE_CONV', 'CONV_3D', 'CONV_3D_TRANSPOSE'],
  matmul: ['FULLY_CONNECTED', 'BATCH_MATMUL'],
  recurrent: ['UNIDIRECTIONAL_SEQUENCE_LSTM', 'BIDIRECTIONAL_SEQUENCE_LSTM', 'SVDF', 'UNIDIRECTIONAL_SEQUENCE_RNN', 'BIDIRECTIONAL_SEQUENCE_RNN'],
  activation: ['RELU', 'RELU6', 'RELU_N1_TO_1', 'RELU_0_TO_1', 'LOGISTIC', 'TANH', 'HARD_SWISH', 'LEAKY_RELU', 'PRELU', 'ELU', 'GELU', 'SOFTMAX', 'LOG_SOFTMAX'],
  norm: ['L2_NORMALIZATION', 'LOCAL_RESPONSE_NORMALIZATION'],
  pooling: ['AVERAGE_POOL_2D', 'MAX_POOL_2D', 'L2_POOL_2D', 'MEAN', 'SUM', 'REDUCE_MAX', 'REDUCE_MIN', 'REDUCE_PROD', 'REDUCE_ANY', 'REDUCE_ALL', 'ARG_MAX', 'ARG_MIN', 'TOPK_V2'],
  data: [
    'RESHAPE', 'SQUEEZE', 'EXPAND_DIMS', 'CONCATENATION', 'PACK', 'UNPACK', 'SPLIT', 'SPLIT_V', 'PAD', 'PADV2', 'MIRROR_PAD', 'TRANSPOSE',
    'STRIDED_SLICE', 'SLICE', 'GATHER', 'GATHER_ND', 'DEPTH_TO_SPACE', 'SPACE_TO_DEPTH', 'BATCH_TO_SPACE_ND', 'SPACE_TO_BATCH_ND',
    'RESIZE_BILINEAR', 'RESIZE_NEAREST_NEIGHBOR', 'SHAPE', 'TILE', 'BROADCAST_TO', 'CAST', 'DENSIFY', 'VAR_HANDLE', 'READ_VARIABLE', 'ASSIGN_VARIABLE',
  ],
  elementwise: [
    'ADD', 'SUB', 'MUL', 'DIV', 'MAXIMUM', 'MINIMUM', 'SQUARED_DIFFERENCE', 'POW', 'EXP', 'LOG', 'SQRT', 'RSQRT', 'SQUARE', 'ABS', 'NEG', 'SIN',
    'COS', 'FLOOR', 'CEIL', 'ROUND', 'SIGN', 'ADD_N', 'FLOOR_DIV', 'FLOOR_MOD', 'SELECT', 'SELECT_V2', 'LESS', 'GREATER', 'EQUAL', 'NOT_EQUAL',
    'LESS_EQUAL', 'GREATER_EQUAL', 'LOGICAL_AND', 'LOGICAL_OR', 'LOGICAL_NOT',
  ],
  control: ['IF', 'WHILE', 'CALL_ONCE', 'CALL'],
  quantization: ['QUANTIZE', 'DEQUANTIZE', 'FAKE_QUANT'],
};
