import { resolve } from 'node:path';

import { loadExplainedDifferences, type ExplainedDifference } from '../diff/explained.js';
import { formatJsonReport } from '../diff/report/json.js';
import { formatJunitReport } from '../diff/report/junit.js';
import { formatMatrix } from '../diff/report/matrix.js';
import { ProgressBar } from '../diff/report/progress.js';
import { formatTextReport } from '../diff/report/text.js';
import { divergences, type ScenarioRunResult } from '../diff/result.js';
import { chooseTargetForSpec, groupScenariosByTarget, requestCount, resolveNginxTargets, resolveScenarioSpecs, runScenarios, type NginxTarget, type ScenarioGroup } from '../diff/run.js';
import { loadScenarioPaths } from '../diff/scenario/files.js';
import { loadSpecDocument, type ResolvedSpec } from '../diff/testbed.js';
import { runRandomScenarios } from '../diff/random/run.js';
import { parseNginxSource } from '../nginx/runner/source.js';
import { ExitCode, type ExitCodeValue, type Problem } from '../problems.js';
import { writeFileAtomic } from '../util/atomic-write.js';
import { countOf } from '../util/plural.js';
import { defineCommand, type CliIO } from './command.js';
import { printProblems } from './report.js';
import { invalidOptionValue, namingNginxOptions, numberOptionError } from './shared-options.js';
import { parseVersion, supportedRangeText, unsupportedReason } from '../nginx/version.js';

const formats = ['text', 'json', 'junit'] as const;

