import { describe, expect, it } from 'vitest';

import type { PlanSticky, PlanUpstream } from '../../../src/plan/types.js';
import { ProxyCore } from '../../../src/proxy/core/core.js';
import type { UpstreamStep, UpstreamUseInput } from '../../../src/proxy/core/types.js';
import { planLocation, planUpstream, testCore } from './helpers.js';

const coreFor = (upstream: PlanUpstream) => testCore(upstream, '1.30.6', 1_796_000_000_000);

function send(core: ProxyCore, variables: Record<string, string>, cookie?: string): { first: UpstreamStep; use: ReturnType<ProxyCore['startUse']> } {
  const input: UpstreamUseInput = {
    clientAddress: '127.0.0.1',
    method: 'GET',
    cookieHeaders: cookie === undefined ? [] : [cookie],
    variables: (name) => variables[name],
    unbufferedBody: false,
    location: planLocation(),
  };
  const use = core.startUse(input);
  return { first: use.start(), use };
}

function portOf(step: UpstreamStep): number | undefined {
  return step.kind === 'attempt' && step.peer.endpoint.kind === 'tcp' ? step.peer.endpoint.port : undefined;
}

const servers: [string, { route: string; state?: 'drain' }][] = [
  ['127.0.0.1:1', { route: 'a' }],
  ['127.0.0.1:2', { route: 'b' }],
  ['127.0.0.1:3', { route: 'c', state: 'drain' }],
];

describe('sticky route', () => {
  const sticky: PlanSticky = { mode: 'route', variables: ['$arg_route', '$http_x_route'] };

  it('uses the first non-empty variable', () => {
    const { core } = coreFor(planUpstream(servers, { method: 'round_robin' }, sticky));
    expect(portOf(send(core, { $arg_route: 'b', $http_x_route: 'a' }).first)).toBe(2);
    expect(portOf(send(core, { $arg_route: '', $http_x_route: 'a' }).first)).toBe(1);
  });

  it('sends bound requests to a draining server only', () => {
    const { core } = coreFor(planUpstream(servers, { method: 'round_robin' }, sticky));
    expect(portOf(send(core, { $arg_route: 'c' }).first)).toBe(3);
    const unbound = Array.from({ length: 6 }, () => portOf(send(core, {}).first));
    expect(unbound).not.toContain(3);
  });

  it('writes no cookie', () => {
    const { core } = coreFor(planUpstream(servers, { method: 'round_robin' }, sticky));
    const { first, use } = send(core, { $arg_route: 'a' });
    expect(first).not.toHaveProperty('setCookie');
    expect(use.setCookie()).toBeUndefined();
  });
});

describe('sticky learn', () => {
  const learn = (header: boolean): PlanSticky => ({
    mode: 'learn',
    create: ['$upstream_cookie_sid'],
    lookup: ['$cookie_sid'],
    zone: { name: 'z', size: '1m' },
    timeoutMs: 60_000,
    header,
  });

  it('learns the server of a completed response', () => {
    const { core } = coreFor(planUpstream(['127.0.0.1:1', '127.0.0.1:2'], { method: 'round_robin' }, learn(false)));
    const { first, use } = send(core, { $upstream_cookie_sid: 's1' });
    expect(portOf(first)).toBe(1);
    use.report({ kind: 'response', status: 200 }, true);
    use.finish();
    // Round robin alone would send these to peer 2 and then to peer 1.
    expect(portOf(send(core, {}, 'sid=s1').first)).toBe(1);
    expect(portOf(send(core, {}, 'sid=s1').first)).toBe(1);
  });

  it('learns at header time with header', () => {
    const { core } = coreFor(planUpstream(['127.0.0.1:1', '127.0.0.1:2'], { method: 'round_robin' }, learn(true)));
    const { use } = send(core, { $upstream_cookie_sid: 's1' });
    use.report({ kind: 'response', status: 200 }, true);
    // The response is still streaming, and the session is already known.
    expect(portOf(send(core, {}, 'sid=s1').first)).toBe(1);
  });

  it('does not learn from failed attempts', () => {
    const { core } = coreFor(planUpstream(['127.0.0.1:1', '127.0.0.1:2'], { method: 'round_robin' }, learn(false)));
    const { use } = send(core, { $upstream_cookie_sid: 's1' });
    const retry = use.report({ kind: 'error', cachedConnection: false }, false);
    expect(portOf(retry)).toBe(2);
    use.report({ kind: 'response', status: 200 }, true);
    use.finish();
    expect(portOf(send(core, {}, 'sid=s1').first)).toBe(2);
  });
});

describe('sticky cookie', () => {
  it('dates expires from the pick', () => {
    const sticky: PlanSticky = { mode: 'cookie', name: 'srv', expires: 3600, httponly: true, secure: false, samesite: 'lax', path: '/' };
    const { core, clock } = coreFor(planUpstream(['127.0.0.1:1', '127.0.0.1:2'], { method: 'round_robin' }, sticky));
    clock.set(Date.UTC(2026, 11, 4, 21, 1, 7, 250) - 3_600_000);
    const { first } = send(core, {});
    const sid = core.balancer('app').primary[0]!.sid;
    expect(first).toMatchObject({ kind: 'attempt', setCookie: `srv=${sid}; expires=Fri, 04-Dec-26 21:01:07 GMT; max-age=3600; httponly; samesite=lax; path=/` });
  });
});

describe('sticky learn across a reload', () => {
  it('keeps sessions of an unchanged zone', () => {
    const sticky: PlanSticky = { mode: 'learn', create: ['$upstream_cookie_sid'], lookup: ['$cookie_sid'], zone: { name: 'z', size: '1m' }, timeoutMs: 60_000, header: false };
    const upstream = planUpstream(['127.0.0.1:1', '127.0.0.1:2'], { method: 'round_robin' }, sticky);
    const { core, clock } = coreFor(upstream);
    const { use } = send(core, { $upstream_cookie_sid: 's1' });
    use.report({ kind: 'response', status: 200 }, true);
    use.finish();

    const plan = core.plan;
    const reloaded = new ProxyCore(plan, { clock, previous: core });
    // The fresh round robin would pick peer 1 first anyway, so ask twice.
    expect([portOf(send(reloaded, {}, 'sid=s1').first), portOf(send(reloaded, {}, 'sid=s1').first)]).toEqual([1, 1]);

    const resized = new ProxyCore({ ...plan, upstreams: [{ ...upstream, sticky: { ...sticky, zone: { name: 'z', size: '2m' } } }] }, { clock, previous: core });
    expect([portOf(send(resized, {}, 'sid=s1').first), portOf(send(resized, {}, 'sid=s1').first)]).toEqual([1, 2]);
  });
});
