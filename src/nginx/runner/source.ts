/**
 * Sources of an nginx binary: a local program or a Docker image.
 */

import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

import { EnvironmentError, InputError } from '../../problems.js';

export type LocalNginxSource = { kind: 'local'; bin: string };
export type DockerNginxSource = { kind: 'docker'; image: string };
export type NginxSource = LocalNginxSource | DockerNginxSource;

/** The local `nginx` found on PATH or in the sbin directories. */
export const defaultNginxSource: LocalNginxSource = { kind: 'local', bin: 'nginx' };

// Debian installs nginx to /usr/sbin, which is missing from the PATH of
// non-root shells and of some service managers.
const sbinDirectories = ['/usr/local/sbin', '/usr/sbin', '/sbin'];

// Docker image references: no whitespace, and not an option.
const imagePattern = /^[A-Za-z0-9][\w.\-/:@]*$/;

const sourceFormHint =
  'use "local" (nginx on PATH), "local:/path/to/nginx" or "docker:IMAGE", for example "docker:h2sticky/nginx:1.30.6"';

/**
 * Parses the CLI forms `local`, `local:/path/to/nginx` and `docker:IMAGE`.
 * Raises InputError for any other text.
 */
export function parseNginxSource(text: string): NginxSource {
  const trimmed = text.trim();
  if (trimmed === 'local') return { ...defaultNginxSource };

  if (trimmed.startsWith('local:')) {
    const bin = trimmed.slice('local:'.length);
    if (bin === '') throw invalidSource(text, 'the path after "local:" is empty');
    return { kind: 'local', bin };
  }

  if (trimmed.startsWith('docker:')) {
    const image = trimmed.slice('docker:'.length);
    if (image === '') throw invalidSource(text, 'the image after "docker:" is empty');
    if (!imagePattern.test(image)) throw invalidSource(text, `"${image}" is not a Docker image reference`);
    return { kind: 'docker', image };
  }

  throw invalidSource(text, 'it names neither a local binary nor a Docker image');
}

/** Formats a source in the form that parseNginxSource reads back. */
export function formatNginxSource(source: NginxSource): string {
  if (source.kind === 'docker') return `docker:${source.image}`;
  return source.bin === defaultNginxSource.bin ? 'local' : `local:${source.bin}`;
}

/**
 * Resolves a local nginx program to an absolute path: a name with a slash is
 * taken as a path, a bare name is searched on PATH and then in the sbin
 * directories. Raises EnvironmentError when nothing executable is found.
 */
export function resolveLocalNginx(bin: string, searchPath: string = process.env.PATH ?? ''): string {
  if (bin.includes('/')) {
    if (isExecutable(bin)) return bin;
    throw nginxNotFound(`nginx not found: ${bin} does not exist or is not executable`);
  }

  const directories = [...searchPath.split(delimiter).filter((entry) => entry !== ''), ...sbinDirectories];
  for (const directory of directories) {
    const candidate = join(directory, bin);
    if (isExecutable(candidate)) return candidate;
  }
  throw nginxNotFound(`nginx not found: no executable "${bin}" on PATH or in ${sbinDirectories.join(', ')}`);
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** Error codes of the runner's EnvironmentErrors about the nginx binary; commands rewrite their fix to name their own option. */
export const nginxBinaryErrorCodes = { notFound: 'nginx-not-found', notNginx: 'not-nginx' } as const;

/** The option forms a command takes for an nginx binary and an image, such as `--nginx local:/path/to/nginx` and `--nginx docker:IMAGE`. */
export interface NginxSourceOptions {
  binary: string;
  image: string;
}

/** Writes the fix of an nginx-binary error for a command that takes `options`. */
export function nginxBinaryFix(code: string, options: NginxSourceOptions): string {
  if (code === nginxBinaryErrorCodes.notNginx) return `pass the path of an nginx binary (${options.binary}), or a Docker image with nginx (${options.image})`;
  return `install nginx, for example \`apt-get install nginx\`, or pass ${options.binary}`;
}

const runnerOptionNames: NginxSourceOptions = { binary: 'the path of an nginx binary', image: 'an image name' };

function nginxNotFound(message: string): EnvironmentError {
  return new EnvironmentError(message, nginxBinaryFix(nginxBinaryErrorCodes.notFound, runnerOptionNames), nginxBinaryErrorCodes.notFound);
}

function invalidSource(text: string, reason: string): InputError {
  return new InputError([
    {
      code: 'nginx-source-invalid',
      severity: 'error',
      message: `invalid nginx source "${text}": ${reason}`,
      hint: sourceFormHint,
    },
  ]);
}
