// Paths of the reference models and their published figures (test/fixtures/models/MODELS.md).

import { join } from 'node:path';

export const FIXTURES = join(__dirname, '..', 'fixtures');
export const MODELS_DIR = join(FIXTURES, 'models');

export function fixtureModel(name: string): string {
  return join(MODELS_DIR, name.endsWith('.onnx') ? name : `${name}.onnx`);
}

export interface ModelReference {
  file: string;
  bytes: number;
  nodes: number;
  params: number;
  constElements: number;
  /** Conv+Gemm+MatMul MACs; undefined where MODELS.md leaves it blank (symbolic input dims). */
  macs?: number;
}

/** Parses the reference table of MODELS.md so tests compare against the published figures, not copies of them. */
export function modelReferences(): ModelReference[] {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const text: string = require('node:fs').readFileSync(join(MODELS_DIR, 'MODELS.md'), 'utf8');
  const num = (s: string) => Number(s.replace(/,/g, '').trim());
  const out: ModelReference[] = [];
  for (const line of text.split('\n')) {
    const cells = line.split('|').map((c) => c.trim());
    if (cells.length < 10 || !cells[1]!.endsWith('.onnx')) continue;
    out.push({
      file: cells[1]!,
      bytes: num(cells[2]!),
      nodes: num(cells[5]!),
      params: num(cells[6]!),
      constElements: num(cells[7]!),
      macs: cells[8] ? num(cells[8]) : undefined,
    });
  }
  return out;
}

export const TFLITE_DIR = join(MODELS_DIR, 'tflite');

export interface TfliteReference {
  file: string;
  bytes: number;
  params: number;
  macs: number;
  weightBytes: number;
  arenaBytes: number;
  custom: string[];
}

/** The independent figures of test/fixtures/models/tflite/MODELS.md (scripts/tflite-reference.py). */
export function tfliteReferences(): TfliteReference[] {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const text: string = require('node:fs').readFileSync(join(TFLITE_DIR, 'MODELS.md'), 'utf8');
  const num = (s: string) => Number(s.replace(/,/g, '').trim());
  const out: TfliteReference[] = [];
  for (const line of text.split('\n')) {
    const cells = line.split('|').map((c) => c.trim());
    if (cells.length !== 9 || !cells[1]!.endsWith('.tflite') || !/^[\d,]+$/.test(cells[2]!)) continue;
    out.push({
      file: cells[1]!, bytes: num(cells[2]!), params: num(cells[3]!), macs: num(cells[4]!), weightBytes: num(cells[5]!),
      arenaBytes: num(cells[6]!), custom: cells[7] === '–' ? [] : cells[7]!.split(',').map((s) => s.trim()),
    });
  }
  return out;
}
