import { createHash } from 'node:crypto';

import { describe, expect, it } from 'vitest';

import { InputError } from '../../../src/problems.js';
import { buildPeerLists } from '../../../src/proxy/core/peers.js';
import { planUpstream } from './helpers.js';

const md5 = (text: string) => createHash('md5').update(text).digest('hex');

describe('peer lists', () => {
  it('splits primary and backup peers in config order', () => {
    const lists = buildPeerLists(planUpstream(['127.0.0.1:1', ['127.0.0.1:2', { backup: true }], ['127.0.0.1:3', { weight: 3 }], ['127.0.0.1:4', { backup: true, state: 'down' }]]));
    expect(lists.peers.map((peer) => peer.name)).toEqual(['127.0.0.1:1', '127.0.0.1:3']);
    expect(lists.next?.peers.map((peer) => peer.name)).toEqual(['127.0.0.1:2', '127.0.0.1:4']);
    expect(lists.totalWeight).toBe(4);
    expect(lists.next?.tries).toBe(1);
    expect(lists.single).toBe(false);
  });

  it('counts tries over peers that are not down or draining', () => {
    const lists = buildPeerLists(planUpstream(['127.0.0.1:1', ['127.0.0.1:2', { state: 'down' }], ['127.0.0.1:3', { state: 'drain' }]]));
    expect(lists.tries).toBe(1);
    expect(lists.totalWeight).toBe(3);
    expect(lists.peers.map((peer) => peer.down)).toEqual([0, 1, 8]);
  });

  it('marks a lone primary single only without backups', () => {
    expect(buildPeerLists(planUpstream(['127.0.0.1:1'])).single).toBe(true);
    expect(buildPeerLists(planUpstream(['127.0.0.1:1', ['127.0.0.1:2', { backup: true }]])).single).toBe(false);
  });

  it('expands host names through the resolver', () => {
    const upstream = planUpstream([['app.internal:8080', { weight: 2, route: 'a' }], 'db.internal:5432']);
    const lists = buildPeerLists(upstream, (host) => (host === 'app.internal' ? ['10.0.0.1', '2001:db8::0:1'] : ['10.0.0.9']));
    expect(lists.peers.map((peer) => peer.name)).toEqual(['10.0.0.1:8080', '[2001:db8::1]:8080', '10.0.0.9:5432']);
    // Every address of a server line with route= shares that sid; others hash their own name.
    expect(lists.peers.map((peer) => peer.sid)).toEqual(['a', 'a', md5('10.0.0.9:5432')]);
    expect(lists.peers.map((peer) => peer.server)).toEqual(['app.internal:8080', 'app.internal:8080', 'db.internal:5432']);
    expect(lists.totalWeight).toBe(5);
  });

  it('rejects a host name nothing resolves', () => {
    expect(() => buildPeerLists(planUpstream(['app.internal:8080']))).toThrow(InputError);
    expect(() => buildPeerLists(planUpstream(['app.internal:8080']), () => [])).toThrow(/host not found in upstream "app.internal:8080"/);
  });

  it('converts fail_timeout to whole seconds', () => {
    const lists = buildPeerLists(planUpstream([['127.0.0.1:1', { failTimeoutSeconds: 30 }], '127.0.0.1:2']));
    expect(lists.peers[0]!.failTimeout).toBe(30);
    expect(lists.peers[1]!.failTimeout).toBe(10);
  });
});
