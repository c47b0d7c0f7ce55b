/**
 * Runs nginx in the foreground with a master process, from a local binary or
 * a container, until the caller stops it.
 *
 * Readiness and reloads are read from the error log, which the runner opens
 * at level notice. There the master logs `start worker process N` for each
 * worker it starts and `worker process N exited with code C` for each one
 * that ends (src/os/unix/ngx_process.c). A rejected config shows as an
 * `[emerg]` line.
 */

import { readFile, rm } from 'node:fs/promises';
import { connect } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

import { execa, type ResultPromise } from 'execa';

import { InputError } from '../../problems.js';
import { runDocker, spawnDocker } from './docker.js';
import { dockerRunArguments, openNginxExecutor, uniqueContainerName, type NginxExecutor } from './executor.js';
import { findMainDirectives } from './main-directives.js';
import { parseNginxMessages, type NginxMessage } from './messages.js';
import { buildNginxArguments, createNginxPrefix, writeNginxConfig, type NginxConfigInput, type NginxPrefix } from './prefix.js';
import { formatNginxSource, type NginxSource } from './source.js';
import { argumentOptionsFor } from './test-config.js';
import type { NginxVersion } from './version.js';

/** A socket nginx listens on; `host` is written without brackets (`::1`). */
export interface ListenSocket {
  host: string;
  port: number;
}

export interface StartNginxOptions extends NginxConfigInput {
  source: NginxSource;
  /** Ports the config listens on, on `host` or on their own host; startNginx returns once each accepts TCP connections. */
  ports: readonly (number | ListenSocket)[];
  /** Loopback address to probe the ports on (default 127.0.0.1). */
  host?: string;
  /** Host paths the config references, mounted read-only at the same path in containers. */
  mounts?: readonly string[];
  /** Milliseconds to wait for nginx to listen (default 20000). */
  startTimeoutMs?: number;
}

export interface ReloadOptions {
  /** Ports the new config listens on (default: the ports given to startNginx). */
  ports?: readonly (number | ListenSocket)[];
  /** Milliseconds to wait for the new workers and for the old ones to exit (default 20000). */
  timeoutMs?: number;
}

export interface RunningNginx {
  readonly source: NginxSource;
  readonly version: NginxVersion;
  /** The prefix directory (nginx's `-p`); relative paths in the config resolve under it. */
  readonly prefix: string;
  /** Path of the caller's config inside the prefix. */
  readonly configPath: string;
  readonly errorLogPath: string;
  /** The container's name when nginx runs in Docker. */
  readonly containerName?: string;
  /** Returns the error log as written so far. */
  errorLog(): Promise<string>;
  /**
   * Replaces the config and sends SIGHUP. Returns once new workers run and
   * the old ones have exited. Raises NginxRunError when nginx rejects the
   * new config, in which case the old config keeps serving.
   */
  reload(input: NginxConfigInput, options?: ReloadOptions): Promise<void>;
  /** Stops nginx (SIGTERM, then SIGKILL after 10 s) and removes the prefix. Calling it again does nothing. */
  stop(): Promise<void>;
}

/** nginx failed to start or rejected a config on reload; `messages` carries its diagnostics. */
export class NginxRunError extends Error {
  readonly messages: NginxMessage[];
  readonly output: string;

  constructor(message: string, messages: NginxMessage[], output: string) {
    const first = messages.find((entry) => entry.level === 'emerg' || entry.level === 'alert') ?? messages[0];
    const location = first?.file !== undefined ? ` in ${first.file}:${first.line ?? ''}` : '';
    super(first === undefined ? message : `${message}: [${first.level}] ${first.text}${location}`);
    this.name = 'NginxRunError';
    this.messages = messages;
    this.output = output;
  }
}

type NginxProcess = ResultPromise<{ all: true; reject: false }>;

const defaultStartTimeoutMs = 20_000;
const defaultReloadTimeoutMs = 20_000;
const stopTimeoutSeconds = 10;
const pollIntervalMs = 100;

const workerStartedPattern = /\[notice\] \d+#\d+: start worker process (\d+)/g;
const workerExitedPattern = /\[notice\] \d+#\d+: worker process (\d+) exited/g;
const rejectedPattern = /\[emerg\]/;

/**
 * Starts nginx with the caller's config and waits until it listens on every
 * port. Raises NginxRunError when nginx exits during startup, and
 * EnvironmentError when nginx, Docker or the image is missing.
 */
