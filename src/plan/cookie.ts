import type { PlanStickyCookie } from './types.js';

/** The fixed `expires` text nginx writes for `expires=max` (2145916555 seconds after the epoch). */
export const maxExpiresText = 'Thu, 31-Dec-37 23:55:55 GMT';
/** The `max-age` nginx writes for `expires=max`: ten years. */
export const maxExpiresMaxAge = 315_360_000;

const weekdays = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/**
 * Formats a time as nginx's cookie date, `Wdy, DD-Mon-YY HH:MM:SS GMT`: the
 * year has two digits up to 2037 and four after (ngx_http_cookie_time() in
 * src/core/ngx_times.c).
 */
export function formatCookieDate(epochSeconds: number): string {
  const date = new Date(epochSeconds * 1000);
  const year = date.getUTCFullYear();
  const pad = (value: number) => String(value).padStart(2, '0');
  const yearText = year > 2037 ? String(year) : pad(year % 100);
  return `${weekdays[date.getUTCDay()]}, ${pad(date.getUTCDate())}-${months[date.getUTCMonth()]}-${yearText} ${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())} GMT`;
}

/**
 * Builds the Set-Cookie value of a sticky cookie with nginx's attribute order:
 * expires and max-age, domain, httponly, secure, samesite, and path last
 * (ngx_http_upstream_sticky_cookie_insert(), nginx 1.29.6 and later).
 *
 * `nowSeconds` is the time of peer selection; without it the `expires` date
 * is left out and only `max-age` is written, as the emulation for older nginx
 * must do because nginx cannot compute a date in a map. `expires=max` has a
 * fixed date and is always written in full.
 */
export function formatStickyCookie(cookie: PlanStickyCookie, sid: string, nowSeconds?: number): string {
  const parts = [`${cookie.name}=${sid}`];
  if (cookie.expires === 'max') {
    parts.push(`expires=${maxExpiresText}`, `max-age=${maxExpiresMaxAge}`);
  } else if (cookie.expires !== undefined) {
    if (nowSeconds !== undefined) parts.push(`expires=${formatCookieDate(nowSeconds + cookie.expires)}`);
    parts.push(`max-age=${cookie.expires}`);
  }
  if (cookie.domain !== undefined) parts.push(`domain=${cookie.domain}`);
  if (cookie.httponly) parts.push('httponly');
  if (cookie.secure) parts.push('secure');
  if (cookie.samesite !== undefined) parts.push(`samesite=${cookie.samesite}`);
  if (cookie.path !== undefined) parts.push(`path=${cookie.path}`);
  return parts.join('; ');
}
