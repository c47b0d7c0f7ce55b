/**
 * The version matrix: for each scenario, one table with a row per request
 * and a column per nginx version. A cell shows what nginx did (status,
 * backend, the backend its affinity cookie binds to) and how the proxy
 * compared: `=` the same, `~` only explained differences, `!` a divergence.
 */

import type { ScenarioRunResult } from '../result.js';
import { shortObservation } from './text.js';

export function formatMatrix(results: readonly ScenarioRunResult[]): string {
  const byScenario = new Map<string, ScenarioRunResult[]>();
  for (const result of results) byScenario.set(result.scenario, [...(byScenario.get(result.scenario) ?? []), result]);

  const sections: string[] = [];
  for (const [scenario, runs] of byScenario) sections.push(scenarioTable(scenario, runs));
  return `${sections.join('\n')}\n`;
}

function scenarioTable(scenario: string, runs: readonly ScenarioRunResult[]): string {
  const header = ['step', ...runs.map((run) => `nginx ${run.nginxVersion}`)];
  const rows: string[][] = [];

  const reference = runs.find((run) => run.steps.length > 0);
  for (const step of reference?.steps ?? []) {
    for (const [index, request] of step.requests.entries()) {
      const label = `${step.index + 1}${step.requests.length > 1 ? `.${index + 1}` : ''} ${request.method} ${request.path}`;
      rows.push([label, ...runs.map((run) => cell(run, step.index, index))]);
    }
  }
  rows.push(['result', ...runs.map((run) => run.status)]);

  const widths = header.map((_, column) => Math.min(60, Math.max(...[header, ...rows].map((row) => (row[column] ?? '').length))));
  const format = (row: string[]) => row.map((text, column) => text.slice(0, widths[column]).padEnd(widths[column]!)).join('  ').trimEnd();
  return [`${scenario}: nginx (=: proxy the same, ~: explained differences only, !: divergence)`, format(header), format(widths.map((width) => '-'.repeat(width))), ...rows.map(format)].join('\n');
}

function cell(run: ScenarioRunResult, stepIndex: number, requestIndex: number): string {
  const request = run.steps.find((step) => step.index === stepIndex)?.requests[requestIndex];
  if (!request) return '';
  let mark = '=';
  if (request.differences.length > 0) mark = '~';
  if (request.differences.some((difference) => !difference.explained)) mark = '!';
  return `${mark} ${shortObservation(request.observations[0])}`;
}
