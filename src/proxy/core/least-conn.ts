/**
 * least_conn after ngx_http_upstream_least_conn_module.c. It picks the
 * eligible peer with the fewest connections per weight. Smooth weighted round
 * robin over the tied peers only, from the first of them, breaks a tie.
 */

import { addEffectiveWeight, atMaxConns, failedRecently, RoundRobinRequest } from './round-robin.js';
import type { RuntimePeer } from './types.js';

export class LeastConnRequest extends RoundRobinRequest {
  protected override get(hint: string | undefined): RuntimePeer | undefined {
    return this.getLeastConnPeer(hint);
  }

  private getLeastConnPeer(hint: string | undefined): RuntimePeer | undefined {
    if (this.peers.single) return this.getRoundRobinPeer(hint);

    const now = this.clock.nowSeconds();
    const list = this.peers.peers;

    const stickyPeer = this.getPeerBySid(hint);
    if (stickyPeer !== undefined) {
      // A sticky pick changes no weights (the `best_chosen:` label).
      return this.take(stickyPeer, this.sidIndex, now);
    }

    let best: RuntimePeer | undefined;
    let bestIndex = 0;
    let many = false;
    for (let i = 0; i < list.length; i++) {
      const peer = list[i]!;
      if (this.tried.has(i) || peer.down !== 0 || failedRecently(peer, now) || atMaxConns(peer)) continue;

      // Compare conns/weight by cross-multiplying, as nginx does.
      if (best === undefined || peer.conns * best.weight < best.conns * peer.weight) {
        best = peer;
        bestIndex = i;
        many = false;
      } else if (peer.conns * best.weight === best.conns * peer.weight) {
        many = true;
      }
    }

    if (best === undefined) return this.switchToBackup(hint, this.getLeastConnPeer);

    let total = 0;
    if (many) {
      for (let i = bestIndex; i < list.length; i++) {
        const peer = list[i]!;
        if (this.tried.has(i) || peer.down !== 0) continue;
        if (peer.conns * best.weight !== best.conns * peer.weight) continue;
        if (failedRecently(peer, now) || atMaxConns(peer)) continue;

        total += addEffectiveWeight(peer);
        if (peer.currentWeight > best.currentWeight) {
          best = peer;
          bestIndex = i;
        }
      }
    }

    best.currentWeight -= total;
    return this.take(best, bestIndex, now);
  }

}
