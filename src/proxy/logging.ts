/**
 * The proxy's structured log: pino JSON lines with a fixed `event` name on
 * each. The caller passes the logger, so the library itself never prints.
 */

import type { Logger } from 'pino';

/** Event names the proxy logs; tools can filter on them. */
export const logEvents = {
  listening: 'proxy.listening',
  tlsPlaceholder: 'proxy.tls_placeholder',
  access: 'proxy.access',
  upstreamError: 'proxy.upstream_error',
  clientError: 'proxy.client_error',
  limit: 'proxy.limit',
  reload: 'proxy.reload',
  reloadFailed: 'proxy.reload_failed',
  draining: 'proxy.draining',
  drainTimeout: 'proxy.drain_timeout',
  stopped: 'proxy.stopped',
  internalError: 'proxy.internal_error',
} as const;

export type ProxyLogger = Logger;

/** Fields of one access line. Times are milliseconds; `-` marks a value nginx would print as "-". */
export interface AccessRecord {
  requestId: string;
  streamId: number | undefined;
  protocol: string;
  remoteAddr: string;
  method: string;
  uri: string;
  server: string;
  location: string | undefined;
  upstream: string | undefined;
  peer: string | undefined;
  upstreamAddr: string;
  upstreamStatus: string;
  status: number;
  requestTimeMs: number;
  upstreamConnectTimeMs: number | undefined;
  upstreamHeaderTimeMs: number | undefined;
  upstreamResponseTimeMs: number | undefined;
  /** How the response ended when it did not complete: the backend broke it, a read timed out, or the client left. */
  incomplete?: string;
}
