/**
 * Scenario clients on the wire: HTTP/2 over TLS (ALPN h2), h2c with prior
 * knowledge, and HTTP/1.1 on plain or TLS ports. Each connection is a single
 * one, kept open until a reconnect step. Each client has a cookie jar
 * (RFC 6265, tough-cookie) per server under test.
 */

import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { connect as connectHttp2, constants as http2Constants, type ClientHttp2Session } from 'node:http2';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { connect as connectTcp } from 'node:net';
import { connect as connectTls } from 'node:tls';

import { CookieJar } from 'tough-cookie';

import type { ConnectionProtocol } from './scenario/types.js';
import { testCertificatePaths } from './testbed.js';

/** The response to one request (or how it failed), before it is turned into an observation. */
export interface RawResponse {
  /** Undefined when no response header arrived. */
  status?: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
  /** Why the exchange failed, in fixed wording: `connection refused`, `stream reset: INTERNAL_ERROR`, ... */
  error?: string;
  /**
   * Set when the client rejected the request before sending it, such as
   * ERR_HTTP2_INVALID_CONNECTION_HEADERS: the server never saw it, so there is
   * no behaviour of the server to compare.
   */
  notSent?: boolean;
}

export interface OutgoingRequest {
  method: string;
  path: string;
  authority: string;
  headers: Record<string, string>;
  body?: string;
}

export interface ConnectionTarget {
  protocol: ConnectionProtocol;
  /** Loopback address of the server: 127.0.0.1 or ::1, without brackets. */
  host: string;
  port: number;
  /** Loopback address the client connects from. */
  localAddress: string;
  /** TLS server name (SNI). */
  serverName: string;
  /** Maximum wait for one response, in milliseconds (default responseTimeoutMs). */
  timeoutMs?: number;
}

/**
 * Maximum wait for one response, in milliseconds. Scenarios that make a
 * backend hang or delay set a shorter read timeout in their spec, so the
 * server under test gives up first.
 */
export const responseTimeoutMs = 10_000;

const connectTimeoutMs = 10_000;

let trustedCertificate: Buffer | undefined;

function certificate(): Buffer {
  trustedCertificate ??= readFileSync(testCertificatePaths.certificate);
  return trustedCertificate;
}

/** TLS options for the harness's own certificate; the name check is skipped because specs name their own hosts. */
function tlsOptions(serverName: string) {
  return { ca: certificate(), servername: serverName, checkServerIdentity: () => undefined };
}

/** One client connection to one server under test. */
export interface ClientConnection {
  send(request: OutgoingRequest): Promise<RawResponse>;
  close(): Promise<void>;
}

export function openConnection(target: ConnectionTarget): ClientConnection {
  return target.protocol === 'h2' || target.protocol === 'h2c' ? new Http2Connection(target) : new Http1Connection(target);
}

class Http2Connection implements ClientConnection {
  private session: ClientHttp2Session | undefined;
  private opening: Promise<ClientHttp2Session> | undefined;

  constructor(private readonly target: ConnectionTarget) {}

  async send(request: OutgoingRequest): Promise<RawResponse> {
    let session: ClientHttp2Session;
    try {
      session = await this.open();
    } catch (error) {
      return { headers: {}, body: Buffer.alloc(0), error: describeError(error) };
    }
    return sendOnSession(session, request, this.target.timeoutMs ?? responseTimeoutMs);
  }

