import { pino, type Level } from 'pino';

import { compileSpecFile } from '../compile.js';
import type { Plan } from '../plan/types.js';
import { ExitCode, hasErrors } from '../problems.js';
import { logEvents, type ProxyLogger } from '../proxy/logging.js';
import { ProxyServer, type BoundAddress } from '../proxy/server.js';
import { readTlsFiles, type TlsCredentials } from '../proxy/tls-files.js';
import type { TargetOverride } from '../spec/target.js';
import { describeTarget } from '../spec/target.js';
import { defineCommand, type CliIO } from './command.js';
import { printProblems, rejectionSummary } from './report.js';
import { numberOptionError, targetOptions, targetOverride } from './shared-options.js';

const logLevels = ['fatal', 'error', 'warn', 'info', 'debug'] as const satisfies readonly Level[];

export const proxyCommand = defineCommand({
  command: 'proxy <spec>',
  describe: 'Run the reference proxy: a TypeScript reverse proxy that answers as the nginx config built from the spec',
  builder: (yargs) =>
    targetOptions(
      yargs
        .positional('spec', { type: 'string', demandOption: true, describe: 'spec file (YAML or JSON); SIGHUP reads it again' })
        .option('log-level', {
          choices: logLevels,
          default: 'info' as (typeof logLevels)[number],
          describe: 'least severe JSON log line written to standard output: info includes one access line per request, warn only upstream errors and limits',
        })
        // No `type: 'number'`: yargs would turn a non-number into NaN, and the check below quotes the value as written.
        .option('drain-timeout', {
          default: 30 as number | string,
          describe: 'seconds to let in-flight requests finish after SIGTERM or SIGINT before connections are closed',
        })
        .option('require-tls-files', {
          type: 'boolean',
          default: false,
          describe: 'stop with exit code 2 when a certificate or key file named in the spec does not exist, instead of serving TLS with a self-signed placeholder certificate',
        }),
    )
      .check((args) => numberOptionError('drain-timeout', args['drain-timeout'], { min: 0, whole: false, unit: 'seconds' }) ?? true)
      .example('$0 proxy shop.yaml', 'serve the shop spec as nginx 1.30 would, with native sticky cookies')
      .example('$0 proxy shop.yaml --nginx-version 1.22.1 --log-level warn', 'behave as Debian 12 nginx (emulated sticky) and log only problems'),
  run: async (args, io) => {
    const options: LoadOptions = { spec: args.spec, target: targetOverride(args), requireTlsFiles: args['require-tls-files'] };
    const loaded = await loadProxyConfig(options, io);
    if (loaded.kind === 'invalid') {
      io.err(`h2sticky: ${args.spec} ${loaded.summary}; the proxy did not start\n`);
      return ExitCode.invalidInput;
    }
    for (const note of loaded.plan.notes) io.err(`note: ${note.message}\n`);

    const logger = pino({ level: args['log-level'] }, { write: (line: string) => io.out(line) });
    logPlaceholders(logger, loaded);
    const server = new ProxyServer({ plan: loaded.plan, logger, drainTimeoutMs: Number(args['drain-timeout']) * 1000 });
    const addresses = await server.start(loaded.credentials);
    const target = describeTarget(loaded.plan.target as Parameters<typeof describeTarget>[0]);
    logger.info({ event: logEvents.listening, listeners: addresses, target }, 'listening');
    io.err(`h2sticky proxy: ${target}\n${formatAddresses(addresses)}`);

    await runUntilStopped(server, io, async () => {
      const reloaded = await loadProxyConfig(options, io);
      if (reloaded.kind === 'invalid') {
        logger.error({ event: logEvents.reloadFailed, spec: args.spec }, `${args.spec} ${reloaded.summary}; the running configuration stays`);
        return;
      }
      logPlaceholders(logger, reloaded);
      await server.reload(reloaded.plan, reloaded.credentials);
    });
    return ExitCode.ok;
  },
});

interface LoadOptions {
  spec: string;
  target: TargetOverride;
  requireTlsFiles: boolean;
}

type LoadedConfig =
  | { kind: 'valid'; plan: Plan; credentials: TlsCredentials; placeholders: { serverName: string; missing: string[]; file: string; line?: number; column?: number }[] }
  | { kind: 'invalid'; summary: string };

/** Compiles the spec and reads its TLS files, printing every problem of both; the result is invalid when either has an error. */
async function loadProxyConfig(options: LoadOptions, io: CliIO): Promise<LoadedConfig> {
  const compiled = await compileSpecFile(options.spec, { target: options.target });
  if (!compiled.plan || hasErrors(compiled.problems)) {
    printProblems(io, compiled.problems);
    return { kind: 'invalid', summary: rejectionSummary(compiled.problems) };
  }

  const locate = compiled.spec?.locate;
  const tls = await readTlsFiles(compiled.plan, { file: options.spec, requireFiles: options.requireTlsFiles, ...(locate ? { locate } : {}) });
  const problems = [...compiled.problems, ...tls.problems];
  printProblems(io, problems);
  if (hasErrors(problems)) return { kind: 'invalid', summary: rejectionSummary(problems) };

  const placeholders = tls.placeholders.map((use) => ({ serverName: use.serverName, missing: use.missing, file: options.spec, ...locate?.(use.pointer) }));
  return { kind: 'valid', plan: compiled.plan, credentials: tls.credentials, placeholders };
}

/** Logs one warning per server that serves the placeholder certificate, beside the warning printed on standard error. */
function logPlaceholders(logger: ProxyLogger, loaded: Extract<LoadedConfig, { kind: 'valid' }>): void {
  for (const use of loaded.placeholders) {
    logger.warn({ event: logEvents.tlsPlaceholder, ...use }, `${use.missing.join(' and ')} ${use.missing.length === 1 ? 'does' : 'do'} not exist; ${use.serverName} serves a self-signed placeholder certificate that clients do not trust`);
  }
}

function formatAddresses(addresses: readonly BoundAddress[]): string {
  return addresses.map((bound) => `  listening on ${bound.tls ? 'https' : 'http'}://${bound.address}:${bound.port} (${bound.protocols.join(', ')})\n`).join('');
}

/** Serves until SIGTERM or SIGINT, then drains; SIGHUP reloads the spec. */
function runUntilStopped(server: ProxyServer, io: CliIO, reload: () => Promise<void>): Promise<void> {
  return new Promise((resolve) => {
    let reloading = Promise.resolve();
    const onHangup = () => {
      reloading = reloading.then(reload).catch((error: unknown) => {
        io.err(`h2sticky proxy: reload failed: ${error instanceof Error ? error.message : String(error)}\n`);
      });
    };
    const onStop = () => {
      process.off('SIGHUP', onHangup);
      process.off('SIGTERM', onStop);
      process.off('SIGINT', onStop);
      void reloading.then(() => server.stop()).then(resolve);
    };
    process.on('SIGHUP', onHangup);
    process.on('SIGTERM', onStop);
    process.on('SIGINT', onStop);
  });
}
