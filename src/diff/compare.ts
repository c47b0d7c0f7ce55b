/**
 * Compares the observations of one request on two servers under test,
 * field by field. Each difference names its field the way the
 * explained-differences file refers to it: `status`, `error`, `backend`,
 * `tried`, `cookies`, `cookies[NAME].value` (also `.binds`, `.lifetime`,
 * `.attributes`, `.expiresIn`), `headers.NAME`, `received` and `body`.
 */

import { isDeepStrictEqual } from 'node:util';

import type { CookieObservation, Observation } from './observation.js';

export interface Difference {
  field: string;
  /** The values on the first and the second server under test; undefined where one has none. */
  values: [unknown, unknown];
}

/**
 * Expires dates are written at the moment each server picks a peer, so two
 * servers that pick a second apart write dates a second apart. Seconds.
 */
export const expiresToleranceSeconds = 2;

export function compareObservations(first: Observation, second: Observation): Difference[] {
  const differences: Difference[] = [];
  const check = (field: string, left: unknown, right: unknown) => {
    if (!isDeepStrictEqual(left, right)) differences.push({ field, values: [left, right] });
  };

  check('status', first.status, second.status);
  check('error', first.error, second.error);
  check('backend', first.backend, second.backend);
  check('tried', first.tried, second.tried);
  compareCookies(first.cookies, second.cookies, differences);

  const headerNames = [...new Set([...Object.keys(first.headers), ...Object.keys(second.headers)])].sort();
  for (const name of headerNames) check(`headers.${name}`, first.headers[name], second.headers[name]);

  check('received', first.received, second.received);
  check('body', first.body, second.body);
  return differences;
}

function compareCookies(first: CookieObservation[], second: CookieObservation[], differences: Difference[]): void {
  const names = (cookies: CookieObservation[]) => cookies.map((cookie) => cookie.name);
  if (!isDeepStrictEqual(names(first), names(second))) {
    differences.push({ field: 'cookies', values: [names(first), names(second)] });
    return;
  }

  for (const [index, left] of first.entries()) {
    const right = second[index]!;
    const field = `cookies[${left.name}]`;
    for (const key of ['value', 'binds', 'lifetime', 'attributes'] as const) {
      if (!isDeepStrictEqual(left[key], right[key])) differences.push({ field: `${field}.${key}`, values: [left[key], right[key]] });
    }

    const leftExpires = left.expiresIn;
    const rightExpires = right.expiresIn;
    const bothDated = leftExpires !== undefined && rightExpires !== undefined;
    if (bothDated ? Math.abs(leftExpires - rightExpires) > expiresToleranceSeconds : leftExpires !== rightExpires) {
      differences.push({ field: `${field}.expiresIn`, values: [leftExpires, rightExpires] });
    }
  }
}
