// Every file AIoT Lens writes (optimized models, split halves, reports, profiles) goes through here: a temporary
// file in the same folder, then a rename or hard link, so readers never see half a file and a failed or cancelled
// run leaves nothing behind.

import { randomBytes } from 'node:crypto';
import { existsSync, linkSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { err, ok, type Result } from './result';

/**
 * Messages do not repeat the path (callers name the file as the user gave it).
 * Without `force` an existing file is left alone (the final step is a hard link, which fails if the path exists). */
export function writeFileAtomic(path: string, data: Uint8Array | string, options: { force?: boolean } = {}): Result<void> {
  if (!options.force && existsSync(path)) return err('invalid-argument', 'the output file exists (use --force to replace it)', path);
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    writeFileSync(tmp, data, { flag: 'wx' });
    if (options.force) renameSync(tmp, path);
    else {
      linkSync(tmp, path);
      unlinkSync(tmp);
    }
    return ok(undefined);
  } catch (e) {
    try {
      unlinkSync(tmp);
    } catch {
      // the temporary file was never created or is already gone
    }
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return err('invalid-argument', 'the output file exists (use --force to replace it)', path);
    return err('io', `cannot write the file (${code ?? String(e)})`, path);
  }
}

/** A temporary name beside `path` (same folder, so the final rename or link never crosses a filesystem). */
export function tempPathFor(path: string, suffix = 'tmp'): string {
  return join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.${suffix}`);
}

function unlinkQuietly(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // already gone
  }
}

/**
 * Moves finished temporary files to their final paths as one step as far as a filesystem allows: a model and its
 * external-data file appear together or not at all. Files are committed in the order given (put the model last, so
 * a reader that finds the model finds its data). Without `force` nothing existing is replaced; with it, replaced
 * files are kept aside until every new file is in place and restored if one fails. The temporary files are always
 * gone afterwards.
 */
export function commitFiles(files: { tmp: string; path: string }[], options: { force?: boolean } = {}): Result<void> {
  const placed: string[] = [];
  const backups: { path: string; backup: string }[] = [];
  const rollback = () => {
    for (const p of placed) unlinkQuietly(p);
    for (const b of backups) {
      try {
        renameSync(b.backup, b.path);
      } catch {
        // leave the backup: better a stray file than a lost one
      }
    }
    for (const f of files) unlinkQuietly(f.tmp);
  };
  try {
    if (!options.force) {
      const existing = files.find((f) => existsSync(f.path));
      if (existing) {
        for (const f of files) unlinkQuietly(f.tmp);
        return err('invalid-argument', `${basename(existing.path)} exists (use --force to replace it)`, existing.path);
      }
    }
    for (const f of files) {
      if (options.force && existsSync(f.path)) {
        const backup = tempPathFor(f.path, 'bak');
        renameSync(f.path, backup);
        backups.push({ path: f.path, backup });
      }
      if (options.force) {
        renameSync(f.tmp, f.path);
      } else {
        // A hard link fails if the path appeared meanwhile, where a rename would silently replace it.
        linkSync(f.tmp, f.path);
        unlinkQuietly(f.tmp);
      }
      placed.push(f.path);
    }
    for (const b of backups) unlinkQuietly(b.backup);
    return ok(undefined);
  } catch (e) {
    rollback();
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return err('invalid-argument', 'the output file exists (use --force to replace it)');
    return err('io', `cannot write the files (${code ?? String(e)})`);
  }
}
