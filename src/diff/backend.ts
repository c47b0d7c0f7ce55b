import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttp2Server, type Http2Server, type Http2ServerRequest, type Http2ServerResponse } from 'node:http2';
import { isIPv6, type AddressInfo, type Socket } from 'node:net';

/**
 * A loopback backend for tests and the diff harness. It responds to every request
 * with a JSON body naming itself and the request it received, so a client can
 * tell which backend served it and which headers the proxy sent. Faults are
 * set on command: a status to answer with, a delay, a connection closed in
 * the middle of the response, or the whole listener stopped so that
 * connections are refused.
 */

export type BackendFault =
  | { kind: 'none' }
  /** Respond with this status (the body still identifies the backend). */
  | { kind: 'status'; status: number }
  /** Wait this long before sending the response header. */
  | { kind: 'delay'; ms: number }
  /** Send the header and part of the body, then destroy the connection. */
  | { kind: 'close-mid-response' }
  /** Accept the request and never respond. */
  | { kind: 'hang' }
  /** Close the connection as soon as the request has arrived, without any response. */
  | { kind: 'reset' };

export interface BackendRequestRecord {
  /** Order of arrival at this backend, from 1. */
  sequence: number;
  method: string;
  path: string;
  headers: Record<string, string | string[] | undefined>;
  /** Length of the request body in bytes; bodies are read to the end so the client can finish sending. */
  bodyBytes: number;
  httpVersion: string;
  remoteAddress: string;
  remotePort: number;
}

export interface BackendResponseBody {
  backend: string;
  address: string;
  method: string;
  path: string;
  httpVersion: string;
  headers: Record<string, string | string[] | undefined>;
  bodyBytes: number;
  sequence: number;
}

/** The body of a backend created with `body: 'identity'`. */
export interface BackendIdentityBody {
  backend: string;
  method: string;
  path: string;
  bodyBytes: number;
}

export interface BackendOptions {
  /** Name the backend reports in the `x-backend` header and the body. */
  id: string;
  /** IP address to listen on, IPv6 without brackets (`::1`); default 127.0.0.1. */
  host?: string;
  /** 0 picks a free port; the port is kept across stop() and start(). */
  port?: number;
  /** `http1` (HTTP/1.1, also what nginx speaks to proxy_pass backends) or `h2c` (HTTP/2 with prior knowledge, for proxy_http_version 2 and gRPC). */
  protocol?: 'http1' | 'h2c';
  /**
   * `echo` (default): the body repeats the request's headers and the arrival
   * sequence. `identity`: the body contains only the backend, method, path
   * and body length. Two servers under test that pass the same request then
   * get byte-identical bodies, and the received headers stay in `requests`.
   */
  body?: 'echo' | 'identity';
}

type AnyServer = Server | Http2Server;

export class Backend {
  readonly id: string;
  readonly host: string;
  readonly protocol: 'http1' | 'h2c';
  readonly body: 'echo' | 'identity';
  port: number;
  fault: BackendFault = { kind: 'none' };
  readonly requests: BackendRequestRecord[] = [];

  private server: AnyServer | undefined;
  private readonly sockets = new Set<Socket>();
  private readonly pending = new Set<() => void>();
  private sequence = 0;

  constructor(options: BackendOptions) {
    this.id = options.id;
    this.host = options.host ?? '127.0.0.1';
    this.port = options.port ?? 0;
    this.protocol = options.protocol ?? 'http1';
    this.body = options.body ?? 'echo';
  }

  /** The address as nginx prints it in $upstream_addr: `ip:port`, or `[ipv6]:port` for an IPv6 host. */
  get address(): string {
    return isIPv6(this.host) ? `[${this.host}]:${this.port}` : `${this.host}:${this.port}`;
  }

  get running(): boolean {
    return this.server !== undefined;
  }

  async start(): Promise<void> {
    if (this.server) return;
    const server: AnyServer =
      this.protocol === 'h2c'
        ? createHttp2Server((request, response) => this.handle(request, response))
        : createHttpServer({ keepAliveTimeout: 65_000 }, (request, response) => this.handle(request, response));
    server.on('connection', (socket: Socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });

    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, this.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    this.port = (server.address() as AddressInfo).port;
    this.server = server;
  }

  /** Closes the listener and every open connection, so new connections are refused. */
  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    for (const release of this.pending) release();
    this.pending.clear();
    for (const socket of this.sockets) socket.destroy();
    this.sockets.clear();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** Returns the requests received since the last call and clears the list. */
  takeRequests(): BackendRequestRecord[] {
    return this.requests.splice(0, this.requests.length);
  }

  private handle(request: IncomingMessage | Http2ServerRequest, response: ServerResponse | Http2ServerResponse): void {
    let bodyBytes = 0;
    request.on('data', (chunk: Buffer) => {
      bodyBytes += chunk.length;
    });
    request.on('end', () => {
      const record: BackendRequestRecord = {
        sequence: ++this.sequence,
        method: request.method ?? '',
        path: request.url ?? '',
        headers: { ...request.headers },
        bodyBytes,
        httpVersion: request.httpVersion,
        remoteAddress: request.socket?.remoteAddress ?? '',
        remotePort: request.socket?.remotePort ?? 0,
      };
      this.requests.push(record);
      void this.respond(record, response);
    });
  }

  private async respond(record: BackendRequestRecord, response: ServerResponse | Http2ServerResponse): Promise<void> {
    const fault = this.fault;
    if (fault.kind === 'reset') {
      const socket = 'stream' in response ? response.stream.session?.socket : response.socket;
      socket?.destroy();
      return;
    }
    if (fault.kind === 'hang') {
      await new Promise<void>((resolve) => this.pending.add(resolve));
      return;
    }
    if (fault.kind === 'delay') {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(done, fault.ms);
        function done() {
          clearTimeout(timer);
          resolve();
        }
        this.pending.add(done);
      });
      if (!this.server) return;
    }

    const body: BackendResponseBody | BackendIdentityBody =
      this.body === 'identity'
        ? { backend: this.id, method: record.method, path: record.path, bodyBytes: record.bodyBytes }
        : {
            backend: this.id,
            address: this.address,
            method: record.method,
            path: record.path,
            httpVersion: record.httpVersion,
            headers: record.headers,
            bodyBytes: record.bodyBytes,
            sequence: record.sequence,
          };
    const text = `${JSON.stringify(body)}\n`;
    const status = fault.kind === 'status' ? fault.status : 200;

    if (fault.kind === 'close-mid-response') {
      response.writeHead(200, { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(text) * 2), 'x-backend': this.id });
      (response as ServerResponse).write(text.slice(0, Math.ceil(text.length / 2)));
      setImmediate(() => {
        const socket = 'stream' in response ? response.stream.session?.socket : response.socket;
        socket?.destroy();
      });
      return;
    }

    response.writeHead(status, {
      'content-type': 'application/json',
      'content-length': String(Buffer.byteLength(text)),
      'x-backend': this.id,
    });
    response.end(text);
  }
}

/** Starts `count` HTTP/1.1 backends on loopback with free ports, named b1, b2, ... */
export async function startBackends(count: number, options: Omit<BackendOptions, 'id'> = {}): Promise<Backend[]> {
  const backends = Array.from({ length: count }, (_, index) => new Backend({ ...options, id: `b${index + 1}` }));
  await Promise.all(backends.map((backend) => backend.start()));
  return backends;
}

export async function stopBackends(backends: readonly Backend[]): Promise<void> {
  await Promise.all(backends.map((backend) => backend.stop()));
}
