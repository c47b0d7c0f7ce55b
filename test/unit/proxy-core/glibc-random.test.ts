import { describe, expect, it } from 'vitest';

import { GlibcRandom, nginxWorkerSeed } from '../../../src/proxy/core/glibc-random.js';

/** The first outputs of srandom(seed) then random(), taken from Debian 12's glibc 2.36 through Python's ctypes. */
const glibcOutputs: [number, number[]][] = [
  [1, [1804289383, 846930886, 1681692777, 1714636915, 1957747793, 424238335]],
  [12345, [383100999, 858300821, 357768173, 455528251, 133005921, 116285904]],
  [0xdeadbeef, [352217057, 918588210, 499345174, 513054021, 248820349, 2113718833]],
  // srandom(0) seeds with 1.
  [0, [1804289383, 846930886, 1681692777, 1714636915, 1957747793, 424238335]],
];

describe('glibc random', () => {
  for (const [seed, expected] of glibcOutputs) {
    it(`matches glibc for seed ${seed}`, () => {
      const random = new GlibcRandom(seed);
      expect(Array.from({ length: expected.length }, () => random.next())).toEqual(expected);
    });
  }

  it('builds the nginx worker seed', () => {
    // ((unsigned) pid << 16) ^ sec ^ msec, truncated to 32 bits.
    expect(nginxWorkerSeed(7, 1_796_419_076, 512)).toBe(((7 << 16) ^ 1_796_419_076 ^ 512) >>> 0);
    expect(nginxWorkerSeed(70_000, 0, 0)).toBe((70_000 * 65_536) % 2 ** 32);
    expect(nginxWorkerSeed(1, 2 ** 32 + 5, 0)).toBe((1 << 16) ^ 5);
  });
});
