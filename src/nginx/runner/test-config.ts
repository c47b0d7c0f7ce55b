/**
 * Runs real `nginx -t` on a config text in a fresh temporary prefix.
 */

import { rm } from 'node:fs/promises';

import { compareVersions, type NginxVersion } from './version.js';
import type { NginxBuildInfo } from './build-info.js';
import { openNginxExecutor, type ExecutorOptions, type NginxExecutor } from './executor.js';
import { parseNginxMessages, type NginxMessage } from './messages.js';
import { buildNginxArguments, createNginxPrefix, type NginxArgumentOptions, type NginxConfigInput } from './prefix.js';
import type { NginxSource } from './source.js';

export interface TestConfigResult {
  /** True when nginx accepted the config (exit code 0); warnings do not make it false. */
  ok: boolean;
  exitCode: number;
  /** nginx version that ran the test. */
  version: NginxVersion;
  /** Edition of the nginx that ran the test, from its `nginx -V` version line. */
  edition: 'oss' | 'plus';
  /** The source that ran the test; a local source carries the resolved binary path. */
  source: NginxSource;
  /** nginx's output as printed, with the temporary prefix paths in it. */
  output: string;
  /** Leveled messages, with prefix paths mapped back to the caller's file names. */
  messages: NginxMessage[];
}

export interface NginxCheckerOptions extends ExecutorOptions {
  source: NginxSource;
  /** Milliseconds one `nginx -t` may take (default 60000). */
  timeoutMs?: number;
}

export interface TestConfigOptions extends NginxConfigInput, NginxCheckerOptions {}

/** Runs `nginx -t` on many configs with one executor; with Docker, one shared container serves every check. */
export interface NginxChecker {
  readonly source: NginxSource;
  readonly buildInfo: NginxBuildInfo;
  /** Name of the shared container when checks run in one. */
  readonly containerName?: string;
  check(input: NginxConfigInput): Promise<TestConfigResult>;
  /** Removes the shared container and temporary files. */
  close(): Promise<void>;
}

const defaultTimeoutMs = 60_000;

// nginx 1.19.5 added `-e`, which sets the error log used before the config is read.
const errorLogOptionVersion = '1.19.5';

/**
 * Runs `nginx -t` once. For many checks with the same source, openNginxChecker
 * is cheaper with Docker because it starts one container for all of them.
 */
export async function testConfig(options: TestConfigOptions): Promise<TestConfigResult> {
  const checker = await openNginxChecker({ ...options, containerMode: options.containerMode ?? 'per-command' });
  try {
    return await checker.check(options);
  } finally {
    await checker.close();
  }
}

/**
 * Opens a checker. With a Docker source the default is one shared container,
 * which lives until close() or until its lifetime ends.
 */
export async function openNginxChecker(options: NginxCheckerOptions): Promise<NginxChecker> {
  const executor = await openNginxExecutor(options.source, {
    ...options,
    containerMode: options.containerMode ?? 'shared-container',
  });
  const timeoutMs = options.timeoutMs ?? defaultTimeoutMs;

  return {
    source: executor.source,
    buildInfo: executor.buildInfo,
    ...(executor.containerName !== undefined ? { containerName: executor.containerName } : {}),
    check: (input) => checkConfig(executor, input, timeoutMs),
    close: () => executor.close(),
  };
}

/** Chooses the `-g` directives and options that fit an executor's nginx. */
export function argumentOptionsFor(executor: NginxExecutor): NginxArgumentOptions {
  return {
    workersAsRoot: executor.runsAsRoot,
    errorLogOption: compareVersions(executor.buildInfo.version, errorLogOptionVersion) >= 0,
  };
}

async function checkConfig(executor: NginxExecutor, input: NginxConfigInput, timeoutMs: number): Promise<TestConfigResult> {
  const prefix = await createNginxPrefix(executor.workRoot, input);
  try {
    const args = buildNginxArguments(prefix, 'test', argumentOptionsFor(executor));
    const result = await executor.run(args, timeoutMs);
    return {
      ok: result.exitCode === 0,
      exitCode: result.exitCode,
      version: executor.buildInfo.version,
      edition: executor.buildInfo.edition,
      source: executor.source,
      output: result.output,
      messages: parseNginxMessages(result.output, prefix.pathNames),
    };
  } finally {
    await rm(prefix.root, { recursive: true, force: true });
  }
}
