/**
 * The reference proxy server: the Plan's listen sockets, protocol
 * selection per connection (ALPN on TLS, the HTTP/2 preface on plain
 * ports), reload with fresh state, and a graceful stop that lets in-flight
 * streams finish.
 */

import { createServer as createHttpServer, type IncomingMessage, type Server as HttpServer, type ServerResponse } from 'node:http';
import { createServer as createHttp2Server, type Http2Server, type IncomingHttpHeaders, type ServerHttp2Session, type ServerHttp2Stream } from 'node:http2';
import { createServer as createNetServer, isIPv6, type Server as NetServer, type Socket } from 'node:net';
import { createSecureContext, createServer as createTlsServer, type SecureContext, type SecureContextOptions, type Server as TlsServer, type TLSSocket } from 'node:tls';

import type { Plan, PlanServer } from '../plan/types.js';
import { Http1Downstream, Http1UpgradeDownstream, Http2Downstream, type ConnectionInfo, type Downstream } from './downstream.js';
import { errorPage } from './error-pages.js';
import { forwardRequest } from './forward.js';
import { constants as http2Constants } from 'node:http2';
import { exceedsHeaderLimits, http2Limits, refuseStream, SessionGuard } from './limits.js';
import { logEvents, type ProxyLogger } from './logging.js';
import type { ProxyCoreOptions } from './core/index.js';
import { resolvePlanHosts } from './resolve.js';
import { ProxyRuntime } from './runtime.js';
import { UpstreamSockets } from './upstream/pool.js';
import type { ListenSocket } from './server-names.js';
import { requireTlsFiles, type TlsCredentials } from './tls-files.js';
import { EnvironmentError } from '../problems.js';

/** Maximum wait, in milliseconds, for requests to end after stop() has closed their connections. */
const requestEndWaitMs = 1_000;

/** The 24-byte HTTP/2 connection preface that starts a prior-knowledge h2c connection. */
const http2Preface = Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n', 'latin1');

export interface ProxyServerOptions {
  plan: Plan;
  /** Options of the decision core, such as a simulated clock. */
  core?: ProxyCoreOptions;
  logger: ProxyLogger;
  /** Maximum wait for in-flight requests when stopping, in milliseconds (default 30000). */
  drainTimeoutMs?: number;
}

/** The address and protocols of one listen socket. */
export interface BoundAddress {
  /** The listen address as nginx writes it: IPv4, or IPv6 in brackets (`[::1]`); 0.0.0.0 for all IPv4 addresses. */
  address: string;
  port: number;
  tls: boolean;
  protocols: string[];
}

interface Binding {
  key: string;
  server: NetServer;
  listen: ListenSocket;
  runtime: ProxyRuntime;
}

interface ConnectionContext {
  runtime: ProxyRuntime;
  listen: ListenSocket;
  info: ConnectionInfo;
}

export class ProxyServer {
  private runtime: ProxyRuntime | undefined;
  private readonly bindings = new Map<string, Binding>();
  private readonly contexts = new WeakMap<Socket, ConnectionContext>();
  private readonly sockets = new Set<Socket>();
  private readonly sessions = new Set<ServerHttp2Session>();
  /** Upstream sockets of every runtime, the current one and those a reload replaced while they had requests in flight. */
  private readonly upstreamSockets = new UpstreamSockets();
  /** Each HTTP/2 session's connection; node exposes the session's socket only through a proxy object. */
  private readonly sessionContexts = new WeakMap<ServerHttp2Session, { context: ConnectionContext; guard: SessionGuard }>();
  /** The connection being handed to the HTTP/2 server; its 'session' event fires during the hand-over. */
  private handingOver: ConnectionContext | undefined;
  private readonly http1: HttpServer;
  private readonly http2: Http2Server;
  private inFlight = 0;
  private draining = false;
  private idleWaiters: (() => void)[] = [];

  constructor(private readonly options: ProxyServerOptions) {

    // Both servers only parse; connections are handed to them after protocol selection.
    this.http1 = createHttpServer({ keepAliveTimeout: 75_000, requestTimeout: 0, headersTimeout: 60_000, maxHeaderSize: http2Limits.maxHeaderListBytes, requireHostHeader: false }, (request, response) =>
      this.onHttp1Request(request, response),
    );
    this.http2 = createHttp2Server({
      settings: { maxConcurrentStreams: http2Limits.maxConcurrentStreams, maxHeaderListSize: 256 * 1024 },
      maxHeaderListPairs: 4096,
      maxSessionRejectedStreams: 10_000,
      maxSessionInvalidFrames: 10_000,
    });
    this.http2.on('session', (session) => this.onSession(session));
    this.http2.on('stream', (stream: ServerHttp2Stream, headers: IncomingHttpHeaders, _flags: number, rawHeaders: string[]) => this.onStream(stream, headers, rawHeaders));
    this.http1.on('clientError', (error: NodeJS.ErrnoException, socket: Socket) => this.onHttp1ClientError(error, socket));
    this.http1.on('upgrade', (request: IncomingMessage, socket: Socket, head: Buffer) => this.onHttp1Upgrade(request, socket, head));
  }

