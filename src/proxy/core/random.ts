/**
 * `random` and `random two` after ngx_http_upstream_random_module.c. A sample
 * is `random() % total_weight` looked up in the cumulative weight ranges of
 * every primary peer, down ones included. `two` takes two different usable
 * samples and keeps the one with fewer connections per weight, and the second
 * wins a tie. Each unusable sample (and the first of two) counts a try, and
 * after 20 tries the request falls back to round robin.
 */

import type { RandomSource } from './glibc-random.js';
import type { PeerList } from './peers.js';
import { atMaxConns, failedRecently, RoundRobinRequest, type BalancerContext } from './round-robin.js';
import type { BalanceInput, RuntimePeer } from './types.js';

/** Cumulative weight ranges of ngx_http_upstream_update_random(): range[i] is the sum of the weights before peer i. */
export function buildRandomRanges(primary: PeerList): Uint32Array {
  const ranges = new Uint32Array(primary.peers.length);
  let total = 0;
  primary.peers.forEach((peer, index) => {
    ranges[index] = total;
    total += peer.weight;
  });
  return ranges;
}

export class RandomRequest extends RoundRobinRequest {
  private randomTries = 0;

  constructor(
    context: BalancerContext,
    input: BalanceInput,
    private readonly ranges: Uint32Array,
    private readonly random: RandomSource,
    private readonly two: boolean,
  ) {
    super(context, input);
  }

  protected override get(hint: string | undefined): RuntimePeer | undefined {
    const peers = this.peers;
    if (this.randomTries > 20 || peers.peers.length < 2) return this.getRoundRobinPeer(hint);

    const now = this.clock.nowSeconds();

    const stickyPeer = this.getPeerBySid(hint);
    if (stickyPeer !== undefined) return this.take(stickyPeer, this.sidIndex, now);

    return this.two ? this.getRandom2Peer(hint, now) : this.getRandomPeer(hint, now);
  }

  private getRandomPeer(hint: string | undefined, now: number): RuntimePeer | undefined {
    const list = this.peers.peers;
    for (;;) {
      const index = this.peekRandomPeer();
      const peer = list[index]!;
      if (!this.tried.has(index) && peer.down === 0 && !failedRecently(peer, now) && !atMaxConns(peer)) {
        return this.take(peer, index, now);
      }

      if (++this.randomTries > 20) return this.getRoundRobinPeer(hint);
    }
  }

  private getRandom2Peer(hint: string | undefined, now: number): RuntimePeer | undefined {
    const list = this.peers.peers;
    let previous: RuntimePeer | undefined;
    let previousIndex = 0;

    for (;;) {
      const index = this.peekRandomPeer();
      const peer = list[index]!;
      const usable = peer !== previous && !this.tried.has(index) && peer.down === 0 && !failedRecently(peer, now) && !atMaxConns(peer);

      if (usable && previous !== undefined) {
        // The first sample wins only when the second is strictly busier.
        if (peer.conns * previous.weight > previous.conns * peer.weight) return this.take(previous, previousIndex, now);
        return this.take(peer, index, now);
      }
      if (usable) {
        previous = peer;
        previousIndex = index;
      }

      if (++this.randomTries > 20) return this.getRoundRobinPeer(hint);
    }
  }

  /** ngx_http_upstream_peek_random_peer(): binary search of `random() % total_weight` in the ranges. */
  private peekRandomPeer(): number {
    const x = this.random.next() % this.peers.totalWeight;
    let i = 0;
    let j = this.peers.peers.length;
    while (j - i > 1) {
      const k = (i + j) >>> 1;
      if (x < this.ranges[k]!) j = k;
      else i = k;
    }
    return i;
  }

}