  async close(): Promise<void> {
    const session = this.session ?? (await this.opening?.catch(() => undefined));
    this.session = undefined;
    this.opening = undefined;
    if (!session || session.destroyed) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        session.destroy();
        resolve();
      }, 2000);
      session.close(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  private open(): Promise<ClientHttp2Session> {
    if (this.session && !this.session.closed && !this.session.destroyed) return Promise.resolve(this.session);
    this.opening ??= this.connect().finally(() => {
      this.opening = undefined;
    });
    return this.opening;
  }

  private connect(): Promise<ClientHttp2Session> {
    const { protocol, host, port, localAddress, serverName } = this.target;
    const tls = protocol === 'h2';
    const url = `${tls ? 'https' : 'http'}://${host.includes(':') ? `[${host}]` : host}:${port}`;
    const createConnection = () =>
      tls
        ? connectTls({ socket: connectTcp({ host, port, localAddress }), ...tlsOptions(serverName), ALPNProtocols: ['h2'] })
        : connectTcp({ host, port, localAddress });
    const session = connectHttp2(url, { createConnection });

    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        session.destroy();
        reject(new Error(`no HTTP/2 connection to ${url} within ${connectTimeoutMs} ms`));
      }, connectTimeoutMs);
      session.once('connect', () => {
        clearTimeout(timer);
        session.removeAllListeners('error');
        // Later session errors end the streams on it, which report them.
        session.on('error', () => undefined);
        session.on('goaway', (code: number) => goawayCodes.set(session, code));
        this.session = session;
        resolve(session);
      });
      session.once('error', (error) => {
        clearTimeout(timer);
        reject(error);
      });
    });
  }
}

/** The error code of the GOAWAY each session received, so that a stream it ended can name it. */
const goawayCodes = new WeakMap<ClientHttp2Session, number>();

function sendOnSession(session: ClientHttp2Session, request: OutgoingRequest, timeoutMs: number): Promise<RawResponse> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let status: number | undefined;
    let headers: RawResponse['headers'] = {};
    let settled = false;

    const finish = (error?: string) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve({ ...(status !== undefined ? { status } : {}), headers, body: Buffer.concat(chunks), ...(error !== undefined ? { error } : {}) });
    };

    let stream;
    try {
      stream = session.request({
        [http2Constants.HTTP2_HEADER_METHOD]: request.method,
        [http2Constants.HTTP2_HEADER_PATH]: request.path,
        [http2Constants.HTTP2_HEADER_AUTHORITY]: request.authority,
        ...request.headers,
      });
    } catch (error) {
      resolve({ headers: {}, body: Buffer.alloc(0), error: describeError(error), notSent: true });
      return;
    }

    const timer = setTimeout(() => {
      stream.close(http2Constants.NGHTTP2_CANCEL);
      finish(`no response within ${timeoutMs} ms`);
    }, timeoutMs);

    stream.on('response', (received) => {
      const { [http2Constants.HTTP2_HEADER_STATUS]: statusText, ...rest } = received;
      status = Number(statusText);
      headers = rest as RawResponse['headers'];
    });
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    stream.on('end', () => finish());
    stream.on('close', () => {
      const code = stream.rstCode;
      finish(code !== undefined && code !== http2Constants.NGHTTP2_NO_ERROR ? `stream reset: ${http2ErrorName(code)}` : undefined);
    });
    stream.on('error', (error) => finish(describeError(error, stream.rstCode, goawayCodes.get(session))));
    stream.end(request.body);
  });
}

class Http1Connection implements ClientConnection {
  private agent: HttpAgent;

  constructor(private readonly target: ConnectionTarget) {
    this.agent = this.createAgent();
  }

  send(request: OutgoingRequest): Promise<RawResponse> {
    const tls = this.target.protocol === 'http1-tls';
    const send = tls ? httpsRequest : httpRequest;
    const timeoutMs = this.target.timeoutMs ?? responseTimeoutMs;

    return new Promise((resolve) => {
      const chunks: Buffer[] = [];
      let settled = false;
      let response: IncomingMessage | undefined;

      const finish = (error?: string) => {
        if (settled) return;
        settled = true;
        resolve({
          ...(response?.statusCode !== undefined ? { status: response.statusCode } : {}),
          headers: response?.headers ?? {},
          body: Buffer.concat(chunks),
          ...(error !== undefined ? { error } : {}),
        });
      };

      let outgoing: ReturnType<typeof send>;
      try {
        outgoing = send(
        {
          host: this.target.host,
          port: this.target.port,
          method: request.method,
          path: request.path,
          headers: { host: request.authority, ...request.headers },
          agent: this.agent,
          timeout: timeoutMs,
          ...(tls ? tlsOptions(this.target.serverName) : {}),
        },
        (incoming) => {
          response = incoming;
          incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
          incoming.on('end', () => finish(incoming.complete ? undefined : 'connection closed before the response ended'));
          incoming.on('aborted', () => finish('connection closed before the response ended'));
          incoming.on('error', () => finish('connection closed before the response ended'));
        },
      );
      } catch (error) {
        // node:http throws here for a header name or value it cannot send, such as one with a line break.
        resolve({ headers: {}, body: Buffer.alloc(0), error: describeError(error), notSent: true });
        return;
      }
      outgoing.on('timeout', () => {
        outgoing.destroy();
        finish(`no response within ${timeoutMs} ms`);
      });
      outgoing.on('error', (error) => finish(describeError(error)));
      outgoing.end(request.body);
    });
  }

