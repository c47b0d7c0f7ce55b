/**
 * Runs nginx commands that finish by themselves (`nginx -t`, `nginx -V`) from
 * a local binary or a Docker image.
 *
 * Docker runs share the host's view of files: a work directory on the host is
 * mounted into the container at the same path, so the paths in configs,
 * arguments and messages are the same inside and outside.
 */

import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { isAbsolute, join } from 'node:path';

import { execa } from 'execa';

import { EnvironmentError, InputError } from '../../problems.js';
import { parseNginxBuildInfo, type NginxBuildInfo } from './build-info.js';
import { runDocker, runDockerChecked } from './docker.js';
import { ensureDockerImage } from './images.js';
import { formatNginxSource, nginxBinaryErrorCodes, resolveLocalNginx, type DockerNginxSource, type NginxSource } from './source.js';

export interface NginxCommandResult {
  /** nginx's exit code: 0 for success, 1 for a failed test. */
  exitCode: number;
  /** Standard output and standard error, interleaved as nginx wrote them. */
  output: string;
}

/**
 * Container strategy for Docker runs. `per-command` starts one
 * `docker run --rm` for each command, which suits a single check.
 * `shared-container` starts one long-lived container and uses `docker exec`
 * for each command, which saves a container start on each of many checks.
 */
export type ContainerMode = 'per-command' | 'shared-container';

export interface ExecutorOptions {
  /** Host paths the config references, mounted read-only at the same path in containers. */
  mounts?: readonly string[];
  containerMode?: ContainerMode;
  /** Maximum lifetime of a shared container in milliseconds (default one hour); it removes itself after. */
  containerLifetimeMs?: number;
}

export interface NginxExecutor {
  readonly source: NginxSource;
  readonly buildInfo: NginxBuildInfo;
  /** Host directory under which prefixes must be created so that nginx finds them at the same path. */
  readonly workRoot: string;
  /** Whether nginx runs as root, in which case its workers need `user root` to read the prefix. */
  readonly runsAsRoot: boolean;
  /** Name of the shared container, in mode `shared-container`. */
  readonly containerName?: string;
  /** Runs nginx with the arguments; raises when nginx cannot be run at all or runs longer than `timeoutMs`. */
  run(args: readonly string[], timeoutMs: number): Promise<NginxCommandResult>;
  /** Removes the shared container and the work directory. */
  close(): Promise<void>;
}

/** Label on every container the runner starts, so that they can be found with `docker ps --filter label=…`. */
export const runnerContainerLabel = 'org.h2sticky.runner';

const defaultContainerLifetimeMs = 3_600_000;
const buildInfoTimeoutMs = 60_000;

// `nginx -V` output by source, so that many checks ask once.
const buildInfoCache = new Map<string, Promise<NginxBuildInfo>>();

/** Opens an executor for the source; raises EnvironmentError when nginx, Docker or the image is missing. */
export async function openNginxExecutor(source: NginxSource, options: ExecutorOptions = {}): Promise<NginxExecutor> {
  validateMounts(options.mounts ?? []);
  if (source.kind === 'local') return openLocalExecutor(resolveLocalNginx(source.bin), source);

  await ensureDockerImage(source.image);
  if (options.containerMode === 'shared-container') {
    return openSharedContainerExecutor(source, options);
  }
  return openPerCommandExecutor(source, options);
}

/**
 * Runs `nginx -V` from the source and returns its parsed build info, which
 * is cached per source. Raises EnvironmentError when nginx, Docker or the
 * image is missing.
 */
export async function readNginxBuildInfo(source: NginxSource): Promise<NginxBuildInfo> {
  const executor = await openNginxExecutor(source);
  await executor.close();
  return executor.buildInfo;
}

/** Builds the `docker run` arguments that every runner container shares, up to and including the image. */
export function dockerRunArguments(options: {
  image: string;
  name: string;
  workRoot: string;
  mounts: readonly string[];
  labelValue: string;
}): string[] {
  const args = ['run', '--rm', '--name', options.name, '--network', 'host', '--label', `${runnerContainerLabel}=${options.labelValue}`];
  const user = containerUser();
  if (user !== undefined) args.push('--user', user);
  args.push('--volume', `${options.workRoot}:${options.workRoot}`);
  for (const mount of options.mounts) args.push('--volume', `${mount}:${mount}:ro`);
  args.push(options.image);
  return args;
}

/** Returns a container name that no other run uses. */
export function uniqueContainerName(purpose: string): string {
  return `h2sticky-nginx-${purpose}-${randomBytes(6).toString('hex')}`;
}

/** Creates a host directory to mount into containers at the same path. */
export async function createWorkRoot(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'h2sticky-docker-'));
}

async function openLocalExecutor(bin: string, source: NginxSource): Promise<NginxExecutor> {
  const run = async (args: readonly string[], timeoutMs: number): Promise<NginxCommandResult> => {
    const result = await execa(bin, args, { all: true, reject: false, timeout: timeoutMs });
    if (result.timedOut) throw new Error(`${bin} ${args.join(' ')} timed out after ${timeoutMs} ms`);
    if (result.exitCode === undefined) throw new Error(`${bin} could not be run: ${result.shortMessage}`);
    return { exitCode: result.exitCode, output: String(result.all) };
  };

  return {
    source: { kind: 'local', bin },
    buildInfo: await cachedBuildInfo(`local:${bin}`, () => run(['-V'], buildInfoTimeoutMs), formatNginxSource(source)),
    workRoot: tmpdir(),
    runsAsRoot: process.getuid?.() === 0,
    run,
    close: async () => {},
  };
}

