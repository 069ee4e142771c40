// The evidence base: published on-device measurements (src/core/devices/evidence/*.json), validated against
// schemas/device-evidence.schema.json plus the cross-file rules a schema cannot state, with errors naming file and field.

import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import schemaJson from '../../../schemas/device-evidence.schema.json';
import { err, ok, type Result } from '../result';
import { BUILT_IN_EVIDENCE } from './evidence/index';
import { validateJson, type Schema } from './jsonSchema';

export const DEVICE_EVIDENCE_SCHEMA = schemaJson as unknown as Schema;

/** Where a set of measurements was published. */
export interface EvidenceSource {
  id: string;
  title: string;
  url: string;
  /** YYYY, YYYY-MM or YYYY-MM-DD. */
  published: string;
  /** Where inside the source the numbers are (table, figure, file paths). */
  locator: string;
  /** Git commit of a repository source the numbers were read at. */
  commit?: string;
  license?: string;
  notes?: string;
}

/** The measured model, and the equivalent ONNX file our engine analyzes in its place. */
export interface EvidenceModel {
  id: string;
  /** Repository-relative path of the equivalent model. */
  file: string;
  arch: string;
  inputShape: number[];
  dtype: 'int8' | 'int16' | 'float' | 'float16' | 'mixed';
  /** As the engine computes them on `file` (the unit tests hold this true). */
  macs: number;
  params: number;
}

/** One published measurement: a board, a runtime, a model, a latency and maybe an energy per inference. */
export interface EvidencePoint {
  id: string;
  /** Catalog board id. */
  board: string;
  boardName: string;
  cpu: string;
  accelerator?: string;
  clockHz: number;
  /** Runtime id (tflm-cmsis-nn, esp-nn, x-cube-ai, …; listed in docs/devices.md). */
  runtime: string;
  runtimeVersion?: string;
  model: EvidenceModel;
  latencyMs: number;
  energyUj?: number;
  /** 'kernel': one kernel call timed without the interpreter around it (no per-inference overhead); default 'model'. */
  scope?: 'model' | 'kernel';
  /** Where the tensor arena was placed, when the source says: internal SRAM (default) or external PSRAM. */
  arena?: 'internal' | 'psram';
  locator: string;
  notes?: string;
}

export interface EvidenceFile {
  source: EvidenceSource;
  points: EvidencePoint[];
}

/** A point together with the source it came from. */
export interface SourcedPoint extends EvidencePoint {
  source: EvidenceSource;
}

export interface LoadEvidenceOptions {
  /** Evidence files to check instead of the built-in set: `file` names each in errors. */
  files?: readonly { file: string; json: unknown }[];
  /** Board ids that exist; a point naming another board is an error. */
  boards?: Iterable<string>;
}

/** Validates one evidence object against the schema and the per-file rules; `file` names it in errors. */
export function validateEvidence(json: unknown, file: string): Result<EvidenceFile> {
  const errors = validateJson(json, DEVICE_EVIDENCE_SCHEMA).map((e) => (e.field ? `field '${e.field}' ${e.message}` : e.message));
  if (errors.length > 0) return fail(file, errors);
  const ev = json as EvidenceFile;
  const problems: string[] = [];
  const expected = basename(file).replace(/\.json$/, '');
  if (/\.json$/.test(file) && expected !== ev.source.id) {
    problems.push(`field 'source.id' is "${ev.source.id}" but the file is named ${expected}.json`);
  }
  const seen = new Set<string>();
  ev.points.forEach((p, i) => {
    if (!p.id.startsWith(`${ev.source.id}/`)) problems.push(`field 'points[${i}].id' "${p.id}" must start with "${ev.source.id}/"`);
    if (seen.has(p.id)) problems.push(`field 'points[${i}].id' "${p.id}" is used twice`);
    seen.add(p.id);
  });
  return problems.length > 0 ? fail(file, problems) : ok(ev);
}

/** Parses and validates the text of an evidence file. */
export function parseEvidenceText(text: string, file: string): Result<EvidenceFile> {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    return err('invalid-argument', `${file}: not valid JSON (${e instanceof Error ? e.message : String(e)})`, file);
  }
  return validateEvidence(json, file);
}

/** Reads and validates an evidence file from disk. */
export function loadEvidenceFile(path: string): Result<EvidenceFile> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    return err('not-found', `${path}: cannot read evidence file (${e instanceof Error ? e.message : String(e)})`, path);
  }
  return parseEvidenceText(text, path);
}

/**
 * Validates every evidence file (the built-in set unless `files` is given): each against the schema, then across
 * files — source ids and point ids unique, and every board known when `boards` is given.
 */
export function loadEvidence(options: LoadEvidenceOptions = {}): Result<EvidenceFile[]> {
  const files = options.files ?? BUILT_IN_EVIDENCE.map(({ file, json }) => ({ file: `src/core/devices/evidence/${file}.json`, json }));
  const boards = options.boards ? new Set(options.boards) : undefined;
  const out: EvidenceFile[] = [];
  const sources = new Map<string, string>();
  const points = new Map<string, string>();
  for (const { file, json } of files) {
    const r = validateEvidence(json, file);
    if (!r.ok) return r;
    const ev = r.value;
    const problems: string[] = [];
    const other = sources.get(ev.source.id);
    if (other) problems.push(`field 'source.id' "${ev.source.id}" is also the source of ${other}`);
    sources.set(ev.source.id, file);
    ev.points.forEach((p, i) => {
      const dup = points.get(p.id);
      if (dup) problems.push(`field 'points[${i}].id' "${p.id}" is also a point of ${dup}`);
      points.set(p.id, file);
      if (boards && !boards.has(p.board)) problems.push(`field 'points[${i}].board' "${p.board}" is not a catalog board`);
    });
    if (problems.length > 0) return fail(file, problems);
    out.push(ev);
  }
  return ok(out);
}

/** Every point of the given files with its source attached, optionally only one board and runtime. */
export function evidencePoints(files: readonly EvidenceFile[], filter: { board?: string; runtime?: string } = {}): SourcedPoint[] {
  const out: SourcedPoint[] = [];
  for (const f of files) {
    for (const p of f.points) {
      if (filter.board !== undefined && p.board !== filter.board) continue;
      if (filter.runtime !== undefined && p.runtime !== filter.runtime) continue;
      out.push({ ...p, source: f.source });
    }
  }
  return out;
}

function fail(file: string, problems: string[]): Result<never> {
  // Wrong values first: a typo'd value tells more than the list of missing fields it causes.
  const sorted = [...problems].sort((a, b) => Number(/is required$/.test(a)) - Number(/is required$/.test(b)));
  const more = sorted.length > 3 ? ` (and ${sorted.length - 3} more problem${sorted.length > 4 ? 's' : ''})` : '';
  return err('invalid-argument', `${file}: ${sorted.slice(0, 3).join('; ')}${more}`, file);
}
