import { describe, expect, it } from 'vitest';

import { formatCookieDate, formatStickyCookie } from '../../src/plan/cookie.js';
import type { PlanStickyCookie } from '../../src/plan/types.js';

const full: PlanStickyCookie = {
  mode: 'cookie',
  name: 'srv',
  expires: 3600,
  domain: '.example.com',
  path: '/',
  httponly: true,
  secure: true,
  samesite: 'lax',
};

describe('sticky cookie', () => {
  it('formats dates with a two-digit year up to 2037', () => {
    expect(formatCookieDate(Date.UTC(2026, 11, 4, 21, 1, 7) / 1000)).toBe('Fri, 04-Dec-26 21:01:07 GMT');
    expect(formatCookieDate(Date.UTC(2037, 11, 31, 23, 55, 55) / 1000)).toBe('Thu, 31-Dec-37 23:55:55 GMT');
  });

  it('formats dates with a four-digit year after 2037', () => {
    expect(formatCookieDate(Date.UTC(2038, 0, 1, 0, 0, 0) / 1000)).toBe('Fri, 01-Jan-2038 00:00:00 GMT');
  });

  it('orders attributes as nginx does, with path last', () => {
    const now = Date.UTC(2026, 11, 4, 20, 1, 7) / 1000;
    expect(formatStickyCookie(full, '7f3797d6a7e152c9ae2760fc816c6014', now)).toBe(
      'srv=7f3797d6a7e152c9ae2760fc816c6014; expires=Fri, 04-Dec-26 21:01:07 GMT; max-age=3600; domain=.example.com; httponly; secure; samesite=lax; path=/',
    );
  });

  it('leaves out the date without a time of selection', () => {
    expect(formatStickyCookie(full, 'x')).toBe('srv=x; max-age=3600; domain=.example.com; httponly; secure; samesite=lax; path=/');
  });

  it('writes the fixed date for expires=max', () => {
    expect(formatStickyCookie({ mode: 'cookie', name: 'srv', expires: 'max', httponly: false, secure: false }, 'x')).toBe(
      'srv=x; expires=Thu, 31-Dec-37 23:55:55 GMT; max-age=315360000',
    );
  });

  it('writes a session cookie without expires', () => {
    expect(formatStickyCookie({ mode: 'cookie', name: 'srv', httponly: false, secure: false }, 'x', 0)).toBe('srv=x');
  });
});
