/**
 * Runs the docker CLI against the engine h2sticky uses.
 *
 * The engine is chosen as in scripts/lib/docker-host.sh. DOCKER_HOST wins
 * when it is set. Otherwise the engine that scripts/dockerd.sh starts is
 * used when its socket exists, and Docker's default socket when it does not.
 */

import { existsSync } from 'node:fs';

import { execa, type ResultPromise } from 'execa';

import { EnvironmentError } from '../../problems.js';

/** Socket of the engine that scripts/dockerd.sh starts. */
export const h2stickyDockerSocket = '/run/h2sticky/docker.sock';

export interface DockerResult {
  exitCode: number;
  stdout: string;
  stderr: string;
  timedOut: boolean;
}

export interface DockerRunOptions {
  /** Kills the docker CLI after this many milliseconds (default 120000). */
  timeoutMs?: number;
  input?: string;
}

const defaultTimeoutMs = 120_000;

// Engines that responded to `docker version`, by DOCKER_HOST value ('' for the default socket).
const reachableEngines = new Map<string, Promise<void>>();

/** Returns the DOCKER_HOST value to use, or undefined for Docker's default socket. */
export function resolveDockerHost(
  environment: NodeJS.ProcessEnv = process.env,
  socketExists: (path: string) => boolean = existsSync,
): string | undefined {
  const fromEnvironment = environment.DOCKER_HOST;
  if (fromEnvironment !== undefined && fromEnvironment !== '') return fromEnvironment;
  if (socketExists(h2stickyDockerSocket)) return `unix://${h2stickyDockerSocket}`;
  return undefined;
}

/** Names the engine for messages: its DOCKER_HOST value or the default socket. */
export function describeDockerHost(host: string | undefined): string {
  return host ?? 'the default Docker socket (/var/run/docker.sock)';
}

/** Environment for the docker CLI: DOCKER_HOST set to the chosen engine, when there is one. */
function dockerEnvironment(): Record<string, string> {
  const host = resolveDockerHost();
  return host === undefined ? {} : { DOCKER_HOST: host };
}

/**
 * Starts `docker ARGS` without waiting for it, for commands that run until
 * they are stopped, such as an attached `docker run`. Output is collected
 * into the result, interleaved in `all`.
 */
export function spawnDocker(args: readonly string[]): ResultPromise<{ all: true; reject: false }> {
  return execa('docker', args, { env: dockerEnvironment(), all: true, reject: false });
}

/**
 * Runs `docker ARGS` and returns its exit code and output without raising on
 * a non-zero exit. Raises EnvironmentError when the docker CLI is missing.
 */
export async function runDocker(args: readonly string[], options: DockerRunOptions = {}): Promise<DockerResult> {
  const result = await execa('docker', args, {
    env: dockerEnvironment(),
    reject: false,
    timeout: options.timeoutMs ?? defaultTimeoutMs,
    ...(options.input !== undefined ? { input: options.input } : {}),
  });

  if (result.failed && result.exitCode === undefined && !result.timedOut) {
    if (result.code === 'ENOENT') {
      throw new EnvironmentError(
        'docker CLI not found on PATH',
        'install Docker, for example `apt-get install docker.io`, then run scripts/dockerd.sh as root',
      );
    }
    throw new Error(`docker ${args.join(' ')} failed to start: ${result.shortMessage}`);
  }

  return {
    exitCode: result.exitCode ?? -1,
    stdout: String(result.stdout),
    stderr: String(result.stderr),
    timedOut: result.timedOut,
  };
}

/**
 * Runs `docker ARGS` and returns its standard output; raises an Error with
 * the command and its standard error when the exit code is not zero.
 */
export async function runDockerChecked(args: readonly string[], options: DockerRunOptions = {}): Promise<string> {
  const result = await runDocker(args, options);
  if (result.exitCode !== 0) {
    const reason = result.timedOut ? `timed out after ${options.timeoutMs ?? defaultTimeoutMs} ms` : `exit code ${result.exitCode}`;
    throw new Error(`docker ${args.join(' ')} failed (${reason}): ${result.stderr.trim()}`);
  }
  return result.stdout;
}

/**
 * Checks once per engine that it responds to `docker version`. Raises
 * EnvironmentError naming the engine when it does not.
 */
export async function ensureDockerEngine(): Promise<void> {
  const host = resolveDockerHost();
  const key = host ?? '';
  let check = reachableEngines.get(key);
  if (check === undefined) {
    check = probeEngine(host);
    reachableEngines.set(key, check);
    // A failed probe is not cached, so that starting the engine later helps.
    check.catch(() => reachableEngines.delete(key));
  }
  return check;
}

async function probeEngine(host: string | undefined): Promise<void> {
  const result = await runDocker(['version', '--format', '{{.Server.APIVersion}}'], { timeoutMs: 20_000 });
  if (result.exitCode === 0) return;

  const detail = result.stderr.trim().split('\n')[0] ?? '';
  throw new EnvironmentError(
    `the Docker engine is not reachable at ${describeDockerHost(host)}${detail === '' ? '' : `: ${detail}`}`,
    'run scripts/dockerd.sh as root to start the h2sticky engine, or set DOCKER_HOST to a running engine',
  );
}
