/**
 * The reference proxy as a server under test, in this process. Its access
 * lines (pino JSON, event proxy.access) are kept in memory and read back
 * after each step, as nginx's access log is.
 */

import { pino } from 'pino';

import type { Plan } from '../plan/types.js';
import { logEvents } from '../proxy/logging.js';
import { ProxyServer } from '../proxy/server.js';
import type { AccessRecord, ServerUnderTest } from './server-under-test.js';

/** Maximum wait for in-flight requests when the proxy stops, in milliseconds. */
const drainTimeoutMs = 5000;

export class InProcessProxy implements ServerUnderTest {
  readonly role = 'proxy';
  readonly description = 'h2sticky reference proxy (in process)';
  private server: ProxyServer | undefined;
  private pending: AccessRecord[] = [];
  private readonly logger = pino({ level: 'info' }, { write: (line: string) => this.collect(line) });

  async start(plan: Plan): Promise<void> {
    if (this.server) throw new Error('the proxy is already running; reload it instead');
    const server = new ProxyServer({ plan, logger: this.logger, drainTimeoutMs });
    await server.start();
    this.server = server;
  }

  async reload(plan: Plan): Promise<void> {
    if (!this.server) throw new Error('the proxy is not running; call start() first');
    await this.server.reload(plan);
  }

  async takeAccessRecords(): Promise<AccessRecord[]> {
    return this.pending.splice(0, this.pending.length);
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    await server?.stop();
  }

  private collect(line: string): void {
    const entry = JSON.parse(line) as Record<string, unknown>;
    if (entry.event !== logEvents.access) return;
    this.pending.push({
      method: String(entry.method ?? ''),
      uri: String(entry.uri ?? ''),
      status: Number(entry.status),
      upstreamAddr: String(entry.upstreamAddr ?? ''),
      upstreamStatus: String(entry.upstreamStatus ?? ''),
    });
  }
}
