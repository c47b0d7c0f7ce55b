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
import { chooseNginxForTarget, type NginxChoiceWording } from '../nginx/check-source.js';
import { resolveTarget } from '../spec/target.js';
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

/** Scenarios that run on one nginx build, chosen by the target of their specs. */
export interface ScenarioGroup {
  target: NginxTarget;
  scenarios: Scenario[];
  /** Reason a Docker image replaces the local binary; undefined when the local binary is used. */
  notice?: string;
}

/**
 * Chooses the nginx of each scenario from its spec's target.nginx when the
 * user named none, as `build --check` does: the local nginx when it is of
 * the target's major.minor line, else the h2sticky/nginx image of that line.
 * A spec without target.nginx, such as the bundled scenarios' specs, runs
 * on the local nginx and is compiled for its version. Scenarios whose specs
 * target the same version share one group, in the order they first appear.
 *
 * Raises EnvironmentError when no nginx of a target's line is available.
 * A spec with an invalid target runs on the local nginx, whose compile step
 * then reports the target as a problem of the spec.
 */
export async function groupScenariosByTarget(scenarios: readonly Scenario[], specs: ReadonlyMap<Scenario, ResolvedSpec>): Promise<ScenarioGroup[]> {
  const groups = new Map<string, ScenarioGroup>();
  const versions = new Map<string, string>();
  for (const scenario of scenarios) {
    const spec = specs.get(scenario);
    const resolved = spec?.document.target?.nginx === undefined ? undefined : resolveTarget(spec.document.target);
    const key = resolved !== undefined && 'target' in resolved ? `${resolved.target.edition} ${resolved.target.versionText}` : 'local';
    const known = groups.get(key);
    if (known) {
      known.scenarios.push(scenario);
      continue;
    }

    const chosen = await chooseTargetForSpec(spec, `run ${scenario.file}`, versions);
    groups.set(key, { ...chosen, scenarios: [scenario] });
  }
  return [...groups.values()];
}

/**
 * Chooses the nginx for one spec by its target, as groupScenariosByTarget
 * does; `task` names what fails without it, such as "run drain.yaml".
 * `versions` caches the version of each nginx source between calls.
 */
export async function chooseTargetForSpec(spec: ResolvedSpec | undefined, task: string, versions = new Map<string, string>()): Promise<{ target: NginxTarget; notice?: string }> {
  const resolved = spec?.document.target?.nginx === undefined ? undefined : resolveTarget(spec.document.target);
  const chosen = resolved !== undefined && 'target' in resolved ? await chooseNginxForTarget(resolved.target, diffWording(task, spec)) : { source: defaultNginxSource };
  const sourceKey = formatNginxSource(chosen.source);
  let version = versions.get(sourceKey);
  if (version === undefined) {
    version = (await readNginxBuildInfo(chosen.source)).version;
    versions.set(sourceKey, version);
  }
  return { target: { source: chosen.source, version }, ...(chosen.notice !== undefined ? { notice: chosen.notice } : {}) };
}

function diffWording(task: string, spec: ResolvedSpec | undefined): NginxChoiceWording {
  const specName = spec?.fileName ?? 'the spec';
  return {
    task,
    activity: 'running',
    subject: specName,
    pronoun: `its spec ${specName}`,
    searcher: 'diff',
    localOption: '--nginx local',
    localUse: 'run the local binary',
    imageOption: '--nginx docker:IMAGE',
    buildOptions: '--nginx local:PATH or --nginx docker:IMAGE',
    retarget: (localVersion) => `set target.nginx to "${localVersion}" in ${specName}`,
    targetOss: `set target.edition to "oss" in ${specName}`,
  };
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
