import { resolve } from 'node:path';

import { ExitCode, InputError, type Problem, type Severity } from '../problems.js';
import { loadLintConfig } from '../lint/config-file.js';
import { formatJson } from '../lint/formatters/json.js';
import { formatSarif } from '../lint/formatters/sarif.js';
import { formatStylish } from '../lint/formatters/stylish.js';
import { lintFile, severityAtLeast, type Finding } from '../lint/linter.js';
import { allRules } from '../lint/rules/index.js';
import type { ParseError } from '../lint/syntax.js';
import { parseTarget } from '../lint/target.js';
import { defineCommand } from './command.js';

interface LintArgs {
  files: string[];
  'nginx-version'?: string;
  edition?: string;
  format: 'stylish' | 'json' | 'sarif';
  'fail-on'?: Severity;
  config?: string;
  'list-rules': boolean;
}

export const lintCommand = defineCommand<LintArgs>({
  command: 'lint [files..]',
  describe: 'Check nginx configuration files for problems with stickiness, HTTP/2, versions and security',
  builder: (yargs) =>
    yargs
      .positional('files', { type: 'string', array: true, default: [], describe: 'Main nginx configuration files; includes are followed' })
      .option('nginx-version', { type: 'string', describe: 'nginx version the files are for, such as 1.26.3 (default 1.30.6)' })
      .option('edition', { type: 'string', choices: ['oss', 'plus'], describe: 'open-source nginx or NGINX Plus (default oss)' })
      .option('format', { type: 'string', choices: ['stylish', 'json', 'sarif'] as const, default: 'stylish' as const, describe: 'Output format' })
      .option('fail-on', { type: 'string', choices: ['error', 'warning', 'info'] as const, describe: 'Lowest severity that makes the exit code 1 (default warning)' })
      .option('config', { type: 'string', describe: 'Lint config file (default: .h2sticky-lint.json in the working directory, if present)' })
      .option('list-rules', { type: 'boolean', default: false, describe: 'Print every rule with its severity and description, then exit' }),
  run: async (args, io) => {
    if (args['list-rules']) {
      for (const rule of allRules) io.out(`${rule.id.padEnd(36)} ${rule.severity.padEnd(8)} ${rule.description}\n`);
      return ExitCode.ok;
    }
    if (args.files.length === 0) {
      throw new InputError([{ code: 'missing-file', severity: 'error', message: 'no configuration file given', hint: 'Run "h2sticky lint /etc/nginx/nginx.conf".' }], 'nothing to lint');
    }

    const { config } = await loadLintConfig(args.config === undefined ? undefined : resolve(io.cwd, args.config), io.cwd);
    const target = parseTarget(args['nginx-version'] ?? config.nginxVersion, args.edition ?? config.edition, args['nginx-version'] ? '--nginx-version' : 'nginxVersion');
    const failOn = args['fail-on'] ?? config.failOn ?? 'warning';
    const options = config.rules ? { target, rules: config.rules } : { target };

    const findings: Finding[] = [];
    const parseErrors: ParseError[] = [];
    let suppressed = 0;
    for (const file of args.files) {
      const result = lintFile(resolve(io.cwd, file), options);
      findings.push(...result.findings);
      parseErrors.push(...result.payload.errors);
      suppressed += result.suppressed;
    }

    if (parseErrors.length > 0) throw new InputError(parseErrors.map(toProblem), `${parseErrors.length} file error${parseErrors.length === 1 ? '' : 's'}; nothing was linted`);

    if (args.format === 'json') io.out(formatJson(findings, target, suppressed));
    else if (args.format === 'sarif') io.out(formatSarif(findings, allRules, target, io.cwd));
    else io.out(formatStylish(findings));

    return findings.some((finding) => severityAtLeast(finding.severity, failOn)) ? ExitCode.findings : ExitCode.ok;
  },
});

function toProblem(error: ParseError): Problem {
  return { code: error.code, severity: 'error', message: error.error, file: error.file, line: error.line, column: error.column };
}