export const diffCommand = defineCommand({
  command: 'diff [spec]',
  describe: 'Send the same HTTP/2 traffic through real nginx and the reference proxy, and report every difference',
  builder: (yargs) =>
    yargs
      .positional('spec', { type: 'string', describe: "spec file (YAML or JSON); replaces each scenario's own spec" })
      .option('scenario', {
        alias: 's',
        type: 'string',
        array: true,
        describe: 'scenario file, or a directory of them (repeatable)',
      })
      // No `type: 'number'` for --random and --seed: yargs would turn a non-number into NaN, and the check quotes the value as written.
      .option('random', { requiresArg: true, describe: 'generate and run this many random scenarios instead (fast-check); a divergent one is shrunk and written out' })
      .option('seed', { requiresArg: true, describe: 'seed of --random, so the same scenarios come back (default 1)' })
      .option('nginx', {
        type: 'string',
        describe:
          'nginx to test: "local" (nginx on PATH), "local:/path/to/nginx" or "docker:IMAGE", such as docker:h2sticky/nginx:1.30.6. Default: per scenario, the local nginx when it is of the major.minor line that the spec\'s target.nginx names, else the h2sticky/nginx image of that line',
      })
      .option('nginx-version', {
        type: 'string',
        describe:
          'comma-separated nginx versions, each run in its h2sticky/nginx:VERSION image; prints one table for all, such as 1.22.1,1.26.3,1.30.6. With --nginx, one version that must match that nginx',
      })
      .option('format', { choices: formats, default: 'text' as (typeof formats)[number], describe: 'report on standard output: text, json or junit (JUnit XML)' })
      .option('json', { type: 'string', describe: 'also write the JSON report to this file' })
      .option('junit', { type: 'string', describe: 'also write the JUnit XML report to this file, for CI' })
      .option('explained', { type: 'string', describe: 'an explained-differences file used in addition to the one h2sticky ships (assets/diff/explained-differences.yaml)' })
      .option('shrunk-dir', { type: 'string', default: 'diff-failures', describe: 'directory where --random writes the shrunk scenario of a divergence' })
      .conflicts('random', 'scenario')
      .check((args) => checkDiffOptions(args))
      .example('$0 diff --scenario fixtures/scenarios/', 'run every bundled scenario against the local nginx')
      .example('$0 diff shop.yaml -s my-scenario.yaml --nginx docker:h2sticky/nginx:1.30.6', 'your spec and scenario on nginx 1.30.6 in Docker')
      .example('$0 diff -s fixtures/scenarios/drain.yaml --nginx-version 1.22.1,1.26.3,1.30.6', 'one scenario on three nginx versions, as one table')
      .example('$0 diff --random 200 --seed 7 --nginx docker:h2sticky/nginx:1.30.6', '200 random scenarios; a divergence is shrunk into diff-failures/'),
  run: async (args, io) =>
    namingNginxOptions({ binary: '--nginx local:PATH', image: '--nginx docker:IMAGE' }, async () => {
      if (args.scenario === undefined && args.random === undefined) {
        io.err('h2sticky: name scenarios with --scenario FILE|DIR, or generate them with --random N\n');
        return ExitCode.invalidInput;
      }

      const explained = await loadExplained(args.explained, io);
      if (!explained) return ExitCode.invalidInput;

      let spec: ResolvedSpec | undefined;
      if (args.spec !== undefined) {
        const loaded = await loadSpecDocument(resolve(io.cwd, args.spec));
        printProblems(io, loaded.problems);
        if (!loaded.spec) return ExitCode.invalidInput;
        spec = loaded.spec;
      }

      const versions = args['nginx-version']?.split(',').map((version) => version.trim()).filter((version) => version !== '');
      const chooseBySpec = args.nginx === undefined && (versions === undefined || versions.length === 0);

      if (args.random !== undefined) {
        const targets = chooseBySpec && spec ? await targetsOfSpec(io, spec) : await resolveNginxTargets(args.nginx === undefined ? undefined : parseNginxSource(args.nginx), versions);
        return runRandom(io, { count: Number(args.random), seed: args.seed === undefined ? 1 : Number(args.seed), spec, targets, explained, shrunkDirectory: resolve(io.cwd, args['shrunk-dir']) }, args);
      }

      const loaded = await loadScenarioPaths((args.scenario ?? []).map((path) => resolve(io.cwd, path)));
      // Every scenario is checked against its spec too, from its valid parts when it has problems, so that one run lists every problem.
      const checked = await resolveScenarioSpecs([...loaded.scenarios, ...loaded.partial], spec);
      const problems = [...loaded.problems, ...checked.problems];
      printProblems(io, problems.map((problem) => relativeProblem(problem, io.cwd)));
      if (problems.length > 0 || loaded.scenarios.length === 0) {
        io.err(loaded.scenarios.length === 0 && problems.length === 0 ? 'h2sticky: no scenario files found\n' : 'h2sticky: the scenarios are invalid; nothing was run\n');
        return ExitCode.invalidInput;
      }
      const scenarios = loaded.scenarios.map((scenario) => ({ ...scenario, file: relativePath(scenario.file, io.cwd) }));

      // Without --nginx and --nginx-version each scenario runs on the nginx of its spec's target; otherwise every scenario runs on every named nginx.
      let groups: ScenarioGroup[];
      if (chooseBySpec) {
        groups = await groupScenariosByTarget(scenarios, (await resolveScenarioSpecs(scenarios, spec)).specs);
        for (const group of groups) if (group.notice !== undefined) io.err(`note: ${group.notice}\n`);
      } else {
        const targets = await resolveNginxTargets(args.nginx === undefined ? undefined : parseNginxSource(args.nginx), versions);
        groups = targets.map((target) => ({ target, scenarios }));
      }

      const total = groups.reduce((sum, group) => sum + group.scenarios.reduce((count, scenario) => count + requestCount(scenario), 0), 0);
      const progress = new ProgressBar(total, io.err, io.errIsTTY);
      const results: ScenarioRunResult[] = [];
      for (const group of groups) {
        results.push(
          ...(await runScenarios({
            scenarios: group.scenarios,
            ...(spec ? { spec } : {}),
            targets: [group.target],
            explained,
            onScenarioStart: (scenario, target) => progress.setLabel(`${scenario.name} on nginx ${target.version}`),
            onRequestsDone: (count) => progress.advance(count),
          })),
        );
      }
      progress.finish();
      // The matrix compares the same scenarios across versions, so it is printed only when every scenario ran on every nginx.
      return report(io, results, { matrix: !chooseBySpec && groups.length > 1, explained }, args);
    }),
});

/** Returns the first usage error in --random, --seed or --nginx-version, or true when they are valid. */
function checkDiffOptions(args: { random?: unknown; seed?: unknown; 'nginx-version'?: string | undefined }): string | true {
  if (args.random !== undefined) {
    const error = numberOptionError('random', args.random, { min: 1, max: 100_000, whole: true });
    if (error !== undefined) return error;
  }
  if (args.seed !== undefined) {
    // fast-check takes a 32-bit signed integer as its seed.
    const error = numberOptionError('seed', args.seed, { min: -(2 ** 31), max: 2 ** 31 - 1, whole: true });
    if (error !== undefined) return error;
  }
  // Each version names an h2sticky/nginx image tag, so it must be a whole release such as 1.30.6.
  for (const text of args['nginx-version']?.split(',') ?? []) {
    const version = parseVersion(text);
    if (version?.patchGiven && unsupportedReason(version) === undefined) continue;
    return invalidOptionValue('nginx-version', text.trim(), `nginx releases from ${supportedRangeText} separated by commas, such as 1.22.1,1.30.6`);
  }
  return true;
}

interface ReportArgs {
  format: (typeof formats)[number];
  json?: string | undefined;
  junit?: string | undefined;
}

