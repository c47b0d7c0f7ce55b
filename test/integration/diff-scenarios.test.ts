/**
 * Every scenario in fixtures/scenarios on nginx 1.22.1, 1.26.3 and 1.30.6
 * in Docker (one image per feature level), each in lockstep with the
 * reference proxy. A run passes with no unexplained difference and no failed
 * expectation.
 */

import { readdirSync } from 'node:fs';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { loadExplainedDifferences, type ExplainedDifference } from '../../src/diff/explained.js';
import { formatTextReport } from '../../src/diff/report/text.js';
import { divergences } from '../../src/diff/result.js';
import { loadScenarioFile } from '../../src/diff/scenario/load.js';
import type { Scenario } from '../../src/diff/scenario/types.js';
import { DiffSession } from '../../src/diff/session.js';
import { NginxServer } from '../../src/diff/nginx-server.js';
import { InProcessProxy } from '../../src/diff/proxy-server.js';
import { resolveScenarioSpec } from '../../src/diff/testbed.js';
import { featureLevels } from '../../src/nginx/runner/images.js';
import { readNginxBuildInfo } from '../../src/nginx/runner/executor.js';
import type { NginxSource } from '../../src/nginx/runner/source.js';
import { versionInRange, type VersionRange } from '../../src/nginx/runner/version.js';
import { findLocalNginx, findNginxImageSource, useOrSkip, type Availability } from '../helpers/environment.js';

const scenarioDirectory = 'fixtures/scenarios';
const scenarioFiles = readdirSync(scenarioDirectory)
  .filter((name) => name.endsWith('.yaml'))
  .sort();

interface Level {
  name: string;
  range: VersionRange;
  preferLocal: boolean;
}

const levels: Level[] = [
  { name: 'before 1.25.1', range: featureLevels.listenHttp2, preferLocal: false },
  { name: '1.25.1 to 1.29.5', range: featureLevels.http2Directive, preferLocal: false },
  { name: '1.29.6 and later', range: featureLevels.nativeSticky, preferLocal: false },
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

let explained: ExplainedDifference[] = [];
const scenarios = new Map<string, Scenario>();

beforeAll(async () => {
  explained = (await loadExplainedDifferences()).entries;
  for (const file of scenarioFiles) {
    const loaded = await loadScenarioFile(`${scenarioDirectory}/${file}`);
    expect(loaded.problems).toEqual([]);
    scenarios.set(file, loaded.scenario!);
  }
});

it('has at least 15 scenarios', () => {
  expect(scenarioFiles.length).toBeGreaterThanOrEqual(15);
});

for (const level of levels) {
  describe(`scenarios on nginx ${level.name} and the proxy`, () => {
    let found: Availability<{ source: NginxSource; version: string }> | undefined;
    let session: DiffSession | undefined;

    beforeAll(async () => {
      found = await findSource(level);
      if (!found.available) return;
      session = new DiffSession({
        nginxVersion: found.value.version,
        servers: [new NginxServer(found.value), new InProcessProxy()],
        explained,
      });
    });

    afterAll(async () => {
      await session?.close();
    });

    for (const file of scenarioFiles) {
      const name = file.replace(/\.yaml$/, '');
      it(name, async (context) => {
        useOrSkip(context, found);
        const scenario = scenarios.get(file)!;
        const spec = await resolveScenarioSpec(scenario);
        const result = await session!.run(scenario, spec.spec!);
        const report = formatTextReport([result]);

        if (result.status === 'not-applicable') {
          expect(versionInRange(result.nginxVersion, scenario.nginx), report).toBe(false);
          return;
        }
        expect(result.problems, report).toEqual([]);
        expect(result.requestCount, report).toBeGreaterThan(0);

        expect(divergences(result), report).toEqual([]);
        expect(result.status, report).toBe('passed');
      });
    }
  });
}

/**
 * The smallest scenarios that show where the proxy still differs from nginx.
 * Each must keep diverging; when one stops, the proxy was fixed and the
 * fixture belongs in fixtures/scenarios. The folder may be empty, and
 * vitest rejects a suite without tests, so the suite exists only when a
 * scenario does.
 */
const divergenceDirectory = `${scenarioDirectory}/proxy-divergences`;
const divergenceFiles = readdirSync(divergenceDirectory).filter((name) => name.endsWith('.yaml')).sort();

describe.runIf(divergenceFiles.length > 0)('known proxy divergences on native sticky', () => {
  let found: Availability<{ source: NginxSource; version: string }> | undefined;
  let session: DiffSession | undefined;

  beforeAll(async () => {
    found = await findSource(levels[2]!);
    if (!found.available) return;
    session = new DiffSession({ nginxVersion: found.value.version, servers: [new NginxServer(found.value), new InProcessProxy()], explained, responseTimeoutMs: 3000 });
  });

  afterAll(async () => {
    await session?.close();
  });

  for (const file of divergenceFiles) {
    it(file.replace(/\.yaml$/, ''), async (context) => {
      useOrSkip(context, found);
      const loaded = await loadScenarioFile(`${divergenceDirectory}/${file}`);
      expect(loaded.problems).toEqual([]);
      const spec = await resolveScenarioSpec(loaded.scenario!);
      const result = await session!.run(loaded.scenario!, spec.spec!);
      expect(result.status, `the proxy no longer diverges on ${file}; move it to ${scenarioDirectory}\n${formatTextReport([result])}`).toBe('diverged');
    });
  }
});
