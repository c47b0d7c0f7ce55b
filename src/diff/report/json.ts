/** The JSON report: every run with its steps, observations and differences, and a summary. */

import { divergences, type ScenarioRunResult } from '../result.js';

export function formatJsonReport(results: readonly ScenarioRunResult[]): string {
  const summary = {
    runs: results.length,
    passed: results.filter((result) => result.status === 'passed').length,
    diverged: results.filter((result) => result.status === 'diverged').length,
    expectationFailed: results.filter((result) => result.status === 'expectation-failed').length,
    errors: results.filter((result) => result.status === 'error').length,
    notApplicable: results.filter((result) => result.status === 'not-applicable').length,
    requestsCompared: results.reduce((sum, result) => sum + result.requestCount, 0),
    unexplainedDifferences: results.reduce((sum, result) => sum + divergences(result).length, 0),
  };
  return `${JSON.stringify({ format: 'h2sticky-diff-report', version: 1, summary, results }, null, 2)}\n`;
}
