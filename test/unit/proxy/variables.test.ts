import { describe, expect, it } from 'vitest';

import type { PlanMap } from '../../../src/plan/types.js';
import { compileTemplate, evaluate, VariableTable, type RequestFacts } from '../../../src/proxy/variables.js';

function facts(overrides: Partial<RequestFacts> = {}): RequestFacts {
  return {
    method: 'GET',
    requestUri: '/cart?id=7&Route=b',
    uri: '/cart',
    args: 'id=7&Route=b',
    scheme: 'https',
    protocol: 'HTTP/2.0',
    host: 'shop.example.com',
    headers: [
      { name: 'x-forwarded-for', value: '10.0.0.1' },
      { name: 'x-forwarded-for', value: '10.0.0.2' },
      { name: 'user-agent', value: 'curl/8' },
      { name: 'cookie', value: 'a=1; srv_id=abc; b=2' },
    ],
    remoteAddress: '127.0.0.9',
    remotePort: 50000,
    serverAddress: '127.0.0.1',
    serverPort: 8443,
    serverName: 'shop.example.com',
    ...overrides,
  };
}

const selectMap: PlanMap = {
  source: '$cookie_srv_id',
  variable: '$h2s_app_upstream',
  entries: [{ match: '^abc$', regex: true, value: 'h2s_app_1' }],
  defaultValue: 'app',
  comment: '',
};
const upgradeMap: PlanMap = { source: '$http_upgrade', variable: '$upgrade_map', entries: [{ match: '', regex: false, value: 'close' }], defaultValue: 'upgrade', comment: '' };

const table = new VariableTable([selectMap, upgradeMap], { cookieSplitsOnComma: false });
const value = (text: string, request = facts()) => evaluate(compileTemplate(text, table), request);

describe('variable evaluation', () => {
  it('reads request variables', () => {
    expect(value('$scheme://$host$request_uri')).toBe('https://shop.example.com/cart?id=7&Route=b');
    expect(value('$remote_addr:$remote_port')).toBe('127.0.0.9:50000');
    expect(value('${uri}x')).toBe('/cartx');
  });

  it('appends the client to X-Forwarded-For', () => {
    expect(value('$proxy_add_x_forwarded_for')).toBe('10.0.0.1, 10.0.0.2, 127.0.0.9');
    expect(value('$proxy_add_x_forwarded_for', facts({ headers: [] }))).toBe('127.0.0.9');
  });

  it('reads headers, cookies and arguments by name', () => {
    expect(value('$http_user_agent')).toBe('curl/8');
    expect(value('$cookie_srv_id')).toBe('abc');
    expect(value('$cookie_SRV_ID')).toBe('abc');
    expect(value('$arg_route')).toBe('b');
    expect(value('[$http_missing]')).toBe('[]');
  });

  it('splits cookies on a comma only before 1.29.6', () => {
    const request = facts({ headers: [{ name: 'cookie', value: 'a=1, srv_id=abc' }] });
    expect(value('$cookie_srv_id', request)).toBe('');
    const older = new VariableTable([], { cookieSplitsOnComma: true });
    expect(evaluate(compileTemplate('$cookie_srv_id', older), request)).toBe('abc');
  });

  it('evaluates map variables', () => {
    expect(value('$h2s_app_upstream')).toBe('h2s_app_1');
    expect(value('$h2s_app_upstream', facts({ headers: [{ name: 'cookie', value: 'srv_id=other' }] }))).toBe('app');
    expect(value('$upgrade_map')).toBe('close');
    expect(value('$upgrade_map', facts({ headers: [{ name: 'upgrade', value: 'websocket' }] }))).toBe('upgrade');
  });

  it('reads the upstream response for $upstream_cookie_ and $upstream_http_', () => {
    const upstreamHeaders = [
      { name: 'Set-Cookie', value: 'theme=dark' },
      { name: 'Set-Cookie', value: 'SID = s-42; path=/' },
      { name: 'X-Session', value: 'a' },
      { name: 'x-session', value: 'b' },
    ];
    expect(value('$upstream_cookie_sid', facts({ upstreamHeaders }))).toBe('s-42');
    expect(value('$upstream_http_x_session', facts({ upstreamHeaders }))).toBe('a, b');
    expect(value('$upstream_cookie_sid')).toBe('');
    expect(value('$upstream_http_x_session')).toBe('');
  });

  it('makes one 32-digit request id per request', () => {
    const request = facts({ requestId: undefined });
    const first = value('$request_id', request);
    expect(first).toMatch(/^[0-9a-f]{32}$/);
    expect(value('$request_id', request)).toBe(first);
    expect(value('$request_id', facts({ requestId: undefined }))).not.toBe(first);
  });
});
