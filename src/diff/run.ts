/**
 * Runs scenarios on one or more nginx builds, each against the reference
 * proxy: one diff session per nginx build, reused (with reloads) for every
 * scenario.
 */

import { EnvironmentError, InputError, type Problem } from '../problems.js';
import { readNginxBuildInfo } from '../nginx/runner/executor.js';
import { listNginxImages } from '../nginx/runner/images.js';
import { defaultNginxSource, formatNginxSource, type NginxSource } from '../nginx/runner/source.js';
import type { Plan } from '../plan/types.js';
import type { ExplainedDifference } from './explained.js';
import { NginxServer } from './nginx-server.js';
import { InProcessProxy } from './proxy-server.js';
import type { ScenarioRunResult } from './result.js';
import type { Scenario } from './scenario/types.js';
import type { ServerUnderTest } from './server-under-test.js';
import { DiffSession } from './session.js';
import { BackendSet, resolveScenarioSpec, type ResolvedSpec } from './testbed.js';
import { bindScenario } from './bind.js';

/** One nginx build to test. */
export interface NginxTarget {
  source: NginxSource;
  version: string;
}

/**
 * Finds the nginx builds to test: the given source (the local nginx when
 * none is given), or an h2sticky/nginx image per version of a version list.
 * A source given together with versions must run exactly that one version,
 * because a Plan compiled for one version cannot test another. Otherwise
 * this raises InputError with what to change.
 */
export async function resolveNginxTargets(source: NginxSource | undefined, versions: readonly string[] | undefined): Promise<NginxTarget[]> {
  if (versions === undefined || versions.length === 0) {
    const chosen = source ?? defaultNginxSource;
    const { version } = await readNginxBuildInfo(chosen);
    return [{ source: chosen, version }];
  }
  if (source !== undefined) return [await checkSourceVersion(source, versions)];

  const images = await listNginxImages();
  return versions.map((version) => {
    const image = images.find((candidate) => candidate.version === version);
    if (!image) {
      const present = images.map((candidate) => candidate.version).join(', ') || 'none';
      throw new EnvironmentError(`no h2sticky/nginx image with nginx ${version} (images present: ${present})`, 'run scripts/nginx-images.sh as root to build the images, or pass versions that exist');
    }
    return { source: { kind: 'docker', image: image.image }, version };
  });
}

async function checkSourceVersion(source: NginxSource, versions: readonly string[]): Promise<NginxTarget> {
  const named = formatNginxSource(source);
  if (versions.length > 1) {
    throw new InputError(
      [
        {
          code: 'diff.nginx-with-versions',
          severity: 'error',
          message: `--nginx ${named} names one nginx, but --nginx-version names ${versions.length} versions (${versions.join(', ')})`,
          hint: 'leave out --nginx to run each version in its h2sticky/nginx:VERSION image, or pass one version that matches that nginx',
        },
      ],
      'invalid options; nothing was run',
    );
  }

  const [wanted] = versions as [string];
  const { version } = await readNginxBuildInfo(source);
  if (version === wanted) return { source, version };
  throw new InputError(
    [
      {
        code: 'diff.nginx-version-mismatch',
        severity: 'error',
        message: `--nginx-version ${wanted} does not match nginx ${version} of --nginx ${named}`,
        hint: `leave out --nginx-version to test nginx ${version}, or leave out --nginx to run nginx ${wanted} in its h2sticky/nginx:${wanted} image`,
      },
    ],
    'invalid options; nothing was run',
  );
}

export interface RunScenariosOptions {
  scenarios: readonly Scenario[];
  /** A spec that replaces each scenario's own. */
  spec?: ResolvedSpec;
  targets: readonly NginxTarget[];
  explained: readonly ExplainedDifference[];
  /** The reference side; by default the proxy in this process. */
  createReference?: () => ServerUnderTest;
  /** Replaces the renderer of the nginx side, for tests that break it on purpose. */
  render?: (plan: Plan) => string;
  onScenarioStart?: (scenario: Scenario, target: NginxTarget) => void;
  onRequestsDone?: (count: number) => void;
}

/**
 * Runs every scenario on every target. Raises InputError when a scenario's
 * spec cannot be read, and EnvironmentError when nginx or Docker is missing.
 */
export async function runScenarios(options: RunScenariosOptions): Promise<ScenarioRunResult[]> {
  const { specs, problems } = await resolveScenarioSpecs(options.scenarios, options.spec);
  if (problems.length > 0) throw new InputError(problems, 'a scenario does not fit its spec');

  const results: ScenarioRunResult[] = [];
  for (const target of options.targets) {
    const session = new DiffSession({
      nginxVersion: target.version,
      servers: [
        new NginxServer({ source: target.source, version: target.version, ...(options.render ? { render: options.render } : {}) }),
        options.createReference?.() ?? new InProcessProxy(),
      ],
      explained: options.explained,
      ...(options.onRequestsDone ? { onRequestsDone: options.onRequestsDone } : {}),
    });
    try {
      for (const scenario of options.scenarios) {
        options.onScenarioStart?.(scenario, target);
        results.push(await session.run(scenario, specs.get(scenario)!));
      }
    } finally {
      await session.close();
    }
  }
  return results;
}

/**
 * Finds the spec of each scenario and checks the scenario against it: the
 * backends it names and a listener for each connection. Returns the specs
 * found and every problem of every scenario, so that all are reported before
 * anything runs.
 */
export async function resolveScenarioSpecs(scenarios: readonly Scenario[], override?: ResolvedSpec): Promise<{ specs: Map<Scenario, ResolvedSpec>; problems: Problem[] }> {
  const specs = new Map<Scenario, ResolvedSpec>();
  const problems: Problem[] = [];
  for (const scenario of scenarios) {
    const resolved = await resolveScenarioSpec(scenario, override);
    problems.push(...resolved.problems);
    if (!resolved.spec) continue;

    specs.set(scenario, resolved.spec);
    problems.push(...bindScenario(scenario, resolved.spec.document, BackendSet.forSpec(resolved.spec.document).names()).problems);
  }
  return { specs, problems };
}

export function describeTarget(target: NginxTarget): string {
  return `nginx ${target.version} (${formatNginxSource(target.source)})`;
}

/** Number of requests a scenario sends, for progress. */
export function requestCount(scenario: Scenario): number {
  let count = 0;
  for (const step of scenario.steps) {
    if (step.kind === 'request') count += 1;
    if (step.kind === 'streams') count += step.requests.length;
  }
  return count;
}
