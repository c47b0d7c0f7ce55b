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

/** Receives the socket events of an HTTP/1 connection while an exchange uses it. */
export interface SocketEventHandler {
  onData(chunk: Buffer): void;
  onClose(): void;
}

export interface UpstreamConnection {
  readonly peerName: string;
  readonly socket: Socket;
  /**
   * The exchange that uses an HTTP/1 connection now. The socket's 'data' and
   * 'close' listeners stay for the connection's life and pass events here,
   * so that an exchange adds and removes no listener of its own.
   */
  handler?: SocketEventHandler | undefined;
  /** The HTTP/2 session for proxy_http_version 2 and gRPC backends. */
  readonly session?: ClientHttp2Session;
  /** Requests sent on this connection so far. */
  requests: number;
  /** True while the connection waits in the cache. */
  idle: boolean;
}

export type ConnectResult = { kind: 'connected'; connection: UpstreamConnection } | { kind: 'error'; message: string } | { kind: 'timeout' };

/**
 * Every upstream socket of a proxy that is still open, whether connecting,
 * in use or cached, so that a stop can close them all when the drain
 * timeout ends.
 */
export class UpstreamSockets {
  private readonly open = new Set<Socket>();
  private closedAll = false;

  /** True after closeAll(): no new upstream connection may start. */
  get closed(): boolean {
    return this.closedAll;
  }

  add(socket: Socket): void {
    this.open.add(socket);
    socket.once('close', () => this.open.delete(socket));
  }

  /** Destroys every open upstream socket and makes later connects fail. Returns how many were open. */
  closeAll(): number {
    this.closedAll = true;
    const count = this.open.size;
    for (const socket of [...this.open]) socket.destroy();
    return count;
  }
}

/** Opens a TCP or unix-socket connection to a peer within `timeoutMs` (proxy_connect_timeout), registered in `sockets` when given. */
export function connectPeer(endpoint: PlanEndpoint, peerName: string, timeoutMs: number, http2: boolean, sockets?: UpstreamSockets): Promise<ConnectResult> {
  return new Promise((resolve) => {
    if (sockets?.closed) {
      resolve({ kind: 'error', message: 'the proxy is stopping' });
      return;
    }
    const socket = endpoint.kind === 'unix' ? connectTcp({ path: endpoint.path }) : connectTcp({ host: endpoint.host, port: endpoint.port });
    sockets?.add(socket);
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
        const connection: UpstreamConnection = { peerName, socket, requests: 0, idle: false, handler: undefined };
        socket.on('data', (chunk: Buffer) => connection.handler?.onData(chunk));
        socket.on('close', () => connection.handler?.onClose());
        resolve({ kind: 'connected', connection });
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
  /** performance.now() when the connection was cached. */
  cachedAt: number;
}

export class KeepalivePool {
  /** Idle connections by peer name, most recently cached last. */
  private readonly byPeer = new Map<string, CachedEntry[]>();
  /**
   * Every idle connection in the order it was cached, oldest first; nginx
   * closes the least recently used one when the cache is full. All share one
   * timeout, so the first one also expires first.
   */
  private readonly order = new Set<CachedEntry>();
  /** The cache entry of each idle connection. */
  private readonly idle = new Map<UpstreamConnection, CachedEntry>();
  /** Connections whose close, end and data events this pool already watches. */
  private readonly watched = new WeakSet<UpstreamConnection>();
  /** One timer for the oldest entry's expiry, so caching and taking a connection arm no timer of their own. */
  private timer: NodeJS.Timeout | undefined;
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
    const { connections, requests } = this.settings;
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
    const entry: CachedEntry = { connection, cachedAt: performance.now() };
    this.watch(connection);
    this.idle.set(connection, entry);
    // An idle HTTP/1 connection must read, or the pool would not see the backend close it.
    if (!connection.session) connection.socket.resume();
    this.order.add(entry);
    let list = this.byPeer.get(connection.peerName);
    if (!list) {
      list = [];
      this.byPeer.set(connection.peerName, list);
    }
    list.push(entry);
    this.timer ??= this.armTimer(this.settings.timeoutMs);
  }

  /** Closes every cached connection, and every connection released from now on. */
  closeAll(): void {
    this.closed = true;
    clearTimeout(this.timer);
    this.timer = undefined;
    for (const entry of [...this.order]) {
      this.remove(entry);
      this.detach(entry);
      destroyConnection(entry.connection);
    }
  }

  /**
   * Listens once per connection: data or a close on an idle connection makes
   * it unusable, as ngx_http_upstream_keepalive_close_handler() decides. The
   * listeners stay while the connection is in use and then do nothing. They
   * run before the exchange's listener, so the read that completes a response
   * and caches the connection does not count as data on an idle connection.
   */
  private watch(connection: UpstreamConnection): void {
    if (this.watched.has(connection)) return;
    this.watched.add(connection);
    const onEvent = () => {
      const entry = this.idle.get(connection);
      if (entry) this.evict(entry);
    };
    if (connection.session) {
      connection.session.on('close', onEvent);
      connection.session.on('goaway', onEvent);
    } else {
      connection.socket.prependListener('data', onEvent);
      connection.socket.prependListener('close', onEvent);
      connection.socket.prependListener('end', onEvent);
    }
  }

  private armTimer(delayMs: number): NodeJS.Timeout {
    const timer = setTimeout(() => this.expire(), Math.max(1, delayMs));
    timer.unref();
    return timer;
  }

  /** Closes the connections idle for the timeout, oldest first, and waits for the next one. */
  private expire(): void {
    this.timer = undefined;
    const now = performance.now();
    for (const entry of this.order) {
      const due = entry.cachedAt + this.settings.timeoutMs;
      if (due > now) {
        this.timer = this.armTimer(due - now);
        return;
      }
      this.evict(entry);
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
    entry.connection.idle = false;
    this.idle.delete(entry.connection);
  }
}
