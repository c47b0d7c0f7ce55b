import { resolve } from 'node:path';

import { ExitCode, InputError } from '../problems.js';
import { buildConfig } from '../lint/builder.js';
import { parseErrorProblem, throwOnUnreadableFiles } from '../lint/input-problems.js';
import { parseConfigFile } from '../lint/parser.js';
import { serializePayload } from '../lint/syntax.js';
import { defineCommand } from './command.js';
import { numberOptionError } from './shared-options.js';

interface ParseArgs {
  file: string;
  json: boolean;
  'include-comments': boolean;
  'single-file': boolean;
  /** A number, or the text given when it is not one; the check rejects that. */
  indent: number | string;
}

export const parseCommand = defineCommand<ParseArgs>({
  command: 'parse <file>',
  describe: 'Parse an nginx configuration with its includes; print it back formatted, or as a crossplane-shaped JSON payload',
  builder: (yargs) =>
    yargs
      .positional('file', { type: 'string', demandOption: true, describe: 'Main nginx configuration file' })
      .option('json', { type: 'boolean', default: false, describe: 'Print the payload (status, errors, config[].parsed[]) as JSON' })
      .option('include-comments', { type: 'boolean', default: false, describe: 'Keep comments as "#" entries in the --json payload; the formatted output always keeps them' })
      .option('single-file', { type: 'boolean', default: false, describe: 'Parse only the given file and leave include directives unresolved' })
      // No `type: 'number'`: yargs would turn a non-number into NaN, and the check below quotes the value as written.
      .option('indent', { default: 4, describe: 'Spaces per nesting level when printing the configuration back, from 0 to 16' })
      .check((args) => numberOptionError('indent', args.indent, { min: 0, max: 16, whole: true }) ?? true)
      .example('$0 parse /etc/nginx/nginx.conf --json', 'print the crossplane-shaped payload')
      .example('$0 parse nginx.conf --indent 2', 'print every file formatted with two-space indents'),
  run: async (args, io) => {
    const { payload } = parseConfigFile(resolve(io.cwd, args.file), {
      includeComments: args['include-comments'] || !args.json,
      singleFile: args['single-file'],
    });

    throwOnUnreadableFiles(payload.errors, 'parsed');
    if (args.json) {
      io.out(`${serializePayload(payload, 2)}\n`);
      return payload.status === 'ok' ? ExitCode.ok : ExitCode.invalidInput;
    }

    if (payload.errors.length > 0) {
      throw new InputError(payload.errors.map(parseErrorProblem), `${payload.errors.length} parse error${payload.errors.length === 1 ? '' : 's'}`);
    }
    for (const config of payload.config) {
      if (payload.config.length > 1) io.out(`# configuration file ${config.file}:\n`);
      io.out(buildConfig(config.parsed, { indent: Number(args.indent) }));
    }
    return ExitCode.ok;
  },
});
