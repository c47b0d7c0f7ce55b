/**
 * `hash KEY` and `hash KEY consistent` after ngx_http_upstream_hash_module.c.
 * Keys are byte strings held as Latin-1 text, as Node delivers header values.
 */

import { crc32, crc32Final, crc32Initial, crc32Update } from './crc32.js';
import type { PeerList } from './peers.js';
import { addEffectiveWeight, atMaxConns, failedRecently, RoundRobinRequest, type BalancerContext } from './round-robin.js';
import type { BalanceInput, RuntimePeer } from './types.js';

/** After this many unusable candidates nginx falls back to round robin. */
const maxHashTries = 20;

/**
 * hash KEY: `((crc32([REHASH] KEY) >> 16) & 0x7fff)` added to the previous
 * value (Cache::Memcached compatible), then a weighted walk over the primary
 * list. The running hash, the rehash counter and the tries count belong to the
 * request, so a retry continues the same chain.
 */
export class HashRequest extends RoundRobinRequest {
  protected readonly key: string;
  protected hashTries = 0;
  private rehash = 0;
  private hash = 0;

  constructor(context: BalancerContext, input: BalanceInput) {
    super(context, input);
    this.key = input.hashKey ?? '';
  }

  protected override get(hint: string | undefined): RuntimePeer | undefined {
    const peers = this.peers;
    if (this.hashTries > maxHashTries || peers.peers.length < 2 || this.key.length === 0) return this.getRoundRobinPeer(hint);

    const now = this.clock.nowSeconds();

    const stickyPeer = this.getPeerBySid(hint);
    if (stickyPeer !== undefined) return this.take(stickyPeer, this.sidIndex, now);

    for (;;) {
      let crc = crc32Initial;
      if (this.rehash > 0) crc = crc32Update(crc, String(this.rehash));
      crc = crc32Final(crc32Update(crc, this.key));

      this.hash = (this.hash + ((crc >>> 16) & 0x7fff)) >>> 0;
      this.rehash++;

      const index = weightedIndex(peers, this.hash % peers.totalWeight);
      const peer = peers.peers[index]!;
      if (!this.tried.has(index) && peer.down === 0 && !failedRecently(peer, now) && !atMaxConns(peer)) {
        return this.take(peer, index, now);
      }

      if (++this.hashTries > maxHashTries) return this.getRoundRobinPeer(hint);
    }
  }

}

/** Finds the peer whose weight range contains `w` by subtracting weights in list order until `w < weight`. */
export function weightedIndex(peers: PeerList, w: number): number {
  let rest = w;
  let index = 0;
  while (rest >= peers.peers[index]!.weight) {
    rest -= peers.peers[index]!.weight;
    index++;
  }
  return index;
}

/** One point of the consistent-hash ring: its hash and the `server` text it belongs to. */
export interface ChashPoint {
  hash: number;
  server: string;
}

/**
 * Builds the ring of ngx_http_upstream_update_chash(): 160 points per weight
 * unit for each primary peer, hashed from the server text as written split
 * into host and port (Cache::Memcached::Fast compatible), sorted, with
 * repeated hashes dropped.
 */
export function buildChashRing(primary: PeerList): ChashPoint[] {
  const points: ChashPoint[] = [];
  const previous = new Uint8Array(4);

  for (const peer of primary.peers) {
    const { host, port } = splitServer(peer.server);
    let base = crc32Update(crc32Initial, host);
    base = crc32Update(base, '\0');
    base = crc32Update(base, port);

    previous.fill(0);
    const count = peer.weight * 160;
    for (let j = 0; j < count; j++) {
      const hash = crc32Final(crc32Update(base, previous));
      points.push({ hash, server: peer.server });
      // The previous point goes in as 4 little-endian bytes on every platform.
      previous[0] = hash & 0xff;
      previous[1] = (hash >>> 8) & 0xff;
      previous[2] = (hash >>> 16) & 0xff;
      previous[3] = hash >>> 24;
    }
  }

  // NOTE: nginx sorts with qsort(), which keeps no particular one of two
  // points with the same hash. This stable sort keeps the first in config order.
  points.sort((a, b) => a.hash - b.hash);
  const unique: ChashPoint[] = [];
  for (const point of points) {
    if (unique.length === 0 || unique[unique.length - 1]!.hash !== point.hash) unique.push(point);
  }
  return unique;
}

/** `unix:` servers hash the path with an empty port; otherwise a trailing `:digits` is the port. */
function splitServer(server: string): { host: string; port: string } {
  if (server.length >= 5 && server.slice(0, 5).toLowerCase() === 'unix:') return { host: server.slice(5), port: '' };

  for (let j = 0; j < server.length; j++) {
    const code = server.charCodeAt(server.length - j - 1);
    if (code === 0x3a) return { host: server.slice(0, server.length - j - 1), port: server.slice(server.length - j) };
    if (code < 0x30 || code > 0x39) break;
  }
  return { host: server, port: '' };
}

/** ngx_http_upstream_find_chash_point(): the first point whose hash is >= `hash`; may equal the number of points. */
export function findChashPoint(points: readonly ChashPoint[], hash: number): number {
  let i = 0;
  let j = points.length;
  while (i < j) {
    const k = (i + j) >>> 1;
    const value = points[k]!.hash;
    if (hash > value) i = k + 1;
    else if (hash < value) j = k;
    else return k;
  }
  return i;
}

/**
 * hash KEY consistent. The request starts at the ring point for crc32(KEY)
 * and picks by smooth weighted round robin among the eligible peers with that
 * point's server text. When there is none it moves to the next point, up to
 * 20 times, and then falls back to round robin.
 */
export class ConsistentHashRequest extends HashRequest {
  private point = 0;

  constructor(
    context: BalancerContext,
    input: BalanceInput,
    private readonly ring: readonly ChashPoint[],
  ) {
    super(context, input);
    if (ring.length > 0) this.point = findChashPoint(ring, crc32(this.key));
  }

  protected override get(hint: string | undefined): RuntimePeer | undefined {
    const peers = this.peers;
    if (this.hashTries > maxHashTries || peers.single || this.key.length === 0) return this.getRoundRobinPeer(hint);
    if (peers.peers.length === 0) return undefined;

    const now = this.clock.nowSeconds();

    const stickyPeer = this.getPeerBySid(hint);
    if (stickyPeer !== undefined) return this.take(stickyPeer, this.sidIndex, now);

    const list = peers.peers;
    for (;;) {
      const server = this.ring[this.point % this.ring.length]!.server;

      let best: RuntimePeer | undefined;
      let bestIndex = 0;
      let total = 0;
      for (let i = 0; i < list.length; i++) {
        const peer = list[i]!;
        if (this.tried.has(i) || peer.down !== 0 || failedRecently(peer, now) || atMaxConns(peer)) continue;
        if (peer.server !== server) continue;

        total += addEffectiveWeight(peer);
        if (best === undefined || peer.currentWeight > best.currentWeight) {
          best = peer;
          bestIndex = i;
        }
      }

      if (best !== undefined) {
        best.currentWeight -= total;
        return this.take(best, bestIndex, now);
      }

      this.point++;
      if (++this.hashTries > maxHashTries) return this.getRoundRobinPeer(hint);
    }
  }
}
