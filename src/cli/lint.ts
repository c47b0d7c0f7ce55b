import { resolve } from 'node:path';

import { ExitCode, InputError, formatProblem, type ExitCodeValue, type Severity } from '../problems.js';
import { loadLintConfig } from '../lint/config-file.js';
import { formatJson } from '../lint/formatters/json.js';
import { formatSarif } from '../lint/formatters/sarif.js';
import { formatStylish } from '../lint/formatters/stylish.js';
import { parseFailure } from '../lint/input-problems.js';
import { detectFragmentContext, lintContexts, lintParsed, severityAtLeast, type Finding, type LintContext } from '../lint/linter.js';
import { parseConfigFile } from '../lint/parser.js';
import { allRules } from '../lint/rules/index.js';
import type { NginxCheckResult } from '../lint/nginx-check.js';
import type { ParseError, ParsePayload } from '../lint/syntax.js';
import { parseTarget, type Target } from '../lint/target.js';
import { parseVersion, supportedRangeText, unsupportedReason } from '../nginx/version.js';
import { parseNginxSource, type NginxSource } from '../nginx/runner/source.js';
import { defineCommand, type CliIO } from './command.js';
import { namingNginxOptions, nginxVersionError } from './shared-options.js';

interface LintArgs {
  files: string[];
  'nginx-version'?: string;
  edition?: string;
  format: 'stylish' | 'json' | 'sarif';
  'fail-on'?: Severity;
  config?: string;
  nginx?: string;
  'list-rules': boolean;
  context?: LintContext;
}

export const lintCommand = defineCommand<LintArgs>({
  command: 'lint [files..]',
  describe: 'Check nginx configuration files for problems with stickiness, HTTP/2, versions and security',
  builder: (yargs) =>
    yargs
      .positional('files', { type: 'string', array: true, default: [], describe: 'nginx configuration files: main files, or conf.d and sites-enabled fragments (see --context); includes are followed' })
      .option('context', {
        type: 'string',
        choices: lintContexts,
        describe:
          'Block the files are linted as included in (default main). Without it, a file whose top level fits only in http or stream, such as a conf.d file of server blocks, is linted as included in that block, with a note',
      })
      .option('nginx-version', { type: 'string', describe: `nginx version the files are for, such as 1.26.3 or 1.26; supported: ${supportedRangeText} (default 1.30.6)` })
      .option('edition', { type: 'string', choices: ['oss', 'plus'], describe: 'open-source nginx or NGINX Plus (default oss)' })
      .option('format', { type: 'string', choices: ['stylish', 'json', 'sarif'] as const, default: 'stylish' as const, describe: 'How to print the findings: stylish for reading in a terminal, json for scripts, sarif (SARIF 2.1.0) for upload to a code-scanning service. json and sarif list parse errors as results too' })
      .option('fail-on', { type: 'string', choices: ['error', 'warning', 'info'] as const, describe: 'Lowest severity that makes the exit code 1 (default warning)' })
      .option('config', { type: 'string', describe: 'Lint config file in JSON (default: .h2sticky-lint.json in the working directory, if present)' })
      .option('nginx', {
        type: 'string',
        describe: 'Also run real "nginx -t" and merge its messages: "local", "local:/path/to/nginx" or "docker:IMAGE". Without --nginx-version, the lint targets that nginx\'s version',
      })
      .option('list-rules', { type: 'boolean', default: false, describe: 'Print every rule with its severity and description, then exit' })
      .check((args) => (args['nginx-version'] === undefined ? true : (nginxVersionError(args['nginx-version']) ?? true)))
      .example('$0 lint /etc/nginx/nginx.conf --nginx-version 1.22.1', 'lint for Debian 12 nginx')
      .example('$0 lint nginx.conf --format sarif > lint.sarif', 'write SARIF for a code-scanning service')
      .example('$0 lint nginx.conf --nginx local', 'also run the local nginx -t and merge its messages')
      .example('$0 lint /etc/nginx/conf.d/app.conf --context server', 'lint a file that an "include" inside a server block reads'),
  run: async (args, io) =>
    namingNginxOptions({ binary: '--nginx local:PATH', image: '--nginx docker:IMAGE' }, async () => {
      if (args['list-rules']) {
        for (const rule of allRules) io.out(`${rule.id.padEnd(36)} ${rule.severity.padEnd(8)} ${rule.description}\n`);
        return ExitCode.ok;
      }
      if (args.files.length === 0) {
        throw new InputError([{ code: 'missing-file', severity: 'error', message: 'no configuration file given', hint: 'Run "h2sticky lint /etc/nginx/nginx.conf".' }], 'nothing to lint');
      }

      const { config } = await loadLintConfig(args.config === undefined ? undefined : resolve(io.cwd, args.config), io.cwd);
      const chosenVersion = args['nginx-version'] ?? config.nginxVersion;
      let target = parseTarget(chosenVersion, args.edition ?? config.edition, args['nginx-version'] ? '--nginx-version' : 'nginxVersion');
      const failOn = args['fail-on'] ?? config.failOn ?? 'warning';
      const source = args.nginx === undefined ? undefined : parseNginxSource(args.nginx);
      if (source !== undefined && args.context !== undefined && args.context !== 'main') throw nginxNeedsMainFile(`--context ${args.context} lints the files as fragments`);

      const parsedFiles = args.files.map((file) => ({ file: resolve(io.cwd, file), parsed: parseConfigFile(resolve(io.cwd, file)) }));
      const parseErrors: ParseError[] = parsedFiles.flatMap(({ parsed }) => parsed.payload.errors);
      if (parseErrors.length > 0) {
        const failure = parseFailure(parseErrors, 'linted');
        if (args.format === 'stylish') throw failure;
        return writeParseFailure(failure, args.format, target, io);
      }

      const findings: Finding[] = [];
      let suppressed = 0;
      const checkedVersions = new Set<string>();
      for (const { file, parsed } of parsedFiles) {
        const fragmentContext = args.context === undefined ? detectFragmentContext(parsed, target) : undefined;
        if (source !== undefined && fragmentContext !== undefined) throw nginxNeedsMainFile(`${file} is a fragment, linted as included in ${fragmentContext} {}`);
        const check = source === undefined ? undefined : await runNginxCheckLazily(file, parsed.payload, source);
        if (check && chosenVersion === undefined) target = targetOfCheckedNginx(target, check.version);

        const context = args.context ?? fragmentContext ?? 'main';
        const result = lintParsed(parsed, config.rules ? { target, rules: config.rules, context } : { target, context });
        if (fragmentContext !== undefined) {
          io.err(
            `note: ${file} has top-level directives that nginx rejects in a main file but accepts inside ${fragmentContext} {}, so it was linted as included in ${fragmentContext} {}. ` +
              `To lint it as another block's include, pass --context main|http|server|location|stream\n`,
          );
        }
        findings.push(...(check ? check.merge(result.findings) : result.findings));
        suppressed += result.suppressed;
        if (check) {
          for (const notice of check.notices) io.err(`note: ${notice}\n`);
          io.err(`nginx ${check.version} -t ${check.ok ? 'accepted' : 'rejected'} ${file}\n`);
          checkedVersions.add(check.version);
        }
      }
      if (chosenVersion !== undefined) {
        for (const version of checkedVersions) {
          if (version === target.version) continue;
          io.err(
            `note: nginx -t checked the files with nginx ${version}, not with nginx ${target.version} that --nginx-version names; ` +
              `the nginx-t findings are about ${version}. For ${target.version}, pass an nginx of that version: --nginx local:PATH or --nginx docker:IMAGE\n`,
          );
        }
      }

      if (args.format === 'json') io.out(formatJson(findings, target, suppressed));
      else if (args.format === 'sarif') io.out(formatSarif(findings, allRules, target, io.cwd));
      else io.out(formatStylish(findings));

      return findings.some((finding) => severityAtLeast(finding.severity, failOn)) ? ExitCode.findings : ExitCode.ok;
    }),
});

