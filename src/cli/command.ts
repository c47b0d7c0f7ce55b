import type { Argv } from 'yargs';

import type { ExitCodeValue } from '../problems.js';

/** Where a command writes; tests pass their own to capture output. */
export interface CliIO {
  out(text: string): void;
  err(text: string): void;
  /** True when standard error is a terminal, so progress output may redraw lines. */
  errIsTTY: boolean;
  cwd: string;
}

/**
 * One CLI command. `run` returns the exit code; it never calls process.exit
 * and prints only through `io`.
 */
export interface CommandDefinition<Args> {
  command: string | readonly string[];
  describe: string;
  builder: (yargs: Argv) => Argv<Args>;
  run: (args: Args, io: CliIO) => Promise<ExitCodeValue>;
}

/** Keeps the argument type of `builder` tied to `run` while allowing a heterogeneous command list. */
export function defineCommand<Args>(definition: CommandDefinition<Args>): CommandDefinition<unknown> {
  return definition as CommandDefinition<unknown>;
}
