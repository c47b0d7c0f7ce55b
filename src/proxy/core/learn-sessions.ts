import { createHash } from 'node:crypto';

/**
 * The sessions of `sticky learn` (nginx 1.29.6+): md5(session id) -> server
 * sid, with the time of the last learn. A session is valid while
 * `now < last + timeout` (nginx's timer deletes it at that moment); lookups
 * do not refresh it. When the zone is full, the oldest session goes first
 * (ngx_http_upstream_sticky_sess_expire() with force).
 *
 * NOTE: nginx's timer fires a few milliseconds after the expiry moment, so a
 * lookup in that gap can still find a session this model already dropped.
 */
export class LearnSessions {
  /** Sessions by key, oldest `last` first: a learn moves its session to the end. */
  private readonly sessions = new Map<string, { sid: string; last: number }>();

  constructor(
    /** Milliseconds; a reload that keeps the zone may change it. */
    public timeoutMs: number,
    /** The number of sessions the zone can store, an estimate from estimateLearnCapacity(). */
    readonly capacity: number,
  ) {}

  get size(): number {
    return this.sessions.size;
  }

  /** Returns the server sid stored for a session id, if the session has not expired. */
  lookup(sessionId: string, nowMs: number): string | undefined {
    this.expire(nowMs);
    return this.sessions.get(sessionKey(sessionId))?.sid;
  }

  /**
   * ngx_http_upstream_sticky_learn_peer(): an existing session moves to `sid`
   * and gets `last = now`; a missing one is created only when `create` is
   * true (the id came from a create= variable).
   */
  learn(sessionId: string, create: boolean, sid: string, nowMs: number): void {
    this.expire(nowMs);
    const key = sessionKey(sessionId);
    const existing = this.sessions.get(key);
    if (existing !== undefined) {
      this.sessions.delete(key);
      existing.sid = sid;
      existing.last = nowMs;
      this.sessions.set(key, existing);
      return;
    }
    if (!create) return;

    if (this.sessions.size >= this.capacity) this.evictOldest(nowMs);
    if (this.sessions.size >= this.capacity) return;
    this.sessions.set(key, { sid, last: nowMs });
  }

  /** Drops every session whose `last + timeout` has come. */
  private expire(nowMs: number): void {
    for (const [key, session] of this.sessions) {
      if (session.last + this.timeoutMs > nowMs) return;
      this.sessions.delete(key);
    }
  }

  /** Removes the oldest session, then any other that expired, as nginx's forced expiry of a full zone does. */
  private evictOldest(nowMs: number): void {
    const oldest = this.sessions.keys().next();
    if (!oldest.done) this.sessions.delete(oldest.value);
    this.expire(nowMs);
  }
}

function sessionKey(sessionId: string): string {
  return createHash('md5').update(sessionId, 'latin1').digest('hex');
}

/** Bytes per page of nginx's slab allocator on x86-64 and arm64 Linux. */
const pageSize = 4096;
/** sizeof(ngx_slab_page_t) on 64-bit. */
const slabPageHeader = 24;
/** The slab pool header, slots and statistics before the page array (about 700 bytes on 64-bit with 4 KiB pages). */
const slabPoolOverhead = 700;
/** A session node (about 144 bytes on 64-bit) takes a 256-byte slab chunk, 16 to a page. */
const sessionsPerPage = pageSize / 256;
/** Pages taken by the zone's own small allocations: the shared trees (128-byte chunks) and the log context (64-byte chunks). */
const reservedPages = 2;

/**
 * Estimates how many sessions a learn zone of `sizeBytes` holds: the pages
 * ngx_slab_init() makes, less two for the zone's own allocations, at 16
 * sessions a page. For 1m that is 4032, in line with the "about 4000 sessions
 * per megabyte" of nginx's documentation.
 *
 * NOTE: an estimate from the 64-bit structure sizes; it has not been checked
 * by filling a zone on a running nginx.
 */
export function estimateLearnCapacity(sizeBytes: number): number {
  const pages = Math.floor((sizeBytes - slabPoolOverhead) / (pageSize + slabPageHeader));
  const arrayEnd = slabPoolOverhead + pages * slabPageHeader;
  const firstPage = Math.ceil(arrayEnd / pageSize) * pageSize;
  const usable = Math.min(pages, Math.floor((sizeBytes - firstPage) / pageSize));
  return Math.max(0, (usable - reservedPages) * sessionsPerPage);
}

/** Parses an nginx size such as `1m`, `64k` or `32768` into bytes. */
export function parseNginxSize(text: string): number {
  const match = /^(\d+)([kKmMgG]?)$/.exec(text);
  if (!match) throw new Error(`invalid zone size "${text}"`);
  const scale = { '': 1, k: 1024, m: 1024 * 1024, g: 1024 * 1024 * 1024 }[match[2]!.toLowerCase() as '' | 'k' | 'm' | 'g'];
  return Number(match[1]) * scale;
}
