// `aiot-lens print MODEL [--full]`: the model in ONNX's textual syntax on stdout (large weights elided by sha256),
// readable in review and usable as a git textconv filter.

import { isAbsolute, resolve } from 'node:path';
import { printModelFile, DEFAULT_MAX_INLINE_ELEMENTS } from '../../core/onnx/text';
import { parse, parsePositiveInt } from '../args';
import { EXIT_ERROR, EXIT_OK, type CliIO } from '../io';

export const summary = 'print a model as ONNX text (weights elided by sha256 unless --full)';

const HELP = `usage: aiot-lens print MODEL [--full] [--max-inline N]

  --full          print every tensor's values (the text then rebuilds the model on its own)
  --max-inline N  largest tensor (in elements) printed in full without --full (default ${DEFAULT_MAX_INLINE_ELEMENTS})

Larger tensors print as  float[64, 3, 3, 3] w = ["aiot_elided_sha256": "3f2a9c0d1e4b5a67"]
`;

export async function run(argv: string[], io: CliIO): Promise<number> {
  const parsed = parse(argv, {
    full: { type: 'boolean' },
    'max-inline': { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  });
  if (!parsed.ok) {
    io.err(`aiot-lens print: ${parsed.error.message}\n${HELP}`);
    return EXIT_ERROR;
  }
  const { values, positionals } = parsed.value;
  if (values['help']) {
    io.out(HELP);
    return EXIT_OK;
  }
  if (positionals.length !== 1) {
    io.err(`aiot-lens print: expected one model file, got ${positionals.length}\n${HELP}`);
    return EXIT_ERROR;
  }
  const maxInline = parsePositiveInt('max-inline', values['max-inline'], DEFAULT_MAX_INLINE_ELEMENTS);
  if (!maxInline.ok) {
    io.err(`aiot-lens print: ${maxInline.error.message}\n`);
    return EXIT_ERROR;
  }
  const file = positionals[0]!;
  const path = isAbsolute(file) ? file : resolve(io.cwd, file);
  const text = printModelFile(path, { full: values['full'] === true, maxInlineElements: maxInline.value });
  if (!text.ok) {
    io.err(`aiot-lens print: ${file}: ${text.error.message}\n`);
    return EXIT_ERROR;
  }
  io.out(text.value);
  return EXIT_OK;
}
