/**
 * fast-check arbitraries for random diff scenarios: a spec from a small
 * family (two to four servers, weights, backup, down, max_fails, five
 * balancing methods, cookie affinity or none) and a list of steps (requests,
 * concurrent streams, reconnects, backend faults, foreign cookies) that
 * refer to servers by index, so shrinking the spec never leaves a step
 * pointing at a server that is gone.
 *
 * Scenarios stay fast and independent of the clock: fail_timeout is 30 s,
 * longer than any scenario runs, so a failed server never recovers inside
 * one, and there are no wait, delay or hang steps.
 */

import fc from 'fast-check';

import type { SpecDocument, SpecUpstreamServer } from '../../spec/types.js';

export interface RandomServer {
  weight: number;
  maxFails: number;
  backup: boolean;
  down: boolean;
}

export type RandomBalance = 'round_robin' | 'least_conn' | 'ip_hash' | 'hash_uri' | 'hash_cookie';

export interface RandomSpecShape {
  servers: RandomServer[];
  balance: RandomBalance;
  cookieAffinity: boolean;
  retryOnStatus: boolean;
}

export type RandomStep =
  | { kind: 'request'; client: number; method: 'GET' | 'POST' | 'HEAD'; path: number; withoutCookie: boolean }
  | { kind: 'streams'; client: number; paths: number[] }
  | { kind: 'reconnect'; client: number }
  | { kind: 'backend'; server: number; action: 'stop' | 'start' | 'status' | 'heal' | 'close-mid-response'; status: 500 | 502 | 503 }
  | { kind: 'set-cookie'; client: number; value: keyof typeof jarCookies };

export interface RandomScenarioShape {
  /** Undefined when the caller gives its own spec. */
  spec?: RandomSpecShape;
  steps: RandomStep[];
}

/** Cookies a set_cookie step can store: a garbage or empty affinity cookie, or a session id for hash affinity. */
const jarCookies = {
  garbage: 'srv_id=0123456789abcdef; path=/',
  empty: 'srv_id=; path=/',
  sessionA: 'session=a1; path=/',
  sessionB: 'session=b2; path=/',
} as const;

const paths = ['/', '/cart', '/item/1', '/item/2', '/api/orders', '/search?q=a'];
const clients = [
  { name: 'alice', address: '127.0.0.1' },
  { name: 'bob', address: '127.0.1.1' },
];

const serverArbitrary: fc.Arbitrary<RandomServer> = fc.record({
  weight: fc.integer({ min: 1, max: 3 }),
  maxFails: fc.integer({ min: 0, max: 2 }),
  backup: fc.boolean(),
  down: fc.boolean(),
});

const specArbitrary: fc.Arbitrary<RandomSpecShape> = fc.record({
  servers: fc.array(serverArbitrary, { minLength: 2, maxLength: 4 }),
  balance: fc.constantFrom<RandomBalance>('round_robin', 'least_conn', 'ip_hash', 'hash_uri', 'hash_cookie'),
  cookieAffinity: fc.boolean(),
  retryOnStatus: fc.boolean(),
});

const stepArbitrary: fc.Arbitrary<RandomStep> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ kind: fc.constant('request' as const), client: fc.nat(1), method: fc.constantFrom('GET' as const, 'GET' as const, 'POST' as const, 'HEAD' as const), path: fc.nat(paths.length - 1), withoutCookie: fc.boolean() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('streams' as const), client: fc.nat(1), paths: fc.array(fc.nat(paths.length - 1), { minLength: 2, maxLength: 4 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('reconnect' as const), client: fc.nat(1) }) },
  {
    weight: 2,
    arbitrary: fc.record({ kind: fc.constant('backend' as const), server: fc.nat(3), action: fc.constantFrom('stop' as const, 'start' as const, 'status' as const, 'heal' as const, 'close-mid-response' as const), status: fc.constantFrom(500 as const, 502 as const, 503 as const) }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('set-cookie' as const), client: fc.nat(1), value: fc.constantFrom(...(Object.keys(jarCookies) as (keyof typeof jarCookies)[])) }) },
);

