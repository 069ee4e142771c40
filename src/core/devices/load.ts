// Builds the profile registry: built-in catalog, then workspace `.aiot/devices/*.json`, then `--profiles` files or
// folders; a later profile with the same id replaces an earlier one.

import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { err, ok, type Result } from '../result';
import { BUILT_IN_PROFILES } from './catalog';
import { parseProfileText, validateProfile } from './validate';
import { expandRuntimes } from './runtimes';
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

let builtIn: ProfileEntry[] | undefined;

/** The built-in catalog, a board with several runtimes giving one profile per runtime (see devices/runtimes.ts). */
export function builtInProfiles(): ProfileEntry[] {
  builtIn ??= BUILT_IN_PROFILES.flatMap(({ file, json }) => {
    const r = expanded(validateProfile(json, `built-in profile ${file}.json`), `built-in profile ${file}.json`);
    if (!r.ok) throw new Error(r.error.message); // a broken catalog is a build defect, caught by the unit tests
    return r.value.map((profile) => ({ profile, origin: 'built-in' }));
  });
  return builtIn.map((e) => ({ ...e }));
}

/** A validated profile expanded into its board × runtime profiles. */
function expanded(r: Result<Profile>, file: string): Result<Profile[]> {
  if (!r.ok) return r;
  if (isLink(r.value)) return ok([r.value]);
  const list = expandRuntimes(r.value);
  return typeof list === 'string' ? err('invalid-argument', `${file}: ${list}`, file) : ok(list);
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
    const r = expanded(validateProfile(json, origin), origin);
    if (!r.ok) return r;
    add(r.value.map((profile) => ({ profile, origin })));
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
    for (const p of r.value) {
      const e = expanded(ok(p), f);
      if (!e.ok) return e;
      for (const profile of e.value) out.push({ profile, origin: f });
    }
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

/** By id; `<board>@<runtime>` also finds a board's default runtime, which carries the bare id. */
export function findProfile(reg: ProfileRegistry, id: string): Profile | undefined {
  const exact = reg.entries.find((e) => e.profile.id === id)?.profile;
  if (exact) return exact;
  const at = id.lastIndexOf('@');
  if (at <= 0) return undefined;
  const board = id.slice(0, at);
  const runtime = id.slice(at + 1);
  return reg.entries.find((e) => !isLink(e.profile) && e.profile.board === board && e.profile.runtime === runtime)?.profile;
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
