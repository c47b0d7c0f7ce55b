/**
 * What the harness observes of one request on one server under test: the
 * status, the backend that responded and every backend tried, each Set-Cookie
 * parsed, selected response headers, the headers each backend received, and
 * a digest of the body. Observations hold names (UPSTREAM.N), never ports, so
 * two servers under test that behave alike give equal observations.
 */

import { parseDate } from 'tough-cookie';

import type { Plan } from '../plan/types.js';
import type { BackendRequestRecord } from './backend.js';
import { bodyDigest, type RawResponse } from './client.js';
import type { AccessRecord } from './server-under-test.js';
import type { BackendSet } from './testbed.js';

export interface CookieObservation {
  name: string;
  value: string;
  /** For an affinity cookie: the backend its value names, or `unknown` when it names none. */
  binds?: string;
  /** Seconds the cookie lives (Max-Age wins over Expires, RFC 6265 5.3), or `session`. */
  lifetime: number | 'session';
  /** Attributes in the order written, names lowercase; the Expires date is left out because it moves with the clock. */
  attributes: string[];
  /** Seconds from the response's Date to the cookie's Expires, when both are present. */
  expiresIn?: number;
}

export interface AttemptObservation {
  /** A backend name, or `upstream NAME` when nginx found no live peer in that block. */
  peer: string;
  /** The upstream status of the attempt, `-` when none arrived. */
  status: string;
}

export interface ReceivedObservation {
  backend: string;
  method: string;
  path: string;
  httpVersion: string;
  /** The Host header, empty when none came. */
  host: string;
  /** The :authority pseudo-header of an HTTP/2 request, empty when none came. nginx sends one or the other, by version and config. */
  authority: string;
  xForwardedFor: string;
  xForwardedProto: string;
}

export interface Observation {
  status?: number;
  error?: string;
  /** The backend that sent the response, from its x-backend header. */
  backend?: string;
  /** Every upstream attempt, in order, from the server's access record. Undefined when the server recorded nothing for the request. */
  tried?: AttemptObservation[];
  cookies: CookieObservation[];
  headers: Record<string, string>;
  /** Requests that reached a backend, in arrival order. */
  received: ReceivedObservation[];
  body: { bytes: number; digest: string };
}

/** Header the harness adds to every request, so that backend records can be matched to requests; it is left out of observations. */
export const probeHeader = 'x-h2sticky-probe';

/** The affinity cookies of a Plan: cookie name to (sticky id to backend name). */
export type AffinityCookies = Map<string, Map<string, string>>;

/** Collects each affinity cookie of the Plan with the backend each sticky id stands for. */
export function affinityCookies(plan: Plan, backends: BackendSet): AffinityCookies {
  const cookies: AffinityCookies = new Map();
  const add = (name: string, peers: Plan['upstreams'][number]['peers']) => {
    const ids = cookies.get(name) ?? new Map<string, string>();
    for (const peer of peers) {
      const backend = peer.name !== undefined ? backends.byPeerName(peer.name) : undefined;
      if (peer.sid !== undefined && backend) ids.set(peer.sid, backend.id);
    }
    cookies.set(name, ids);
  };

  for (const upstream of plan.upstreams) {
    if (upstream.sticky?.mode === 'cookie') add(upstream.sticky.name, upstream.peers);
  }
  for (const route of plan.routes) {
    if (route.kind !== 'emulated-cookie') continue;
    const group = plan.upstreams.find((upstream) => upstream.name === route.emulation.groupUpstream);
    if (group) add(route.emulation.cookie.name, group.peers);
  }
  return cookies;
}

export interface ObservationInput {
  response: RawResponse;
  access: AccessRecord | undefined;
  received: BackendRequestRecord[];
  responseHeaders: readonly string[];
  backends: BackendSet;
  affinity: AffinityCookies;
}

export function observe(input: ObservationInput): Observation {
  const { response, access, backends } = input;
  const headers: Record<string, string> = {};
  for (const name of input.responseHeaders) {
    const value = headerText(response.headers[name]);
    if (value !== undefined) headers[name] = value;
  }

  const responder = headerText(response.headers['x-backend']);
  const date = headerText(response.headers.date);
  return {
    ...(response.status !== undefined ? { status: response.status } : {}),
    ...(response.error !== undefined ? { error: response.error } : {}),
    ...(responder !== undefined ? { backend: responder } : {}),
    ...(access !== undefined ? { tried: parseAttempts(access, backends) } : {}),
    cookies: setCookieHeaders(response).map((header) => parseSetCookie(header, date, input.affinity)),
    headers,
    received: input.received.map(receivedObservation),
    body: { bytes: response.body.length, digest: bodyDigest(response.body) },
  };
}

