import { pino, type Level } from 'pino';

import { compileSpecFile } from '../compile.js';
import { ExitCode, hasErrors } from '../problems.js';
import { logEvents } from '../proxy/logging.js';
import { ProxyServer, type BoundAddress } from '../proxy/server.js';
import { describeTarget } from '../spec/target.js';
import { defineCommand, type CliIO } from './command.js';
import { countSummary, printProblems } from './report.js';
import { targetOptions, targetOverride } from './shared-options.js';

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
        .option('drain-timeout', {
          type: 'number',
          default: 30,
          describe: 'seconds to let in-flight requests finish after SIGTERM or SIGINT before connections are closed',
        }),
    )
      .example('$0 proxy shop.yaml', 'serve the shop spec as nginx 1.30 would, with native sticky cookies')
      .example('$0 proxy shop.yaml --nginx-version 1.22.1 --log-level warn', 'behave as Debian 12 nginx (emulated sticky) and log only problems'),
  run: async (args, io) => {
    if (!Number.isFinite(args['drain-timeout']) || args['drain-timeout'] < 0) {
      io.err(`h2sticky: --drain-timeout must be a number of seconds of 0 or more, not ${String(args['drain-timeout'])}\n`);
      return ExitCode.invalidInput;
    }
    const compiled = await compileSpecFile(args.spec, { target: targetOverride(args) });
    printProblems(io, compiled.problems);
    if (!compiled.plan || hasErrors(compiled.problems)) {
      io.err(`h2sticky: ${args.spec} is invalid (${countSummary(compiled.problems)}); the proxy did not start\n`);
      return ExitCode.invalidInput;
    }
    for (const note of compiled.plan.notes) io.err(`note: ${note.message}\n`);

    const logger = pino({ level: args['log-level'] }, { write: (line: string) => io.out(line) });
    const server = new ProxyServer({ plan: compiled.plan, logger, drainTimeoutMs: args['drain-timeout'] * 1000 });
    const addresses = await server.start();
    logger.info({ event: logEvents.listening, listeners: addresses, target: describeTarget(compiled.plan.target as Parameters<typeof describeTarget>[0]) }, 'listening');
    io.err(`h2sticky proxy: ${describeTarget(compiled.plan.target as Parameters<typeof describeTarget>[0])}\n${formatAddresses(addresses)}`);

    await runUntilStopped(server, io, async () => {
      const reloaded = await compileSpecFile(args.spec, { target: targetOverride(args) });
      if (!reloaded.plan || hasErrors(reloaded.problems)) {
        printProblems(io, reloaded.problems);
        logger.error({ event: logEvents.reloadFailed, spec: args.spec }, `${args.spec} is invalid (${countSummary(reloaded.problems)}); the running configuration stays`);
        return;
      }
      await server.reload(reloaded.plan);
    });
    return ExitCode.ok;
  },
});

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