export async function startNginx(options: StartNginxOptions): Promise<RunningNginx> {
  const executor = await openNginxExecutor(options.source, { mounts: options.mounts ?? [], containerMode: 'per-command' });
  let prefix: NginxPrefix | undefined;

  try {
    checkServeDirectives(options);
    prefix = await createNginxPrefix(executor.workRoot, options);
    const running = launch(executor, prefix, options);
    await running.waitUntilReady(options.ports, options.startTimeoutMs ?? defaultStartTimeoutMs);
    return running.handle;
  } catch (error) {
    if (prefix !== undefined) await rm(prefix.root, { recursive: true, force: true });
    await executor.close();
    throw error;
  }
}

function launch(executor: NginxExecutor, prefix: NginxPrefix, options: StartNginxOptions) {
  const host = options.host ?? '127.0.0.1';
  const args = buildNginxArguments(prefix, 'serve', argumentOptionsFor(executor));
  const source = executor.source;
  const containerName = source.kind === 'docker' ? uniqueContainerName('serve') : undefined;

  let child: NginxProcess;
  if (source.kind === 'docker' && containerName !== undefined) {
    const runArgs = dockerRunArguments({
      image: source.image,
      name: containerName,
      workRoot: executor.workRoot,
      mounts: options.mounts ?? [],
      labelValue: 'serve',
    });
    child = spawnDocker([...runArgs, 'nginx', ...args]);
  } else {
    child = execa(source.kind === 'local' ? source.bin : 'nginx', args, { all: true, reject: false });
  }

  let exited = false;
  void child.then(() => {
    exited = true;
  });

  let stopped: Promise<void> | undefined;
  const workersAtStart = new Set<string>();

  const readLog = async (): Promise<Buffer> => readFile(prefix.errorLogPath).catch(() => Buffer.alloc(0));

  const diagnostics = async (since: number): Promise<{ messages: NginxMessage[]; output: string }> => {
    const log = (await readLog()).subarray(since).toString('utf8');
    const output = exited ? String((await child).all ?? '') : '';
    return { messages: parseNginxMessages(`${output}\n${log}`, prefix.pathNames), output: `${output}${log}` };
  };

  const terminate = async (): Promise<void> => {
    if (containerName !== undefined) {
      await runDocker(['stop', '--time', String(stopTimeoutSeconds), containerName], { timeoutMs: (stopTimeoutSeconds + 20) * 1000 });
    } else if (!exited) {
      child.kill('SIGTERM');
    }
    // An unreferenced timer, so that a stopped nginx does not keep this process alive for the full wait.
    await Promise.race([child, sleep((stopTimeoutSeconds + 5) * 1000, undefined, { ref: false })]);
    if (!exited) child.kill('SIGKILL');
    await child;
    if (containerName === undefined) await killOrphanedWorkers(await readLog());
  };

  const sendReloadSignal = async (): Promise<void> => {
    if (containerName !== undefined) {
      const result = await runDocker(['kill', '--signal', 'HUP', containerName], { timeoutMs: 30_000 });
      if (result.exitCode !== 0) throw new Error(`docker kill --signal HUP ${containerName} failed: ${result.stderr.trim()}`);
    } else {
      child.kill('SIGHUP');
    }
  };

  const waitUntilReady = async (ports: readonly (number | ListenSocket)[], timeoutMs: number): Promise<void> => {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (exited) {
        const { messages, output } = await diagnostics(0);
        throw new NginxRunError(`nginx exited during startup (${formatNginxSource(source)})`, messages, output);
      }

      const log = (await readLog()).toString('utf8');
      const started = matchAll(log, workerStartedPattern);
      if (started.length > 0 && (await allPortsAccept(host, ports))) {
        for (const pid of started) workersAtStart.add(pid);
        return;
      }
      await sleep(pollIntervalMs);
    }

    await terminate();
    const { messages, output } = await diagnostics(0);
    throw new NginxRunError(
      `nginx did not listen on ${ports.map((port) => formatSocket(host, port)).join(', ')} within ${timeoutMs} ms`,
      messages,
      output,
    );
  };

  const reload = async (input: NginxConfigInput, reloadOptions: ReloadOptions = {}): Promise<void> => {
    if (stopped !== undefined || exited) throw new Error('nginx is not running; start it again instead of reloading');
    if (input.layout !== options.layout) {
      throw new Error(`reload needs a config with layout "${options.layout}", the layout nginx was started with`);
    }

    checkServeDirectives(input);
    const before = await readLog();
    const oldWorkers = currentWorkers(before.toString('utf8'));
    await writeNginxConfig(prefix, input);
    await sendReloadSignal();

    const ports = reloadOptions.ports ?? options.ports;
    const timeoutMs = reloadOptions.timeoutMs ?? defaultReloadTimeoutMs;
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const log = (await readLog()).subarray(before.length).toString('utf8');
      if (rejectedPattern.test(log)) {
        const { messages, output } = await diagnostics(before.length);
        throw new NginxRunError('nginx rejected the new config and keeps running the old one', messages, output);
      }
      if (exited) {
        const { messages, output } = await diagnostics(before.length);
        throw new NginxRunError('nginx exited during reload', messages, output);
      }

      const started = matchAll(log, workerStartedPattern);
      const exitedWorkers = new Set(matchAll(log, workerExitedPattern));
      const oldGone = [...oldWorkers].every((pid) => exitedWorkers.has(pid));
      if (started.length > 0 && oldGone && (await allPortsAccept(host, ports))) return;
      await sleep(pollIntervalMs);
    }
    throw new Error(`nginx did not finish reloading within ${timeoutMs} ms; see ${prefix.errorLogPath}`);
  };

  const stop = async (): Promise<void> => {
    stopped ??= (async () => {
      try {
        await terminate();
      } finally {
        await rm(prefix.root, { recursive: true, force: true });
        await executor.close();
      }
    })();
    return stopped;
  };

  const handle: RunningNginx = {
    source,
    version: executor.buildInfo.version,
    prefix: prefix.root,
    configPath: prefix.configPath,
    errorLogPath: prefix.errorLogPath,
    ...(containerName !== undefined ? { containerName } : {}),
    errorLog: async () => (await readLog()).toString('utf8'),
    reload,
    stop,
  };

  return { handle, waitUntilReady };
}