  /**
   * Opens every listen socket of the Plan. TLS servers present `credentials`
   * (see readTlsFiles()); without them the files the Plan names are read, and
   * a missing or unusable one raises InputError. Raises EnvironmentError when
   * an address is in use or not available.
   */
  async start(credentials?: TlsCredentials): Promise<BoundAddress[]> {
    const resolve = await resolvePlanHosts(this.options.plan);
    const tls = credentials ?? (await requireTlsFiles(this.options.plan));
    this.runtime = new ProxyRuntime(this.options.plan, { core: { ...this.options.core, resolve }, tlsCredentials: tls, upstreamSockets: this.upstreamSockets });
    await this.bind(this.runtime);
    return this.addresses();
  }

  addresses(): BoundAddress[] {
    return [...this.bindings.values()].map((binding) => {
      const listen = binding.listen;
      const protocols: string[] = [];
      if (listen.h2) protocols.push(listen.ssl ? 'h2' : 'h2c');
      if (listen.http1) protocols.push('http/1.1');
      return { address: listen.address ?? '0.0.0.0', port: listen.port, tls: listen.ssl, protocols };
    });
  }

  /**
   * Switches to a new Plan. New connections get fresh balancer state and
   * keepalive caches. Open HTTP/2 connections receive GOAWAY and finish
   * their streams on the old state, as the old workers of an nginx reload do.
   * TLS credentials are handled as in start().
   */
  async reload(plan: Plan, credentials?: TlsCredentials): Promise<void> {
    const previous = this.runtime;
    if (!previous) throw new Error('reload() needs a started proxy; call start() first');
    const resolve = await resolvePlanHosts(plan);
    const tls = credentials ?? (await requireTlsFiles(plan));
    // Learn-mode sessions survive a reload, as nginx keeps their shared memory zone; the core decides which.
    const next = new ProxyRuntime(plan, { core: { ...this.options.core, resolve, previous: previous.core }, tlsCredentials: tls, upstreamSockets: this.upstreamSockets });
    await this.bind(next);
    this.runtime = next;
    for (const session of this.sessions) this.sessionContexts.get(session)?.guard.shutdown();
    previous.close();
    this.options.logger.info({ event: logEvents.reload, listeners: this.addresses() }, 'configuration reloaded');
  }

  /**
   * Stops accepting, lets in-flight requests finish within the drain
   * timeout, then closes every client and upstream connection, so that no
   * socket or timer keeps the process alive after the returned promise
   * settles.
   */
  async stop(): Promise<void> {
    if (this.draining) return;
    this.draining = true;
    const drainTimeoutMs = this.options.drainTimeoutMs ?? 30_000;
    this.options.logger.info({ event: logEvents.draining, inFlight: this.inFlight, drainTimeoutMs }, 'draining in-flight requests');
    await Promise.all([...this.bindings.values()].map((binding) => closeServer(binding.server)));
    this.bindings.clear();
    for (const session of this.sessions) this.sessionContexts.get(session)?.guard.shutdown();
    this.http1.closeIdleConnections();

    const deadline = Date.now() + drainTimeoutMs;
    await this.waitForRequests(deadline);
    // Sessions end once their accepted streams are done (SessionGuard.shutdown()).
    await Promise.all(
      [...this.sessions].map((session) => this.waitUntil(deadline, (done) => (session.destroyed ? done() : session.once('close', done)))),
    );
    this.http1.closeIdleConnections();

    if (this.inFlight > 0) {
      this.options.logger.warn({ event: logEvents.drainTimeout, inFlight: this.inFlight, drainTimeoutMs }, `drain timeout ended with ${this.inFlight} ${this.inFlight === 1 ? 'request' : 'requests'} in flight, so their connections are closed`);
    }
    for (const session of this.sessions) session.destroy();
    for (const socket of this.sockets) socket.destroy();
    // A request that waits for a backend keeps an upstream socket and a proxy_read_timeout timer open. Closing the socket ends both.
    this.upstreamSockets.closeAll();
    // A server whose start() failed has no runtime yet.
    this.runtime?.close();
    // The cut requests fail within a few event loop turns, because their retries cannot connect any more. Their access lines come before "stopped".
    await this.waitForRequests(Date.now() + requestEndWaitMs);
    this.options.logger.info({ event: logEvents.stopped }, 'stopped');
  }

