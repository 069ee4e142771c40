// Builds the profile registry: built-in catalog, then workspace `.aiot/devices/*.json`, then `--profiles` files or
// folders; a later profile with the same id replaces an earlier one.

import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { err, ok, type Result } from '../result';
import { BUILT_IN_PROFILES } from './catalog';
import { parseProfileText, validateProfile } from './validate';
import { isLink, type DeviceProfile, type LinkProfile, type Profile, type ProfileEntry } from './types';

export interface ProfileRegistry {
  /** Every profile after overrides, in catalog order then load order. */
  entries: ProfileEntry[];
}

export interface LoadOptions {
  /** Workspace folder whose `.aiot/devices/*.json` are loaded (skipped when absent). */
  cwd?: string;
  /** Extra profile files or folders (`--profiles`), relative to cwd. */
  extra?: string[];
  /** Profiles given as objects (VS Code settings), with the name to show in errors. */
  inline?: { json: unknown; origin: string }[];
}

export function builtInProfiles(): ProfileEntry[] {
  return BUILT_IN_PROFILES.map(({ file, json }) => {
    const r = validateProfile(json, `built-in profile ${file}.json`);
    if (!r.ok) throw new Error(r.error.message); // a broken catalog is a build defect, caught by the unit tests
    return { profile: r.value, origin: 'built-in' };
  });
}

export function loadProfiles(options: LoadOptions = {}): Result<ProfileRegistry> {
  const byId = new Map<string, ProfileEntry>();
  for (const e of builtInProfiles()) byId.set(e.profile.id, e);
  const add = (list: ProfileEntry[]) => { for (const e of list) byId.set(e.profile.id, e); };

  if (options.cwd) {
    const dir = join(options.cwd, '.aiot', 'devices');
    if (isDir(dir)) {
      const r = loadPath(dir);
      if (!r.ok) return r;
      add(r.value);
    }
  }
  for (const p of options.extra ?? []) {
    const r = loadPath(resolve(options.cwd ?? process.cwd(), p));
    if (!r.ok) return r;
    add(r.value);
  }
  for (const { json, origin } of options.inline ?? []) {
    const r = validateProfile(json, origin);
    if (!r.ok) return r;
    add([{ profile: r.value, origin }]);
  }
  return ok({ entries: [...byId.values()] });
}

/** Loads one profile file, or every `*.json` in a folder (sorted by name, so overrides are deterministic). */
export function loadPath(path: string): Result<ProfileEntry[]> {
  let files: string[];
  try {
    files = statSync(path).isDirectory()
      ? readdirSync(path).filter((f) => f.endsWith('.json')).sort().map((f) => join(path, f))
      : [path];
  } catch {
    return err('not-found', `${path}: profile file or folder not found`, path);
  }
  const out: ProfileEntry[] = [];
  for (const f of files) {
    let text: string;
    try {
      text = readFileSync(f, 'utf8');
    } catch (e) {
      return err('io', `${f}: cannot read (${e instanceof Error ? e.message : String(e)})`, f);
    }
    const r = parseProfileText(text, f);
    if (!r.ok) return r;
    for (const profile of r.value) out.push({ profile, origin: f });
  }
  return ok(out);
}

function isDir(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}

export function findProfile(reg: ProfileRegistry, id: string): Profile | undefined {
  return reg.entries.find((e) => e.profile.id === id)?.profile;
}

export function getDevice(reg: ProfileRegistry, id: string): Result<DeviceProfile> {
  const p = findProfile(reg, id);
  if (p && !isLink(p)) return ok(p);
  const known = reg.entries.filter((e) => !isLink(e.profile)).map((e) => e.profile.id).join(', ');
  if (p) return err('invalid-argument', `'${id}' is a link profile, not a device (devices: ${known})`);
  return err('invalid-argument', `unknown device '${id}' (known: ${known}); add one with --profiles FILE`);
}

export function getLink(reg: ProfileRegistry, id: string): Result<LinkProfile> {
  const p = findProfile(reg, id);
  if (p && isLink(p)) return ok(p);
  const known = reg.entries.filter((e) => isLink(e.profile)).map((e) => e.profile.id).join(', ');
  return err('invalid-argument', `unknown link '${id}' (links: ${known})`);
}
