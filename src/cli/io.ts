// The CLI's view of the outside world, so commands can be run and tested in-process.

export interface CliIO {
  /** Writes to standard output (the caller adds newlines). */
  out(text: string): void;
  /** Writes to standard error. */
  err(text: string): void;
  /** The working directory relative paths resolve against. */
  cwd: string;
}

export function processIO(): CliIO {
  // `aiot-lens print m.onnx | head` closes the pipe early: stop quietly instead of dying on EPIPE with a stack trace.
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw e;
  });
  return {
    out: (text) => process.stdout.write(text),
    err: (text) => process.stderr.write(text),
    cwd: process.cwd(),
  };
}

/** Collects output in memory: for tests and for batch runs. */
export function bufferIO(cwd = process.cwd()): CliIO & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { stdout, stderr, cwd, out: (t) => void stdout.push(t), err: (t) => void stderr.push(t) };
}

/** Exit codes shared by every command. */
export const EXIT_OK = 0;
/** A check failed (over budget, verification mismatch): the run itself worked. */
export const EXIT_CHECK_FAILED = 1;
/** Bad usage or unreadable input. */
export const EXIT_ERROR = 2;