async function openPerCommandExecutor(
  source: DockerNginxSource,
  options: ExecutorOptions,
): Promise<NginxExecutor> {
  const workRoot = await createWorkRoot();
  const mounts = options.mounts ?? [];

  const run = async (args: readonly string[], timeoutMs: number): Promise<NginxCommandResult> => {
    const name = uniqueContainerName('run');
    const dockerArgs = [...dockerRunArguments({ image: source.image, name, workRoot, mounts, labelValue: 'run' }), 'nginx', ...args];
    return runInDocker(dockerArgs, timeoutMs, name);
  };

  try {
    return {
      source,
      buildInfo: await cachedBuildInfo(formatNginxSource(source), () => run(['-V'], buildInfoTimeoutMs), formatNginxSource(source)),
      workRoot,
      runsAsRoot: containerUser() === undefined,
      run,
      close: () => rm(workRoot, { recursive: true, force: true }),
    };
  } catch (error) {
    await rm(workRoot, { recursive: true, force: true });
    throw error;
  }
}

async function openSharedContainerExecutor(
  source: DockerNginxSource,
  options: ExecutorOptions,
): Promise<NginxExecutor> {
  const workRoot = await createWorkRoot();
  const name = uniqueContainerName('shared');
  const lifetimeSeconds = Math.ceil((options.containerLifetimeMs ?? defaultContainerLifetimeMs) / 1000);
  const runArgs = dockerRunArguments({ image: source.image, name, workRoot, mounts: options.mounts ?? [], labelValue: 'shared' });
  // `sleep` bounds the container's life, so a caller that never closes it leaks it for at most that long.
  runArgs.splice(1, 0, '--detach');
  runArgs.push('sleep', String(lifetimeSeconds));

  const close = async (): Promise<void> => {
    await runDocker(['rm', '--force', name], { timeoutMs: 30_000 });
    await rm(workRoot, { recursive: true, force: true });
  };

  try {
    await runDockerChecked(runArgs, { timeoutMs: 60_000 });
    const run = async (args: readonly string[], timeoutMs: number): Promise<NginxCommandResult> => {
      const execArgs = ['exec', ...(containerUser() === undefined ? [] : ['--user', containerUser() as string]), name, 'nginx', ...args];
      return runInDocker(execArgs, timeoutMs, undefined);
    };

    return {
      source,
      buildInfo: await cachedBuildInfo(formatNginxSource(source), () => run(['-V'], buildInfoTimeoutMs), formatNginxSource(source)),
      workRoot,
      runsAsRoot: containerUser() === undefined,
      containerName: name,
      run,
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}

/**
 * Runs a docker command that runs nginx. Exit codes 125 to 127 come from
 * docker itself (engine error, command not runnable, command not found),
 * so they raise instead of being taken for nginx's result.
 */
async function runInDocker(dockerArgs: readonly string[], timeoutMs: number, containerName: string | undefined): Promise<NginxCommandResult> {
  const result = await runDocker(dockerArgs, { timeoutMs });
  if (result.timedOut) {
    // Killing the docker CLI leaves the container running.
    if (containerName !== undefined) await runDocker(['rm', '--force', containerName], { timeoutMs: 30_000 });
    throw new Error(`docker ${dockerArgs.join(' ')} timed out after ${timeoutMs} ms`);
  }
  if (result.exitCode >= 125) {
    throw new Error(`docker ${dockerArgs.join(' ')} failed with exit code ${result.exitCode}: ${result.stderr.trim()}`);
  }
  // nginx writes its diagnostics to stderr; stdout is empty except for `-T`.
  return { exitCode: result.exitCode, output: `${result.stdout}${result.stderr}` };
}

async function cachedBuildInfo(
  key: string,
  runVersionCommand: () => Promise<NginxCommandResult>,
  sourceName: string,
): Promise<NginxBuildInfo> {
  let info = buildInfoCache.get(key);
  if (info === undefined) {
    info = runVersionCommand().then((result) => {
      const parsed = parseNginxBuildInfo(result.output);
      if (parsed === undefined) {
        const printed = result.output.trim() === '' ? 'nothing' : JSON.stringify(result.output.trim().slice(0, 200));
        throw new EnvironmentError(
          `${sourceName} is not an nginx binary: "nginx -V" printed ${printed} instead of a version`,
          'pass the path of an nginx binary, or a Docker image with nginx',
          nginxBinaryErrorCodes.notNginx,
        );
      }
      return parsed;
    });
    buildInfoCache.set(key, info);
    info.catch(() => buildInfoCache.delete(key));
  }
  return info;
}

/** Runs containers as the calling user when it is not root, so that files nginx writes into the prefix stay removable. */
function containerUser(): string | undefined {
  const uid = process.getuid?.();
  const gid = process.getgid?.();
  if (uid === undefined || gid === undefined || uid === 0) return undefined;
  return `${uid}:${gid}`;
}

function validateMounts(mounts: readonly string[]): void {
  const problems = mounts
    .map((mount, index) => ({ mount, index }))
    .filter(({ mount }) => !isAbsolute(mount) || mount.includes(':'))
    .map(({ mount, index }) => ({
      code: 'nginx-mount-invalid',
      severity: 'error' as const,
      message: `invalid mount "${mount}": it must be an absolute host path without ":"`,
      hint: 'give the absolute path of a file or directory the config references, such as /etc/ssl/h2sticky',
      pointer: `/mounts/${index}`,
    }));
  if (problems.length > 0) throw new InputError(problems);
}
