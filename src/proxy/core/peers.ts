import { isIPv4, isIPv6 } from 'node:net';

import { InputError } from '../../problems.js';
import { formatIPv6, parseIPv6, stickyId } from '../../plan/peer-name.js';
import type { PlanEndpoint, PlanPeer, PlanUpstream } from '../../plan/types.js';
import type { PeerDown, RuntimePeer } from './types.js';

/**
 * Resolves a host name of a `server` line to IP addresses, in the order
 * nginx would use them. nginx resolves names once when it loads the config.
 */
export type HostResolver = (host: string, port: number) => readonly string[];

/** One peer list of an upstream block: the primary servers or the backup servers (ngx_http_upstream_rr_peers_t). */
export interface PeerList {
  readonly peers: readonly RuntimePeer[];
  /** Sum of the weights of every peer, down ones included. */
  readonly totalWeight: number;
  /** Number of peers whose `down` is 0; drained peers do not count. */
  readonly tries: number;
  /** True for a primary list of exactly one peer in a block without backup peers. */
  readonly single: boolean;
  /** The upstream block's name, which $upstream_addr shows when nothing can be picked. */
  readonly name: string;
  /** The backup list, on the primary list only. */
  readonly next: PeerList | undefined;
}

const downValues: Record<PlanPeer['state'], PeerDown> = { up: 0, down: 1, drain: 8 };

/**
 * Builds the primary and backup peer lists of an upstream block in config
 * order, as ngx_http_upstream_init_round_robin() does. A host name expands to
 * one peer per resolved address, each with the server line's parameters.
 */
export function buildPeerLists(upstream: PlanUpstream, resolve?: HostResolver): PeerList {
  const primary = upstream.peers.filter((peer) => !peer.backup).flatMap((peer) => expandPeer(upstream, peer, resolve));
  const backup = upstream.peers.filter((peer) => peer.backup).flatMap((peer) => expandPeer(upstream, peer, resolve));

  const next = backup.length > 0 ? makeList(backup, upstream.name, false, undefined) : undefined;
  return makeList(primary, upstream.name, primary.length === 1 && next === undefined, next);
}

function makeList(peers: RuntimePeer[], name: string, single: boolean, next: PeerList | undefined): PeerList {
  let totalWeight = 0;
  let tries = 0;
  for (const peer of peers) {
    totalWeight += peer.weight;
    if (peer.down === 0) tries++;
  }
  return { peers, totalWeight, tries, single, name, next };
}

function expandPeer(upstream: PlanUpstream, plan: PlanPeer, resolve: HostResolver | undefined): RuntimePeer[] {
  const endpoint = plan.endpoint;
  if (endpoint.kind === 'unix' || endpoint.family !== 'hostname') {
    return [createPeer(plan, endpoint, plan.name!)];
  }

  const addresses = resolve?.(endpoint.host, endpoint.port) ?? [];
  if (addresses.length === 0) {
    const message = `host not found in upstream "${plan.address}" of upstream "${upstream.name}"`;
    const fix = resolve === undefined ? 'pass a host resolver to the proxy core, or write the server as an IP address' : 'check the host name, or write the server as an IP address';
    throw new InputError([{ code: 'proxy.host-not-found', severity: 'error', message, hint: fix }], message);
  }

  return addresses.map((address) => {
    const family = isIPv4(address) ? 4 : isIPv6(address) ? 6 : undefined;
    if (family === undefined) throw new Error(`the host resolver returned "${address}" for ${endpoint.host}, which is not an IP address`);
    const name = family === 4 ? `${address}:${endpoint.port}` : `[${formatIPv6(parseIPv6(address))}]:${endpoint.port}`;
    return createPeer(plan, { kind: 'tcp', host: address, port: endpoint.port, family }, name);
  });
}

function createPeer(plan: PlanPeer, endpoint: PlanEndpoint, name: string): RuntimePeer {
  return {
    plan,
    name,
    endpoint,
    server: plan.address,
    sid: stickyId(name, plan.route),
    weight: plan.weight,
    maxFails: plan.maxFails,
    failTimeout: Math.floor(plan.failTimeoutMs / 1000),
    maxConns: plan.maxConns,
    down: downValues[plan.state],
    currentWeight: 0,
    effectiveWeight: plan.weight,
    conns: 0,
    fails: 0,
    accessed: 0,
    checked: 0,
  };
}
