/**
 * One client request, whatever the protocol: an HTTP/2 stream or an
 * HTTP/1.x request. The forwarder reads the request and writes the
 * response through this interface.
 */

import type { IncomingHttpHeaders, OutgoingHttpHeaders, ServerHttp2Stream } from 'node:http2';

import { STATUS_CODES, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { Readable, type Writable } from 'node:stream';

import type { BodySink, UpstreamTunnel } from './upstream/attempt.js';
import type { HeaderField } from './variables.js';

export interface ConnectionInfo {
  remoteAddress: string;
  remotePort: number;
  localAddress: string;
  localPort: number;
  scheme: 'http' | 'https';
  /** The TLS server name (SNI) the client sent. */
  serverName?: string;
}

export interface Downstream extends BodySink {
  readonly protocol: 'HTTP/1.0' | 'HTTP/1.1' | 'HTTP/2.0';
  /** The HTTP/2 stream id; undefined for HTTP/1. */
  readonly streamId: number | undefined;
  readonly method: string;
  /** :path, or the HTTP/1 request target. */
  readonly target: string;
  /** :authority for HTTP/2 (else its Host header), Host for HTTP/1. */
  readonly authority: string | undefined;
  /** Regular request headers in order; HTTP/2 cookie crumbs are joined with "; " into one last Cookie header. */
  readonly headers: HeaderField[];
  readonly connection: ConnectionInfo;
  /** The request body. */
  readonly body: Readable;
  /** False when the request ended with its header (END_STREAM, or no length and not chunked). */
  readonly hasBody: boolean;
  /** HTTP/2: the request has a :scheme; always true for HTTP/1. */
  readonly hasScheme: boolean;
  /** Sends the status line and header; endStream when there is no body, trailers when end() may carry trailers (gRPC). */
  sendHead(status: number, headers: readonly HeaderField[], endStream: boolean, trailers?: boolean): void;
  /** Resets the stream or closes the connection: the response cannot be completed. */
  abort(): void;
  /** True once the response header went out. */
  readonly headSent: boolean;
  /**
   * For an HTTP/1.1 request with Upgrade: sends the 101 header and joins the
   * client and backend connections until either closes or both stay idle
   * for `idleMs` (proxy_read_timeout). Resolves when the tunnel is closed.
   */
  upgrade?(headers: readonly HeaderField[], tunnel: UpstreamTunnel, idleMs: number): Promise<void>;
}

/** Adapts an HTTP/2 server stream. */
export class Http2Downstream implements Downstream {
  readonly protocol = 'HTTP/2.0' as const;
  readonly streamId: number | undefined;
  readonly method: string;
  readonly target: string;
  readonly authority: string | undefined;
  readonly headers: HeaderField[] = [];
  readonly hasBody: boolean;
  readonly hasScheme: boolean;
  headSent = false;
  private trailersPending: HeaderField[] | undefined;

  constructor(
    private readonly stream: ServerHttp2Stream,
    incoming: IncomingHttpHeaders,
    rawHeaders: readonly string[],
    readonly connection: ConnectionInfo,
  ) {
    this.streamId = stream.id;
    this.method = String(incoming[':method'] ?? '');
    this.target = String(incoming[':path'] ?? '');
    const authority = incoming[':authority'];
    this.hasScheme = incoming[':scheme'] !== undefined;
    this.hasBody = !stream.readableEnded && !(stream as unknown as { endAfterHeaders: boolean }).endAfterHeaders;

    const cookies: string[] = [];
    let host: string | undefined;
    for (let index = 0; index + 1 < rawHeaders.length; index += 2) {
      const name = rawHeaders[index]!;
      if (name.startsWith(':')) continue;
      const value = rawHeaders[index + 1]!;
      if (name === 'cookie') {
        cookies.push(value);
        continue;
      }
      if (name === 'host' && host === undefined) host = value;
      this.headers.push({ name, value });
    }
    // nginx joins the cookie crumbs of an HTTP/2 request into one header after the others (ngx_http_v2_construct_cookie_header()).
    if (cookies.length > 0) this.headers.push({ name: 'cookie', value: cookies.join('; ') });
    this.authority = authority === undefined ? host : String(authority);
  }

  get body(): Readable {
    return this.stream;
  }

  get closed(): boolean {
    return this.stream.closed || this.stream.destroyed;
  }

  sendHead(status: number, headers: readonly HeaderField[], endStream: boolean, trailers = false): void {
    if (this.closed) return;
    const outgoing: OutgoingHttpHeaders = { ':status': status };
    for (const header of headers) {
      const name = header.name.toLowerCase();
      const existing = outgoing[name];
      if (existing === undefined) outgoing[name] = header.value;
      else outgoing[name] = [...(Array.isArray(existing) ? existing : [String(existing)]), header.value];
    }
    this.headSent = true;
    this.stream.respond(outgoing, { endStream, waitForTrailers: trailers && !endStream });
    if (trailers && !endStream) {
      this.stream.once('wantTrailers', () => {
        const trailers = this.trailersPending;
        if (trailers === undefined || trailers.length === 0) {
          this.stream.close();
          return;
        }
        const outgoingTrailers: OutgoingHttpHeaders = {};
        for (const trailer of trailers) outgoingTrailers[trailer.name.toLowerCase()] = trailer.value;
        this.stream.sendTrailers(outgoingTrailers);
      });
    }
  }

  write(chunk: Buffer): boolean {
    if (this.closed) return true;
    return this.stream.write(chunk);
  }

  onDrain(listener: () => void): void {
    this.stream.once('drain', listener);
  }

  end(trailers?: HeaderField[], lastChunk?: Buffer): void {
    if (this.closed) return;
    this.trailersPending = trailers;
    if (lastChunk) this.stream.end(lastChunk);
    else this.stream.end();
  }

  /**
   * Resets the stream with INTERNAL_ERROR, as nginx resets a stream whose
   * response it cannot finish. stream.close(code) would end the writable
   * side first (node 20.20), so the client would see END_STREAM after a body
   * shorter than its content-length and reset the stream with
   * PROTOCOL_ERROR itself. destroy() with an error sends only RST_STREAM,
   * and node gives it INTERNAL_ERROR.
   */
  abort(): void {
    if (!this.closed && this.stream.session?.destroyed === false) this.stream.destroy(new Error('the response cannot be completed'));
  }
}

/** Adapts an HTTP/1.x request and response. */
export class Http1Downstream implements Downstream {
  readonly protocol: 'HTTP/1.0' | 'HTTP/1.1';
  readonly streamId = undefined;
  readonly method: string;
  readonly target: string;
  readonly authority: string | undefined;
  readonly headers: HeaderField[];
  readonly hasBody: boolean;
  readonly hasScheme = true;
  headSent = false;

  constructor(
    private readonly request: IncomingMessage,
    private readonly response: ServerResponse,
    readonly connection: ConnectionInfo,
  ) {
    ({ protocol: this.protocol, method: this.method, target: this.target, headers: this.headers, authority: this.authority } = readHttp1Request(request));
    const length = request.headers['content-length'];
    this.hasBody = request.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
  }

  get body(): Readable {
    return this.request;
  }

  get closed(): boolean {
    return this.response.destroyed || this.response.socket === null || this.response.socket.destroyed;
  }

  sendHead(status: number, headers: readonly HeaderField[], endStream: boolean): void {
    if (this.closed) return;
    const flat: string[] = [];
    let hasConnection = false;
    let hasContentLength = false;
    for (const header of headers) {
      flat.push(header.name, header.value);
      const name = header.name.toLowerCase();
      if (name === 'connection') hasConnection = true;
      else if (name === 'content-length') hasContentLength = true;
    }
    // When node writes Connection: keep-alive itself, it adds "Keep-Alive: timeout=75" from server.keepAliveTimeout
    // (_storeHeader() in lib/_http_outgoing.js, read in node 20.20). nginx sends Keep-Alive only when keepalive_timeout
    // has a second parameter (ngx_http_header_filter_module.c), so the proxy writes the Connection header that node
    // would choose. A response with its own Connection header gets no automatic one from node, and node still closes
    // an idle connection after keepAliveTimeout.
    // NOTE: tested on node 20.20 only, because no node 22 or 24 binary was at hand.
    if (!hasConnection) flat.push('Connection', this.keepsAlive(hasContentLength) ? 'keep-alive' : 'close');
    this.headSent = true;
    this.response.writeHead(status, flat);
    if (endStream) this.response.end();
  }

  /**
   * Decides keep-alive as node's _storeHeader() does without a Connection
   * header: the request allows it (HTTP/1.1 without "Connection: close",
   * HTTP/1.0 with "Connection: keep-alive", and not draining), and the body
   * is framed by Content-Length or by chunked encoding, which HTTP/1.0
   * clients get only when they send "TE: chunked".
   */
  private keepsAlive(hasContentLength: boolean): boolean {
    return this.response.shouldKeepAlive && (hasContentLength || this.response.useChunkedEncodingByDefault);
  }

  write(chunk: Buffer): boolean {
    return writeUnlessClosed(this.response, this.closed, chunk);
  }

  onDrain(listener: () => void): void {
    this.response.once('drain', listener);
  }

  end(_trailers?: HeaderField[], lastChunk?: Buffer): void {
    endUnlessClosed(this.response, this.closed, lastChunk);
  }

  abort(): void {
    this.response.socket?.destroy();
  }
}

/**
 * An HTTP/1.1 request with an Upgrade header (WebSocket), handled on the
 * raw socket. The response is either a 101 and a tunnel to the backend, or
 * an ordinary response after which the connection closes.
 */
export class Http1UpgradeDownstream implements Downstream {
  readonly protocol: 'HTTP/1.0' | 'HTTP/1.1';
  readonly streamId = undefined;
  readonly method: string;
  readonly target: string;
  readonly authority: string | undefined;
  readonly headers: HeaderField[];
  readonly hasBody = false;
  readonly hasScheme = true;
  readonly body: Readable = Readable.from([]);
  headSent = false;

  constructor(
    request: IncomingMessage,
    private readonly socket: Socket,
    private readonly clientHead: Buffer,
    readonly connection: ConnectionInfo,
  ) {
    ({ protocol: this.protocol, method: this.method, target: this.target, headers: this.headers, authority: this.authority } = readHttp1Request(request));
  }

  get closed(): boolean {
    return this.socket.destroyed;
  }

  sendHead(status: number, headers: readonly HeaderField[], endStream: boolean): void {
    if (this.closed) return;
    this.headSent = true;
    // Without a tunnel the connection closes after this response, so its body needs no framing.
    const lines = [...headers.filter((header) => header.name.toLowerCase() !== 'connection'), { name: 'Connection', value: 'close' }];
    this.socket.write(serializeResponseHead(status, lines));
    if (endStream) this.socket.end();
  }

  write(chunk: Buffer): boolean {
    return writeUnlessClosed(this.socket, this.closed, chunk);
  }

  onDrain(listener: () => void): void {
    this.socket.once('drain', listener);
  }

  end(_trailers?: HeaderField[], lastChunk?: Buffer): void {
    endUnlessClosed(this.socket, this.closed, lastChunk);
  }

  abort(): void {
    this.socket.destroy();
  }

  upgrade(headers: readonly HeaderField[], tunnel: UpstreamTunnel, idleMs: number): Promise<void> {
    const client = this.socket;
    const backend = tunnel.socket;
    this.headSent = true;
    client.write(serializeResponseHead(101, headers));
    if (tunnel.rest.length > 0) client.write(tunnel.rest);
    if (this.clientHead.length > 0) backend.write(this.clientHead);

    return new Promise((resolve) => {
      let timer: NodeJS.Timeout | undefined;
      const close = () => {
        clearTimeout(timer);
        client.destroy();
        backend.destroy();
        resolve();
      };
      const touch = () => {
        clearTimeout(timer);
        timer = setTimeout(close, idleMs);
      };
      touch();
      client.on('data', touch);
      backend.on('data', touch);
      client.pipe(backend);
      backend.pipe(client);
      client.once('close', close);
      backend.once('close', close);
      client.on('error', close);
      backend.on('error', close);
      client.resume();
      backend.resume();
    });
  }
}

/** Writes to an HTTP/1 response or socket; a closed client takes nothing and causes no wait. */
function writeUnlessClosed(output: Writable, closed: boolean, chunk: Buffer): boolean {
  if (closed) return true;
  return output.write(chunk);
}

function endUnlessClosed(output: Writable, closed: boolean, lastChunk: Buffer | undefined): void {
  if (closed || output.writableEnded) return;
  if (lastChunk) output.end(lastChunk);
  else output.end();
}

/** The request line and headers of an HTTP/1.x request, headers in order with their case. */
function readHttp1Request(request: IncomingMessage): Pick<Downstream, 'protocol' | 'method' | 'target' | 'headers' | 'authority'> & { protocol: 'HTTP/1.0' | 'HTTP/1.1' } {
  const headers: HeaderField[] = [];
  const raw = request.rawHeaders;
  for (let index = 0; index + 1 < raw.length; index += 2) headers.push({ name: raw[index]!, value: raw[index + 1]! });
  return {
    protocol: request.httpVersion === '1.0' ? 'HTTP/1.0' : 'HTTP/1.1',
    method: request.method ?? '',
    target: request.url ?? '',
    headers,
    authority: request.headers.host,
  };
}

function serializeResponseHead(status: number, headers: readonly HeaderField[]): Buffer {
  let text = `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}\r\nDate: ${new Date().toUTCString()}\r\n`;
  for (const header of headers) text += `${header.name}: ${header.value}\r\n`;
  return Buffer.from(`${text}\r\n`, 'latin1');
}
