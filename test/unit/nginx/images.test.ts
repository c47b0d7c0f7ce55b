import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { featureLevels, pickNginxImage, type NginxImage } from '../../../src/nginx/runner/images.js';
import { versionInRange } from '../../../src/nginx/runner/version.js';

const image = (version: string, suite?: string): NginxImage => ({
  image: `h2sticky/nginx:${version}`,
  version,
  id: version.replaceAll('.', ''),
  ...(suite !== undefined ? { suite } : {}),
});

const debianImages = [image('1.22.1', 'bookworm'), image('1.26.3', 'trixie'), image('1.30.6', 'sid')];

describe('pickNginxImage', () => {
  it('picks one image per feature level', () => {
    expect(pickNginxImage(debianImages, featureLevels.listenHttp2)?.suite).toBe('bookworm');
    expect(pickNginxImage(debianImages, featureLevels.http2Directive)?.suite).toBe('trixie');
    expect(pickNginxImage(debianImages, featureLevels.nativeSticky)?.suite).toBe('sid');
  });

  it('picks the newest in range', () => {
    const images = [image('1.29.6'), image('1.31.4'), image('1.30.6')];

    expect(pickNginxImage(images, featureLevels.nativeSticky)?.version).toBe('1.31.4');
    expect(pickNginxImage(images, { min: '1.29.6', below: '1.31.0' })?.version).toBe('1.30.6');
  });

  it('returns undefined when none fits', () => {
    expect(pickNginxImage([image('1.22.1')], featureLevels.nativeSticky)).toBeUndefined();
    expect(pickNginxImage([], {})).toBeUndefined();
  });
});

describe('featureLevels', () => {
  it('place every version in exactly one level', () => {
    const part = fc.integer({ min: 0, max: 40 });
    fc.assert(
      fc.property(fc.tuple(fc.constant(1), part, part), ([major, minor, patch]) => {
        const version = `${major}.${minor}.${patch}`;
        const levels = Object.values(featureLevels).filter((range) => versionInRange(version, range));
        expect(levels).toHaveLength(1);
      }),
      { seed: 20261204, numRuns: 500 },
    );
  });
});
