import { describe, expect, it } from 'vitest';

import { formatIPv6, parseIPv6, parseServerAddress, peerName, stickyId } from '../../src/plan/peer-name.js';

function nameOf(text: string): string | undefined {
  const address = parseServerAddress(text);
  if (typeof address === 'string') throw new Error(address);
  return peerName(address);
}

describe('peer names', () => {
  // Sticky ids observed from nginx's native sticky cookie on these server lines.
  it.each([
    ['127.0.0.1:18081', '127.0.0.1:18081', '7f3797d6a7e152c9ae2760fc816c6014'],
    ['[::1]:18085', '[::1]:18085', 'e5efcb99f193adfa8077f7191ee5ef5a'],
    ['unix:/tmp/ngxtest/b.sock', 'unix:/tmp/ngxtest/b.sock', 'ac2543d8759bc3df6c553a41b87d8060'],
  ])('%s hashes like nginx', (address, name, sid) => {
    expect(nameOf(address)).toBe(name);
    expect(stickyId(name)).toBe(sid);
  });

  it('adds the default port 80', () => {
    expect(nameOf('10.0.0.1')).toBe('10.0.0.1:80');
  });

  it('prefers the route over the address hash', () => {
    expect(stickyId('127.0.0.1:80', 'a1')).toBe('a1');
  });

  it('leaves host names unresolved', () => {
    expect(nameOf('app1.internal:8080')).toBeUndefined();
  });

  it.each([
    ['2001:db8:0:0:1:0:0:1', '2001:db8::1:0:0:1'],
    ['2001:0db8:0000:0000:0000:0000:0000:0001', '2001:db8::1'],
    ['1::', '1::'],
    ['::', '::'],
    ['::ffff:10.0.0.1', '::ffff:10.0.0.1'],
    ['::10.1.2.3', '::10.1.2.3'],
    ['::0.0.0.1', '::1'],
    // Seven zero groups print dotted only when byte 14 is not 0 and byte 15 is not 1.
    ['::0.0.2.2', '::0.0.2.2'],
    ['::0.0.1.1', '::101'],
    ['::0.0.0.2', '::2'],
    ['1:0:0:2:0:0:0:3', '1:0:0:2::3'],
    ['1:0:0:2:0:0:3:4', '1::2:0:0:3:4'],
    ['FE80::ABCD', 'fe80::abcd'],
  ])('formats IPv6 %s as %s', (input, output) => {
    expect(formatIPv6(parseIPv6(input))).toBe(output);
  });

  it.each([
    ['127.0.0.1:99999', 'port'],
    ['256.0.0.1:80', 'IPv4'],
    ['[::g]:80', 'IPv6'],
    ['::1:80', 'brackets'],
    ['unix:tmp/x.sock', 'absolute'],
  ])('rejects %s', (input, reason) => {
    const result = parseServerAddress(input);
    expect(typeof result).toBe('string');
    expect(result as string).toContain(reason);
  });
});
