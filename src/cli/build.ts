import { stat } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';

import type { CheckResult } from '../nginx/check.js';
import { layouts, type Layout } from '../nginx/layout.js';
import { formatNginxSource, type NginxSource } from '../nginx/runner/source.js';
import { ExitCode } from '../problems.js';
import type { CliIO } from './command.js';
import { describeTarget } from '../spec/target.js';
import { writeFileAtomic } from '../util/atomic-write.js';
import { defineCommand } from './command.js';
import { printProblems, rejectionSummary } from './report.js';
import { namingNginxOptions, targetOptions, targetOverride } from './shared-options.js';

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
        })
        .option('check', {
          type: 'boolean',
          default: false,
          describe: 'run real "nginx -t" on the output before writing it; nothing is written when nginx rejects it (exit 1). Certificates missing on this machine are replaced by a placeholder for the check. Without --nginx-bin or --nginx-image, the local nginx checks the config when its major.minor matches the target, otherwise an h2sticky/nginx image of the target\'s line in Docker. When neither exists, or Docker is not reachable, or the target is NGINX Plus, nothing is checked or written (exit 3) and the message says what to install or pass',
        })
        .option('nginx-bin', {
          type: 'string',
          describe: 'nginx binary for --check, used whatever its version (default: nginx found on PATH or in /usr/sbin, see --check)',
        })
        .option('nginx-image', {
          type: 'string',
          describe: 'Docker image for --check instead of a local binary, such as h2sticky/nginx:1.30.6 (built by scripts/nginx-images.sh) or nginx:1.30',
        })
        .conflicts('nginx-bin', 'nginx-image'),
    )
      .example('$0 build shop.yaml -o /etc/nginx/nginx.conf', 'write a complete nginx.conf')
      .example('$0 build shop.yaml --layout http -o conf.d/', 'write conf.d/h2sticky.conf for "include conf.d/*.conf;"')
      .example('$0 build shop.yaml --nginx-version 1.22.1', 'print the config for Debian 12 nginx (emulated sticky)')
      .example('$0 build shop.yaml -o nginx.conf --check', 'write nginx.conf only if nginx of the target\'s line accepts it')
      .example('$0 build shop.yaml --check --nginx-image IMG', 'check in the Docker image IMG, such as h2sticky/nginx:1.30.6'),
  run: async (args, io) =>
    namingNginxOptions({ binary: '--nginx-bin PATH', image: '--nginx-image IMAGE' }, async () => {
      // Loaded here rather than at the top, so that other commands start without the compiler's packages.
      const { compileSpecFile } = await import('../compile.js');
      const result = await compileSpecFile(args.spec, { target: targetOverride(args), layout: args.layout });
      printProblems(io, result.problems);
      if (!result.config || !result.plan) {
        io.err(`h2sticky: ${args.spec} ${rejectionSummary(result.problems)}; nothing was written\n`);
        return ExitCode.invalidInput;
      }
      for (const note of result.plan.notes) io.err(`note: ${note.message}\n`);

      const path = args.output === undefined ? undefined : await outputPath(resolve(io.cwd, args.output), args.output.endsWith('/'), args.layout);
      if (args.check) {
        let source: NginxSource;
        if (args['nginx-image'] !== undefined) source = { kind: 'docker', image: args['nginx-image'] };
        else if (args['nginx-bin'] !== undefined) source = { kind: 'local', bin: args['nginx-bin'] };
        else {
          const { chooseDefaultCheckSource } = await import('../nginx/check-source.js');
          const chosen = await chooseDefaultCheckSource(result.plan);
          source = chosen.source;
          if (chosen.notice !== undefined) io.err(`note: ${chosen.notice}\n`);
        }
        const { checkPlan } = await import('../nginx/check.js');
        const check = await checkPlan(result.plan, { source, layout: args.layout, fileName: path ?? 'generated.conf' });
        reportCheck(io, check, result.config, source, path ?? 'generated.conf');
        if (!check.ok) {
          io.err('h2sticky: nginx rejected the generated configuration; nothing was written\n');
          return ExitCode.findings;
        }
      }

      if (path === undefined) {
        io.out(result.config);
        return ExitCode.ok;
      }

      const written = await writeOutput(path, result.config);
      if (written.failure !== undefined) {
        io.err(`h2sticky: cannot write ${path}: ${written.failure}; choose another --output\n`);
        return ExitCode.invalidInput;
      }
      if (written.createdDirectory !== undefined) io.err(`created directory ${dirname(path)}\n`);
      io.err(`wrote ${path} for ${describeTarget(result.plan.target)}\n`);
      return ExitCode.ok;
    }),
});

/** Prints nginx's verdict with each message followed by the generated line it points at. */
function reportCheck(io: CliIO, check: CheckResult, config: string, source: NginxSource, fileName: string): void {
  for (const notice of check.notices) io.err(`note: ${notice}\n`);
  const lines = config.split('\n');
  for (const message of check.messages) {
    if (message.level === 'notice' || message.level === 'info' || message.level === 'debug') continue;
    const location = message.file !== undefined ? `${message.file}:${message.line ?? ''}: ` : '';
    io.err(`${location}nginx: [${message.level}] ${message.text}\n`);
    if (message.file === fileName && message.line !== undefined && lines[message.line - 1] !== undefined) {
      io.err(`  ${String(message.line).padStart(5)} | ${lines[message.line - 1]}\n`);
    }
  }
  const verdict = check.ok ? 'accepted' : 'rejected';
  io.err(`nginx ${check.version} (${formatNginxSource(source)}) ${verdict} the configuration\n`);
}

/** File system errors that mean the output path is unusable, with the words users know them by. */
const writeFailures: Record<string, string> = {
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EROFS: 'read-only file system',
  ENOENT: 'a directory on the path does not exist and cannot be created',
  ENOTDIR: 'a part of the path is a file, not a directory',
  EEXIST: 'a part of the path is a file, not a directory',
  EISDIR: 'the path is a directory',
  ENOSPC: 'no space left on the device',
};

/**
 * Writes the output atomically. Returns the first directory it created, or
 * the reason when the path cannot be written, and raises other errors.
 */
async function writeOutput(path: string, content: string): Promise<{ createdDirectory?: string; failure?: string }> {
  try {
    const createdDirectory = await writeFileAtomic(path, content);
    return createdDirectory === undefined ? {} : { createdDirectory };
  } catch (error) {
    const reason = writeFailures[(error as NodeJS.ErrnoException).code ?? ''];
    if (reason === undefined) throw error;
    return { failure: reason };
  }
}

async function outputPath(path: string, namesDirectory: boolean, layout: Layout): Promise<string> {
  if (namesDirectory) return join(path, defaultFileNames[layout]);
  try {
    if ((await stat(path)).isDirectory()) return join(path, defaultFileNames[layout]);
  } catch {
    // A path that does not exist yet is a file to create.
  }
  return path;
}
