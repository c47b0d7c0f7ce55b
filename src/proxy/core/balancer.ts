import type { PlanUpstream } from '../../plan/types.js';
import type { RandomSource } from './glibc-random.js';
import { buildChashRing, ConsistentHashRequest, HashRequest, type ChashPoint } from './hash.js';
import { IpHashRequest } from './ip-hash.js';
import { LeastConnRequest } from './least-conn.js';
import { buildPeerLists, type HostResolver, type PeerList } from './peers.js';
import { buildRandomRanges, RandomRequest } from './random.js';
import { RoundRobinRequest, type BalancerContext } from './round-robin.js';
import type { BalanceInput, BalancerRequest, Clock, UpstreamBalancer } from './types.js';

export interface BalancerOptions {
  clock: Clock;
  /** The worker's random() generator, shared by every random balancer of the process. */
  random: RandomSource;
  resolve?: HostResolver;
}

/** A balancer with its peer lists, which show `single`, `tries` and the total weight as nginx computes them. */
export interface CoreUpstreamBalancer extends UpstreamBalancer {
  readonly lists: PeerList;
}

/**
 * Creates the balancer of one upstream block with fresh peer state, as nginx
 * has after it loads a config: the block's method decides how each request
 * picks, and every method shares round robin's lists and failure accounting.
 */
export function createUpstreamBalancer(upstream: PlanUpstream, options: BalancerOptions): CoreUpstreamBalancer {
  const primary = buildPeerLists(upstream, options.resolve);
  const context: BalancerContext = { clock: options.clock, primary };
  const start = requestFactory(upstream, context, options.random);

  return {
    upstream,
    primary: primary.peers,
    backup: primary.next?.peers ?? [],
    lists: primary,
    startRequest: start,
  };
}

function requestFactory(upstream: PlanUpstream, context: BalancerContext, random: RandomSource): (input: BalanceInput) => BalancerRequest {
  const balancer = upstream.balancer;
  switch (balancer.method) {
    case 'round_robin':
      return (input) => new RoundRobinRequest(context, input);
    case 'least_conn':
      return (input) => new LeastConnRequest(context, input);
    case 'ip_hash':
      return (input) => new IpHashRequest(context, input);
    case 'hash': {
      if (!balancer.consistent) return (input) => new HashRequest(context, input);
      const ring: readonly ChashPoint[] = buildChashRing(context.primary);
      return (input) => new ConsistentHashRequest(context, input, ring);
    }
    case 'random': {
      const ranges = buildRandomRanges(context.primary);
      return (input) => new RandomRequest(context, input, ranges, random, balancer.two);
    }
  }
}
