/**
 * nginx as a server under test: the Plan rendered with the templates,
 * served by the nginx runner (a local binary or a Docker image, always one
 * worker process), with the harness's JSON access log read back after each
 * step.
 */

import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

import type { Plan } from '../plan/types.js';
import { renderConfig } from '../nginx/render.js';
import { formatNginxSource, type NginxSource } from '../nginx/runner/source.js';
import { startNginx, type ListenSocket, type RunningNginx } from '../nginx/runner/start.js';
import type { AccessRecord, ServerUnderTest } from './server-under-test.js';
import { diffAccessLogPath, testCertificatePaths } from './testbed.js';

export interface NginxServerOptions {
  source: NginxSource;
  /** The nginx version of the source, as `nginx -v` prints it. */
  version: string;
  /** Turns a Plan into nginx.conf; tests pass a broken renderer to show that the harness catches it. */
  render?: (plan: Plan) => string;
}

export class NginxServer implements ServerUnderTest {
  readonly role = 'nginx';
  readonly description: string;
  private running: RunningNginx | undefined;
  private logOffset = 0;
  private readonly render: (plan: Plan) => string;

  constructor(private readonly options: NginxServerOptions) {
    this.description = `nginx ${options.version} (${formatNginxSource(options.source)})`;
    this.render = options.render ?? ((plan) => renderConfig(plan, 'full'));
  }

  async start(plan: Plan): Promise<void> {
    if (this.running) throw new Error('nginx is already running; reload it instead');
    this.running = await startNginx({
      source: this.options.source,
      config: this.configFor(plan),
      layout: 'full',
      fileName: 'nginx.conf',
      ports: listenSockets(plan),
      mounts: [testCertificatePaths.directory],
    });
    this.logOffset = 0;
  }

  async reload(plan: Plan): Promise<void> {
    const running = this.requireRunning();
    await running.reload({ config: this.configFor(plan), layout: 'full', fileName: 'nginx.conf' }, { ports: listenSockets(plan) });
  }

  async takeAccessRecords(): Promise<AccessRecord[]> {
    const running = this.requireRunning();
    const bytes = await readFile(join(running.prefix, diffAccessLogPath)).catch(() => Buffer.alloc(0));
    // Only whole lines: nginx may be writing the next one.
    const end = bytes.lastIndexOf(0x0a) + 1;
    if (end <= this.logOffset) return [];
    const text = bytes.subarray(this.logOffset, end).toString('utf8');
    this.logOffset = end;
    return text
      .split('\n')
      .filter((line) => line.trim() !== '')
      .map(parseAccessLine);
  }

  async stop(): Promise<void> {
    const running = this.running;
    this.running = undefined;
    await running?.stop();
  }

  /** Returns the error log written so far, for reports when nginx misbehaves. */
  async errorLog(): Promise<string> {
    return (await this.running?.errorLog()) ?? '';
  }

  private configFor(plan: Plan): string {
    return this.render(plan);
  }

  private requireRunning(): RunningNginx {
    if (!this.running) throw new Error('nginx is not running; call start() first');
    return this.running;
  }
}

/** Lists the distinct sockets a Plan listens on; an IPv6 address loses its brackets, and no address means 127.0.0.1. */
export function listenSockets(plan: Plan): ListenSocket[] {
  const sockets = new Map<string, ListenSocket>();
  for (const listener of plan.servers.flatMap((server) => server.listeners)) {
    const address = listener.address ?? '127.0.0.1';
    const host = address.startsWith('[') ? address.slice(1, -1) : address;
    sockets.set(`${host} ${listener.port}`, { host, port: listener.port });
  }
  return [...sockets.values()];
}

function parseAccessLine(line: string): AccessRecord {
  const fields = JSON.parse(line) as Record<string, string>;
  return {
    method: fields.method ?? '',
    uri: fields.uri ?? '',
    status: Number(fields.status),
    upstreamAddr: fields.upstream_addr ?? '',
    upstreamStatus: fields.upstream_status ?? '',
  };
}