/** Random scenarios; with `withSpec` false the caller supplies the spec and only steps are generated. */
export function scenarioArbitrary(withSpec: boolean): fc.Arbitrary<RandomScenarioShape> {
  const steps = fc.array(stepArbitrary, { minLength: 1, maxLength: 12 });
  if (!withSpec) return fc.record({ steps });
  return fc.record({ spec: specArbitrary, steps });
}

/**
 * Builds the spec document of a shape. The shape is adjusted where nginx or
 * h2sticky would reject it: backup only with round robin and least_conn,
 * never on the first server, and at least one live primary server.
 */
export function buildRandomSpec(shape: RandomSpecShape): SpecDocument {
  const backupAllowed = shape.balance === 'round_robin' || shape.balance === 'least_conn';
  const servers: SpecUpstreamServer[] = shape.servers.map((server, index) => {
    const entry: SpecUpstreamServer = { address: `10.0.0.${index + 1}:8080`, fail_timeout: '30s' };
    if (server.weight !== 1) entry.weight = server.weight;
    if (server.maxFails !== 1) entry.max_fails = server.maxFails;
    if (index > 0 && server.backup && backupAllowed) entry.backup = true;
    else if (index > 0 && server.down) entry.down = true;
    return entry;
  });

  const affinity = shape.balance === 'ip_hash' ? { mode: 'client_ip' as const } : shape.balance === 'hash_cookie' ? { mode: 'hash' as const, key: '$cookie_session' } : undefined;
  const upstream: SpecDocument['upstreams'][string] = {
    servers,
    ...(shape.balance === 'least_conn' ? { balance: 'least_conn' as const } : {}),
    ...(shape.balance === 'hash_uri' ? { balance: { method: 'hash' as const, key: '$request_uri' } } : {}),
    ...(affinity ? { affinity } : shape.cookieAffinity ? { affinity: { mode: 'cookie' as const, name: 'srv_id', expires: '1h', path: '/' } } : {}),
  };

  return {
    h2sticky: 1,
    upstreams: { app: upstream },
    servers: [
      {
        server_names: ['shop.example.com'],
        listen: [{ port: 8443, tls: true, http2: true }],
        tls: { certificate: '/etc/nginx/tls/shop.crt', key: '/etc/nginx/tls/shop.key' },
        locations: [
          {
            path: '/',
            upstream: 'app',
            timeouts: { connect: '1s', read: '2s' },
            ...(shape.retryOnStatus ? { retries: { conditions: ['error', 'timeout', 'http_502', 'http_503'] } } : {}),
          },
        ],
      },
    ],
  };
}

/** Builds the scenario document of a shape, as a scenario file contains it, for a spec whose backends have these names. */
export function buildRandomScenario(name: string, steps: readonly RandomStep[], backendNames: readonly string[], spec: SpecDocument): Record<string, unknown> {
  const pick = <T>(list: readonly T[], index: number): T => list[index % list.length]!;
  return {
    'h2sticky-scenario': 1,
    name,
    description: 'Generated by h2sticky diff --random.',
    spec,
    clients: Object.fromEntries(clients.map((client) => [client.name, { address: client.address }])),
    steps: steps.map((step) => {
      switch (step.kind) {
        case 'request':
          return {
            request: {
              client: pick(clients, step.client).name,
              method: step.method,
              path: pick(paths, step.path),
              ...(step.method === 'POST' ? { body: 'x=1' } : {}),
              ...(step.withoutCookie ? { headers: { cookie: '' } } : {}),
            },
          };
        case 'streams':
          return { streams: { client: pick(clients, step.client).name, requests: step.paths.map((path) => ({ path: pick(paths, path) })) } };
        case 'reconnect':
          return { reconnect: { client: pick(clients, step.client).name } };
        case 'backend':
          return { backend: { name: pick(backendNames, step.server), action: step.action, ...(step.action === 'status' ? { status: step.status } : {}) } };
        case 'set-cookie':
          return { set_cookie: { client: pick(clients, step.client).name, cookie: jarCookies[step.value] } };
      }
    }),
  };
}
