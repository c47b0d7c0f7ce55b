import { describe, expect, it } from 'vitest';

import { buildChashRing, findChashPoint } from '../../../src/proxy/core/hash.js';
import { buildPeerLists } from '../../../src/proxy/core/peers.js';
import { crc32 } from '../../../src/proxy/core/crc32.js';
import { ipHashBytes } from '../../../src/proxy/core/ip-hash.js';
import { failChain, label, pickOnce, planUpstream, testBalancer } from './helpers.js';

const three = ['127.0.0.1:1', '127.0.0.1:2', '127.0.0.1:3'];

describe('crc32', () => {
  it('matches zlib', () => {
    expect(crc32('abc')).toBe(0x352441c2);
    expect(crc32('')).toBe(0);
  });
});

describe('hash', () => {
  it('rehashes abc as Cache::Memcached does', () => {
    // Sums 13604, 22746, 35293 of ((crc32([n]abc) >> 16) & 0x7fff) modulo 3.
    const { balancer } = testBalancer(planUpstream(three, { method: 'hash', key: '$arg_k', consistent: false }));
    expect(failChain(balancer, 3, { hashKey: 'abc' })).toEqual(['3', '1', '2']);
  });

  it('falls back to round robin for an empty key', () => {
    const { balancer } = testBalancer(planUpstream(three, { method: 'hash', key: '$arg_k', consistent: false }));
    expect([pickOnce(balancer, undefined, '127.0.0.1', ''), pickOnce(balancer, undefined, '127.0.0.1', '')]).toEqual(['1', '2']);
  });

  it('keeps down peers in the weight walk', () => {
    const upstream = planUpstream(['127.0.0.1:1', '127.0.0.1:2', ['127.0.0.1:3', { state: 'down' }]], { method: 'hash', key: '$arg_k', consistent: false });
    const { balancer } = testBalancer(upstream);
    // abc lands on the down peer 3 first, then rehashes to peer 1.
    expect(pickOnce(balancer, undefined, '127.0.0.1', 'abc')).toBe('1');
  });
});

describe('hash consistent', () => {
  const servers = ['10.0.0.1:8080', '10.0.0.2:8080', '10.0.0.3:8080'];

  it('builds 160 points per weight from the server text', () => {
    const ring = buildChashRing(buildPeerLists(planUpstream(servers)));
    expect(ring.length).toBe(480);
    expect(ring.some((point) => point.hash === 0xf1ea5a8f && point.server === '10.0.0.1:8080')).toBe(true);
  });

  it('walks the ring past failed servers', () => {
    // user42 has crc32 0x7c2fbeb6; the ring gives 10.0.0.3, then 10.0.0.2 as the next other server.
    const { balancer } = testBalancer(planUpstream(servers, { method: 'hash', key: '$arg_k', consistent: true }));
    const request = balancer.startRequest({ clientAddress: '127.0.0.1', hashKey: 'user42' });
    const first = request.pick(undefined);
    expect(first).toMatchObject({ kind: 'peer', peer: { server: '10.0.0.3:8080' } });
    request.release('failed');
    const second = request.pick(undefined);
    expect(second).toMatchObject({ kind: 'peer', peer: { server: '10.0.0.2:8080' } });
  });

  it('finds the first point at or above the hash', () => {
    const points = [{ hash: 10, server: 'a' }, { hash: 20, server: 'b' }];
    expect(findChashPoint(points, 5)).toBe(0);
    expect(findChashPoint(points, 20)).toBe(1);
    expect(findChashPoint(points, 21)).toBe(2);
  });
});

describe('ip_hash', () => {
  it('mixes three octets of IPv4 and 16 bytes of IPv6', () => {
    expect(ipHashBytes('192.168.1.10')).toEqual([192, 168, 1]);
    expect(ipHashBytes('::1')).toHaveLength(16);
    expect(ipHashBytes('unix:')).toEqual([0, 0, 0]);
  });

  it('hashes 192.168.1.10 to the second peer, then the third', () => {
    // 89 -> 154 (peer 2) -> 5654 (peer 3) -> 1196 (peer 3, tried) -> ...
    const { balancer } = testBalancer(planUpstream(three, { method: 'ip_hash' }));
    expect(failChain(balancer, 2, { clientAddress: '192.168.1.10' })).toEqual(['2', '3']);
  });

  it('keeps the same peer for one /24', () => {
    const { balancer } = testBalancer(planUpstream(three, { method: 'ip_hash' }));
    const picks = ['10.1.2.3', '10.1.2.200', '10.1.2.77'].map((address) => pickOnce(balancer, undefined, address));
    expect(new Set(picks).size).toBe(1);
  });
});

describe('least_conn', () => {
  it('prefers the peer with fewest connections per weight', () => {
    const { balancer } = testBalancer(planUpstream(three, { method: 'least_conn' }));
    const holders = [balancer.startRequest({ clientAddress: '127.0.0.1' }), balancer.startRequest({ clientAddress: '127.0.0.1' })];
    const picked = holders.map((request) => {
      const result = request.pick(undefined);
      return result.kind === 'peer' ? label(result.peer) : 'busy';
    });
    expect(picked).toEqual(['1', '2']);
    expect(pickOnce(balancer)).toBe('3');
  });

  it('breaks ties by smooth weights', () => {
    const { balancer } = testBalancer(planUpstream([['127.0.0.1:1', { weight: 2 }], '127.0.0.1:2'], { method: 'least_conn' }));
    expect(Array.from({ length: 6 }, () => pickOnce(balancer))).toEqual(['1', '2', '1', '1', '2', '1']);
  });
});

describe('random', () => {
  it('draws peers from random() modulo the total weight', () => {
    // Seed 1 gives 1804289383, 846930886, 1681692777, ... which modulo 3 are 1, 1, 0, 1, 2, 1.
    const { balancer } = testBalancer(planUpstream(three, { method: 'random', two: false }), 1);
    expect(Array.from({ length: 6 }, () => pickOnce(balancer))).toEqual(['2', '2', '1', '2', '3', '2']);
  });

  it('takes the second sample on a tie with two', () => {
    // Pairs (2, 2) are skipped as the same peer: samples 2, 2, 1 give peer 1 over peer 2 at equal connections.
    const { balancer } = testBalancer(planUpstream(three, { method: 'random', two: true }), 1);
    expect(pickOnce(balancer)).toBe('1');
  });
});
