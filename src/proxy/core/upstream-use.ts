/**
 * One client request's use of an upstream block: nginx's retry logic from
 * ngx_http_upstream_connect(), ngx_http_upstream_next() and
 * ngx_http_upstream_test_next() (src/http/ngx_http_upstream.c, the same from
 * 1.22 to 1.31 for what is modelled here), with the sticky module's get and
 * free wrappers around the balancer.
 */

import type { PlanLocation } from '../../plan/types.js';
import type { StickyRequest } from './sticky.js';
import type { AttemptOutcome, BalancerRequest, Clock, FreeState, RuntimePeer, UpstreamStep, UpstreamUse } from './types.js';
import type { PlanUpstream } from '../../plan/types.js';

/** Failure types (NGX_HTTP_UPSTREAM_FT_*); only their distinctness matters. */
const ft = {
  error: 0x2,
  timeout: 0x4,
  invalidHeader: 0x8,
  http500: 0x10,
  http502: 0x20,
  http503: 0x40,
  http504: 0x80,
  http403: 0x100,
  http404: 0x200,
  http429: 0x400,
  noLive: 0x4000,
  nonIdempotent: 0x10000,
} as const;

/** The statuses ngx_http_upstream_test_next() may retry, with their failure type. */
const nextStatuses = new Map<number, number>([
  [500, ft.http500],
  [502, ft.http502],
  [503, ft.http503],
  [504, ft.http504],
  [403, ft.http403],
  [404, ft.http404],
  [429, ft.http429],
]);

const conditionFlags: Record<string, number> = {
  error: ft.error,
  timeout: ft.timeout,
  invalid_header: ft.invalidHeader,
  http_500: ft.http500,
  http_502: ft.http502,
  http_503: ft.http503,
  http_504: ft.http504,
  http_403: ft.http403,
  http_404: ft.http404,
  http_429: ft.http429,
  non_idempotent: ft.nonIdempotent,
  off: 0,
};

/** Builds the proxy_next_upstream bit mask of a location. */
export function nextUpstreamMask(location: PlanLocation): number {
  let mask = 0;
  for (const condition of location.nextUpstream.conditions) {
    const flag = conditionFlags[condition];
    if (flag === undefined) throw new Error(`unknown proxy_next_upstream condition "${condition}"`);
    mask |= flag;
  }
  return mask;
}

/** Returns the status nginx sends when it gives up after a failure of this type. */
function statusOf(type: number): number {
  switch (type) {
    case ft.timeout:
    case ft.http504:
      return 504;
    case ft.http500:
      return 500;
    case ft.http503:
      return 503;
    case ft.http403:
      return 403;
    case ft.http404:
      return 404;
    case ft.http429:
      return 429;
    default:
      return 502;
  }
}

/** POST, LOCK and PATCH are not retried once the request was sent, unless non_idempotent is set (nginx 1.9.13+). */
function nonIdempotent(method: string): boolean {
  return method === 'POST' || method === 'LOCK' || method === 'PATCH';
}

export interface UpstreamUseSettings {
  readonly clock: Clock;
  readonly upstream: PlanUpstream;
  readonly request: BalancerRequest;
  readonly sticky: StickyRequest | undefined;
  readonly location: PlanLocation;
  readonly mask: number;
  readonly method: string;
  readonly unbufferedBody: boolean;
  /** The Set-Cookie value for a final $upstream_addr (emulated affinity), or undefined when the block has none. */
  readonly emulatedSetCookie: ((upstreamAddr: string) => string) | undefined;
  /** Map variables the route defines for this request, such as the emulated select variable. */
  readonly routeVariables: ReadonlyMap<string, string> | undefined;
  readonly setCookieVariable: string | undefined;
}

const passStep: UpstreamStep = { kind: 'pass' };

export class UpstreamUseImpl implements UpstreamUse {
  readonly upstream: PlanUpstream;
  private readonly settings: UpstreamUseSettings;
  private readonly request: BalancerRequest;
  /** `u->peer.start_time`, for proxy_next_upstream_timeout. */
  private readonly startMs: number;
  /** $upstream_addr entries, one per attempt. */
  private readonly statePeers: string[] = [];
  /** $upstream_status entries; 0 prints as `-`. */
  private readonly stateStatuses: number[] = [];
  /** The peer of the current attempt until it is freed (`u->peer.sockaddr` in nginx). */
  private picked: RuntimePeer | undefined;
  private cookie: string | undefined;
  private finished = false;

  constructor(settings: UpstreamUseSettings) {
    this.settings = settings;
    this.upstream = settings.upstream;
    this.request = settings.request;
    this.startMs = settings.clock.nowMs();
    this.request.capTries(settings.location.nextUpstream.tries);
  }

  start(): UpstreamStep {
    if (this.statePeers.length > 0) throw new Error('start() was already called for this upstream use');
    return this.connect();
  }

