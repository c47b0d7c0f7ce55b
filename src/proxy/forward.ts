/**
 * One client request from header to end: validation as nginx does it,
 * server and location selection, the request body, the upstream use that
 * the decision core steers, and the response with nginx's headers or its
 * own error page.
 */

import { Readable } from 'node:stream';

import type { PlanLocation, PlanServer } from '../plan/types.js';
import type { AttemptOutcome, RuntimePeer, UpstreamStep, UpstreamUse } from './core/types.js';
import type { Downstream } from './downstream.js';
import { closingStatuses, errorPage } from './error-pages.js';
import { logEvents, type AccessRecord, type ProxyLogger } from './logging.js';
import { normalizeUri } from './locations.js';
import { buildUpstreamHeaders, serializeUpstreamHead, upstreamAuthority } from './request-headers.js';
import { addedHeaders, passedBackendHeaders } from './response-headers.js';
import type { ProxyRuntime } from './runtime.js';
import { validateHost, type ListenSocket } from './server-names.js';
import type { HeaderOutcome } from './upstream/attempt.js';
import { runHttp1Attempt } from './upstream/http1.js';
import { runHttp2Attempt } from './upstream/http2.js';
import { connectPeer, type UpstreamConnection } from './upstream/pool.js';
import { headerValue, requestId, type HeaderField, type RequestFacts } from './variables.js';

/** nginx's client_max_body_size default: 1 MiB. */
export const maxRequestBodyBytes = 1024 * 1024;

/** Connection-specific headers that nginx 1.31.0 and later reject in HTTP/2 requests. */
const http2ConnectionHeaders = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'upgrade']);

interface RequestState {
  runtime: ProxyRuntime;
  down: Downstream;
  facts: RequestFacts;
  started: number;
  server?: PlanServer;
  location?: PlanLocation;
  use?: UpstreamUse;
  peer?: RuntimePeer;
  connectMs?: number;
  headerMs?: number;
  responseMs?: number;
  incomplete?: string;
}

/** Handles one request; never rejects, because every failure becomes a response or an aborted stream. */
export async function forwardRequest(runtime: ProxyRuntime, socket: ListenSocket, down: Downstream, log: ProxyLogger): Promise<void> {
  const state: RequestState = { runtime, down, facts: initialFacts(down), started: performance.now() };
  let status = 0;
  try {
    status = await route(state, socket, log);
  } catch (error) {
    log.error({ event: logEvents.internalError, err: error, requestId: requestId(state.facts) }, 'request failed inside the proxy');
    if (!down.headSent) status = sendErrorPage(state, 500, []);
    else down.abort();
  }
  logAccess(state, status, log);
}

function initialFacts(down: Downstream): RequestFacts {
  const target = down.target;
  const query = target.indexOf('?');
  return {
    method: down.method,
    requestUri: target,
    uri: query === -1 ? target : target.slice(0, query),
    args: query === -1 ? '' : target.slice(query + 1),
    scheme: down.connection.scheme,
    protocol: down.protocol,
    host: '',
    headers: down.headers,
    remoteAddress: down.connection.remoteAddress,
    remotePort: down.connection.remotePort,
    serverAddress: down.connection.localAddress,
    serverPort: down.connection.localPort,
    serverName: '',
  };
}

