import { describe, expect, it } from 'vitest';

import { parseCookieLines, parseSetCookieLines } from '../../../src/proxy/core/cookie-lines.js';

/** Cases for `$cookie_srv`: [lines, value from 1.29.6, value before 1.29.6]. */
const cases: [string[], string | undefined, string | undefined][] = [
  [['srv=abc'], 'abc', 'abc'],
  [['SRV=abc'], 'abc', 'abc'],
  [['a=1; srv=abc; b=2'], 'abc', 'abc'],
  [['srv = abc'], 'abc', 'abc'],
  [['srv=abc '], 'abc ', 'abc '],
  [['srv=first; srv=second'], 'first', 'first'],
  [['a=b, srv=abc'], undefined, 'abc'],
  [['srv=abc, a=b'], 'abc, a=b', 'abc, a=b'],
  [['srvx=1; srv=abc'], 'abc', 'abc'],
  [['xsrv=1'], undefined, undefined],
  [['srv;srv=abc'], undefined, undefined],
  [['srv='], '', ''],
  [['a=1', 'srv=abc'], 'abc', 'abc'],
  [['srv="abc"'], '"abc"', '"abc"'],
  [[], undefined, undefined],
];

describe('cookie lines', () => {
  for (const [lines, modern, legacy] of cases) {
    it(`parses ${JSON.stringify(lines)}`, () => {
      expect(parseCookieLines(lines, 'srv', false)).toBe(modern);
      expect(parseCookieLines(lines, 'srv', true)).toBe(legacy);
    });
  }
});

describe('set-cookie lines', () => {
  it('reads the first matching Set-Cookie', () => {
    expect(parseSetCookieLines(['a=1; path=/', 'SID = s1; path=/', 'sid=s2'], 'sid')).toBe('s1');
    expect(parseSetCookieLines(['sid'], 'sid')).toBeUndefined();
    expect(parseSetCookieLines(['sidx=1'], 'sid')).toBeUndefined();
  });
});
