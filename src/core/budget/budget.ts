// The budget file (`.aiot/budget.json`): loading and validation against schemas/budget.schema.json.

import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import schemaJson from '../../../schemas/budget.schema.json';
import { validateJson, type Schema } from '../devices/jsonSchema';
import { err, ok, type Result } from '../result';
import type { Budget } from '../advisor/types';

export const BUDGET_SCHEMA = schemaJson as unknown as Schema;

export interface BudgetFile {
  device: string;
  profiles?: string[];
  latencyMs?: number;
  fps?: number;
  ramHeadroom?: number;
  flashHeadroom?: number;
  battery?: { mah: number; v: number; hours: number };
  link?: string;
  inputShapes?: Record<string, number[]>;
  inputValues?: Record<string, number>;
}

export function parseBudget(text: string, file: string): Result<BudgetFile> {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    return err('invalid-argument', `${file}: not valid JSON (${e instanceof Error ? e.message : String(e)})`, file);
  }
  const errors = validateJson(json, BUDGET_SCHEMA);
  if (errors.length > 0) {
    const shown = errors.slice(0, 3).map((e) => (e.field ? `field '${e.field}' ${e.message}` : e.message)).join('; ');
    return err('invalid-argument', `${file}: ${shown}${errors.length > 3 ? ` (and ${errors.length - 3} more problems)` : ''}`, file);
  }
  return ok(json as BudgetFile);
}

/** Loads the given budget file, or `.aiot/budget.json` under cwd; undefined (ok) when neither exists. */
export function loadBudget(cwd: string, file?: string): Result<{ budget: BudgetFile; path: string } | undefined> {
  const path = file ? resolve(cwd, file) : join(cwd, '.aiot', 'budget.json');
  if (!existsSync(path)) return file ? err('not-found', `${file}: budget file not found`, file) : ok(undefined);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    return err('io', `${path}: cannot read (${e instanceof Error ? e.message : String(e)})`, path);
  }
  const r = parseBudget(text, file ?? path);
  if (!r.ok) return r;
  const budget = { ...r.value, ...(r.value.profiles ? { profiles: r.value.profiles.map((p) => resolve(dirname(path), p)) } : {}) };
  return ok({ budget, path });
}

/** The advisor's budget form of a budget file. */
export function toBudget(b: BudgetFile): Budget {
  return {
    ...(b.latencyMs !== undefined ? { latencyMs: b.latencyMs } : {}),
    ...(b.fps !== undefined ? { fps: b.fps } : {}),
    ...(b.ramHeadroom !== undefined ? { ramHeadroom: b.ramHeadroom } : {}),
    ...(b.flashHeadroom !== undefined ? { flashHeadroom: b.flashHeadroom } : {}),
    ...(b.battery ? { batteryMah: b.battery.mah, batteryV: b.battery.v, hours: b.battery.hours } : {}),
  };
}
