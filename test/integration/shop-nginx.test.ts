/**
 * The shop spec compiled for each nginx feature level and served by real
 * nginx: the local binary below 1.25.1 (Debian 12's 1.22.1), and images for
 * 1.25.1 up to 1.29.6 (emulated sticky, "http2 on") and for 1.29.6 and later
 * (native sticky).
 */

import { describe, expect } from 'vitest';

import { compileSpecText } from '../../src/compile.js';
import { readNginxBuildInfo } from '../../src/nginx/runner/executor.js';
import { featureLevels } from '../../src/nginx/runner/images.js';
import type { NginxSource } from '../../src/nginx/runner/source.js';
import { startNginx } from '../../src/nginx/runner/start.js';
import { versionInRange, type VersionRange } from '../../src/nginx/runner/version.js';
import { findLocalNginx, findNginxImageSource, useOrSkip, type Availability } from '../helpers/environment.js';
import { shopAffinitySuite } from './shop-affinity.js';

interface Level {
  name: string;
  range: VersionRange;
  /** Prefer the local binary when its version is in range. */
  preferLocal: boolean;
  nativeSticky: boolean;
}

const levels: Level[] = [
  { name: 'before 1.25.1', range: featureLevels.listenHttp2, preferLocal: true, nativeSticky: false },
  { name: '1.25.1 to 1.29.5', range: featureLevels.http2Directive, preferLocal: false, nativeSticky: false },
  { name: '1.29.6 and later', range: featureLevels.nativeSticky, preferLocal: false, nativeSticky: true },
];

async function findSource(level: Level): Promise<Availability<{ source: NginxSource; version: string }>> {
  if (level.preferLocal) {
    const local = await findLocalNginx();
    if (local.available) {
      const { version } = await readNginxBuildInfo(local.value);
      if (versionInRange(version, level.range)) return { available: true, value: { source: local.value, version } };
    }
  }
  const image = await findNginxImageSource(level.range);
  if (!image.available) return image;
  const { version } = await readNginxBuildInfo(image.value);
  return { available: true, value: { source: image.value, version } };
}

for (const level of levels) {
  describe(`shop on nginx ${level.name}`, () => {
    shopAffinitySuite(async (environment, context) => {
      const { source, version } = useOrSkip(context, await findSource(level));
      const result = compileSpecText(environment.specText, 'shop.yaml', { target: { nginxVersion: version } });
      expect(result.problems.filter((problem) => problem.severity === 'error')).toEqual([]);
      const config = result.config!;

      if (level.nativeSticky) {
        expect(config).toMatch(/^\s+sticky cookie srv_id /m);
      } else {
        expect(config).not.toMatch(/^\s+sticky /m);
        expect(config).toContain('map $cookie_srv_id $h2s_app_upstream');
      }

      const running = await startNginx({
        source,
        config,
        layout: 'full',
        fileName: 'shop.conf',
        ports: [environment.tlsPort, environment.plainPort],
        mounts: [environment.certificateDirectory],
      });
      return { stop: () => running.stop() };
    });
  });
}
