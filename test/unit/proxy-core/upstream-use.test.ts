import { describe, expect, it } from 'vitest';

import type { PlanLocation, PlanUpstream } from '../../../src/plan/types.js';
import type { UpstreamStep, UpstreamUseInput } from '../../../src/proxy/core/types.js';
import { planLocation, planUpstream, testCore } from './helpers.js';

const coreFor = (upstream: PlanUpstream) => testCore(upstream);

function input(location: PlanLocation, overrides: Partial<UpstreamUseInput> = {}): UpstreamUseInput {
  return { clientAddress: '127.0.0.1', method: 'GET', cookieHeaders: [], variables: () => undefined, unbufferedBody: false, location, ...overrides };
}

function portOf(step: UpstreamStep): string {
  if (step.kind !== 'attempt') return step.kind === 'error' ? `error ${step.status}` : 'pass';
  return step.peer.endpoint.kind === 'tcp' ? String(step.peer.endpoint.port) : step.peer.name;
}

const a = '127.0.0.1:18081';
const b = '127.0.0.1:18082';

describe('upstream use', () => {
  it('retries a connect error on the next peer', () => {
    const { core } = coreFor(planUpstream([a, b]));
    const use = core.startUse(input(planLocation()));
    expect(portOf(use.start())).toBe('18081');
    expect(portOf(use.report({ kind: 'error', cachedConnection: false }, false))).toBe('18082');
    expect(use.report({ kind: 'response', status: 200 }, true)).toEqual({ kind: 'pass' });
    use.finish();
    expect(use.upstreamAddr()).toBe(`${a}, ${b}`);
    expect(use.upstreamStatus()).toBe('502, 200');
    expect(core.balancer('app').primary[0]!.fails).toBe(1);
  });

  it('ends with 502 and the upstream name when no peer is left', () => {
    const { core } = coreFor(planUpstream([a, b]));
    const use = core.startUse(input(planLocation()));
    use.start();
    use.report({ kind: 'error', cachedConnection: false }, false);
    expect(use.report({ kind: 'error', cachedConnection: false }, false)).toEqual({ kind: 'error', status: 502 });
    expect(use.upstreamAddr()).toBe(`${a}, ${b}`);

    const next = core.startUse(input(planLocation()));
    expect(next.start()).toEqual({ kind: 'error', status: 502 });
    expect(next.upstreamAddr()).toBe('app');
    expect(next.upstreamStatus()).toBe('502');
  });

  it('maps a timeout to 504 when retries are off', () => {
    const { core } = coreFor(planUpstream([a, b]));
    const use = core.startUse(input(planLocation({ conditions: ['off'] })));
    use.start();
    expect(use.report({ kind: 'timeout' }, true)).toEqual({ kind: 'error', status: 504 });
    expect(use.upstreamStatus()).toBe('504');
    // A timeout counts as a failure even without a retry.
    expect(core.balancer('app').primary[0]!.fails).toBe(1);
  });

  it('retries a listed status only while tries remain', () => {
    const { core } = coreFor(planUpstream([a, b]));
    const use = core.startUse(input(planLocation({ conditions: ['error', 'timeout', 'http_502'] })));
    use.start();
    expect(portOf(use.report({ kind: 'response', status: 502 }, true))).toBe('18082');
    // The last try passes the backend's own 502 and frees the peer with state 0.
    expect(use.report({ kind: 'response', status: 502 }, true)).toEqual({ kind: 'pass' });
    use.finish();
    expect(use.upstreamStatus()).toBe('502, 502');
    expect(core.balancer('app').primary[0]!.fails).toBe(1);
    expect(core.balancer('app').primary[1]!.fails).toBe(0);
  });

  it('does not retry a sent POST', () => {
    const { core } = coreFor(planUpstream([a, b]));
    const use = core.startUse(input(planLocation(), { method: 'POST' }));
    use.start();
    expect(use.report({ kind: 'error', cachedConnection: false }, true)).toEqual({ kind: 'error', status: 502 });

    const fresh = coreFor(planUpstream([a, b])).core;
    const unsent = fresh.startUse(input(planLocation(), { method: 'POST' }));
    unsent.start();
    expect(unsent.report({ kind: 'error', cachedConnection: false }, false).kind).toBe('attempt');
  });

  it('treats 403 and 404 as NEXT, not failures', () => {
    const { core } = coreFor(planUpstream([a, b]));
    const use = core.startUse(input(planLocation({ conditions: ['http_404'] })));
    use.start();
    expect(portOf(use.report({ kind: 'response', status: 404 }, true))).toBe('18082');
    expect(core.balancer('app').primary[0]!.fails).toBe(0);
  });

  it('refunds the try of a stale keepalive connection', () => {
    const { core } = coreFor(planUpstream([a]));
    const use = core.startUse(input(planLocation()));
    use.start();
    // A single peer is never retried, except after an error on a cached connection.
    expect(portOf(use.report({ kind: 'error', cachedConnection: true }, true))).toBe('18081');
    expect(use.report({ kind: 'error', cachedConnection: false }, false)).toEqual({ kind: 'error', status: 502 });
  });

  it('stops retrying after proxy_next_upstream_timeout', () => {
    const { core, clock } = coreFor(planUpstream([a, b]));
    const use = core.startUse(input(planLocation({ timeoutMs: 1000 })));
    use.start();
    clock.advance(1000);
    expect(use.report({ kind: 'error', cachedConnection: false }, false)).toEqual({ kind: 'error', status: 502 });
  });

  it('caps tries with proxy_next_upstream_tries', () => {
    const { core } = coreFor(planUpstream([a, b, '127.0.0.1:18083']));
    const use = core.startUse(input(planLocation({ tries: 2 })));
    use.start();
    expect(use.report({ kind: 'error', cachedConnection: false }, false).kind).toBe('attempt');
    expect(use.report({ kind: 'error', cachedConnection: false }, false)).toEqual({ kind: 'error', status: 502 });
  });

  it('writes the Set-Cookie of the last pick', () => {
    const sticky = { mode: 'cookie' as const, name: 'srv', httponly: false, secure: false, path: '/' };
    const { core } = coreFor(planUpstream([a, b], { method: 'round_robin' }, sticky));
    const sidB = core.balancer('app').primary[1]!.sid;
    const use = core.startUse(input(planLocation(), { cookieHeaders: [`srv=${sidB}`] }));
    const first = use.start();
    expect(portOf(first)).toBe('18082');
    expect(first).toMatchObject({ kind: 'attempt', setCookie: `srv=${sidB}; path=/` });
    const second = use.report({ kind: 'error', cachedConnection: false }, false);
    const sidA = core.balancer('app').primary[0]!.sid;
    expect(second).toMatchObject({ kind: 'attempt', setCookie: `srv=${sidA}; path=/` });
    expect(use.report({ kind: 'error', cachedConnection: false }, false)).toEqual({ kind: 'error', status: 502 });
    expect(use.setCookie()).toBe(`srv=${sidA}; path=/`);
  });

  it('maps each retried status to its own code', () => {
    const cases: [number, string][] = [
      [500, 'http_500'],
      [502, 'http_502'],
      [503, 'http_503'],
      [504, 'http_504'],
      [403, 'http_403'],
      [404, 'http_404'],
      [429, 'http_429'],
    ];
    for (const [status, condition] of cases) {
      // With two peers the first retry is allowed, and the second attempt's status passes through.
      const { core } = coreFor(planUpstream([a, b]));
      const use = core.startUse(input(planLocation({ conditions: [condition] })));
      use.start();
      expect(use.report({ kind: 'response', status }, true).kind).toBe('attempt');
      expect(use.report({ kind: 'error', cachedConnection: false }, false)).toEqual({ kind: 'error', status: 502 });
      expect(use.upstreamStatus()).toBe(`${status}, 502`);
    }
  });

  it('counts an invalid header as a failure', () => {
    const { core } = coreFor(planUpstream([a, b]));
    const use = core.startUse(input(planLocation({ conditions: ['error'] })));
    use.start();
    expect(use.report({ kind: 'invalid_header' }, true)).toEqual({ kind: 'error', status: 502 });
    expect(core.balancer('app').primary[0]!.fails).toBe(1);
  });

  it('retries a sent POST with non_idempotent', () => {
    const { core } = coreFor(planUpstream([a, b]));
    const use = core.startUse(input(planLocation({ conditions: ['error', 'non_idempotent'] }), { method: 'POST' }));
    use.start();
    expect(portOf(use.report({ kind: 'error', cachedConnection: false }, true))).toBe('18082');
  });

  it('does not retry an unbuffered body once sent', () => {
    const { core } = coreFor(planUpstream([a, b]));
    const use = core.startUse(input(planLocation(), { unbufferedBody: true }));
    use.start();
    expect(use.report({ kind: 'error', cachedConnection: false }, true)).toEqual({ kind: 'error', status: 502 });
  });

  it('never retries a sent gRPC request', () => {
    const { core } = coreFor(planUpstream([a, b]));
    const use = core.startUse(input({ ...planLocation(), module: 'grpc' }));
    use.start();
    expect(use.report({ kind: 'error', cachedConnection: false }, true)).toEqual({ kind: 'error', status: 502 });
  });

  it('shows a dash for an attempt in progress', () => {
    const { core } = coreFor(planUpstream([a, b]));
    const use = core.startUse(input(planLocation()));
    use.start();
    use.report({ kind: 'error', cachedConnection: false }, false);
    expect(use.upstreamStatus()).toBe('502, -');
    expect(use.variable('$upstream_addr')).toBe(`${a}, ${b}`);
    expect(use.variable('$upstream_status')).toBe('502, -');
    expect(use.variable('$other')).toBeUndefined();
  });

  it('holds a connection until finish', () => {
    const { core } = coreFor(planUpstream([a, b]));
    const use = core.startUse(input(planLocation()));
    use.start();
    use.report({ kind: 'response', status: 200 }, true);
    expect(core.balancer('app').primary[0]!.conns).toBe(1);
    use.finish();
    use.finish();
    expect(core.balancer('app').primary[0]!.conns).toBe(0);
  });
});
