/**
 * One conformance suite for every balancer: random upstream blocks and random
 * request sequences (fast-check, fixed seeds), checked against invariants
 * that hold for all of nginx's methods.
 */

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import type { PlanBalancer, PlanSticky } from '../../../src/plan/types.js';
import type { AttemptOutcome, BalancerRequest, FreeState, RuntimePeer } from '../../../src/proxy/core/types.js';
import { planLocation, planUpstream, testBalancer, testCore, type PeerOptions } from './helpers.js';

const methods: { name: string; balancer: PlanBalancer; backup: boolean }[] = [
  { name: 'round robin', balancer: { method: 'round_robin' }, backup: true },
  { name: 'least_conn', balancer: { method: 'least_conn' }, backup: true },
  { name: 'ip_hash', balancer: { method: 'ip_hash' }, backup: false },
  { name: 'hash', balancer: { method: 'hash', key: '$arg_k', consistent: false }, backup: false },
  { name: 'hash consistent', balancer: { method: 'hash', key: '$arg_k', consistent: true }, backup: false },
  { name: 'random', balancer: { method: 'random', two: false }, backup: false },
  { name: 'random two', balancer: { method: 'random', two: true }, backup: false },
];

const peerOptions: fc.Arbitrary<PeerOptions> = fc.record({
  weight: fc.integer({ min: 1, max: 4 }),
  maxFails: fc.integer({ min: 0, max: 2 }),
  failTimeoutSeconds: fc.integer({ min: 1, max: 3 }),
  maxConns: fc.integer({ min: 0, max: 2 }),
  state: fc.constantFrom<PeerOptions['state']>('up', 'up', 'up', 'down', 'drain'),
});

/** One step of a scenario: start a request, pick for an open request, free its peer, or let time pass. */
type Operation =
  | { kind: 'start'; client: number; key: string; hinted: number | undefined }
  | { kind: 'pick'; request: number }
  | { kind: 'free'; request: number; state: FreeState }
  | { kind: 'wait'; ms: number };

const operation: fc.Arbitrary<Operation> = fc.oneof(
  fc.record({ kind: fc.constant('start' as const), client: fc.integer({ min: 1, max: 40 }), key: fc.constantFrom('', 'a', 'b', 'user1', 'user2'), hinted: fc.option(fc.integer({ min: 0, max: 7 }), { nil: undefined }) }),
  fc.record({ kind: fc.constant('pick' as const), request: fc.nat(5) }),
  fc.record({ kind: fc.constant('pick' as const), request: fc.nat(5) }),
  fc.record({ kind: fc.constant('free' as const), request: fc.nat(5), state: fc.constantFrom<FreeState>('ok', 'failed', 'failed', 'next') }),
  fc.record({ kind: fc.constant('wait' as const), ms: fc.constantFrom(100, 900, 1500, 4000) }),
);

interface OpenRequest {
  request: BalancerRequest;
  hint: string | undefined;
  picked: RuntimePeer | undefined;
  /** Peers returned in the list in use, which nginx marks tried. */
  tried: Set<RuntimePeer>;
  onBackup: boolean;
  initialTries: number;
}

function failed(peer: RuntimePeer, now: number): boolean {
  return peer.maxFails !== 0 && peer.fails >= peer.maxFails && now - peer.checked <= peer.failTimeout;
}

function full(peer: RuntimePeer): boolean {
  return peer.maxConns !== 0 && peer.conns >= peer.maxConns;
}

/** Eligible for an unbound pick in a list of several peers. */
function eligible(peer: RuntimePeer, tried: Set<RuntimePeer>, now: number): boolean {
  return !tried.has(peer) && peer.down === 0 && !failed(peer, now) && !full(peer);
}

/** Eligible for a pick bound by the hint: draining is allowed. */
function hintEligible(peer: RuntimePeer, tried: Set<RuntimePeer>, now: number): boolean {
  return !tried.has(peer) && (peer.down & ~8) === 0 && !failed(peer, now) && !full(peer);
}

