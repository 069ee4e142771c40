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
