/**
 * One HTTP/1.x attempt on one backend connection: send the request, read
 * the response header within proxy_read_timeout, then pass the body to the
 * client with backpressure. A connection is returned to the keepalive cache
 * only when the response was framed, complete, and not followed by a close.
 */

import type { AttemptTimeouts, BodyResult, BodySink, HeaderOutcome, UpstreamBody, UpstreamResponseHead, UpstreamTunnel } from './attempt.js';
import { ChunkedDecoder, ResponseHeadParser, type ResponseHead } from './http1-parser.js';
import { destroyConnection, type KeepalivePool, type SocketEventHandler, type UpstreamConnection } from './pool.js';
import { startUpstreamTimeout, type UpstreamTimeout } from './timers.js';

export interface Http1Request {
  method: string;
  /** 1.0 or 1.1 (proxy_http_version). */
  version: '1.0' | '1.1';
  /** The request line and header block, serialized as a latin1 string. */
  head: string;
  body: Buffer | undefined;
}

/** Sends the request and waits for the response header. */
export function runHttp1Attempt(connection: UpstreamConnection, pool: KeepalivePool, request: Http1Request, timeouts: AttemptTimeouts): Promise<HeaderOutcome> {
  return new Http1Exchange(connection, pool, request, timeouts).start();
}

class Http1Exchange implements UpstreamBody, SocketEventHandler {
  private readonly socket;
  private readonly parser = new ResponseHeadParser();
  private head: ResponseHead | undefined;
  private decoder: ChunkedDecoder | undefined;
  private received = 0;
  private timeout: UpstreamTimeout | undefined;
  private settleHeader: ((outcome: HeaderOutcome) => void) | undefined;
  private settleBody: ((result: BodyResult) => void) | undefined;
  private sink: BodySink | undefined;
  /** Body bytes that arrived with the header, before pipe(). */
  private early: Buffer[] = [];
  /** The chunk that completes a body of known length; it goes out with the end of the stream. */
  private lastChunk: Buffer | undefined;
  private finished = false;

  constructor(
    private readonly connection: UpstreamConnection,
    private readonly pool: KeepalivePool,
    private readonly request: Http1Request,
    private readonly timeouts: AttemptTimeouts,
  ) {
    this.socket = connection.socket;
  }

  start(): Promise<HeaderOutcome> {
    return new Promise((resolve) => {
      this.settleHeader = resolve;
      if (this.socket.destroyed) {
        this.failHeader('error', 'upstream connection is closed');
        return;
      }
      this.connection.handler = this;
      // A cached connection may have been paused by the body of its previous response.
      this.socket.resume();
      this.connection.requests++;

      const flushed = this.send();
      if (!flushed) {
        this.arm(this.timeouts.sendMs, 'upstream timed out (110: Connection timed out) while sending request to upstream');
        this.socket.once('drain', () => this.arm(this.timeouts.readMs, 'upstream timed out (110: Connection timed out) while reading response header from upstream'));
      } else {
        this.arm(this.timeouts.readMs, 'upstream timed out (110: Connection timed out) while reading response header from upstream');
      }
    });
  }

  /** Writes the request: the head alone, or the head and the body corked into one write. */
  private send(): boolean {
    const { head, body } = this.request;
    if (body === undefined || body.length === 0) return this.socket.write(head, 'latin1');
    this.socket.cork();
    this.socket.write(head, 'latin1');
    const flushed = this.socket.write(body);
    this.socket.uncork();
    return flushed;
  }

  private arm(ms: number, message: string): void {
    this.timeout?.cancel();
    this.timeout = startUpstreamTimeout(ms, () => this.onTimeout(message));
  }

  private readonly onTimeout = (message: string): void => {
    if (this.settleHeader) {
      this.failHeader('timeout', message);
      return;
    }
    this.endBody('timeout');
  };

  /** Receives the connection's data while this exchange uses it. */
  onData(chunk: Buffer): void {
    if (this.head === undefined) {
      this.arm(this.timeouts.readMs, 'upstream timed out (110: Connection timed out) while reading response header from upstream');
      let result = this.parser.feed(chunk);
      while (result.kind === 'interim') result = this.parser.feed(result.rest);
      if (result.kind === 'more') return;
      if (result.kind === 'invalid') {
        this.failHeader('invalid_header', result.reason);
        return;
      }
      this.head = result.head;
      if (this.head.chunked) this.decoder = new ChunkedDecoder();
      const settle = this.settleHeader!;
      this.settleHeader = undefined;
      // The body waits until pipe() names a sink. The socket stays paused until then, and bytes already read wait in `early`.
      this.socket.pause();
      if (result.rest.length > 0) this.early.push(result.rest);
      settle({ kind: 'response', head: this.responseHead(), body: this });
      return;
    }
    this.arm(this.timeouts.readMs, 'upstream timed out (110: Connection timed out) while reading upstream');
    this.consumeBody(chunk);
  }

