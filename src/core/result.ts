// Errors as values: every public engine entry point returns a Result instead of throwing at its caller.

export type ErrorCode =
  | 'not-found'
  | 'io'
  | 'not-onnx'
  | 'corrupt'
  | 'external-data'
  | 'unsafe-path'
  | 'too-large'
  | 'invalid-model'
  | 'unsupported'
  | 'invalid-argument'
  | 'cancelled'
  | 'runtime'
  | 'internal';

/** A failure a user can read: one sentence naming the file and the problem. */
export interface LensError {
  code: ErrorCode;
  message: string;
  path?: string;
}

export type Result<T> = { ok: true; value: T } | { ok: false; error: LensError };

export function ok<T>(value: T): Result<T> {
  return { ok: true, value };
}

export function err<T = never>(code: ErrorCode, message: string, path?: string): Result<T> {
  return { ok: false, error: path === undefined ? { code, message } : { code, message, path } };
}

/**
 * Thrown inside the engine where unwinding is simpler than threading a Result through deep recursion;
 * boundaries convert it back with `catchLens`.
 */
export class LensException extends Error {
  constructor(readonly code: ErrorCode, message: string, readonly path?: string) {
    super(message);
    this.name = 'LensException';
  }
}

/** Runs `fn` and turns any exception into an error value (unknown exceptions become `internal`). */
export function catchLens<T>(fn: () => T, path?: string): Result<T> {
  try {
    return ok(fn());
  } catch (e) {
    return err(...toLensErrorArgs(e, path));
  }
}

export async function catchLensAsync<T>(fn: () => Promise<T>, path?: string): Promise<Result<T>> {
  try {
    return ok(await fn());
  } catch (e) {
    return err(...toLensErrorArgs(e, path));
  }
}

function toLensErrorArgs(e: unknown, path?: string): [ErrorCode, string, string?] {
  if (e instanceof LensException) return [e.code, e.message, e.path ?? path];
  if (e instanceof RangeError && /call stack/i.test(e.message)) {
    return ['too-large', 'the model is nested too deeply to analyze', path];
  }
  const message = e instanceof Error ? e.message : String(e);
  return ['internal', message, path];
}

/** Unwraps a result or throws its error as a LensException (for tests and internal plumbing). */
export function unwrap<T>(r: Result<T>): T {
  if (r.ok) return r.value;
  throw new LensException(r.error.code, r.error.message, r.error.path);
}
