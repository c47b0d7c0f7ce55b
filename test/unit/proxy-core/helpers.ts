/** Small Plans for the decision core's unit tests, built the way src/plan/build.ts builds them. */

import { parseServerAddress, peerName, stickyId } from '../../../src/plan/peer-name.js';
import type { Plan, PlanBalancer, PlanLocation, PlanPeer, PlanSticky, PlanUpstream } from '../../../src/plan/types.js';
import { createUpstreamBalancer, type CoreUpstreamBalancer } from '../../../src/proxy/core/balancer.js';
import { SimulatedClock } from '../../../src/proxy/core/clock.js';
import { ProxyCore } from '../../../src/proxy/core/core.js';
import { GlibcRandom } from '../../../src/proxy/core/glibc-random.js';
import type { RuntimePeer } from '../../../src/proxy/core/types.js';

export interface PeerOptions {
  weight?: number;
  maxFails?: number;
  failTimeoutSeconds?: number;
  maxConns?: number;
  backup?: boolean;
  state?: PlanPeer['state'];
  route?: string;
}

/** Builds a PlanPeer for `address` (`ip:port`, `[ipv6]:port`, `unix:/path` or `host:port`). */
export function planPeer(address: string, options: PeerOptions = {}, specIndex = 0): PlanPeer {
  const parsed = parseServerAddress(address);
  if (typeof parsed === 'string') throw new Error(parsed);
  const name = peerName(parsed);
  return {
    address,
    endpoint:
      parsed.kind === 'unix'
        ? { kind: 'unix', path: parsed.path }
        : { kind: 'tcp', host: parsed.host, port: parsed.port, family: parsed.kind === 'ip' ? parsed.family : 'hostname' },
    ...(name !== undefined ? { name, sid: stickyId(name, options.route) } : options.route !== undefined ? { sid: options.route } : {}),
    weight: options.weight ?? 1,
    maxFails: options.maxFails ?? 1,
    failTimeoutMs: (options.failTimeoutSeconds ?? 10) * 1000,
    maxConns: options.maxConns ?? 0,
    backup: options.backup ?? false,
    state: options.state ?? 'up',
    ...(options.route !== undefined ? { route: options.route } : {}),
    specIndex,
  };
}

export function planUpstream(
  peers: readonly (string | [string, PeerOptions])[],
  balancer: PlanBalancer = { method: 'round_robin' },
  sticky?: PlanSticky,
  name = 'app',
): PlanUpstream {
  return {
    name,
    specUpstream: name,
    role: 'group',
    balancer,
    peers: peers.map((entry, index) => (typeof entry === 'string' ? planPeer(entry, {}, index) : planPeer(entry[0], entry[1], index))),
    ...(sticky !== undefined ? { sticky } : {}),
    keepalive: { connections: 0, timeoutMs: 60_000, requests: 1000, directive: 'default' },
  };
}

export function planLocation(nextUpstream: Partial<PlanLocation['nextUpstream']> = {}, specUpstream = 'app'): PlanLocation {
  return {
    match: '',
    path: '/',
    specUpstream,
    module: 'proxy',
    pass: `http://${specUpstream}`,
    upstreamHttpVersion: '1.0',
    headers: [],
    addHeaders: [],
    timeouts: { connectMs: 60_000, sendMs: 60_000, readMs: 60_000 },
    nextUpstream: { conditions: ['error', 'timeout'], tries: 0, timeoutMs: 0, ...nextUpstream },
    websocket: false,
  };
}

/** Creates a balancer with a simulated clock that starts at 1,000,000 s, so `checked = 0` lies far in the past. */
export function testBalancer(upstream: PlanUpstream, seed = 1): { balancer: CoreUpstreamBalancer; clock: SimulatedClock } {
  const clock = new SimulatedClock(1_000_000_000);
  return { balancer: createUpstreamBalancer(upstream, { clock, random: new GlibcRandom(seed) }), clock };
}

/** Picks for one request and frees the peer at once with state 0; returns the peer's port or `busy`. */
export function pickOnce(balancer: CoreUpstreamBalancer, hint?: string, clientAddress = '127.0.0.1', hashKey?: string): string {
  const request = balancer.startRequest({ clientAddress, ...(hashKey !== undefined ? { hashKey } : {}) });
  const result = request.pick(hint);
  if (result.kind === 'busy') return 'busy';
  request.release('ok');
  return label(result.peer);
}

/** Picks for one request, failing each peer, until the balancer is busy or `limit` picks were made. */
export function failChain(balancer: CoreUpstreamBalancer, limit: number, input: { clientAddress?: string; hashKey?: string } = {}): string[] {
  const request = balancer.startRequest({ clientAddress: input.clientAddress ?? '127.0.0.1', ...(input.hashKey !== undefined ? { hashKey: input.hashKey } : {}) });
  const picks: string[] = [];
  for (let i = 0; i < limit; i++) {
    const result = request.pick(undefined);
    if (result.kind === 'busy') {
      picks.push('busy');
      break;
    }
    picks.push(label(result.peer));
    request.release('failed');
  }
  return picks;
}

/** Returns a peer's port, or its name for unix sockets. */
export function label(peer: RuntimePeer): string {
  return peer.endpoint.kind === 'tcp' ? String(peer.endpoint.port) : peer.name;
}

/** Creates a core over a Plan with one directly routed upstream, for a target version such as 1.30.6. */
export function testCore(upstream: PlanUpstream, version = '1.30.6', startMs = 1_000_000_000): { core: ProxyCore; clock: SimulatedClock } {
  const [major, minor, patch] = version.split('.').map(Number) as [number, number, number];
  const plan = {
    target: { version: { major, minor, patch, patchGiven: true } },
    maps: [],
    upstreams: [upstream],
    routes: [{ kind: 'direct', specUpstream: upstream.specUpstream, upstream: upstream.name }],
  } as unknown as Plan;
  const clock = new SimulatedClock(startMs);
  return { core: new ProxyCore(plan, { clock, random: new GlibcRandom(7) }), clock };
}
