/**
 * The harness must catch a renderer that is wrong. Here the upstream
 * template is broken on purpose (in a copy, for this test only): it leaves
 * out the last server of every upstream block, so nginx never balances to
 * it while the proxy, which reads the Plan, does.
 */

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { loadExplainedDifferences } from '../../src/diff/explained.js';
import { formatJunitReport } from '../../src/diff/report/junit.js';
import { formatTextReport } from '../../src/diff/report/text.js';
import { divergences } from '../../src/diff/result.js';
import { runScenarios } from '../../src/diff/run.js';
import { loadScenarioFile } from '../../src/diff/scenario/load.js';
import { readNginxBuildInfo } from '../../src/nginx/runner/executor.js';
import type { LocalNginxSource } from '../../src/nginx/runner/source.js';
import { createBrokenRenderer, type BrokenRenderer } from '../helpers/broken-templates.js';
import { findLocalNginx, useOrSkip, type Availability } from '../helpers/environment.js';

describe('a broken upstream template', () => {
  let broken: BrokenRenderer;
  let local: Availability<LocalNginxSource> | undefined;

  beforeAll(async () => {
    broken = createBrokenRenderer();
    local = await findLocalNginx();
  });

  afterAll(() => {
    broken.remove();
  });

  it('makes the diff fail with a readable report', async (context) => {
    const source = useOrSkip(context, local);
    const { version } = await readNginxBuildInfo(source);
    const loaded = await loadScenarioFile('fixtures/scenarios/weighted-round-robin.yaml');

    const results = await runScenarios({
      scenarios: [loaded.scenario!],
      targets: [{ source, version }],
      explained: (await loadExplainedDifferences()).entries,
      render: broken.render,
    });

    const [result] = results;
    expect(result!.status).toBe('diverged');
    const found = divergences(result!);
    expect(found.length).toBeGreaterThan(0);
    // Requests 1 and 2 go to app.1 on both; the third goes to app.2 only where app.2 exists.
    expect(found[0]!.step.index).toBe(2);
    expect(found[0]!.difference.field).toBe('backend');
    expect(found[0]!.difference.values).toEqual(['app.1', 'app.2']);

    const report = formatTextReport(results);
    expect(report).toContain('DIVERGED           weighted-round-robin on nginx');
    expect(report).toContain('the first is at step 3 (fixtures/scenarios/weighted-round-robin.yaml, /steps/2/request)');
    expect(report).toMatch(/^ {7}! backend +app\.1 +app\.2$/m);
    expect(report).toMatch(/^ {4}step 3 \(\/steps\/2\/request\): nginx failed expectation backend: expected "app\.2", got "app\.1" \(response: 200 app\.1\b[^)]*\)$/m);

    const junit = formatJunitReport(results);
    expect(junit).toContain('<failure message="');
    expect(junit).toContain('failures="1"');
  });
});
