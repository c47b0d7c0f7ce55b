/**
 * A fresh nginx prefix directory for one check or one running nginx:
 *
 *   PREFIX/conf/nginx.conf          the caller's full config (layout `full`), or
 *   PREFIX/conf/http.conf           the caller's http-level include (layout `http`)
 *   PREFIX/conf/h2sticky-main.conf  main config around the include (layout `http`)
 *   PREFIX/conf/<path>              extra files, such as certificates
 *   PREFIX/logs/error.log           error log at level notice
 *   PREFIX/logs/nginx.pid           pid file, unless the config sets `pid`
 *
 * Extra files sit beside the config because nginx resolves relative paths in
 * `include`, `ssl_certificate` and similar directives against the directory
 * of the main config file (the `-c` argument).
 */

import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { dirname, isAbsolute, join, normalize } from 'node:path';

import { InputError, type Problem } from '../../problems.js';
import { writeFileAtomic } from '../../util/atomic-write.js';
import { findMainDirectives } from './main-directives.js';

/** `full`: a complete nginx.conf. `http`: the body of an `http { }` block, which the runner wraps. */
export type ConfigLayout = 'full' | 'http';

export interface ExtraFile {
  /** Path relative to the config's directory; `..` and absolute paths are rejected. */
  path: string;
  content: string | Uint8Array;
}

export interface NginxConfigInput {
  config: string;
  layout: ConfigLayout;
  /** Name that messages use for the config, such as `build/nginx.conf`; by default `nginx.conf` or `http.conf`. */
  fileName?: string;
  files?: readonly ExtraFile[];
}

export interface NginxPrefix {
  /** Absolute prefix directory, given to nginx with `-p`. */
  root: string;
  /** Path of the caller's config. */
  configPath: string;
  /** The file given to nginx with `-c`: the caller's config, or the wrapper for layout `http`. */
  mainConfigPath: string;
  errorLogPath: string;
  pidPath: string;
  /** Absolute paths inside the prefix mapped to the file names the caller gave. */
  pathNames: Map<string, string>;
  /** Main-context directives that the caller's config sets itself. */
  mainDirectives: Map<string, string[]>;
}

/** `test` runs `nginx -t`; `serve` keeps nginx in the foreground with a master process. */
export type NginxRunMode = 'test' | 'serve';

export interface NginxArgumentOptions {
  /**
   * Adds `user root;` when the config sets no `user`. nginx started as root
   * runs its workers as the compiled-in user (nobody on Debian), which cannot
   * read a prefix created with mode 0700 by another user, nor write its logs.
   */
  workersAsRoot: boolean;
  /** Whether nginx accepts `-e FILE` (1.19.5 and later), which keeps startup errors out of the compiled-in log path. */
  errorLogOption: boolean;
}

const mainConfigName = 'h2sticky-main.conf';

/** Creates a prefix under `parentDirectory` and writes the config and its extra files into it. */
export async function createNginxPrefix(parentDirectory: string, input: NginxConfigInput): Promise<NginxPrefix> {
  validateExtraFiles(input);

  const root = await mkdtemp(join(parentDirectory, 'h2sticky-nginx-'));
  const configDirectory = join(root, 'conf');
  const configPath = join(configDirectory, configBaseName(input.layout));
  const prefix: NginxPrefix = {
    root,
    configPath,
    mainConfigPath: input.layout === 'http' ? join(configDirectory, mainConfigName) : configPath,
    errorLogPath: join(root, 'logs', 'error.log'),
    pidPath: join(root, 'logs', 'nginx.pid'),
    pathNames: new Map(),
    mainDirectives: new Map(),
  };

  await mkdir(configDirectory, { recursive: true });
  await mkdir(join(root, 'logs'), { recursive: true });
  // nginx opens the error log itself; an empty file lets readers start at offset 0.
  await writeFile(prefix.errorLogPath, '');
  await writeNginxConfig(prefix, input);
  return prefix;
}