  /** Receives the connection's close while this exchange uses it. */
  onClose(): void {
    if (this.settleHeader) {
      this.failHeader('error', 'upstream prematurely closed connection while reading response header from upstream');
      return;
    }
    if (this.finished) return;
    // A body delimited by the end of the connection is complete now; any other body was cut short.
    const delimitedByClose = this.head !== undefined && !this.head.chunked && this.head.contentLength === -1 && !this.noBody();
    this.endBody(delimitedByClose ? 'complete' : 'error');
  }

  private responseHead(): UpstreamResponseHead {
    const head = this.head!;
    return { status: head.status, headers: head.headers, contentLength: head.contentLength, noBody: this.noBody() };
  }

  private noBody(): boolean {
    const status = this.head!.status;
    return this.request.method === 'HEAD' || status === 204 || status === 304 || (status >= 100 && status < 200);
  }

  pipe(sink: BodySink): Promise<BodyResult> {
    return new Promise((resolve) => {
      this.settleBody = resolve;
      this.sink = sink;
      if (this.noBody() || this.head!.contentLength === 0) {
        this.endBody('complete', this.early.length === 0);
        return;
      }
      for (const chunk of this.early.splice(0)) this.consumeBody(chunk);
      if (!this.finished) {
        this.arm(this.timeouts.readMs, 'upstream timed out (110: Connection timed out) while reading upstream');
        this.socket.resume();
      }
    });
  }

  discard(): void {
    this.finished = true;
    this.cleanup();
    destroyConnection(this.connection);
  }

  takeTunnel(): UpstreamTunnel {
    this.finished = true;
    this.cleanup();
    return { socket: this.socket, rest: Buffer.concat(this.early.splice(0)) };
  }

  private consumeBody(chunk: Buffer): void {
    if (this.finished) return;
    const head = this.head!;
    if (this.decoder) {
      const result = this.decoder.feed(chunk);
      if (result.kind === 'invalid') {
        this.endBody('error');
        return;
      }
      for (const data of result.data) this.forward(data);
      if (result.done) this.endBody('complete', result.rest.length === 0);
      return;
    }

    if (head.contentLength >= 0) {
      const room = head.contentLength - this.received;
      const data = chunk.length > room ? chunk.subarray(0, room) : chunk;
      this.received += data.length;
      if (this.received < head.contentLength) {
        this.forward(data);
        return;
      }
      if (this.sink!.closed) {
        this.endBody('client-closed');
        return;
      }
      this.lastChunk = data;
      this.endBody('complete', chunk.length === data.length);
      return;
    }
    this.forward(chunk);
  }

  private forward(data: Buffer): void {
    if (data.length === 0) return;
    const sink = this.sink!;
    if (sink.closed) {
      this.endBody('client-closed');
      return;
    }
    if (!sink.write(data)) {
      this.socket.pause();
      sink.onDrain(() => {
        if (!this.finished) this.socket.resume();
      });
    }
  }

  private endBody(result: BodyResult, reusable = false): void {
    if (this.finished) return;
    this.finished = true;
    this.cleanup();

    const keep = result === 'complete' && reusable && !this.head!.connectionClose && this.request.version === '1.1' && (this.head!.chunked || this.head!.contentLength >= 0);
    if (keep) this.pool.release(this.connection);
    else destroyConnection(this.connection);

    if (result === 'complete') this.sink?.end(undefined, this.lastChunk);
    const settle = this.settleBody;
    this.settleBody = undefined;
    settle?.(result);
  }

  private failHeader(kind: 'error' | 'timeout' | 'invalid_header', message: string): void {
    const settle = this.settleHeader;
    if (!settle) return;
    this.settleHeader = undefined;
    this.finished = true;
    this.cleanup();
    destroyConnection(this.connection);
    settle({ kind, message, requestSent: true });
  }

  private cleanup(): void {
    this.timeout?.cancel();
    if (this.connection.handler === this) this.connection.handler = undefined;
  }
}
