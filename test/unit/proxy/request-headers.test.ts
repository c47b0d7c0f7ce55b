import { describe, expect, it } from 'vitest';

import { compileSpecText } from '../../../src/compile.js';
import type { Plan } from '../../../src/plan/types.js';
import { buildUpstreamHeaders, compileHeaderRules, serializeUpstreamHead, upstreamAuthority } from '../../../src/proxy/request-headers.js';
import { addedHeaders, compileAddHeaders, passedBackendHeaders } from '../../../src/proxy/response-headers.js';
import { VariableTable, type HeaderField, type RequestFacts } from '../../../src/proxy/variables.js';

const specText = `
h2sticky: 1
upstreams:
  app:
    servers: [{ address: 127.0.0.1:9001 }, { address: 127.0.0.1:9002 }]
    affinity: { mode: cookie, name: srv_id }
servers:
  - server_names: [shop.example.com]
    listen: [{ address: 127.0.0.1, port: 8080 }]
    locations:
      - path: /
        upstream: app
        headers: { X-Request-Id: $request_id, X-Real-IP: null }
`;

function plan(version: string, keepalive = true): Plan {
  const text = keepalive ? specText : specText.replace('affinity: { mode: cookie, name: srv_id }', 'affinity: { mode: cookie, name: srv_id }\n    keepalive: false');
  const result = compileSpecText(text, 'spec.yaml', { target: { nginxVersion: version } });
  return result.plan!;
}

const clientHeaders: HeaderField[] = [
  { name: 'user-agent', value: 'h2load' },
  { name: 'connection', value: 'keep-alive' },
  { name: 'upgrade', value: 'websocket' },
  { name: 'te', value: 'trailers' },
  { name: 'host', value: 'client.example' },
  { name: 'x-forwarded-for', value: '10.1.1.1' },
  { name: 'cookie', value: 'a=1; srv_id=x' },
];

function facts(bodyLength?: number): RequestFacts {
  return {
    method: 'POST',
    requestUri: '/cart',
    uri: '/cart',
    args: '',
    scheme: 'http',
    protocol: 'HTTP/2.0',
    host: 'shop.example.com',
    headers: clientHeaders,
    remoteAddress: '127.0.0.5',
    remotePort: 4000,
    serverAddress: '127.0.0.1',
    serverPort: 8080,
    serverName: 'shop.example.com',
    requestId: '0123456789abcdef0123456789abcdef',
    proxyHost: 'app',
    ...(bodyLength !== undefined ? { bodyLength } : {}),
  };
}

function headersFor(version: string, bodyLength?: number, keepalive = true): HeaderField[] {
  const built = plan(version, keepalive);
  const location = built.servers[0]!.locations[0]!;
  const variables = new VariableTable(built.maps, { cookieSplitsOnComma: false });
  return buildUpstreamHeaders(compileHeaderRules(location, built.target, variables), facts(bodyLength), clientHeaders);
}

describe('upstream request headers', () => {
  it('sends configured headers, then defaults, then the client headers nginx keeps', () => {
    expect(headersFor('1.30.6', 12)).toEqual([
      { name: 'Host', value: 'shop.example.com' },
      { name: 'X-Forwarded-For', value: '10.1.1.1, 127.0.0.5' },
      { name: 'X-Forwarded-Proto', value: 'http' },
      { name: 'X-Request-Id', value: '0123456789abcdef0123456789abcdef' },
      { name: 'Content-Length', value: '12' },
      { name: 'user-agent', value: 'h2load' },
      { name: 'cookie', value: 'a=1; srv_id=x' },
    ]);
  });

  it('serializes the same lines for HTTP/1', () => {
    const built = plan('1.30.6');
    const rules = compileHeaderRules(built.servers[0]!.locations[0]!, built.target, new VariableTable(built.maps, { cookieSplitsOnComma: false }));
    const lines = buildUpstreamHeaders(rules, facts(3), clientHeaders).map((header) => `${header.name}: ${header.value}\r\n`);
    const head = serializeUpstreamHead('POST /cart HTTP/1.1', rules, facts(3), clientHeaders);
    expect(head).toBe(`POST /cart HTTP/1.1\r\n${lines.join('')}\r\n`);
  });

  it('sends Connection: close before 1.29.7 without keepalive', () => {
    const headers = headersFor('1.26.3', undefined, false);
    expect(headers.find((header) => header.name === 'Connection')).toEqual({ name: 'Connection', value: 'close' });
    expect(headers.find((header) => header.name === 'Content-Length')).toBeUndefined();
  });

  it('clears the Connection header for keepalive before 1.29.7', () => {
    const headers = headersFor('1.22.1');
    expect(headers.some((header) => header.name.toLowerCase() === 'connection')).toBe(false);
  });
});

