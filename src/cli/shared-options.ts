import type { Argv } from 'yargs';

import { nginxBinaryErrorCodes, nginxBinaryFix, type NginxSourceOptions } from '../nginx/runner/source.js';
import { EnvironmentError, type ExitCodeValue } from '../problems.js';

import { parseVersion, supportedRangeText, unsupportedReason, type Edition } from '../nginx/version.js';
import type { TargetOverride } from '../spec/target.js';

/**
 * Formats a usage error about an option's value in the one style every
 * command uses: the option, the value as given, and what it accepts.
 */
export function invalidOptionValue(option: string, value: unknown, expected: string): string {
  return `invalid --${option} ${JSON.stringify(String(value))}: expected ${expected}`;
}

/** Joins accepted values as `a, b or c`. */
export function listOfChoices(choices: readonly unknown[]): string {
  const texts = choices.map(String);
  if (texts.length <= 1) return texts.join('');
  return `${texts.slice(0, -1).join(', ')} or ${texts.at(-1)!}`;
}

/** Returns the usage error for an --nginx-version value, or undefined when h2sticky supports that version. */
export function nginxVersionError(text: string, option = 'nginx-version'): string | undefined {
  const version = parseVersion(text);
  if (version && unsupportedReason(version) === undefined) return undefined;
  return invalidOptionValue(option, text, `a version from ${supportedRangeText}, such as 1.30 or 1.26.3`);
}

/**
 * Returns the usage error for a number option, or undefined when its value
 * is a decimal number within the bounds (and whole, if required). The
 * option is declared without a yargs type, so a non-number arrives as
 * written and a missing value as `true`.
 */
export function numberOptionError(option: string, value: unknown, bounds: { min: number; max?: number; whole: boolean; unit?: string }): string | undefined {
  const kind = bounds.whole ? 'a whole number' : 'a number';
  const range = bounds.max === undefined ? `of ${bounds.min} or more` : `from ${bounds.min} to ${bounds.max}`;
  const expected = `${kind}${bounds.unit ? ` of ${bounds.unit}` : ''} ${range}`;
  if (typeof value === 'boolean') return `missing value after --${option}: expected ${expected}`;

  const text = String(value);
  const number = /^-?\d+(\.\d+)?$/.test(text) ? Number(text) : Number.NaN;
  const inRange = number >= bounds.min && (bounds.max === undefined || number <= bounds.max);
  if (Number.isFinite(number) && inRange && (!bounds.whole || Number.isInteger(number))) return undefined;
  return invalidOptionValue(option, text, expected);
}

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
      // A returned string is a usage error in yargs; a thrown one would count as a bug.
      return text === undefined ? true : (nginxVersionError(String(text)) ?? true);
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
