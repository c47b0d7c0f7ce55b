/**
 * Smooth weighted round robin and the failure accounting every balancer
 * shares, after ngx_http_upstream_round_robin.c (nginx 1.22 to 1.31). The
 * sticky hint (`pc->hint`, nginx 1.29.6 and later) is the `hint` argument.
 */

import type { PeerList } from './peers.js';
import { TriedSet } from './tried.js';
import type { BalanceInput, BalancerRequest, Clock, FreeState, PickResult, RuntimePeer } from './types.js';

/** True while a peer that reached max_fails stays out: `now - checked <= fail_timeout`, in whole seconds. */
export function failedRecently(peer: RuntimePeer, now: number): boolean {
  return peer.maxFails !== 0 && peer.fails >= peer.maxFails && now - peer.checked <= peer.failTimeout;
}

export function atMaxConns(peer: RuntimePeer): boolean {
  return peer.maxConns !== 0 && peer.conns >= peer.maxConns;
}

/**
 * Applies the smooth weighted step to one eligible peer. Its current weight
 * grows by its effective weight, which then recovers by 1 toward the
 * configured weight. Returns the amount added, for the round's total.
 */
export function addEffectiveWeight(peer: RuntimePeer): number {
  const added = peer.effectiveWeight;
  peer.currentWeight += added;
  if (peer.effectiveWeight < peer.weight) peer.effectiveWeight++;
  return added;
}

/** The balancer-independent part of every request: the current list, the tried set, the tries budget and the picked peer. */
export interface BalancerContext {
  readonly clock: Clock;
  readonly primary: PeerList;
}

/** A busy pick; shared because it carries no state. */
export const busyResult: PickResult = { kind: 'busy' };

/**
 * One request on a round-robin block (ngx_http_upstream_rr_peer_data_t).
 * The other balancers extend it, because each falls back to round robin and
 * frees peers the same way.
 */
export class RoundRobinRequest implements BalancerRequest {
  /** The list picks come from: the primary list until it has nothing left for this request, then the backup list. */
  protected peers: PeerList;
  protected readonly tried: TriedSet;
  protected readonly clock: Clock;
  /** Index in `peers` of the peer ngx_http_upstream_get_rr_peer_by_sid() found last. */
  protected sidIndex = 0;
  current: RuntimePeer | undefined;
  tries: number;

  constructor(context: BalancerContext, _input?: BalanceInput) {
    const primary = context.primary;
    this.peers = primary;
    this.clock = context.clock;
    this.tried = new TriedSet(Math.max(primary.peers.length, primary.next?.peers.length ?? 0));
    this.tries = primary.tries + (primary.next?.tries ?? 0);
  }

  pick(hint: string | undefined): PickResult {
    const peer = this.get(hint);
    return peer === undefined ? busyResult : { kind: 'peer', peer };
  }

  /** Picks as the balancer's own peer.get does. This is round robin, and the other methods override it. */
  protected get(hint: string | undefined): RuntimePeer | undefined {
    return this.getRoundRobinPeer(hint);
  }

  /** ngx_http_upstream_get_round_robin_peer(): the single-peer case, SWRR, then the backup list. */
  protected getRoundRobinPeer(hint: string | undefined): RuntimePeer | undefined {
    const peers = this.peers;
    let peer: RuntimePeer | undefined;

    if (peers.single) {
      peer = this.getPeerBySid(hint);
      if (peer === undefined) {
        peer = peers.peers[0]!;
        if (peer.down !== 0 || atMaxConns(peer)) return this.switchToBackup(hint, this.getRoundRobinPeer);
      }
      // A single peer gets no tried bit and no weight or `checked` update.
      this.current = peer;
    } else {
      peer = this.getPeer(hint);
      if (peer === undefined) return this.switchToBackup(hint, this.getRoundRobinPeer);
    }

    peer.conns++;
    return peer;
  }

  /**
   * Moves to the backup list for the rest of the request, clears the tried
   * set and picks again there with the same hint (the `failed:` label of the
   * round-robin and least_conn getters).
   */
  protected switchToBackup(hint: string | undefined, get: (this: this, hint: string | undefined) => RuntimePeer | undefined): RuntimePeer | undefined {
    const backup = this.peers.next;
    if (backup === undefined) return undefined;

    this.peers = backup;
    this.tried.clear();
    return get.call(this, hint);
  }