describe('response headers', () => {
  it('drops hop-by-hop and hidden backend headers', () => {
    const passed = passedBackendHeaders([
      { name: 'Content-Type', value: 'text/plain' },
      { name: 'Connection', value: 'keep-alive' },
      { name: 'Keep-Alive', value: 'timeout=5' },
      { name: 'Transfer-Encoding', value: 'chunked' },
      { name: 'Server', value: 'backend' },
      { name: 'Date', value: 'yesterday' },
      { name: 'X-Accel-Redirect', value: '/internal' },
      { name: 'Set-Cookie', value: 'app=1' },
    ]);
    expect(passed).toEqual([
      { name: 'Content-Type', value: 'text/plain' },
      { name: 'Set-Cookie', value: 'app=1' },
    ]);
  });

  it('adds add_header lines only for success statuses unless always', () => {
    const built = plan('1.22.1');
    const location = built.servers[0]!.locations[0]!;
    const variables = new VariableTable(built.maps, { cookieSplitsOnComma: true });
    const rules = compileAddHeaders(location, variables);
    const request = { ...facts(), upstreamAddr: '127.0.0.1:9002' };
    const cookie = addedHeaders(rules, 502, request);
    expect(cookie).toHaveLength(1);
    expect(cookie[0]!.value).toMatch(/^srv_id=[0-9a-f]{32}; path=\/$|^srv_id=[0-9a-f]{32}/);
    expect(addedHeaders(rules, 502, { ...facts(), upstreamAddr: '' })).toEqual([]);
    expect(addedHeaders([{ name: 'X-Only-Ok', template: ['yes'], always: false }], 502, facts())).toEqual([]);
    expect(addedHeaders([{ name: 'X-Only-Ok', template: ['yes'], always: false }], 200, facts())).toEqual([{ name: 'X-Only-Ok', value: 'yes' }]);
  });
});

describe('upstream Host and :authority', () => {
  const hostLines = { default: '', removed: 'headers: { Host: null }', empty: 'headers: { Host: "" }' } as const;

  /** Compiles the location's upstream rules for a protocol and a Host setting: the default $host, removed (null) or empty. */
  function rulesFor(version: string, protocol: 'http1' | 'http2' | 'grpc', host: keyof typeof hostLines) {
    const hostLine = hostLines[host];
    const text = `
h2sticky: 1
upstreams:
  app:
    ${protocol === 'http1' ? '' : `protocol: ${protocol}`}
    servers: [{ address: 127.0.0.1:9001 }]
servers:
  - server_names: [shop.example.com]
    listen: [{ address: 127.0.0.1, port: 8080, http2: true }]
    locations:
      - path: /
        upstream: app
        ${hostLine}
`;
    const result = compileSpecText(text, 'spec.yaml', { target: { nginxVersion: version } });
    expect(result.problems.filter((problem) => problem.severity === 'error')).toEqual([]);
    const built = result.plan!;
    return compileHeaderRules(built.servers[0]!.locations[0]!, built.target, new VariableTable(built.maps, { cookieSplitsOnComma: false }));
  }

  const hostHeaders = (headers: HeaderField[]) => headers.filter((header) => header.name.toLowerCase() === 'host');

  it.each([
    ['1.30.6', 'http2', 'default', undefined, ['shop.example.com']],
    ['1.30.6', 'http2', 'removed', 'app', []],
    ['1.30.6', 'grpc', 'default', undefined, ['shop.example.com']],
    ['1.30.6', 'grpc', 'removed', 'app', []],
    ['1.31.4', 'http2', 'default', 'shop.example.com', []],
    ['1.31.4', 'http2', 'removed', 'app', []],
    ['1.31.4', 'http2', 'empty', 'app', []],
    ['1.31.4', 'grpc', 'default', 'shop.example.com', []],
  ] as const)('nginx %s %s with %s Host', (version, protocol, host, authority, hostValues) => {
    const rules = rulesFor(version, protocol, host);
    expect(upstreamAuthority(rules, facts())).toBe(authority);
    expect(hostHeaders(buildUpstreamHeaders(rules, facts(), clientHeaders)).map((header) => header.value)).toEqual(hostValues);
  });

  it('writes Host first for HTTP/1.1 from 1.31.4', () => {
    const head = serializeUpstreamHead('GET / HTTP/1.1', rulesFor('1.31.4', 'http1', 'default'), facts(), clientHeaders);
    expect(head.split('\r\n').slice(0, 2)).toEqual(['GET / HTTP/1.1', 'Host: shop.example.com']);
    expect(head.match(/^host:/gim)).toHaveLength(1);
  });

  it('falls back to $proxy_host for an empty HTTP/1.1 Host from 1.31.4', () => {
    const head = serializeUpstreamHead('GET / HTTP/1.1', rulesFor('1.31.4', 'http1', 'empty'), facts(), clientHeaders);
    expect(head.match(/^host: .*$/gim)).toEqual(['Host: app']);
  });

  it('leaves out an empty Host before 1.31.4', () => {
    const head = serializeUpstreamHead('GET / HTTP/1.1', rulesFor('1.30.6', 'http1', 'empty'), facts(), clientHeaders);
    expect(head.match(/^host:/gim)).toBeNull();
  });

  it('sends $proxy_host without a configured Host before 1.31.4', () => {
    const head = serializeUpstreamHead('GET / HTTP/1.1', rulesFor('1.30.6', 'http1', 'removed'), facts(), clientHeaders);
    expect(head.match(/^host: .*$/gim)).toEqual(['Host: app']);
  });
});
