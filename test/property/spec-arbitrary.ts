/**
 * fast-check generators of valid specs for a given nginx version: every
 * combination they produce must pass validation and real `nginx -t` for that
 * version. The generators stay inside what the target supports (native
 * sticky features only from 1.29.6, no backup with hash balancing, ...), so a
 * spec they make that fails validation is a bug on one side or the other.
 */

import fc from 'fast-check';

import type { SpecDocument, SpecListener, SpecLocation, SpecServer, SpecUpstream, SpecUpstreamServer } from '../../src/spec/types.js';

export interface TargetFeatures {
  version: string;
  nativeSticky: boolean;
  proxyHttp2: boolean;
  http2Directive: boolean;
}

export function featuresOf(version: string): TargetFeatures {
  const [, minor = 0, patch = 0] = version.split('.').map(Number);
  const at = (m: number, p: number) => minor > m || (minor === m && patch >= p);
  return { version, nativeSticky: at(29, 6), proxyHttp2: at(29, 4), http2Directive: at(25, 1) };
}

const duration = fc.oneof(
  fc.integer({ min: 1, max: 3600 }),
  fc.constantFrom('1s', '5s', '30s', '2m', '1h', '1h30m', '90s'),
);
const shortDuration = fc.constantFrom('1s', '2s', '5s', '10s', '500ms', 30);
const cookieNameEmulated = fc.stringMatching(/^[a-z][a-z0-9_]{0,11}$/);
const cookieNameNative = fc.stringMatching(/^[a-z][a-z0-9_.-]{0,11}$/);
const variable = fc.constantFrom('$cookie_route', '$arg_route', '$http_x_route', '$cookie_sid');
const hashKey = fc.constantFrom('$cookie_session', '$request_uri', '$host$request_uri', '${arg_user}:tenant', '$remote_addr');

interface UpstreamShape {
  balance: SpecUpstream['balance'];
  method: 'round_robin' | 'least_conn' | 'ip_hash' | 'hash' | 'random';
}

const balance: fc.Arbitrary<UpstreamShape> = fc.oneof(
  fc.constant<UpstreamShape>({ balance: undefined, method: 'round_robin' }),
  fc.constant<UpstreamShape>({ balance: 'least_conn', method: 'least_conn' }),
  fc.constant<UpstreamShape>({ balance: 'ip_hash', method: 'ip_hash' }),
  fc.constant<UpstreamShape>({ balance: 'random', method: 'random' }),
  fc.boolean().map<UpstreamShape>((two) => ({ balance: { method: 'random', two }, method: 'random' })),
  fc.tuple(hashKey, fc.boolean()).map<UpstreamShape>(([key, consistent]) => ({ balance: { method: 'hash', key, consistent }, method: 'hash' })),
);

function upstreamServers(features: TargetFeatures, method: UpstreamShape['method'], firstOctet: number, withRoutes: boolean) {
  const backupAllowed = method === 'round_robin' || method === 'least_conn';
  return fc
    .array(
      fc.record({
        weight: fc.option(fc.integer({ min: 1, max: 10 }), { nil: undefined }),
        maxFails: fc.option(fc.integer({ min: 0, max: 5 }), { nil: undefined }),
        failTimeout: fc.option(shortDuration.filter((value) => value !== '500ms'), { nil: undefined }),
        maxConns: fc.option(fc.integer({ min: 0, max: 100 }), { nil: undefined }),
        role: fc.constantFrom('primary', 'primary', 'primary', 'backup', 'down', 'drain'),
      }),
      { minLength: 1, maxLength: 4 },
    )
    .map((entries) =>
      entries.map((entry, index): SpecUpstreamServer => {
        const server: SpecUpstreamServer = { address: `127.${firstOctet}.0.${index + 1}:${9000 + index}` };
        if (entry.weight !== undefined) server.weight = entry.weight;
        if (entry.maxFails !== undefined) server.max_fails = entry.maxFails;
        if (entry.failTimeout !== undefined) server.fail_timeout = entry.failTimeout;
        if (entry.maxConns !== undefined) server.max_conns = entry.maxConns;
        // The first server always stays a live primary, so every upstream has one.
        if (index > 0 && entry.role === 'backup' && backupAllowed) server.backup = true;
        if (index > 0 && entry.role === 'down') server.down = true;
        if (index > 0 && entry.role === 'drain' && features.nativeSticky) server.drain = true;
        if (withRoutes) server.route = `r${index}`;
        return server;
      }),
    );
}

