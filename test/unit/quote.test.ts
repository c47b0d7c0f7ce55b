import { describe, expect, it } from 'vitest';

import { mapKey, nginxArgument, nginxQuoted, UnsafeValueError } from '../../src/nginx/quote.js';

describe('nginx quoting', () => {
  it('leaves plain words bare', () => {
    expect(nginxArgument('127.0.0.1:9001')).toBe('127.0.0.1:9001');
    expect(nginxArgument('$host')).toBe('$host');
  });

  it.each([
    ['', '""'],
    ['a b', '"a b"'],
    ['a;b', '"a;b"'],
    ['a}b', '"a}b"'],
    ['a"b', '"a\\"b"'],
    ["a'b", '"a\'b"'],
    ['a\\b', '"a\\\\b"'],
    ['#x', '"#x"'],
  ])('quotes %j as %s', (value, quoted) => {
    expect(nginxArgument(value)).toBe(quoted);
  });

  it.each(['a\nb', 'a\rb', 'a\u0000b', 'a\tb'])('refuses control characters in %j', (value) => {
    expect(() => nginxArgument(value)).toThrow(UnsafeValueError);
    expect(() => nginxQuoted(value)).toThrow(UnsafeValueError);
  });

  it('writes regex map keys with a tilde inside quotes', () => {
    expect(mapKey('^abc$', true)).toBe('"~^abc$"');
  });

  it('escapes map keys that nginx treats as parameters', () => {
    expect(mapKey('default', false)).toBe('"\\\\default"');
    expect(mapKey('', false)).toBe('""');
  });
});
