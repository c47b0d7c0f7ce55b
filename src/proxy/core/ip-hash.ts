/**
 * ip_hash after ngx_http_upstream_ip_hash_module.c. The hash starts at 89 and
 * mixes the first 3 bytes of an IPv4 client address, or all 16 of an IPv6
 * one, as `hash = (hash * 113 + byte) % 6271` on every try. The result picks
 * a peer by weight. After 20 unusable candidates it falls back to round robin.
 */

import { isIPv4, isIPv6 } from 'node:net';

import { parseIPv4, parseIPv6 } from '../../plan/peer-name.js';
import { weightedIndex } from './hash.js';
import { atMaxConns, failedRecently, RoundRobinRequest, type BalancerContext } from './round-robin.js';
import type { BalanceInput, RuntimePeer } from './types.js';

/** Key bytes for a client that is neither IPv4 nor IPv6 (a unix socket): nginx's 3-byte pseudo address. */
const pseudoAddress: readonly number[] = [0, 0, 0];

/** Returns the bytes ip_hash mixes for a client address. */
export function ipHashBytes(clientAddress: string): readonly number[] {
  if (isIPv4(clientAddress)) return parseIPv4(clientAddress).slice(0, 3);
  if (isIPv6(clientAddress)) return parseIPv6(clientAddress);
  return pseudoAddress;
}

export class IpHashRequest extends RoundRobinRequest {
  private readonly bytes: readonly number[];
  private ipHash = 89;
  private hashTries = 0;

  constructor(context: BalancerContext, input: BalanceInput) {
    super(context, input);
    this.bytes = ipHashBytes(input.clientAddress);
  }

  protected override get(hint: string | undefined): RuntimePeer | undefined {
    const peers = this.peers;
    if (this.hashTries > 20 || peers.peers.length < 2) return this.getRoundRobinPeer(hint);

    const now = this.clock.nowSeconds();
    let hash = this.ipHash;

    const stickyPeer = this.getPeerBySid(hint);
    if (stickyPeer !== undefined) return this.take(stickyPeer, this.sidIndex, now);

    for (;;) {
      for (const byte of this.bytes) hash = (hash * 113 + byte) % 6271;

      const index = weightedIndex(peers, hash % peers.totalWeight);
      const peer = peers.peers[index]!;
      if (!this.tried.has(index) && peer.down === 0 && !failedRecently(peer, now) && !atMaxConns(peer)) {
        // The running hash is kept only on success, for the next try of this request.
        this.ipHash = hash;
        return this.take(peer, index, now);
      }

      if (++this.hashTries > 20) return this.getRoundRobinPeer(hint);
    }
  }
}