/**
 * Writes the caller's config, the wrapper for layout `http` and the extra
 * files into an existing prefix, each atomically, and updates the path names
 * and main directives. A reload uses this to replace the config.
 */
export async function writeNginxConfig(prefix: NginxPrefix, input: NginxConfigInput): Promise<void> {
  validateExtraFiles(input);
  if (input.layout === 'http' && prefix.mainConfigPath === prefix.configPath) {
    throw new Error('this prefix was created for a full config; it cannot take an http-level include');
  }

  const configDirectory = dirname(prefix.configPath);
  prefix.pathNames.clear();
  prefix.pathNames.set(prefix.configPath, input.fileName ?? configBaseName(input.layout));

  for (const file of input.files ?? []) {
    const path = join(configDirectory, normalize(file.path));
    await writeFileAtomic(path, file.content);
    prefix.pathNames.set(path, file.path);
  }

  await writeFileAtomic(prefix.configPath, input.config);
  if (input.layout === 'http') {
    await writeFileAtomic(prefix.mainConfigPath, httpWrapper(prefix.configPath));
    prefix.pathNames.set(prefix.mainConfigPath, mainConfigName);
    prefix.mainDirectives = new Map();
  } else {
    prefix.mainDirectives = findMainDirectives(input.config);
  }
}

/**
 * Builds the nginx command-line arguments for a prefix. Main-context
 * directives go through `-g` only where the config does not set them,
 * because nginx rejects a directive that both set as duplicate.
 */
export function buildNginxArguments(prefix: NginxPrefix, mode: NginxRunMode, options: NginxArgumentOptions): string[] {
  const globals: string[] = [];
  const sets = (name: string): boolean => prefix.mainDirectives.has(name);

  if (!sets('pid')) globals.push(`pid ${quote(prefix.pidPath)};`);
  // nginx accepts several error_log directives (since 1.5.2), so this one never clashes.
  globals.push(`error_log ${quote(prefix.errorLogPath)} notice;`);
  if (options.workersAsRoot && !sets('user')) globals.push('user root;');
  if (mode === 'serve') {
    if (!sets('daemon')) globals.push('daemon off;');
    if (!sets('master_process')) globals.push('master_process on;');
  }

  const args = ['-p', `${prefix.root}/`, '-c', prefix.mainConfigPath];
  if (options.errorLogOption) args.push('-e', prefix.errorLogPath);
  args.push('-g', globals.join(' '));
  if (mode === 'test') args.push('-t');
  return args;
}

function configBaseName(layout: ConfigLayout): string {
  return layout === 'http' ? 'http.conf' : 'nginx.conf';
}

function httpWrapper(includePath: string): string {
  return [
    '# Main config written by h2sticky around an http-level include.',
    'events {',
    '}',
    '',
    'http {',
    `    include ${quote(includePath)};`,
    '}',
    '',
  ].join('\n');
}

/** Quotes a value for an nginx config or `-g` argument. */
function quote(value: string): string {
  return `"${value.replace(/[\\"]/g, (character) => `\\${character}`)}"`;
}

function validateExtraFiles(input: NginxConfigInput): void {
  const reserved = new Set([configBaseName(input.layout), mainConfigName]);
  const problems: Problem[] = [];

  for (const [index, file] of (input.files ?? []).entries()) {
    const normalized = normalize(file.path);
    let reason: string | undefined;
    if (file.path === '' || isAbsolute(file.path)) reason = 'it must be a relative path';
    else if (normalized === '..' || normalized.startsWith('../')) reason = 'it must not leave the config directory';
    else if (reserved.has(normalized)) reason = `the runner writes ${normalized} itself`;
    if (reason === undefined) continue;

    problems.push({
      code: 'nginx-extra-file-invalid',
      severity: 'error',
      message: `invalid extra file path "${file.path}": ${reason}`,
      hint: 'give a path relative to the config directory, such as certs/server.pem; mount absolute host paths instead',
      pointer: `/files/${index}/path`,
    });
  }

  if (problems.length > 0) throw new InputError(problems);
}
