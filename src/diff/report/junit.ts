/**
 * JUnit XML for CI: one test suite per nginx version, one test case per
 * scenario. A divergence or failed expectation is a failure, a scenario that
 * could not run is an error, and a scenario outside its nginx range is
 * skipped with the reason.
 */

import { divergences, type ScenarioRunResult } from '../result.js';
import { countOf } from '../../util/plural.js';
import { expectationFailureEntries, formatTextReport } from './text.js';

export function formatJunitReport(results: readonly ScenarioRunResult[]): string {
  const byVersion = new Map<string, ScenarioRunResult[]>();
  for (const result of results) byVersion.set(result.nginxVersion, [...(byVersion.get(result.nginxVersion) ?? []), result]);

  const lines = ['<?xml version="1.0" encoding="UTF-8"?>', '<testsuites name="h2sticky diff">'];
  for (const [version, runs] of byVersion) {
    const failures = runs.filter((run) => run.status === 'diverged' || run.status === 'expectation-failed').length;
    const errors = runs.filter((run) => run.status === 'error').length;
    const skipped = runs.filter((run) => run.status === 'not-applicable').length;
    const time = runs.reduce((sum, run) => sum + run.durationMs, 0) / 1000;
    lines.push(
      `  <testsuite name="nginx ${escape(version)}" tests="${runs.length}" failures="${failures}" errors="${errors}" skipped="${skipped}" time="${time.toFixed(3)}">`,
    );
    for (const run of runs) lines.push(...testCase(run));
    lines.push('  </testsuite>');
  }
  lines.push('</testsuites>');
  return `${lines.join('\n')}\n`;
}

function testCase(run: ScenarioRunResult): string[] {
  const open = `    <testcase classname="diff.nginx-${escape(run.nginxVersion)}" name="${escape(run.scenario)}"${run.file === '' ? '' : ` file="${escape(run.file)}"`} time="${(run.durationMs / 1000).toFixed(3)}"`;
  if (run.status === 'passed') return [`${open}/>`];

  const detail = escape(formatTextReport([run], { summary: false }));
  let body: string;
  if (run.status === 'not-applicable') {
    body = `      <skipped message="${escape(run.reason ?? 'not applicable')}"/>`;
  } else if (run.status === 'error') {
    body = `      <error message="${escape(run.reason ?? 'the scenario did not run')}">${detail}</error>`;
  } else {
    const count = divergences(run).length;
    const message = run.status === 'diverged' ? `${countOf(count, 'unexplained difference')} between ${run.roles[0]} and ${run.roles[1]}` : expectationMessage(run);
    body = `      <failure message="${escape(message)}">${detail}</failure>`;
  }
  return [`${open}>`, body, '    </testcase>'];
}

/**
 * Describes the first failed expectation with its expected and actual value,
 * and counts the others as the text report lists them: a failure that both
 * sides share with the same response counts once.
 */
function expectationMessage(run: ScenarioRunResult): string {
  const entries = expectationFailureEntries(run);
  const first = entries[0];
  if (!first) return 'an expectation failed';

  const more = entries.length > 1 ? `; ${countOf(entries.length - 1, 'more failed expectation')}` : '';
  return `step ${first.step.index + 1}: ${first.roles.join(' and ')}${first.text}${more}`;
}

function escape(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    // XML 1.0 allows no control characters other than tab, newline and carriage return.
    .replace(/[\x00-\x08\x0b\x0c\x0e-\x1f]/g, '');
}