  async close(): Promise<void> {
    this.agent.destroy();
    this.agent = this.createAgent();
  }

  private createAgent(): HttpAgent {
    const options = { keepAlive: true, maxSockets: 1, localAddress: this.target.localAddress };
    return this.target.protocol === 'http1-tls' ? new HttpsAgent({ ...options, ...tlsOptions(this.target.serverName) }) : new HttpAgent(options);
  }
}

/** Error text that stays the same between runs: no ports, addresses or stack traces. */
function describeError(error: unknown, rstCode?: number, goawayCode?: number): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'ECONNREFUSED') return 'connection refused';
  if (code === 'ECONNRESET' || code === 'EPIPE') return 'connection reset';
  if (code === 'ERR_HTTP2_STREAM_ERROR' && rstCode !== undefined) return `stream reset: ${http2ErrorName(rstCode)}`;
  if (code === 'ERR_HTTP2_SESSION_ERROR' || code === 'ERR_HTTP2_GOAWAY_SESSION') {
    return goawayCode === undefined ? 'connection closed by GOAWAY' : `connection closed by GOAWAY ${http2ErrorName(goawayCode)}`;
  }
  if (code === 'ERR_HTTP2_ERROR') return 'HTTP/2 protocol error';
  if (code === 'HPE_INVALID_CONSTANT' || code?.startsWith('HPE_')) return 'invalid HTTP/1.1 response';
  if (code === 'ERR_SSL_WRONG_VERSION_NUMBER' || code?.startsWith('ERR_SSL')) return 'TLS handshake failed';
  if (code !== undefined) return code;
  return error instanceof Error ? error.message : String(error);
}

const http2ErrorNames: Record<number, string> = {
  0x0: 'NO_ERROR',
  0x1: 'PROTOCOL_ERROR',
  0x2: 'INTERNAL_ERROR',
  0x3: 'FLOW_CONTROL_ERROR',
  0x4: 'SETTINGS_TIMEOUT',
  0x5: 'STREAM_CLOSED',
  0x6: 'FRAME_SIZE_ERROR',
  0x7: 'REFUSED_STREAM',
  0x8: 'CANCEL',
  0x9: 'COMPRESSION_ERROR',
  0xa: 'CONNECT_ERROR',
  0xb: 'ENHANCE_YOUR_CALM',
  0xc: 'INADEQUATE_SECURITY',
  0xd: 'HTTP_1_1_REQUIRED',
};

function http2ErrorName(code: number): string {
  return http2ErrorNames[code] ?? `error code ${code}`;
}

/** A client's cookie jar for one server under test. */
export class ClientJar {
  private jar = new CookieJar(undefined, { allowSpecialUseDomain: true });

  /** Stores the response's Set-Cookie headers as a browser would for this URL; rejected cookies are ignored, as browsers ignore them. */
  store(url: string, setCookies: readonly string[]): void {
    for (const header of setCookies) {
      try {
        this.jar.setCookieSync(header, url);
      } catch {
        // tough-cookie raises for cookies a browser drops silently (wrong domain, secure over plain HTTP).
      }
    }
  }

  cookieHeader(url: string): string {
    return this.jar.getCookieStringSync(url);
  }

  clear(): void {
    this.jar = new CookieJar(undefined, { allowSpecialUseDomain: true });
  }
}

/** SHA-256 of a body, first 16 hex digits: enough to tell bodies apart in a report. */
export function bodyDigest(body: Buffer): string {
  return createHash('sha256').update(body).digest('hex').slice(0, 16);
}
