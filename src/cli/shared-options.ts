import type { Argv } from 'yargs';

import { nginxBinaryErrorCodes, nginxBinaryFix, type NginxSourceOptions } from '../nginx/runner/source.js';
import { EnvironmentError, type ExitCodeValue } from '../problems.js';

import { parseVersion, supportedRangeText, unsupportedReason, type Edition } from '../nginx/version.js';
import type { TargetOverride } from '../spec/target.js';

/** --nginx-version and --edition, shared by every command that compiles a spec. */
export function targetOptions<T>(yargs: Argv<T>) {
  return yargs
    .option('nginx-version', {
      type: 'string',
      describe: `nginx version to generate for, such as 1.22.1, 1.26.3 or 1.30; supported: ${supportedRangeText}; overrides target.nginx in the spec (default 1.30)`,
    })
    .option('edition', {
      choices: ['oss', 'plus'] as const,
      describe: 'oss for open-source nginx, plus for NGINX Plus; overrides target.edition in the spec (default oss)',
    })
    .check((args) => {
      const text = args['nginx-version'];
      if (text === undefined) return true;
      const version = parseVersion(String(text));
      // A returned string is a usage error in yargs; a thrown one would count as a bug.
      if (!version) return `invalid --nginx-version "${text}": write a version such as 1.30 or 1.26.3`;
      const reason = unsupportedReason(version);
      if (reason) return `unsupported --nginx-version "${text}": ${reason}`;
      return true;
    });
}

export function targetOverride(args: { 'nginx-version'?: string | undefined; edition?: Edition | undefined }): TargetOverride {
  const nginxVersion = args['nginx-version'];
  return {
    ...(nginxVersion !== undefined ? { nginxVersion } : {}),
    ...(args.edition !== undefined ? { edition: args.edition } : {}),
  };
}

/**
 * Runs a command's work so that an nginx-binary error from the runner, which
 * build, lint and diff share, names the options of that command.
 */
export async function namingNginxOptions(options: NginxSourceOptions, work: () => Promise<ExitCodeValue>): Promise<ExitCodeValue> {
  const codes: readonly (string | undefined)[] = Object.values(nginxBinaryErrorCodes);
  try {
    return await work();
  } catch (error) {
    if (error instanceof EnvironmentError && error.code !== undefined && codes.includes(error.code)) {
      throw new EnvironmentError(error.message, nginxBinaryFix(error.code, options), error.code);
    }
    throw error;
  }
}
