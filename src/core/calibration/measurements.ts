// Reads a user's measurements CSV (model path, measured ms, optional µJ, optional runtime) into one measurement per
// model, refusing — with the line and the reason — anything a fit would silently get wrong.

import { isAbsolute, resolve } from 'node:path';
import { err, ok, type Result } from '../result';

/** One data row of the CSV, as written. */
export interface MeasurementRow {
  /** 1-based line number in the file. */
  line: number;
  /** The model path as written (relative to the CSV's folder, or absolute). */
  model: string;
  latencyMs: number;
  energyUj?: number;
  runtime?: string;
}

/** Every row of one model, combined: the median of its timings (rows agree within MAX_SPREAD). */
export interface Measurement {
  /** The model path as written in the first row naming it. */
  label: string;
  /** Absolute path of the model file. */
  path: string;
  latencyMs: number;
  /** Median of the rows that give energy (µJ converted to mJ). */
  energyMj?: number;
  /** The rows combined, by line number. */
  lines: number[];
}

export interface MeasurementSet {
  measurements: Measurement[];
  /** The runtime every row names (rows without one take it), when any row names one. */
  runtime?: string;
  /** Data rows read (before combining repeated models). */
  rows: number;
}

/** Repeated rows of one model further apart than this factor are refused: one of them measured something else. */
export const MAX_SPREAD = 2;

type Column = 'model' | 'latencyMs' | 'energyUj' | 'runtime';

/** Header spellings per column (case-insensitive, spaces, '-' and '_' ignored). */
const HEADERS: Record<Column, string[]> = {
  model: ['model', 'modelpath', 'path', 'file', 'onnx'],
  latencyMs: ['ms', 'latencyms', 'measuredms', 'timems', 'latency', 'latency(ms)', 'inferencems'],
  energyUj: ['uj', 'µj', 'μj', 'energyuj', 'energyµj', 'energyμj', 'energy', 'energy(uj)', 'energy(µj)', 'measureduj'],
  runtime: ['runtime'],
};

const normal = (h: string) => h.trim().toLowerCase().replace(/[\s_-]/g, '');

/** Splits one CSV line: commas, double-quoted fields with "" escapes; whitespace around fields trimmed. */
export function splitCsvLine(text: string): Result<string[]> {
  const out: string[] = [];
  let i = 0;
  for (;;) {
    while (text[i] === ' ' || text[i] === '\t') i++;
    let field = '';
    if (text[i] === '"') {
      i++;
      for (;;) {
        if (i >= text.length) return err('invalid-argument', 'a quoted field is not closed');
        if (text[i] === '"') {
          if (text[i + 1] === '"') { field += '"'; i += 2; continue; }
          i++;
          break;
        }
        field += text[i++];
      }
      while (text[i] === ' ' || text[i] === '\t') i++;
      if (i < text.length && text[i] !== ',') return err('invalid-argument', 'text after a closing quote');
    } else {
      const end = text.indexOf(',', i);
      field = (end < 0 ? text.slice(i) : text.slice(i, end)).trim();
      i = end < 0 ? text.length : end;
    }
    out.push(field);
    if (i >= text.length) return ok(out);
    i++; // the comma
  }
}

/**
 * Parses the CSV text. `csvPath` names the file in messages and anchors relative model paths. Blank lines and lines
 * starting with '#' are skipped; the first other line is the header.
 */