  /** Waits until no request is in flight, or until the deadline (epoch milliseconds). */
  private waitForRequests(deadline: number): Promise<void> {
    return this.waitUntil(deadline, (done) => {
      if (this.inFlight === 0) done();
      else this.idleWaiters.push(done);
    });
  }

  /** Waits for `start` to call its callback, or until the deadline (epoch milliseconds). */
  private async waitUntil(deadline: number, start: (done: () => void) => void): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      new Promise<void>((resolve) => start(resolve)),
      new Promise<void>((resolve) => {
        timer = setTimeout(resolve, Math.max(0, deadline - Date.now()));
      }),
    ]);
    clearTimeout(timer);
  }

  private async bind(runtime: ProxyRuntime): Promise<void> {
    const wanted = new Map(runtime.sockets.map((listen) => [`${listen.address ?? '0.0.0.0'}:${listen.port}:${listen.ssl ? 'ssl' : 'plain'}`, listen]));
    const opened: Binding[] = [];
    try {
      for (const [key, listen] of wanted) {
        const existing = this.bindings.get(key);
        if (existing) continue;
        const server = listen.ssl ? this.createTlsListener(listen, runtime, key) : createNetServer((socket) => this.onPlainConnection(socket, key));
        await listenOn(server, listen);
        const binding = { key, server, listen, runtime };
        opened.push(binding);
      }
    } catch (error) {
      await Promise.all(opened.map((binding) => closeServer(binding.server)));
      throw error;
    }

    for (const [key, binding] of this.bindings) {
      const listen = wanted.get(key);
      if (listen) {
        binding.listen = listen;
        binding.runtime = runtime;
        // Clients without SNI get the new default server's certificate.
        if (listen.ssl) (binding.server as TlsServer).setSecureContext(tlsOptions(listen.selector.defaultServer, runtime));
      } else {
        this.bindings.delete(key);
        await closeServer(binding.server);
      }
    }
    for (const binding of opened) this.bindings.set(binding.key, binding);
  }

  private createTlsListener(listen: ListenSocket, runtime: ProxyRuntime, key: string): NetServer {
    // A reload brings new PlanServer objects, so the contexts of the old ones can be collected.
    const contexts = new WeakMap<PlanServer, SecureContext>();
    const contextFor = (server: PlanServer, current: ProxyRuntime) => {
      let context = contexts.get(server);
      if (!context) {
        context = createSecureContext(tlsOptions(server, current));
        contexts.set(server, context);
      }
      return context;
    };
    const server = createTlsServer({
      // Clients without SNI get the default server's certificate.
      ...tlsOptions(listen.selector.defaultServer, runtime),
      // The server that SNI selects decides the certificate and whether h2 is offered (ngx_http_ssl_alpn_select()).
      SNICallback: (name, callback) => {
        const binding = this.bindings.get(key);
        const selector = (binding?.listen ?? listen).selector;
        callback(null, contextFor(selector.findByName(name.toLowerCase()) ?? selector.defaultServer, binding?.runtime ?? runtime));
      },
      ALPNProtocols: listen.h2 ? ['h2', 'http/1.1'] : ['http/1.1'],
    });
    server.on('secureConnection', (socket: TLSSocket) => this.onTlsConnection(socket, key));
    server.on('tlsClientError', () => undefined);
    return server;
  }

  private track(socket: Socket, key: string, scheme: 'http' | 'https', serverName?: string): ConnectionContext | undefined {
    const binding = this.bindings.get(key);
    if (!binding || this.draining) {
      socket.destroy();
      return undefined;
    }
    const context: ConnectionContext = {
      runtime: binding.runtime,
      listen: binding.listen,
      info: {
        remoteAddress: stripMappedPrefix(socket.remoteAddress ?? ''),
        remotePort: socket.remotePort ?? 0,
        localAddress: stripMappedPrefix(socket.localAddress ?? ''),
        localPort: socket.localPort ?? 0,
        scheme,
        ...(serverName ? { serverName } : {}),
      },
    };
    this.contexts.set(socket, context);
    this.sockets.add(socket);
    socket.on('close', () => this.sockets.delete(socket));
    socket.on('error', () => undefined);
    return context;
  }

  private onTlsConnection(socket: TLSSocket, key: string): void {
    const servername = (socket as TLSSocket & { servername?: string | false }).servername;
    const context = this.track(socket, key, 'https', typeof servername === 'string' ? servername : undefined);
    if (!context) return;
    if (socket.alpnProtocol === 'h2') this.handToHttp2(socket, context);
    else this.http1.emit('connection', socket);
  }

  /** Reads the first bytes of a plain connection: the HTTP/2 preface means h2c, anything else HTTP/1.x (nginx 1.25.1 and later). */
  private onPlainConnection(socket: Socket, key: string): void {
    const context = this.track(socket, key, 'http');
    if (!context) return;
    const listen = context.listen;
    if (!listen.http1) {
      this.handToHttp2(socket, context);
      return;
    }
    if (!listen.h2) {
      this.http1.emit('connection', socket);
      return;
    }

    let received: Buffer = Buffer.alloc(0);
    const onData = (chunk: Buffer) => {
      received = received.length === 0 ? chunk : Buffer.concat([received, chunk]);
      const compared = Math.min(received.length, http2Preface.length);
      const matches = received.subarray(0, compared).equals(http2Preface.subarray(0, compared));
      if (matches && received.length < http2Preface.length) return;
      socket.off('data', onData);
      socket.pause();
      socket.unshift(received);
      if (matches) {
        // The HTTP/2 session reads the bytes already buffered on the socket before it reads from the handle.
        this.handToHttp2(socket, context);
        return;
      }
      // The HTTP/1 server gets the buffered bytes as 'data' events, which flow once the socket resumes.
      this.http1.emit('connection', socket);
      socket.resume();
    };
    socket.on('data', onData);
  }

  private handToHttp2(socket: Socket, context: ConnectionContext): void {
    this.handingOver = context;
    try {
      this.http2.emit('connection', socket);
    } finally {
      this.handingOver = undefined;
    }
  }

  private onSession(session: ServerHttp2Session): void {
    const context = this.handingOver;
    if (!context) {
      session.destroy();
      return;
    }
    this.sessions.add(session);
    const guard = new SessionGuard(session, context.runtime.perReadStreamLimits);
    this.sessionContexts.set(session, { context, guard });
    session.on('close', () => this.sessions.delete(session));
    session.on('error', () => undefined);
    if (this.draining) guard.shutdown();
  }

  private onStream(stream: ServerHttp2Stream, headers: IncomingHttpHeaders, rawHeaders: string[]): void {
    stream.on('error', () => undefined);
    const entry = stream.session ? this.sessionContexts.get(stream.session as ServerHttp2Session) : undefined;
    if (!entry) {
      refuseStream(stream);
      return;
    }
    const context = entry.context;

    if (exceedsHeaderLimits(rawHeaders)) {
      this.options.logger.info({ event: logEvents.limit, limit: 'header size', remoteAddr: context.info.remoteAddress }, 'client sent too large header');
      // A connection error as nginx sends it: GOAWAY ENHANCE_YOUR_CALM, then the connection closes. It waits for the frame callbacks to end, as in SessionGuard.
      const session = stream.session;
      setImmediate(() => {
        if (!session || session.destroyed) return;
        session.goaway(http2Constants.NGHTTP2_ENHANCE_YOUR_CALM);
        session.destroy();
      });
      return;
    }

    const verdict = entry.guard.admit();
    if (verdict !== 'accept') {
      if (verdict !== 'closing') {
        this.options.logger.info({ event: logEvents.limit, limit: verdict === 'goaway' ? 'refused streams' : 'new streams per read', remoteAddr: context.info.remoteAddress }, 'client sent too many streams at once');
      }
      refuseStream(stream);
      return;
    }
    this.run(context, new Http2Downstream(stream, headers, rawHeaders, context.info), () => entry.guard.streamDone());
  }

  /**
   * Responds to an HTTP/1 request that node's parser rejected with nginx's
   * 400 page, or with its "Request Header Or Cookie Too Large" page for a
   * header block over large_client_header_buffers. Then the connection closes.
   */
  private onHttp1ClientError(error: NodeJS.ErrnoException, socket: Socket): void {
    const context = this.contexts.get(socket);
    this.options.logger.info({ event: logEvents.clientError, code: error.code, remoteAddr: context?.info.remoteAddress }, 'client sent invalid request');
    if (socket.destroyed || !socket.writable || !context || (socket as Socket & { _httpMessage?: unknown })._httpMessage) {
      socket.destroy();
      return;
    }
    const status = error.code === 'HPE_HEADER_OVERFLOW' ? 494 : 400;
    const page = errorPage(status, context.runtime.nginxVersion, undefined);
    const head = `HTTP/1.1 ${page.status} Bad Request\r\nServer: nginx/${context.runtime.nginxVersion}\r\nDate: ${new Date().toUTCString()}\r\nContent-Type: text/html\r\nContent-Length: ${page.body.length}\r\nConnection: close\r\n\r\n`;
    socket.end(Buffer.concat([Buffer.from(head, 'latin1'), page.body]));
  }

  /** Proxies an HTTP/1.1 request with Upgrade (WebSocket); a 101 from the backend turns the connection into a tunnel. */
  private onHttp1Upgrade(request: IncomingMessage, socket: Socket, head: Buffer): void {
    const context = this.contexts.get(socket);
    if (!context || this.draining) {
      socket.destroy();
      return;
    }
    this.run(context, new Http1UpgradeDownstream(request, socket, head, context.info));
  }

  private onHttp1Request(request: IncomingMessage, response: ServerResponse): void {
    const context = this.contexts.get(request.socket);
    if (!context) {
      request.socket.destroy();
      return;
    }
    if (this.draining) response.shouldKeepAlive = false;
    this.run(context, new Http1Downstream(request, response, context.info));
  }

  private run(context: ConnectionContext, down: Downstream, done?: () => void): void {
    this.inFlight++;
    void forwardRequest(context.runtime, context.listen, down, this.options.logger).finally(() => {
      done?.();
      this.inFlight--;
      if (this.inFlight === 0) for (const waiter of this.idleWaiters.splice(0)) waiter();
    });
  }
}

