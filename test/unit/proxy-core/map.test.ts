import { describe, expect, it } from 'vitest';

import { compileMap } from '../../../src/proxy/core/map.js';
import { compilePcre } from '../../../src/proxy/core/pcre.js';

describe('map', () => {
  const map = compileMap({
    source: '$upstream_addr',
    variable: '$v',
    comment: '',
    defaultValue: 'none',
    entries: [
      { match: 'Exact', regex: false, value: 'exact' },
      { match: '(?:^|, )127\\.0\\.0\\.1:1(?:, [A-Za-z0-9_-]+)?$', regex: true, value: 'one' },
      { match: '^127', regex: true, value: 'loopback' },
    ],
  });

  it('compares exact keys without case', () => {
    expect(map.evaluate('exact')).toBe('exact');
    expect(map.evaluate('EXACT')).toBe('exact');
  });

  it('tries regexes in order', () => {
    expect(map.evaluate('127.0.0.1:2, 127.0.0.1:1')).toBe('one');
    expect(map.evaluate('127.0.0.1:1, app')).toBe('one');
    expect(map.evaluate('127.0.0.1:2')).toBe('loopback');
  });

  it('uses the default for no match and empty values', () => {
    expect(map.evaluate('10.0.0.1:1')).toBe('none');
    expect(map.evaluate('')).toBe('none');
  });
});

describe('pcre', () => {
  it('rejects constructs that differ from JavaScript', () => {
    expect(() => compilePcre('a++')).toThrow(/possessive/);
    expect(() => compilePcre('(?i)abc')).toThrow(/inline flags/);
    expect(() => compilePcre('\\Aabc')).toThrow(/PCRE-only/);
    expect(compilePcre('^[a-f0-9]{32}$').test('0123456789abcdef0123456789abcdef')).toBe(true);
  });
});