function upstream(features: TargetFeatures, index: number): fc.Arbitrary<SpecUpstream> {
  return balance.chain((shape) =>
    fc
      .record({
        affinityKind: fc.constantFrom(
          'none',
          'cookie',
          ...(features.nativeSticky ? (['route', 'learn'] as const) : []),
          ...(shape.balance === undefined ? (['client_ip', 'hash'] as const) : []),
        ),
        routes: fc.boolean(),
        keepalive: fc.oneof(
          fc.constant(undefined),
          fc.boolean(),
          fc.record({ connections: fc.integer({ min: 1, max: 128 }), timeout: shortDuration, requests: fc.integer({ min: 1, max: 5000 }) }, { requiredKeys: [] }),
        ),
        protocol: fc.constantFrom('http1', 'http1', 'grpc', ...(features.proxyHttp2 ? (['http2'] as const) : [])),
        zone: fc.option(fc.constantFrom('64k', '128k', '1m'), { nil: undefined }),
        cookieName: features.nativeSticky ? cookieNameNative : cookieNameEmulated,
        expires: fc.option(fc.oneof(fc.constant('max' as const), fc.constantFrom('30m', '1h', 3600, '1d')), { nil: undefined }),
        samesite: fc.option(fc.constantFrom('strict', 'lax', 'none') as fc.Arbitrary<'strict' | 'lax' | 'none'>, { nil: undefined }),
        flags: fc.record({ httponly: fc.boolean(), secure: fc.boolean() }),
        routeVariables: fc.uniqueArray(variable, { minLength: 1, maxLength: 3 }),
        key: hashKey,
      })
      .chain((choice) => {
        // Hash-based affinity modes choose the balancing method themselves.
        const method = choice.affinityKind === 'client_ip' ? 'ip_hash' : choice.affinityKind === 'hash' ? 'hash' : shape.method;
        const withRoutes = features.nativeSticky && choice.routes;
        return upstreamServers(features, method, index + 1, withRoutes).map((servers): SpecUpstream => {
          const result: SpecUpstream = { servers };
          if (shape.balance !== undefined) result.balance = shape.balance;
          if (choice.keepalive !== undefined) result.keepalive = choice.keepalive;
          if (choice.protocol !== 'http1') result.protocol = choice.protocol;
          if (choice.zone !== undefined) result.zone = choice.zone;
          switch (choice.affinityKind) {
            case 'cookie':
              result.affinity = {
                mode: 'cookie',
                name: choice.cookieName,
                ...(choice.expires !== undefined ? { expires: choice.expires } : {}),
                ...(choice.samesite !== undefined ? { samesite: choice.samesite } : {}),
                httponly: choice.flags.httponly,
                // Browsers reject samesite=none without secure, and h2sticky refuses it.
                secure: choice.flags.secure || choice.samesite === 'none',
                path: '/',
              };
              break;
            case 'route':
              result.affinity = { mode: 'route', variables: choice.routeVariables };
              break;
            case 'learn':
              result.affinity = { mode: 'learn', create: ['$upstream_cookie_sid'], lookup: ['$cookie_sid'], timeout: '1h' };
              break;
            case 'client_ip':
              result.affinity = { mode: 'client_ip' };
              break;
            case 'hash':
              result.affinity = { mode: 'hash', key: choice.key };
              break;
          }
          return result;
        });
      }),
  );
}

