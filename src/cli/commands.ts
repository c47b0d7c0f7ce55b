import { buildCommand } from './build.js';
import type { CommandDefinition } from './command.js';
import { diffCommand } from './diff.js';
import { initCommand } from './init.js';
import { lintCommand } from './lint.js';
import { parseCommand } from './parse.js';
import { proxyCommand } from './proxy.js';
import { schemaCommand } from './schema.js';
import { validateCommand } from './validate.js';

/** Every CLI command, in the order `--help` lists them. */
export const commands: readonly CommandDefinition<unknown>[] = [
  buildCommand,
  validateCommand,
  schemaCommand,
  initCommand,
  lintCommand,
  parseCommand,
  proxyCommand,
  diffCommand,
];
