/**
 * The shop affinity suite with the reference proxy in place of nginx: a
 * target with native sticky (1.30.6) and two with emulated sticky (1.22.1,
 * whose plain port serves only h2c, and 1.26.3).
 */

import { describe, expect } from 'vitest';

import { startProxy } from '../helpers/proxy.js';
import { shopAffinitySuite } from './shop-affinity.js';

const targets = [
  { version: '1.30.6', nativeSticky: true },
  { version: '1.26.3', nativeSticky: false },
  { version: '1.22.1', nativeSticky: false },
];

for (const target of targets) {
  describe(`shop on the proxy as nginx ${target.version}`, () => {
    shopAffinitySuite(async (environment) => {
      const proxy = await startProxy(environment.specText, target.version, 'warn');
      const app = proxy.plan.upstreams.find((upstream) => upstream.name === 'app')!;
      expect(app.sticky?.mode === 'cookie').toBe(target.nativeSticky);
      return { stop: () => proxy.stop() };
    });
  });
}