  /**
   * ngx_http_upstream_get_peer(): smooth weighted round robin over the
   * eligible peers. Ties go to the earlier peer (strict `>`). A sticky peer
   * takes the pick after the weight update, or without any update once its
   * current weight has fallen to -(total_weight - weight) (nginx 1.29.6+).
   */
  protected getPeer(hint: string | undefined): RuntimePeer | undefined {
    const now = this.clock.nowSeconds();
    const list = this.peers.peers;

    const stickyPeer = this.getPeerBySid(hint);
    const stickyIndex = this.sidIndex;
    if (stickyPeer !== undefined && stickyPeer.currentWeight <= -(this.peers.totalWeight - stickyPeer.weight)) {
      return this.choose(stickyPeer, stickyIndex, now);
    }

    let best: RuntimePeer | undefined;
    let bestIndex = 0;
    let total = 0;
    for (let i = 0; i < list.length; i++) {
      const peer = list[i]!;
      if (this.tried.has(i) || peer.down !== 0 || failedRecently(peer, now) || atMaxConns(peer)) continue;

      total += addEffectiveWeight(peer);
      if (best === undefined || peer.currentWeight > best.currentWeight) {
        best = peer;
        bestIndex = i;
      }
    }

    if (stickyPeer !== undefined) {
      best = stickyPeer;
      bestIndex = stickyIndex;
    }
    if (best === undefined) return undefined;

    best.currentWeight -= total;
    return this.choose(best, bestIndex, now);
  }

  /** Remembers the peer, marks it tried, and starts a new check window once fail_timeout has passed (the `best_chosen:` steps). */
  protected choose(peer: RuntimePeer, index: number, now: number): RuntimePeer {
    this.current = peer;
    this.tried.add(index);
    if (now - peer.checked > peer.failTimeout) peer.checked = now;
    return peer;
  }

  /** choose() plus the connection count: how the hash, ip_hash, least_conn and random getters finish a pick. */
  protected take(peer: RuntimePeer, index: number, now: number): RuntimePeer {
    this.choose(peer, index, now);
    peer.conns++;
    return peer;
  }

  /**
   * ngx_http_upstream_get_rr_peer_by_sid(): the first peer of the current list
   * whose sid equals the hint byte for byte, if it is not tried, not down
   * (draining is allowed), not failed within fail_timeout and not full. Sets
   * `sidIndex` to its index.
   */
  protected getPeerBySid(hint: string | undefined): RuntimePeer | undefined {
    if (hint === undefined) return undefined;

    const list = this.peers.peers;
    let index = -1;
    for (let i = 0; i < list.length; i++) {
      if (list[i]!.sid === hint) {
        index = i;
        break;
      }
    }
    if (index === -1 || this.tried.has(index)) return undefined;

    const peer = list[index]!;
    if ((peer.down & ~8) !== 0 || failedRecently(peer, this.clock.nowSeconds()) || atMaxConns(peer)) return undefined;

    this.sidIndex = index;
    return peer;
  }

  /** ngx_http_upstream_free_round_robin_peer(): failure accounting and the tries budget. */
  release(state: FreeState): void {
    const peer = this.current;
    if (peer === undefined) throw new Error('release() without a picked peer');
    this.current = undefined;

    if (this.peers.single) {
      // A single peer is never marked failed and never retried.
      peer.fails = 0;
      peer.conns--;
      this.tries = 0;
      return;
    }

    if (state === 'failed') {
      const now = this.clock.nowSeconds();
      peer.fails++;
      peer.accessed = now;
      peer.checked = now;
      if (peer.maxFails !== 0) peer.effectiveWeight -= Math.floor(peer.weight / peer.maxFails);
      if (peer.effectiveWeight < 0) peer.effectiveWeight = 0;
    } else if (peer.accessed < peer.checked) {
      // A success (or NEXT) after a new check window began marks the peer live again.
      peer.fails = 0;
    }

    peer.conns--;
    if (this.tries > 0) this.tries--;
  }

  refundTry(): void {
    this.tries++;
  }

  capTries(limit: number): void {
    if (limit !== 0 && this.tries > limit) this.tries = limit;
  }
}
