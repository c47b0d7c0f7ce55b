import { describe, expect, it } from 'vitest';

import type { PlanListener, PlanServer } from '../../../src/plan/types.js';
import { collectListenSockets, validateHost } from '../../../src/proxy/server-names.js';

function listener(port: number, defaultServer = false): PlanListener {
  return { address: '127.0.0.1', port, ssl: false, http2Parameter: false, quic: false, reuseport: false, defaultServer, serves: { http1: true, h2: true } };
}

function server(names: string[], listeners: PlanListener[]): PlanServer {
  return { listeners, serverNames: names, http2Directive: true, http3: false, locations: [] };
}

const first = server(['first.example.com'], [listener(8080)]);
const exact = server(['www.example.com', 'example.com'], [listener(8080)]);
const leading = server(['*.example.com'], [listener(8080)]);
const longerLeading = server(['*.api.example.com'], [listener(8080)]);
const trailing = server(['mail.*'], [listener(8080)]);
const regex = server(['~^shop\\d+\\.example\\.org$'], [listener(8080)]);
const marked = server(['other.example.net'], [listener(8080, true), listener(9090)]);

const sockets = collectListenSockets([first, exact, leading, longerLeading, trailing, regex, marked]);
const selector = sockets.find((socket) => socket.port === 8080)!.selector;

describe('server selection', () => {
  it('groups listeners into one socket per address and port', () => {
    expect(sockets.map((socket) => socket.port)).toEqual([8080, 9090]);
  });

  it.each([
    ['www.example.com', exact],
    ['a.example.com', leading],
    ['x.api.example.com', longerLeading],
    ['mail.example.org', trailing],
    ['shop12.example.org', regex],
  ])('selects the server named %s', (host, expected) => {
    expect(selector.select(host)).toBe(expected);
  });

  it('prefers an exact name over a wildcard', () => {
    expect(selector.select('example.com')).toBe(exact);
  });

  it('falls back to the server marked default_server', () => {
    expect(selector.select('unknown.test')).toBe(marked);
    expect(selector.select(undefined)).toBe(marked);
  });

  it('falls back to the first server without default_server', () => {
    const socket = collectListenSockets([first, exact])[0]!;
    expect(socket.selector.select('nobody.test')).toBe(first);
  });
});

describe('host validation', () => {
  it('lowercases and drops the port and a trailing dot', () => {
    expect(validateHost('WWW.Example.COM.:8443', true)).toEqual({ ok: true, host: 'www.example.com' });
    expect(validateHost('[::1]:80', true)).toEqual({ ok: true, host: '[::1]' });
  });

  it.each(['a..b', 'a/b', 'a b', '', ':80'])('rejects %j', (host) => {
    expect(validateHost(host, false).ok).toBe(false);
  });

  it('rejects characters outside RFC 3986 only from 1.29.4', () => {
    expect(validateHost('a"b', true).ok).toBe(false);
    expect(validateHost('a"b', false).ok).toBe(true);
  });
});