function locations(upstreamNames: string[], upstreams: Record<string, SpecUpstream>): fc.Arbitrary<SpecLocation[]> {
  return fc
    .uniqueArray(
      fc.record({
        path: fc.constantFrom('/', '/api/', '/static/', '/a/b/', '/health', '\\.php$', '^/img/.*\\.(png|jpg)$'),
        upstream: fc.constantFrom(...upstreamNames),
        timeouts: fc.option(fc.record({ connect: shortDuration, read: duration }, { requiredKeys: [] }), { nil: undefined }),
        retries: fc.option(
          fc.record(
            {
              conditions: fc.uniqueArray(fc.constantFrom('error', 'timeout', 'invalid_header', 'http_502', 'http_503', 'http_504', 'http_429', 'non_idempotent'), {
                minLength: 1,
                maxLength: 4,
              }),
              tries: fc.integer({ min: 0, max: 5 }),
              timeout: shortDuration,
            },
            { requiredKeys: [] },
          ),
          { nil: undefined },
        ),
        headers: fc.option(fc.dictionary(fc.constantFrom('X-Tenant', 'X-Real-IP', 'Host', 'X-Request-Id'), fc.oneof(fc.constant(null), fc.constantFrom('$request_id', 'shop', '$http_host', 'a b c'))), {
          nil: undefined,
        }),
        websocket: fc.boolean(),
      }),
      { minLength: 1, maxLength: 4, selector: (location) => location.path },
    )
    .map((entries) =>
      entries.map((entry): SpecLocation => {
        const regex = !entry.path.startsWith('/');
        const location: SpecLocation = { path: entry.path, upstream: entry.upstream };
        if (regex) location.match = 'regex';
        if (entry.timeouts) location.timeouts = entry.timeouts;
        if (entry.retries) location.retries = entry.retries as SpecLocation['retries'];
        if (entry.headers) location.headers = entry.headers;
        const protocol = upstreams[entry.upstream]!.protocol ?? 'http1';
        if (entry.websocket && protocol === 'http1') location.websocket = true;
        return location;
      }),
    );
}

export interface SpecOptions {
  /** Absolute paths of a certificate and key that exist, for TLS listeners. */
  certificate: string;
  key: string;
}

/** Valid specs for one nginx version. */
export function validSpec(features: TargetFeatures, options: SpecOptions): fc.Arbitrary<SpecDocument> {
  const names = fc.uniqueArray(fc.stringMatching(/^[a-z][a-z0-9_-]{0,8}$/), { minLength: 1, maxLength: 3, selector: (name) => name.replace(/-/g, '_') });
  return names.chain((upstreamNames) =>
    fc.tuple(...upstreamNames.map((_, index) => upstream(features, index))).chain((upstreamList) => {
      const upstreams = Object.fromEntries(upstreamNames.map((name, index) => [name, upstreamList[index]!]));
      const needsHttp2 = upstreamList.some((entry) => entry.protocol === 'grpc');
      const server = fc
        .record({
          tls: fc.boolean(),
          plainHttp2: fc.boolean(),
          names: fc.uniqueArray(fc.constantFrom('shop.example.com', '*.example.org', 'example.*', '_', 'api.example.com'), { maxLength: 3 }),
          locations: locations(upstreamNames, upstreams),
        })
        .map(({ tls, plainHttp2, names: serverNames, locations: locationList }): SpecServer => {
          const listen: SpecListener[] = [];
          // nginx -t does not bind its listeners, so fixed ports are fine here.
          const base = 18000;
          if (tls || needsHttp2) listen.push({ address: '127.0.0.1', port: base, tls: true, http2: true });
          const plain: SpecListener = { address: '127.0.0.1', port: base + 1 };
          if (plainHttp2 || (needsHttp2 && features.http2Directive)) {
            plain.http2 = true;
            if (!features.http2Directive) plain.h2c_only = true;
          }
          listen.push(plain);
          const server: SpecServer = { listen, locations: locationList };
          if (serverNames.length > 0) server.server_names = serverNames;
          if (listen.some((listener) => listener.tls)) server.tls = { certificate: options.certificate, key: options.key };
          return server;
        });
      return server.map(
        (single): SpecDocument => ({
          h2sticky: 1,
          target: { nginx: features.version },
          upstreams,
          servers: [single],
        }),
      );
    }),
  );
}
