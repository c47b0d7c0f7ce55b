/**
 * Upstream connections and the keepalive cache of one upstream block
 * (ngx_http_upstream_keepalive_module.c). The balancer picks a peer first;
 * then the cache is searched for an idle connection to that peer, most
 * recently used first. A connection goes back to the cache only after a
 * complete response; when the cache is full the least recently used one is
 * closed. Idle connections close after `timeoutMs`, and a connection closes
 * instead of being cached once it has served `requests` requests.
 */

import { connect as connectHttp2, type ClientHttp2Session } from 'node:http2';
import { connect as connectTcp, type Socket } from 'node:net';

import type { PlanEndpoint, PlanKeepalive } from '../../plan/types.js';
import { startUpstreamTimeout } from './timers.js';

export interface UpstreamConnection {
  readonly peerName: string;
  readonly socket: Socket;
  /** The HTTP/2 session for proxy_http_version 2 and gRPC backends. */
  readonly session?: ClientHttp2Session;
  /** Requests sent on this connection so far. */
  requests: number;
  /** True while the connection waits in the cache. */
  idle: boolean;
}

export type ConnectResult = { kind: 'connected'; connection: UpstreamConnection } | { kind: 'error'; message: string } | { kind: 'timeout' };

/** Opens a TCP or unix-socket connection to a peer within `timeoutMs` (proxy_connect_timeout). */
export function connectPeer(endpoint: PlanEndpoint, peerName: string, timeoutMs: number, http2: boolean): Promise<ConnectResult> {
  return new Promise((resolve) => {
    const socket = endpoint.kind === 'unix' ? connectTcp({ path: endpoint.path }) : connectTcp({ host: endpoint.host, port: endpoint.port });
    socket.setNoDelay(true);
    const timeout = startUpstreamTimeout(timeoutMs, () => {
      socket.destroy();
      resolve({ kind: 'timeout' });
    });
    const fail = (error: Error) => {
      timeout.cancel();
      socket.destroy();
      resolve({ kind: 'error', message: error.message });
    };
    socket.once('error', fail);
    socket.once('connect', () => {
      timeout.cancel();
      socket.off('error', fail);
      // Errors after the connect reach the attempt that uses the connection as a 'close' event.
      socket.on('error', ignoreError);
      if (!http2) {
        resolve({ kind: 'connected', connection: { peerName, socket, requests: 0, idle: false } });
        return;
      }
      // Prior knowledge: the preface goes out at once, as nginx's HTTP/2 upstream modules send it.
      const session = connectHttp2(`http://${peerName}`, { createConnection: () => socket });
      session.on('error', () => undefined);
      resolve({ kind: 'connected', connection: { peerName, socket, session, requests: 0, idle: false } });
    });
  });
}

function ignoreError(): void {}

export function destroyConnection(connection: UpstreamConnection): void {
  connection.idle = false;
  if (connection.session) connection.session.destroy();
  connection.socket.destroy();
}

interface CachedEntry {
  connection: UpstreamConnection;
  timer: NodeJS.Timeout;
  onEvent: () => void;
}

export class KeepalivePool {
  /** Idle connections by peer name, most recently cached last. */
  private readonly byPeer = new Map<string, CachedEntry[]>();
  /** Every idle connection in the order it was cached, oldest first; nginx closes the least recently used one when the cache is full. */
  private readonly order = new Set<CachedEntry>();
  /** Set by closeAll(): connections released later are closed, as after a reload or stop. */
  private closed = false;

  constructor(readonly settings: PlanKeepalive) {}

  get size(): number {
    return this.order.size;
  }

  /** Takes the most recently cached connection to the peer, or undefined. */
  take(peerName: string): UpstreamConnection | undefined {
    const entry = this.byPeer.get(peerName)?.pop();
    if (!entry) return undefined;
    this.order.delete(entry);
    this.detach(entry);
    return entry.connection;
  }

  /** Caches a connection after a complete response, or closes it when caching is off, its request budget is spent, or it is unusable. */
  release(connection: UpstreamConnection): void {
    const { connections, timeoutMs, requests } = this.settings;
    const closed = connection.socket.destroyed || connection.session?.closed === true || connection.session?.destroyed === true;
    if (this.closed || connections === 0 || connection.requests >= requests || closed) {
      destroyConnection(connection);
      return;
    }

    while (this.order.size >= connections) {
      const oldest = this.order.values().next().value as CachedEntry;
      this.remove(oldest);
      this.detach(oldest);
      destroyConnection(oldest.connection);
    }

    connection.idle = true;
    const entry: CachedEntry = {
      connection,
      timer: setTimeout(() => this.evict(entry), timeoutMs),
      // Data or a close on an idle connection makes it unusable, as ngx_http_upstream_keepalive_close_handler() decides.
      onEvent: () => this.evict(entry),
    };
    entry.timer.unref();
    if (connection.session) {
      connection.session.once('close', entry.onEvent);
      connection.session.once('goaway', entry.onEvent);
    } else {
      connection.socket.once('data', entry.onEvent);
      connection.socket.once('close', entry.onEvent);
      connection.socket.once('end', entry.onEvent);
      connection.socket.resume();
    }
    this.order.add(entry);
    let list = this.byPeer.get(connection.peerName);
    if (!list) {
      list = [];
      this.byPeer.set(connection.peerName, list);
    }
    list.push(entry);
  }

  /** Closes every cached connection, and every connection released from now on. */
  closeAll(): void {
    this.closed = true;
    for (const entry of [...this.order]) {
      this.remove(entry);
      this.detach(entry);
      destroyConnection(entry.connection);
    }
  }

  private evict(entry: CachedEntry): void {
    this.remove(entry);
    this.detach(entry);
    destroyConnection(entry.connection);
  }

  private remove(entry: CachedEntry): void {
    this.order.delete(entry);
    const list = this.byPeer.get(entry.connection.peerName);
    const index = list ? list.indexOf(entry) : -1;
    if (index !== -1) list!.splice(index, 1);
  }

  private detach(entry: CachedEntry): void {
    clearTimeout(entry.timer);
    entry.connection.idle = false;
    if (entry.connection.session) {
      entry.connection.session.off('close', entry.onEvent);
      entry.connection.session.off('goaway', entry.onEvent);
    } else {
      entry.connection.socket.off('data', entry.onEvent);
      entry.connection.socket.off('close', entry.onEvent);
      entry.connection.socket.off('end', entry.onEvent);
    }
  }
}