/**
 * Writes a JSON or SARIF document whose results are the parse errors, so that
 * `lint --format sarif > lint.sarif` leaves a valid file with the errors in
 * it. The errors also go to stderr, as for the stylish format, and the exit
 * code stays 2.
 */
function writeParseFailure(failure: InputError, format: 'json' | 'sarif', target: Target, io: CliIO): ExitCodeValue {
  const findings: Finding[] = failure.problems.map((problem) => ({ ...problem, severity: 'error', file: problem.file ?? '' }));
  io.out(format === 'json' ? formatJson(findings, target, 0) : formatSarif(findings, allRules, target, io.cwd));

  for (const problem of failure.problems) io.err(`${formatProblem(problem)}\n`);
  io.err(`h2sticky: ${failure.message}\n`);
  return ExitCode.invalidInput;
}

/** Rejects --nginx for a fragment, because nginx -t reads only a main file. */
function nginxNeedsMainFile(reason: string): InputError {
  return new InputError(
    [
      {
        code: 'nginx-needs-main-file',
        severity: 'error',
        message: `--nginx needs a main nginx.conf, because "nginx -t" reads only main files, but ${reason}`,
        hint: 'Run --nginx on the main file that includes this fragment, or lint the fragment without --nginx.',
      },
    ],
    '--nginx needs a main configuration file',
  );
}

/** Runs nginx -t through the runner, which is loaded only when --nginx is given because it pulls in execa. */
async function runNginxCheckLazily(file: string, payload: ParsePayload, source: NginxSource): Promise<NginxCheckResult & { merge: (findings: readonly Finding[]) => Finding[] }> {
  const { mergeNginxFindings, runNginxCheck } = await import('../lint/nginx-check.js');
  const result = await runNginxCheck(file, payload, source);
  return { ...result, merge: (findings) => mergeNginxFindings(findings, result.findings) };
}

/** Lints for the version of the nginx that ran `nginx -t`, when it is one the tables describe. */
function targetOfCheckedNginx(current: Target, version: string): Target {
  const parsed = parseVersion(version);
  return parsed && unsupportedReason(parsed) === undefined ? { ...current, version } : current;
}