  report(outcome: AttemptOutcome, requestSent: boolean): UpstreamStep {
    if (this.picked === undefined) throw new Error('report() without an attempt in progress');

    switch (outcome.kind) {
      case 'error':
        return this.next(ft.error, requestSent, outcome.cachedConnection);
      case 'timeout':
        return this.next(ft.timeout, requestSent, false);
      case 'invalid_header':
        return this.next(ft.invalidHeader, requestSent, false);
      case 'response':
        return this.testNext(outcome.status, requestSent);
    }
  }

  finish(): void {
    if (this.finished) return;
    this.finished = true;
    if (this.picked !== undefined) this.free('ok');
  }

  upstreamAddr(): string {
    return this.statePeers.join(', ');
  }

  upstreamStatus(): string {
    let text = '';
    for (let i = 0; i < this.stateStatuses.length; i++) {
      if (i > 0) text += ', ';
      const status = this.stateStatuses[i]!;
      text += status === 0 ? '-' : String(status);
    }
    return text;
  }

  setCookie(): string | undefined {
    const emulated = this.settings.emulatedSetCookie;
    if (emulated === undefined) return this.cookie;
    const value = emulated(this.upstreamAddr());
    return value === '' ? undefined : value;
  }

  variable(name: string): string | undefined {
    if (name === '$upstream_addr') return this.upstreamAddr();
    if (name === '$upstream_status') return this.upstreamStatus();
    if (name === this.settings.setCookieVariable) return this.setCookie() ?? '';
    return this.settings.routeVariables?.get(name);
  }

  /** ngx_http_upstream_connect(): a new state, then a pick; a busy balancer ends in next(NOLIVE). */
  private connect(): UpstreamStep {
    const index = this.statePeers.length;
    this.statePeers.push('');
    this.stateStatuses.push(0);

    const peer = this.get();
    if (peer === undefined) {
      this.statePeers[index] = this.upstream.name;
      return this.next(ft.noLive, false, false);
    }

    this.statePeers[index] = peer.name;
    this.picked = peer;
    return this.cookie === undefined ? { kind: 'attempt', peer } : { kind: 'attempt', peer, setCookie: this.cookie };
  }

  /** The sticky get wrapper around the balancer: the hint first, then the Set-Cookie of a successful pick. */
  private get(): RuntimePeer | undefined {
    const sticky = this.settings.sticky;
    const result = this.request.pick(sticky?.hint());
    if (result.kind === 'busy') return undefined;

    const cookie = sticky?.cookieFor(result.peer);
    if (cookie !== undefined) this.cookie = cookie;
    return result.peer;
  }

  /** The sticky free wrapper (learning on state 0), then the balancer's free. */
  private free(state: FreeState): void {
    const peer = this.picked!;
    this.picked = undefined;
    if (state === 'ok') this.settings.sticky?.learnOnFree(peer);
    this.request.release(state);
  }

  /** ngx_http_upstream_test_next(): retry a listed status only when another try is left and allowed. */
  private testNext(status: number, requestSent: boolean): UpstreamStep {
    this.stateStatuses[this.stateStatuses.length - 1] = status;

    const flag = status >= 300 ? nextStatuses.get(status) : undefined;
    if (flag !== undefined) {
      const needed = requestSent && nonIdempotent(this.settings.method) ? flag | ft.nonIdempotent : flag;
      if (
        this.request.tries > 1 &&
        (this.settings.mask & needed) === needed &&
        !(requestSent && this.settings.unbufferedBody) &&
        !this.timedOut()
      ) {
        return this.next(flag, requestSent, false);
      }
    }

    this.settings.sticky?.learnOnHeader(this.picked!);
    return passStep;
  }

  /**
   * ngx_http_upstream_next(): free the peer (FAILED, or NEXT for 403 and 404),
   * give a stale keepalive connection's try back, record the status, and
   * either try again or finalize with that status.
   */
  private next(type: number, requestSent: boolean, cachedConnection: boolean): UpstreamStep {
    if (this.picked !== undefined) this.free(type === ft.http403 || type === ft.http404 ? 'next' : 'failed');
    if (cachedConnection && type === ft.error) this.request.refundTry();

    const status = statusOf(type);
    this.stateStatuses[this.stateStatuses.length - 1] = status;

    let failure = type;
    if (requestSent && nonIdempotent(this.settings.method)) failure |= ft.nonIdempotent;

    if (
      this.request.tries === 0 ||
      (this.settings.mask & failure) !== failure ||
      (requestSent && this.settings.unbufferedBody) ||
      this.timedOut()
    ) {
      return { kind: 'error', status };
    }
    return this.connect();
  }

  private timedOut(): boolean {
    const timeout = this.settings.location.nextUpstream.timeoutMs;
    return timeout !== 0 && this.settings.clock.nowMs() - this.startMs >= timeout;
  }
}
