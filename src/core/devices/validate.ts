// Checks parsed JSON against the shipped device-profile schema and returns a typed profile or an error naming
// the file and the field.

import schemaJson from '../../../schemas/device-profile.schema.json';
import { err, ok, type Result } from '../result';
import { validateJson, type Schema } from './jsonSchema';
import type { Profile } from './types';

export const DEVICE_PROFILE_SCHEMA = schemaJson as unknown as Schema;

/** Validates one profile object; `file` names where it came from in the error message. */
export function validateProfile(json: unknown, file: string, at = ''): Result<Profile> {
  const errors = validateJson(json, DEVICE_PROFILE_SCHEMA);
  if (errors.length === 0) return ok(json as Profile);
  // Wrong values first: a typo'd value is more telling than the list of missing fields it causes.
  const sorted = [...errors].sort((a, b) => Number(a.message === 'is required') - Number(b.message === 'is required'));
  const shown = sorted.slice(0, 3).map((e) => {
    const field = at ? (e.field ? `${at}.${e.field}` : at) : e.field;
    return field ? `field '${field}' ${e.message}` : e.message;
  });
  const more = errors.length > 3 ? ` (and ${errors.length - 3} more problem${errors.length > 4 ? 's' : ''})` : '';
  return err('invalid-argument', `${file}: ${shown.join('; ')}${more}`, file);
}

/** A profile file holds one profile object or an array of them. */
export function parseProfileText(text: string, file: string): Result<Profile[]> {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    return err('invalid-argument', `${file}: not valid JSON (${e instanceof Error ? e.message : String(e)})`, file);
  }
  const items = Array.isArray(json) ? json : [json];
  const out: Profile[] = [];
  for (let i = 0; i < items.length; i++) {
    const r = validateProfile(items[i], file, Array.isArray(json) ? `[${i}]` : '');
    if (!r.ok) return r;
    out.push(r.value);
  }
  return ok(out);
}