function tlsOptions(server: PlanServer, runtime: ProxyRuntime): SecureContextOptions {
  const credentials = runtime.tlsCredentials.get(server);
  // The spec schema requires tls on a server with a TLS listener, and readTlsFiles() covers every such server.
  if (!server.tls || !credentials) throw new Error(`server ${server.serverNames[0] ?? '(no name)'} listens with TLS but has no certificate`);
  return { cert: credentials.cert, key: credentials.key, minVersion: minimumTlsVersion(server.tls.protocols) };
}

function minimumTlsVersion(protocols: readonly string[]): 'TLSv1' | 'TLSv1.1' | 'TLSv1.2' | 'TLSv1.3' {
  const order = ['TLSv1', 'TLSv1.1', 'TLSv1.2', 'TLSv1.3'] as const;
  return order.find((version) => protocols.includes(version)) ?? 'TLSv1.2';
}

function stripMappedPrefix(address: string): string {
  return address.startsWith('::ffff:') ? address.slice(7) : address;
}

/**
 * Opens one listen socket. The Plan writes an IPv6 address in brackets, as
 * nginx's `listen [::1]:443` does, and node's listen() takes it without them.
 * An IPv6 socket accepts only IPv6 clients, because nginx sets IPV6_V6ONLY on
 * it (`ipv6only=on` is the default since nginx 1.3.4), so `[::]:80` and
 * `*:80` can be open together.
 */
