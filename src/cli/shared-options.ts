import type { Argv } from 'yargs';

import type { Edition } from '../nginx/version.js';
import type { TargetOverride } from '../spec/target.js';

/** --nginx-version and --edition, shared by every command that compiles a spec. */
export function targetOptions<T>(yargs: Argv<T>) {
  return yargs
    .option('nginx-version', {
      type: 'string',
      describe: 'nginx version to generate for, such as 1.22.1, 1.26.3 or 1.30; overrides target.nginx in the spec (default 1.30)',
    })
    .option('edition', {
      choices: ['oss', 'plus'] as const,
      describe: 'oss for open-source nginx, plus for NGINX Plus; overrides target.edition in the spec (default oss)',
    });
}

export function targetOverride(args: { 'nginx-version'?: string | undefined; edition?: Edition | undefined }): TargetOverride {
  const nginxVersion = args['nginx-version'];
  return {
    ...(nginxVersion !== undefined ? { nginxVersion } : {}),
    ...(args.edition !== undefined ? { edition: args.edition } : {}),
  };
}