export function setCookieHeaders(response: RawResponse): string[] {
  const value = response.headers['set-cookie'];
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

/** Parses one Set-Cookie header; `date` is the response's Date header, for the lifetime an Expires date gives. */
export function parseSetCookie(header: string, date: string | undefined, affinity: AffinityCookies): CookieObservation {
  const [pair = '', ...parts] = header.split(';');
  const separator = pair.indexOf('=');
  const name = (separator === -1 ? '' : pair.slice(0, separator)).trim();
  const value = (separator === -1 ? pair : pair.slice(separator + 1)).trim();

  const attributes: string[] = [];
  let maxAge: number | undefined;
  let expires: Date | undefined;
  for (const part of parts) {
    const [rawKey = '', ...rest] = part.split('=');
    const key = rawKey.trim().toLowerCase();
    const attributeValue = rest.join('=').trim();
    if (key === '') continue;
    if (key === 'expires') {
      expires = parseDate(attributeValue);
      attributes.push('expires');
      continue;
    }
    if (key === 'max-age' && /^-?\d+$/.test(attributeValue)) maxAge = Number(attributeValue);
    attributes.push(rest.length > 0 ? `${key}=${attributeValue}` : key);
  }

  const responseDate = date !== undefined ? new Date(date) : undefined;
  const expiresIn = expires && responseDate && !Number.isNaN(responseDate.getTime()) ? Math.round((expires.getTime() - responseDate.getTime()) / 1000) : undefined;
  const lifetime = maxAge ?? expiresIn ?? 'session';

  const ids = affinity.get(name);
  const binds = ids === undefined ? undefined : (ids.get(value) ?? 'unknown');
  return { name, value, ...(binds !== undefined ? { binds } : {}), lifetime, attributes, ...(expiresIn !== undefined ? { expiresIn } : {}) };
}

/** Reads $upstream_addr and $upstream_status into attempts; peers become backend names. */
export function parseAttempts(access: AccessRecord, backends: BackendSet): AttemptObservation[] {
  const split = (text: string) => (text === '' || text === '-' ? [] : text.split(/, | : /).map((part) => part.trim()));
  const peers = split(access.upstreamAddr);
  const statuses = split(access.upstreamStatus);
  return peers.map((peer, index) => ({
    peer: backends.byPeerName(peer)?.id ?? `upstream ${peer}`,
    status: statuses[index] ?? '-',
  }));
}

function receivedObservation(record: BackendRequestRecord & { backend?: string }): ReceivedObservation {
  const header = (name: string) => headerText(record.headers[name]) ?? '';
  return {
    backend: record.backend ?? '',
    method: record.method,
    path: record.path,
    httpVersion: record.httpVersion,
    host: header('host'),
    authority: header(':authority'),
    xForwardedFor: header('x-forwarded-for'),
    xForwardedProto: header('x-forwarded-proto'),
  };
}

function headerText(value: string | string[] | undefined): string | undefined {
  if (value === undefined) return undefined;
  return Array.isArray(value) ? value.join(', ') : value;
}

/**
 * Pairs the access records of one step with its requests. Records arrive in
 * the order requests finished, which concurrent streams do not fix, so each
 * request takes the first record with its method, target and status whose
 * last peer is the backend that sent its response.
 */
export function matchAccessRecords(
  requests: readonly { method: string; path: string; response: RawResponse }[],
  records: readonly AccessRecord[],
  backends: BackendSet,
): (AccessRecord | undefined)[] {
  const unused = [...records];
  const take = (accept: (record: AccessRecord) => boolean): AccessRecord | undefined => {
    const index = unused.findIndex(accept);
    return index === -1 ? undefined : unused.splice(index, 1)[0];
  };

  return requests.map(({ method, path, response }) => {
    const responder = headerText(response.headers['x-backend']);
    const sameRequest = (record: AccessRecord) => record.method === method && record.uri === path;
    const lastPeer = (record: AccessRecord) => {
      const peers = record.upstreamAddr.split(/, | : /);
      return backends.byPeerName(peers[peers.length - 1]!.trim())?.id;
    };
    return (
      take((record) => sameRequest(record) && record.status === response.status && lastPeer(record) === responder) ??
      take((record) => sameRequest(record) && record.status === response.status) ??
      take(sameRequest)
    );
  });
}