for (const method of methods) {
  describe(`${method.name} conformance`, () => {
    it('keeps the invariants of every balancer', () => {
      const peersArbitrary = fc.array(fc.tuple(peerOptions, fc.boolean()), { minLength: 1, maxLength: 6 });
      fc.assert(
        fc.property(peersArbitrary, fc.array(operation, { minLength: 1, maxLength: 80 }), fc.boolean(), (peerSpecs, operations, withSticky) => {
          const entries = peerSpecs.map(([options, backup], index): [string, PeerOptions] => [
            `127.0.0.1:${index + 1}`,
            { ...options, backup: method.backup && backup && index > 0 },
          ]);
          if (entries.every(([, options]) => options.backup)) entries[0]![1].backup = false;
          const sticky: PlanSticky | undefined = withSticky ? { mode: 'route', variables: ['$arg_route'] } : undefined;
          const { balancer, clock } = testBalancer(planUpstream(entries, method.balancer, sticky), 99);
          const primary = balancer.lists.peers;
          const backup = balancer.lists.next?.peers ?? [];
          const all = [...primary, ...backup];
          const open: OpenRequest[] = [];

          for (const step of operations) {
            const now = clock.nowSeconds();
            if (step.kind === 'wait') {
              clock.advance(step.ms);
              continue;
            }
            if (step.kind === 'start') {
              if (open.length >= 6) continue;
              const hint = withSticky && step.hinted !== undefined ? all[step.hinted % all.length]!.sid : undefined;
              const request = balancer.startRequest({ clientAddress: `10.0.${step.client}.1`, hashKey: step.key });
              // The tries budget counts peers that are not down; drained peers do not count.
              expect(request.tries).toBe(all.filter((peer) => peer.down === 0).length);
              open.push({ request, hint, picked: undefined, tried: new Set(), onBackup: false, initialTries: request.tries });
              continue;
            }

            const entry = open[step.request % Math.max(open.length, 1)];
            if (entry === undefined) continue;

            if (step.kind === 'free') {
              if (entry.picked === undefined) continue;
              const before = entry.request.tries;
              entry.request.release(step.state);
              entry.picked = undefined;
              expect(entry.request.tries).toBeLessThanOrEqual(Math.max(before - 1, 0));
              continue;
            }

            if (entry.picked !== undefined || entry.request.tries === 0) continue;
            const list = entry.onBackup ? backup : primary;
            const single = balancer.lists.single;
            const hinted = entry.hint === undefined ? undefined : list.find((peer) => peer.sid === entry.hint);
            const hintUsable = hinted !== undefined && hintEligible(hinted, entry.tried, now);
            const primaryLeft = !entry.onBackup && (hintUsable || primary.some((peer) => (single ? peer.down === 0 && !full(peer) : eligible(peer, entry.tried, now))));
            const backupLeft = backup.some((peer) => eligible(peer, entry.onBackup ? entry.tried : new Set(), now) || (peer.sid === entry.hint && hintEligible(peer, entry.onBackup ? entry.tried : new Set(), now)));
            const conns = new Map(all.map((peer) => [peer, peer.conns]));

            const result = entry.request.pick(entry.hint);
            if (result.kind === 'busy') {
              // Busy only when neither list has anything left for this request.
              expect(primaryLeft).toBe(false);
              expect(backupLeft).toBe(false);
              open.splice(open.indexOf(entry), 1);
              continue;
            }

            const peer = result.peer;
            const isBackup = backup.includes(peer);
            // A request uses the backup list only when no primary is eligible, and then keeps it.
            if (isBackup) expect(primaryLeft).toBe(false);
            if (entry.onBackup) expect(isBackup).toBe(true);
            if (isBackup && !entry.onBackup) {
              entry.onBackup = true;
              entry.tried.clear();
            }

            const boundPick = peer.sid === entry.hint;
            expect(peer.down === 1).toBe(false);
            if (peer.down === 8) expect(boundPick).toBe(true);
            expect((conns.get(peer) ?? 0) < peer.maxConns || peer.maxConns === 0).toBe(true);
            expect(peer.conns).toBe((conns.get(peer) ?? 0) + 1);
            if (!(single && !isBackup)) {
              expect(entry.tried.has(peer)).toBe(false);
              expect(failed(peer, now)).toBe(false);
            }
            entry.tried.add(peer);
            entry.picked = peer;
            expect(entry.request.tries).toBeLessThanOrEqual(entry.initialTries);
          }

          for (const entry of open) if (entry.picked !== undefined) entry.request.release('ok');
          // Every connection taken was given back.
          for (const peer of all) expect(peer.conns).toBe(0);
        }),
        { seed: 20_261_204, numRuns: 300 },
      );
    });
  });
}

