import { access } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { basename, resolve } from 'node:path';

import { packagePath } from '../paths.js';
import { ExitCode } from '../problems.js';
import { writeFileAtomic } from '../util/atomic-write.js';
import { defaultVersionText } from '../nginx/version.js';
import { defineCommand } from './command.js';
import { nginxVersionError } from './shared-options.js';

/** Renders the commented example spec that `init` writes. */
export async function exampleSpec(fileName: string, nginxVersion: string, edition: 'oss' | 'plus'): Promise<string> {
  const { default: Handlebars } = await import('handlebars');
  const template = Handlebars.compile(readFileSync(packagePath('templates', 'init-spec.yaml.hbs'), 'utf8'), { noEscape: true, strict: true });
  return template({ fileName, nginxVersion, edition });
}

export const initCommand = defineCommand({
  command: 'init [file]',
  describe: 'Write a commented example spec to start from',
  builder: (yargs) =>
    yargs
      .positional('file', { type: 'string', default: 'h2sticky.yaml', describe: 'where to write the spec' })
      .option('nginx-version', { type: 'string', default: defaultVersionText, describe: 'nginx version the example targets' })
      .option('edition', { choices: ['oss', 'plus'] as const, default: 'oss' as const, describe: 'oss for open-source nginx, plus for NGINX Plus' })
      .option('force', { type: 'boolean', default: false, describe: 'overwrite the file if it exists' })
      .check((args) => nginxVersionError(args['nginx-version']) ?? true)
      .example('$0 init', 'write h2sticky.yaml in the current directory')
      .example('$0 init shop.yaml --nginx-version 1.22', 'an example for Debian 12 nginx'),
  run: async (args, io) => {
    const path = resolve(io.cwd, args.file);
    if (!args.force && (await exists(path))) {
      io.err(`h2sticky: ${args.file} already exists; pass --force to overwrite it, or name another file\n`);
      return ExitCode.invalidInput;
    }
    await writeFileAtomic(path, await exampleSpec(basename(args.file), args['nginx-version'], args.edition));
    io.err(`wrote ${args.file}; edit the servers and certificate paths, then run: h2sticky build ${args.file} -o nginx.conf\n`);
    return ExitCode.ok;
  },
});

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}
