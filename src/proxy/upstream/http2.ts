/**
 * One HTTP/2 attempt (proxy_http_version 2 and grpc_pass): one stream on a
 * prior-knowledge h2c connection, and one request per connection at a time
 * as nginx runs them. The connection goes back to the keepalive cache when
 * the stream ended cleanly.
 */

import { constants, type ClientHttp2Stream, type IncomingHttpHeaders, type OutgoingHttpHeaders } from 'node:http2';

import type { HeaderField } from '../variables.js';
import type { AttemptTimeouts, BodyResult, BodySink, HeaderOutcome, UpstreamBody } from './attempt.js';
import { destroyConnection, type KeepalivePool, type UpstreamConnection } from './pool.js';
import { startUpstreamTimeout, type UpstreamTimeout } from './timers.js';

export interface Http2Request {
  method: string;
  path: string;
  scheme: 'http';
  /** :authority, or undefined when nginx sends none (a configured Host before 1.31.4, which goes out as a `host` header). */
  authority: string | undefined;
  headers: readonly HeaderField[];
  /** A buffered body, or a stream of it (gRPC sends the body unbuffered). */
  body: Buffer | NodeJS.ReadableStream | undefined;
}

/** Connection-specific headers that HTTP/2 forbids; a client's copy of them is not passed on. */
const connectionHeaders = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'upgrade']);

export function runHttp2Attempt(connection: UpstreamConnection, pool: KeepalivePool, request: Http2Request, timeouts: AttemptTimeouts): Promise<HeaderOutcome> {
  return new Promise((resolve) => {
    const session = connection.session!;
    if (session.closed || session.destroyed) {
      destroyConnection(connection);
      resolve({ kind: 'error', message: 'upstream connection is closed', requestSent: false });
      return;
    }

    const outgoing: OutgoingHttpHeaders = { ':method': request.method, ':scheme': request.scheme, ':path': request.path };
    if (request.authority !== undefined) outgoing[':authority'] = request.authority;
    // NOTE: a request with neither :authority nor host gets `:authority: PEER` from node, where nginx before 1.31.4
    // sends neither. That happens only when a configured Host evaluates to an empty value.
    for (const header of request.headers) {
      const name = header.name.toLowerCase();
      if (connectionHeaders.has(name) || (name === 'te' && header.value !== 'trailers')) continue;
      const existing = outgoing[name];
      outgoing[name] = existing === undefined ? header.value : [...(Array.isArray(existing) ? existing : [String(existing)]), header.value];
    }

    const hasBody = request.body !== undefined && !(Buffer.isBuffer(request.body) && request.body.length === 0);
    connection.requests++;
    let stream: ClientHttp2Stream;
    try {
      stream = session.request(outgoing, { endStream: !hasBody });
    } catch (error) {
      destroyConnection(connection);
      resolve({ kind: 'error', message: (error as Error).message, requestSent: false });
      return;
    }

    let settled = false;
    let timeout: UpstreamTimeout | undefined;
    const arm = () => {
      timeout?.cancel();
      timeout = startUpstreamTimeout(timeouts.readMs, () => fail('timeout', 'upstream timed out (110: Connection timed out) while reading response header from upstream'));
    };
    const fail = (kind: 'error' | 'timeout', message: string) => {
      if (settled) return;
      settled = true;
      timeout?.cancel();
      stream.close(constants.NGHTTP2_CANCEL);
      destroyConnection(connection);
      resolve({ kind, message, requestSent: true });
    };
    arm();

    if (hasBody) {
      if (Buffer.isBuffer(request.body)) stream.end(request.body);
      else (request.body as NodeJS.ReadableStream).pipe(stream);
    }

    stream.on('error', (error) => fail('error', error.message));
    stream.on('close', () => fail('error', 'upstream prematurely closed stream while reading response header from upstream'));
    stream.on('response', (headers: IncomingHttpHeaders) => {
      const status = Number(headers[':status']);
      if (status >= 100 && status < 200) return;
      if (settled) return;
      settled = true;
      timeout?.cancel();
      stream.removeAllListeners('close');
      stream.removeAllListeners('error');
      const fields = headerFields(headers);
      const length = headers['content-length'];
      const body = new Http2Body(stream, connection, pool, timeouts);
      resolve({
        kind: 'response',
        head: { status, headers: fields, contentLength: length === undefined ? -1 : Number(length), noBody: request.method === 'HEAD' || status === 204 || status === 304 },
        body,
      });
    });
  });
}

function headerFields(headers: IncomingHttpHeaders): HeaderField[] {
  const fields: HeaderField[] = [];
  for (const [name, value] of Object.entries(headers)) {
    if (name.startsWith(':') || value === undefined) continue;
    if (Array.isArray(value)) for (const item of value) fields.push({ name, value: item });
    else fields.push({ name, value: String(value) });
  }
  return fields;
}

class Http2Body implements UpstreamBody {
  private done = false;

  constructor(
    private readonly stream: ClientHttp2Stream,
    private readonly connection: UpstreamConnection,
    private readonly pool: KeepalivePool,
    private readonly timeouts: AttemptTimeouts,
  ) {
    stream.pause();
  }

  pipe(sink: BodySink): Promise<BodyResult> {
    return new Promise((resolve) => {
      const stream = this.stream;
      let trailers: HeaderField[] | undefined;
      let timeout: UpstreamTimeout | undefined;
      const arm = () => {
        timeout?.cancel();
        timeout = startUpstreamTimeout(this.timeouts.readMs, () => finish('timeout'));
      };
      const finish = (result: BodyResult) => {
        if (this.done) return;
        this.done = true;
        timeout?.cancel();
        stream.removeAllListeners('data');
        if (result === 'complete') {
          sink.end(trailers);
          this.pool.release(this.connection);
        } else {
          stream.close(constants.NGHTTP2_CANCEL);
          destroyConnection(this.connection);
        }
        resolve(result);
      };

      stream.on('trailers', (headers: IncomingHttpHeaders) => {
        trailers = headerFields(headers);
      });
      stream.on('data', (chunk: Buffer) => {
        arm();
        if (sink.closed) {
          finish('client-closed');
          return;
        }
        if (!sink.write(chunk)) {
          stream.pause();
          sink.onDrain(() => stream.resume());
        }
      });
      stream.on('end', () => finish('complete'));
      stream.on('error', () => finish('error'));
      stream.on('close', () => finish(stream.rstCode === constants.NGHTTP2_NO_ERROR ? 'complete' : 'error'));
      arm();
      stream.resume();
    });
  }

  discard(): void {
    this.done = true;
    this.stream.close(constants.NGHTTP2_CANCEL);
    destroyConnection(this.connection);
  }
}
