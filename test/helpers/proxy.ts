/**
 * Starts the reference proxy in this process for a spec text, with its log
 * lines kept in memory so that tests can read the events.
 */

import { pino } from 'pino';

import { compileSpecText } from '../../src/compile.js';
import type { Plan } from '../../src/plan/types.js';
import { ProxyServer } from '../../src/proxy/server.js';

export interface RunningProxy {
  server: ProxyServer;
  plan: Plan;
  /** Log lines written so far, parsed. */
  logLines(): Record<string, unknown>[];
  stop(): Promise<void>;
}

/** Compiles the spec for a version and starts the proxy; raises when the spec has errors. */
export async function startProxy(specText: string, nginxVersion: string, logLevel = 'info'): Promise<RunningProxy> {
  const result = compileSpecText(specText, 'spec.yaml', { target: { nginxVersion } });
  const errors = result.problems.filter((problem) => problem.severity === 'error');
  if (!result.plan || errors.length > 0) throw new Error(`the spec does not compile: ${errors.map((problem) => problem.message).join('; ')}`);

  const lines: string[] = [];
  const logger = pino({ level: logLevel }, { write: (line: string) => lines.push(line) });
  const server = new ProxyServer({ plan: result.plan, logger, drainTimeoutMs: 5_000 });
  await server.start();
  return {
    server,
    plan: result.plan,
    logLines: () => lines.map((line) => JSON.parse(line) as Record<string, unknown>),
    stop: () => server.stop(),
  };
}
