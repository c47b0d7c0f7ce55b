import { describe, expect, it } from 'vitest';

import { failChain, label, pickOnce, planUpstream, testBalancer } from './helpers.js';

describe('round robin', () => {
  it('repeats the 5:1:1 smooth sequence', () => {
    const { balancer } = testBalancer(planUpstream([['127.0.0.1:1', { weight: 5 }], '127.0.0.1:2', '127.0.0.1:3']));
    const picks = Array.from({ length: 14 }, () => pickOnce(balancer));
    expect(picks).toEqual(['1', '1', '2', '1', '3', '1', '1', '1', '1', '2', '1', '3', '1', '1']);
  });

  it('gives ties to the earlier peer', () => {
    const { balancer } = testBalancer(planUpstream(['127.0.0.1:1', '127.0.0.1:2', '127.0.0.1:3']));
    expect(Array.from({ length: 6 }, () => pickOnce(balancer))).toEqual(['1', '2', '3', '1', '2', '3']);
  });

  it('charges sticky picks and freezes at the low limit', () => {
    // Weights A=3, B=1, C=1 with `sticky cookie`; S carries C's cookie, N carries none.
    const upstream = planUpstream([['127.0.0.1:1', { weight: 3 }], '127.0.0.1:2', '127.0.0.1:3']);
    const { balancer } = testBalancer(upstream);
    const c = balancer.primary[2]!.sid;
    const pattern = 'S N S S N N S S S N N N S N S S S S N N N N N N S S S S'.split(' ');
    const names: Record<string, string> = { '1': 'A', '2': 'B', '3': 'C' };
    const picks = pattern.map((kind) => names[pickOnce(balancer, kind === 'S' ? c : undefined)]);
    expect(picks.join(' ')).toBe('C A C C A A C C C B A A C A C C C C B A A B A A C C C C');
  });

  it('uses a single peer without failure accounting', () => {
    const { balancer } = testBalancer(planUpstream(['127.0.0.1:1']));
    const request = balancer.startRequest({ clientAddress: '127.0.0.1' });
    expect(request.tries).toBe(1);
    const result = request.pick(undefined);
    expect(result.kind).toBe('peer');
    request.release('failed');
    expect(balancer.primary[0]!.fails).toBe(0);
    expect(request.tries).toBe(0);
  });

  it('skips a failed peer until fail_timeout passes', () => {
    const { balancer, clock } = testBalancer(planUpstream(['127.0.0.1:1', '127.0.0.1:2']));
    const request = balancer.startRequest({ clientAddress: '127.0.0.1' });
    const first = request.pick(undefined);
    expect(first).toMatchObject({ kind: 'peer', peer: { name: '127.0.0.1:1' } });
    request.release('failed');

    expect([pickOnce(balancer), pickOnce(balancer)]).toEqual(['2', '2']);
    clock.advance(10_000);
    expect(pickOnce(balancer)).toBe('2');
    clock.advance(1_000);
    // 11 s after the failure peer 1 is eligible again, with its effective weight
    // recovering from 0, so the smooth weights make it due on the third pick.
    expect(balancer.primary[0]!.effectiveWeight).toBe(0);
    expect([pickOnce(balancer), pickOnce(balancer), pickOnce(balancer)]).toEqual(['2', '2', '1']);
    expect(balancer.primary[0]!.fails).toBe(0);
  });

  it('moves to the backup list and keeps it for the request', () => {
    const { balancer } = testBalancer(planUpstream(['127.0.0.1:1', ['127.0.0.1:2', { backup: true }], ['127.0.0.1:3', { backup: true }]]));
    expect(balancer.startRequest({ clientAddress: '127.0.0.1' }).tries).toBe(3);
    const picks = failChain(balancer, 4);
    expect(picks).toEqual(['1', '2', '3', 'busy']);
  });

  it('answers busy when every peer is down or full', () => {
    const { balancer } = testBalancer(planUpstream([['127.0.0.1:1', { state: 'down' }], ['127.0.0.1:2', { maxConns: 1 }]]));
    const holder = balancer.startRequest({ clientAddress: '127.0.0.1' });
    expect(holder.pick(undefined).kind).toBe('peer');
    expect(pickOnce(balancer)).toBe('busy');
    holder.release('ok');
    expect(pickOnce(balancer)).toBe('2');
  });
});