async function report(
  io: CliIO,
  results: ScenarioRunResult[],
  { matrix, explained }: { matrix: boolean; explained: readonly ExplainedDifference[] },
  args: ReportArgs,
): Promise<ExitCodeValue> {
  if (args.format === 'json') io.out(formatJsonReport(results));
  else if (args.format === 'junit') io.out(formatJunitReport(results));
  else {
    io.out(formatTextReport(results));
    if (matrix) io.out(`\n${formatMatrix(results, explained)}`);
  }
  if (args.json !== undefined) await writeFileAtomic(resolve(io.cwd, args.json), formatJsonReport(results));
  if (args.junit !== undefined) await writeFileAtomic(resolve(io.cwd, args.junit), formatJunitReport(results));

  if (results.some((result) => result.status === 'error' && result.problems.length > 0)) return ExitCode.invalidInput;
  const failed = results.some((result) => divergences(result).length > 0 || result.status === 'expectation-failed' || result.status === 'error');
  return failed ? ExitCode.findings : ExitCode.ok;
}

async function runRandom(
  io: CliIO,
  options: { count: number; seed: number; spec: ResolvedSpec | undefined; targets: readonly NginxTarget[]; explained: ExplainedDifference[]; shrunkDirectory: string },
  args: ReportArgs,
): Promise<ExitCodeValue> {
  const progress = new ProgressBar(options.count * options.targets.length, io.err, io.errIsTTY);
  const outcomes = [];
  for (const target of options.targets) {
    progress.setLabel(`random scenarios on nginx ${target.version}`);
    outcomes.push(
      await runRandomScenarios({
        count: options.count,
        seed: options.seed,
        target,
        explained: options.explained,
        ...(options.spec ? { spec: options.spec } : {}),
        shrunkDirectory: options.shrunkDirectory,
        onScenarioDone: () => progress.advance(1),
      }),
    );
  }
  progress.finish();

  // The counts are the command's result, so they go to standard output with the report; progress stays on standard error.
  for (const outcome of outcomes) {
    io.out(`${countOf(outcome.runs, 'random scenario')} (seed ${options.seed}) on nginx ${outcome.nginxVersion}: ${countOf(outcome.requests, 'request')} compared, ${outcome.failure ? 'a divergence was found' : 'no unexplained divergence'}\n`);
    if (outcome.failure) io.out(`shrunk scenario written to ${relativePath(outcome.failure.file, io.cwd)} (${countOf(outcome.failure.shrinks, 'shrink step')})\n`);
  }
  const failures = outcomes.flatMap((outcome) => (outcome.failure ? [outcome.failure.result] : []));
  if (failures.length === 0) {
    io.out(`${countOf(outcomes.reduce((sum, outcome) => sum + outcome.runs, 0), 'random scenario')} passed\n`);
    // CI publishes the report files on every run, so a passing run writes them too: one passing test case per nginx.
    // NOTE: a passing run keeps only counts, not per-scenario results, so these files have no steps.
    const summaries = outcomes.map((outcome) => outcome.summary);
    if (args.json !== undefined) await writeFileAtomic(resolve(io.cwd, args.json), formatJsonReport(summaries));
    if (args.junit !== undefined) await writeFileAtomic(resolve(io.cwd, args.junit), formatJunitReport(summaries));
    return ExitCode.ok;
  }
  return report(io, failures, { matrix: options.targets.length > 1, explained: options.explained }, args);
}

/** Chooses the nginx for random scenarios from the target of the spec given on the command line. */
async function targetsOfSpec(io: CliIO, spec: ResolvedSpec): Promise<NginxTarget[]> {
  const chosen = await chooseTargetForSpec(spec, 'run random scenarios');
  if (chosen.notice !== undefined) io.err(`note: ${chosen.notice}\n`);
  return [chosen.target];
}

async function loadExplained(extra: string | undefined, io: CliIO): Promise<ExplainedDifference[] | undefined> {
  const shipped = await loadExplainedDifferences();
  const problems = [...shipped.problems];
  const entries = [...shipped.entries];
  if (extra !== undefined) {
    const loaded = await loadExplainedDifferences(resolve(io.cwd, extra), extra);
    problems.push(...loaded.problems);
    entries.push(...loaded.entries);
  }
  printProblems(io, problems);
  return problems.length > 0 ? undefined : entries;
}

function relativePath(path: string, cwd: string): string {
  return path.startsWith(`${cwd}/`) ? path.slice(cwd.length + 1) : path;
}

function relativeProblem(problem: Problem, cwd: string): Problem {
  return problem.file === undefined ? problem : { ...problem, file: relativePath(problem.file, cwd) };
}

