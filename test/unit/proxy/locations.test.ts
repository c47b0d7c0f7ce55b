import { describe, expect, it } from 'vitest';

import type { LocationMatch, PlanLocation } from '../../../src/plan/types.js';
import { LocationTable, normalizeUri } from '../../../src/proxy/locations.js';

function location(match: LocationMatch, path: string): PlanLocation {
  return {
    match,
    path,
    specUpstream: 'app',
    module: 'proxy',
    pass: 'http://app',
    upstreamHttpVersion: '1.1',
    headers: [],
    addHeaders: [],
    timeouts: { connectMs: 60_000, sendMs: 60_000, readMs: 60_000 },
    nextUpstream: { conditions: ['error', 'timeout'], tries: 0, timeoutMs: 0 },
    websocket: false,
  };
}

const table = new LocationTable([
  location('', '/'),
  location('', '/api/'),
  location('', '/api/v1/'),
  location('^~', '/static/'),
  location('=', '/health'),
  location('~', '\\.php$'),
  location('~*', '\\.(png|jpg)$'),
  location('~', '^/api/v1/legacy'),
]);

function matched(uri: string): string {
  const result = table.match(uri);
  if (result.kind === 'none') return 'none';
  if (result.kind === 'redirect') return `redirect ${result.path}`;
  return `${result.location.match} ${result.location.path}`.trim();
}

describe('location matching', () => {
  it.each([
    ['/health', '= /health'],
    ['/health/x', '/'],
    ['/api/orders', '/api/'],
    ['/api/v1/items', '/api/v1/'],
    ['/api/v1/legacy/x', '~ ^/api/v1/legacy'],
    ['/static/a.png', '^~ /static/'],
    ['/images/A.PNG', '~* \\.(png|jpg)$'],
    ['/index.php', '~ \\.php$'],
    ['/INDEX.PHP', '/'],
    ['/', '/'],
  ])('maps %s to %s', (uri, expected) => {
    expect(matched(uri)).toBe(expected);
  });

  it('redirects a slash-ended location asked without its slash', () => {
    expect(matched('/api')).toBe('redirect /api/');
    expect(matched('/static')).toBe('redirect /static/');
  });

  it('answers none without a matching location', () => {
    const narrow = new LocationTable([location('', '/only/')]);
    expect(narrow.match('/other').kind).toBe('none');
  });
});

describe('URI normalization', () => {
  it.each([
    ['/a//b', '/a/b'],
    ['/a/./b', '/a/b'],
    ['/a/b/../c', '/a/c'],
    ['/a/%41', '/a/A'],
    ['/a/b/..', '/a/'],
    ['/a/.', '/a/'],
  ])('normalizes %s to %s', (input, expected) => {
    expect(normalizeUri(input)).toEqual({ ok: true, uri: expected });
  });

  it.each(['/../etc', '/a/%zz', '/a%00b', 'relative'])('rejects %s', (input) => {
    expect(normalizeUri(input).ok).toBe(false);
  });
});
