/**
 * The sticky module of nginx 1.29.6+ (ngx_http_upstream_sticky_module.c)
 * around a balancer: the request's id from the lookup variables, the hint of
 * each pick, the Set-Cookie of cookie mode, and learning in learn mode.
 */

import { formatStickyCookie } from '../../plan/cookie.js';
import type { PlanSticky, PlanStickyCookie } from '../../plan/types.js';
import type { VariableLookup } from './complex-value.js';
import type { LearnSessions } from './learn-sessions.js';
import type { Clock, RuntimePeer } from './types.js';

/** The sticky configuration of one upstream block, with its learn zone. */
export type StickyRuntime =
  | { mode: 'cookie'; cookie: PlanStickyCookie; lookup: readonly string[] }
  | { mode: 'route'; lookup: readonly string[] }
  | { mode: 'learn'; lookup: readonly string[]; create: readonly string[]; header: boolean; sessions: LearnSessions };

export function stickyRuntime(sticky: PlanSticky, sessions: (zone: { name: string; size: string }, timeoutMs: number) => LearnSessions): StickyRuntime {
  switch (sticky.mode) {
    case 'cookie':
      return { mode: 'cookie', cookie: sticky, lookup: [`$cookie_${sticky.name}`] };
    case 'route':
      return { mode: 'route', lookup: sticky.variables };
    case 'learn':
      return { mode: 'learn', lookup: sticky.lookup, create: sticky.create, header: sticky.header, sessions: sessions(sticky.zone, sticky.timeoutMs) };
  }
}

/** ngx_http_upstream_sticky_get_id(): the first lookup variable that is found and not empty. */
function firstNonEmpty(names: readonly string[], lookup: VariableLookup): string | undefined {
  for (const name of names) {
    const value = lookup(name);
    if (value !== undefined && value.length > 0) return value;
  }
  return undefined;
}

/** One request's sticky state (ngx_http_upstream_sticky_peer_data_t). */
export class StickyRequest {
  /** The id read at request start: a server sid (cookie, route) or a session id (learn). */
  private readonly id: string | undefined;

  constructor(
    private readonly runtime: StickyRuntime,
    private readonly lookup: VariableLookup,
    private readonly clock: Clock,
  ) {
    this.id = firstNonEmpty(runtime.lookup, lookup);
  }

  /** Returns the hint of a pick: the id itself, or in learn mode the sid stored for its session. */
  hint(): string | undefined {
    if (this.id === undefined) return undefined;
    if (this.runtime.mode !== 'learn') return this.id;
    return this.runtime.sessions.lookup(this.id, this.clock.nowMs());
  }

  /** Cookie mode's Set-Cookie for the peer just picked, with `expires` counted from the pick time. */
  cookieFor(peer: RuntimePeer): string | undefined {
    if (this.runtime.mode !== 'cookie') return undefined;
    return formatStickyCookie(this.runtime.cookie, peer.sid, this.clock.nowSeconds());
  }

  /** Learn mode without `header` learns when an attempt is freed with state 0. */
  learnOnFree(peer: RuntimePeer): void {
    if (this.runtime.mode === 'learn' && !this.runtime.header) this.learn(peer);
  }

  /** Learn mode with `header` learns when the response header is accepted. */
  learnOnHeader(peer: RuntimePeer): void {
    if (this.runtime.mode === 'learn' && this.runtime.header) this.learn(peer);
  }

  /** ngx_http_upstream_sticky_learn_peer(): a create= id makes or moves a session; else the lookup id only moves one. */
  private learn(peer: RuntimePeer): void {
    if (this.runtime.mode !== 'learn') return;

    const created = firstNonEmpty(this.runtime.create, this.lookup);
    if (created !== undefined) {
      this.runtime.sessions.learn(created, true, peer.sid, this.clock.nowMs());
    } else if (this.id !== undefined) {
      this.runtime.sessions.learn(this.id, false, peer.sid, this.clock.nowMs());
    }
  }
}
