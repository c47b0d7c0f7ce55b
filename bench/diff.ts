/**
 * Measures the diff harness: requests compared per second, nginx and the
 * in-process proxy in lockstep.
 *
 * Run: npx tsx bench/diff.ts [--nginx local|docker:IMAGE] [--random N] [--seed S]
 *
 * Two figures: the bundled scenarios (their wait and delay steps are real
 * time, which the figure includes) and N random scenarios (no waits; one
 * reload of nginx and the proxy per scenario).
 */

import { parseArgs } from 'node:util';

import { loadExplainedDifferences } from '../src/diff/explained.js';
import { runRandomScenarios } from '../src/diff/random/run.js';
import { resolveNginxTargets, runScenarios } from '../src/diff/run.js';
import { loadScenarioPaths } from '../src/diff/scenario/files.js';
import { parseNginxSource } from '../src/nginx/runner/source.js';

const { values } = parseArgs({
  options: {
    nginx: { type: 'string', default: 'local' },
    random: { type: 'string', default: '200' },
    seed: { type: 'string', default: '1' },
    help: { type: 'boolean', short: 'h' },
  },
});
if (values.help) {
  process.stdout.write(`Usage: npx tsx bench/diff.ts [options]

Runs the bundled scenarios and then random scenarios through nginx and the in-process reference proxy, and
prints how many requests were compared per second (waits included).

Options:
  --nginx SOURCE  local, or docker:IMAGE such as docker:h2sticky/nginx:1.30.6 (default local)
  --random N      random scenarios to run after the bundled ones (default 200)
  --seed S        seed of the random scenarios (default 1)
  -h, --help      show this text
`);
  process.exit(0);
}

const [target] = await resolveNginxTargets(parseNginxSource(values.nginx), undefined);
const explained = (await loadExplainedDifferences()).entries;
console.log(`nginx ${target!.version} (${values.nginx}) and the in-process proxy, ${new Date().toISOString()}`);

const { scenarios, problems } = await loadScenarioPaths(['fixtures/scenarios']);
if (problems.length > 0) throw new Error(`invalid scenarios: ${problems.map((problem) => problem.message).join('; ')}`);

let started = performance.now();
const results = await runScenarios({ scenarios, targets: [target!], explained });
let seconds = (performance.now() - started) / 1000;
const compared = results.reduce((sum, result) => sum + result.requestCount, 0);
const ran = results.filter((result) => result.status !== 'not-applicable').length;
console.log(`bundled scenarios: ${ran} run, ${compared} requests compared in ${seconds.toFixed(1)} s: ${(compared / seconds).toFixed(1)} requests/s (waits included)`);

const count = Number(values.random);
started = performance.now();
const outcome = await runRandomScenarios({ count, seed: Number(values.seed), target: target!, explained, shrunkDirectory: 'diff-failures' });
seconds = (performance.now() - started) / 1000;
console.log(
  `random scenarios: ${outcome.runs} run, ${outcome.requests} requests compared in ${seconds.toFixed(1)} s: ${(outcome.requests / seconds).toFixed(1)} requests/s, ` +
    `${(outcome.runs / seconds).toFixed(1)} scenarios/s${outcome.failure ? ` (stopped at a divergence: ${outcome.failure.file})` : ''}`,
);
