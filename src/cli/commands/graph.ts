// `aiot-lens graph MODEL [--svg OUT] [--json]`: lays out a model headless and writes the same drawing the editor shows.

import { writeFileAtomic } from '../../core/atomicWrite';
import { isAbsolute, resolve } from 'node:path';
import { loadModelFile } from '../../core/model';
import { layoutModel, renderSvg, type ValueShapes } from '../../core/layout';
import type { Model } from '../../core/onnx/ir';
import { startCommand, parseInputShapes, parseInputValues } from '../args';
import { checkPins } from '../../core/analyze/pins';
import { EXIT_ERROR, EXIT_OK, type CliIO } from '../io';
import { inferredShapes } from './graph-shapes';

export const summary = 'lay out the model graph; write it as SVG or print layout figures';

const HELP = `usage: aiot-lens graph MODEL [--svg OUT] [--json] [--collapsed] [--theme light|dark] [--input-shape NAME=DIMS]... [--value NAME=N]...

  --svg OUT                write the drawing as an SVG file (the editor's layout and colours)
  --json                   lay out the full, expanded graph and print {"nodes","edges","layoutMs","width","height"}
  --collapsed              draw large graphs with name scopes collapsed, as the editor's first screen does
  --theme light|dark       colours of the SVG (default light)
  --input-shape NAME=DIMS  pin a graph input's shape for the edge labels (repeatable)
  --value NAME=N           an input known at analysis time, e.g. sr=16000 (repeatable)
`;

export async function run(argv: string[], io: CliIO): Promise<number> {
  const started = startCommand('graph', argv, io, {
    svg: { type: 'string' },
    json: { type: 'boolean' },
    collapsed: { type: 'boolean' },
    theme: { type: 'string' },
    'input-shape': { type: 'string', multiple: true },
    value: { type: 'string', multiple: true },
  }, HELP, 1, 'MODEL');
  if ('exit' in started) return started.exit;
  const { values, positionals } = started;
  const theme = values['theme'] ?? 'light';
  if (theme !== 'light' && theme !== 'dark') {
    io.err(`aiot-lens graph: --theme expects light or dark, got '${String(theme)}'\n`);
    return EXIT_ERROR;
  }
  const inputShapes = parseInputShapes(values['input-shape']);
  const fills = parseInputValues(values['value']);
  for (const r of [inputShapes, fills]) {
    if (!r.ok) {
      io.err(`aiot-lens graph: ${r.error.message}\n`);
      return EXIT_ERROR;
    }
  }
  const file = positionals[0]!;
  const path = isAbsolute(file) ? file : resolve(io.cwd, file);
  const loaded = loadModelFile(path);
  if (!loaded.ok) {
    io.err(`aiot-lens graph: ${loaded.error.message.replace(path, file)}\n`);
    return EXIT_ERROR;
  }
  const model: Model = loaded.value.model;
  const pins = checkPins(model, inputShapes.ok ? inputShapes.value : {}, fills.ok ? fills.value : {});
  if (!pins.ok) {
    io.err(`aiot-lens graph: ${file}: ${pins.error.message}\n`);
    return EXIT_ERROR;
  }
  const shapes: ValueShapes | undefined = inferredShapes(model, inputShapes.ok ? inputShapes.value : {}, loaded.value.modelDir, fills.ok ? fills.value : {});
  const svgOut = values['svg'];
  if (typeof svgOut === 'string') {
    const layout = layoutModel(model, { shapes, expanded: values['collapsed'] ? 'auto' : 'all' });
    const out = isAbsolute(svgOut) ? svgOut : resolve(io.cwd, svgOut);
    const written = writeFileAtomic(out, renderSvg(layout, { theme }), { force: true });
    if (!written.ok) {
      io.err(`aiot-lens graph: ${svgOut}: ${written.error.message}\n`);
      return EXIT_ERROR;
    }
    if (!values['json']) io.out(`${svgOut}: ${layout.nodes.length} boxes, ${layout.edges.length} edges, ${layout.width}×${layout.height} px, laid out in ${layout.layoutMs} ms\n`);
  }
  if (values['json']) {
    const layout = layoutModel(model, { shapes, expanded: 'all' });
    io.out(`${JSON.stringify({ nodes: layout.nodes.length, edges: layout.edges.length, layoutMs: layout.layoutMs, width: layout.width, height: layout.height })}\n`);
  } else if (typeof svgOut !== 'string') {
    const layout = layoutModel(model, { shapes, expanded: values['collapsed'] ? 'auto' : 'all' });
    io.out(`${file}: ${layout.nodes.length} boxes, ${layout.edges.length} edges, ${layout.stats.ranks} ranks, ${layout.width}×${layout.height} px, laid out in ${layout.layoutMs} ms\n`);
  }
  return EXIT_OK;
}

