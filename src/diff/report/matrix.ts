/**
 * The version matrix: for each scenario, one table with a row per request
 * and a column per nginx version. A cell shows what nginx did (status,
 * backend, the backend its affinity cookie binds to) and two marks. The
 * first compares nginx with the proxy: `=` the same, `~` only explained
 * differences, `!` a divergence. The second compares the version with the
 * newest one in the table: blank the same, `v` only differences that the
 * explained-differences file explains for versions (such as emulated
 * against native sticky), `*` other differences. Differences between
 * versions are listed under the table; they never fail the run.
 */

import { compareObservations } from '../compare.js';
import { explainRequest, type ExplainedDifference } from '../explained.js';
import type { RequestResult, ScenarioRunResult } from '../result.js';
import { shortObservation } from './text.js';

interface VersionDifference {
  field: string;
  explained?: string;
}

export function formatMatrix(results: readonly ScenarioRunResult[], explained: readonly ExplainedDifference[] = []): string {
  const byScenario = new Map<string, ScenarioRunResult[]>();
  for (const result of results) byScenario.set(result.scenario, [...(byScenario.get(result.scenario) ?? []), result]);

  const sections: string[] = [];
  for (const [scenario, runs] of byScenario) sections.push(scenarioTable(scenario, runs, explained));
  return `${sections.join('\n\n')}\n`;
}

function scenarioTable(scenario: string, runs: readonly ScenarioRunResult[], explained: readonly ExplainedDifference[]): string {
  const ran = runs.filter((run) => run.steps.length > 0);
  const newest = ran[ran.length - 1];
  const header = ['step', ...runs.map((run) => `nginx ${run.nginxVersion}`)];
  const rows: string[][] = [];
  // Version, field and explanation to the steps where that difference shows.
  const notes = new Map<string, string[]>();

  for (const step of newest?.steps ?? []) {
    for (const [index, request] of step.requests.entries()) {
      const label = `${step.index + 1}${step.requests.length > 1 ? `.${index + 1}` : ''} ${request.method} ${request.path}`;
      const cells = runs.map((run) => {
        const own = requestOf(run, step.index, index);
        if (!own) return '';
        const versus = run === newest ? [] : versionDifferences(run, own, requestOf(newest!, step.index, index)!, explained);
        for (const difference of versus) {
          const key = `nginx ${run.nginxVersion}: ${difference.field} ${difference.explained ? `(explained: ${difference.explained})` : '(not explained)'}`;
          notes.set(key, [...(notes.get(key) ?? []), label.split(' ')[0]!]);
        }
        return `${proxyMark(own)}${versionMark(versus)} ${shortObservation(own.observations[0])}`;
      });
      rows.push([label, ...cells]);
    }
  }
  rows.push(['result', ...runs.map((run) => run.status)]);

  const widths = header.map((_, column) => Math.min(60, Math.max(...[header, ...rows].map((row) => (row[column] ?? '').length))));
  const format = (row: string[]) => row.map((text, column) => text.slice(0, widths[column]).padEnd(widths[column]!)).join('  ').trimEnd();
  const lines = [
    `${scenario}: nginx against the proxy (= same, ~ explained only, ! divergence) and against nginx ${newest?.nginxVersion ?? '-'} (v explained only, * differs)`,
    format(header),
    format(widths.map((width) => '-'.repeat(width))),
    ...rows.map(format),
  ];
  if (notes.size > 0) {
    lines.push(`differences from nginx ${newest!.nginxVersion}:`);
    for (const [note, steps] of notes) lines.push(`  ${note} at step${steps.length === 1 ? '' : 's'} ${steps.join(', ')}`);
  }
  return lines.join('\n');
}

function requestOf(run: ScenarioRunResult, stepIndex: number, requestIndex: number): RequestResult | undefined {
  return run.steps.find((step) => step.index === stepIndex)?.requests[requestIndex];
}

function proxyMark(request: RequestResult): string {
  if (request.differences.some((difference) => !difference.explained)) return '!';
  if (request.differences.length > 0) return '~';
  return '=';
}

function versionMark(differences: readonly VersionDifference[]): string {
  if (differences.some((difference) => difference.explained === undefined)) return '*';
  if (differences.length > 0) return 'v';
  return ' ';
}

/**
 * Compares one version's nginx observation with the newest version's. Each
 * run has its own backends on other ports, so cookie values (the MD5 of
 * `ip:port`) always differ. The backend a cookie binds to is compared instead.
 */
function versionDifferences(run: ScenarioRunResult, own: RequestResult, newest: RequestResult, explained: readonly ExplainedDifference[]): VersionDifference[] {
  const differences = compareObservations(own.observations[0], newest.observations[0]).filter((difference) => !/^cookies\[.*\]\.value$/.test(difference.field));
  const entries = run.facts ? explainRequest(differences, explained, { scope: 'versions', ...run.facts }) : [];
  return differences.map((difference, index) => {
    const entry = entries[index];
    return entry ? { field: difference.field, explained: entry.id } : { field: difference.field };
  });
}
