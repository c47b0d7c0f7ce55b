/**
 * Runs random scenarios with fast-check against one long-lived nginx and the
 * proxy, reloading both for each scenario. When one diverges, fast-check
 * shrinks it: every smaller candidate runs again, and the smallest one that
 * still diverges is written out as a scenario fixture.
 */

import { join } from 'node:path';

import fc from 'fast-check';
import { stringify } from 'yaml';

import type { ExplainedDifference } from '../explained.js';
import { NginxServer } from '../nginx-server.js';
import { InProcessProxy } from '../proxy-server.js';
import type { Plan } from '../../plan/types.js';
import { writeFileAtomic } from '../../util/atomic-write.js';
import { divergences, type ScenarioRunResult } from '../result.js';
import type { NginxTarget } from '../run.js';
import { loadScenarioText } from '../scenario/load.js';
import type { ServerUnderTest } from '../server-under-test.js';
import { DiffSession } from '../session.js';
import { countOf } from '../../util/plural.js';
import { BackendSet, type ResolvedSpec } from '../testbed.js';
import { buildRandomScenario, buildRandomSpec, scenarioArbitrary, type RandomScenarioShape } from './arbitrary.js';

export interface RandomRunOptions {
  count: number;
  seed: number;
  target: NginxTarget;
  explained: readonly ExplainedDifference[];
  /** A spec for every scenario; without it each scenario gets a generated spec. */
  spec?: ResolvedSpec;
  /** Directory that receives the shrunk scenario of a divergence. */
  shrunkDirectory: string;
  /** Most candidate runs while shrinking; past it the smallest divergent scenario so far is kept. */
  maxShrinkRuns?: number;
  createReference?: () => ServerUnderTest;
  render?: (plan: Plan) => string;
  onScenarioDone?: () => void;
}

export interface RandomRunOutcome {
  nginxVersion: string;
  /** Scenarios run before the first divergence, or all of them. */
  runs: number;
  requests: number;
  /**
   * The random runs as one result for the reports, named `N random scenarios (seed S)`:
   * passed when no scenario diverged. Its steps are empty, because the
   * scenarios of a passing run are not kept.
   */
  summary: ScenarioRunResult;
  failure?: {
    /** The run of the shrunk scenario. */
    result: ScenarioRunResult;
    /** Path of the scenario file written. */
    file: string;
    shrinks: number;
  };
}

const defaultMaxShrinkRuns = 200;

export async function runRandomScenarios(options: RandomRunOptions): Promise<RandomRunOutcome> {
  const session = new DiffSession({
    nginxVersion: options.target.version,
    servers: [
      new NginxServer({ source: options.target.source, version: options.target.version, ...(options.render ? { render: options.render } : {}) }),
      options.createReference?.() ?? new InProcessProxy(),
    ],
    explained: options.explained,
  });

  let runs = 0;
  let requests = 0;
  let shrinkRuns = 0;
  let failing: { result: ScenarioRunResult; text: string } | undefined;
  let sides: Pick<ScenarioRunResult, 'servers' | 'roles'> | undefined;
  const started = Date.now();
  const maxShrinkRuns = options.maxShrinkRuns ?? defaultMaxShrinkRuns;

  const property = fc.asyncProperty(scenarioArbitrary(options.spec === undefined), async (shape) => {
    if (failing !== undefined) {
      // Shrinking: stop trying candidates once the budget is spent, so the run ends in bounded time.
      if (++shrinkRuns > maxShrinkRuns) return true;
    } else {
      runs++;
    }

    const { text } = scenarioText(shape, options.spec, `random-seed-${options.seed}`);
    const loaded = loadScenarioText(text, 'random scenario');
    if (!loaded.scenario) throw new Error(`a generated scenario is invalid: ${loaded.problems.map((problem) => `${problem.pointer ?? ''} ${problem.message}`).join('; ')}`);

    const spec: ResolvedSpec = options.spec ?? { document: (loaded.scenario.spec as { document: ResolvedSpec['document'] }).document, fileName: 'random spec' };
    const result = await session.run(loaded.scenario, spec);
    sides ??= { servers: result.servers, roles: result.roles };
    if (failing === undefined) {
      requests += result.requestCount;
      options.onScenarioDone?.();
    }
    if (result.status === 'error') throw new Error(`a generated scenario did not run: ${result.reason ?? ''} ${result.problems.map((problem) => problem.message).join('; ')}`);

    const passed = divergences(result).length === 0;
    if (!passed) failing = { result, text };
    return passed;
  });

  const summaryOf = (status: ScenarioRunResult['status']): ScenarioRunResult => ({
    scenario: `${countOf(runs, 'random scenario')} (seed ${options.seed})`,
    file: '',
    nginxVersion: options.target.version,
    servers: sides?.servers ?? [`nginx ${options.target.version}`, 'h2sticky reference proxy'],
    roles: sides?.roles ?? ['nginx', 'proxy'],
    status,
    problems: [],
    steps: [],
    requestCount: requests,
    durationMs: Date.now() - started,
  });

  try {
    const details = await fc.check(property, { numRuns: options.count, seed: options.seed, endOnFailure: false });
    if (!details.failed || failing === undefined) {
      // A failure without a divergence is an exception inside a run, such as nginx rejecting a generated config.
      if (details.failed) throw details.errorInstance instanceof Error ? details.errorInstance : new Error(`random scenarios failed: ${String(details.errorInstance)}`);
      return { nginxVersion: options.target.version, runs, requests, summary: summaryOf('passed') };
    }

    const file = join(options.shrunkDirectory, `random-seed-${options.seed}-nginx-${options.target.version}.yaml`);
    await writeFileAtomic(file, failing.text);
    return {
      nginxVersion: options.target.version,
      runs,
      requests,
      summary: summaryOf('diverged'),
      failure: { result: { ...failing.result, scenario: `random-seed-${options.seed}`, file }, file, shrinks: details.numShrinks },
    };
  } finally {
    await session.close();
  }
}

/** Builds the scenario file text of a random shape. */
export function scenarioText(shape: RandomScenarioShape, spec: ResolvedSpec | undefined, name: string): { text: string } {
  const document = spec?.document ?? buildRandomSpec(shape.spec!);
  const backendNames = BackendSet.forSpec(document).names();
  const scenario = buildRandomScenario(name, shape.steps, backendNames, document);
  const header = '# A divergent scenario found by h2sticky diff --random and shrunk by fast-check.\n';
  return { text: `${header}${stringify(scenario)}` };
}
