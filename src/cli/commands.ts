import type { CommandDefinition } from './command.js';
import { lintCommand } from './lint.js';
import { parseCommand } from './parse.js';

/** Every CLI command, in the order `--help` lists them. */
export const commands: readonly CommandDefinition<unknown>[] = [lintCommand, parseCommand];