async function route(state: RequestState, socket: ListenSocket, log: ProxyLogger): Promise<number> {
  const { runtime, down, facts } = state;
  const target = runtime.plan.target;

  // Host: from an absolute request target, else :authority or Host; validated as ngx_http_validate_host() does.
  let authority = down.authority;
  if (down.protocol !== 'HTTP/2.0' && /^https?:\/\//i.test(down.target)) {
    const url = /^https?:\/\/([^/?#]*)([^#]*)$/i.exec(down.target);
    authority = url?.[1];
    const path = url?.[2] === '' || url?.[2] === undefined ? '/' : url[2];
    const query = path.indexOf('?');
    facts.uri = query === -1 ? path : path.slice(0, query);
  }
  let host: string | undefined;
  if (authority !== undefined) {
    const checked = validateHost(authority, runtime.strictHostCheck);
    if (!checked.ok) return rejectClient(state, 400, 'client sent invalid host header', log);
    host = checked.host;
  }
  const server = socket.selector.select(host);
  state.server = server;
  facts.serverName = server.serverNames[0] ?? '';
  facts.host = host ?? facts.serverName;

  if (down.protocol === 'HTTP/1.1' && down.authority === undefined) return rejectClient(state, 400, 'client sent HTTP/1.1 request without "Host" header', log);
  if (down.protocol === 'HTTP/2.0') {
    // ngx_http_v2_construct_request_line() needs :path and :scheme before the method is looked at.
    if (down.target === '' || !down.hasScheme) return rejectClient(state, 400, 'client sent no :path or :scheme header', log);
    if (down.method === 'CONNECT') return rejectClient(state, 405, 'client sent CONNECT method', log);
    if (target.features.hopByHopRejectedInHttp2) {
      const bad = down.headers.find((header) => http2ConnectionHeaders.has(header.name) || (header.name === 'te' && header.value.toLowerCase() !== 'trailers'));
      if (bad) return rejectClient(state, 400, `client sent invalid header "${bad.name}"`, log);
    }
  }

  const normalized = normalizeUri(facts.uri);
  if (!normalized.ok) return rejectClient(state, 400, `client sent invalid request: ${normalized.reason}`, log);
  facts.uri = normalized.uri;

  const match = runtime.locations(server).match(facts.uri);
  if (match.kind === 'none') return sendErrorPage(state, 404, []);
  state.location = match.location;
  if (match.kind === 'redirect') return redirect(state, match.path);

  const declaredLength = headerValue(facts, 'content-length');
  if (declaredLength !== undefined && Number(declaredLength) > maxRequestBodyBytes) {
    return rejectClient(state, 413, `client intended to send too large body: ${declaredLength} bytes`, log);
  }

  // grpc_pass streams the request body (ngx_http_grpc_handler() sets request_body_no_buffering); proxy_pass buffers it whole.
  if (match.location.module === 'grpc') return proxy(state, match.location, down.hasBody ? down.body : undefined, log);

  const body = down.hasBody ? await readBody(down) : skipBody(down);
  if (body === 'too-large') return rejectClient(state, 413, 'client intended to send too large body', log);
  if (body === 'closed') {
    state.incomplete = 'client-closed';
    return 499;
  }
  return proxy(state, match.location, body, log);
}

function rejectClient(state: RequestState, status: number, reason: string, log: ProxyLogger): number {
  log.info({ event: logEvents.clientError, requestId: requestId(state.facts), status, reason }, reason);
  return sendErrorPage(state, status, []);
}

/**
 * Ends the request side of a request without a body. An HTTP/2 stream whose
 * readable side has ended is destroyed as soon as its response is written,
 * before node's write callback runs, and node then makes an
 * ERR_STREAM_DESTROYED error per response (node 20.20). nghttp2 closes the
 * stream after END_STREAM anyway, so only HTTP/1 needs the request read to
 * its end.
 */
function skipBody(down: Downstream): undefined {
  if (down.protocol !== 'HTTP/2.0') down.body.resume();
  return undefined;
}

/** Reads the whole body, as nginx does with proxy_request_buffering on. */
function readBody(down: Downstream): Promise<Buffer | 'too-large' | 'closed'> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let length = 0;
    const stream = down.body;
    const onData = (chunk: Buffer) => {
      length += chunk.length;
      if (length > maxRequestBodyBytes) {
        cleanup();
        stream.resume();
        resolve('too-large');
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => {
      cleanup();
      resolve(Buffer.concat(chunks, length));
    };
    const onClose = () => {
      cleanup();
      resolve('closed');
    };
    const cleanup = () => {
      stream.off('data', onData);
      stream.off('end', onEnd);
      stream.off('close', onClose);
      stream.off('error', onClose);
    };
    stream.on('data', onData);
    stream.on('end', onEnd);
    stream.on('close', onClose);
    stream.on('error', onClose);
  });
}

function redirect(state: RequestState, path: string): number {
  const { facts, down } = state;
  const defaultPort = facts.scheme === 'https' ? 443 : 80;
  const port = facts.serverPort === defaultPort ? '' : `:${facts.serverPort}`;
  const location = `${facts.scheme}://${facts.host}${port}${path}${facts.args === '' ? '' : `?${facts.args}`}`;
  void down;
  return sendErrorPage(state, 301, [{ name: 'Location', value: location }]);
}

/** Runs the upstream use: attempts until the core passes a response or returns an error status. */
async function proxy(state: RequestState, location: PlanLocation, body: Buffer | Readable | undefined, log: ProxyLogger): Promise<number> {
  const { runtime, down, facts } = state;
  if (!(body instanceof Readable)) facts.bodyLength = body?.length ?? (down.hasBody ? 0 : undefined);

  const use = runtime.core.startUse({
    method: facts.method,
    cookieHeaders: facts.headers.filter((header) => header.name.toLowerCase() === 'cookie').map((header) => header.value),
    variables: (name) => runtime.variables.reader(name.slice(1))(facts),
    unbufferedBody: body instanceof Readable,
    location,
    clientAddress: facts.remoteAddress,
  });
  state.use = use;
  facts.proxyHost = use.upstream.name;
  const pool = runtime.pool(use.upstream.name);

  let step: UpstreamStep = use.start();
  for (;;) {
    syncUpstreamVariables(state);
    if (step.kind === 'error') return sendErrorPage(state, step.status, stickyCookie(state));
    if (step.kind === 'pass') throw new Error('the core passed a response before any attempt');

    const peer = step.peer;
    state.peer = peer;
    // A new attempt has no response yet (ngx_http_upstream_reinit() clears the previous one's headers).
    facts.upstreamHeaders = undefined;
    const attemptStart = performance.now();
    let connection: UpstreamConnection | undefined = pool.take(peer.name);
    const cached = connection !== undefined;
    const http2 = location.upstreamHttpVersion === '2';
    if (!connection) {
      const connected = await connectPeer(peer.endpoint, peer.name, location.timeouts.connectMs, http2, runtime.upstreamSockets);
      if (connected.kind !== 'connected') {
        logUpstreamError(state, log, connected.kind === 'timeout' ? 'upstream timed out (110: Connection timed out) while connecting to upstream' : `connect() failed (${connected.message}) while connecting to upstream`);
        step = use.report(connected.kind === 'timeout' ? { kind: 'timeout' } : { kind: 'error', cachedConnection: false }, false);
        continue;
      }
      connection = connected.connection;
    }
    state.connectMs = performance.now() - attemptStart;

    const outcome = await sendAttempt(state, location, connection, body);
    if (outcome.kind !== 'response') {
      logUpstreamError(state, log, outcome.message);
      step = use.report(toAttemptOutcome(outcome, cached), outcome.requestSent);
      continue;
    }

    state.headerMs = performance.now() - attemptStart;
    // Sticky learn reads $upstream_cookie_NAME from this response when it is reported and when the use finishes.
    facts.upstreamHeaders = outcome.head.headers;
    step = use.report({ kind: 'response', status: outcome.head.status }, true);
    if (step.kind === 'pass') return passResponse(state, outcome, attemptStart, log);
    outcome.body.discard();
  }
}

function toAttemptOutcome(outcome: Exclude<HeaderOutcome, { kind: 'response' }>, cached: boolean): AttemptOutcome {
  if (outcome.kind === 'timeout') return { kind: 'timeout' };
  if (outcome.kind === 'invalid_header') return { kind: 'invalid_header' };
  return { kind: 'error', cachedConnection: cached };
}

function sendAttempt(state: RequestState, location: PlanLocation, connection: UpstreamConnection, body: Buffer | Readable | undefined): Promise<HeaderOutcome> {
  const { runtime, down, facts } = state;
  const rules = runtime.rules(location);
  const pool = runtime.pool(state.use!.upstream.name);
  const timeouts = { sendMs: location.timeouts.sendMs, readMs: location.timeouts.readMs };

  if (location.upstreamHttpVersion === '2') {
    return runHttp2Attempt(
      connection,
      pool,
      {
        method: facts.method,
        path: facts.requestUri,
        scheme: 'http',
        authority: upstreamAuthority(rules.headers, facts),
        headers: buildUpstreamHeaders(rules.headers, facts, down.headers),
        body,
      },
      timeouts,
    );
  }
  const version = location.upstreamHttpVersion;
  if (body instanceof Readable) throw new Error('an unbuffered body can go only to an HTTP/2 backend');
  const head = serializeUpstreamHead(`${facts.method} ${facts.requestUri} HTTP/${version}`, rules.headers, facts, down.headers);
  return runHttp1Attempt(connection, pool, { method: facts.method, version, head, body }, timeouts);
}

/** Copies $upstream_addr and $upstream_status from the core into the request's variables. */
function syncUpstreamVariables(state: RequestState): void {
  if (!state.use) return;
  state.facts.upstreamAddr = state.use.upstreamAddr();
  state.facts.upstreamStatus = state.use.upstreamStatus();
  // A map on $upstream_addr must see the new value.
  state.facts.mapCache?.clear();
}

function stickyCookie(state: RequestState): HeaderField[] {
  if (!state.location || !state.use) return [];
  if (!state.runtime.rules(state.location).nativeStickyCookie) return [];
  const value = state.use.setCookie();
  return value === undefined ? [] : [{ name: 'Set-Cookie', value }];
}

async function passResponse(state: RequestState, outcome: Extract<HeaderOutcome, { kind: 'response' }>, attemptStart: number, log: ProxyLogger): Promise<number> {
  const { runtime, down, facts, location } = state;
  syncUpstreamVariables(state);
  const head = outcome.head;

  const headers: HeaderField[] = [{ name: 'Server', value: `nginx/${runtime.nginxVersion}` }];
  headers.push(...stickyCookie(state));
  headers.push(...passedBackendHeaders(head.headers));
  headers.push(...addedHeaders(runtime.rules(location!).addHeaders, head.status, facts));

  // ngx_http_proxy_process_header(): a 101 to a client that asked to upgrade turns the connection into a tunnel.
  if (head.status === 101 && down.upgrade && outcome.body.takeTunnel && headerValue(facts, 'upgrade') !== undefined) {
    const tunnel = outcome.body.takeTunnel();
    const upgradeHeaders = headers.filter((header) => header.name.toLowerCase() !== 'connection');
    const backendUpgrade = head.headers.find((header) => header.name.toLowerCase() === 'upgrade');
    upgradeHeaders.push({ name: 'Connection', value: 'upgrade' });
    if (backendUpgrade) upgradeHeaders.push({ name: 'Upgrade', value: backendUpgrade.value });
    state.responseMs = performance.now() - attemptStart;
    state.use!.finish();
    await down.upgrade(upgradeHeaders, tunnel, location!.timeouts.readMs);
    return 101;
  }

  const empty = head.noBody || head.contentLength === 0;
  down.sendHead(head.status, headers, empty, location!.module === 'grpc');
  const result = empty ? await outcome.body.pipe(nullSink) : await outcome.body.pipe(down);
  state.responseMs = performance.now() - attemptStart;
  state.use!.finish();

  if (result !== 'complete') {
    state.incomplete = result;
    if (result === 'error' || result === 'timeout') {
      logUpstreamError(state, log, result === 'timeout' ? 'upstream timed out (110: Connection timed out) while reading upstream' : 'upstream prematurely closed connection while reading upstream');
    }
    // nginx cannot finish a response whose body broke: the client sees a reset stream or a closed connection.
    down.abort();
  }
  return head.status;
}

const nullSink = { write: () => true, onDrain: () => undefined, end: () => undefined, closed: false };

function sendErrorPage(state: RequestState, status: number, extra: HeaderField[]): number {
  const { runtime, down, facts } = state;
  const page = errorPage(status, runtime.nginxVersion, headerValue(facts, 'user-agent'));
  const headers: HeaderField[] = [{ name: 'Server', value: `nginx/${runtime.nginxVersion}` }];
  if (page.body.length > 0) headers.push({ name: 'Content-Type', value: 'text/html' });
  headers.push({ name: 'Content-Length', value: String(page.body.length) });
  if (down.protocol !== 'HTTP/2.0' && closingStatuses.has(status)) headers.push({ name: 'Connection', value: 'close' });
  headers.push(...extra);
  if (state.location) headers.push(...addedHeaders(runtime.rules(state.location).addHeaders, page.status, facts));

  const head = facts.method === 'HEAD' || page.body.length === 0;
  down.sendHead(page.status, headers, head);
  if (!head) {
    down.write(page.body);
    down.end();
  }
  return page.status;
}

function logUpstreamError(state: RequestState, log: ProxyLogger, message: string): void {
  // After the drain timeout the proxy itself closed the upstream sockets, so the socket's own error would blame the backend.
  const text = state.runtime.upstreamSockets.closed ? 'upstream connection closed by the proxy when the drain timeout ended' : message;
  log.warn(
    { event: logEvents.upstreamError, requestId: requestId(state.facts), upstream: state.use?.upstream.name, peer: state.peer?.name, uri: state.facts.requestUri },
    text,
  );
}

function logAccess(state: RequestState, status: number, log: ProxyLogger): void {
  if (!log.isLevelEnabled('info')) return;
  const { facts, down } = state;
  const record: AccessRecord = {
    requestId: requestId(facts),
    streamId: down.streamId,
    protocol: down.protocol,
    remoteAddr: facts.remoteAddress,
    method: facts.method,
    uri: facts.requestUri,
    server: facts.serverName,
    location: state.location ? `${state.location.match === '' ? '' : `${state.location.match} `}${state.location.path}` : undefined,
    upstream: state.use?.upstream.name,
    peer: state.peer?.name,
    upstreamAddr: state.use?.upstreamAddr() ?? '-',
    upstreamStatus: state.use?.upstreamStatus() ?? '-',
    status,
    requestTimeMs: round(performance.now() - state.started),
    upstreamConnectTimeMs: state.connectMs === undefined ? undefined : round(state.connectMs),
    upstreamHeaderTimeMs: state.headerMs === undefined ? undefined : round(state.headerMs),
    upstreamResponseTimeMs: state.responseMs === undefined ? undefined : round(state.responseMs),
    ...(state.incomplete ? { incomplete: state.incomplete } : {}),
  };
  log.info({ event: logEvents.access, ...record }, 'request');
}

function round(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}
