// The `aiot-lens` command line: dispatches to one module per command, loaded only when that command runs.

import { processIO, EXIT_ERROR, type CliIO } from './io';

export interface CommandModule {
  run(argv: string[], io: CliIO): Promise<number>;
  /** One line for `aiot-lens help`. */
  summary?: string;
}

const COMMANDS: Record<string, () => Promise<CommandModule>> = {
  'check-script': () => import('./commands/check-script'),
  analyze: () => import('./commands/analyze'),
  graph: () => import('./commands/graph'),
  optimize: () => import('./commands/optimize'),
  print: () => import('./commands/print'),
  parse: () => import('./commands/parse'),
  devices: () => import('./commands/devices'),
  advise: () => import('./commands/advise'),
  check: () => import('./commands/check'),
  profile: () => import('./commands/profile'),
  calibrate: () => import('./commands/calibrate'),
  split: () => import('./commands/split'),
  whatif: () => import('./commands/whatif'),
  filter: () => import('./commands/filter'),
};

export const VERSION = '0.1.0';

function usage(): string {
  return [
    'usage: aiot-lens <command> [options]',
    '',
    'commands:',
    ...Object.keys(COMMANDS).sort().map((c) => `  ${c}`),
    '',
    "Run 'aiot-lens <command> --help' for a command's options.",
    '',
  ].join('\n');
}

export async function main(argv: string[], io: CliIO): Promise<number> {
  const [command, ...rest] = argv;
  if (!command || command === 'help' || command === '--help' || command === '-h') {
    io.out(usage());
    return command ? 0 : EXIT_ERROR;
  }
  if (command === '--version' || command === '-v') {
    io.out(`${VERSION}\n`);
    return 0;
  }
  const load = COMMANDS[command];
  if (!load) {
    io.err(`aiot-lens: unknown command '${command}'\n${usage()}`);
    return EXIT_ERROR;
  }
  try {
    const mod = await load();
    return await mod.run(rest, io);
  } catch (e) {
    // A bug must still end as one clear line, never a stack trace in the user's terminal.
    io.err(`aiot-lens ${command}: internal error: ${e instanceof Error ? e.message : String(e)}\n`);
    if (process.env['AIOT_LENS_DEBUG'] && e instanceof Error && e.stack) io.err(`${e.stack}\n`);
    return EXIT_ERROR;
  }
}

/** Runs the command line of this process; resolves once the command has finished and set the exit code. */
export function runProcess(argv = process.argv.slice(2)): Promise<void> {
  return main(argv, processIO()).then(
    (code) => {
      process.exitCode = code;
    },
    () => {
      process.exitCode = EXIT_ERROR;
    },
  );
}

// Run from source (`node --import tsx src/cli/main.ts`); the built CLI's entry is bin.ts.
if (process.argv[1]?.endsWith('main.ts')) void runProcess();
