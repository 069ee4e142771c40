// Which files are models the extension opens: .onnx and .tflite (the engine's loader tells them apart by content).

/** Workspace glob of model files. */
export const MODEL_GLOB = '**/*.{onnx,tflite}';

export function isModelPath(path: string): boolean {
  return /\.(onnx|tflite)$/i.test(path);
}

export function isTflitePath(path: string): boolean {
  return /\.tflite$/i.test(path);
}

/** The model path without its extension, for names of derived files (reports, optimized copies). */
export function modelStem(path: string): string {
  return path.replace(/\.(onnx|tflite)$/i, '');
}

/** What a user hears when an ONNX-only command meets a .tflite. */
export function needsOnnx(what: string): string {
  return `AIoT Lens: ${what} works on ONNX models; this is a .tflite (TFLite flatbuffer). Analysis, advice, charts, reports and Profile work on it; convert it to ONNX (e.g. with tf2onnx) to ${what.toLowerCase()} it.`;
}
