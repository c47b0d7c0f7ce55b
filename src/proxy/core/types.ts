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

import type { PlanEndpoint, PlanLocation, PlanPeer, PlanUpstream } from '../../plan/types.js';

/**
 * nginx's cached clock. Failure accounting reads whole seconds (ngx_time());
 * learn-mode sessions and proxy_next_upstream_timeout read milliseconds.
 */
export interface Clock {
  /** ngx_time(): whole seconds since the epoch. */
  nowSeconds(): number;
  /** Milliseconds since the epoch (ngx_timeofday() as sec * 1000 + msec); nowSeconds() is this value divided by 1000, rounded down. */
  nowMs(): number;
}

/** `down` values of a peer: 0 up, 1 down, 8 draining (NGX_HTTP_UPSTREAM_DRAINING, nginx 1.29.6 and later). */
export type PeerDown = 0 | 1 | 8;

/** Peer state as nginx keeps it per worker (or per zone). */
export interface RuntimePeer {
  readonly plan: PlanPeer;
  /** Peer name as in $upstream_addr: `ip:port`, `[ipv6]:port` or `unix:/path`. */
  readonly name: string;
  /** The address to connect to; host names are already resolved to an IP address. */
  readonly endpoint: PlanEndpoint;
  /** The `server` text as written in the config; hash consistent builds its ring from it. */
  readonly server: string;
  /** Sticky id: the route, or the lowercase hex MD5 of the name. */
  readonly sid: string;
  readonly weight: number;
  readonly maxFails: number;
  /** Seconds. */
  readonly failTimeout: number;
  /** 0 means no limit. */
  readonly maxConns: number;
  readonly down: PeerDown;
  currentWeight: number;
  effectiveWeight: number;
  /** Attempts in flight on this peer. */
  conns: number;
  fails: number;
  /** Seconds: the time of the last failure. */
  accessed: number;
  /** Seconds: the time of the last failure, or of the first pick after fail_timeout passed. */
  checked: number;
}

/** Per-request inputs that some balancers read. */
export interface BalanceInput {
  /** Client address as text (IPv4 or IPv6), for ip_hash; anything else hashes as nginx's pseudo address 0.0.0. */
  clientAddress: string;
  /** The evaluated `hash` key; when absent the core evaluates the Plan's key itself from the request. */
  hashKey?: string;
}

export type PickResult = { kind: 'peer'; peer: RuntimePeer } | { kind: 'busy' };

/** The state peer.free() receives for an attempt: NGX_PEER_FAILED, NGX_PEER_NEXT, or 0. */
export type FreeState = 'failed' | 'next' | 'ok';

/** One request's use of one balancer (nginx's peer.init, get and free). */
export interface BalancerRequest {
  /** Tries left (pc->tries). */
  readonly tries: number;
  /** The peer picked last, until it is released. */
  readonly current: RuntimePeer | undefined;
  /** nginx's peer.get with the sticky hint of this attempt, if any. */
  pick(hint: string | undefined): PickResult;
  /** nginx's peer.free for the peer picked last. */
  release(state: FreeState): void;
  /** A failed cached keepalive connection gives its try back (ngx_http_upstream_next(), `u->peer.cached`). */
  refundTry(): void;
  /** Applies proxy_next_upstream_tries (0 means no limit), as ngx_http_upstream_init_request() does after peer.init. */
  capTries(limit: number): void;
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
  /**
   * Connect failure, a send or read error before the header, or the backend
   * closed before a full header. `cachedConnection` is true when the attempt
   * reused an idle keepalive connection.
   */
  | { kind: 'error'; cachedConnection: boolean }
  /** Connect, send or read timeout before the header. */
  | { kind: 'timeout' }
  /** A malformed or too large response header. */
  | { kind: 'invalid_header' }
  /** A response header with this status arrived. */
  | { kind: 'response'; status: number };

/** What the network code does next for this upstream use. */
export type UpstreamStep =
  /**
   * Connect to this peer and send the request. `setCookie` is the sticky
   * Set-Cookie value written at this pick (native cookie mode), which replaces
   * the one of an earlier pick.
   */
  | { kind: 'attempt'; peer: RuntimePeer; setCookie?: string }
  /** Pass the backend's response (the last attempt's) to the client. */
  | { kind: 'pass' }
  /** Answer with an nginx-generated error page of this status (502, 504, ...). */
  | { kind: 'error'; status: number };

/** One client request's use of an upstream: picks, retries and the variables nginx logs. */
export interface UpstreamUse {
  /** The upstream block that serves the request (for emulated affinity, the block the cookie chose). */
  readonly upstream: PlanUpstream;
  /** The first step: an attempt, or an error when no peer is live. */
  start(): UpstreamStep;
  /**
   * Reports how the current attempt ended; returns the next step. `requestSent`
   * tells whether the request had started to go out (it matters for POST, LOCK
   * and PATCH, which are not retried once sent unless non_idempotent is set).
   * For learn mode, `$upstream_...` variables that `create=` names must already
   * return this attempt's response values when a response is reported.
   */
  report(outcome: AttemptOutcome, requestSent: boolean): UpstreamStep;
  /** Frees the peer of a passed response once the response is complete or aborted (state 0 in nginx). */
  finish(): void;
  /** $upstream_addr: attempts joined with ", ", the upstream name for a busy pick. */
  upstreamAddr(): string;
  /** $upstream_status: statuses joined with ", ", `-` where none. */
  upstreamStatus(): string;
  /**
   * The sticky Set-Cookie value the response carries: for native cookie mode
   * the one of the last pick, for emulated cookie affinity the value of the
   * Set-Cookie map on $upstream_addr. Undefined when there is none.
   */
  setCookie(): string | undefined;
  /**
   * Values of the variables the core defines for this request:
   * `$upstream_addr`, `$upstream_status` and the Plan's map variables (the
   * emulated select and Set-Cookie maps). Undefined for any other name.
   */
  variable(name: string): string | undefined;
}

/** Everything an UpstreamUse needs to know about the request. */
export interface UpstreamUseInput extends BalanceInput {
  method: string;
  /** The Cookie header lines of the request, in order (HTTP/2 crumbs already joined with "; "). */
  cookieHeaders: readonly string[];
  /**
   * Values of request variables that sticky route/learn modes and the hash
   * key read, such as `$arg_route` (the name is passed with its `$`).
   * `$cookie_NAME` is evaluated by the core from `cookieHeaders`.
   */
  variables: (name: string) => string | undefined;
  /** The request body is streamed to the backend without buffering (no retry once sent). The core sets it for gRPC locations itself. */
  unbufferedBody: boolean;
  location: PlanLocation;
}
