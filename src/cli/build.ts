import { stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';

import { compileSpecFile } from '../compile.js';
import { layouts, type Layout } from '../nginx/render.js';
import { ExitCode } from '../problems.js';
import { describeTarget } from '../spec/target.js';
import { writeFileAtomic } from '../util/atomic-write.js';
import { defineCommand } from './command.js';
import { countSummary, printProblems } from './report.js';
import { targetOptions, targetOverride } from './shared-options.js';

/** File names used when --output names a directory. */
const defaultFileNames: Record<Layout, string> = { full: 'nginx.conf', http: 'h2sticky.conf' };

export const buildCommand = defineCommand({
  command: 'build <spec>',
  describe: 'Compile a spec into nginx configuration',
  builder: (yargs) =>
    targetOptions(
      yargs
        .positional('spec', { type: 'string', demandOption: true, describe: 'spec file (YAML or JSON)' })
        .option('output', {
          alias: 'o',
          type: 'string',
          describe: `file to write, or a directory to write ${defaultFileNames.full} (layout full) or ${defaultFileNames.http} (layout http) in; the file is replaced atomically. Default: standard output`,
        })
        .option('layout', {
          choices: layouts,
          default: 'full' as Layout,
          describe: 'full: a complete nginx.conf with main, events and http; http: the contents of an http block, to include from your nginx.conf',
        }),
    )
      .example('$0 build shop.yaml -o /etc/nginx/nginx.conf', 'write a complete nginx.conf')
      .example('$0 build shop.yaml --layout http -o conf.d/', 'write conf.d/h2sticky.conf for "include conf.d/*.conf;"')
      .example('$0 build shop.yaml --nginx-version 1.22.1', 'print the config for Debian 12 nginx (emulated sticky)'),
  run: async (args, io) => {
    const result = await compileSpecFile(args.spec, { target: targetOverride(args), layout: args.layout });
    printProblems(io, result.problems);
    if (!result.config || !result.plan) {
      io.err(`h2sticky: ${args.spec} is invalid (${countSummary(result.problems)}); nothing was written\n`);
      return ExitCode.invalidInput;
    }
    for (const note of result.plan.notes) io.err(`note: ${note.message}\n`);

    if (args.output === undefined) {
      io.out(result.config);
      return ExitCode.ok;
    }

    const path = await outputPath(resolve(io.cwd, args.output), args.output.endsWith('/'), args.layout);
    await writeFileAtomic(path, result.config);
    io.err(`wrote ${path} for ${describeTarget(result.plan.target as Parameters<typeof describeTarget>[0])}\n`);
    return ExitCode.ok;
  },
});

async function outputPath(path: string, namesDirectory: boolean, layout: Layout): Promise<string> {
  if (namesDirectory) return join(path, defaultFileNames[layout]);
  try {
    if ((await stat(path)).isDirectory()) return join(path, defaultFileNames[layout]);
  } catch {
    // A path that does not exist yet is a file to create.
  }
  return path;
}
