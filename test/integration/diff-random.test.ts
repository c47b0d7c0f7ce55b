/**
 * Random scenarios (fast-check, fixed seeds): 500 against nginx 1.29.6 or
 * later and the proxy with no unexplained divergence, and a broken renderer
 * whose divergence is shrunk and written out as a scenario file that
 * diverges again when run.
 */

import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, describe, expect, it } from 'vitest';

import { loadExplainedDifferences } from '../../src/diff/explained.js';
import { runRandomScenarios } from '../../src/diff/random/run.js';
import { formatTextReport } from '../../src/diff/report/text.js';
import { runScenarios } from '../../src/diff/run.js';
import { loadScenarioFile } from '../../src/diff/scenario/load.js';
import { readNginxBuildInfo } from '../../src/nginx/runner/executor.js';
import { featureLevels } from '../../src/nginx/runner/images.js';
import { createBrokenRenderer } from '../helpers/broken-templates.js';
import { findLocalNginx, findNginxImageSource, useOrSkip } from '../helpers/environment.js';

const shrunkDirectory = mkdtempSync(join(tmpdir(), 'h2sticky-shrunk-'));

afterAll(() => {
  rmSync(shrunkDirectory, { recursive: true, force: true });
});

describe('random scenarios', () => {
  it('show no divergence in 500 runs on native sticky', { timeout: 600_000 }, async (context) => {
    const source = useOrSkip(context, await findNginxImageSource(featureLevels.nativeSticky));
    const { version } = await readNginxBuildInfo(source);
    const outcome = await runRandomScenarios({
      count: 500,
      seed: 20261204,
      target: { source, version },
      explained: (await loadExplainedDifferences()).entries,
      shrunkDirectory,
    });

    const report = outcome.failure ? `${outcome.failure.file}\n${formatTextReport([outcome.failure.result])}` : '';
    expect(outcome.failure, report).toBeUndefined();
    expect(outcome.runs).toBe(500);
    expect(outcome.requests).toBeGreaterThan(1000);
  });

  it('shrink a divergence to a scenario that still diverges', { timeout: 300_000 }, async (context) => {
    const source = useOrSkip(context, await findLocalNginx());
    const { version } = await readNginxBuildInfo(source);
    const explained = (await loadExplainedDifferences()).entries;
    const broken = createBrokenRenderer();
    const render = broken.render;
    context.onTestFinished(() => broken.remove());

    const outcome = await runRandomScenarios({ count: 100, seed: 7, target: { source, version }, explained, shrunkDirectory, render, maxShrinkRuns: 60 });
    expect(outcome.failure).toBeDefined();
    const failure = outcome.failure!;
    expect(failure.shrinks).toBeGreaterThan(0);
    expect(readFileSync(failure.file, 'utf8')).toMatch(/^# A divergent scenario found by h2sticky diff --random/);

    const loaded = await loadScenarioFile(failure.file);
    expect(loaded.problems).toEqual([]);
    expect(loaded.scenario!.steps.length).toBeLessThanOrEqual(3);

    const [again] = await runScenarios({ scenarios: [loaded.scenario!], targets: [{ source, version }], explained, render });
    expect(again!.status).toBe('diverged');
  });
});
