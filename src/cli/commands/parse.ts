// `aiot-lens parse FILE.onnxtxt -o OUT.onnx`: builds the binary model an ONNX text file describes, taking elided
// weights from the original model, and writes it atomically (never over an existing file without --force).

import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { saveModel } from '../../core/onnx/save';
import { buildModelFromText, readModelFile } from '../../core/onnx/text';
import { startCommand } from '../args';
import { EXIT_ERROR, EXIT_OK, type CliIO } from '../io';
import { EXTERNAL_DATA_HELP, formatDiskSize, parseExternalData } from '../modelOutput';

export const summary = 'build an .onnx model from ONNX text (elided weights taken from --weights-from)';

const HELP = `usage: aiot-lens parse FILE.onnxtxt -o OUT.onnx [--force] [--weights-from ORIGINAL.onnx]

  -o, --output FILE        where to write the model (written through a temporary file, then renamed)
  --force                  replace OUT.onnx if it exists
  --weights-from MODEL     fill elided tensors ("aiot_elided_sha256" placeholders) from this model,
                           matching by tensor name and sha256 prefix
${EXTERNAL_DATA_HELP.replace('the input had external data', 'the text names external data')}`;

export async function run(argv: string[], io: CliIO): Promise<number> {
  const started = startCommand('parse', argv, io, {
    output: { type: 'string', short: 'o' },
    force: { type: 'boolean' },
    'weights-from': { type: 'string' },
    'external-data': { type: 'string' },
  }, HELP, 1, 'text file');
  if ('exit' in started) return started.exit;
  const { values, positionals } = started;
  const output = values['output'];
  if (typeof output !== 'string' || output === '') {
    io.err(`aiot-lens parse: no output file given (-o OUT.onnx)\n`);
    return EXIT_ERROR;
  }
  const abs = (p: string) => (isAbsolute(p) ? p : resolve(io.cwd, p));
  const externalData = parseExternalData(values['external-data']);
  if (!externalData.ok) {
    io.err(`aiot-lens parse: ${externalData.error.message}\n`);
    return EXIT_ERROR;
  }
  const file = positionals[0]!;
  let text: string;
  try {
    text = readFileSync(abs(file), 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    io.err(`aiot-lens parse: ${file}: ${code === 'ENOENT' ? 'no such file' : `cannot read the file (${code ?? String(e)})`}\n`);
    return EXIT_ERROR;
  }
  const weightsArg = values['weights-from'];
  let weightsFrom;
  if (typeof weightsArg === 'string') {
    const original = readModelFile(abs(weightsArg));
    if (!original.ok) {
      io.err(`aiot-lens parse: ${weightsArg}: ${original.error.message}\n`);
      return EXIT_ERROR;
    }
    weightsFrom = original.value;
  }
  const model = buildModelFromText(text, { path: file, weightsFrom, weightsFromPath: typeof weightsArg === 'string' ? weightsArg : undefined });
  if (!model.ok) {
    // Syntax errors start with line:column, which reads as file:line:column.
    const sep = /^\d/.test(model.error.message) ? ':' : ': ';
    io.err(`aiot-lens parse: ${file}${sep}${model.error.message}\n`);
    return EXIT_ERROR;
  }
  // External data the text names is relative to the model it was printed from (--weights-from), else to the text.
  const sourceDir = dirname(abs(typeof weightsArg === 'string' ? weightsArg : file));
  const hasExternal = model.value.graph.initializers.some((t) => t.data.kind === 'external');
  const written = saveModel(model.value, abs(output), {
    externalData: externalData.value, preferExternal: hasExternal, force: values['force'] === true, sourceDir,
  });
  if (!written.ok) {
    io.err(`aiot-lens parse: ${output}: ${written.error.message}\n`);
    return EXIT_ERROR;
  }
  io.err(written.value.dataPath
    ? `wrote ${output} and ${output}.data (${formatDiskSize(written.value)})\n`
    : `wrote ${output} (${written.value.fileBytes} bytes)\n`);
  return EXIT_OK;
}
