/**
 * Generated valid specs compile deterministically to configs that real
 * `nginx -t` accepts, for each nginx feature level.
 */

import { resolve } from 'node:path';

import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';

import { compileSpecText } from '../../src/compile.js';
import { readNginxBuildInfo } from '../../src/nginx/runner/executor.js';
import { featureLevels } from '../../src/nginx/runner/images.js';
import type { NginxSource } from '../../src/nginx/runner/source.js';
import { openNginxChecker, type NginxChecker } from '../../src/nginx/runner/test-config.js';
import { versionInRange, type VersionRange } from '../../src/nginx/runner/version.js';
import { findLocalNginx, findNginxImageSource, useOrSkip, type Availability } from '../helpers/environment.js';
import { featuresOf, validSpec } from './spec-arbitrary.js';

const certificateDirectory = resolve('fixtures/tls');
const certificates = { certificate: `${certificateDirectory}/test.crt`, key: `${certificateDirectory}/test.key` };

const levels: { name: string; range: VersionRange; preferLocal: boolean; runs: number; seed: number }[] = [
  { name: 'before 1.25.1', range: featureLevels.listenHttp2, preferLocal: true, runs: 150, seed: 20261204 },
  { name: '1.25.1 to 1.29.5', range: featureLevels.http2Directive, preferLocal: false, runs: 100, seed: 20261205 },
  { name: '1.29.6 and later', range: featureLevels.nativeSticky, preferLocal: false, runs: 100, seed: 20261206 },
];

async function findSource(range: VersionRange, preferLocal: boolean): Promise<Availability<NginxSource>> {
  if (preferLocal) {
    const local = await findLocalNginx();
    if (local.available && versionInRange((await readNginxBuildInfo(local.value)).version, range)) return local;
  }
  return findNginxImageSource(range);
}

for (const level of levels) {
  describe(`generated specs for nginx ${level.name}`, () => {
    let found: Availability<NginxSource>;
    let checker: NginxChecker | undefined;

    beforeAll(async () => {
      found = await findSource(level.range, level.preferLocal);
      if (found.available) checker = await openNginxChecker({ source: found.value, mounts: [certificateDirectory] });
    });
    afterAll(async () => {
      await checker?.close();
    });

    it('compile deterministically and pass nginx -t', { timeout: 300_000 }, async (context) => {
      useOrSkip(context, found);
      const version = checker!.buildInfo.version;
      const features = featuresOf(version);

      await fc.assert(
        fc.asyncProperty(validSpec(features, certificates), async (spec) => {
          const text = stringify(spec);
          const first = compileSpecText(text, 'generated.yaml');
          const errors = first.problems.filter((problem) => problem.severity === 'error');
          expect(errors, text).toEqual([]);

          const second = compileSpecText(text, 'generated.yaml');
          expect(second.config).toBe(first.config);

          const result = await checker!.check({ config: first.config!, layout: 'full', fileName: 'generated.conf' });
          expect(result.ok, `nginx ${version} rejected the config for this spec:\n${text}\n${result.output}\n${first.config}`).toBe(true);
        }),
        { seed: level.seed, numRuns: level.runs, endOnFailure: true },
      );
    });
  });
}