export function parseMeasurementsCsv(text: string, csvPath: string): Result<{ rows: MeasurementRow[]; runtime?: string }> {
  const fail = (line: number, m: string) => err<never>('invalid-argument', `${csvPath}:${line}: ${m}`, csvPath);
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  let columns: Partial<Record<Column, number>> | undefined;
  let width = 0;
  const rows: MeasurementRow[] = [];
  for (let n = 0; n < lines.length; n++) {
    const raw = lines[n]!;
    if (raw.trim() === '' || raw.trimStart().startsWith('#')) continue;
    const split = splitCsvLine(raw);
    if (!split.ok) return fail(n + 1, split.error.message);
    const fields = split.value;
    if (!columns) {
      columns = {};
      for (let c = 0; c < fields.length; c++) {
        const h = normal(fields[c]!);
        const col = (Object.keys(HEADERS) as Column[]).find((k) => HEADERS[k].includes(h));
        if (!col) {
          return fail(n + 1, `unknown column '${fields[c]}' in the header (expected model, ms, and optionally uj and runtime, e.g. "model,ms,uj,runtime")`);
        }
        if (columns[col] !== undefined) return fail(n + 1, `column '${fields[c]}' repeats the ${col} column`);
        columns[col] = c;
      }
      if (columns.model === undefined || columns.latencyMs === undefined) {
        return fail(n + 1, `the header must name a model column and a measured-ms column (e.g. "model,ms,uj,runtime"), got "${raw.trim()}"`);
      }
      width = fields.length;
      continue;
    }
    // Trailing optional fields may be left off; more fields than the header names are a shifted row.
    if (fields.length > width) return fail(n + 1, `${fields.length} fields where the header has ${width}`);
    const at = (c: Column) => (columns![c] === undefined ? '' : fields[columns![c]!] ?? '');
    const model = at('model');
    if (model === '') return fail(n + 1, 'no model path');
    const ms = positive(at('latencyMs'));
    if (ms === undefined) return fail(n + 1, `measured ms '${at('latencyMs')}' is not a positive number`);
    const ujText = at('energyUj');
    const uj = ujText === '' ? undefined : positive(ujText);
    if (ujText !== '' && uj === undefined) return fail(n + 1, `energy µJ '${ujText}' is not a positive number (leave it empty when not measured)`);
    const runtime = at('runtime');
    rows.push({ line: n + 1, model, latencyMs: ms, ...(uj !== undefined ? { energyUj: uj } : {}), ...(runtime ? { runtime } : {}) });
  }
  if (!columns) return err('invalid-argument', `${csvPath}: no header row (expected e.g. "model,ms,uj,runtime")`, csvPath);
  if (rows.length === 0) return err('invalid-argument', `${csvPath}: no measurements after the header`, csvPath);

  // One runtime per file: a board's speed differs by runtime, so mixing them fits neither.
  const byRuntime = new Map<string, number[]>();
  for (const r of rows) if (r.runtime) (byRuntime.get(r.runtime) ?? byRuntime.set(r.runtime, []).get(r.runtime)!).push(r.line);
  if (byRuntime.size > 1) {
    const parts = [...byRuntime].map(([rt, ls]) => `'${rt}' (line${ls.length > 1 ? 's' : ''} ${listLines(ls)})`).join(' and ');
    return err('invalid-argument', `${csvPath}: the runtime column mixes ${parts}: calibrate one runtime per file`, csvPath);
  }
  const runtime = byRuntime.size === 1 ? [...byRuntime.keys()][0] : undefined;
  return ok({ rows, ...(runtime ? { runtime } : {}) });
}

/**
 * Combines repeated rows of one model (resolved against `baseDir`) into its median; refuses a model whose rows
 * disagree by more than MAX_SPREAD×.
 */
export function combineMeasurements(rows: MeasurementRow[], baseDir: string, csvPath: string): Result<Measurement[]> {
  const groups = new Map<string, MeasurementRow[]>();
  for (const r of rows) {
    const path = isAbsolute(r.model) ? r.model : resolve(baseDir, r.model);
    (groups.get(path) ?? groups.set(path, []).get(path)!).push(r);
  }
  const out: Measurement[] = [];
  for (const [path, list] of groups) {
    const ms = list.map((r) => r.latencyMs);
    const lo = Math.min(...ms);
    const hi = Math.max(...ms);
    if (hi > MAX_SPREAD * lo) {
      return err('invalid-argument', `${csvPath}: '${list[0]!.model}' is measured ${list.length} times from ${fmt(lo)} to ${fmt(hi)} ms (lines ${listLines(list.map((r) => r.line))}), more than ${MAX_SPREAD}× apart: one of them timed something else — remove it`, csvPath);
    }
    const uj = list.flatMap((r) => (r.energyUj !== undefined ? [r.energyUj] : []));
    if (uj.length > 1 && Math.max(...uj) > MAX_SPREAD * Math.min(...uj)) {
      return err('invalid-argument', `${csvPath}: '${list[0]!.model}' has energies from ${fmt(Math.min(...uj))} to ${fmt(Math.max(...uj))} µJ (lines ${listLines(list.map((r) => r.line))}), more than ${MAX_SPREAD}× apart`, csvPath);
    }
    out.push({
      label: list[0]!.model, path, latencyMs: median(ms), ...(uj.length ? { energyMj: median(uj) / 1000 } : {}), lines: list.map((r) => r.line),
    });
  }
  return ok(out);
}

/** Parse and combine in one step. */
export function readMeasurements(text: string, csvPath: string, baseDir: string): Result<MeasurementSet> {
  const parsed = parseMeasurementsCsv(text, csvPath);
  if (!parsed.ok) return parsed;
  const combined = combineMeasurements(parsed.value.rows, baseDir, csvPath);
  if (!combined.ok) return combined;
  return ok({ measurements: combined.value, rows: parsed.value.rows.length, ...(parsed.value.runtime ? { runtime: parsed.value.runtime } : {}) });
}

function positive(text: string): number | undefined {
  if (!/^[+]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(text)) return undefined;
  const x = Number(text);
  return Number.isFinite(x) && x > 0 ? x : undefined;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

function fmt(x: number): string {
  return x >= 100 ? x.toFixed(0) : x >= 1 ? x.toFixed(2) : x.toPrecision(3);
}

function listLines(ls: number[]): string {
  return ls.length > 6 ? `${ls.slice(0, 6).join(', ')}, …` : ls.join(', ');
}
