import { readFile } from 'node:fs/promises';

import { packagePath } from '../paths.js';
import { ExitCode } from '../problems.js';
import { defineCommand } from './command.js';

export const schemaCommand = defineCommand({
  command: 'schema',
  describe: 'Print the JSON Schema (2020-12) of the spec, for editors and other validators',
  builder: (yargs) =>
    yargs
      .option('kind', {
        choices: ['spec', 'scenario'] as const,
        default: 'spec' as const,
        describe: 'spec: the schema of h2sticky specs; scenario: the schema of diff scenarios',
      })
      .example('$0 schema > spec.schema.json', 'save the schema for an editor'),
  run: async (args, io) => {
    const path = packagePath('schemas', `${args.kind}.schema.json`);
    try {
      io.out(await readFile(path, 'utf8'));
    } catch {
      io.err(`h2sticky: the ${args.kind} schema is not available in this installation (${path})\n`);
      return ExitCode.invalidInput;
    }
    return ExitCode.ok;
  },
});
