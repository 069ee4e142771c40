// `aiot-lens print MODEL [--full]`: the model in ONNX's textual syntax on stdout (large weights elided by sha256),
// readable in review and usable as a git textconv filter.

import { isAbsolute, resolve } from 'node:path';
import { DEFAULT_MAX_INLINE_ELEMENTS } from '../../core/onnx/text';
import { printModelText } from '../../core/model';
import { startCommand, parsePositiveInt } from '../args';
import { EXIT_ERROR, EXIT_OK, type CliIO } from '../io';

export const summary = 'print a model as ONNX text (weights elided by sha256 unless --full), or a .tflite as a listing';

const HELP = `usage: aiot-lens print MODEL [--full] [--max-inline N]

  --full          print every tensor's values (the text then rebuilds the model on its own)
  --max-inline N  largest tensor (in elements) printed in full without --full (default ${DEFAULT_MAX_INLINE_ELEMENTS})

Larger tensors print as  float[64, 3, 3, 3] w = ["aiot_elided_sha256": "3f2a9c0d1e4b5a67"]

A .tflite model prints as a readable listing (metadata, signatures, every subgraph's tensors with type, shape and
quantization, and its operators with their options); it does not parse back.
`;

export async function run(argv: string[], io: CliIO): Promise<number> {
  const started = startCommand('print', argv, io, { full: { type: 'boolean' }, 'max-inline': { type: 'string' } }, HELP, 1, 'model file');
  if ('exit' in started) return started.exit;
  const { values, positionals } = started;
  const maxInline = parsePositiveInt('max-inline', values['max-inline'], DEFAULT_MAX_INLINE_ELEMENTS);
  if (!maxInline.ok) {
    io.err(`aiot-lens print: ${maxInline.error.message}\n`);
    return EXIT_ERROR;
  }
  const file = positionals[0]!;
  const path = isAbsolute(file) ? file : resolve(io.cwd, file);
  const text = printModelText(path, { full: values['full'] === true, maxInlineElements: maxInline.value });
  if (!text.ok) {
    io.err(`aiot-lens print: ${file}: ${text.error.message}\n`);
    return EXIT_ERROR;
  }
  io.out(text.value);
  return EXIT_OK;
}