function listenOn(server: NetServer, listen: ListenSocket): Promise<void> {
  const where = `${listen.address ?? '0.0.0.0'}:${listen.port}`;
  const host = unbracketed(listen.address ?? '0.0.0.0');
  return new Promise((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) => {
      reject(new EnvironmentError(`cannot listen on ${where}: ${error.code ?? error.message}`, listenFix(error.code, where, listen.port)));
    };
    server.once('error', onError);
    server.listen({ host, port: listen.port, ipv6Only: isIPv6(host) }, () => {
      server.off('error', onError);
      resolve();
    });
  });
}

/** Removes the brackets around an IPv6 address (`[::1]` becomes `::1`); other addresses are returned as they are. */
function unbracketed(address: string): string {
  return address.startsWith('[') && address.endsWith(']') ? address.slice(1, -1) : address;
}

/** Returns the fix for a listen() error code, with its own text for EADDRINUSE, EADDRNOTAVAIL and EACCES. */
function listenFix(code: string | undefined, where: string, port: number): string {
  switch (code) {
    case 'EADDRINUSE':
      return `stop the program that uses port ${port}, or change the port in the spec`;
    case 'EADDRNOTAVAIL':
      return `${where} is not an address of this machine: listen on one of its addresses, or on * for all IPv4 addresses`;
    case 'EACCES':
      return `ports below 1024 need privileges: use a port of 1024 or more in the spec, or run the proxy with CAP_NET_BIND_SERVICE`;
    default:
      return `check the listener address and port in the spec`;
  }
}

/** Stops accepting connections; the open ones stay, since net.Server.close() waits for them before its callback. */
function closeServer(server: NetServer): Promise<void> {
  server.close();
  return Promise.resolve();
}
