/**
 * Location matching as nginx does it (ngx_http_core_find_location(),
 * ngx_http_core_find_static_location()), and the URI normalization it runs
 * on (ngx_http_parse_complex_uri()).
 */

import type { PlanLocation } from '../plan/types.js';

export type UriResult = { ok: true; uri: string } | { ok: false; reason: string };

/**
 * Normalizes the path of a request target as nginx does before matching:
 * percent-escapes decoded, repeated slashes merged (merge_slashes on), and
 * "." and ".." segments resolved. A ".." above the root, a malformed escape
 * or a decoded NUL byte makes the request invalid, which nginx answers 400.
 */
export function normalizeUri(path: string): UriResult {
  if (!path.startsWith('/')) return { ok: false, reason: 'the path does not start with "/"' };

  let decoded = path;
  if (path.includes('%')) {
    const bytes: number[] = [];
    for (let index = 0; index < path.length; index++) {
      const code = path.charCodeAt(index);
      if (code !== 0x25) {
        bytes.push(code);
        continue;
      }
      const hex = path.slice(index + 1, index + 3);
      if (!/^[0-9A-Fa-f]{2}$/.test(hex)) return { ok: false, reason: `invalid percent-escape "%${hex}"` };
      const value = Number.parseInt(hex, 16);
      if (value === 0) return { ok: false, reason: 'the path contains an escaped NUL byte' };
      bytes.push(value);
      index += 2;
    }
    decoded = Buffer.from(bytes).toString('latin1');
  }
  if (!decoded.includes('//') && !decoded.includes('/.')) return { ok: true, uri: decoded };

  const segments: string[] = [];
  const parts = decoded.split('/');
  for (let index = 1; index < parts.length; index++) {
    const segment = parts[index]!;
    const last = index === parts.length - 1;
    if (segment === '' && !last) continue;
    if (segment === '.') {
      if (last) segments.push('');
      continue;
    }
    if (segment === '..') {
      if (segments.length === 0) return { ok: false, reason: 'the path leaves the root with ".."' };
      segments.pop();
      if (last) segments.push('');
      continue;
    }
    segments.push(segment);
  }
  return { ok: true, uri: `/${segments.join('/')}` };
}

export type LocationResult =
  | { kind: 'location'; location: PlanLocation }
  /** nginx's 301 to the prefix with its slash, for a location ending in "/" whose module passes requests. */
  | { kind: 'redirect'; location: PlanLocation; path: string }
  | { kind: 'none' };

/** A server's locations, prepared for matching. */
export class LocationTable {
  private readonly exact = new Map<string, PlanLocation>();
  private readonly prefixes: PlanLocation[];
  private readonly regexes: { pattern: RegExp; location: PlanLocation }[] = [];

  constructor(locations: readonly PlanLocation[]) {
    const prefixes: PlanLocation[] = [];
    for (const location of locations) {
      if (location.match === '=') this.exact.set(location.path, location);
      else if (location.match === '' || location.match === '^~') prefixes.push(location);
      else this.regexes.push({ pattern: new RegExp(location.path, location.match === '~*' ? 'i' : ''), location });
    }
    // Longest first, so the first prefix that matches is the longest one.
    this.prefixes = prefixes.sort((a, b) => b.path.length - a.path.length);
  }

  /**
   * Finds the location for a normalized URI: an exact match; else the
   * longest prefix, final when it is `^~`; else the first regex in config
   * order; else the longest prefix.
   */
  match(uri: string): LocationResult {
    const exact = this.exact.get(uri);
    if (exact) return { kind: 'location', location: exact };

    // ngx_http_core_find_static_location() returns NGX_DONE for a slash-ended location requested without its slash; that skips the regexes.
    const redirect = this.exact.get(`${uri}/`) ?? this.prefixes.find((location) => location.path === `${uri}/`);
    if (redirect) return { kind: 'redirect', location: redirect, path: redirect.path };

    const prefix = this.prefixes.find((location) => uri.startsWith(location.path));
    if (prefix?.match === '^~') return { kind: 'location', location: prefix };

    for (const { pattern, location } of this.regexes) {
      if (pattern.test(uri)) return { kind: 'location', location };
    }
    if (prefix) return { kind: 'location', location: prefix };
    return { kind: 'none' };
  }
}
