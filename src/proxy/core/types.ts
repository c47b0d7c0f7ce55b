/**
 * The decision core of the reference proxy: balancers, sticky hints and the
 * retry rules of one upstream use, all free of I/O. The proxy's network code
 * asks the core which peer to try, performs the attempt, and reports the
 * outcome; the core decides, as nginx does, whether to try again and what to
 * answer. The same core replays recorded nginx sequences in the conformance
 * tests, with a simulated clock.
 *
 * Names follow nginx's (ngx_http_upstream_round_robin.h, ngx_http_upstream.c):
 * `weight`, `effectiveWeight`, `currentWeight`, `conns`, `maxConns`, `fails`,
 * `maxFails`, `failTimeout`, `accessed`, `checked`, `down`, `sid`.
 */

import type { PlanLocation, PlanPeer, PlanUpstream } from '../../plan/types.js';

/** nginx's cached clock: whole seconds for failure accounting, milliseconds for timeouts and learn mode. */
export interface Clock {
  /** ngx_time(): whole seconds. */
  nowSeconds(): number;
  /** ngx_current_msec. */
  nowMs(): number;
}

/** Peer state as nginx keeps it per worker (or per zone). */
export interface RuntimePeer {
  readonly plan: PlanPeer;
  /** Peer name as in $upstream_addr: `ip:port`, `[ipv6]:port` or `unix:/path`. */
  readonly name: string;
  /** Sticky id: route or MD5 of the name. */
  readonly sid: string;
  readonly weight: number;
  readonly maxFails: number;
  /** Seconds. */
  readonly failTimeout: number;
  readonly maxConns: number;
  /** 0 up, 1 down, 8 draining (NGX_HTTP_UPSTREAM_DRAINING). */
  readonly down: 0 | 1 | 8;
  currentWeight: number;
  effectiveWeight: number;
  conns: number;
  fails: number;
  /** Seconds. */
  accessed: number;
  /** Seconds. */
  checked: number;
}

/** Per-request inputs that some balancers read. */
export interface BalanceInput {
  /** Client address as text (IPv4 or IPv6), for ip_hash. */
  clientAddress: string;
  /** The evaluated `hash` key, for hash and hash consistent. */
  hashKey?: string;
}

export type PickResult = { kind: 'peer'; peer: RuntimePeer } | { kind: 'busy' };

/** How an attempt ended, as nginx's peer.free() sees it. */
export type FreeState = 'failed' | 'next' | 'ok';

/** One request's use of one balancer (nginx's peer.init, get and free). */
export interface BalancerRequest {
  /** Tries left (pc->tries). */
  readonly tries: number;
  /** nginx's peer.get with the sticky hint of this attempt, if any. */
  pick(hint: string | undefined): PickResult;
  /** nginx's peer.free for the peer picked last. */
  release(state: FreeState): void;
  /** A failed cached keepalive connection gives its try back (ngx_http_upstream_next(), `u->peer.cached`). */
  refundTry(): void;
}

/** One upstream block's balancer with its peer state. */
export interface UpstreamBalancer {
  readonly upstream: PlanUpstream;
  readonly primary: readonly RuntimePeer[];
  readonly backup: readonly RuntimePeer[];
  startRequest(input: BalanceInput): BalancerRequest;
}

/** How an upstream attempt ended, as ngx_http_upstream_next() classifies it. */
export type AttemptOutcome =
  /** Connect failure, a send or read error before the header, or the backend closed before a full header. */
  | { kind: 'error'; cachedConnection: boolean }
  /** Connect, send or read timeout before the header. */
  | { kind: 'timeout' }
  /** A malformed or too large response header. */
  | { kind: 'invalid_header' }
  /** A response header with this status arrived. */
  | { kind: 'response'; status: number };

/** What the network code does next for this upstream use. */
export type UpstreamStep =
  /** Connect to this peer and send the request; `setCookie` is the sticky Set-Cookie written at this pick. */
  | { kind: 'attempt'; peer: RuntimePeer; setCookie?: string }
  /** Pass the backend's response (the last attempt's) to the client. */
  | { kind: 'pass' }
  /** Answer with an nginx-generated error page of this status (502, 504, ...). */
  | { kind: 'error'; status: number };

/** One client request's use of an upstream: picks, retries and the variables nginx logs. */
export interface UpstreamUse {
  /** The first step: an attempt, or an error when no peer is live. */
  start(): UpstreamStep;
  /**
   * Reports how the current attempt ended; returns the next step. `requestSent`
   * tells whether the request had started to go out (it matters for POST, LOCK
   * and PATCH, which are not retried once sent unless non_idempotent is set).
   */
  report(outcome: AttemptOutcome, requestSent: boolean): UpstreamStep;
  /** Frees the peer of a passed response once the response is complete (state 0 in nginx). */
  finish(): void;
  /** $upstream_addr: attempts joined with ", ", the upstream name for a busy pick. */
  upstreamAddr(): string;
  /** $upstream_status: statuses joined with ", ", `-` where none. */
  upstreamStatus(): string;
  /** The Set-Cookie value the response carries (native sticky), the one of the last pick. */
  setCookie(): string | undefined;
}

/** Everything an UpstreamUse needs to know about the request. */
export interface UpstreamUseInput extends BalanceInput {
  method: string;
  /** The Cookie header lines of the request, in order (HTTP/2 crumbs already joined with "; "). */
  cookieHeaders: readonly string[];
  /** Values of request variables that sticky route/learn modes read, such as `$arg_route`. */
  variables: (name: string) => string | undefined;
  /** The request body is streamed to the backend without buffering (no retry once sent). */
  unbufferedBody: boolean;
  location: PlanLocation;
}
