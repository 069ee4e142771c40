// Argument parsing shared by the commands: node:util parseArgs plus the value formats AIoT Lens uses.

import { parseArgs, type ParseArgsConfig } from 'node:util';
import type { Shape } from '../core/onnx/ir';
import { err, ok, type Result } from '../core/result';

export type Options = NonNullable<ParseArgsConfig['options']>;

export interface Parsed {
  values: Record<string, string | boolean | (string | boolean)[] | undefined>;
  positionals: string[];
}

/** Parses argv strictly; unknown flags become a usage error value instead of an exception. */
export function parse(argv: string[], options: Options): Result<Parsed> {
  try {
    const r = parseArgs({ args: argv, options, allowPositionals: true, strict: true });
    return ok({ values: r.values as Parsed['values'], positionals: r.positionals });
  } catch (e) {
    return err('invalid-argument', e instanceof Error ? e.message.replace(/\. To specify.*$/s, '') : String(e));
  }
}

/** `NAME=1x3x224x224` → [name, shape]; every dim a positive whole number (the model's rank is checked later). */
export function parseInputShape(text: string): Result<[string, Shape]> {
  const eq = text.lastIndexOf('=');
  if (eq <= 0 || eq === text.length - 1) {
    return err('invalid-argument', `--input-shape expects NAME=DIMS such as input=1x3x224x224, got '${text}'`);
  }
  const name = text.slice(0, eq);
  const dims = text.slice(eq + 1).split(/[x,×]/).map((d) => d.trim());
  const shape: Shape = [];
  for (const d of dims) {
    if (/^\d+$/.test(d) && Number(d) > 0) shape.push(Number(d));
    else return err('invalid-argument', `--input-shape ${text}: '${d}' is not a positive whole number (dims are sizes, e.g. ${name}=1x3x224x224)`);
  }
  return ok([name, shape]);
}

export function parseInputShapes(values: unknown): Result<Record<string, Shape>> {
  const list = values === undefined ? [] : Array.isArray(values) ? values : [values];
  const shapes: Record<string, Shape> = {};
  for (const item of list) {
    const r = parseInputShape(String(item));
    if (!r.ok) return r;
    shapes[r.value[0]] = r.value[1];
  }
  return ok(shapes);
}

/** `--value NAME=N` (repeatable): inputs known at analysis time, such as a sample rate `sr=16000`. */
export function parseInputValues(values: unknown): Result<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const item of asList(values)) {
    const eq = item.lastIndexOf('=');
    const n = eq > 0 ? Number(item.slice(eq + 1)) : NaN;
    if (eq <= 0 || item.slice(eq + 1).trim() === '' || !Number.isFinite(n)) {
      return err('invalid-argument', `--value expects NAME=NUMBER such as sr=16000, got '${item}'`);
    }
    out[item.slice(0, eq)] = n;
  }
  return ok(out);
}

/** Help text lines shared by every command that analyzes a model. */
export const PIN_HELP = `  --input-shape NAME=DIMS  pin a graph input's dims, e.g. input=1x3x224x224 (repeatable)
  --value NAME=N           an input known at analysis time, e.g. sr=16000: decides If branches and Loop counts (repeatable)
`;

export function parsePositiveInt(name: string, value: unknown, fallback: number): Result<number> {
  if (value === undefined) return ok(fallback);
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) return err('invalid-argument', `--${name} expects a positive whole number, got '${String(value)}'`);
  return ok(n);
}

export function parseNumber(name: string, value: unknown): Result<number | undefined> {
  if (value === undefined) return ok(undefined);
  const n = Number(value);
  if (!Number.isFinite(n)) return err('invalid-argument', `--${name} expects a number, got '${String(value)}'`);
  return ok(n);
}

export function asList(value: unknown): string[] {
  if (value === undefined) return [];
  return (Array.isArray(value) ? value : [value]).map(String);
}

/** What a command gets after the preamble every command shares, or the exit code when it already ended. */
export type Started = { values: Parsed['values']; positionals: string[] } | { exit: number };

/**
 * The preamble of every command: strict parsing (usage errors name the command and print its help), `--help`, and
 * the number of positional arguments (`count`: exactly that many; `'1+'`: at least one).
 */
export function startCommand(
  name: string,
  argv: string[],
  io: { out(t: string): void; err(t: string): void },
  options: Options,
  help: string,
  count: number | '1+',
  what = 'model',
): Started {
  const parsed = parse(argv, { ...options, help: { type: 'boolean', short: 'h' } });
  if (!parsed.ok) {
    io.err(`aiot-lens ${name}: ${parsed.error.message}\n${help}`);
    return { exit: 2 };
  }
  const { values, positionals } = parsed.value;
  if (values['help']) {
    io.out(help);
    return { exit: 0 };
  }
  const okCount = count === '1+' ? positionals.length >= 1 : positionals.length === count;
  if (!okCount) {
    const wanted = count === '1+' ? `at least one ${what}` : count === 1 ? `one ${what}` : `${count} ${what}s`;
    io.err(`aiot-lens ${name}: expected ${wanted}, got ${positionals.length}\n${help}`);
    return { exit: 2 };
  }
  return { values, positionals };
}

/** A size such as `512M`, `2G`, `1.5GiB` or plain bytes (binary units: K = 1024) → bytes. */
export function parseByteSize(name: string, value: unknown): Result<number | undefined> {
  if (value === undefined) return ok(undefined);
  const m = /^\s*(\d+(?:\.\d+)?)\s*([kmgt]?)(?:i?b)?\s*$/i.exec(String(value));
  if (!m) return err('invalid-argument', `--${name} expects a size such as 512M, 2G or a number of bytes, got '${String(value)}'`);
  const scale = { '': 1, k: 2 ** 10, m: 2 ** 20, g: 2 ** 30, t: 2 ** 40 }[m[2]!.toLowerCase() as '' | 'k' | 'm' | 'g' | 't'];
  const n = Math.round(Number(m[1]) * scale);
  if (!(n > 0)) return err('invalid-argument', `--${name} must be positive, got '${String(value)}'`);
  return ok(n);
}