type Outcome = { kind: 'error'; cached: boolean } | { kind: 'timeout' } | { kind: 'invalid_header' } | { kind: 'response'; status: number };

const outcomeArbitrary: fc.Arbitrary<Outcome> = fc.oneof(
  fc.record({ kind: fc.constant('error' as const), cached: fc.boolean() }),
  fc.constant({ kind: 'timeout' as const }),
  fc.constant({ kind: 'invalid_header' as const }),
  fc.record({ kind: fc.constant('response' as const), status: fc.constantFrom(200, 404, 429, 500, 502, 503, 504) }),
);

const conditionArbitrary = fc.subarray(['error', 'timeout', 'invalid_header', 'http_500', 'http_502', 'http_503', 'http_504', 'http_403', 'http_404', 'http_429', 'non_idempotent']);

for (const method of methods) {
  describe(`${method.name} upstream use`, () => {
    it('keeps the retry invariants', () => {
      fc.assert(
        fc.property(
          fc.array(peerOptions, { minLength: 1, maxLength: 5 }),
          fc.array(fc.tuple(fc.array(outcomeArbitrary, { minLength: 1, maxLength: 12 }), fc.constantFrom('GET', 'POST'), fc.boolean()), { minLength: 1, maxLength: 12 }),
          conditionArbitrary,
          fc.integer({ min: 0, max: 3 }),
          (peers, requests, conditions, triesCap) => {
            const upstream = planUpstream(peers.map((options, index): [string, PeerOptions] => [`127.0.0.1:${index + 1}`, options]), method.balancer);
            const { core, clock } = testCore(upstream);
            const location = planLocation({ conditions, tries: triesCap });
            const maxTries = upstream.peers.filter((peer) => peer.state === 'up').length;

            for (const [outcomes, httpMethod, sent] of requests) {
              const use = core.startUse({ clientAddress: '10.1.2.3', hashKey: 'k', method: httpMethod, cookieHeaders: [], variables: () => undefined, unbufferedBody: false, location });
              let step = use.start();
              let refunds = 0;
              let last: Outcome | undefined;
              for (const outcome of outcomes) {
                if (step.kind !== 'attempt') break;
                last = outcome;
                if (outcome.kind === 'error' && outcome.cached) refunds++;
                const report: AttemptOutcome = outcome.kind === 'error' ? { kind: 'error', cachedConnection: outcome.cached } : outcome;
                step = use.report(report, sent || outcome.kind !== 'error');
              }
              if (step.kind === 'attempt') {
                // Out of scripted outcomes: the last attempt succeeds.
                step = use.report({ kind: 'response', status: 200 }, true);
              }
              if (step.kind === 'pass') use.finish();

              const addresses = use.upstreamAddr().split(', ');
              const statuses = use.upstreamStatus().split(', ');
              expect(addresses.length).toBe(statuses.length);
              expect(statuses).not.toContain('-');
              // Each attempt used a try, except those a stale keepalive connection gave back, plus one busy entry at most.
              const budget = (triesCap === 0 ? maxTries : Math.min(triesCap, maxTries)) + refunds;
              expect(addresses.filter((address) => address !== 'app').length).toBeLessThanOrEqual(Math.max(budget, 1));
              if (step.kind === 'error') {
                expect([500, 502, 503, 504, 403, 404, 429]).toContain(step.status);
                expect(statuses[statuses.length - 1]).toBe(String(step.status));
                if (last?.kind === 'timeout' && addresses[addresses.length - 1] !== 'app') expect(step.status).toBe(504);
              }
              clock.advance(700);
            }

            // Every connection taken was given back.
            const balancer = core.balancer('app');
            for (const peer of [...balancer.primary, ...balancer.backup]) expect(peer.conns).toBe(0);
          },
        ),
        { seed: 4_242, numRuns: 200 },
      );
    });
  });
}