/**
 * Raises InputError when a full config sets `daemon` or `master_process` to
 * a value the runner cannot work with: a daemonized master escapes stop(),
 * and without a master process there are no workers to wait for on reload.
 */
function checkServeDirectives(input: NginxConfigInput): void {
  if (input.layout !== 'full') return;

  const mainDirectives = findMainDirectives(input.config);
  const required: Record<string, string> = { daemon: 'off', master_process: 'on' };
  const problems = Object.entries(required)
    .filter(([name, value]) => {
      const args = mainDirectives.get(name);
      return args !== undefined && args[0] !== value;
    })
    .map(([name, value]) => ({
      code: 'nginx-serve-directive',
      severity: 'error' as const,
      message: `"${name} ${mainDirectives.get(name)?.join(' ') ?? ''}" prevents running nginx in the foreground with a master process`,
      hint: `remove "${name}" from the config, or set "${name} ${value};"`,
      file: input.fileName ?? 'nginx.conf',
    }));
  if (problems.length > 0) throw new InputError(problems);
}

/** Workers started and not yet exited, according to the log. */
function currentWorkers(log: string): Set<string> {
  const exited = new Set(matchAll(log, workerExitedPattern));
  return new Set(matchAll(log, workerStartedPattern).filter((pid) => !exited.has(pid)));
}

/**
 * Ends the workers this runner's nginx started, by the pids its log names,
 * when they still run an nginx program. A local master killed with SIGKILL
 * leaves its workers running.
 */
async function killOrphanedWorkers(log: Buffer): Promise<void> {
  for (const pid of currentWorkers(log.toString('utf8'))) {
    const command = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
    if (!command.startsWith('nginx: worker process')) continue;
    try {
      process.kill(Number(pid), 'SIGKILL');
    } catch {
      // The worker exited between the check and the kill.
    }
  }
}

function matchAll(text: string, pattern: RegExp): string[] {
  return [...text.matchAll(pattern)].map((match) => match[1] ?? '');
}

async function allPortsAccept(host: string, ports: readonly (number | ListenSocket)[]): Promise<boolean> {
  for (const port of ports) {
    const socket = typeof port === 'number' ? { host, port } : port;
    if (!(await portAccepts(socket.host, socket.port))) return false;
  }
  return true;
}

/** Writes a socket as `127.0.0.1:8080` or `[::1]:8080`. */
function formatSocket(host: string, port: number | ListenSocket): string {
  const socket = typeof port === 'number' ? { host, port } : port;
  return socket.host.includes(':') ? `[${socket.host}]:${socket.port}` : `${socket.host}:${socket.port}`;
}

function portAccepts(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const finish = (accepted: boolean): void => {
      socket.destroy();
      resolve(accepted);
    };
    socket.setTimeout(1000, () => finish(false));
    socket.once('connect', () => finish(true));
    socket.once('error', () => finish(false));
  });
}

